//! Directory and audit over the REST API: support creates a structure and a professional, the
//! professional enrols and signs in; only support changes the directory or reads the audit
//! (refusals are recorded); suspension ends the professional's token at once. Real clock,
//! both backends.

use axum::http::{Method, StatusCode};
use mds_audit::{AuditQuery, Outcome};
use mds_testkit::api::*;
use serde_json::{json, Value};

fn new_structure(ridet: &str) -> Value {
    json!({ "name": "Cabinet infirmier de Lifou", "ridet": ridet, "kind": "practice", "commune": "98814" })
}

#[test]
fn support_creates_a_professional_who_enrols_and_signs_in() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let (support, _) = api.login(SUPPORT).await;

        let s = api
            .post(
                "/api/v1/structures",
                Some(&support),
                &new_structure("1357913.001"),
            )
            .await
            .expect(StatusCode::CREATED, "structure")
            .json();
        assert_eq!(
            (s["ridet"].as_str(), s["commune"].as_str()),
            (Some("1357913.001"), Some("98814"))
        );
        let structure_id = s["id"].as_str().unwrap_or_default().to_owned();
        let all = api
            .get("/api/v1/structures", Some(&support))
            .await
            .expect(StatusCode::OK, "list")
            .json();
        assert!(
            all.as_array()
                .is_some_and(|a| a.iter().any(|x| x["id"] == structure_id.as_str())),
            "new structure listed"
        );
        api.post(
            "/api/v1/structures",
            Some(&support),
            &new_structure("1357913.001"),
        )
        .await
        .expect_error(StatusCode::CONFLICT, "duplicate_ridet", "same RIDET");
        api.post(
            "/api/v1/structures",
            Some(&support),
            &new_structure("1357913"),
        )
        .await
        .expect_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_ridet",
            "bad RIDET",
        );

        let login = "w.wahnyamalla@lifou.nc";
        let pro = json!({ "login": login, "first_name": "Wassissi", "last_name": "Wahnyamalla", "profession": "infirmier",
                          "professional_id": "20250000042", "structure_ids": [structure_id] });
        let created = api
            .post("/api/v1/professionals", Some(&support), &pro)
            .await
            .expect(StatusCode::CREATED, "professional")
            .json();
        assert_eq!(created["professional"]["state"], "pending");
        let account_id = created["professional"]["account_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let token = created["enrolment_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(!token.is_empty(), "enrolment token in {created}");

        let password = "Lifou-We-Cocotier-2026";
        let weak = json!({ "token": token, "password": "court" });
        api.post("/api/v1/auth/enrolment", None, &weak)
            .await
            .expect_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "weak_password",
                "weak password",
            );
        let e = api
            .post(
                "/api/v1/auth/enrolment",
                None,
                &json!({ "token": token, "password": password }),
            )
            .await
            .expect(StatusCode::OK, "enrolment")
            .json();
        let secret = e["totp_secret"].as_str().unwrap_or_default().to_owned();
        assert!(
            e["provisioning_uri"]
                .as_str()
                .is_some_and(|u| u.starts_with("otpauth://totp/")),
            "{e}"
        );
        let code = api.next_code(&secret).await;
        api.post(
            "/api/v1/auth/enrolment/confirm",
            None,
            &json!({ "token": token, "totp_code": code }),
        )
        .await
        .expect(StatusCode::NO_CONTENT, "confirm");
        // The token is checked first, so any code will do.
        api.post(
            "/api/v1/auth/enrolment/confirm",
            None,
            &json!({ "token": token, "totp_code": "000000" }),
        )
        .await
        .expect_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_enrolment_token",
            "token reused",
        );

        let body = json!({ "login": login, "password": password, "totp_code": api.next_code(&secret).await });
        let session = api
            .post("/api/v1/auth/login", None, &body)
            .await
            .expect(StatusCode::OK, "new professional signs in")
            .json();
        let pro_token = session["token"].as_str().unwrap_or_default();
        let me = api
            .get("/api/v1/auth/me", Some(pro_token))
            .await
            .expect(StatusCode::OK, "me")
            .json();
        assert_eq!(
            (me["id"].as_str(), me["kind"].as_str()),
            (Some(account_id.as_str()), Some("professional"))
        );
        let row = api
            .get(
                &format!("/api/v1/professionals/{account_id}"),
                Some(pro_token),
            )
            .await
            .expect(StatusCode::OK, "get")
            .json();
        assert_eq!(row["state"], "active");
        let found = api
            .get("/api/v1/professionals?q=wahny", Some(pro_token))
            .await
            .expect(StatusCode::OK, "search")
            .json();
        assert!(
            found
                .as_array()
                .is_some_and(|a| a.iter().any(|p| p["account_id"] == account_id.as_str())),
            "{found}"
        );
    });
}

