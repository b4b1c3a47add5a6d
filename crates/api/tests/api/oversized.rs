//! Issue 14, item 2: a field of 9,000 characters never turns into a 500 nor escapes the
//! audit. Every operation of the OpenAPI document that takes parameters (query, JSON body or
//! multipart form) is called with every parameter oversized, as a blocked professional, a
//! permitted professional and the patient, on the patient's record: the answer is a 4xx
//! (422 naming the field for what is parsed), and each request on a record
//! leaves exactly one audit event on it. The routes come from the document, so a new route
//! is swept without being listed here.

use axum::http::{Method, StatusCode};
use mds_testkit::api::*;
use serde_json::{json, Map, Value};

const LONG: usize = 9_000;

fn long() -> String {
    "é".repeat(LONG / 2) + &"x".repeat(LONG / 2)
}

/// [`long`] percent-encoded for a query string.
fn long_in_query() -> String {
    "%C3%A9".repeat(LONG / 2) + &"x".repeat(LONG / 2)
}

/// One operation to call: method, path template, query parameters, and its body.
struct Operation {
    method: Method,
    path: String,
    query: Vec<String>,
    body: Body,
}

enum Body {
    None,
    Json(Vec<String>),
    Form(Vec<String>),
}

/// The properties of a request body's schema (`$ref` to a component resolved).
fn properties(doc: &Value, schema: &Value) -> Vec<String> {
    let schema = match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap_or_default();
            &doc["components"]["schemas"][name]
        }
        None => schema,
    };
    schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// Every operation of the document taking query parameters or a body.
fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let query: Vec<String> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect();
            let content = &op["requestBody"]["content"];
            let body = if let Some(s) = content.get("application/json") {
                Body::Json(properties(doc, &s["schema"]))
            } else if let Some(s) = content.get("multipart/form-data") {
                Body::Form(properties(doc, &s["schema"]))
            } else {
                Body::None
            };
            if query.is_empty() && matches!(body, Body::None) {
                continue;
            }
            out.push(Operation {
                method,
                path: path.clone(),
                query,
                body,
            });
        }
    }
    out
}

/// Calls `op` with its body's fields oversized, or with query parameter `param` oversized.
async fn call(
    w: &mut World,
    login: &str,
    op: &Operation,
    uri: &str,
    param: Option<&str>,
) -> Answer {
    let value = long();
    let uri = match param {
        Some(name) => format!("{uri}?{name}={}", long_in_query()),
        None => uri.to_owned(),
    };
    match &op.body {
        Body::None => w.send(login, op.method.clone(), &uri, None).await,
        Body::Json(props) => {
            let mut body = Map::new();
            for p in props {
                body.insert(p.clone(), Value::String(value.clone()));
            }
            if body.is_empty() {
                body.insert("x".to_owned(), Value::String(value.clone()));
            }
            let body = if op.path.ends_with("notification-preferences") {
                json!([Value::Object(body)])
            } else {
                Value::Object(body)
            };
            w.send(login, op.method.clone(), &uri, Some(body)).await
        }
        Body::Form(props) => {
            let form = props
                .iter()
                .filter(|p| !matches!(p.as_str(), "file" | "attestation" | "scans"))
                .fold(Multipart::new(), |f, p| f.text(p, &value))
                .file("file", "doc.txt", b"Compte rendu.")
                .finish();
            w.post_form(login, &uri, form).await
        }
    }
}

#[test]
fn every_route_refuses_oversized_values_audited_once_never_500() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let marie = w.patient_id(MARIE_CAFAT).await.to_string();
        let doc = w.document_ids(MARIE_CAFAT).await.remove(0).to_string();
        let nurse = w.account_id(NURSE).await.to_string();
        let unknown = "00000000-0000-4000-8000-000000000000";
        let blocked = w
            .post(
                PATIENT,
                &format!("/api/v1/records/{marie}/blocks"),
                json!({ "professional_account_id": nurse }),
            )
            .await;
        assert_eq!(blocked.status, StatusCode::NO_CONTENT, "{:?}", blocked.json);
        let openapi = w.get(PATIENT, "/api/v1/openapi.json").await.json;
        let ops = operations(&openapi);
        assert!(ops.len() > 30, "{backend:?}: only {} operations", ops.len());
        assert!(
            ops.iter()
                .any(|o| o.path.ends_with("/documents") && o.method == Method::GET),
            "{backend:?}: the document search is swept"
        );

        let mut failures = Vec::new();
        for (who, login) in [
            ("blocked", NURSE),
            ("permitted", DOCTOR),
            ("patient", PATIENT),
        ] {
            for op in &ops {
                let uri = op
                    .path
                    .replace("{patient_id}", &marie)
                    .replace("{document_id}", &doc)
                    .replace(['{', '}'], "");
                let uri = regex_free_ids(&uri, unknown);
                // One request per oversized query parameter, and one with the body's.
                let mut variants: Vec<Option<&str>> =
                    op.query.iter().map(|q| Some(q.as_str())).collect();
                if !matches!(op.body, Body::None) {
                    variants.push(None);
                }
                for param in variants {
                    let before = w.last_seq().await;
                    let answer = call(&mut w, login, op, &uri, param).await;
                    let on_record = w
                        .events_after(before)
                        .await
                        .into_iter()
                        .filter(|e| e.patient_id.as_deref() == Some(marie.as_str()))
                        .count();
                    let what = format!(
                        "{who} {} {} ({})",
                        op.method,
                        op.path,
                        param.unwrap_or("body")
                    );
                    if !answer.status.is_client_error() {
                        let body: String = answer.json.to_string().chars().take(300).collect();
                        failures.push(format!("{what}: {} {body}", answer.status));
                    }
                    let on_marie = op.path.starts_with("/api/v1/records/{patient_id}");
                    if on_marie && on_record != 1 {
                        failures.push(format!(
                            "{what}: {on_record} audit events on the record ({} {})",
                            answer.status,
                            answer.code()
                        ));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{backend:?}:\n{}", failures.join("\n"));
    });
}

/// The path's other identifiers (`{id}`, `{consent_id}`… once unbraced) replaced by an
/// identifier of nothing.
fn regex_free_ids(uri: &str, unknown: &str) -> String {
    uri.split('/')
        .map(|seg| match seg {
            "id" | "consent_id" | "professional_account_id" | "scan_id" => unknown,
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}
