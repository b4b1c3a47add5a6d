//! Issue 5, part 4 — supervision: each rule raised by a scripted scenario of real use cases
//! (creations, reads, break-glass accesses, denials) and not raised just below its threshold;
//! alerts raised once, even by a second process; support lists and reviews them. Both
//! backends, fixed clock.
#![allow(clippy::unwrap_used)]

use mds_app::patients::creation::{Creation, NewPatient};
use mds_app::record::documents::DocumentQuery;
use mds_app::{Actor, App};
use mds_domain::identity::IdentityInput;
use mds_domain::{ActorKind, AlertState, PatientId, Timestamp};
use mds_testkit::app::*;
use mds_testkit::typed;

const DAY: i64 = 24 * HOUR;

/// `hh:mm` in Nouméa on 22/09/2026, the day of `T0` (01:13 local time).
fn local(h: i64, m: i64) -> Timestamp {
    at(-73 * MINUTE + h * HOUR + m * MINUTE)
}

fn later(t: Timestamp, ms: i64) -> Timestamp {
    Timestamp::from_millis(t.millis() + ms)
}

/// `n` inactive records created by `creator` (in their care team), birth name `name`.
async fn patients(
    app: &App,
    creator: &Actor,
    n: usize,
    first_cafat: u32,
    name: &str,
) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let identity = IdentityInput {
            identifier_kind: String::new(),
            cafat: (first_cafat + u32::try_from(i).unwrap()).to_string(),
            birth_name: name.to_owned(),
            first_names: vec!["Paul".to_owned()],
            birth_date: format!("{}-07-14", 1940 + i),
            sex: "M".to_owned(),
            birth_place: "98818".to_owned(),
        };
        let p = NewPatient {
            identity,
            identity_document_checked: true,
            cafat_card_checked: true,
            consent_signed: true,
            informed_of_rights: true,
            ..NewPatient::default()
        };
        let t = later(local(7, 0), i64::try_from(i).unwrap() * 1000);
        match app.create_patient(creator, p, t).await.unwrap() {
            Creation::Created { patient } => ids.push(patient.id),
            other => panic!("not created: {other:?}"),
        }
    }
    ids.iter().map(ToString::to_string).collect()
}

async fn read(app: &App, who: &Actor, patient_id: &str, t: Timestamp) -> bool {
    app.list_documents(
        who,
        &typed::<PatientId>(&patient_id),
        DocumentQuery::default(),
        None,
        t,
    )
    .await
    .is_ok()
}

async fn marie(app: &App) -> PatientId {
    mds_store::patients::by_identifier(app.db(), mds_domain::IdentifierKind::Cafat, MARIE_CAFAT)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Every alert, as (rule, subject, count), oldest first.
async fn alerts(app: &App, support: &Actor) -> Vec<(String, String, i64)> {
    let page = app.list_alerts(support, None, 100, 0).await.unwrap();
    let mut v: Vec<_> = page
        .items
        .into_iter()
        .map(|a| (a.event_seq, a.rule, a.subject_id, a.count))
        .collect();
    v.sort();
    v.into_iter().map(|(_, r, s, c)| (r, s, c)).collect()
}

async fn run(app: &App, t: Timestamp) -> usize {
    app.run_supervision(t).await.unwrap().alerts_raised
}

#[test]
fn reading_51_distinct_records_in_24_hours_raises_an_alert_50_do_not() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let doctor_id = doctor.account_id.to_string();
        let ids = patients(&f.app, &doctor, 51, 600_000, "Testa").await;
        for (i, id) in ids.iter().take(50).enumerate() {
            let t = later(local(9, 0), i64::try_from(i).unwrap() * 1000);
            assert!(read(&f.app, &doctor, id, t).await, "{backend:?}: read {i}");
        }
        // The same 50 again, later the same day: still 50 distinct records.
        assert!(read(&f.app, &doctor, &ids[0], local(11, 0)).await);
        assert_eq!(
            run(&f.app, local(12, 0)).await,
            0,
            "{backend:?}: 50 records"
        );
        assert!(alerts(&f.app, &support).await.is_empty(), "{backend:?}");
        // The job keeps one row per record read, however often it was read (issue 14,
        // item 8): what a run looks back on grows with the records, not the activity.
        assert_eq!(window_rows(&f.app, &doctor_id).await, 50, "{backend:?}");

        // The 51st is a read of the health profile alone: it counts as a read of the record.
        f.app
            .health_profile(&doctor, &typed::<PatientId>(&ids[50]), None, local(13, 0))
            .await
            .unwrap();
        assert_eq!(
            run(&f.app, local(13, 1)).await,
            1,
            "{backend:?}: 51 records"
        );
        assert_eq!(
            alerts(&f.app, &support).await,
            vec![("distinct_patients_24h".to_owned(), doctor_id.clone(), 51)],
            "{backend:?}"
        );
        // A 52nd record the same day: the alert of the day is not raised again, by this
        // process or by another one.
        let m = marie(&f.app).await;
        assert!(read(&f.app, &doctor, m.as_str(), local(14, 0)).await);
        assert_eq!(
            run(&f.second_process(), local(14, 1)).await,
            0,
            "{backend:?}"
        );
        assert_eq!(run(&f.app, local(14, 2)).await, 0, "{backend:?}");
        assert_eq!(alerts(&f.app, &support).await.len(), 1, "{backend:?}");

        let raised: Vec<_> = events_after(&f.app, 0)
            .await
            .into_iter()
            .filter(|e| e.action == "supervision.alert.raise")
            .collect();
        assert_eq!(raised.len(), 1, "{backend:?}");
        assert_eq!(
            raised[0].actor_kind,
            typed::<ActorKind>("system"),
            "{backend:?}"
        );
        assert_eq!(
            raised[0].rule.as_deref(),
            Some("supervision.distinct_patients_24h")
        );
        // Two days later, a run forgets what no rule looks back on any more.
        let two_days = later(local(14, 0), 2 * DAY);
        assert!(read(&f.app, &doctor, m.as_str(), two_days).await);
        assert_eq!(run(&f.app, later(two_days, MINUTE)).await, 0, "{backend:?}");
        assert_eq!(window_rows(&f.app, &doctor_id).await, 1, "{backend:?}");
        assert_chain_intact(&f.app).await;
    });
}

