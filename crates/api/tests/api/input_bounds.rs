//! Hostile input (issue 14, items 2 and 3): filters are parsed and bounded before they are
//! used (422 naming the field, audited as a failure, not as an access refused), a denied
//! actor's malformed request stays a denial, and an oversized value can no longer turn a
//! denial into an unaudited 500 — every request on a record leaves exactly one audit event,
//! its detail bounded.

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

        // Malformed or oversized filters are parsed first and answered after the policy:
        // the blocked doctor's search stays a denial (the uniform not-found of a list), the
        // patient's is a 422 naming the field; each leaves exactly one event, bounded.
        for (query, code) in [
            (format!("type_code={huge}"), "invalid_filter"),
            (format!("class_code={huge}"), "invalid_filter"),
            ("from=abc".to_owned(), "invalid_date"),
            ("to=2026-13-45".to_owned(), "invalid_date"),
            (format!("from={huge}"), "invalid_date"),
        ] {
            let shown = &query[..query.len().min(20)];
            for (login, status, outcome) in [
                (DOCTOR, StatusCode::NOT_FOUND, "deny"),
                (PATIENT, StatusCode::UNPROCESSABLE_ENTITY, "failure"),
            ] {
                let before = w.last_seq().await;
                let a = w.get(login, &format!("{docs}?{query}")).await;
                assert_eq!(
                    a.status, status,
                    "{backend:?} {login} {shown}: {:?}",
                    a.json
                );
                if status == StatusCode::UNPROCESSABLE_ENTITY {
                    assert_eq!(a.code(), code, "{backend:?} {shown}");
                    let field = query.split('=').next().unwrap_or_default();
                    let message = a.json["error"]["message"].as_str().unwrap_or_default();
                    assert!(message.contains(field), "{backend:?} {shown}: {message}");
                }
                let events = w.events_after(before).await;
                assert_eq!(events.len(), 1, "{backend:?} {login} {shown}: {events:?}");
                assert_eq!(events[0].outcome.as_str(), outcome, "{backend:?} {shown}");
                assert_eq!(
                    events[0].patient_id.as_deref(),
                    Some(pid.as_str()),
                    "{backend:?} {shown}"
                );
            }
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

        // Typed texts: a reason or a purpose with a control character or a pile of accents
        // is refused by name (and the request is still audited once).
        let zalgo = format!("Urgence a{}", "\u{301}".repeat(60));
        w.token(NURSE).await;
        for (path, body) in [
            (
                format!("/api/v1/records/{pid}/break-glass"),
                json!({ "reason": "Patient inconscient\u{0}" }),
            ),
            (
                format!("/api/v1/records/{pid}/break-glass"),
                json!({ "reason": zalgo }),
            ),
        ] {
            let before = w.last_seq().await;
            let a = w.post(NURSE, &path, body).await;
            assert_eq!(
                (a.status, a.code()),
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_reason"),
                "{backend:?}: {:?}",
                a.json
            );
            assert!(a.json["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("motif"));
            assert_eq!(
                w.events_after(before).await.len(),
                1,
                "{backend:?}: audited once"
            );
        }

        // The audit's filters are identifiers: a malformed one is refused, never stored.
        for query in ["patient_id=no-such-patient", "actor_id=a%20b"] {
            let a = w.get(SUPPORT, &format!("/api/v1/audit?{query}")).await;
            assert_eq!(
                (a.status, a.code()),
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_filter"),
                "{backend:?} {query}: {:?}",
                a.json
            );
        }
        let before = w.last_seq().await;
        let a = w
            .get(PATIENT, "/api/v1/audit?patient_id=no-such-patient")
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{backend:?}");
        let events = w.events_after(before).await;
        assert_eq!(events.len(), 1, "{backend:?}");
        assert_eq!(
            events[0].patient_id, None,
            "{backend:?}: the raw filter is not an id"
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

/// Issue 14, item 3: act dates outside a plausible range, control characters and stacked
/// accents in titles, a title that is not UTF-8 (never repaired), and a patient hiding a
/// document from themself are refused (422), and nothing is stored.
#[test]
fn implausible_uploads_are_refused_with_the_field_named() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let docs = format!("/api/v1/records/{pid}/documents");
        let before = w.document_ids(MARIE_CAFAT).await.len();
        let form = |title: &str, act_date: &str, hidden: bool| {
            let mut m = Multipart::new()
                .text("type_code", "11488-4")
                .text("title", title)
                .text("act_date", act_date)
                .text("confirms_patient_informed", "true");
            if hidden {
                m = m.text("hidden_from_patient", "true");
            }
            m.file("file", "doc", b"Compte rendu.").finish()
        };
        let zalgo = format!("Compte rendu a{}", "\u{301}".repeat(60));
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            (
                DOCTOR,
                form("Compte rendu", "0000-01-01", false),
                "invalid_act_date",
            ),
            (
                DOCTOR,
                form("Compte rendu", "-0001-01-01", false),
                "invalid_act_date",
            ),
            (
                DOCTOR,
                form("Compte rendu", "9999-12-31", false),
                "invalid_act_date",
            ),
            (
                DOCTOR,
                form("Compte\0rendu", "2026-01-10", false),
                "invalid_title",
            ),
            (DOCTOR, form(&zalgo, "2026-01-10", false), "invalid_title"),
            (
                PATIENT,
                form("Mon compte rendu", "2026-01-10", true),
                "hidden_from_patient_not_allowed",
            ),
            (
                DOCTOR,
                Multipart::new()
                    .text("type_code", "11488-4")
                    .text_bytes("title", b"Compte rendu \xff\xfe")
                    .text("act_date", "2026-01-10")
                    .text("confirms_patient_informed", "true")
                    .file("file", "doc", b"Compte rendu.")
                    .finish(),
                "invalid_text",
            ),
        ];
        for (login, body, code) in cases {
            let a = w.post_form(login, &docs, body).await;
            assert_eq!(
                (a.status, a.code()),
                (StatusCode::UNPROCESSABLE_ENTITY, code),
                "{backend:?} {login}: {:?}",
                a.json
            );
        }
        assert_eq!(
            w.document_ids(MARIE_CAFAT).await.len(),
            before,
            "{backend:?}"
        );
        let ok = w
            .post_form(DOCTOR, &docs, form("Compte rendu", "2026-01-10", false))
            .await;
        assert_eq!(ok.status, StatusCode::CREATED, "{backend:?}: {:?}", ok.json);
    });
}
