//! Hostile input (issue 14, items 2 and 3): filters are parsed and bounded before the gate
//! (422 naming the field, no access recorded: nothing was accessed), and past the gate an
//! oversized value can no longer turn a denial into an unaudited 500 — every request that
//! reaches a record leaves exactly one audit event, its detail bounded.

use axum::http::StatusCode;
use mds_testkit::api::*;
use serde_json::json;

#[test]
fn filters_are_parsed_before_the_gate_and_oversized_denials_stay_audited() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let doctor = w.account_id(DOCTOR).await;
        let blocks = format!("/api/v1/records/{pid}/blocks");
        let b = w
            .post(
                PATIENT,
                &blocks,
                json!({ "professional_account_id": doctor }),
            )
            .await;
        assert_eq!(
            b.status,
            StatusCode::NO_CONTENT,
            "{backend:?}: {:?}",
            b.json
        );
        let docs = format!("/api/v1/records/{pid}/documents");
        let huge = "x".repeat(9_000);
        w.token(DOCTOR).await; // signed in beforehand: the sign-in is an event of its own

        // Malformed or oversized filters: 422 with the field, before the gate.
        for (query, code) in [
            (format!("type_code={huge}"), "invalid_filter"),
            (format!("class_code={huge}"), "invalid_filter"),
            ("from=abc".to_owned(), "invalid_date"),
            ("to=2026-13-45".to_owned(), "invalid_date"),
            (format!("from={huge}"), "invalid_date"),
        ] {
            let before = w.last_seq().await;
            let a = w.get(DOCTOR, &format!("{docs}?{query}")).await;
            let shown = &query[..query.len().min(20)];
            assert_eq!(
                (a.status, a.code()),
                (StatusCode::UNPROCESSABLE_ENTITY, code),
                "{backend:?} {shown}: {:?}",
                a.json
            );
            assert!(
                w.events_after(before).await.is_empty(),
                "{backend:?} {shown}"
            );
        }

        // Past the checks, the blocked doctor's attempts are refused and each audited once,
        // however long what they typed.
        for (what, path, form) in [
            ("search", format!("{docs}?from=01/11/2026"), None),
            (
                "upload, long title",
                docs.clone(),
                Some(document_form(&huge, "doc", b"Compte rendu.")),
            ),
        ] {
            let before = w.last_seq().await;
            let a = match form {
                Some(f) => w.post_form(DOCTOR, &path, f).await,
                None => w.get(DOCTOR, &path).await,
            };
            assert!(
                a.status.is_client_error(),
                "{backend:?} {what}: {} {:?}",
                a.status,
                a.json
            );
            let events = w.events_after(before).await;
            assert_eq!(events.len(), 1, "{backend:?} {what}: {events:?}");
            assert_eq!(events[0].outcome.as_str(), "deny", "{backend:?} {what}");
        }
        let before = w.last_seq().await;
        let bg = w
            .post(
                DOCTOR,
                &format!("/api/v1/records/{pid}/break-glass"),
                json!({ "reason": huge }),
            )
            .await;
        assert!(
            bg.status.is_client_error(),
            "{backend:?} break-glass: {}",
            bg.status
        );
        assert!(
            !w.events_after(before).await.is_empty(),
            "{backend:?}: break-glass audited"
        );

        // A permitted reader's filters in both accepted forms are read as days.
        let a = w
            .get(PATIENT, &format!("{docs}?from=01/01/2000&to=2100-12-31"))
            .await;
        assert_eq!(a.status, StatusCode::OK, "{backend:?}: {:?}", a.json);
        assert!(
            a.json["total"].as_u64().unwrap_or(0) > 0,
            "{backend:?}: {:?}",
            a.json
        );
        assert_chain_intact(&w.app).await;
    });
}
