//! The use cases behind the support console's screens: one self-enrolment request by its
//! identifier (audited, decided ones not found), a record's identity and life cycle for
//! support, the pending erasures, an audit extraction limited to a period, and the demo
//! cases of the console (loaded twice, created once), the assistants. Both backends, fixed
//! clock.
#![allow(clippy::unwrap_used)]

use mds_app::operator::audit_extract::{ExtractFormat, ExtractPeriod, ExtractTarget};
use mds_domain::{AccountState, Format, PatientId};
use mds_testkit::app::*;
use mds_testkit::typed;

async fn with_cases(backend: TestBackend) -> Fixture {
    let f = Fixture::demo(backend).await;
    mds_demo::load_support_cases(&f.app, at(-HOUR))
        .await
        .unwrap();
    f
}

#[test]
fn the_demo_cases_fill_every_support_queue_once() {
    on_both(|backend| async move {
        let f = with_cases(backend).await;
        let again = mds_demo::load_support_cases(&f.app, at(0)).await.unwrap();
        assert_eq!(
            again.created, 0,
            "{backend:?}: the second load creates nothing"
        );
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let queue = f
            .app
            .list_self_enrolments(&support, at(MINUTE))
            .await
            .unwrap();
        assert_eq!(queue.len(), 1, "{backend:?}");
        assert_eq!(queue[0].patient.birth_name, "Kapoeri");
        assert_eq!(queue[0].scans.len(), 2);
        for scan in &queue[0].scans {
            let (content, mime) = f
                .app
                .read_enrolment_scan(&support, &queue[0].request_id, &scan.id, None, at(MINUTE))
                .await
                .unwrap();
            assert_eq!(mime, typed::<Format>("image/png"));
            assert!(content.starts_with(b"\x89PNG"));
        }
        let reviews = f
            .app
            .list_identity_reviews(&support, at(MINUTE))
            .await
            .unwrap();
        assert_eq!(reviews.len(), 1, "{backend:?}");
        assert_eq!(reviews[0].identity["birth_name"], "Trollue");
        assert_eq!(reviews[0].candidate.as_ref().unwrap().birth_name, "Trolue");
        assert!(
            f.app
                .pending_erasures(&support, at(MINUTE))
                .await
                .unwrap()
                .is_empty(),
            "{backend:?}: no erasure request (the retention job would carry it out at once)"
        );
        let albertine = f
            .app
            .patient_for_support(
                &support,
                &patient_id_by_cafat(&f.app, "2468013").await,
                None,
                at(MINUTE),
            )
            .await
            .unwrap();
        assert_eq!(
            albertine.patient.record_state,
            typed::<AccountState>("closed")
        );
        assert!(albertine.purge_after_ms.unwrap() > at(0).millis());
        let lucien = f
            .app
            .patient_for_support(
                &support,
                &patient_id_by_cafat(&f.app, "4561237").await,
                None,
                at(MINUTE),
            )
            .await
            .unwrap();
        assert_eq!(
            lucien.patient.record_state,
            typed::<AccountState>("inactive")
        );
        assert!(!lucien.has_account);
        assert_chain_intact(&f.app).await;
    });
}

