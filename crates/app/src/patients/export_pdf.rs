//! A small PDF 1.4 writer for the export's printable list: A4 pages of plain text in the
//! standard Helvetica fonts (no font embedded: every reader has them) with WinAnsiEncoding,
//! so French accents print; lines are wrapped and the pages follow as the text grows. Pure:
//! lines in, bytes out. It draws text only, and knows nothing of records or documents.

/// One line of the document: bold or regular, and a blank line before it or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    pub text: String,
    pub bold: bool,
    pub space_before: bool,
}

impl Line {
    pub(crate) fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            bold: false,
            space_before: false,
        }
    }

    pub(crate) fn heading(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            bold: true,
            space_before: true,
        }
    }
}

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
const FONT_SIZE: f32 = 10.0;
const LEADING: f32 = 14.0;
/// Characters per line: Helvetica's widest common letters are about 0.6 em, so 80 at 10 pt
/// fit in the 483 pt between the margins.
const WRAP: usize = 80;

/// The byte of `c` in WinAnsiEncoding (PDF 1.4 Annex D); `?` for what it cannot show.
pub(crate) fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        '\u{202f}' => b' ',
        _ => b'?',
    }
}

/// A PDF literal string of `text`: WinAnsi bytes, with `(`, `)` and `\` escaped.
fn literal(text: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in text.chars() {
        let b = win_ansi(c);
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
    out
}

/// `text` cut into lines of at most `width` characters, at spaces where possible.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > width {
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            lines.push(word.drain(..width).collect());
        }
        let word: String = word.into_iter().collect();
        let needed = current.chars().count() + usize::from(!current.is_empty()) + word.len();
        if needed > width && !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// The laid-out pages: each a list of (bold, text, baseline y).
fn layout(lines: &[Line]) -> Vec<Vec<(bool, String, f32)>> {
    let top = PAGE_HEIGHT - MARGIN;
    let bottom = MARGIN + LEADING; // room for the page number
    let mut pages = vec![Vec::new()];
    let mut y = top;
    for line in lines {
        let parts = wrap(&line.text, WRAP);
        let mut gap = if line.space_before {
            LEADING / 2.0
        } else {
            0.0
        };
        // A heading is kept with the line after it.
        let keep = if line.bold { 2.0 } else { 1.0 };
        if y - gap - LEADING * keep < bottom {
            pages.push(Vec::new());
            y = top;
            gap = 0.0;
        }
        y -= gap;
        for part in parts {
            if y - LEADING < bottom {
                pages.push(Vec::new());
                y = top;
            }
            y -= LEADING;
            if let Some(page) = pages.last_mut() {
                page.push((line.bold, part, y));
            }
        }
    }
    pages
}

