//! What a person reads in their export (issue 18, item 10): the documents' file names made
//! from their date and title, `index.html` (French, self-contained: inline style, no script,
//! every text escaped) and the lines of the printable `index.pdf`. Pure: entries in, text
//! out; titles come from users and are treated as hostile.

use super::export_pdf::Line;
use std::collections::HashSet;

/// One exported document as the person sees it.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// `AAAA-MM-JJ` as recorded.
    pub act_date: String,
    pub title: String,
    /// « Compte rendu de consultation », or the type code when unknown.
    pub kind: String,
    /// « Dr Jean Néa, médecin — Cabinet du Récif », « Vous », or « — ».
    pub author: String,
    /// Path inside the archive, `documents/…`.
    pub file: String,
}

/// Longest title part of a file name, in characters (the whole name stays well under the
/// 255 bytes of common file systems and the 260 characters of old Windows paths).
const TITLE_MAX: usize = 60;

/// `c` without its accent, in ASCII letters (French and the common Latin letters); `None` for
/// what has no ASCII form.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "A",
        'ç' => "c",
        'Ç' => "C",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'È' | 'É' | 'Ê' | 'Ë' => "E",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' => "I",
        'ñ' => "n",
        'Ñ' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "O",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' | 'Ÿ' => "Y",
        'œ' => "oe",
        'Œ' => "OE",
        'æ' => "ae",
        'Æ' => "AE",
        'ß' => "ss",
        _ => return None,
    })
}

/// A file name part from user text: ASCII letters and digits, words joined by `-`; no path
/// separator, dot, control or reserved character survives; `None` when nothing is left.
pub(crate) fn slug(text: &str, max: usize) -> Option<String> {
    let mut out = String::new();
    let mut gap = false;
    for c in text.chars() {
        let folded = if c.is_ascii_alphanumeric() {
            Some(c.to_string())
        } else {
            fold(c).map(str::to_owned)
        };
        match folded {
            Some(s) => {
                if gap && !out.is_empty() {
                    out.push('-');
                }
                gap = false;
                out.push_str(&s);
            }
            None => gap = true,
        }
        if out.len() >= max {
            break;
        }
    }
    out.truncate(max);
    let out = out.trim_end_matches('-').to_owned();
    (!out.is_empty()).then_some(out)
}

/// Names files `documents/AAAA-MM-JJ_Titre.ext`, unique within one archive (`_2`, `_3`… for
/// documents of the same date and title). Only the date's digits and hyphens are kept, so a
/// name always starts with a digit or `document` and can be no reserved device name.
#[derive(Default)]
pub(crate) struct Names {
    taken: HashSet<String>,
}

impl Names {
    pub(crate) fn name(&mut self, act_date: &str, title: &str, extension: &str) -> String {
        let date: String = act_date
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '-')
            .take(10)
            .collect();
        let title = slug(title, TITLE_MAX).unwrap_or_else(|| "document".to_owned());
        let extension = slug(extension, 8).unwrap_or_else(|| "bin".to_owned());
        let stem = if date.is_empty() {
            format!("document_{title}")
        } else {
            format!("{date}_{title}")
        };
        let mut n = 1;
        loop {
            let candidate = if n == 1 {
                format!("documents/{stem}.{extension}")
            } else {
                format!("documents/{stem}_{n}.{extension}")
            };
            if self.taken.insert(candidate.to_ascii_lowercase()) {
                return candidate;
            }
            n += 1;
        }
    }
}