/// The rows of `actor` in the window the supervision job keeps.
async fn window_rows(app: &App, actor: &str) -> i64 {
    let rows: Vec<(i64,)> =
        mds_store::Query::new("SELECT COUNT(*) FROM supervision_window WHERE actor_id = $1")
            .bind(actor)
            .fetch_all(app.db())
            .await
            .unwrap();
    rows[0].0
}

#[test]
fn a_fourth_break_glass_in_24_hours_raises_the_repeated_alert() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let regulator = actor(&f.app, REGULATOR, at(0)).await;
        let rid = regulator.account_id.to_string();
        let ids = patients(&f.app, &doctor, 4, 610_000, "Testa").await;
        let reason = "Patient inconscient aux urgences, antécédents inconnus";
        for (i, id) in ids.iter().take(3).enumerate() {
            let t = later(local(9, 0), i64::try_from(i).unwrap() * HOUR);
            f.app
                .open_emergency_access(&regulator, &typed::<PatientId>(&id), false, reason, None, t)
                .await
                .unwrap();
        }
        assert_eq!(run(&f.app, local(12, 30)).await, 3, "{backend:?}");
        let rules: Vec<_> = alerts(&f.app, &support)
            .await
            .into_iter()
            .map(|a| a.0)
            .collect();
        assert_eq!(
            rules,
            vec!["break_glass_access"; 3],
            "{backend:?}: 3 accesses"
        );

        // The fourth, the next morning, less than 24 h after the first.
        let t = later(local(8, 59), DAY);
        f.app
            .open_emergency_access(
                &regulator,
                &typed::<PatientId>(&ids[3]),
                false,
                reason,
                None,
                t,
            )
            .await
            .unwrap();
        assert_eq!(run(&f.app, later(t, MINUTE)).await, 2, "{backend:?}");
        let all = alerts(&f.app, &support).await;
        assert!(
            all.contains(&("break_glass_24h".to_owned(), rid, 4)),
            "{backend:?}: {all:?}"
        );
        let singles = all.iter().filter(|a| a.0 == "break_glass_access").count();
        assert_eq!(singles, 4, "{backend:?}: one per access");
    });
}

#[test]
fn accesses_from_22_00_to_04_59_noumea_time_raise_an_alert() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let m = marie(&f.app).await;
        run(&f.app, local(9, 0)).await;
        let cases = [
            ("21:59", local(21, 59), 0),
            ("22:00", local(22, 0), 1),
            ("04:59 the next day", later(local(4, 59), DAY), 1),
            ("05:00 two days later", later(local(5, 0), 2 * DAY), 0),
        ];
        let mut failing = Vec::new();
        for (name, t, expected) in cases {
            assert!(read(&f.app, &doctor, m.as_str(), t).await);
            let raised = run(&f.app, later(t, MINUTE)).await;
            if raised != expected {
                failing.push(format!("{name}: {raised} alerts, expected {expected}"));
            }
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:?}");
        let rules: Vec<_> = alerts(&f.app, &support)
            .await
            .into_iter()
            .map(|a| a.0)
            .collect();
        assert_eq!(rules, vec!["night_access"; 2], "{backend:?}");
    });
}

