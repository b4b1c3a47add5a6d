//! Notifications and the durable outbox (issue 5): rows written with the action, delivered once
//! to a real SMTP server on loopback, retried with backoff while it is down, e-mail preferences,
//! no document title in any e-mail, hidden-document timers at each boundary and not fired twice
//! after a restart, first access, expiry of accesses, account events. Fixed clock; both backends.
#![allow(clippy::unwrap_used)]

use mds_app::information::notifications::inbox::NotificationView;
use mds_app::information::notifications::EmailMode;
use mds_app::information::outbox::{OutboxDelivery, SmtpSettings};
use mds_app::record::documents::{DocumentQuery, NewDocument};
use mds_app::{Actor, App, Settings};
use mds_domain::{ActorKind, ConsentState, PatientId};
use mds_store::outbox::{self, EmailRow};
use mds_testkit::app::*;
use mds_testkit::typed;

const DAY: i64 = 24 * HOUR;
const CELINE: &str = "celine.dk@demo.mds.nc";
const REASON: &str = "Patiente inconsciente aux urgences, antécédents inconnus.";
const SECRET_TITLE: &str = "Compte rendu TITRE-CONFIDENTIEL-4821";

fn delivery(port: u16) -> OutboxDelivery {
    let settings = SmtpSettings {
        port,
        ..SmtpSettings::default()
    };
    OutboxDelivery::new(settings, None)
}

async fn rows(app: &App) -> Vec<EmailRow> {
    outbox::all(app.db()).await.unwrap()
}

async fn notes(app: &App, who: &Actor) -> Vec<NotificationView> {
    app.notifications(who, false, 100, 0).await.unwrap().items
}

fn document(title: &str, hidden: bool) -> NewDocument {
    NewDocument {
        type_code: "11488-4".to_owned(),
        title: title.to_owned(),
        act_date: "2026-09-01".to_owned(),
        hidden_from_patient: hidden,
        confirms_patient_informed: true,
        content: mds_testkit::files::pdf(&format!("{title} {}", uuid_like())),
        ..NewDocument::default()
    }
}

fn uuid_like() -> String {
    mds_store::new_id()
}

/// Sends the demo's own e-mails, so that a scenario starts with an empty outbox.
async fn drain_demo_outbox(f: &Fixture) {
    let dir = f.dir.path().join("mail-demo");
    let sink = SmtpSink::start(free_port(), &dir);
    let report = delivery(sink.port).deliver(&f.app, at(0)).await.unwrap();
    assert_eq!(report.retried + report.failed, 0, "{report:?}");
    assert!(rows(&f.app).await.iter().all(|r| r.sent_at_ms.is_some()));
    sink.stop();
}

#[test]
fn an_added_document_is_notified_with_the_action_and_mailed_once_without_its_title() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        drain_demo_outbox(&f).await;
        let marie = patient_id_by_cafat(app, "1234567").await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let patient = actor(app, PATIENT, at(0)).await;
        let before = rows(app).await.len();
        app.add_document(
            &doctor,
            &marie,
            document(SECRET_TITLE, false),
            None,
            at(MINUTE),
        )
        .await
        .unwrap();
        let queued = rows(app).await;
        assert_eq!(
            queued.len(),
            before + 1,
            "{backend:?}: outbox row written with the deposit"
        );
        let row = queued.iter().find(|r| r.sent_at_ms.is_none()).unwrap();
        assert_eq!(row.recipient, PATIENT, "{backend:?}");
        assert_eq!(row.kind, "document_added", "{backend:?}");
        let inbox = notes(app, &patient).await;
        assert!(inbox
            .iter()
            .any(|n| n.kind == "document_added" && n.read_at_ms.is_none()));
        // In the portal it says what and who, and leads to the document — never its title.
        let added = inbox.iter().find(|n| n.kind == "document_added").unwrap();
        assert!(added.document_id.is_some(), "{backend:?}: {added:?}");
        assert_eq!(
            added.document_kind.as_deref(),
            Some("Compte rendu ou fiche de consultation ou de visite"),
            "{backend:?}"
        );
        assert!(
            added
                .who
                .as_deref()
                .is_some_and(|w| w.starts_with("Dr Jean Néa (médecin")),
            "{backend:?}: {added:?}"
        );
        assert!(
            !format!("{added:?}").contains(SECRET_TITLE),
            "{backend:?}: no title"
        );

        let sink = SmtpSink::start(free_port(), &f.dir.path().join("mail"));
        let job = delivery(sink.port);
        let first = job.deliver(app, at(2 * MINUTE)).await.unwrap();
        assert_eq!(first.sent, 1, "{backend:?}: {first:?}");
        let again = job.deliver(app, at(3 * MINUTE)).await.unwrap();
        assert_eq!(again.sent, 0, "{backend:?}: sent once");
        let mails = sink.mails();
        assert_eq!(mails.len(), 1, "{backend:?}");
        let mail = &mails[0];
        assert_eq!(mail["rcpt_tos"][0], PATIENT);
        assert!(mail["message_id"].as_str().unwrap().contains(&row.id));
        let body = mail["body"].as_str().unwrap();
        assert!(
            body.contains("Un nouveau document a été ajouté à votre dossier Mon Drive Santé. Connectez-vous pour le consulter."),
            "{body}"
        );
        assert!(!mail["raw"].as_str().unwrap().contains("TITRE-CONFIDENTIEL"));
        assert!(!body.contains("TITRE-CONFIDENTIEL"));
        assert_chain_intact(app).await;
    });
}

