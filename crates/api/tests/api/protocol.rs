//! The HTTP protocol of the API, independent of any use case: probes, unknown routes and
//! methods, rejected bodies (syntax, unknown field, media type, size), security headers, and
//! the OpenAPI document matching the routes the router serves. Both backends.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use mds_testkit::api::*;
use serde_json::Value;
use std::collections::BTreeSet;

/// Every route the router serves, as `(method, path template)`.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/openapi.json"),
    ("post", "/api/v1/accounts/{id}/enrolment"),
    ("post", "/api/v1/accounts/{id}/reactivate"),
    ("post", "/api/v1/accounts/{id}/suspend"),
    ("post", "/api/v1/assistants"),
    ("get", "/api/v1/audit"),
    ("get", "/api/v1/audit/checkpoints"),
    ("get", "/.well-known/mds-audit-key"),
    ("post", "/api/v1/auth/enrolment"),
    ("post", "/api/v1/auth/enrolment/confirm"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/auth/me"),
    ("post", "/api/v1/auth/password"),
    ("post", "/api/v1/auth/password/forgotten"),
    ("get", "/api/v1/auth/structures"),
    ("put", "/api/v1/auth/structure"),
    ("post", "/api/v1/auth/password/reset"),
    ("get", "/api/v1/enrolments"),
    ("post", "/api/v1/enrolments"),
    ("post", "/api/v1/enrolments/status"),
    ("post", "/api/v1/enrolments/{id}/reject"),
    ("get", "/api/v1/enrolments/{id}/scans/{scan_id}"),
    ("post", "/api/v1/enrolments/{id}/validate"),
    ("get", "/api/v1/identity-reviews"),
    ("post", "/api/v1/identity-reviews/{id}/approve"),
    ("post", "/api/v1/identity-reviews/{id}/reject"),
    ("post", "/api/v1/me/record/close"),
    ("post", "/api/v1/me/record/erasure"),
    ("get", "/api/v1/me/record/export"),
    ("get", "/api/v1/me/notifications"),
    ("post", "/api/v1/me/notifications/{id}/read"),
    ("get", "/api/v1/me/notification-preferences"),
    ("put", "/api/v1/me/notification-preferences"),
    ("post", "/api/v1/patients"),
    ("post", "/api/v1/patients/search"),
    ("post", "/api/v1/patients/{id}/activate"),
    ("post", "/api/v1/patients/{id}/care-team"),
    ("post", "/api/v1/patients/{id}/close"),
    ("post", "/api/v1/patients/{id}/legal-export"),
    ("post", "/api/v1/patients/{id}/export"),
    ("post", "/api/v1/patients/{id}/heir-export"),
    ("get", "/api/v1/patients/{patient_id}/representatives"),
    ("post", "/api/v1/patients/{patient_id}/representatives"),
    (
        "post",
        "/api/v1/patients/{patient_id}/representatives/{representation_id}/end",
    ),
    (
        "get",
        "/api/v1/patients/{patient_id}/representatives/{representation_id}/document",
    ),
    ("get", "/api/v1/me/represented"),
    ("get", "/api/v1/me/rectifications"),
    ("post", "/api/v1/me/rectifications"),
    ("get", "/api/v1/me/limitation"),
    ("get", "/api/v1/rectifications"),
    ("get", "/api/v1/rectifications/{id}"),
    ("post", "/api/v1/rectifications/{id}/apply"),
    ("post", "/api/v1/rectifications/{id}/reject"),
    ("put", "/api/v1/records/{patient_id}/limitation"),
    ("post", "/api/v1/me/contact/email"),
    ("put", "/api/v1/me/contact/phone"),
    ("post", "/api/v1/auth/contact/confirm"),
    ("post", "/api/v1/patients/{id}/death"),
    ("post", "/api/v1/patients/{id}/erasure"),
    ("get", "/api/v1/professionals"),
    ("post", "/api/v1/professionals"),
    ("get", "/api/v1/professionals/{id}"),
    ("put", "/api/v1/professionals/{id}"),
    ("put", "/api/v1/structures/{id}"),
    ("post", "/api/v1/auth/recovery-requests"),
    ("get", "/api/v1/recovery-requests"),
    ("get", "/api/v1/recovery-requests/{id}/scan"),
    ("post", "/api/v1/recovery-requests/{id}/close"),
    ("get", "/api/v1/records/mine"),
    ("get", "/api/v1/records/{patient_id}/history"),
    ("get", "/api/v1/records/{patient_id}/preview"),
    ("get", "/api/v1/me/access-log"),
    ("get", "/api/v1/audit/extract"),
    ("put", "/api/v1/records/{patient_id}/attending-physician"),
    ("post", "/api/v1/records/{patient_id}/blocks"),
    (
        "delete",
        "/api/v1/records/{patient_id}/blocks/{professional_account_id}",
    ),
    ("post", "/api/v1/records/{patient_id}/break-glass"),
    ("get", "/api/v1/records/{patient_id}/care-team"),
    ("post", "/api/v1/records/{patient_id}/care-team"),
    (
        "delete",
        "/api/v1/records/{patient_id}/care-team/{professional_account_id}",
    ),
    ("get", "/api/v1/records/{patient_id}/consents"),
    ("post", "/api/v1/records/{patient_id}/consents"),
    (
        "post",
        "/api/v1/records/{patient_id}/consents/{consent_id}/approve",
    ),
    (
        "post",
        "/api/v1/records/{patient_id}/consents/{consent_id}/code",
    ),
    (
        "get",
        "/api/v1/records/{patient_id}/consents/{consent_id}/attestation",
    ),
    (
        "post",
        "/api/v1/records/{patient_id}/consents/{consent_id}/refuse",
    ),
    (
        "post",
        "/api/v1/records/{patient_id}/consents/{consent_id}/revoke",
    ),
    ("get", "/api/v1/records/{patient_id}/documents"),
    ("post", "/api/v1/records/{patient_id}/documents"),
    (
        "get",
        "/api/v1/records/{patient_id}/documents/{document_id}",
    ),
    (
        "delete",
        "/api/v1/records/{patient_id}/documents/{document_id}",
    ),
    (
        "get",
        "/api/v1/records/{patient_id}/documents/{document_id}/content",
    ),
    (
        "post",
        "/api/v1/records/{patient_id}/documents/{document_id}/hidden-from-patient",
    ),
    (
        "delete",
        "/api/v1/records/{patient_id}/documents/{document_id}/hidden-from-patient",
    ),
    (
        "post",
        "/api/v1/records/{patient_id}/documents/{document_id}/mask",
    ),
    (
        "delete",
        "/api/v1/records/{patient_id}/documents/{document_id}/mask",
    ),
    (
        "post",
        "/api/v1/records/{patient_id}/documents/{document_id}/versions",
    ),
    ("put", "/api/v1/records/{patient_id}/emergency-settings"),
    ("get", "/api/v1/records/{patient_id}/emergency-settings"),
    ("get", "/api/v1/records/{patient_id}/blocks"),
    ("post", "/api/v1/records/{patient_id}/feeding-opposition"),
    ("delete", "/api/v1/records/{patient_id}/feeding-opposition"),
    ("post", "/api/v1/records/{patient_id}/mask-all"),
    ("post", "/api/v1/records/{patient_id}/unmask-all"),
    ("post", "/api/v1/records/{patient_id}/samu"),
    ("get", "/api/v1/records/{patient_id}/profile"),
    ("post", "/api/v1/records/{patient_id}/profile/entries"),
    (
        "delete",
        "/api/v1/records/{patient_id}/profile/entries/{entry_id}",
    ),
    ("get", "/api/v1/structures"),
    ("post", "/api/v1/structures"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/api/v1/supervision/alerts"),
    ("post", "/api/v1/supervision/alerts/{id}/review"),
    ("get", "/api/v1/structures/{id}/software-credentials"),
    ("post", "/api/v1/structures/{id}/software-credentials"),
    ("post", "/api/v1/software-credentials/{id}/revoke"),
    ("post", "/api/v1/software/records/{patient_id}/preload"),
    ("get", "/api/v1/software/records/{patient_id}/documents"),
    ("post", "/api/v1/software/records/{patient_id}/documents"),
    (
        "get",
        "/api/v1/software/records/{patient_id}/documents/{document_id}/content",
    ),
];

/// The OpenAPI document describes the API, not itself.
const UNDOCUMENTED: &[&str] = &["/api/v1/openapi.json"];

/// Any `{param}` of a route template becomes a well-formed id that exists nowhere.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        out.push_str("0b1d6f8e-5a43-4c2e-9d7a-3f0e8c2b1a90");
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

async fn call_route(api: &Api, method: &str, path: &str) -> Reply {
    match method {
        "get" => api.get(&concrete(path), None).await,
        "post" => {
            api.post(&concrete(path), None, &serde_json::json!({}))
                .await
        }
        "put" => api.call(Method::PUT, &concrete(path), None, None).await,
        "delete" => api.call(Method::DELETE, &concrete(path), None, None).await,
        other => panic!("no call for method {other}"),
    }
}

#[test]
fn probes_answer() {
    on_both(|backend| async move {
        let api = Api::empty(backend).await;
        let v = api
            .get("/healthz", None)
            .await
            .expect(StatusCode::OK, "healthz")
            .json();
        assert_eq!(v["status"], "ok");
        let v = api
            .get("/readyz", None)
            .await
            .expect(StatusCode::OK, "readyz")
            .json();
        assert_eq!(v["status"], "ready");
    });
}

#[test]
fn unknown_routes_are_json_404() {
    on_both(|backend| async move {
        let api = Api::empty(backend).await;
        for path in [
            "/nope",
            "/api/v1/nope",
            "/api/v2/auth/me",
            "/api/v1/professionals/x/y",
            "/api/v1",
        ] {
            api.get(path, None)
                .await
                .expect_error(StatusCode::NOT_FOUND, "not_found", path);
        }
    });
}

#[test]
fn wrong_methods_on_api_routes_are_json_405() {
    on_both(|backend| async move {
        let api = Api::empty(backend).await;
        let cases = [
            (Method::GET, "/api/v1/auth/login"),
            (Method::DELETE, "/api/v1/structures"),
            (Method::PUT, "/api/v1/audit"),
        ];
        for (method, path) in cases {
            let what = format!("{method} {path}");
            api.call(method, path, None, None).await.expect_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                &what,
            );
        }
    });
}

