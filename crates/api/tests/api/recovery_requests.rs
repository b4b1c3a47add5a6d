//! A lost second factor over REST (issue 15): the anonymous multipart request answered alike
//! whatever the login (202), support's list, the scan and the closing; others refused. Both
//! backends.

use axum::http::{Method, StatusCode};
use mds_testkit::api::*;
use mds_testkit::Multipart;
use serde_json::json;

fn form(login: &str, scan: Option<&[u8]>) -> Vec<u8> {
    let request = json!({ "login": login, "message": "Téléphone perdu ; joignable au 76 12 34." });
    let form = Multipart::new().text("request", &request.to_string());
    match scan {
        Some(scan) => form.file("identity_document", "id.pdf", scan),
        None => form,
    }
    .finish()
}

#[test]
fn a_request_is_sent_listed_read_and_closed() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let pdf = mds_demo::drawing::minimal_pdf("Carte d'identité", "Marie");
        for login in [PATIENT, "personne@example.nc"] {
            api.post_form(
                "/api/v1/auth/recovery-requests",
                None,
                &[],
                form(login, Some(&pdf)),
            )
            .await
            .expect(StatusCode::ACCEPTED, login);
        }
        let bad = Multipart::new()
            .text(
                "request",
                &json!({ "login": PATIENT, "message": "" }).to_string(),
            )
            .finish();
        api.post_form("/api/v1/auth/recovery-requests", None, &[], bad)
            .await
            .expect_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_message",
                "empty message",
            );

        let (support, _) = api.login(SUPPORT).await;
        let (doctor, _) = api.login(DOCTOR).await;
        api.get("/api/v1/recovery-requests", Some(&doctor))
            .await
            .expect_error(StatusCode::FORBIDDEN, "forbidden", "a doctor");
        let list = api
            .get("/api/v1/recovery-requests", Some(&support))
            .await
            .expect(StatusCode::OK, "list")
            .json();
        assert_eq!(
            list.as_array().map(Vec::len),
            Some(1),
            "{backend:?}: {list}"
        );
        assert_eq!(list[0]["login"], PATIENT);
        assert_eq!(list[0]["account_kind"], "patient");
        let id = list[0]["id"].as_str().unwrap().to_owned();
        let scan = api
            .get(
                &format!("/api/v1/recovery-requests/{id}/scan"),
                Some(&support),
            )
            .await
            .expect(StatusCode::OK, "scan");
        assert_eq!(scan.body, pdf, "{backend:?}");
        let close = format!("/api/v1/recovery-requests/{id}/close");
        api.call(
            Method::POST,
            &close,
            Some(&support),
            Some(&json!({ "outcome": "rejected" })),
        )
        .await
        .expect_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason_required",
            "no reason",
        );
        api.call(
            Method::POST,
            &close,
            Some(&support),
            Some(&json!({ "outcome": "rejected", "note": "Pièce illisible." })),
        )
        .await
        .expect(StatusCode::NO_CONTENT, "rejected");
        api.call(
            Method::POST,
            &close,
            Some(&support),
            Some(&json!({ "outcome": "handled" })),
        )
        .await
        .expect_error(StatusCode::CONFLICT, "already_decided", "twice");
        let list = api
            .get("/api/v1/recovery-requests", Some(&support))
            .await
            .json();
        assert_eq!(list.as_array().map(Vec::len), Some(0), "{backend:?}");
    });
}