#[test]
fn while_smtp_is_down_deliveries_back_off_then_succeed_once_when_it_returns() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        drain_demo_outbox(&f).await;
        let celine = patient_id_by_cafat(app, "2345678").await;
        let nurse = actor(app, NURSE, at(0)).await;
        app.open_emergency_access(&nurse, &celine, false, REASON, None, at(0))
            .await
            .unwrap();
        let port = free_port();
        let job = delivery(port);
        let down = job.deliver(app, at(0)).await.unwrap();
        assert_eq!((down.sent, down.retried), (0, 1), "{backend:?}: {down:?}");
        let row = rows(app)
            .await
            .into_iter()
            .find(|r| r.sent_at_ms.is_none())
            .unwrap();
        assert_eq!(row.kind, "break_glass");
        assert_eq!(row.attempts, 1);
        assert_eq!(
            row.next_attempt_at_ms,
            at(30_000).millis(),
            "{backend:?}: 30 s backoff"
        );
        assert!(row.last_error.is_some());
        let second = job.deliver(app, at(30_000)).await.unwrap();
        assert_eq!(second.retried, 1, "{backend:?}");
        let row = rows(app)
            .await
            .into_iter()
            .find(|r| r.id == row.id)
            .unwrap();
        assert_eq!(
            row.next_attempt_at_ms,
            at(90_000).millis(),
            "{backend:?}: doubled"
        );

        let sink = SmtpSink::start(port, &f.dir.path().join("mail"));
        let early = job.deliver(app, at(90_000 - 1)).await.unwrap();
        assert_eq!(early, Default::default(), "{backend:?}: not due yet");
        assert!(sink.mails().is_empty());
        let back = job.deliver(app, at(90_000)).await.unwrap();
        assert_eq!(back.sent, 1, "{backend:?}");
        job.deliver(app, at(200_000)).await.unwrap();
        let mails = sink.mails();
        assert_eq!(mails.len(), 1, "{backend:?}: exactly once");
        assert_eq!(mails[0]["rcpt_tos"][0], CELINE);
        let body = mails[0]["body"].as_str().unwrap();
        assert!(body.contains("bris de glace"), "{body}");
        assert!(
            !body.contains("inconsciente"),
            "{backend:?}: no reason in the e-mail"
        );
    });
}