#[test]
fn wrong_methods_on_probes_are_json_405() {
    on_both(|backend| async move {
        let api = Api::empty(backend).await;
        for path in ["/healthz", "/readyz"] {
            api.call(Method::POST, path, None, None).await.expect_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                path,
            );
        }
    });
}

#[test]
fn rejected_bodies_get_their_status_and_code_never_500() {
    on_both(|backend| async move {
        let api = Api::empty(backend).await;
        let limit = mds_api::JSON_BODY_LIMIT;
        let long_login = |len: usize| {
            format!(
                r#"{{"login":"{}","password":"p","totp_code":"123456"}}"#,
                "a".repeat(len)
            )
        };
        let cases: Vec<(&str, Option<&str>, String, StatusCode, &str)> = vec![
            (
                "malformed JSON",
                Some("application/json"),
                r#"{"login": "#.into(),
                StatusCode::BAD_REQUEST,
                "malformed_json",
            ),
            (
                "empty body",
                Some("application/json"),
                String::new(),
                StatusCode::BAD_REQUEST,
                "malformed_json",
            ),
            (
                "unknown field",
                Some("application/json"),
                r#"{"login":"a@b.nc","password":"p","totp_code":"1","admin":true}"#.into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
            ),
            (
                "missing field",
                Some("application/json"),
                r#"{"login":"a@b.nc"}"#.into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
            ),
            (
                "wrong type",
                Some("application/json"),
                r#"{"login":1,"password":"p","totp_code":"1"}"#.into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
            ),
            (
                "no content type",
                None,
                r#"{"login":"a@b.nc","password":"p","totp_code":"123456"}"#.into(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            ),
            (
                "form content type",
                Some("application/x-www-form-urlencoded"),
                "login=a".into(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            ),
            (
                "body over the limit",
                Some("application/json"),
                long_login(limit),
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
            ),
            // Just under the limit the body is read: the sign-in itself fails.
            (
                "body under the limit",
                Some("application/json"),
                long_login(limit - 100),
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
            ),
        ];
        let mut failing = Vec::new();
        for (name, content_type, body, status, code) in cases {
            let mut b = Request::builder()
                .method(Method::POST)
                .uri("/api/v1/auth/login");
            if let Some(ct) = content_type {
                b = b.header(header::CONTENT_TYPE, ct);
            }
            let r = api
                .send(b.body(Body::from(body)).unwrap_or_else(|e| panic!("{e}")))
                .await;
            if r.status != status || r.error_code() != code {
                failing.push(format!(
                    "{name}: expected {status} {code}, got {} {}",
                    r.status,
                    r.error_code()
                ));
            }
        }
        assert!(failing.is_empty(), "failing cases: {failing:?}");
    });
}

#[test]
fn every_response_carries_the_security_headers() {
    on_both(|backend| async move {
        let api = Api::empty(backend).await;
        // `send` checks the headers of every response of every test; these are the kinds of
        // answers produced by different layers (handler, fallback, extractor, error).
        let replies = [
            api.get("/healthz", None).await,
            api.get("/api/v1/openapi.json", None).await,
            api.get("/nope", None).await,
            api.get("/api/v1/auth/me", None).await,
            api.call(Method::GET, "/api/v1/auth/login", None, None)
                .await,
        ];
        for r in &replies {
            assert_security_headers(&r.headers, &format!("{}", r.status));
        }
    });
}

#[test]
fn every_listed_route_is_served() {
    on_both(|backend| async move {
        let api = Api::empty(backend).await;
        let mut failing = Vec::new();
        for (method, path) in ROUTES {
            let r = call_route(&api, method, path).await;
            if matches!(
                r.status,
                StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
            ) {
                failing.push(format!("{method} {path}: {}", r.status));
            }
        }
        assert!(failing.is_empty(), "routes not served: {failing:?}");
    });
}

#[test]
fn openapi_lists_every_route_and_declares_bearer_security() {
    on_both(|backend| async move {
        let api = Api::empty(backend).await;
        let r = api
            .get("/api/v1/openapi.json", None)
            .await
            .expect(StatusCode::OK, "openapi");
        assert_eq!(
            r.headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            Some("application/json")
        );
        let doc = r.json();
        assert_eq!(
            doc,
            serde_json::from_str::<Value>(&mds_api::openapi_json()).unwrap_or_default(),
            "served = generated"
        );
        assert!(
            doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
            "OpenAPI 3: {}",
            doc["openapi"]
        );

        let mut documented = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
                documented.insert((method.clone(), path.clone()));
            }
        }
        let served: BTreeSet<_> = ROUTES
            .iter()
            .filter(|(_, p)| !UNDOCUMENTED.contains(p))
            .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
            .collect();
        assert_eq!(documented, served, "documented operations vs served routes");

        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["type"],
            "http"
        );
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        assert_eq!(
            doc["components"]["securitySchemes"]["structure_software"]["scheme"],
            "bearer"
        );
        // An operation declares bearer security (a session, or a structure software
        // credential) exactly when it refuses an anonymous caller.
        let mut failing = Vec::new();
        for (method, path) in &served {
            let declared = doc["paths"][path][method]["security"]
                .as_array()
                .is_some_and(|s| {
                    s.iter().any(|req| {
                        req.get("bearer").is_some() || req.get("structure_software").is_some()
                    })
                });
            let refuses = call_route(&api, method, path).await.status == StatusCode::UNAUTHORIZED;
            if declared != refuses {
                failing.push(format!(
                    "{method} {path}: declares bearer {declared}, refuses anonymous {refuses}"
                ));
            }
        }
        assert!(failing.is_empty(), "security declarations: {failing:?}");
    });
}

