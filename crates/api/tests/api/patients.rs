//! Issue 3 — the patient endpoints through the router (`tower::ServiceExt::oneshot`): creation
//! by a professional and its refusals, search, self-enrolment with scans, support decisions,
//! activation, death, closure and export, and the illegal transitions. Both backends.
#![allow(clippy::unwrap_used)]

use axum::http::{Method, StatusCode};
use mds_domain::Timestamp;
use mds_testkit::api::*;
use serde_json::{json, Value};
use std::io::Read;

/// The API over the demo data loaded an hour ago.
async fn fixture(backend: TestBackend) -> Api {
    let an_hour_ago = Timestamp::from_millis(now_ms() - HOUR);
    Api::over(Fixture::empty(backend).await.with_demo(an_hour_ago).await)
}

/// Status and JSON body (null when there is none) of a call.
async fn call(
    f: &Api,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let reply = f.call(method, uri, token, body.as_ref()).await;
    let json = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
    (reply.status, json)
}

async fn login(f: &Api, login: &str) -> String {
    f.login(login).await.0
}

/// Status and body of a form whose parts are all files named after their field, as the
/// patient forms are sent.
async fn post_files(
    f: &Api,
    uri: &str,
    token: Option<&str>,
    parts: &[(&str, &[u8])],
) -> (StatusCode, Vec<u8>) {
    let form = parts
        .iter()
        .fold(Multipart::new(), |form, (name, content)| {
            form.file(name, name, content)
        })
        .finish();
    let reply = f.post_form(uri, token, &[], form).await;
    (reply.status, reply.body)
}

fn identity(cafat: &str, name: &str, birth: &str) -> Value {
    json!({ "cafat": cafat, "birth_name": name, "first_names": ["Paul"], "birth_date": birth, "sex": "M", "birth_place": "98818" })
}

