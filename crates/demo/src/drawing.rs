//! Small but valid files drawn for the demo and the tests: a one-page PDF with a title and
//! text, and the PNG picture of a card (identity document, CAFAT card, signed form).

/// A one-page PDF with the title and body as text (Helvetica, WinAnsi encoding), with a
/// correct cross-reference table so that viewers open it without repair.
pub fn minimal_pdf(title: &str, body: &str) -> Vec<u8> {
    let esc = |s: &str| -> Vec<u8> {
        let mut out = Vec::new();
        for c in s.chars() {
            match c {
                '(' | ')' | '\\' => {
                    out.push(b'\\');
                    out.push(c as u8);
                }
                c if (c as u32) < 0x80 => out.push(c as u8),
                // Latin-1 range maps to the same WinAnsi code points for French letters.
                c if (c as u32) <= 0xff => out.push(c as u32 as u8),
                _ => out.push(b'?'),
            }
        }
        out
    };
    let mut stream = b"BT /F1 16 Tf 56 780 Td (".to_vec();
    stream.extend(esc(title));
    stream.extend(b") Tj /F1 11 Tf 0 -28 Td 14 TL".as_slice());
    for line in body.lines() {
        stream.extend(b" (".as_slice());
        stream.extend(esc(line));
        stream.extend(b") ' ".as_slice());
    }
    stream.extend(b" ET".as_slice());
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        [format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes(), stream, b"\nendstream".to_vec()].concat(),
    ];
    let mut pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n", i + 1).into_bytes());
        pdf.extend(obj);
        pdf.extend(b"\nendobj\n".as_slice());
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

/// A 160 × 100 picture of a card (background, a coloured band, a photo frame and text lines),
/// as a valid PNG: 8-bit RGB, one uncompressed deflate block.
pub fn card_png(paper: [u8; 3], ink: [u8; 3]) -> Vec<u8> {
    const W: usize = 160;
    const H: usize = 100;
    let grey = [150, 150, 150];
    let mut raw = Vec::with_capacity(H * (1 + 3 * W));
    for y in 0..H {
        raw.push(0); // filter: none
        for x in 0..W {
            let photo = (12..52).contains(&x) && (30..88).contains(&y);
            let line = (64..148).contains(&x)
                && [36, 48, 60, 72].iter().any(|l| (*l..*l + 4).contains(&y));
            let px = if y < 20 || line {
                ink
            } else if photo {
                grey
            } else {
                paper
            };
            raw.extend_from_slice(&px);
        }
    }
    let mut z = vec![0x78, 0x01, 0x01];
    let len = u16::try_from(raw.len()).unwrap_or(u16::MAX);
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&(!len).to_le_bytes());
    z.extend_from_slice(&raw);
    z.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&u32::try_from(W).unwrap_or(0).to_be_bytes());
    ihdr.extend_from_slice(&u32::try_from(H).unwrap_or(0).to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", z), (b"IEND", Vec::new())] {
        png.extend_from_slice(&u32::try_from(data.len()).unwrap_or(0).to_be_bytes());
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(&data);
        png.extend_from_slice(&chunk);
        png.extend_from_slice(&crc32(&chunk).to_be_bytes());
    }
    png
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &d in data {
        a = (a + u32::from(d)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn crc32(data: &[u8]) -> u32 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_their_reference_values() {
        // Reference values of the standard check string.
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
    }

    #[test]
    fn the_drawings_pass_the_format_check() {
        use mds_domain::format::{recognise, Dimensions, Recognised};
        use mds_domain::Format;
        let pdf = minimal_pdf("Compte rendu (essai)", "Ligne 1\nLigne <2> \\ é");
        assert_eq!(
            recognise(&pdf),
            Ok(Recognised {
                format: Format::Pdf,
                dimensions: None
            })
        );
        let card = card_png([255, 255, 255], [0, 0, 0]);
        assert_eq!(
            recognise(&card),
            Ok(Recognised {
                format: Format::Png,
                dimensions: Some(Dimensions {
                    width: 160,
                    height: 100
                })
            })
        );
    }

    #[test]
    fn the_card_is_a_png_within_one_stored_block() {
        let png = card_png([255, 255, 255], [0, 0, 0]);
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(png.ends_with(&crc32(b"IEND").to_be_bytes()));
        assert!(png.len() < 65_535 && png.len() > 160 * 100 * 3);
    }
}