#[test]
fn reading_the_record_of_a_patient_with_ones_own_birth_name_raises_an_alert() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let other = patients(&f.app, &doctor, 1, 620_000, "Testa").await;
        let same = patients(&f.app, &doctor, 1, 630_000, "NEA").await;
        run(&f.app, local(8, 0)).await;
        assert!(read(&f.app, &doctor, &other[0], local(9, 0)).await);
        assert_eq!(
            run(&f.app, local(9, 1)).await,
            0,
            "{backend:?}: Testa is not Néa"
        );
        assert!(read(&f.app, &doctor, &same[0], local(9, 2)).await);
        assert_eq!(run(&f.app, local(9, 3)).await, 1, "{backend:?}: NEA is Néa");
        let a = alerts(&f.app, &support).await;
        assert_eq!(a[0].0, "same_birth_name", "{backend:?}");
        let page = f
            .app
            .list_alerts(&support, Some("open"), 10, 0)
            .await
            .unwrap();
        assert_eq!(page.items[0].patient_id.as_deref(), Some(same[0].as_str()));
        assert_eq!(page.items[0].subject_name.as_deref(), Some("Jean Néa"));
    });
}

#[test]
fn more_than_ten_denials_in_ten_minutes_raise_an_alert() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let nurse = actor(&f.app, NURSE, at(0)).await;
        let m = marie(&f.app).await;
        run(&f.app, local(8, 0)).await;
        for i in 0..10 {
            let t = later(local(10, 0), i * 55_000);
            assert!(
                !read(&f.app, &nurse, m.as_str(), t).await,
                "{backend:?}: denied"
            );
        }
        assert_eq!(
            run(&f.app, local(10, 10)).await,
            0,
            "{backend:?}: 10 denials"
        );
        assert!(!read(&f.app, &nurse, m.as_str(), later(local(10, 0), 10 * 55_000)).await);
        assert_eq!(
            run(&f.app, local(10, 11)).await,
            1,
            "{backend:?}: 11 denials"
        );
        assert_eq!(
            alerts(&f.app, &support).await,
            vec![("denied_burst".to_owned(), nurse.account_id.to_string(), 11)],
            "{backend:?}"
        );
    });
}

#[test]
fn support_lists_alerts_and_reviews_them_with_a_comment() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let m = marie(&f.app).await;
        assert!(read(&f.app, &doctor, m.as_str(), local(23, 0)).await);
        assert_eq!(run(&f.app, local(23, 1)).await, 1);
        let page = f
            .app
            .list_alerts(&support, Some("open"), 10, 0)
            .await
            .unwrap();
        assert_eq!(page.total, 1, "{backend:?}");
        let id = page.items[0].id.clone();
        assert_eq!(
            page.items[0].label,
            "Accès à un dossier entre 22 h et 5 h (heure de Nouméa)"
        );

        let t = local(23, 30);
        assert_eq!(
            outcome(&f.app.list_alerts(&doctor, None, 10, 0).await),
            "forbidden"
        );
        assert_eq!(
            outcome(&f.app.review_alert(&doctor, &id, "vu", t).await),
            "forbidden"
        );
        assert_eq!(
            outcome(&f.app.review_alert(&support, &id, "  ", t).await),
            "comment_required"
        );
        assert_eq!(
            outcome(&f.app.review_alert(&support, "nope", "vu", t).await),
            "not_found"
        );
        assert_eq!(
            outcome(&f.app.list_alerts(&support, Some("closed"), 10, 0).await),
            "invalid_state"
        );
        let before = last_seq(&f.app).await;
        let comment = "Garde de nuit confirmée par le service.";
        let v = f.app.review_alert(&support, &id, comment, t).await.unwrap();
        assert_eq!(v.state, typed::<AlertState>("reviewed"), "{backend:?}");
        assert_eq!(v.review_comment.as_deref(), Some(comment));
        assert_eq!(
            outcome(&f.app.review_alert(&support, &id, comment, t).await),
            "alert_already_reviewed"
        );
        let evs = events_after(&f.app, before).await;
        assert_eq!(evs.len(), 1, "{backend:?}");
        assert_eq!(evs[0].action, "supervision.alert.review");
        assert_eq!(
            evs[0].actor_id.as_deref(),
            Some(support.account_id.as_str())
        );
        assert_eq!(evs[0].detail["comment"], comment);

        assert_eq!(
            f.app
                .list_alerts(&support, Some("open"), 10, 0)
                .await
                .unwrap()
                .total,
            0
        );
        let reviewed = f
            .app
            .list_alerts(&support, Some("reviewed"), 10, 0)
            .await
            .unwrap();
        assert_eq!(
            reviewed.items[0].reviewed_by.as_deref(),
            Some(support.account_id.as_str())
        );
    });
}