fn new_patient(identity: Value) -> Value {
    json!({ "identity": identity, "identity_document_checked": true, "cafat_card_checked": true, "consent_signed": true, "informed_of_rights": true })
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

#[test]
fn professional_creation_search_and_refusals() {
    on_both(|backend| {
        Box::pin(async move {
            let f = fixture(backend).await;
            let doctor = login(&f, DOCTOR).await;
            let patient = login(&f, PATIENT).await;
            let (s, v) = call(
                &f,
                "POST",
                "/api/v1/patients",
                Some(&doctor),
                Some(new_patient(identity("555111", "Néa", "1970-04-12"))),
            )
            .await;
            assert_eq!(s, StatusCode::CREATED, "{backend:?}: {v}");
            assert_eq!(v["record_state"], "inactive");
            assert_eq!(v["identity_status"], "validated");

            let cases = [
                (
                    "duplicate CAFAT",
                    identity("555111", "Autre", "1971-01-01"),
                    StatusCode::CONFLICT,
                    "duplicate_cafat",
                ),
                (
                    "minor",
                    identity("555112", "Néa", "2015-01-01"),
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "minor",
                ),
                (
                    "31 February",
                    identity("555113", "Néa", "31/02/1980"),
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "birth_date_format",
                ),
                (
                    "letters in CAFAT",
                    identity("55A113", "Néa", "1980-01-01"),
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "cafat_not_digits",
                ),
                (
                    "control character",
                    identity("555114", "N\u{1}éa", "1980-01-01"),
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "birth_name_invalid_character",
                ),
                (
                    "10 MB name",
                    identity("555115", &"A".repeat(10 * 1024 * 1024), "1980-01-01"),
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                ),
            ];
            let mut failing = Vec::new();
            for (name, id, status, expected) in cases {
                let (s, v) = call(
                    &f,
                    "POST",
                    "/api/v1/patients",
                    Some(&doctor),
                    Some(new_patient(id)),
                )
                .await;
                if s != status || code(&v) != expected {
                    failing.push(format!("{name}: {s} {v}"));
                }
            }
            assert!(failing.is_empty(), "{backend:?}: {failing:#?}");
            let (s, v) = call(
                &f,
                "POST",
                "/api/v1/patients",
                Some(&patient),
                Some(new_patient(identity("555116", "Néa", "1980-01-01"))),
            )
            .await;
            assert_eq!(
                (s, code(&v)),
                (StatusCode::FORBIDDEN, "forbidden"),
                "{backend:?}"
            );

            let near = json!({ "cafat": "555117", "birth_name": "Poigounne", "first_names": ["Joseph"], "birth_date": "1952-07-02", "sex": "M", "birth_place": "98822" });
            let (s, v) = call(
                &f,
                "POST",
                "/api/v1/patients",
                Some(&doctor),
                Some(new_patient(near)),
            )
            .await;
            assert_eq!(
                (s, v["code"].as_str()),
                (StatusCode::ACCEPTED, Some("near_match_review")),
                "{backend:?}: {v}"
            );
            let support = login(&f, SUPPORT).await;
            let (s, reviews) =
                call(&f, "GET", "/api/v1/identity-reviews", Some(&support), None).await;
            assert_eq!(s, StatusCode::OK, "{backend:?}: {reviews}");
            assert_eq!(reviews[0]["review_id"], v["review_id"]);
            let uri = format!(
                "/api/v1/identity-reviews/{}/approve",
                v["review_id"].as_str().unwrap()
            );
            let (s, created) = call(
                &f,
                "POST",
                &uri,
                Some(&support),
                Some(json!({ "note": "vérifié" })),
            )
            .await;
            assert_eq!(
                (s, created["record_state"].as_str()),
                (StatusCode::CREATED, Some("inactive")),
                "{backend:?}: {created}"
            );
            let (s, again) = call(&f, "POST", &uri, Some(&support), Some(json!({}))).await;
            assert_eq!(
                (s, code(&again)),
                (StatusCode::CONFLICT, "already_decided"),
                "{backend:?}"
            );

            let form = new_patient(identity("555118", "Wamytan", "1960-03-03")).to_string();
            let (s, body) = post_files(
                &f,
                "/api/v1/patients",
                Some(&doctor),
                &[
                    ("patient", form.as_bytes()),
                    ("consent_form", mds_testkit::files::PDF),
                ],
            )
            .await;
            assert_eq!(
                s,
                StatusCode::CREATED,
                "{backend:?}: {}",
                String::from_utf8_lossy(&body)
            );

            let (s, v) = call(
                &f,
                "POST",
                "/api/v1/patients/search",
                Some(&doctor),
                Some(json!({ "cafat": "555111", "birth_date": "12/04/1970" })),
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{backend:?}: {v}");
            assert_eq!(v.as_array().unwrap().len(), 1);
            assert!(
                v[0].get("email").is_none() && v[0].get("cafat").is_none(),
                "only what confirms identity"
            );
            for (place, found) in [(Some("98818"), 1), (Some("98814"), 0), (None, 1)] {
                let (s, v) = call(
                    &f,
                    "POST",
                    "/api/v1/patients/search",
                    Some(&doctor),
                    Some(json!({ "birth_name": "Wamytan", "first_name": "Paul",
                        "birth_date": "1960-03-03", "sex": "M", "birth_place": place })),
                )
                .await;
                assert_eq!(s, StatusCode::OK, "{backend:?} {place:?}: {v}");
                assert_eq!(
                    v.as_array().unwrap().len(),
                    found,
                    "{backend:?} {place:?}: {v}"
                );
            }
            let (s, v) = call(
                &f,
                "POST",
                "/api/v1/patients/search",
                Some(&doctor),
                Some(json!({ "birth_date": "1970-04-12" })),
            )
            .await;
            assert_eq!(
                (s, code(&v)),
                (StatusCode::UNPROCESSABLE_ENTITY, "insufficient_criteria"),
                "{backend:?}"
            );
        })
    });
}

#[test]
fn self_enrolment_then_support_decision() {
    on_both(|backend| {
        Box::pin(async move {
            let f = fixture(backend).await;
            let enrolment = json!({
            "identity": { "cafat": "888111", "birth_name": "Gope", "first_names": ["Léa"], "birth_date": "1999-06-12", "sex": "F", "birth_place": "98814" },
            "email": "lea.gope@example.nc", "password": "Lifou-Wé-Drehu-1999", "informed_of_rights": true,
        })
        .to_string();
            let png: &[u8] = mds_testkit::files::PNG;
            let (s, body) = post_files(
                &f,
                "/api/v1/enrolments",
                None,
                &[
                    ("enrolment", enrolment.as_bytes()),
                    ("identity_document", mds_testkit::files::PDF),
                    ("cafat_card", png),
                ],
            )
            .await;
            assert_eq!(
                s,
                StatusCode::ACCEPTED,
                "{backend:?}: {}",
                String::from_utf8_lossy(&body)
            );
            let receipt: Value = serde_json::from_slice(&body).unwrap();
            let token = receipt["status_token"].as_str().unwrap();

            let big = vec![b'%'; 6 * 1024 * 1024];
            let (s, body) = post_files(
                &f,
                "/api/v1/enrolments",
                None,
                &[
                    ("enrolment", enrolment.as_bytes()),
                    ("identity_document", &big),
                    ("cafat_card", png),
                ],
            )
            .await;
            assert!(
                matches!(
                    s,
                    StatusCode::UNPROCESSABLE_ENTITY | StatusCode::PAYLOAD_TOO_LARGE
                ),
                "{backend:?}: {s} {}",
                String::from_utf8_lossy(&body)
            );
            let (s, body) = post_files(
                &f,
                "/api/v1/enrolments",
                None,
                &[("enrolment", enrolment.as_bytes()), ("cafat_card", png)],
            )
            .await;
            assert_eq!(
                s,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?}: {}",
                String::from_utf8_lossy(&body)
            );

            // A pending account cannot sign in, so it reads nothing.
            let body = json!({ "login": "lea.gope@example.nc", "password": "Lifou-Wé-Drehu-1999", "totp_code": "000000" });
            let (s, _) = call(&f, "POST", "/api/v1/auth/login", None, Some(body)).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{backend:?}");

            let (s, v) = call(
                &f,
                "POST",
                "/api/v1/enrolments/status",
                None,
                Some(json!({ "status_token": token })),
            )
            .await;
            assert_eq!(
                (s, v["status"].as_str()),
                (StatusCode::OK, Some("pending")),
                "{backend:?}"
            );

            let support = login(&f, SUPPORT).await;
            let doctor = login(&f, DOCTOR).await;
            let (s, _) = call(&f, "GET", "/api/v1/enrolments", Some(&doctor), None).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{backend:?}");
            let (s, queue) = call(&f, "GET", "/api/v1/enrolments", Some(&support), None).await;
            assert_eq!(s, StatusCode::OK);
            let item = &queue[0];
            let request_id = item["request_id"].as_str().unwrap();
            let scan_id = item["scans"][0]["id"].as_str().unwrap();
            let Reply {
                status: s,
                body: bytes,
                ..
            } = f
                .get(
                    &format!("/api/v1/enrolments/{request_id}/scans/{scan_id}"),
                    Some(&support),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{backend:?}");
            assert!(bytes.starts_with(b"%PDF") || bytes.starts_with(&png[..4]));

            let (s, v) = call(
                &f,
                "POST",
                &format!("/api/v1/enrolments/{request_id}/validate"),
                Some(&support),
                None,
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{backend:?}: {v}");
            assert!(v["enrolment_token"].as_str().is_some());
            let (s, v) = call(
                &f,
                "POST",
                &format!("/api/v1/enrolments/{request_id}/reject"),
                Some(&support),
                Some(json!({ "reason": "trop tard" })),
            )
            .await;
            assert_eq!(
                (s, code(&v)),
                (StatusCode::CONFLICT, "already_decided"),
                "{backend:?}"
            );
            let (_, v) = call(
                &f,
                "POST",
                "/api/v1/enrolments/status",
                None,
                Some(json!({ "status_token": token })),
            )
            .await;
            assert_eq!(v["status"], "validated");
        })
    });
}

#[test]
fn lifecycle_transitions_and_illegal_ones() {
    on_both(|backend| {
        Box::pin(async move {
            let f = fixture(backend).await;
            let support = login(&f, SUPPORT).await;
            let patient = login(&f, PATIENT).await;
            let poigoune = patient_id_by_cafat(&f.app, "7654321").await;
            let tuifua = patient_id_by_cafat(&f.app, "345678").await;
            let marie = patient_id_by_cafat(&f.app, "1234567").await;

            let activate =
                json!({ "email": "joseph.poigoune@example.nc", "request": "courrier du 20/09" });
            let (s, v) = call(
                &f,
                "POST",
                &format!("/api/v1/patients/{poigoune}/activate"),
                Some(&support),
                Some(activate.clone()),
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{backend:?}: {v}");
            let (s, v) = call(
                &f,
                "POST",
                &format!("/api/v1/patients/{poigoune}/activate"),
                Some(&support),
                Some(activate),
            )
            .await;
            assert_eq!(
                (s, code(&v)),
                (StatusCode::CONFLICT, "invalid_state"),
                "{backend:?}"
            );

            let (s, _) = call(
                &f,
                "POST",
                &format!("/api/v1/patients/{tuifua}/death"),
                Some(&support),
                Some(json!({ "died_on": "2026-01-15" })),
            )
            .await;
            assert_eq!(s, StatusCode::NO_CONTENT, "{backend:?}");
            let added = mds_demo::bench::vault_writes(
                &f.app,
                &tuifua,
                1,
                mds_domain::Timestamp::from_millis(now_ms()),
            )
            .await;
            assert_eq!(
                added.err().map(|e| e.code()),
                Some("patient_deceased"),
                "{backend:?}"
            );

            let (s, v) = call(&f, "GET", "/api/v1/me/record/export", Some(&patient), None).await;
            assert_eq!(s, StatusCode::OK, "{backend:?}: {v}");
            let Reply {
                status: s,
                body: bytes,
                ..
            } = f.get("/api/v1/me/record/export", Some(&patient)).await;
            assert_eq!(s, StatusCode::OK);
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let mut manifest = String::new();
            zip.by_name("manifest.json")
                .unwrap()
                .read_to_string(&mut manifest)
                .unwrap();
            let manifest: Value = serde_json::from_str(&manifest).unwrap();
            for entry in manifest["files"].as_array().unwrap() {
                let mut content = Vec::new();
                zip.by_name(entry["path"].as_str().unwrap())
                    .unwrap()
                    .read_to_end(&mut content)
                    .unwrap();
                use sha2::Digest;
                let digest = data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(&content));
                assert_eq!(entry["sha256"], digest.as_str(), "{backend:?}");
            }

            let (s, v) = call(
                &f,
                "POST",
                "/api/v1/me/record/close",
                Some(&patient),
                Some(json!({ "confirm": false })),
            )
            .await;
            assert_eq!(
                (s, code(&v)),
                (StatusCode::UNPROCESSABLE_ENTITY, "confirmation_required"),
                "{backend:?}"
            );
            let (s, v) = call(
                &f,
                "POST",
                "/api/v1/me/record/close",
                Some(&patient),
                Some(json!({ "confirm": true })),
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{backend:?}: {v}");
            let (s, _) = call(&f, "GET", "/api/v1/me/record/export", Some(&patient), None).await;
            assert_eq!(
                s,
                StatusCode::UNAUTHORIZED,
                "{backend:?}: the closed account's session ended"
            );
            let (s, v) = call(
                &f,
                "POST",
                &format!("/api/v1/patients/{marie}/activate"),
                Some(&support),
                Some(json!({ "request": "appel" })),
            )
            .await;
            assert_eq!(
                (s, code(&v)),
                (StatusCode::CONFLICT, "invalid_state"),
                "{backend:?}: activating a closed account"
            );
            let (s, v) = call(
                &f,
                "POST",
                &format!("/api/v1/patients/{marie}/care-team"),
                Some(&support),
                Some(json!({ "add": [], "request": "appel" })),
            )
            .await;
            assert_eq!(
                (s, code(&v)),
                (StatusCode::CONFLICT, "invalid_state"),
                "{backend:?}"
            );
            let (s, v) = call(
                &f,
                "POST",
                &format!("/api/v1/patients/{marie}/erasure"),
                Some(&support),
                Some(json!({ "request": "courrier" })),
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{backend:?}: {v}");
            let report = f
                .app
                .run_retention(mds_domain::Timestamp::from_millis(now_ms()))
                .await
                .unwrap();
            assert_eq!(report.erased, 1, "{backend:?}");
        })
    });
}

#[test]
fn the_openapi_document_lists_the_patient_endpoints() {
    let doc = mds_api::openapi_json();
    for path in [
        "/api/v1/patients",
        "/api/v1/patients/search",
        "/api/v1/enrolments",
        "/api/v1/enrolments/{id}/validate",
        "/api/v1/me/record/export",
        "/api/v1/patients/{id}/death",
        "/api/v1/identity-reviews",
    ] {
        assert!(
            doc.contains(&format!("\"{path}\"")),
            "{path} missing from OpenAPI"
        );
    }
}

/// Issue 15, item 3: `identifier_kind` makes the number an AMG number, a number space of its
/// own (Marie's CAFAT digits here), on creation and search.
#[test]
fn an_amg_number_is_created_and_searched_by_its_kind() {
    on_both(|backend| {
        Box::pin(async move {
            let f = fixture(backend).await;
            let doctor = login(&f, DOCTOR).await;
            let amg = |name: &str, kind: &str| {
                let mut i = identity("1234567", name, "1975-03-09");
                i["identifier_kind"] = json!(kind);
                new_patient(i)
            };
            let (s, v) = call(
                &f,
                "POST",
                "/api/v1/patients",
                Some(&doctor),
                Some(amg("Hnawia", "amg")),
            )
            .await;
            assert_eq!(s, StatusCode::CREATED, "{backend:?}: {v}");
            let id = v["id"].clone();
            let cases = [
                (
                    "same AMG number",
                    amg("Wahnyamalla", "amg"),
                    StatusCode::CONFLICT,
                    "duplicate_cafat",
                ),
                (
                    "unknown kind",
                    amg("Wenehoua", "ridet"),
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "identifier_kind_invalid",
                ),
            ];
            for (name, body, status, expected) in cases {
                let (s, v) = call(&f, "POST", "/api/v1/patients", Some(&doctor), Some(body)).await;
                assert_eq!(
                    (s, code(&v)),
                    (status, expected),
                    "{backend:?}: {name}: {v}"
                );
            }
            let search = |kind: Option<&str>, birth: &str| {
                let mut q = json!({ "cafat": "1234567", "birth_date": birth });
                if let Some(kind) = kind {
                    q["identifier_kind"] = json!(kind);
                }
                q
            };
            let (s, found) = call(
                &f,
                "POST",
                "/api/v1/patients/search",
                Some(&doctor),
                Some(search(Some("amg"), "1975-03-09")),
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{backend:?}: {found}");
            assert_eq!(
                found.as_array().map(|a| a.len()),
                Some(1),
                "{backend:?}: {found}"
            );
            assert_eq!(found[0]["id"], id);
            let (s, found) = call(
                &f,
                "POST",
                "/api/v1/patients/search",
                Some(&doctor),
                Some(search(None, "1975-03-09")),
            )
            .await;
            assert_eq!(
                (s, found.as_array().map(|a| a.len())),
                (StatusCode::OK, Some(0)),
                "{backend:?}: the CAFAT space"
            );
            let traits = json!({ "identifier_kind": "amg", "birth_name": "Hnawia", "first_name": "Paul", "birth_date": "1975-03-09", "sex": "M" });
            let (s, v) = call(
                &f,
                "POST",
                "/api/v1/patients/search",
                Some(&doctor),
                Some(traits),
            )
            .await;
            assert_eq!(
                (s, code(&v)),
                (StatusCode::UNPROCESSABLE_ENTITY, "insufficient_criteria"),
                "{backend:?}: {v}"
            );
        })
    });
}
