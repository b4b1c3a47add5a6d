//! Time limits of record access (issue 4), on a fixed clock: break-glass, SAMU and consented
//! access last the configured hours and end exactly at their expiry; a revoked consent ends
//! at once. Use cases are called directly; both backends.
#![allow(clippy::unwrap_used)]

use mds_app::record::consent::ConsentAnswer;
use mds_app::record::documents::DocumentQuery;
use mds_app::{Actor, App};
use mds_domain::PatientId;
use mds_testkit::app::*;
use mds_testkit::typed;

async fn can_list(app: &App, actor: &Actor, pid: &str, offset_ms: i64) -> bool {
    match app
        .list_documents(
            actor,
            &typed::<PatientId>(&pid),
            DocumentQuery::default(),
            None,
            at(offset_ms),
        )
        .await
    {
        Ok(_) => true,
        Err(mds_app::AppError::NotFound) => false,
        Err(e) => panic!("listing: {e:?}"),
    }
}

#[test]
fn emergency_access_ends_exactly_at_its_expiry() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let celine = patient_id_by_cafat(app, "2345678").await;
        let nurse = actor(app, NURSE, at(0)).await;
        let regulator = actor(app, REGULATOR, at(0)).await;
        assert!(
            !can_list(app, &nurse, celine.as_str(), 0).await,
            "{backend:?}"
        );
        let reason = "Patiente inconsciente aux urgences, antécédents inconnus.";
        let s = app
            .open_emergency_access(&nurse, &celine, false, reason, None, at(0))
            .await
            .unwrap();
        assert_eq!(
            s.expires_at_ms,
            at(24 * HOUR).millis(),
            "{backend:?}: 24 h by default"
        );
        assert!(
            can_list(app, &nurse, celine.as_str(), 24 * HOUR - 1).await,
            "{backend:?}"
        );
        assert!(
            !can_list(app, &nurse, celine.as_str(), 24 * HOUR).await,
            "{backend:?}: expired"
        );
        app.open_emergency_access(&regulator, &celine, true, "APP-0042", None, at(0))
            .await
            .unwrap();
        assert!(
            can_list(app, &regulator, celine.as_str(), HOUR).await,
            "{backend:?}"
        );
        assert!(
            !can_list(app, &regulator, celine.as_str(), 24 * HOUR).await,
            "{backend:?}"
        );
        assert_chain_intact(app).await;
    });
}

#[test]
fn consented_access_ends_at_expiry_or_revocation() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let marie = patient_id_by_cafat(app, "1234567").await;
        let midwife = actor(app, MIDWIFE, at(0)).await;
        let patient = actor(app, PATIENT, at(0)).await;
        let c = app
            .request_consent(&midwife, &marie, "Suivi de grossesse", false, None, at(0))
            .await
            .unwrap();
        let granted = app
            .answer_consent(
                &patient,
                &marie,
                &c.id,
                ConsentAnswer::Approve,
                None,
                at(MINUTE),
            )
            .await
            .unwrap();
        assert_eq!(
            granted.expires_at_ms,
            Some(at(MINUTE + 24 * HOUR).millis()),
            "{backend:?}"
        );
        assert!(
            can_list(app, &midwife, marie.as_str(), 2 * MINUTE).await,
            "{backend:?}"
        );
        assert!(
            !can_list(app, &midwife, marie.as_str(), MINUTE + 24 * HOUR).await,
            "{backend:?}: expired"
        );

        let c = app
            .request_consent(
                &midwife,
                &marie,
                "Suivi de grossesse",
                false,
                None,
                at(25 * HOUR),
            )
            .await
            .unwrap();
        app.answer_consent(
            &patient,
            &marie,
            &c.id,
            ConsentAnswer::Approve,
            None,
            at(25 * HOUR),
        )
        .await
        .unwrap();
        assert!(
            can_list(app, &midwife, marie.as_str(), 26 * HOUR).await,
            "{backend:?}"
        );
        app.answer_consent(
            &patient,
            &marie,
            &c.id,
            ConsentAnswer::Revoke,
            None,
            at(26 * HOUR),
        )
        .await
        .unwrap();
        assert!(
            !can_list(app, &midwife, marie.as_str(), 26 * HOUR).await,
            "{backend:?}: revoked"
        );
        let again = app
            .answer_consent(
                &patient,
                &marie,
                &c.id,
                ConsentAnswer::Approve,
                None,
                at(26 * HOUR),
            )
            .await;
        assert_eq!(outcome(&again), "consent_not_pending", "{backend:?}");
        assert_chain_intact(app).await;
    });
}