#[test]
fn an_email_is_given_up_after_the_last_attempt() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        drain_demo_outbox(&f).await;
        let celine = patient_id_by_cafat(app, "2345678").await;
        let regulator = actor(app, REGULATOR, at(0)).await;
        app.open_emergency_access(&regulator, &celine, true, "APP-0042", None, at(0))
            .await
            .unwrap();
        let job = OutboxDelivery::new(
            SmtpSettings {
                port: free_port(),
                max_attempts: 2,
                ..SmtpSettings::default()
            },
            None,
        );
        assert_eq!(job.deliver(app, at(0)).await.unwrap().retried, 1);
        let last = job.deliver(app, at(HOUR)).await.unwrap();
        assert_eq!((last.retried, last.failed), (0, 1), "{backend:?}");
        assert_eq!(
            job.deliver(app, at(2 * HOUR)).await.unwrap(),
            Default::default()
        );
        let (pending, _, failed) = outbox::counts(app.db()).await.unwrap();
        assert_eq!(
            (pending, failed),
            (0, 1),
            "{backend:?}: visible to operators"
        );
    });
}

#[test]
fn email_preferences_switch_off_optional_kinds_only() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        drain_demo_outbox(&f).await;
        let marie = patient_id_by_cafat(app, "1234567").await;
        let patient = actor(app, PATIENT, at(0)).await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let prefs = app.notification_preferences(&patient).await.unwrap();
        assert!(prefs.iter().all(|p| p.email), "{backend:?}: on by default");
        let refused = app
            .set_notification_preferences(
                &patient,
                &[("break_glass".into(), EmailMode::Never)],
                at(0),
            )
            .await;
        assert_eq!(outcome(&refused), "notification_mandatory", "{backend:?}");
        let unknown = app
            .set_notification_preferences(&patient, &[("weather".into(), EmailMode::Never)], at(0))
            .await;
        assert_eq!(outcome(&unknown), "unknown_notification_kind");
        let prefs = app
            .set_notification_preferences(
                &patient,
                &[("document_added".into(), EmailMode::Never)],
                at(0),
            )
            .await
            .unwrap();
        assert!(prefs.iter().any(|p| p.kind == "document_added" && !p.email));
        assert!(prefs
            .iter()
            .any(|p| p.kind == "break_glass" && p.email && p.mandatory));

        let before = rows(app).await.len();
        app.add_document(&doctor, &marie, document("Bilan", false), None, at(MINUTE))
            .await
            .unwrap();
        assert_eq!(
            rows(app).await.len(),
            before,
            "{backend:?}: no e-mail, switched off"
        );
        let inbox = notes(app, &patient).await;
        let fresh = inbox
            .iter()
            .find(|n| n.created_at_ms == at(MINUTE).millis())
            .unwrap();
        assert_eq!(
            fresh.kind, "document_added",
            "{backend:?}: still in the portal"
        );

        app.mark_notification_read(&patient, &fresh.id, at(2 * MINUTE))
            .await
            .unwrap();
        let unread = app.notifications(&patient, true, 100, 0).await.unwrap();
        assert!(unread.items.iter().all(|n| n.id != fresh.id), "{backend:?}");
        assert_eq!(unread.total, unread.unread);
        let other = app
            .mark_notification_read(&doctor, &fresh.id, at(3 * MINUTE))
            .await;
        assert_eq!(outcome(&other), "not_found", "{backend:?}: not another's");
    });
}

#[test]
fn a_consent_request_carries_its_code_in_the_notification_only() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let marie = patient_id_by_cafat(app, "1234567").await;
        let midwife = actor(app, MIDWIFE, at(0)).await;
        let patient = actor(app, PATIENT, at(0)).await;
        let asked = app
            .request_consent(&midwife, &marie, "Suivi de grossesse", false, None, at(0))
            .await
            .unwrap();
        let mail = rows(app)
            .await
            .into_iter()
            .find(|r| r.kind == "consent_request")
            .unwrap();
        assert_eq!(mail.recipient, PATIENT);
        assert!(
            !mail.body.contains("grossesse"),
            "{backend:?}: no purpose in the e-mail"
        );
        let code = one_time_code(&mail.body);
        assert!(
            code.chars().all(|c| c.is_ascii_digit()) && code.len() == 6,
            "{code}"
        );
        let inbox = notes(app, &patient).await;
        assert!(inbox
            .iter()
            .any(|n| n.kind == "consent_request" && n.text.contains(&code)));
        let stored = mds_store::record_access::consent_by_id(app.db(), &asked.id)
            .await
            .unwrap()
            .unwrap();
        assert_ne!(
            stored.code_hash.as_deref(),
            Some(code.as_str()),
            "only a hash is kept"
        );
        let granted = app
            .enter_consent_code(&midwife, &marie, &asked.id, &code, None, at(MINUTE))
            .await
            .unwrap();
        assert_eq!(
            granted.state,
            typed::<ConsentState>("granted"),
            "{backend:?}"
        );
    });
}