/// Issue 14, item 9: the document can be used as published — every path parameter declared,
/// the error answers declared with the error schema, a document's content in its formats.
#[test]
fn openapi_declares_path_parameters_errors_and_content_types() {
    let doc: Value = serde_json::from_str(&mds_api::openapi_json()).unwrap_or_default();
    let mut failing = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        let names: Vec<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|r| r.split_once('}').map(|(n, _)| n))
            .collect();
        for (method, op) in item.as_object().into_iter().flatten() {
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            for name in &names {
                let declared = params
                    .iter()
                    .any(|p| p["name"] == *name && p["in"] == "path" && p["required"] == true);
                if !declared {
                    failing.push(format!("{method} {path}: path parameter {name} undeclared"));
                }
            }
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            let mut expected = vec!["400", "422", "503"];
            if secured {
                expected.extend(["401", "403", "404"]);
            }
            if op.get("requestBody").is_some() {
                expected.extend(["413", "415"]);
            }
            for status in expected {
                if path == "/readyz" && status == "503" {
                    continue; // its own body: `{"status": "unavailable"}`
                }
                let schema = &op["responses"][status]["content"]["application/json"]["schema"];
                if schema["$ref"] != "#/components/schemas/ErrorBody" {
                    failing.push(format!(
                        "{method} {path}: {status} without the error schema"
                    ));
                }
            }
            if path.ends_with("/content") {
                let types: BTreeSet<&str> = op["responses"]["200"]["content"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(t, _)| t.as_str())
                    .collect();
                let formats: BTreeSet<&str> =
                    mds_domain::Format::ALL.iter().map(|f| f.mime()).collect();
                if types != formats {
                    failing.push(format!("{method} {path}: content types {types:?}"));
                }
            }
        }
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    assert!(
        failing.is_empty(),
        "{} defects: {failing:#?}",
        failing.len()
    );
}

/// Every `$ref` of the document names a component it holds (schemathesis refuses an
/// operation whose schema names a missing one, e.g. an id type left out of `components`).
#[test]
fn every_schema_reference_resolves() {
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let doc: Value = serde_json::from_str(&mds_api::openapi_json()).unwrap();
    let mut all = Vec::new();
    refs(&doc, &mut all);
    let missing: BTreeSet<&String> = all
        .iter()
        .filter(|r| {
            r.strip_prefix("#/components/schemas/")
                .is_none_or(|name| doc["components"]["schemas"].get(name).is_none())
        })
        .collect();
    assert!(missing.is_empty(), "unresolved references: {missing:?}");
}
