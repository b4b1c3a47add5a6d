//! Issue 15, items 1 and 8 — a lost second factor asked for from the public form and support's
//! queue: the same answer whatever the login, a request kept only for an account that may have
//! one and at most 3 a day, the account told at once, the scan sealed then gone from the vault
//! when support closes the request, a rejection told with its reason. Both backends.
#![allow(clippy::unwrap_used)]

use mds_app::patients::recovery_requests::RecoveryRequest;
use mds_app::App;
use mds_domain::{AccountKind, RecoveryState};
use mds_store::outbox;
use mds_testkit::app::*;

async fn mails(app: &App) -> Vec<outbox::EmailRow> {
    let all = outbox::all(app.db()).await.unwrap();
    all.into_iter()
        .filter(|m| m.kind == "recovery_request")
        .collect()
}

fn request(login: &str, scan: &[u8]) -> RecoveryRequest {
    RecoveryRequest {
        login: login.into(),
        message: "J'ai perdu mon téléphone lors d'un cyclone.".into(),
        identity_document: scan.to_vec(),
    }
}

#[test]
fn a_request_is_kept_only_for_an_account_and_answered_alike() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let pdf = mds_testkit::files::PDF;
        let before = last_seq(&f.app).await;
        // Unknown login: the same answer, nothing kept (the scan sealed then deleted), one
        // event that does not hold the login typed.
        let objects = f.app.vault().list().await.unwrap().len();
        f.app
            .request_recovery(request("personne@example.nc", pdf), None, at(0))
            .await
            .unwrap();
        assert_eq!(count(&f.app, "recovery_requests").await, 0, "{backend:?}");
        assert_eq!(
            f.app.vault().list().await.unwrap().len(),
            objects,
            "{backend:?}"
        );
        let events = stored_events_after(&f.app, before).await;
        assert_eq!(events.len(), 1, "{backend:?}");
        assert_eq!(events[0].detail["result"], "unknown_login", "{backend:?}");
        assert!(
            !format!("{events:?}").contains("personne@example.nc"),
            "{backend:?}"
        );

        // Refusals of the form itself (they say nothing about the account).
        let cases = [
            (
                "empty message",
                RecoveryRequest {
                    message: " ".into(),
                    ..request(PATIENT, pdf)
                },
                "invalid_message",
            ),
            (
                "control character",
                RecoveryRequest {
                    message: "a\u{7}b".into(),
                    ..request(PATIENT, pdf)
                },
                "invalid_message",
            ),
            ("no login", request(" ", pdf), "login_required"),
            (
                "a scan that is no document",
                request(PATIENT, b"MZ\x90\x00 not a scan"),
                "unsupported_format",
            ),
        ];
        for (name, r, expected) in cases {
            let got = outcome(&f.app.request_recovery(r, None, at(0)).await);
            assert_eq!(got, expected, "{backend:?}: {name}");
        }

        // Marie: kept with her scan, her address told; three a day, then silently no more.
        for i in 0..4 {
            f.app
                .request_recovery(request(PATIENT, pdf), None, at(i * MINUTE))
                .await
                .unwrap();
        }
        assert_eq!(count(&f.app, "recovery_requests").await, 3, "{backend:?}");
        assert_eq!(mails(&f.app).await.len(), 3, "{backend:?}");
        // A professional without a scan.
        f.app
            .request_recovery(request(DOCTOR, &[]), None, at(HOUR))
            .await
            .unwrap();
        let events = events_after(&f.app, before).await;
        let kept = events
            .iter()
            .filter(|e| {
                e.action == "account.recovery_request" && e.outcome == mds_audit::Outcome::Success
            })
            .count();
        assert_eq!(kept, 4, "{backend:?}");
        assert!(
            events
                .iter()
                .any(|e| e.action == "account.recovery_request" && e.detail["result"] == "limit"),
            "{backend:?}"
        );

        let support = actor(&f.app, SUPPORT, at(0)).await;
        let queue = f
            .app
            .list_recovery_requests(&support, at(2 * HOUR))
            .await
            .unwrap();
        assert_eq!(queue.len(), 4, "{backend:?}");
        let marie = &queue[0];
        assert_eq!(
            (marie.account_kind, marie.login.as_str()),
            (AccountKind::Patient, PATIENT)
        );
        assert!(
            marie.patient_id.is_some() && marie.scan_id.is_some(),
            "{backend:?}"
        );
        let doctor = queue.iter().find(|q| q.login == DOCTOR).unwrap();
        assert!(
            doctor.patient_id.is_none() && doctor.scan_id.is_none(),
            "{backend:?}"
        );
        let refused = f
            .app
            .list_recovery_requests(&actor(&f.app, DOCTOR, at(0)).await, at(2 * HOUR))
            .await;
        assert_eq!(outcome(&refused), "forbidden", "{backend:?}");
    });
}