#[test]
fn only_support_changes_the_directory_and_suspension_ends_sessions() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let (support, _) = api.login(SUPPORT).await;
        let (doctor, doctor_id) = api.login(DOCTOR).await;
        let (assistant, _) = api.login(ASSISTANT).await;
        for (who, token) in [("professional", &doctor), ("assistant", &assistant)] {
            api.post(
                "/api/v1/structures",
                Some(token),
                &new_structure("2468024.001"),
            )
            .await
            .expect_error(StatusCode::FORBIDDEN, "forbidden", who);
            let path = format!("/api/v1/accounts/{doctor_id}/suspend");
            api.post(&path, Some(token), &json!({ "reason": "x" }))
                .await
                .expect_error(StatusCode::FORBIDDEN, "forbidden", who);
        }
        api.post("/api/v1/structures", None, &new_structure("2468024.001"))
            .await
            .expect_error(StatusCode::UNAUTHORIZED, "unauthenticated", "anonymous");

        api.get("/api/v1/auth/me", Some(&doctor))
            .await
            .expect(StatusCode::OK, "before suspension");
        let path = format!("/api/v1/accounts/{doctor_id}/suspend");
        api.post(&path, Some(&support), &json!({ "reason": "contrôle" }))
            .await
            .expect(StatusCode::NO_CONTENT, "suspend");
        api.get("/api/v1/auth/me", Some(&doctor))
            .await
            .expect_error(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "after suspension",
            );
        api.post(&path, Some(&support), &json!({ "reason": "again" }))
            .await
            .expect_error(StatusCode::CONFLICT, "invalid_state", "suspend twice");
        // A refused sign-in does not spend its code, so the helper is not told about it.
        let code = api.unspent_code(&mds_demo::demo_totp_secret(DOCTOR));
        let body =
            json!({ "login": DOCTOR, "password": mds_demo::DEMO_PASSWORD, "totp_code": code });
        api.post("/api/v1/auth/login", None, &body)
            .await
            .expect_error(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "suspended sign-in",
            );
        let unknown = format!("/api/v1/accounts/{}/suspend", mds_store::new_id());
        api.post(&unknown, Some(&support), &json!({ "reason": "x" }))
            .await
            .expect_error(StatusCode::NOT_FOUND, "not_found", "unknown account");
        let back = format!("/api/v1/accounts/{doctor_id}/reactivate");
        api.post(&back, Some(&support), &json!({ "reason": "fin" }))
            .await
            .expect(StatusCode::NO_CONTENT, "reactivate");
        api.login(DOCTOR).await;
    });
}

#[test]
fn support_reads_the_audit_and_the_read_is_itself_audited() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let (support, support_id) = api.login(SUPPORT).await;
        let first = api
            .get("/api/v1/audit?limit=1000", Some(&support))
            .await
            .expect(StatusCode::OK, "first read")
            .json();
        let first = first.as_array().cloned().unwrap_or_default();
        assert!(
            first
                .iter()
                .any(|e| e["action"] == "auth.login" && e["actor_id"] == support_id.as_str()),
            "the sign-in is in the trail"
        );
        let reads = |events: &[Value]| -> Vec<String> {
            events
                .iter()
                .filter(|e| {
                    e["action"] == "audit.read"
                        && e["actor_id"] == support_id.as_str()
                        && e["outcome"] == "success"
                })
                .map(|e| e["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        };
        let last_seq = first.last().and_then(|e| e["seq"].as_i64()).unwrap_or(0);
        let second = api
            .get(
                &format!("/api/v1/audit?after_seq={}", last_seq - 1),
                Some(&support),
            )
            .await
            .expect(StatusCode::OK, "second read")
            .json();
        let second = second.as_array().cloned().unwrap_or_default();
        let (first_reads, second_reads) = (reads(&first), reads(&second));
        assert_eq!(first_reads.len(), 1, "first read: {first_reads:?}");
        assert!(
            second_reads.contains(&first_reads[0]),
            "the first read appears in the next one"
        );
        assert_eq!(
            second_reads.len(),
            2,
            "and the second read too: {second_reads:?}"
        );
        assert!(
            second
                .iter()
                .all(|e| e["hash"].as_str().is_some_and(|h| h.len() == 64)),
            "events carry their hash"
        );
    });
}

