//! Issue 5, part 4 over REST: supervision alerts for support, structure software credentials
//! (with an end date) and the software feeding a record with its secret, and a suspended
//! professional refused at once on every surface (bearer, cookie, sign-in, software,
//! assistant). Real clock, both backends. Preloading as reading: `structure_auth.rs`.

use axum::http::{header, Method, StatusCode};
use mds_domain::{AccountId, StructureId};
use mds_testkit::api::*;
use serde_json::{json, Value};

const NEA_RIDET: &str = "0900001.001";
const OTHER_RIDET: &str = "0900002.001";

async fn structure(api: &Api, ridet: &str) -> StructureId {
    mds_store::directory::structure_by_ridet(api.app.db(), ridet)
        .await
        .ok()
        .flatten()
        .map(|s| s.id)
        .unwrap_or_else(|| panic!("no structure {ridet}"))
}

async fn account(api: &Api, login: &str) -> AccountId {
    mds_store::accounts::by_login(api.app.db(), login)
        .await
        .ok()
        .flatten()
        .map(|a| a.id)
        .unwrap_or_else(|| panic!("no account {login}"))
}

/// The New Caledonia day a year from now.
fn next_year() -> String {
    (now().noumea_date().unwrap_or_else(|| panic!("date")) + time::Duration::days(365)).to_string()
}

/// Creates a credential for `ridet` as support; returns (credential id, secret). Dr Néa is
/// put on the structure's list of authorised professionals.
async fn credential(api: &Api, support: &str, ridet: &str) -> (String, String) {
    let s = structure(api, ridet).await;
    if ridet == NEA_RIDET {
        // Support already signed in over REST at this TOTP step: the use case's actor signs
        // in at a later step, so as not to replay the one-time code.
        let agent = actor(&api.app, SUPPORT, now().plus_seconds(60)).await;
        let dr = account(api, DOCTOR).await;
        api.app
            .authorise_structure_professional(&agent, &s, dr.as_str(), &next_year(), now())
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
    }
    let path = format!("/api/v1/structures/{s}/software-credentials");
    let body = json!({ "label": "DPI du cabinet", "ends_on": next_year() });
    let v = api
        .post(&path, Some(support), &body)
        .await
        .expect(StatusCode::CREATED, "create credential")
        .json();
    (
        v["credential"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        v["token"].as_str().unwrap_or_default().to_owned(),
    )
}

/// A document fed by structure software with its secret, for `professional`.
async fn feed(api: &Api, token: &str, professional: &str, pid: &str, tag: &str) -> Reply {
    let form = document_form(
        "Compte rendu",
        "cr.txt",
        format!("Compte rendu {tag} transmis par le logiciel.").as_bytes(),
    );
    api.post_form(
        &format!("/api/v1/software/records/{pid}/documents"),
        Some(token),
        &[
            ("x-mds-professional", professional),
            ("x-mds-professional-amr", "mfa"),
        ],
        form,
    )
    .await
}

#[test]
fn support_manages_software_credentials_and_software_feeds_with_its_secret() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let (support, _) = api.login(SUPPORT).await;
        let (doctor, doctor_id) = api.login(DOCTOR).await;
        let s = structure(&api, NEA_RIDET).await;
        let path = format!("/api/v1/structures/{s}/software-credentials");
        api.post(
            &path,
            Some(&doctor),
            &json!({ "label": "x", "ends_on": next_year() }),
        )
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden", "a professional");
        let (cred, token) = credential(&api, &support, NEA_RIDET).await;
        assert!(token.starts_with("mds-sw-"), "{backend:?}");
        let list = api
            .get(&path, Some(&support))
            .await
            .expect(StatusCode::OK, "list")
            .json();
        assert_eq!(list[0]["id"], cred.as_str());
        assert!(
            list[0].get("token").is_none(),
            "{backend:?}: the secret is shown once"
        );

        let pid = patient_id_by_cafat(&api.app, MARIE_CAFAT).await;
        let v = feed(&api, &token, &doctor_id, &pid, "b")
            .await
            .expect(StatusCode::CREATED, "feed")
            .json();
        assert_eq!(v["source"], "software", "{backend:?}");
        api.post(
            &path,
            Some(&support),
            &json!({ "label": "x", "ends_on": "2099-01-01" }),
        )
        .await
        .expect_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_end_date",
            "beyond 3 years",
        );

        // Session tokens are not software credentials, and a credential is not a session.
        feed(&api, &doctor, &doctor_id, &pid, "c")
            .await
            .expect_error(StatusCode::UNAUTHORIZED, "unauthenticated", "session token");
        api.get("/api/v1/auth/me", Some(&token)).await.expect_error(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "credential as session",
        );
        // The professional must be named, and be a member of the structure.
        feed(&api, &token, "", &pid, "n").await.expect_error(
            StatusCode::UNAUTHORIZED,
            "professional_required",
            "no professional",
        );
        let nurse = account(&api, NURSE).await;
        feed(&api, &token, &nurse, &pid, "d").await.expect_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "not a member",
        );
        let (_, other) = credential(&api, &support, OTHER_RIDET).await;
        feed(&api, &other, &doctor_id, &pid, "e")
            .await
            .expect_error(StatusCode::FORBIDDEN, "forbidden", "other structure");

        let revoke = format!("/api/v1/software-credentials/{cred}/revoke");
        api.post(&revoke, Some(&doctor), &json!({}))
            .await
            .expect_error(StatusCode::FORBIDDEN, "forbidden", "a professional revokes");
        api.post(&revoke, Some(&support), &json!({}))
            .await
            .expect(StatusCode::NO_CONTENT, "revoke");
        api.post(&revoke, Some(&support), &json!({}))
            .await
            .expect_error(StatusCode::CONFLICT, "credential_already_revoked", "twice");
        feed(&api, &token, &doctor_id, &pid, "f")
            .await
            .expect_error(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "revoked credential",
            );
    });
}

