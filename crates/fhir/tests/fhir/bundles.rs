//! Building the requests of the tests: ITI-65 transaction Bundles, document contents.

use mds_testkit::fhir::*;
use serde_json::{json, Value};

pub const LOINC: &str = "http://loinc.org";
pub const CAFAT: &str = "https://mondrivesante.nc/fhir/sid/cafat";
pub const VISIBILITY: &str = "https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument";
pub const INFORMED: &str = "https://mondrivesante.nc/fhir/StructureDefinition/patient-informed";

/// One document of a submission.
#[derive(Clone, Debug)]
pub struct Doc {
    pub type_code: &'static str,
    pub title: String,
    pub act_date: &'static str,
    pub content_type: &'static str,
    pub content: Vec<u8>,
    /// In `attachment.data` rather than a Binary entry.
    pub inline: bool,
    pub replaces: Option<String>,
    pub labels: Vec<&'static str>,
}

impl Doc {
    /// A plain-text consultation report with a unique body.
    pub fn text(title: &str) -> Self {
        Self {
            type_code: "11488-4",
            title: title.to_owned(),
            act_date: "2026-11-20",
            content_type: "text/plain",
            content: format!("{title}\nCompte rendu {}", uuid()).into_bytes(),
            inline: false,
            replaces: None,
            labels: Vec::new(),
        }
    }

    /// A small PDF.
    pub fn pdf(title: &str) -> Self {
        Self {
            content_type: "application/pdf",
            content: mds_testkit::files::pdf(&format!("{title} {}", uuid())),
            ..Self::text(title)
        }
    }
}

pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub fn b64(bytes: &[u8]) -> String {
    data_encoding::BASE64.encode(bytes)
}

/// An ITI-65 transaction: a SubmissionSet, and each document with its Binary (or inline).
pub fn submission(patient: &str, docs: &[Doc], informed: bool) -> Value {
    let subject = json!({ "reference": format!("Patient/{patient}") });
    let mut entries = Vec::new();
    let mut items = Vec::new();
    let mut binaries = Vec::new();
    for d in docs {
        let doc_url = format!("urn:uuid:{}", uuid());
        items.push(json!({ "item": { "reference": doc_url } }));
        let mut attachment = json!({
            "contentType": d.content_type, "title": d.title, "language": "fr",
        });
        if d.inline {
            attachment["data"] = json!(b64(&d.content));
        } else {
            let bin_url = format!("urn:uuid:{}", uuid());
            attachment["url"] = json!(bin_url);
            binaries.push(json!({
                "fullUrl": bin_url,
                "resource": { "resourceType": "Binary", "contentType": d.content_type, "data": b64(&d.content) },
                "request": { "method": "POST", "url": "Binary" }
            }));
        }
        let mut doc = json!({
            "resourceType": "DocumentReference",
            "status": "current",
            "type": { "coding": [{ "system": LOINC, "code": d.type_code }] },
            "subject": subject,
            "content": [{ "attachment": attachment }],
            "context": { "period": { "start": d.act_date } },
        });
        if let Some(old) = &d.replaces {
            doc["relatesTo"] = json!([{ "code": "replaces", "target": { "reference": format!("DocumentReference/{old}") } }]);
        }
        if !d.labels.is_empty() {
            doc["securityLabel"] = Value::Array(
                d.labels
                    .iter()
                    .map(|l| json!({ "coding": [{ "system": VISIBILITY, "code": l }] }))
                    .collect(),
            );
        }
        entries.push(json!({
            "fullUrl": doc_url,
            "resource": doc,
            "request": { "method": "POST", "url": "DocumentReference" }
        }));
    }
    let mut set = json!({
        "resourceType": "List",
        "status": "current",
        "mode": "working",
        "code": { "coding": [{ "system": "https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes", "code": "submissionset" }] },
        "subject": subject,
        "entry": items,
    });
    if informed {
        set["extension"] = json!([{ "url": INFORMED, "valueBoolean": true }]);
    }
    let mut all = vec![json!({
        "fullUrl": format!("urn:uuid:{}", uuid()),
        "resource": set,
        "request": { "method": "POST", "url": "List" }
    })];
    all.extend(entries);
    all.extend(binaries);
    json!({ "resourceType": "Bundle", "type": "transaction", "entry": all })
}

/// A transaction changing one document: `status` and security labels.
pub fn change(document: &str, status: &str, labels: &[&str]) -> Value {
    let labels: Vec<Value> = labels
        .iter()
        .map(|l| json!({ "coding": [{ "system": VISIBILITY, "code": l }] }))
        .collect();
    json!({
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [{
            "fullUrl": format!("{FHIR_BASE}/DocumentReference/{document}"),
            "resource": {
                "resourceType": "DocumentReference", "id": document, "status": status,
                "securityLabel": labels,
                "content": [{ "attachment": { "contentType": "text/plain" } }]
            },
            "request": { "method": "PUT", "url": format!("DocumentReference/{document}") }
        }]
    })
}

/// The `DocumentReference` ids of a search set.
pub fn ids(bundle: &Value) -> Vec<String> {
    bundle["entry"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["resource"]["id"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The ids of a REST listing.
pub fn rest_ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| d["id"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The created `DocumentReference` ids of a transaction-response.
pub fn created_ids(response: &Value) -> Vec<String> {
    response["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["response"]["location"].as_str())
        .filter_map(|l| l.strip_prefix("DocumentReference/"))
        .map(str::to_owned)
        .collect()
}
