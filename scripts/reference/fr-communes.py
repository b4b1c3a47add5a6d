#!/usr/bin/env python3
"""Regenerates reference/fr-communes.csv (code,name,department): every current French commune
(INSEE code, official name, department or collectivity code), overseas included, from the
npm package @etalab/decoupage-administratif (MIT; data from INSEE's Code officiel
géographique, Licence Ouverte). Usage: scripts/reference/fr-communes.py [VERSION]
(needs npm; writes the file in place, sorted by code)."""
import csv, io, json, pathlib, subprocess, sys, tarfile, tempfile

version = sys.argv[1] if len(sys.argv) > 1 else "6.0.0"
root = pathlib.Path(__file__).resolve().parents[2]
with tempfile.TemporaryDirectory() as tmp:
    subprocess.run(["npm", "pack", f"@etalab/decoupage-administratif@{version}"], cwd=tmp,
                   check=True, capture_output=True)
    tgz = next(pathlib.Path(tmp).glob("*.tgz"))
    with tarfile.open(tgz) as t:
        communes = json.load(t.extractfile("package/data/communes.json"))
rows = sorted(
    (c["code"], c["nom"], c.get("departement") or c.get("collectiviteOutremer") or c["code"][:3])
    for c in communes
    if c.get("type") == "commune-actuelle"
)
out = io.StringIO()
w = csv.writer(out, lineterminator="\n")
w.writerow(["code", "name", "department"])
w.writerows(rows)
(root / "reference" / "fr-communes.csv").write_text(out.getvalue(), encoding="utf-8")
print(f"{len(rows)} communes written")
