//! Decision tables of the format check: real files accepted with their format (and an image's
//! dimensions), hostile or broken ones refused with the reason.

use super::*;

/// The test kit's real samples (written by Pillow; see crates/testkit/samples/README.md).
const PDF: &[u8] = include_bytes!("../../../testkit/samples/scan.pdf");
const PNG: &[u8] = include_bytes!("../../../testkit/samples/scan.png");
const JPEG: &[u8] = include_bytes!("../../../testkit/samples/photo.jpg");
const JPEG_PROGRESSIVE: &[u8] = include_bytes!("../../../testkit/samples/photo-progressive.jpg");
const CDA: &[u8] = include_bytes!("../../../testkit/samples/cda.xml");

const NS: &str = "urn:hl7-org:v3";

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// A PDF made of `body` then a trailer whose `startxref` points inside it.
fn pdf(body: &str) -> Vec<u8> {
    format!("%PDF-1.4\n{body}\nxref\ntrailer\n<< >>\nstartxref\n9\n%%EOF\n").into_bytes()
}

/// A PNG chunk with its length and CRC.
fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let typed = cat(&[kind, data]);
    let crc = image_crc(&typed);
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    cat(&[&len.to_be_bytes(), &typed, &crc.to_be_bytes()])
}

fn image_crc(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &d in data {
        crc ^= u32::from(d);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG of `w` × `h` whose image data is a placeholder (the check never inflates it).
fn png(w: u32, h: u32, tail: &[u8]) -> Vec<u8> {
    let ihdr = cat(&[&w.to_be_bytes(), &h.to_be_bytes(), &[8, 2, 0, 0, 0]]);
    cat(&[
        &image::PNG_SIGNATURE,
        &chunk(b"IHDR", &ihdr),
        &chunk(b"IDAT", &[0x78, 0x01]),
        &chunk(b"IEND", b""),
        tail,
    ])
}

/// A JPEG with a frame header of `w` × `h` and `tail` after the scan.
fn jpeg(w: u16, h: u16, tail: &[u8]) -> Vec<u8> {
    let [w0, w1] = w.to_be_bytes();
    let [h0, h1] = h.to_be_bytes();
    cat(&[
        &[0xff, 0xd8],
        &[0xff, 0xe0, 0, 4, b'J', b'F'],
        &[0xff, 0xc0, 0, 11, 8, h0, h1, w0, w1, 1, 1, 0x11, 0],
        &[0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0],
        &[0x12, 0x34],
        tail,
    ])
}

fn dims(width: u32, height: u32) -> Option<Dimensions> {
    Some(Dimensions { width, height })
}

#[test]
fn real_files_are_accepted_with_their_format() {
    let no_prolog = format!("<ClinicalDocument xmlns=\"{NS}\"><title>T</title></ClinicalDocument>");
    let comment_first = format!(
        "<!-- exporté par le logiciel X -->\n<ClinicalDocument xmlns=\"{NS}\"><title>T</title></ClinicalDocument>"
    );
    let bom = format!("\u{feff}<?xml version=\"1.0\"?><ClinicalDocument xmlns=\"{NS}\"/>");
    let prefixed = format!("<hl7:ClinicalDocument xmlns:hl7=\"{NS}\"/>");
    let cases: Vec<(&str, Vec<u8>, Format, Option<Dimensions>)> = vec![
        ("PDF (Pillow)", PDF.to_vec(), Format::Pdf, None),
        (
            "PDF (hand-made)",
            pdf("1 0 obj << >> endobj"),
            Format::Pdf,
            None,
        ),
        (
            "PDF 2.0, CRLF, NUL padding",
            b"%PDF-2.0\r\n1 0 obj<<>>endobj\r\nstartxref\r\n9\r\n%%EOF\r\n\0\0".to_vec(),
            Format::Pdf,
            None,
        ),
        (
            "PDF with <html in a stream",
            pdf("1 0 obj << /Length 6 >>\nstream\n<html>\nendstream\nendobj"),
            Format::Pdf,
            None,
        ),
        ("PNG (Pillow)", PNG.to_vec(), Format::Png, dims(24, 16)),
        (
            "PNG (made here)",
            png(160, 100, b""),
            Format::Png,
            dims(160, 100),
        ),
        ("JPEG (Pillow)", JPEG.to_vec(), Format::Jpeg, dims(48, 32)),
        (
            "progressive JPEG (Pillow)",
            JPEG_PROGRESSIVE.to_vec(),
            Format::Jpeg,
            dims(40, 30),
        ),
        (
            "JPEG (made here)",
            jpeg(640, 480, &[0xff, 0xd9]),
            Format::Jpeg,
            dims(640, 480),
        ),
        ("CDA sample", CDA.to_vec(), Format::CdaXml, None),
        (
            "CDA without prolog",
            no_prolog.into_bytes(),
            Format::CdaXml,
            None,
        ),
        (
            "CDA starting with a comment",
            comment_first.into_bytes(),
            Format::CdaXml,
            None,
        ),
        (
            "CDA after a byte order mark",
            bom.into_bytes(),
            Format::CdaXml,
            None,
        ),
        (
            "CDA with a namespace prefix",
            prefixed.into_bytes(),
            Format::CdaXml,
            None,
        ),
        (
            "text",
            "Compte rendu\r\n\tRAS\u{c}".into(),
            Format::Text,
            None,
        ),
        (
            "text with a <",
            "Résultat < 5 mg/L".into(),
            Format::Text,
            None,
        ),
        ("empty", Vec::new(), Format::Text, None),
    ];
    let failing: Vec<_> = cases
        .iter()
        .filter(|(_, content, format, dimensions)| {
            recognise(content)
                != Ok(Recognised {
                    format: *format,
                    dimensions: *dimensions,
                })
        })
        .map(|(name, content, ..)| format!("{name}: {:?}", recognise(content)))
        .collect();
    assert!(failing.is_empty(), "failing cases: {failing:#?}");
}

#[test]
fn hostile_and_broken_content_is_refused() {
    use Refusal::*;
    let html = "<html><body><script>alert(1)</script></body></html>";
    let cda = format!("<ClinicalDocument xmlns=\"{NS}\"/>");
    let mut bad_crc = png(10, 10, b"");
    bad_crc[29] ^= 1;
    let cases: Vec<(&str, Vec<u8>, Refusal)> = vec![
        // PDF: a prefix is not a PDF.
        (
            "%PDF- then HTML",
            format!("%PDF-1.4\n{html}").into(),
            PdfTrailer,
        ),
        ("%PDF- then HTML, with a trailer", pdf(html), PdfHtml),
        (
            "%PDF- then an HTML comment",
            pdf("%<!DOCTYPE html>"),
            PdfHtml,
        ),
        ("%PDF-1.4 fake", b"%PDF-1.4 fake".to_vec(), PdfTrailer),
        (
            "unknown version",
            b"%PDF-9.9\nstartxref\n0\n%%EOF".to_vec(),
            PdfHeader,
        ),
        (
            "no separator",
            b"%PDF-1.4x\nstartxref\n0\n%%EOF".to_vec(),
            PdfHeader,
        ),
        (
            "%%EOF not at the end",
            cat(&[&pdf("x"), &[b'y'; 2000]]),
            PdfTrailer,
        ),
        (
            "no startxref",
            b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n".to_vec(),
            PdfTrailer,
        ),
        (
            "startxref past the end",
            b"%PDF-1.4\nstartxref\n99999\n%%EOF".to_vec(),
            PdfTrailer,
        ),
        (
            "HTML after %%EOF, in the first KB",
            cat(&[&pdf("x"), b"<html>"]),
            PdfHtml,
        ),
        // Images: magic bytes then anything.
        (
            "PNG magic then HTML",
            cat(&[&image::PNG_SIGNATURE, html.as_bytes()]),
            Png,
        ),
        ("PNG magic only", image::PNG_SIGNATURE.to_vec(), Png),
        ("PNG with a wrong header CRC", bad_crc, Png),
        ("PNG of zero width", png(0, 10, b""), ImageSize),
        ("PNG too wide", png(MAX_IMAGE_SIDE + 1, 10, b""), ImageSize),
        (
            "PNG then HTML after IEND",
            png(10, 10, html.as_bytes()),
            Png,
        ),
        ("PNG cut short", PNG[..PNG.len() - 12].to_vec(), Png),
        // Found by fuzzing (fuzz/artifacts/format/crash-d6b91dff…): a header cut in its CRC.
        ("PNG header cut in its CRC", PNG[..30].to_vec(), Png),
        (
            "JPEG magic then HTML",
            cat(&[&[0xff, 0xd8, 0xff, 0xe0], html.as_bytes()]),
            Jpeg,
        ),
        ("JPEG SOI and EOI only", vec![0xff, 0xd8, 0xff, 0xd9], Jpeg),
        ("JPEG of zero height", jpeg(10, 0, &[0xff, 0xd9]), ImageSize),
        ("JPEG without EOI", jpeg(10, 10, b""), Jpeg),
        (
            "JPEG then HTML after EOI",
            jpeg(10, 10, &cat(&[&[0xff, 0xd9], html.as_bytes()])),
            Jpeg,
        ),
        ("JPEG cut short", cat(&[&JPEG[..64], &[0xff, 0xd9]]), Jpeg),
        // DTDs, with or without prolog, in any case, after comments, in text.
        (
            "DOCTYPE without prolog",
            format!("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>{cda}").into(),
            Dtd,
        ),
        ("ENTITY alone", b"<!ENTITY e 'x'>".to_vec(), Dtd),
        (
            "lower-case doctype",
            format!("<!doctype x>{cda}").into(),
            Dtd,
        ),
        (
            "DOCTYPE after a comment",
            format!("<!-- c --><!DocType x>{cda}").into(),
            Dtd,
        ),
        (
            "DOCTYPE in text",
            b"Compte rendu\n<!DOCTYPE html>\n".to_vec(),
            Dtd,
        ),
        ("ENTITY at the very end", b"texte <!ENTITY".to_vec(), Dtd),
        // XML other than a CDA, malformed XML.
        ("HTML page", html.into(), XmlNotCda),
        (
            "SVG",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
            XmlNotCda,
        ),
        (
            "ClinicalDocument without namespace",
            b"<ClinicalDocument/>".to_vec(),
            XmlNotCda,
        ),
        (
            "ClinicalDocument in another namespace",
            b"<ClinicalDocument xmlns=\"urn:evil\"/>".to_vec(),
            XmlNotCda,
        ),
        (
            "prolog then HTML",
            b"<?xml version=\"1.0\"?><html/>".to_vec(),
            XmlNotCda,
        ),
        (
            "unclosed markup",
            b"<ClinicalDocument xmlns=\"urn:hl7-org:v3\">".to_vec(),
            XmlMalformed,
        ),
        (
            "markup then text",
            "  <b>gras</b> et le reste".into(),
            XmlMalformed,
        ),
        (
            "undeclared entity",
            format!("<ClinicalDocument xmlns=\"{NS}\">&e;</ClinicalDocument>").into(),
            XmlMalformed,
        ),
        // Text.
        ("NUL in text", b"texte\0".to_vec(), ControlCharacters),
        (
            "escape in text",
            b"texte \x1b[31m".to_vec(),
            ControlCharacters,
        ),
        (
            "C1 control in text",
            "texte \u{85}".into(),
            ControlCharacters,
        ),
        ("binary", vec![0, 1, 2, 3], ControlCharacters),
        ("not UTF-8", vec![0xc3, 0x28, b'a'], Unrecognised),
    ];
    let failing: Vec<_> = cases
        .iter()
        .filter(|(_, content, refusal)| recognise(content) != Err(*refusal))
        .map(|(name, content, _)| format!("{name}: {:?}", recognise(content)))
        .collect();
    assert!(failing.is_empty(), "failing cases: {failing:#?}");
}

#[test]
fn every_refusal_has_a_french_reason() {
    use Refusal::*;
    for r in [
        PdfHeader,
        PdfTrailer,
        PdfHtml,
        Png,
        Jpeg,
        ImageSize,
        Dtd,
        XmlMalformed,
        XmlTooLarge,
        XmlNotCda,
        Unrecognised,
        ControlCharacters,
    ] {
        assert!(
            !r.reason_fr().is_empty() && !r.to_string().is_empty(),
            "{r:?}"
        );
    }
}

#[test]
fn sniff_and_parse_agree_with_recognise() {
    assert_eq!(Format::sniff(PDF), Some(Format::Pdf));
    assert_eq!(Format::sniff(b"%PDF-1.4 fake"), None);
    for f in Format::ALL {
        assert_eq!(Format::parse(f.mime()), Some(*f));
    }
}

#[test]
fn dtd_declarations_are_found_in_any_case() {
    assert!(declares_dtd(b"<?xml?><!doctype x>"));
    assert!(declares_dtd(b"<!ENTITY a 'b'>"));
    assert!(!declares_dtd(b"<!DOCTYP"));
    assert!(!declares_dtd(b"<ClinicalDocument/>"));
}
