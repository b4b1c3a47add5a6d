//! Revocation takes effect on the very next request, under load (issue 13): while other
//! clients keep listing, reading and adding documents, a logged-out session, a suspended
//! professional (and the assistant who acts for them) are refused at once. Authentication
//! keeps the actor of a session in memory only while the authentication epoch, read by every
//! request, has not moved; every revocation moves it (`app`'s `session_cache`; other
//! instances: `crates/app/tests/app/session_cache.rs`).

use axum::http::{Method, StatusCode};
use mds_testkit::api::*;
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Requests of other clients that keep the server busy until `stop` is set; answers how many
/// succeeded.
fn background_load(
    w: &Arc<World>,
    docs: &str,
    patient: &str,
    doctor: &str,
    stop: &Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<u64>> {
    (0..12)
        .map(|i| {
            let (w, stop) = (w.clone(), stop.clone());
            let (docs, patient, doctor) = (docs.to_owned(), patient.to_owned(), doctor.to_owned());
            tokio::spawn(async move {
                let done = AtomicU64::new(0);
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let token = if i % 2 == 0 { &patient } else { &doctor };
                    let answer = if i % 4 == 3 {
                        let text = format!("Compte rendu de charge {i}-{n}.");
                        let form = document_form("Charge", "cr.txt", text.as_bytes());
                        w.post_form_as(&doctor, &docs, form).await
                    } else {
                        w.send_as(token, Method::GET, &docs, None).await
                    };
                    if answer.status.is_success() {
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    tokio::task::yield_now().await;
                }
                done.into_inner()
            })
        })
        .collect()
}

async fn status(
    w: &World,
    method: Method,
    uri: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> StatusCode {
    w.send_as(token, method, uri, body).await.status
}

#[test]
fn logout_and_suspension_are_refused_on_the_very_next_request_under_load() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let docs = format!("/api/v1/records/{pid}/documents");
        let patient = w.token(PATIENT).await;
        let doctor = w.token(DOCTOR).await;
        let nurse = w.token(NURSE).await;
        let support = w.token(SUPPORT).await;
        let assistant = w.token(ASSISTANT).await;
        // A second session of the doctor, to be logged out while the first stays valid
        // (signed in with the next TOTP step: a step is accepted once).
        let next_step = mds_domain::Timestamp::from_millis(now().millis() + 30_000);
        let leaving = sign_in(&w.app, DOCTOR, next_step).await.token;
        let doctor_id = w.account_id(DOCTOR).await;
        let w = Arc::new(w);
        let stop = Arc::new(AtomicBool::new(false));
        let load = background_load(&w, &docs, &patient, &doctor, &stop);
        tokio::task::yield_now().await;

        // Logout: the session ends, the doctor's other session does not.
        assert_eq!(
            status(&w, Method::GET, &docs, &leaving, None).await,
            StatusCode::OK
        );
        assert_eq!(
            status(&w, Method::POST, "/api/v1/auth/logout", &leaving, None).await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            status(&w, Method::GET, &docs, &leaving, None).await,
            StatusCode::UNAUTHORIZED,
            "{backend:?}: a logged-out session"
        );
        assert_eq!(
            status(&w, Method::GET, &docs, &doctor, None).await,
            StatusCode::OK
        );

        // Suspension of a professional: every session ends at once.
        let nurse_id = w.account_id(NURSE).await;
        assert_eq!(
            status(&w, Method::GET, "/api/v1/auth/me", &nurse, None).await,
            StatusCode::OK
        );
        let suspend = format!("/api/v1/accounts/{nurse_id}/suspend");
        let body = json!({ "reason": "Contrôle de sécurité" });
        assert_eq!(
            status(&w, Method::POST, &suspend, &support, Some(body.clone())).await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            status(&w, Method::GET, "/api/v1/auth/me", &nurse, None).await,
            StatusCode::UNAUTHORIZED,
            "{backend:?}: a suspended professional's session"
        );

        // Suspension of the doctor: the assistant acting for her may no longer add to the
        // record, on the very next request, though the assistant's own session is valid.
        let add = |token: String| {
            let (w, docs) = (w.clone(), docs.clone());
            async move {
                let form = document_form("Courrier", "c.txt", b"Courrier de sortie.");
                w.post_form_as(&token, &docs, form).await.status
            }
        };
        assert_eq!(add(assistant.clone()).await, StatusCode::CREATED);
        let suspend = format!("/api/v1/accounts/{doctor_id}/suspend");
        assert_eq!(
            status(&w, Method::POST, &suspend, &support, Some(body)).await,
            StatusCode::NO_CONTENT
        );
        assert!(
            !add(assistant.clone()).await.is_success(),
            "{backend:?}: the assistant of a suspended doctor"
        );
        assert_eq!(
            status(&w, Method::GET, &docs, &doctor, None).await,
            StatusCode::UNAUTHORIZED,
            "{backend:?}: the suspended doctor's session"
        );

        stop.store(true, Ordering::Relaxed);
        let mut served = 0;
        for t in load {
            served += t.await.unwrap();
        }
        assert!(
            served > 12,
            "{backend:?}: the load was served meanwhile ({served})"
        );
    });
}