#[test]
fn hidden_document_timers_fire_at_each_boundary_and_once_across_a_restart() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let marie = patient_id_by_cafat(app, "1234567").await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let patient = actor(app, PATIENT, at(0)).await;
        let doc = app
            .add_document(&doctor, &marie, document(SECRET_TITLE, true), None, at(0))
            .await
            .unwrap();
        let kinds = |app: App, who: Actor| async move {
            notes(&app, &who)
                .await
                .into_iter()
                .map(|n| n.kind)
                .collect::<Vec<_>>()
        };
        let visible = |app: App, who: Actor, t: i64, pid: String| async move {
            let page = app
                .list_documents(
                    &who,
                    &typed::<PatientId>(&pid),
                    DocumentQuery::default(),
                    None,
                    at(t),
                )
                .await
                .unwrap();
            page.items.iter().any(|d| d.title == SECRET_TITLE)
        };
        let start = kinds(app.clone(), patient.clone()).await;
        let count = |v: &[String], k: &str| v.iter().filter(|x| *x == k).count();
        let added0 = count(&start, "document_added");

        app.fire_timers(at(14 * DAY - HOUR)).await.unwrap();
        let k = kinds(app.clone(), patient.clone()).await;
        assert_eq!(
            count(&k, "announcement_reminder"),
            0,
            "{backend:?}: 13 d 23 h"
        );
        app.fire_timers(at(14 * DAY)).await.unwrap();
        let k = kinds(app.clone(), patient.clone()).await;
        assert_eq!(count(&k, "announcement_reminder"), 1, "{backend:?}: 14 d");
        assert!(
            !visible(
                app.clone(),
                patient.clone(),
                14 * DAY,
                marie.clone().to_string()
            )
            .await
        );

        app.fire_timers(at(30 * DAY - 1)).await.unwrap();
        assert!(
            !visible(
                app.clone(),
                patient.clone(),
                30 * DAY - 1,
                marie.clone().to_string()
            )
            .await
        );
        app.fire_timers(at(30 * DAY)).await.unwrap();
        assert!(
            visible(
                app.clone(),
                patient.clone(),
                30 * DAY,
                marie.clone().to_string()
            )
            .await,
            "{backend:?}: released at 30 days"
        );
        let k = kinds(app.clone(), patient.clone()).await;
        assert_eq!(count(&k, "document_added"), added0 + 1, "{backend:?}");
        let released = events_after(app, 0)
            .await
            .into_iter()
            .filter(|e| {
                e.action == "document.release_to_patient"
                    && e.document_id.as_deref() == Some(doc.id.as_str())
            })
            .collect::<Vec<_>>();
        assert_eq!(released.len(), 1, "{backend:?}");
        assert_eq!(released[0].document_id.as_deref(), Some(doc.id.as_str()));
        assert_eq!(released[0].actor_kind, typed::<ActorKind>("system"));

        // A restart: another process on the same database fires nothing again.
        let restarted = f.second_process();
        let fired = restarted.fire_timers(at(40 * DAY)).await.unwrap();
        assert_eq!(fired, 0, "{backend:?}");
        let k = kinds(restarted.clone(), patient.clone()).await;
        assert_eq!(count(&k, "announcement_reminder"), 1, "{backend:?}");
        assert_eq!(count(&k, "document_added"), added0 + 1, "{backend:?}");
        let outbox = rows(app).await;
        assert!(outbox
            .iter()
            .all(|r| !r.body.contains("TITRE-CONFIDENTIEL")));
        assert_chain_intact(app).await;
    });
}

