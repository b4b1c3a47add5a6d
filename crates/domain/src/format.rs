//! The content formats a record accepts (DESIGN.md 5), recognised from the bytes themselves:
//! a declared type is never trusted. Stored and exchanged as the MIME type.
//!
//! Recognising is checking the structure, not sniffing a prefix: a PDF has its header and its
//! trailer and no HTML in its first kilobyte; a PNG or JPEG image has headers that decode to
//! its dimensions and ends where its format says; anything that starts with `<` is parsed as
//! XML and is accepted only as a CDA document (root `ClinicalDocument` in the HL7 v3
//! namespace); plain text is UTF-8 without control characters. A DOCTYPE or ENTITY
//! declaration anywhere in text or XML is refused. Pure: bytes in, a verdict out.

use serde::{Deserialize, Serialize};

mod image;
mod pdf;
#[cfg(test)]
mod tests;

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

    /// The format of `content`, or `None` when it is refused (see [`recognise`] for why).
    pub fn sniff(content: &[u8]) -> Option<Self> {
        recognise(content).ok().map(|r| r.format)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.mime())
    }
}

/// A picture's size in pixels, read from its headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dimensions {
    pub width: u32,
    pub height: u32,
}

/// Content whose structure was checked: its format and, for an image, its dimensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recognised {
    pub format: Format,
    pub dimensions: Option<Dimensions>,
}

impl Recognised {
    fn plain(format: Format) -> Self {
        Self {
            format,
            dimensions: None,
        }
    }
}

/// Largest width or height accepted for an image (a 200-megapixel phone photo is about
/// 16,000 pixels wide).
pub const MAX_IMAGE_SIDE: u32 = 30_000;

/// Why content is refused. Every refusal is the same "format not accepted" answer outside;
/// [`Refusal::reason_fr`] says which check failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("PDF header other than %PDF-1.0 to %PDF-1.7 or %PDF-2.0")]
    PdfHeader,
    #[error("PDF without its trailer (startxref then %%EOF in the last kilobyte)")]
    PdfTrailer,
    #[error("HTML markup in the first kilobyte of a PDF")]
    PdfHtml,
    #[error("malformed or truncated PNG")]
    Png,
    #[error("malformed or truncated JPEG")]
    Jpeg,
    #[error("image width or height zero or over {MAX_IMAGE_SIDE}")]
    ImageSize,
    #[error("DOCTYPE or ENTITY declaration")]
    Dtd,
    #[error("malformed XML")]
    XmlMalformed,
    #[error("XML with too many nodes")]
    XmlTooLarge,
    #[error("XML other than a CDA document")]
    XmlNotCda,
    #[error("neither a PDF, an image nor UTF-8 text")]
    Unrecognised,
    #[error("control characters in text")]
    ControlCharacters,
}

impl Refusal {
    /// The reason, in French, to append to the refusal shown to the user.
    pub fn reason_fr(self) -> &'static str {
        match self {
            Self::PdfHeader => "l'en-tête du PDF n'est ni %PDF-1.x ni %PDF-2.0",
            Self::PdfTrailer => "le PDF est incomplet, sans startxref ni %%EOF à la fin",
            Self::PdfHtml => "le PDF contient du HTML",
            Self::Png => "l'image PNG est endommagée ou incomplète",
            Self::Jpeg => "l'image JPEG est endommagée ou incomplète",
            Self::ImageSize => "les dimensions de l'image sont nulles ou trop grandes",
            Self::Dtd => "les déclarations DOCTYPE et ENTITY ne sont pas acceptées",
            Self::XmlMalformed => "le XML est mal formé",
            Self::XmlTooLarge => "le XML compte trop d'éléments",
            Self::XmlNotCda => "seul le XML CDA est accepté, un ClinicalDocument HL7 v3",
            Self::Unrecognised => "le contenu n'est ni un PDF, ni une image, ni du texte UTF-8",
            Self::ControlCharacters => "le texte contient des caractères de contrôle",
        }
    }
}

/// Checks the structure of `content` and says what it is, or why it is refused.
pub fn recognise(content: &[u8]) -> Result<Recognised, Refusal> {
    if content.starts_with(b"%PDF-") {
        pdf::check(content).map(|()| Recognised::plain(Format::Pdf))
    } else if content.starts_with(&image::PNG_SIGNATURE) {
        Ok(Recognised {
            format: Format::Png,
            dimensions: Some(image::png(content)?),
        })
    } else if content.starts_with(&[0xff, 0xd8, 0xff]) {
        Ok(Recognised {
            format: Format::Jpeg,
            dimensions: Some(image::jpeg(content)?),
        })
    } else if declares_dtd(content) {
        Err(Refusal::Dtd)
    } else {
        let text = std::str::from_utf8(content).map_err(|_| Refusal::Unrecognised)?;
        if text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('<')
        {
            xml(text).map(Recognised::plain)
        } else if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        {
            Err(Refusal::ControlCharacters)
        } else {
            Ok(Recognised::plain(Format::Text))
        }
    }
}

/// Markup is parsed as the CDA reader parses it: a CDA document, or refused.
fn xml(text: &str) -> Result<Format, Refusal> {
    let doc = crate::cda::read_xml(text).map_err(|e| match e {
        roxmltree::Error::DtdDetected => Refusal::Dtd,
        roxmltree::Error::NodesLimitReached => Refusal::XmlTooLarge,
        _ => Refusal::XmlMalformed,
    })?;
    let root = doc.root_element().tag_name();
    if root.name() == "ClinicalDocument" && root.namespace() == Some(crate::cda::HL7_V3) {
        Ok(Format::CdaXml)
    } else {
        Err(Refusal::XmlNotCda)
    }
}

/// Whether content declares a DTD or entities (`<!DOCTYPE`, `<!ENTITY`, in any case,
/// anywhere). CDA documents are never parsed with DTDs or external entities; refusing the
/// declarations outright keeps every later reader safe.
pub fn declares_dtd(content: &[u8]) -> bool {
    content.windows(8).enumerate().any(|(i, w)| {
        w.eq_ignore_ascii_case(b"<!ENTITY")
            || (w.eq_ignore_ascii_case(b"<!DOCTYP")
                && content
                    .get(i + 8)
                    .is_some_and(|c| c.eq_ignore_ascii_case(&b'E')))
    })
}
