//! The notification endpoints (issue 5): the patient's list with read/unread and pagination,
//! marking read, e-mail preferences with the mandatory kinds refused. Router called directly;
//! both backends.
#![allow(clippy::unwrap_used)]

use axum::http::StatusCode;
use mds_testkit::api::*;
use serde_json::json;

#[test]
fn the_patient_reads_notifications_and_chooses_email_kinds() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let added = w
            .add_text(DOCTOR, &pid, "Résultat transmis au patient.")
            .await;
        assert_eq!(
            added.status,
            StatusCode::CREATED,
            "{backend:?}: {:?}",
            added.json
        );
        let all = w.get(PATIENT, "/api/v1/me/notifications").await;
        assert_eq!(all.status, StatusCode::OK, "{backend:?}: {:?}", all.json);
        let items = all.json["items"].as_array().unwrap().clone();
        assert!(
            items.len() >= 2,
            "{backend:?}: demo documents and the new one"
        );
        assert_eq!(all.json["unread"], all.json["total"]);
        let newest = &items[0];
        assert_eq!(newest["kind"], "document_added");
        assert_eq!(newest["read"], false);
        assert!(!newest["text"].as_str().unwrap().contains("Résultat"));

        let page = w
            .get(PATIENT, "/api/v1/me/notifications?limit=1&offset=1")
            .await;
        assert_eq!(
            page.json["items"].as_array().unwrap().len(),
            1,
            "{backend:?}"
        );
        assert_eq!(page.json["items"][0]["id"], items[1]["id"]);

        let id = newest["id"].as_str().unwrap();
        let read = w
            .post(
                PATIENT,
                &format!("/api/v1/me/notifications/{id}/read"),
                json!({}),
            )
            .await;
        assert_eq!(
            read.status,
            StatusCode::NO_CONTENT,
            "{backend:?}: {:?}",
            read.json
        );
        let unread = w.get(PATIENT, "/api/v1/me/notifications?unread=true").await;
        let unread_items = unread.json["items"].as_array().unwrap();
        assert!(unread_items.iter().all(|n| n["id"] != id), "{backend:?}");
        assert_eq!(unread.json["total"].as_i64(), Some(items.len() as i64 - 1));
        let foreign = w
            .post(
                DOCTOR,
                &format!("/api/v1/me/notifications/{id}/read"),
                json!({}),
            )
            .await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{backend:?}");

        let prefs = w.get(PATIENT, "/api/v1/me/notification-preferences").await;
        assert_eq!(prefs.status, StatusCode::OK);
        assert!(prefs
            .json
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["kind"] == "break_glass" && p["mandatory"] == true));
        let off = w
            .put(
                PATIENT,
                "/api/v1/me/notification-preferences",
                json!([{ "kind": "first_access", "email": false }]),
            )
            .await;
        assert_eq!(off.status, StatusCode::OK, "{backend:?}: {:?}", off.json);
        assert!(off
            .json
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["kind"] == "first_access" && p["email"] == false));
        let modes = w
            .put(
                PATIENT,
                "/api/v1/me/notification-preferences",
                json!([
                    { "kind": "access", "mode": "never" },
                    { "kind": "document_added", "mode": "digest", "email": true },
                ]),
            )
            .await;
        assert_eq!(
            modes.status,
            StatusCode::OK,
            "{backend:?}: {:?}",
            modes.json
        );
        let mode_of = |json: &serde_json::Value, kind: &str| {
            let all = json.as_array().unwrap();
            let p = all.iter().find(|p| p["kind"] == kind).unwrap();
            (p["mode"].as_str().unwrap().to_owned(), p["email"] == true)
        };
        assert_eq!(mode_of(&modes.json, "access"), ("never".to_owned(), false));
        assert_eq!(
            mode_of(&modes.json, "document_added"),
            ("digest".to_owned(), true)
        );
        assert_eq!(
            mode_of(&modes.json, "first_access"),
            ("never".to_owned(), false)
        );
        assert_eq!(mode_of(&modes.json, "samu"), ("immediate".to_owned(), true));
        for (body, code) in [
            (
                json!([{ "kind": "access", "mode": "never", "email": true }]),
                "notification_mode_conflict",
            ),
            (json!([{ "kind": "access" }]), "notification_mode_missing"),
            (
                json!([{ "kind": "samu", "mode": "digest" }]),
                "notification_mandatory",
            ),
        ] {
            let r = w
                .put(PATIENT, "/api/v1/me/notification-preferences", body)
                .await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::UNPROCESSABLE_ENTITY, code),
                "{backend:?}"
            );
        }
        let weekly = w
            .put(
                PATIENT,
                "/api/v1/me/notification-preferences",
                json!([{ "kind": "access", "mode": "weekly" }]),
            )
            .await;
        assert_eq!(
            weekly.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );
        let refused = w
            .put(
                PATIENT,
                "/api/v1/me/notification-preferences",
                json!([{ "kind": "samu", "email": false }]),
            )
            .await;
        assert_eq!(
            (refused.status, refused.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "notification_mandatory"),
            "{backend:?}"
        );
        let anonymous = w
            .call(
                axum::http::Request::get("/api/v1/me/notifications")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{backend:?}");
    });
}