#[test]
fn without_auto_release_the_depositor_is_reminded_instead() {
    on_both(|backend| async move {
        let settings = Settings {
            hidden_auto_release: false,
            ..Settings::default()
        };
        let f = Fixture::with_settings(backend, settings).await;
        mds_demo::load(&f.app, at(-DAY)).await.unwrap();
        let app = &f.app;
        let marie = patient_id_by_cafat(app, "1234567").await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let patient = actor(app, PATIENT, at(0)).await;
        app.add_document(&doctor, &marie, document(SECRET_TITLE, true), None, at(0))
            .await
            .unwrap();
        // The demo's own hidden document (deposited a day earlier) is due a day earlier.
        app.fire_timers(at(29 * DAY)).await.unwrap();
        let reminded = |app: App, who: Actor| async move {
            notes(&app, &who)
                .await
                .into_iter()
                .filter(|n| n.kind == "depositor_reminder")
                .collect::<Vec<_>>()
        };
        let before = reminded(app.clone(), doctor.clone()).await.len();
        app.fire_timers(at(30 * DAY)).await.unwrap();
        let page = app
            .list_documents(
                &patient,
                &marie,
                DocumentQuery::default(),
                None,
                at(30 * DAY),
            )
            .await
            .unwrap();
        assert!(
            page.items.iter().all(|d| d.title != SECRET_TITLE),
            "{backend:?}: still hidden"
        );
        let reminders = reminded(app.clone(), doctor.clone()).await;
        assert_eq!(reminders.len(), before + 1, "{backend:?}");
        assert!(reminders
            .iter()
            .all(|n| !n.text.contains("TITRE-CONFIDENTIEL")));
        assert!(
            reminders[0].text.contains(&at(0).to_noumea_display()),
            "{backend:?}"
        );
    });
}

#[test]
fn the_first_access_of_each_professional_is_notified_once() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let marie = patient_id_by_cafat(app, "1234567").await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let pharmacist = actor(app, "ph.leroux@demo.mds.nc", at(0)).await;
        let patient = actor(app, PATIENT, at(0)).await;
        let firsts = |app: App| {
            let patient = patient.clone();
            async move {
                notes(&app, &patient)
                    .await
                    .into_iter()
                    .filter(|n| n.kind == "first_access")
                    .count()
            }
        };
        let seq = last_seq(app).await;
        for t in [MINUTE, 2 * MINUTE] {
            app.list_documents(&doctor, &marie, DocumentQuery::default(), None, at(t))
                .await
                .unwrap();
        }
        assert_eq!(firsts(app.clone()).await, 1, "{backend:?}");
        app.list_documents(
            &pharmacist,
            &marie,
            DocumentQuery::default(),
            None,
            at(3 * MINUTE),
        )
        .await
        .unwrap();
        assert_eq!(firsts(app.clone()).await, 2, "{backend:?}");
        app.list_documents(
            &patient,
            &marie,
            DocumentQuery::default(),
            None,
            at(4 * MINUTE),
        )
        .await
        .unwrap();
        assert_eq!(
            firsts(app.clone()).await,
            2,
            "{backend:?}: not for the patient"
        );
        let searches = events_after(app, seq)
            .await
            .into_iter()
            .filter(|e| e.action == "document.search")
            .count();
        assert_eq!(searches, 4, "{backend:?}: every read audited");
        let mails = rows(app).await;
        assert_eq!(mails.iter().filter(|r| r.kind == "first_access").count(), 2);
    });
}

#[test]
fn expired_accesses_are_recorded_once_by_the_system() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let celine = patient_id_by_cafat(app, "2345678").await;
        let nurse = actor(app, NURSE, at(0)).await;
        app.open_emergency_access(&nurse, &celine, false, REASON, None, at(0))
            .await
            .unwrap();
        assert_eq!(app.expire_accesses(at(DAY - 1)).await.unwrap(), 0);
        assert_eq!(
            app.expire_accesses(at(DAY)).await.unwrap(),
            1,
            "{backend:?}"
        );
        assert_eq!(
            f.second_process()
                .expire_accesses(at(2 * DAY))
                .await
                .unwrap(),
            0
        );
        let ended: Vec<_> = events_after(app, 0)
            .await
            .into_iter()
            .filter(|e| e.action == "record.break_glass.expire")
            .collect();
        assert_eq!(ended.len(), 1, "{backend:?}");
        assert_eq!(ended[0].actor_kind, typed::<ActorKind>("system"));
        assert_eq!(ended[0].patient_id.as_deref(), Some(celine.as_str()));
    });
}

