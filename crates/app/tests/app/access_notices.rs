//! Every access told (issue 15, item 6): each access of a professional to a record is told to
//! the patient — the first as such, then one « accès » per hour at most per professional — and
//! each kind goes by e-mail at once, in the daily digest, or never, as the patient chose; the
//! digest leaves at its boundary (07:00 in New Caledonia) with the lines written before it.
//! Fixed clock; both backends.

use mds_app::information::digest::boundary;
use mds_app::information::notifications::EmailMode;
use mds_app::record::documents::DocumentQuery;
use mds_app::{Actor, App};
use mds_domain::{PatientId, Timestamp};
use mds_store::{email_digest, outbox};
use mds_testkit::app::*;

const PHARMACIST: &str = "ph.leroux@demo.mds.nc";

async fn read(app: &App, who: &Actor, record: &PatientId, now: Timestamp) {
    app.list_documents(who, record, DocumentQuery::default(), None, now)
        .await
        .unwrap();
}

async fn kinds(app: &App, who: &Actor) -> Vec<String> {
    let page = app.notifications(who, false, 500, 0).await.unwrap();
    page.items.into_iter().map(|n| n.kind).collect()
}

async fn mails_of_kind(app: &App, kind: &str) -> Vec<outbox::EmailRow> {
    let all = outbox::all(app.db()).await.unwrap();
    all.into_iter().filter(|r| r.kind == kind).collect()
}

#[test]
fn each_access_is_told_once_an_hour_per_professional() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let marie = patient_id_by_cafat(app, "1234567").await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let patient = actor(app, PATIENT, at(0)).await;
        let count = |kinds: &[String], k: &str| kinds.iter().filter(|x| *x == k).count();

        for t in [MINUTE, 30 * MINUTE, 60 * MINUTE] {
            read(app, &doctor, &marie, at(t)).await;
        }
        let told = kinds(app, &patient).await;
        assert_eq!(count(&told, "first_access"), 1, "{backend:?}: {told:?}");
        assert_eq!(count(&told, "access"), 0, "{backend:?}: the same access");

        // An hour after the access told: a new access, told once even if read twice at once.
        read(app, &doctor, &marie, at(61 * MINUTE)).await;
        read(app, &doctor, &marie, at(61 * MINUTE)).await;
        read(app, &doctor, &marie, at(90 * MINUTE)).await;
        let told = kinds(app, &patient).await;
        assert_eq!(count(&told, "access"), 1, "{backend:?}: {told:?}");
        let page = app.notifications(&patient, false, 500, 0).await.unwrap();
        let line = page.items.iter().find(|n| n.kind == "access").unwrap();
        assert!(
            line.text.contains("a consulté votre dossier"),
            "{backend:?}: {}",
            line.text
        );
        read(app, &doctor, &marie, at(3 * HOUR)).await;
        assert_eq!(
            count(&kinds(app, &patient).await, "access"),
            2,
            "{backend:?}"
        );

        // By default: the first access at once, the later ones in the digest, never named.
        assert_eq!(mails_of_kind(app, "first_access").await.len(), 1);
        assert!(mails_of_kind(app, "access").await.is_empty(), "{backend:?}");
        let waiting = email_digest::pending(app.db(), &patient.account_id)
            .await
            .unwrap();
        assert_eq!(waiting.len(), 2, "{backend:?}: {waiting:?}");
        assert!(waiting.iter().all(|(_, kind, line, _)| kind == "access"
            && line.contains("Un professionnel a consulté")
            && !line.contains("Jean")));

        // The patient's own reads are no professional's access.
        read(app, &patient, &marie, at(5 * HOUR)).await;
        assert_eq!(
            count(&kinds(app, &patient).await, "access"),
            2,
            "{backend:?}"
        );
    });
}

