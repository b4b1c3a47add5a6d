//! Document sharing (IHE MHD 4.2): Provide Document Bundle (ITI-65, `provide`), Find
//! Document References and read (ITI-67, `search`), Retrieve Document (ITI-68,
//! `retrieve`), and the changes of a document (`changes`: deletion, security labels). This
//! module holds what they share: an MDS document as a `DocumentReference`, and reading the
//! references a client sends.

pub mod changes;
pub mod provide;
pub mod retrieve;
pub mod search;

use crate::codes;
use crate::model::common::{Extension, Identifier, Meta, Period, Reference};
use crate::model::documents::{
    Attachment, DocumentContent, DocumentContext, DocumentReference, RelatesTo,
};
use crate::Base;
use mds_app::record::documents::DocumentView;
use mds_domain::{DocumentSource, DocumentStatus, Timestamp};

/// `DocumentReference.status` of an MDS document status.
pub fn status_code(status: DocumentStatus) -> &'static str {
    match status {
        DocumentStatus::Current => "current",
        DocumentStatus::Superseded => "superseded",
        DocumentStatus::Deleted => "entered-in-error",
    }
}

/// An MDS document as a `DocumentReference`; its content is at `attachment.url`
/// (`Binary/{id}`, ITI-68).
pub fn document_reference(base: &Base, v: &DocumentView) -> DocumentReference {
    let id = v.id.to_string();
    let mut author = Vec::new();
    if let Some(a) = &v.author_account_id {
        author.push(Reference::identified(
            "Practitioner",
            codes::ACCOUNT_SYSTEM,
            a.as_str(),
        ));
    }
    if let Some(s) = &v.author_structure_id {
        author.push(Reference::identified(
            "Organization",
            codes::STRUCTURE_SYSTEM,
            s.as_str(),
        ));
    }
    if v.source == DocumentSource::Patient {
        author.push(Reference::to("Patient", v.patient_id.as_str()));
    }
    let mime = v.format.mime();
    DocumentReference {
        id: Some(id.clone()),
        meta: Some(Meta {
            last_updated: Some(Timestamp::from_millis(v.created_at_ms).to_rfc3339()),
            profile: Vec::new(),
        }),
        master_identifier: Some(Identifier::new(
            codes::URI_SYSTEM,
            &format!("urn:uuid:{id}"),
        )),
        status: status_code(v.status).to_owned(),
        type_: Some(codes::document_type(&v.type_code)),
        category: vec![codes::document_class(&v.type_code, &v.class_code)],
        subject: Some(Reference::to("Patient", v.patient_id.as_str())),
        date: Some(Timestamp::from_millis(v.created_at_ms).to_rfc3339()),
        author,
        relates_to: v
            .replaces_id
            .iter()
            .map(|old| RelatesTo {
                code: "replaces".to_owned(),
                target: Reference::to("DocumentReference", old.as_str()),
            })
            .collect(),
        description: Some(v.title.clone()),
        security_label: codes::security_labels(v.confidential, v.hidden_from_patient),
        content: vec![DocumentContent {
            attachment: Attachment {
                content_type: Some(mime.to_owned()),
                language: Some("fr".to_owned()),
                url: Some(base.url(&format!("Binary/{id}"))),
                size: u64::try_from(v.size_bytes).ok(),
                title: Some(v.title.clone()),
                creation: Some(v.act_date.clone()),
                extension: vec![Extension::string(codes::EXT_SHA256, &v.sha256)],
                ..Attachment::default()
            },
            format: None,
        }],
        context: Some(DocumentContext {
            period: Some(Period {
                start: Some(v.act_date.clone()),
                end: None,
            }),
        }),
        ..DocumentReference::default()
    }
}

/// The logical id a reference names for `resource_type`: `Type/id`, or the same under this
/// server's base URL. Anything else (another server, a bare id, a `urn:`) names nothing here.
pub fn referenced_id(base: &Base, reference: &str, resource_type: &str) -> Option<String> {
    let local = reference
        .strip_prefix(base.0.as_str())
        .and_then(|r| r.strip_prefix('/'))
        .unwrap_or(reference);
    let (t, id) = local.split_once('/')?;
    (t == resource_type && !id.is_empty() && !id.contains('/')).then(|| id.to_owned())
}