#[test]
fn an_address_sends_a_bounded_number_of_requests_an_hour() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let max = f.app.settings().enrolment_max_per_address_hour;
        let ip = || Some("203.0.113.9".to_owned());
        for i in 0..max {
            let login = format!("personne{i}@example.nc");
            f.app
                .request_recovery(request(&login, &[]), ip(), at(i))
                .await
                .unwrap();
        }
        let refused = f
            .app
            .request_recovery(request(PATIENT, &[]), ip(), at(MINUTE))
            .await;
        assert_eq!(outcome(&refused), "too_many_attempts", "{backend:?}");
        assert_eq!(count(&f.app, "recovery_requests").await, 0, "{backend:?}");
        // Another address, or the next hour, is served.
        f.app
            .request_recovery(request(PATIENT, &[]), ip(), at(HOUR + MINUTE))
            .await
            .unwrap();
        assert_eq!(count(&f.app, "recovery_requests").await, 1, "{backend:?}");
    });
}

#[test]
fn support_reads_the_scan_then_closes_the_request_and_the_scan_leaves_the_vault() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let pdf = mds_testkit::files::PDF;
        let objects = f.app.vault().list().await.unwrap().len();
        f.app
            .request_recovery(request(PATIENT, pdf), None, at(0))
            .await
            .unwrap();
        f.app
            .request_recovery(request(DOCTOR, &[]), None, at(0))
            .await
            .unwrap();
        assert_eq!(
            f.app.vault().list().await.unwrap().len(),
            objects + 1,
            "{backend:?}"
        );
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let queue = f
            .app
            .list_recovery_requests(&support, at(MINUTE))
            .await
            .unwrap();
        let marie = queue
            .iter()
            .find(|q| q.login == PATIENT)
            .unwrap()
            .id
            .clone();
        let doctor = queue.iter().find(|q| q.login == DOCTOR).unwrap().id.clone();

        let before = last_seq(&f.app).await;
        let (content, _) = f
            .app
            .read_recovery_scan(&support, &marie, None, at(MINUTE))
            .await
            .unwrap();
        assert_eq!(&content[..], pdf, "{backend:?}");
        let events = events_after(&f.app, before).await;
        let read = events
            .iter()
            .find(|e| e.action == "account.recovery_request.scan.read")
            .unwrap();
        assert!(
            read.patient_id.is_some(),
            "{backend:?}: the read is in Marie's record's trail"
        );

        // A rejection needs its reason, which the person is told.
        let refused = f
            .app
            .close_recovery_request(&support, &marie, RecoveryState::Rejected, " ", at(MINUTE))
            .await;
        assert_eq!(outcome(&refused), "reason_required", "{backend:?}");
        let told = mails(&f.app).await.len();
        f.app
            .close_recovery_request(
                &support,
                &marie,
                RecoveryState::Rejected,
                "La pièce jointe est illisible.",
                at(2 * MINUTE),
            )
            .await
            .unwrap();
        let sent = mails(&f.app).await;
        assert_eq!(sent.len(), told + 1, "{backend:?}");
        assert!(
            sent.last()
                .unwrap()
                .body
                .contains("La pièce jointe est illisible."),
            "{backend:?}"
        );
        assert_eq!(
            f.app.vault().list().await.unwrap().len(),
            objects,
            "{backend:?}: the scan is gone"
        );
        assert_eq!(
            count(&f.app, "identity_files WHERE owner_kind = 'recovery'").await,
            0
        );
        let again = f
            .app
            .close_recovery_request(&support, &marie, RecoveryState::Handled, "", at(3 * MINUTE))
            .await;
        assert_eq!(outcome(&again), "already_decided", "{backend:?}");
        let gone = f
            .app
            .read_recovery_scan(&support, &marie, None, at(3 * MINUTE))
            .await;
        assert_eq!(outcome(&gone), "not_found", "{backend:?}");

        // Handled after a re-issue: no note needed; the queue is empty.
        f.app
            .close_recovery_request(
                &support,
                &doctor,
                RecoveryState::Handled,
                "",
                at(3 * MINUTE),
            )
            .await
            .unwrap();
        assert!(f
            .app
            .list_recovery_requests(&support, at(4 * MINUTE))
            .await
            .unwrap()
            .is_empty());
        let closes = events_after(&f.app, before)
            .await
            .into_iter()
            .filter(|e| e.action == "account.recovery_request.close")
            .count();
        assert_eq!(closes, 2, "{backend:?}");
        assert_chain_intact(&f.app).await;
    });
}