#[test]
fn others_reading_the_audit_get_403_and_a_deny_event() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        for login in [DOCTOR, PATIENT] {
            let (token, id) = api.login(login).await;
            api.get("/api/v1/audit", Some(&token)).await.expect_error(
                StatusCode::FORBIDDEN,
                "forbidden",
                login,
            );
            let q = AuditQuery {
                actor_id: Some(id),
                actions: vec!["audit.read".into()],
                limit: 10,
                ..AuditQuery::default()
            };
            let events = mds_audit::query(api.app.db(), &q)
                .await
                .unwrap_or_else(|e| panic!("{e:?}"));
            assert!(
                matches!(events.as_slice(), [e] if e.outcome == Outcome::Deny),
                "{login}: {events:?}"
            );
        }
        api.call(Method::GET, "/api/v1/audit", None, None)
            .await
            .expect_error(StatusCode::UNAUTHORIZED, "unauthenticated", "anonymous");
    });
}

#[test]
fn bad_query_strings_and_paths_are_json_errors() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let (support, _) = api.login(SUPPORT).await;
        let cases = [
            "/api/v1/audit?limit=many",
            "/api/v1/audit?bogus=1",
            "/api/v1/professionals?limit=x",
            "/api/v1/professionals/%FF",
        ];
        let mut failing = Vec::new();
        for path in cases {
            let req = axum::http::Request::builder()
                .uri(path)
                .header(
                    axum::http::header::AUTHORIZATION,
                    format!("Bearer {support}"),
                )
                .body(axum::body::Body::empty())
                .unwrap_or_else(|e| panic!("{e}"));
            let r = api.send_unchecked(req).await;
            // A malformed identifier in a path is an identifier that does not exist: 404,
            // like every other unknown or invisible resource.
            let client_error = matches!(
                r.status,
                StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY
            ) || (path.contains('%') && r.status == StatusCode::NOT_FOUND);
            if !client_error || !r.is_json_error() {
                failing.push(format!(
                    "{path}: {} {}",
                    r.status,
                    String::from_utf8_lossy(&r.body)
                ));
            }
        }
        assert!(failing.is_empty(), "not JSON errors: {failing:?}");
    });
}

/// Issue 15, item 8: support corrects a professional and a structure over REST; others are
/// refused; bad input is a 422 with its code; the change is read back.
#[test]
fn support_corrects_the_directory_over_rest() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let (support, _) = api.login(SUPPORT).await;
        let (doctor, _) = api.login(DOCTOR).await;
        let nurse = mds_testkit::app::account_id(&api.app, NURSE).await;
        let uri = format!("/api/v1/professionals/{nurse}");
        let p = api
            .get(&uri, Some(&support))
            .await
            .expect(StatusCode::OK, "nurse")
            .json();
        let edit = |profession: &str, samu: bool| {
            json!({
                "first_name": p["first_name"], "last_name": "Kaloï-Wema",
                "profession": profession, "professional_id": p["professional_id"],
                "structure_ids": p["structure_ids"], "samu_regulator": samu,
            })
        };
        let put = |token: String, path: String, body: Value| {
            let api = &api;
            async move {
                api.call(Method::PUT, &path, Some(&token), Some(&body))
                    .await
            }
        };
        put(doctor.clone(), uri.clone(), edit("medecin", false))
            .await
            .expect_error(StatusCode::FORBIDDEN, "forbidden", "a doctor");
        put(support.clone(), uri.clone(), edit("infirmier", true))
            .await
            .expect_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_samu_role",
                "nurse regulator",
            );
        let nobody = "/api/v1/professionals/00000000-0000-4000-8000-0000000000bb".to_owned();
        put(support.clone(), nobody, edit("medecin", false))
            .await
            .expect_error(StatusCode::NOT_FOUND, "not_found", "unknown professional");
        let after = put(support.clone(), uri.clone(), edit("medecin", true))
            .await
            .expect(StatusCode::OK, "corrected")
            .json();
        assert_eq!(
            (
                after["profession"].as_str(),
                after["samu_regulator"].as_bool()
            ),
            (Some("medecin"), Some(true))
        );
        let read = api
            .get(&uri, Some(&support))
            .await
            .expect(StatusCode::OK, "read back")
            .json();
        assert_eq!(read["last_name"], "Kaloï-Wema");

        let s = api.get("/api/v1/structures", Some(&support)).await.json()[0].clone();
        let suri = format!("/api/v1/structures/{}", s["id"].as_str().unwrap());
        let body = |kind: &str| json!({ "name": "Structure corrigée", "kind": kind, "commune": s["commune"] });
        put(support.clone(), suri.clone(), body("spa"))
            .await
            .expect_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_structure_kind",
                "unknown kind",
            );
        let after = put(support.clone(), suri.clone(), body("clinic"))
            .await
            .expect(StatusCode::OK, "structure corrected")
            .json();
        assert_eq!(
            (after["name"].as_str(), after["ridet"].as_str()),
            (Some("Structure corrigée"), s["ridet"].as_str())
        );
    });
}