/// A PDF 1.4 document of `lines`, with « Page n / N » at the foot of each page.
pub(crate) fn document(title: &str, lines: &[Line]) -> Vec<u8> {
    let pages = layout(lines);
    let count = pages.len();
    // Objects: 1 catalog, 2 page tree, 3 Helvetica, 4 Helvetica-Bold, 5 info, then a page
    // and its content stream per page.
    let mut objects: Vec<Vec<u8>> = Vec::new();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = (0..count).map(|i| format!("{} 0 R", 6 + 2 * i)).collect();
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {count} >>",
            kids.join(" ")
        )
        .into_bytes(),
    );
    for font in ["Helvetica", "Helvetica-Bold"] {
        objects.push(
            format!(
                "<< /Type /Font /Subtype /Type1 /BaseFont /{font} /Encoding /WinAnsiEncoding >>"
            )
            .into_bytes(),
        );
    }
    let mut info = b"<< /Producer (Mon Drive Sant\\351) /Title ".to_vec();
    info.extend(literal(title));
    info.extend(b" >>");
    objects.push(info);
    for (i, page) in pages.iter().enumerate() {
        let mut content = Vec::new();
        for (bold, text, y) in page {
            let font = if *bold { "F2" } else { "F1" };
            content.extend(format!("BT /{font} {FONT_SIZE} Tf {MARGIN} {y:.1} Td ").into_bytes());
            content.extend(literal(text));
            content.extend(b" Tj ET\n");
        }
        let foot = format!("Page {} / {count}", i + 1);
        content.extend(format!("BT /F1 8 Tf {MARGIN} {:.1} Td ", MARGIN / 2.0).into_bytes());
        content.extend(literal(&foot));
        content.extend(b" Tj ET\n");
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
                 /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                7 + 2 * i
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend(content);
        stream.extend(b"\nendstream");
        objects.push(stream);
    }
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).into_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).into_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n\r\n").into_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .into_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    /// Every xref entry points at its object's `n 0 obj`, and startxref at `xref`.
    fn check_xref(pdf: &[u8]) -> usize {
        let tail = &pdf[find(pdf, b"startxref\n").unwrap() + 10..];
        let end = find(tail, b"\n").unwrap();
        let xref: usize = std::str::from_utf8(&tail[..end]).unwrap().parse().unwrap();
        assert!(pdf[xref..].starts_with(b"xref\n0 "), "startxref");
        let table = std::str::from_utf8(&pdf[xref..]).unwrap();
        let size: usize = table.lines().nth(1).unwrap()[2..].parse().unwrap();
        let entries = &pdf[xref + table.find("0000000000 65535 f").unwrap()..];
        for n in 1..size {
            let entry = &entries[20 * n..20 * n + 20];
            assert!(entry.ends_with(b" 00000 n\r\n"), "entry {n} is 20 bytes");
            let at: usize = std::str::from_utf8(&entry[..10]).unwrap().parse().unwrap();
            assert!(
                pdf[at..].starts_with(format!("{n} 0 obj\n").as_bytes()),
                "object {n} at {at}"
            );
        }
        size
    }

    #[test]
    fn the_structure_is_valid_and_the_offsets_are_right() {
        let pdf = document(
            "Mon dossier",
            &[Line::heading("Titre"), Line::plain("Texte")],
        );
        assert!(pdf.starts_with(b"%PDF-1.4\n"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        assert_eq!(
            check_xref(&pdf),
            8,
            "5 shared objects, one page and its content"
        );
        assert!(find(&pdf, b"/BaseFont /Helvetica /Encoding /WinAnsiEncoding").is_some());
        assert!(find(&pdf, b"/Count 1 >>").is_some());
        // Each stream's /Length is its byte count.
        let at = find(&pdf, b"<< /Length ").unwrap() + 11;
        let len: usize = std::str::from_utf8(&pdf[at..at + find(&pdf[at..], b" ").unwrap()])
            .unwrap()
            .parse()
            .unwrap();
        let start = at + find(&pdf[at..], b"stream\n").unwrap() + 7;
        assert_eq!(&pdf[start + len..start + len + 10], b"\nendstream");
    }

    #[test]
    fn a_long_list_takes_several_pages_numbered() {
        let lines: Vec<Line> = (0..200)
            .map(|i| Line::plain(format!("Document {i}")))
            .collect();
        let pdf = document("Liste", &lines);
        let pages = check_xref(&pdf) - 6;
        assert!(pages >= 8 && pages.is_multiple_of(2), "{pages}");
        let n = pages / 2;
        assert!(find(&pdf, format!("/Count {n} >>").as_bytes()).is_some());
        assert!(find(&pdf, format!("(Page {n} / {n})").as_bytes()).is_some());
        assert!(find(&pdf, b"(Document 199)").is_some());
        // For a look with pdftotext: MDS_PDF_SAMPLE=/some/file.pdf.
        if let Ok(path) = std::env::var("MDS_PDF_SAMPLE") {
            std::fs::write(path, &pdf).unwrap();
        }
    }

    #[test]
    fn french_text_is_win_ansi_and_escaped() {
        let cases: &[(&str, &[u8])] = &[
            ("ascii", b"(abc)"),
            ("accents", b"(\xe9\xe8\xe0\xe7\xf4\xc9)"),
            ("oe and euro", b"(\x9c\x80)"),
            ("quotes and dash", b"(\x92\x93\x94\x96)"),
            ("parentheses and backslash", b"(\\(a\\)\\\\)"),
            ("unmapped", b"(?)"),
        ];
        let texts = ["abc", "éèàçôÉ", "œ€", "’“”–", "(a)\\", "漢"];
        let failed: Vec<&str> = cases
            .iter()
            .zip(texts)
            .filter(|((_, want), text)| literal(text) != *want)
            .map(|((name, _), _)| *name)
            .collect();
        assert!(failed.is_empty(), "failing cases: {failed:?}");
    }

    #[test]
    fn wrapping_keeps_every_word_within_the_width() {
        let text = "Compte rendu de consultation de cardiologie avec un mot \
                    Anticonstitutionnellementtrèslongquidépasse la largeur";
        let lines = wrap(text, 20);
        assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
        let joined: String = lines.concat().split_whitespace().collect();
        let original: String = text.split_whitespace().collect();
        assert_eq!(joined, original);
        assert_eq!(wrap("", 20), [""]);
    }
}