#[test]
fn a_suspended_professional_is_refused_at_once_on_every_rest_surface() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let (support, _) = api.login(SUPPORT).await;
        let (bearer, doctor_id) = api.login(DOCTOR).await;
        let (assistant, _) = api.login(ASSISTANT).await;
        let mut body = api.login_body(DOCTOR).await;
        body["cookie"] = Value::Bool(true);
        let r = api
            .post("/api/v1/auth/login", None, &body)
            .await
            .expect(StatusCode::OK, "cookie");
        let cookie = r
            .headers
            .get(header::SET_COOKIE)
            .and_then(|c| c.to_str().ok())
            .and_then(|c| c.split(';').next())
            .unwrap_or_default()
            .to_owned();
        let (_, token) = credential(&api, &support, NEA_RIDET).await;
        let pid = patient_id_by_cafat(&api.app, MARIE_CAFAT).await;
        let me = |headers: Vec<(&'static str, String)>| {
            let api = &api;
            async move {
                let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
                api.call_with(Method::GET, "/api/v1/auth/me", &h, None)
                    .await
                    .status
            }
        };
        assert_eq!(me(vec![("cookie", cookie.clone())]).await, StatusCode::OK);
        feed(&api, &token, &doctor_id, &pid, "before")
            .await
            .expect(StatusCode::CREATED, "before");

        api.post(
            &format!("/api/v1/accounts/{doctor_id}/suspend"),
            Some(&support),
            &json!({ "reason": "enquête" }),
        )
        .await
        .expect(StatusCode::NO_CONTENT, "suspend");

        let mut failing = Vec::new();
        let status = me(vec![("authorization", format!("Bearer {bearer}"))]).await;
        if status != StatusCode::UNAUTHORIZED {
            failing.push(format!("bearer: {status}"));
        }
        let status = me(vec![("cookie", cookie.clone())]).await;
        if status != StatusCode::UNAUTHORIZED {
            failing.push(format!("cookie: {status}"));
        }
        let code = api.unspent_code(&mds_demo::demo_totp_secret(DOCTOR));
        let login =
            json!({ "login": DOCTOR, "password": mds_demo::DEMO_PASSWORD, "totp_code": code });
        let r = api.post("/api/v1/auth/login", None, &login).await;
        if r.status != StatusCode::UNAUTHORIZED {
            failing.push(format!("sign-in: {}", r.status));
        }
        let r = feed(&api, &token, &doctor_id, &pid, "after").await;
        if (r.status, r.error_code().as_str()) != (StatusCode::FORBIDDEN, "forbidden") {
            failing.push(format!("software: {} {}", r.status, r.error_code()));
        }
        let form = Multipart::new()
            .text("type_code", "11488-4")
            .text("title", "CR")
            .text("act_date", "2026-11-20")
            .file("file", "a.txt", "Compte rendu de l'assistante.".as_bytes())
            .finish();
        let uri = format!("/api/v1/records/{pid}/documents");
        let r = api.post_form(&uri, Some(&assistant), &[], form).await;
        if r.status != StatusCode::FORBIDDEN {
            failing.push(format!("assistant: {}", r.status));
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:?}");
    });
}

