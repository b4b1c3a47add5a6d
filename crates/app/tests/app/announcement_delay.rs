//! Issue 17, item 6 — announcement delays per document type or class: with pathology reports
//! (type 60568-3) at 10 days and the class of imaging (31) at 6, a professional's deposit of
//! such a document is hidden from the patient by default and released by the existing timers
//! after that many days (the reminder at half of it); the depositor may make it visible at
//! once; other types, the patient's own deposits and an explicit hiding keep their rules. Both
//! backends, fixed clock.

use mds_app::record::documents::{DocumentQuery, NewDocument};
use mds_app::{App, Settings};
use mds_domain::{PatientId, Timestamp};
use mds_testkit::app::*;

fn settings() -> Settings {
    let mut s = Settings::default();
    s.announcement_delay_days.insert("60568-3".to_owned(), 10);
    s.announcement_delay_days.insert("class:31".to_owned(), 6);
    s
}

fn doc(type_code: &str, title: &str, hidden: bool, visible_now: bool) -> NewDocument {
    NewDocument {
        type_code: type_code.to_owned(),
        title: title.to_owned(),
        act_date: "2026-11-20".to_owned(),
        hidden_from_patient: hidden,
        visible_to_patient_now: visible_now,
        confirms_patient_informed: true,
        content: format!("Contenu : {title}").into_bytes(),
        ..NewDocument::default()
    }
}

/// The titles the patient sees in their list at `t`.
async fn patient_sees(app: &App, marie: &PatientId, t: Timestamp) -> Vec<String> {
    let patient = actor(app, PATIENT, t).await;
    let q = DocumentQuery {
        limit: 100,
        ..DocumentQuery::default()
    };
    let mut titles: Vec<String> = app
        .list_documents(&patient, marie, q, None, t)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|d| d.title)
        .filter(|t| t.starts_with("Délai"))
        .collect();
    titles.sort();
    titles
}

#[test]
fn typed_deposits_wait_for_their_announcement_delay_unless_the_depositor_says_otherwise() {
    on_both(|backend| async move {
        let f = Fixture::with_settings(backend, settings())
            .await
            .with_demo(at(-DAY))
            .await;
        let app = &f.app;
        let t = at(0);
        let marie = patient_id_by_cafat(app, MARIE_CAFAT).await;
        let doctor = actor(app, DOCTOR, t).await;
        // (title, type, hidden asked, visible now asked)
        let deposits = [
            ("Délai — anatomopathologie", "60568-3", false, false),
            ("Délai — anatomopathologie annoncée", "60568-3", false, true),
            ("Délai — imagerie", "18748-4", false, false),
            ("Délai — consultation", "11488-4", false, false),
            ("Délai — consultation cachée", "11488-4", true, false),
        ];
        for (title, type_code, hidden, visible_now) in deposits {
            app.add_document(
                &doctor,
                &marie,
                doc(type_code, title, hidden, visible_now),
                None,
                t,
            )
            .await
            .unwrap_or_else(|e| panic!("{backend:?} {title}: {e:?}"));
        }
        // The patient's own deposit of a delayed type is never hidden from them.
        let patient = actor(app, PATIENT, t).await;
        app.add_document(
            &patient,
            &marie,
            doc("60568-3", "Délai — mon propre compte rendu", false, false),
            None,
            t,
        )
        .await
        .unwrap();
        assert_eq!(
            patient_sees(app, &marie, at(HOUR)).await,
            [
                "Délai — anatomopathologie annoncée",
                "Délai — consultation",
                "Délai — mon propre compte rendu",
            ],
            "{backend:?}: at once"
        );
        // A new version of the announced report is not delayed again.
        let q = DocumentQuery {
            limit: 100,
            ..DocumentQuery::default()
        };
        let announced = app
            .list_documents(&doctor, &marie, q, None, t)
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|d| d.title == "Délai — anatomopathologie annoncée")
            .unwrap();
        let v2 = app
            .modify_document(
                &doctor,
                &marie,
                &announced.id,
                doc(
                    "60568-3",
                    "Délai — anatomopathologie annoncée v2",
                    false,
                    false,
                ),
                None,
                t,
            )
            .await
            .unwrap();
        assert!(
            !v2.hidden_from_patient,
            "{backend:?}: a new version keeps the patient's view"
        );
        // The doctor sees everything they deposited.
        let q = DocumentQuery {
            limit: 100,
            ..DocumentQuery::default()
        };
        let listed = app
            .list_documents(&doctor, &marie, q, None, t)
            .await
            .unwrap();
        assert_eq!(
            listed
                .items
                .iter()
                .filter(|d| d.title.starts_with("Délai"))
                .count(),
            6
        );

        // Imaging (class 31, 6 days): reminder at 3 days, released at 6; the pathology
        // report (10 days): reminder at 5, released at 10; the explicit hiding: 14 and 30.
        app.fire_timers(at(6 * DAY - 1)).await.unwrap();
        assert_eq!(
            patient_sees(app, &marie, at(6 * DAY - 1)).await.len(),
            3,
            "{backend:?}"
        );
        app.fire_timers(at(6 * DAY)).await.unwrap();
        assert!(
            patient_sees(app, &marie, at(6 * DAY))
                .await
                .contains(&"Délai — imagerie".to_owned()),
            "{backend:?}: imaging released after 6 days"
        );
        app.fire_timers(at(10 * DAY)).await.unwrap();
        let seen = patient_sees(app, &marie, at(10 * DAY)).await;
        assert!(
            seen.contains(&"Délai — anatomopathologie".to_owned()),
            "{backend:?}: {seen:?}"
        );
        assert!(
            !seen.contains(&"Délai — consultation cachée".to_owned()),
            "{backend:?}"
        );
        app.fire_timers(at(30 * DAY)).await.unwrap();
        assert_eq!(
            patient_sees(app, &marie, at(30 * DAY)).await.len(),
            6,
            "{backend:?}"
        );
        // The reminders: at 3 days (imaging) and 5 days (pathology), 14 (explicit).
        let dues: Vec<i64> = {
            let rows: Vec<(String, i64)> = mds_store::Query::new(
                "SELECT kind, due_at_ms FROM timers WHERE kind = 'hidden_document.reminder' \
                 AND patient_id = $1 ORDER BY due_at_ms",
            )
            .bind(&marie)
            .fetch_all(app.db())
            .await
            .unwrap();
            rows.into_iter()
                .map(|(_, d)| (d - t.millis()) / DAY)
                .collect()
        };
        assert_eq!(dues, [3, 5, 14], "{backend:?}");
        assert_chain_intact(app).await;
    });
}

#[test]
fn without_delays_nothing_changes() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let t = at(0);
        let marie = patient_id_by_cafat(app, MARIE_CAFAT).await;
        let doctor = actor(app, DOCTOR, t).await;
        app.add_document(
            &doctor,
            &marie,
            doc("60568-3", "Délai — anatomopathologie", false, false),
            None,
            t,
        )
        .await
        .unwrap();
        assert_eq!(
            patient_sees(app, &marie, at(HOUR)).await,
            ["Délai — anatomopathologie"],
            "{backend:?}: no delay configured, visible at once"
        );
    });
}
