//! Cross-patient sweep (issue 4): every record endpoint, called with the identifiers of a
//! record or document the caller may not see — another patient's record, another record's
//! document under one's own record, an unknown record — answers 404 exactly like something
//! that does not exist, and leaves a denied audit event. Both backends.
#![allow(clippy::unwrap_used)]

use axum::http::{Method, StatusCode};
use mds_testkit::api::*;
use serde_json::{json, Value};

/// Every record endpoint: method, path under `/api/v1/records/{P}` with `{D}` for a document
/// and `{A}` for some account or consent id, and a JSON body (`None`: no body; uploads are
/// sent as multipart).
fn endpoints() -> Vec<(Method, &'static str, Option<Value>)> {
    let pro = || Some(json!({ "professional_account_id": "{A}" }));
    vec![
        (Method::GET, "/documents", None),
        (
            Method::POST,
            "/documents",
            Some(Value::String("upload".into())),
        ),
        (Method::GET, "/documents/{D}", None),
        (Method::GET, "/documents/{D}/content", None),
        (
            Method::POST,
            "/documents/{D}/versions",
            Some(Value::String("upload".into())),
        ),
        (Method::DELETE, "/documents/{D}", None),
        (Method::POST, "/documents/{D}/mask", Some(json!({}))),
        (Method::DELETE, "/documents/{D}/mask", None),
        (
            Method::POST,
            "/documents/{D}/hidden-from-patient",
            Some(json!({})),
        ),
        (Method::DELETE, "/documents/{D}/hidden-from-patient", None),
        (Method::POST, "/mask-all", Some(json!({}))),
        (Method::POST, "/unmask-all", Some(json!({}))),
        (Method::GET, "/care-team", None),
        (Method::POST, "/care-team", pro()),
        (Method::DELETE, "/care-team/{A}", None),
        (Method::PUT, "/attending-physician", pro()),
        (Method::POST, "/blocks", pro()),
        (Method::DELETE, "/blocks/{A}", None),
        (
            Method::PUT,
            "/emergency-settings",
            Some(json!({ "oppose_break_glass": true, "oppose_samu": true })),
        ),
        (
            Method::POST,
            "/break-glass",
            Some(json!({ "reason": "Patient inconscient, antécédents inconnus." })),
        ),
        (
            Method::POST,
            "/samu",
            Some(json!({ "call_reference": "APP-1" })),
        ),
        (Method::POST, "/feeding-opposition", Some(json!({}))),
        (Method::DELETE, "/feeding-opposition", None),
        (Method::GET, "/consents", None),
        (
            Method::POST,
            "/consents",
            Some(json!({ "purpose": "Avis", "attests_in_person": true })),
        ),
        (Method::POST, "/consents/{A}/approve", Some(json!({}))),
        (Method::POST, "/consents/{A}/refuse", Some(json!({}))),
        (Method::POST, "/consents/{A}/revoke", Some(json!({}))),
        (
            Method::POST,
            "/consents/{A}/code",
            Some(json!({ "code": "123456" })),
        ),
        (Method::GET, "/consents/{A}/attestation", None),
    ]
}

const FORM: &[(&str, &str)] = &[
    ("type_code", "11488-4"),
    ("title", "Intrusion"),
    ("act_date", "2026-11-20"),
    ("confirms_patient_informed", "true"),
];

/// Calls every endpoint as `login` on record `p` and document `d`; returns the failures.
async fn sweep(
    w: &mut World,
    login: &str,
    p: &str,
    d: &str,
    a: &str,
    only_documents: bool,
) -> Vec<String> {
    let mut failures = Vec::new();
    for (method, path, body) in endpoints() {
        if only_documents && !path.contains("{D}") {
            continue;
        }
        let uri = format!(
            "/api/v1/records/{p}{}",
            path.replace("{D}", d).replace("{A}", a)
        );
        let before = w.last_seq().await;
        let answer = match &body {
            Some(Value::String(s)) if s == "upload" => {
                w.upload(login, &uri, FORM, format!("Contenu {uri}").as_bytes())
                    .await
            }
            Some(v) => {
                let v = serde_json::from_str(&v.to_string().replace("{A}", a)).unwrap();
                w.send(login, method.clone(), &uri, Some(v)).await
            }
            None => w.send(login, method.clone(), &uri, None).await,
        };
        let denied = w
            .events_after(before)
            .await
            .into_iter()
            .any(|e| e.outcome.as_str() == "deny" && !e.action.starts_with("auth."));
        if answer.status != StatusCode::NOT_FOUND || answer.code() != "not_found" || !denied {
            failures.push(format!(
                "{method} {path}: {} {} (denial audited: {denied})",
                answer.status, answer.json
            ));
        }
    }
    failures
}

#[test]
fn every_record_endpoint_hides_what_the_caller_may_not_see() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let marie = w.patient_id(MARIE_CAFAT).await;
        let celine = w.patient_id(CELINE_CAFAT).await;
        let celine_doc = w.document_ids(CELINE_CAFAT).await.remove(0);
        let marie_doc = w.document_ids(MARIE_CAFAT).await.remove(0);
        let doctor = w.account_id(DOCTOR).await;
        let unknown = "00000000-0000-4000-8000-000000000000";

        let mut failures = Vec::new();
        // A patient on another patient's record and document.
        for f in sweep(&mut w, PATIENT, &celine, &celine_doc, &doctor, false).await {
            failures.push(format!("patient on another record: {f}"));
        }
        // A patient naming another record's document under their own record.
        for f in sweep(&mut w, PATIENT, &marie, &celine_doc, &doctor, true).await {
            failures.push(format!("patient, other record's document: {f}"));
        }
        // A professional without access, on documents of a record.
        for f in sweep(&mut w, NURSE, &marie, &marie_doc, &doctor, true).await {
            failures.push(format!("professional without access: {f}"));
        }
        // A care-team professional naming another record's document under the right record.
        for f in sweep(&mut w, DOCTOR, &marie, &celine_doc, &doctor, true).await {
            failures.push(format!("professional, other record's document: {f}"));
        }
        // Support never reads medical content.
        for f in sweep(&mut w, SUPPORT, &marie, &marie_doc, &doctor, true).await {
            failures.push(format!("support: {f}"));
        }
        // Unknown record and unknown document.
        for f in sweep(&mut w, PATIENT, unknown, unknown, &doctor, false).await {
            failures.push(format!("unknown record: {f}"));
        }
        for f in sweep(&mut w, PATIENT, &marie, unknown, &doctor, true).await {
            failures.push(format!("unknown document: {f}"));
        }
        assert!(
            failures.is_empty(),
            "{backend:?}: {} failures:\n{}",
            failures.len(),
            failures.join("\n")
        );
    });
}
