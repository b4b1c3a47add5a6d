//! The contents of a submission: the `Binary` entries a document names by `fullUrl`, or its
//! inline `attachment.data`, decoded, and checked to be what their declared content type says
//! (the format is recognised from the bytes, never taken from the declaration).

use super::{bad, unprocessable, Entry, Parsed};
use crate::model::documents::{Binary, DocumentReference};
use crate::FhirError;
use axum::http::StatusCode;
use mds_domain::format::{recognise, Refusal};
use mds_domain::Format;
use std::collections::HashMap;

/// Reads base64 content (whitespace tolerated).
fn decode(data: &str) -> Result<Vec<u8>, FhirError> {
    let compact: String = data.chars().filter(|c| !c.is_whitespace()).collect();
    data_encoding::BASE64
        .decode(compact.as_bytes())
        .map_err(|_| bad("invalid_base64", "Contenu base64 illisible."))
}

/// The format a declared content type names (parameters ignored).
fn declared_format(content_type: &str) -> Option<Format> {
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match media.as_str() {
        "text/xml" | "application/hl7-v3+xml" | "application/cda+xml" => Some(Format::CdaXml),
        other => Format::parse(other),
    }
}

/// Checks that `bytes` are what `content_type` declares (the format is recognised from the
/// content, never taken from the declaration).
fn check_declared(content_type: Option<&str>, bytes: &[u8]) -> Result<(), FhirError> {
    let Some(declared) = content_type else {
        return Err(FhirError::http(
            StatusCode::BAD_REQUEST,
            "required",
            "content_type_missing",
            "attachment.contentType (ou Binary.contentType) est obligatoire.",
        ));
    };
    let Some(format) = declared_format(declared) else {
        return Err(unprocessable(
            "not-supported",
            "unsupported_format",
            format!("Type de contenu non accepté : {declared} (PDF, CDA XML, JPEG, PNG ou texte)."),
        ));
    };
    match recognise(bytes) {
        Ok(found) if found.format == format => Ok(()),
        // The use case refuses it with its own code (`xml_doctype_refused`).
        Err(Refusal::Dtd) => Ok(()),
        found => Err(unprocessable(
            "invalid",
            "content_type_mismatch",
            format!(
                "Le contenu ne correspond pas au type déclaré ({declared}) : {}.",
                match found {
                    Ok(f) => format!("contenu {}", f.format),
                    Err(why) => format!("format non reconnu, {}", why.reason_fr()),
                }
            ),
        )),
    }
}

/// The Binary entries of a submission, by `fullUrl`, with whether a document used them.
pub(super) struct Contents<'a> {
    by_url: HashMap<&'a str, (usize, &'a Binary, bool)>,
}

impl<'a> Contents<'a> {
    pub(super) fn new(entries: &'a [Entry]) -> Result<Self, FhirError> {
        let mut by_url = HashMap::new();
        for (index, e) in entries.iter().enumerate() {
            if let Parsed::Binary(b) = &e.resource {
                let Some(u) = e.full_url.as_deref() else {
                    return Err(bad(
                        "full_url_missing",
                        "Un Binary doit avoir un fullUrl (urn:uuid:…) pour être désigné.",
                    )
                    .at_entry(index, None));
                };
                by_url.insert(u, (index, b, false));
            }
        }
        Ok(Self { by_url })
    }

    /// The content of document `d`, checked against its declared type.
    pub(super) fn of(
        &mut self,
        d: &DocumentReference,
    ) -> Result<(Vec<u8>, Option<&'a str>), FhirError> {
        let [content] = d.content.as_slice() else {
            return Err(FhirError::not_supported(
                "Un document a exactement un contenu (DocumentReference.content).",
            ));
        };
        let att = &content.attachment;
        let (bytes, binary_url, declared) = match (&att.data, &att.url) {
            (Some(data), None) => (decode(data)?, None, att.content_type.as_deref()),
            (None, Some(url)) => {
                let Some((url, (_, binary, used))) = self
                    .by_url
                    .get_key_value(url.as_str())
                    .map(|(k, v)| (*k, *v))
                else {
                    return Err(bad(
                        "unresolved_reference",
                        format!(
                            "attachment.url « {url} » ne désigne aucun Binary de la transaction."
                        ),
                    ));
                };
                if used {
                    return Err(bad(
                        "binary_reused",
                        "Ce Binary est déjà le contenu d'un autre document.",
                    ));
                }
                if let Some(ct) = &att.content_type {
                    let same = declared_format(ct).is_some()
                        && declared_format(ct) == declared_format(&binary.content_type);
                    if !same {
                        return Err(bad(
                            "content_type_mismatch",
                            "attachment.contentType et Binary.contentType diffèrent.",
                        ));
                    }
                }
                let data = binary.data.as_deref().ok_or_else(|| {
                    bad("content_missing", "Le Binary n'a pas de contenu (data).")
                })?;
                let declared = Some(binary.content_type.as_str()).filter(|c| !c.is_empty());
                (decode(data)?, Some(url), declared)
            }
            (Some(_), Some(_)) => {
                return Err(bad(
                    "ambiguous_content",
                    "attachment.data et attachment.url ne peuvent figurer ensemble.",
                ))
            }
            (None, None) => {
                return Err(bad(
                    "content_missing",
                    "Le contenu manque : attachment.url (un Binary) ou attachment.data.",
                ))
            }
        };
        check_declared(declared, &bytes)?;
        if att
            .size
            .is_some_and(|s| usize::try_from(s).ok() != Some(bytes.len()))
        {
            return Err(bad(
                "size_mismatch",
                "attachment.size ne correspond pas à la taille du contenu.",
            ));
        }
        if let Some(url) = binary_url {
            if let Some(slot) = self.by_url.get_mut(url) {
                slot.2 = true;
            }
        }
        Ok((bytes, binary_url))
    }

    /// The first Binary no document used.
    pub(super) fn unused(&self) -> Option<(usize, &'a str)> {
        self.by_url
            .iter()
            .filter(|(_, (_, _, used))| !used)
            .map(|(u, (i, _, _))| (*i, *u))
            .min()
    }
}