#[test]
fn support_lists_and_reviews_supervision_alerts() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let (support, _) = api.login(SUPPORT).await;
        let (nurse, nurse_id) = api.login(NURSE).await;
        let pid = patient_id_by_cafat(&api.app, MARIE_CAFAT).await;
        api.app
            .run_supervision(now())
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        // Eleven refused listings of a record outside the nurse's care: a burst of denials.
        for _ in 0..11 {
            api.get(&format!("/api/v1/records/{pid}/documents"), Some(&nurse))
                .await
                .expect_error(StatusCode::NOT_FOUND, "not_found", "denied");
        }
        let report = api
            .app
            .run_supervision(now())
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(report.alerts_raised >= 1, "{backend:?}: {report:?}");

        api.get("/api/v1/supervision/alerts", Some(&nurse))
            .await
            .expect_error(StatusCode::FORBIDDEN, "forbidden", "a professional");
        let v = api
            .get("/api/v1/supervision/alerts?state=open", Some(&support))
            .await
            .expect(StatusCode::OK, "list")
            .json();
        let items = v["items"].as_array().cloned().unwrap_or_default();
        let burst = items
            .iter()
            .find(|a| a["rule"] == "denied_burst")
            .unwrap_or_else(|| panic!("{backend:?}: no denied_burst in {v}"));
        assert_eq!(burst["subject_id"], nurse_id.as_str());
        assert_eq!(burst["count"], 11);
        let id = burst["id"].as_str().unwrap_or_default();
        let path = format!("/api/v1/supervision/alerts/{id}/review");
        api.post(&path, Some(&support), &json!({ "comment": "" }))
            .await
            .expect_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "comment_required",
                "empty",
            );
        let v = api
            .post(
                &path,
                Some(&support),
                &json!({ "comment": "Erreur de dossier, vu avec l'infirmier." }),
            )
            .await
            .expect(StatusCode::OK, "review")
            .json();
        assert_eq!(v["state"], "reviewed");
        api.post(&path, Some(&support), &json!({ "comment": "encore" }))
            .await
            .expect_error(StatusCode::CONFLICT, "alert_already_reviewed", "twice");
        api.get("/api/v1/supervision/alerts?state=nope", Some(&support))
            .await
            .expect_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_state",
                "bad state",
            );
        let v = api
            .get(
                "/api/v1/supervision/alerts?state=reviewed&limit=1",
                Some(&support),
            )
            .await
            .expect(StatusCode::OK, "reviewed")
            .json();
        assert_eq!(v["items"][0]["id"], id);
    });
}