#[test]
fn closure_and_erasure_are_mailed_to_the_account() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        drain_demo_outbox(&f).await;
        let patient = actor(app, PATIENT, at(0)).await;
        app.close_own_record(&patient, true, at(MINUTE))
            .await
            .unwrap();
        app.request_own_erasure(&patient, true, at(2 * MINUTE))
            .await
            .unwrap();
        app.run_retention(at(3 * MINUTE)).await.unwrap();
        let sink = SmtpSink::start(free_port(), &f.dir.path().join("mail"));
        delivery(sink.port)
            .deliver(app, at(4 * MINUTE))
            .await
            .unwrap();
        let mut subjects: Vec<String> = sink
            .mails()
            .iter()
            .filter(|m| m["rcpt_tos"][0] == PATIENT)
            .map(|m| m["subject"].as_str().unwrap().to_owned())
            .collect();
        subjects.sort();
        assert_eq!(
            subjects,
            [
                "Les données de votre dossier Mon Drive Santé sont supprimées",
                "Votre compte Mon Drive Santé est clôturé",
            ],
            "{backend:?}"
        );
        let left: (i64,) =
            mds_store::Query::new("SELECT COUNT(*) FROM notifications WHERE account_id = $1")
                .bind(patient.account_id.as_str())
                .fetch_one(app.db())
                .await
                .unwrap();
        assert_eq!(left.0, 0, "{backend:?}: erased with the account");
        assert_chain_intact(app).await;
    });
}

/// EXI 09: (who acts, on what, expected kind told to the patient, if any).
#[test]
fn a_withdrawn_or_replaced_document_is_told_to_the_patient() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let marie = patient_id_by_cafat(app, "1234567").await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let patient = actor(app, PATIENT, at(0)).await;
        let kinds = |notes: Vec<NotificationView>| -> Vec<String> {
            notes.into_iter().map(|n| n.kind).collect()
        };
        let told_before = kinds(notes(app, &patient).await);

        let shown = app
            .add_document(
                &doctor,
                &marie,
                document(SECRET_TITLE, false),
                None,
                at(MINUTE),
            )
            .await
            .unwrap();
        let hidden = app
            .add_document(
                &doctor,
                &marie,
                document("Résultat à annoncer", true),
                None,
                at(MINUTE),
            )
            .await
            .unwrap();
        let own = app
            .add_document(
                &patient,
                &marie,
                document("Mon carnet", false),
                None,
                at(MINUTE),
            )
            .await
            .unwrap();
        let newer = app
            .modify_document(
                &doctor,
                &marie,
                &shown.id,
                document("Version 2", false),
                None,
                at(2 * MINUTE),
            )
            .await
            .unwrap();
        // The new version's notification leads to it while it exists.
        let inbox = notes(app, &patient).await;
        let replaced = inbox
            .iter()
            .find(|n| n.kind == "document_replaced")
            .unwrap();
        assert_eq!(replaced.document_id.as_deref(), Some(newer.id.as_str()));
        app.delete_document(&doctor, &marie, &hidden.id, None, at(3 * MINUTE))
            .await
            .unwrap();
        app.delete_document(&patient, &marie, &own.id, None, at(3 * MINUTE))
            .await
            .unwrap();
        app.delete_document(&doctor, &marie, &newer.id, None, at(4 * MINUTE))
            .await
            .unwrap();

        let told = kinds(notes(app, &patient).await);
        let new: Vec<_> = told[..told.len() - told_before.len()].to_vec();
        // Newest first: the withdrawal, the new version, the first deposit; nothing for the
        // hidden document (never shown) nor for the patient's own deletion.
        assert_eq!(
            new,
            ["document_withdrawn", "document_replaced", "document_added"],
            "{backend:?}"
        );
        let inbox = notes(app, &patient).await;
        let withdrawn = inbox
            .iter()
            .find(|n| n.kind == "document_withdrawn")
            .unwrap();
        assert!(
            withdrawn.text.contains("qui l'avait déposé : Jean Néa."),
            "{}",
            withdrawn.text
        );
        assert!(
            !format!("{inbox:?}").contains("TITRE-CONFIDENTIEL"),
            "{backend:?}: no title"
        );
    });
}
