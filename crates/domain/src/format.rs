//! The content formats a record accepts (DESIGN.md 5), recognised from the bytes themselves:
//! a declared type is never trusted. Stored and exchanged as the MIME type.

use serde::{Deserialize, Serialize};

/// Formats accepted in a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    #[serde(rename = "application/pdf")]
    Pdf,
    /// CDA R2 (structured documents of the French interoperability framework).
    #[serde(rename = "application/xml")]
    CdaXml,
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/png")]
    Png,
    #[serde(rename = "text/plain")]
    Text,
}

impl Format {
    pub const ALL: &'static [Self] = &[Self::Pdf, Self::CdaXml, Self::Jpeg, Self::Png, Self::Text];

    /// The MIME type, which is also the stored text.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::CdaXml => "application/xml",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Text => "text/plain",
        }
    }

    /// The stored text (the MIME type).
    pub fn as_str(self) -> &'static str {
        self.mime()
    }

    pub fn parse(mime: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.mime() == mime)
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::CdaXml => "xml",
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Text => "txt",
        }
    }

    /// Recognises the format from the first bytes.
    pub fn sniff(content: &[u8]) -> Option<Self> {
        if content.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if content.starts_with(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a]) {
            Some(Self::Png)
        } else if content.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(Self::Jpeg)
        } else {
            let text = std::str::from_utf8(content).ok()?;
            let head = text.trim_start_matches('\u{feff}').trim_start();
            if head.starts_with("<?xml") || head.starts_with("<ClinicalDocument") {
                head.contains("ClinicalDocument").then_some(Self::CdaXml)
            } else if !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            {
                Some(Self::Text)
            } else {
                None
            }
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.mime())
    }
}

/// Whether XML content declares a DTD or entities. CDA documents are never parsed with DTDs
/// or external entities; refusing the declarations outright keeps every later reader safe.
pub fn declares_dtd(content: &[u8]) -> bool {
    let upper = |w: &[u8]| w.to_ascii_uppercase();
    content
        .windows(9)
        .any(|w| upper(w) == b"<!DOCTYPE" || upper(&w[..8]) == b"<!ENTITY")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_recognised_from_content() {
        let cases: [(&str, &[u8], Option<Format>); 7] = [
            ("pdf", b"%PDF-1.7\n...", Some(Format::Pdf)),
            (
                "png",
                &[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0],
                Some(Format::Png),
            ),
            ("jpeg", &[0xff, 0xd8, 0xff, 0xe0], Some(Format::Jpeg)),
            (
                "cda",
                b"<?xml version=\"1.0\"?><ClinicalDocument/>",
                Some(Format::CdaXml),
            ),
            ("text", "Compte rendu\nRAS".as_bytes(), Some(Format::Text)),
            ("other xml", b"<?xml version=\"1.0\"?><html/>", None),
            ("binary", &[0, 1, 2, 3], None),
        ];
        let failing: Vec<_> = cases
            .iter()
            .filter(|(_, c, f)| Format::sniff(c) != *f)
            .map(|(n, _, _)| *n)
            .collect();
        assert!(failing.is_empty(), "failing cases: {failing:?}");
        for f in Format::ALL {
            assert_eq!(Format::parse(f.mime()), Some(*f));
        }
    }

    #[test]
    fn dtd_declarations_are_found_in_any_case() {
        assert!(declares_dtd(b"<?xml?><!doctype x>"));
        assert!(declares_dtd(b"<!ENTITY a 'b'>"));
        assert!(!declares_dtd(b"<ClinicalDocument/>"));
    }
}