#[test]
fn the_digest_leaves_at_its_boundary_with_the_lines_written_before_it() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let marie = patient_id_by_cafat(app, "1234567").await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let pharmacist = actor(app, PHARMACIST, at(0)).await;
        let patient = actor(app, PATIENT, at(0)).await;
        // The next turn of the digest's day after the test's start.
        let turn = boundary(at(0)).millis() + DAY;
        let when = |ms: i64| Timestamp::from_millis(ms);
        app.set_notification_preferences(
            &patient,
            &[("first_access".to_owned(), EmailMode::Digest)],
            at(0),
        )
        .await
        .unwrap();

        read(app, &doctor, &marie, when(turn - MINUTE)).await;
        read(app, &pharmacist, &marie, when(turn)).await;
        assert!(
            mails_of_kind(app, "first_access").await.is_empty(),
            "{backend:?}"
        );
        let waiting = email_digest::pending(app.db(), &patient.account_id)
            .await
            .unwrap();
        assert_eq!(waiting.len(), 2, "{backend:?}");

        assert_eq!(
            app.send_digests(when(turn - 1)).await.unwrap(),
            0,
            "{backend:?}: before"
        );
        assert_eq!(
            app.send_digests(when(turn)).await.unwrap(),
            1,
            "{backend:?}: at the turn"
        );
        let sent = mails_of_kind(app, "digest").await;
        assert_eq!(sent.len(), 1);
        assert!(sent[0].body.contains("(1 événement)"), "{}", sent[0].body);
        assert!(sent[0].body.contains("Un professionnel a accédé"));
        for name in ["Jean", "Leroux"] {
            assert!(!sent[0].body.contains(name), "{backend:?}: no one named");
        }
        let left = email_digest::pending(app.db(), &patient.account_id)
            .await
            .unwrap();
        assert_eq!(
            left.len(),
            1,
            "{backend:?}: the line written at the turn waits"
        );
        assert_eq!(left[0].3, turn);

        assert_eq!(
            app.send_digests(when(turn + HOUR)).await.unwrap(),
            0,
            "{backend:?}"
        );
        assert_eq!(app.send_digests(when(turn + DAY - 1)).await.unwrap(), 0);
        assert_eq!(
            app.send_digests(when(turn + DAY)).await.unwrap(),
            1,
            "{backend:?}: next day"
        );
        assert_eq!(mails_of_kind(app, "digest").await.len(), 2);
        assert!(email_digest::pending(app.db(), &patient.account_id)
            .await
            .unwrap()
            .is_empty());

        // A kind switched to « never » before the digest leaves is left out, and its lines go.
        read(app, &doctor, &marie, when(turn + DAY + 2 * HOUR)).await;
        app.set_notification_preferences(
            &patient,
            &[("access".to_owned(), EmailMode::Never)],
            when(turn + DAY + 3 * HOUR),
        )
        .await
        .unwrap();
        assert_eq!(
            app.send_digests(when(turn + 2 * DAY)).await.unwrap(),
            0,
            "{backend:?}"
        );
        assert!(email_digest::pending(app.db(), &patient.account_id)
            .await
            .unwrap()
            .is_empty());
        assert_eq!(mails_of_kind(app, "digest").await.len(), 2, "{backend:?}");
    });
}

#[test]
fn an_emergency_access_cannot_be_put_in_the_digest() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let patient = actor(app, PATIENT, at(0)).await;
        for kind in ["break_glass", "samu", "password_changed"] {
            let refused = app
                .set_notification_preferences(
                    &patient,
                    &[(kind.to_owned(), EmailMode::Digest)],
                    at(0),
                )
                .await;
            assert_eq!(
                outcome(&refused),
                "notification_mandatory",
                "{backend:?}: {kind}"
            );
        }
        let prefs = app.notification_preferences(&patient).await.unwrap();
        let access = prefs.iter().find(|p| p.kind == "access").unwrap();
        assert_eq!(access.mode, EmailMode::Digest, "{backend:?}: the default");
    });
}
