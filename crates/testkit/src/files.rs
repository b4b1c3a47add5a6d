//! Small real files that the format check accepts (`mds_domain::format::recognise`), for the
//! tests that upload a PDF, an image or a CDA document. A fixture that only starts like a PDF
//! ("%PDF-1.4 fake") is refused now: use these instead.

/// A one-page PDF (an image, written by Pillow).
pub const PDF: &[u8] = include_bytes!("../samples/scan.pdf");
/// A 24 × 16 PNG.
pub const PNG: &[u8] = include_bytes!("../samples/scan.png");
/// A 48 × 32 baseline JPEG.
pub const JPEG: &[u8] = include_bytes!("../samples/photo.jpg");
/// A CDA R2 document (with a prolog and a comment before the root).
pub const CDA: &[u8] = include_bytes!("../samples/cda.xml");

/// A minimal well-formed PDF whose bytes hold `text` (in a comment, line breaks replaced):
/// for tests that need distinct contents (the duplicate check) or a given size.
pub fn pdf(text: &str) -> Vec<u8> {
    let line: String = text
        .chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect();
    let mut pdf = format!("%PDF-1.4\n% {line}\n").into_bytes();
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ];
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).into_bytes());
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
    for o in offsets {
        pdf.extend(format!("{o:010} 00000 n \n").into_bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .into_bytes(),
    );
    pdf
}

/// [`pdf`] padded (inside its comment) to `size` bytes at least.
pub fn pdf_of_size(text: &str, size: usize) -> Vec<u8> {
    let short = pdf(text);
    let padding = "x".repeat(size.saturating_sub(short.len()));
    pdf(&format!("{text}{padding}"))
}