#[test]
fn one_enrolment_request_is_read_by_its_identifier_support_only_and_audited() {
    on_both(|backend| async move {
        let f = with_cases(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let rid = f.app.list_self_enrolments(&support, at(0)).await.unwrap()[0]
            .request_id
            .clone();
        assert_eq!(
            outcome(&f.app.self_enrolment(&doctor, &rid, at(MINUTE)).await),
            "forbidden"
        );
        let before = last_seq(&f.app).await;
        let item = f
            .app
            .self_enrolment(&support, &rid, at(MINUTE))
            .await
            .unwrap();
        assert_eq!(item.request_id, rid);
        assert_eq!(item.cafat, "6612345");
        assert_eq!(item.scans.len(), 2);
        let events = events_after(&f.app, before).await;
        assert_eq!(events.len(), 1, "{backend:?}: one event per read");
        assert_eq!(events[0].action, "patient.enrolment.read");
        assert_eq!(
            events[0].patient_id.as_deref(),
            Some(item.patient.id.as_str())
        );

        assert_eq!(
            outcome(
                &f.app
                    .self_enrolment(&support, "no-such-request", at(MINUTE))
                    .await
            ),
            "not_found"
        );
        f.app
            .reject_self_enrolment(&support, &rid, "Pièce illisible", at(2 * MINUTE))
            .await
            .unwrap();
        assert_eq!(
            outcome(&f.app.self_enrolment(&support, &rid, at(3 * MINUTE)).await),
            "not_found",
            "{backend:?}: a decided request is no longer in the queue"
        );
        assert_chain_intact(&f.app).await;
    });
}

#[test]
fn support_reads_a_record_life_cycle_and_others_may_not() {
    on_both(|backend| async move {
        let f = with_cases(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let marcel = patient_id_by_cafat(&f.app, "3219876").await;
        assert_eq!(
            outcome(
                &f.app
                    .patient_for_support(&doctor, &marcel, None, at(0))
                    .await
            ),
            "forbidden"
        );
        assert_eq!(
            outcome(&f.app.pending_erasures(&doctor, at(0)).await),
            "forbidden"
        );
        let before = last_seq(&f.app).await;
        assert_eq!(
            outcome(
                &f.app
                    .patient_for_support(&support, &typed::<PatientId>("nobody"), None, at(0))
                    .await
            ),
            "not_found"
        );
        f.app
            .record_death(&support, &marcel, "2026-09-01", at(MINUTE))
            .await
            .unwrap();
        let closed_at = at(2 * MINUTE);
        f.app
            .close_record_for_patient(&support, &marcel, "Appel de la famille", closed_at)
            .await
            .unwrap();
        let v = f
            .app
            .patient_for_support(&support, &marcel, None, at(3 * MINUTE))
            .await
            .unwrap();
        assert_eq!(v.died_on.as_deref(), Some("2026-09-01"));
        assert!(v.patient.deceased);
        assert_eq!(v.patient.record_state, typed::<AccountState>("closed"));
        assert_eq!(v.closed_at_ms, Some(closed_at.millis()));
        assert!(v.purge_after_ms.unwrap() > closed_at.millis() + 9 * 365 * 24 * HOUR);
        assert_eq!(v.erasure_deadline_ms, None);
        let actions: Vec<String> = events_after(&f.app, before)
            .await
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            [
                "patient.support.read",
                "patient.death.record",
                "patient.close",
                "patient.support.read"
            ],
            "{backend:?}"
        );
    });
}

#[test]
fn an_extraction_keeps_the_events_of_its_period_only() {
    on_both(|backend| async move {
        let f = with_cases(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let lucien = patient_id_by_cafat(&f.app, "4561237").await;
        for (i, minute) in [10, 20, 30].iter().enumerate() {
            f.app
                .patient_for_support(&support, &lucien, None, at(minute * MINUTE))
                .await
                .unwrap();
            assert!(i < 3);
        }
        let target = ExtractTarget::Record(lucien.clone());
        let period = ExtractPeriod {
            from_ms: Some(at(15 * MINUTE).millis()),
            to_ms: Some(at(25 * MINUTE).millis()),
        };
        let out = f
            .app
            .extract_audit_period(
                &support,
                &target,
                period,
                "Réquisition n° 42",
                ExtractFormat::Json,
                None,
                at(HOUR),
            )
            .await
            .unwrap();
        let rows: serde_json::Value = serde_json::from_slice(&out.body).unwrap();
        let rows = rows.as_array().unwrap();
        assert_eq!(out.events, 1, "{backend:?}: {rows:?}");
        assert_eq!(rows[0]["action"], "patient.support.read");
        let all = f
            .app
            .extract_audit(
                &support,
                &target,
                "Réquisition n° 42",
                ExtractFormat::Csv,
                None,
                at(HOUR),
            )
            .await
            .unwrap();
        assert!(
            all.events >= 5,
            "{backend:?}: creation, 3 reads, 2 extractions"
        );
        let reversed = ExtractPeriod {
            from_ms: period.to_ms,
            to_ms: period.from_ms,
        };
        assert_eq!(
            outcome(
                &f.app
                    .extract_audit_period(
                        &support,
                        &target,
                        reversed,
                        "Réquisition n° 42",
                        ExtractFormat::Json,
                        None,
                        at(HOUR)
                    )
                    .await
            ),
            "invalid_period"
        );
    });
}

#[test]
fn support_lists_the_assistants_and_others_may_not() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        assert_eq!(outcome(&f.app.list_assistants(&doctor).await), "forbidden");
        let all = f.app.list_assistants(&support).await.unwrap();
        assert_eq!(all.len(), 1, "{backend:?}");
        assert_eq!(all[0].last_name, "Tiaou");
        assert_eq!(
            all[0].professional_account_id,
            account_id(&f.app, DOCTOR).await
        );
    });
}