/// `text` safe in HTML text and in a quoted attribute.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// `AAAA-MM-JJ` as `JJ/MM/AAAA`; anything else as it is.
pub(crate) fn date_fr(date: &str) -> String {
    let parts: Vec<&str> = date.split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => format!("{d}/{m}/{y}"),
        _ => date.to_owned(),
    }
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;\
margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b1b1b;line-height:1.5}\
h1{font-size:1.6rem}table{border-collapse:collapse;width:100%}\
th,td{text-align:left;vertical-align:top;padding:.5rem;border-bottom:1px solid #ccc}\
th{background:#eef2f7}a{color:#0b4f9c}.note{color:#444;font-size:.95rem}\
caption{text-align:left;font-weight:bold;padding:.5rem 0}\
@media (max-width:40rem){table,caption,tbody,tr,td{display:block}thead{position:absolute;left:-9999px}\
tr{border-bottom:1px solid #ccc;padding:.5rem 0}td{border:0;padding:.1rem 0}\
td::before{content:attr(data-label);display:block;font-size:.85rem;color:#444}}\
@media print{a{color:inherit}}";

/// The page listing the documents, each title linking to its file.
/// The health profile's sections that hold something: each label with its entries' lines.
pub(crate) type ProfileLines = [(String, Vec<String>)];

fn profile_html(profile: &ProfileLines) -> String {
    if profile.is_empty() {
        return "<h2>Profil médical</h2>\n<p>Votre profil médical est vide.</p>".to_owned();
    }
    let mut out = "<h2>Profil médical</h2>\n".to_owned();
    for (label, lines) in profile {
        out.push_str(&format!("<h3>{}</h3>\n<ul>\n", escape(label)));
        for l in lines {
            out.push_str(&format!("<li>{}</li>\n", escape(l)));
        }
        out.push_str("</ul>\n");
    }
    out
}

pub(crate) fn index_html(
    patient: &str,
    generated: &str,
    entries: &[Entry],
    profile: &ProfileLines,
) -> String {
    let mut rows = String::new();
    for e in entries {
        rows.push_str(&format!(
            "<tr><td data-label=\"Date\">{}</td><td data-label=\"Titre\"><a href=\"{}\">{}</a></td>\
             <td data-label=\"Type\">{}</td><td data-label=\"Auteur\">{}</td></tr>\n",
            escape(&date_fr(&e.act_date)),
            escape(&e.file),
            escape(&e.title),
            escape(&e.kind),
            escape(&e.author),
        ));
    }
    let list = if entries.is_empty() {
        "<p>Votre dossier ne contient aucun document.</p>".to_owned()
    } else {
        format!(
            "<table>\n<caption>{} document(s), du plus récent au plus ancien</caption>\n\
             <thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Titre</th>\
             <th scope=\"col\">Type</th><th scope=\"col\">Auteur</th></tr></thead>\n<tbody>\n{rows}\
             </tbody>\n</table>",
            entries.len()
        )
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Mon dossier Mon Drive Santé — {patient}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>\n<main>\n<h1>Mon dossier Mon Drive Santé</h1>\n\
         <p>{patient}<br>Export du {generated} (heure de Nouméa).</p>\n\
         <p class=\"note\">Cliquez sur un titre pour ouvrir le document. Une version à \
         imprimer de cette liste est dans <a href=\"index.pdf\">index.pdf</a>. Les fichiers \
         <code>.json</code> et <code>manifest.json</code> (empreintes SHA-256 de chaque \
         fichier) sont destinés aux logiciels.</p>\n{list}\n{profile}\n</main>\n</body>\n</html>\n",
        profile = profile_html(profile),
        patient = escape(patient),
        generated = escape(generated),
    )
}

/// The same list as lines of the printable PDF.
pub(crate) fn index_lines(
    patient: &str,
    generated: &str,
    entries: &[Entry],
    profile: &ProfileLines,
) -> Vec<Line> {
    let mut lines = vec![
        Line::heading("Mon dossier Mon Drive Santé"),
        Line::plain(patient),
        Line::plain(format!("Export du {generated} (heure de Nouméa)")),
        Line::plain(format!(
            "{} document(s), du plus récent au plus ancien",
            entries.len()
        )),
    ];
    for e in entries {
        lines.push(Line::heading(format!(
            "{} — {}",
            date_fr(&e.act_date),
            e.title
        )));
        lines.push(Line::plain(format!("{} · {}", e.kind, e.author)));
        lines.push(Line::plain(format!("Fichier : {}", e.file)));
    }
    if !profile.is_empty() {
        lines.push(Line::heading("Profil médical"));
    }
    for (label, items) in profile {
        lines.push(Line::heading(label.clone()));
        lines.extend(items.iter().map(|i| Line::plain(format!("• {i}"))));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_table() {
        let cases: &[(&str, &str, &str, &str)] = &[
            (
                "plain",
                "2026-09-01",
                "Compte rendu",
                "documents/2026-09-01_Compte-rendu.pdf",
            ),
            (
                "accents",
                "2026-09-01",
                "Échographie cœur",
                "documents/2026-09-01_Echographie-coeur.pdf",
            ),
            (
                "separators",
                "2026-09-01",
                "../../etc/passwd",
                "documents/2026-09-01_etc-passwd.pdf",
            ),
            (
                "backslash",
                "2026-09-01",
                "a\\b:c*d?e",
                "documents/2026-09-01_a-b-c-d-e.pdf",
            ),
            (
                "control",
                "2026-09-01",
                "a\u{0}b\nc",
                "documents/2026-09-01_a-b-c.pdf",
            ),
            (
                "script",
                "2026-09-01",
                "<script>alert('x')</script>",
                "documents/2026-09-01_script-alert-x-script.pdf",
            ),
            (
                "nothing left",
                "2026-09-01",
                "漢字 !!",
                "documents/2026-09-01_document.pdf",
            ),
            ("reserved name", "", "CON", "documents/document_CON.pdf"),
            ("hostile date", "../20", "Bilan", "documents/20_Bilan.pdf"),
        ];
        let failed: Vec<String> = cases
            .iter()
            .filter_map(|(name, date, title, want)| {
                let got = Names::default().name(date, title, "pdf");
                (got != *want).then(|| format!("{name}: {got}"))
            })
            .collect();
        assert!(failed.is_empty(), "failing cases: {failed:?}");
    }

    #[test]
    fn names_are_short_safe_and_unique() {
        let mut names = Names::default();
        let long = "Très long titre ".repeat(20);
        let a = names.name("2026-09-01", &long, "pdf");
        assert!(
            a.len() <= "documents/2026-09-01_".len() + TITLE_MAX + 4,
            "{a}"
        );
        let b = names.name("2026-09-01", "Bilan", "pdf");
        let c = names.name("2026-09-01", "Bilan", "pdf");
        let d = names.name("2026-09-01", "BILAN", "pdf");
        assert_eq!(b, "documents/2026-09-01_Bilan.pdf");
        assert_eq!(c, "documents/2026-09-01_Bilan_2.pdf");
        assert_eq!(
            d, "documents/2026-09-01_BILAN_3.pdf",
            "unique without regard to case"
        );
        for n in [&a, &b, &c, &d] {
            let file = n.strip_prefix("documents/").unwrap();
            assert!(!file.contains('/') && !file.contains('\\') && !file.starts_with('.'));
            assert!(file
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
        }
    }

    #[test]
    fn the_hostile_date_keeps_no_separator() {
        let n = Names::default().name("../../x", "t", "pdf");
        let file = n.strip_prefix("documents/").unwrap();
        assert!(!file.contains('/'), "{n}");
    }

    #[test]
    fn every_text_is_escaped_in_the_index() {
        let e = Entry {
            act_date: "2026-09-01".into(),
            title: "<script>alert(\"x\")</script> l'œil & co".into(),
            kind: "Type <b>".into(),
            author: "Dr \"Néa\"".into(),
            file: "documents/2026-09-01_script.pdf".into(),
        };
        let html = index_html("Marie <i>Dupont</i>", "01/09/2026 10:00", &[e], &[]);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>") && !html.contains("<i>"));
        assert!(
            html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; l&#39;œil &amp; co")
        );
        assert!(html.contains("Dr &quot;Néa&quot;"));
        assert!(html.contains("<a href=\"documents/2026-09-01_script.pdf\">"));
        assert!(html.contains("<td data-label=\"Date\">01/09/2026</td>"));
        assert!(html.contains("<html lang=\"fr\">"));
    }

    #[test]
    fn an_empty_record_says_so() {
        let html = index_html("Marie", "01/09/2026 10:00", &[], &[]);
        assert!(html.contains("aucun document"));
        assert_eq!(index_lines("Marie", "x", &[], &[]).len(), 4);
    }
}
