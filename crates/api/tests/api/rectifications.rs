//! Rectification and limitation over REST (issue 15, item 2): the patient asks, support reads
//! the queue and applies (the near-duplicate check is the use case's, tested there) or rejects;
//! the patient limits the record and a professional of the care team is then refused like on a
//! record they may not see. Router called directly; both backends.
#![allow(clippy::unwrap_used)]

use axum::http::StatusCode;
use mds_testkit::api::*;
use serde_json::json;

#[test]
fn the_patient_asks_support_decides_and_the_patient_limits_the_record() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let bad = w
            .post(
                PATIENT,
                "/api/v1/me/rectifications",
                json!({ "field": "sex", "value": "X" }),
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}: {:?}",
            bad.json
        );
        let too_long = w
            .post(
                PATIENT,
                "/api/v1/me/rectifications",
                json!({ "field": "birth_name", "value": format!("{}Wéa", " ".repeat(198)) }),
            )
            .await;
        assert_eq!(
            too_long.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "counted as sent"
        );
        let asked = w
            .post(
                PATIENT,
                "/api/v1/me/rectifications",
                json!({ "field": "birth_place", "value": "98818", "message": "Née à Nouméa." }),
            )
            .await;
        assert_eq!(
            asked.status,
            StatusCode::CREATED,
            "{backend:?}: {:?}",
            asked.json
        );
        let id = asked.json["id"].as_str().unwrap().to_owned();
        assert_eq!(asked.json["previous_value"], "98814");
        assert_eq!(asked.json["state"], "pending");

        let denied = w.get(DOCTOR, "/api/v1/rectifications").await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "{backend:?}");
        let queue = w.get(SUPPORT, "/api/v1/rectifications").await;
        assert_eq!(queue.status, StatusCode::OK);
        assert_eq!(queue.json[0]["request"]["id"], id.as_str());
        assert_eq!(queue.json[0]["patient"]["birth_name"], "Wéa");
        let no_evidence = w
            .post(
                SUPPORT,
                &format!("/api/v1/rectifications/{id}/apply"),
                json!({ "evidence": "" }),
            )
            .await;
        assert_eq!(no_evidence.code(), "evidence_required", "{backend:?}");
        let applied = w
            .post(
                SUPPORT,
                &format!("/api/v1/rectifications/{id}/apply"),
                json!({ "evidence": "Acte de naissance du 14/03/1985" }),
            )
            .await;
        assert_eq!(
            applied.status,
            StatusCode::OK,
            "{backend:?}: {:?}",
            applied.json
        );
        assert_eq!(applied.json["state"], "applied");
        let twice = w
            .post(
                SUPPORT,
                &format!("/api/v1/rectifications/{id}/reject"),
                json!({ "note": "x" }),
            )
            .await;
        assert_eq!(
            (twice.status, twice.code()),
            (StatusCode::CONFLICT, "rectification_decided"),
            "{backend:?}"
        );
        let mine = w.get(PATIENT, "/api/v1/me/rectifications").await;
        assert_eq!(mine.json[0]["state"], "applied", "{backend:?}");

        let before = w
            .get(DOCTOR, &format!("/api/v1/records/{pid}/documents"))
            .await;
        assert_eq!(before.status, StatusCode::OK, "{backend:?}: care team");
        let limited = w
            .put(
                PATIENT,
                &format!("/api/v1/records/{pid}/limitation"),
                json!({ "limited": true }),
            )
            .await;
        assert_eq!(
            limited.status,
            StatusCode::OK,
            "{backend:?}: {:?}",
            limited.json
        );
        assert_eq!(limited.json["limited"], true);
        let refused = w
            .get(DOCTOR, &format!("/api/v1/records/{pid}/documents"))
            .await;
        assert_eq!(
            refused.status,
            StatusCode::NOT_FOUND,
            "{backend:?}: uniform not found"
        );
        let by_doctor = w
            .put(
                DOCTOR,
                &format!("/api/v1/records/{pid}/limitation"),
                json!({ "limited": false }),
            )
            .await;
        assert_eq!(by_doctor.status, StatusCode::FORBIDDEN, "{backend:?}");
        let state = w.get(PATIENT, "/api/v1/me/limitation").await;
        assert_eq!(state.json["limited"], true);
        assert!(state.json["since"].is_string());
        let lifted = w
            .put(
                SUPPORT,
                &format!("/api/v1/records/{pid}/limitation"),
                json!({ "limited": false }),
            )
            .await;
        assert_eq!(lifted.json["limited"], false, "{backend:?}");
        let after = w
            .get(DOCTOR, &format!("/api/v1/records/{pid}/documents"))
            .await;
        assert_eq!(after.status, StatusCode::OK, "{backend:?}: rules restored");
    });
}

#[test]
fn the_patient_changes_her_address_through_the_link_and_her_phone_over_rest() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let new = "marie.api@example.nc";
        let wrong = w
            .post(
                PATIENT,
                "/api/v1/me/contact/email",
                json!({ "email": new, "password": "faux" }),
            )
            .await;
        assert_eq!(wrong.code(), "wrong_password", "{backend:?}");
        let sent = w
            .post(
                PATIENT,
                "/api/v1/me/contact/email",
                json!({ "email": new, "password": "Demo-MDS-2026" }),
            )
            .await;
        assert_eq!(
            sent.status,
            StatusCode::ACCEPTED,
            "{backend:?}: {:?}",
            sent.json
        );
        let mails = mds_store::outbox::all(w.app.db()).await.unwrap();
        let link = mails
            .iter()
            .find(|m| m.recipient == new && m.kind == "email_change_link")
            .unwrap();
        let at = link.body.find("token=").unwrap() + "token=".len();
        let token = link.body[at..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned();
        let request = |token: &str| {
            axum::http::Request::post("/api/v1/auth/contact/confirm")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(
                    json!({ "token": token }).to_string(),
                ))
                .unwrap()
        };
        let bogus = w.call(request("not-a-token")).await;
        assert_eq!(bogus.code(), "invalid_contact_link", "{backend:?}");
        let done = w.call(request(&token)).await;
        assert_eq!(done.status, StatusCode::OK, "{backend:?}: {:?}", done.json);
        assert_eq!(done.json["email"], new);
        let phone = w
            .put(
                DOCTOR,
                "/api/v1/me/contact/phone",
                json!({ "phone": "76 12 34", "password": "Demo-MDS-2026" }),
            )
            .await;
        assert_eq!(
            phone.status,
            StatusCode::FORBIDDEN,
            "{backend:?}: patients only"
        );
    });
}
