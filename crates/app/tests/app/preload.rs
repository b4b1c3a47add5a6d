//! Issue 12, item 6 — preloading is reading, not feeding (référentiel EXI 11-12): a preload
//! declares a care date and reads at most 10 documents per patient, for at most 50 distinct
//! patients per professional in 24 h, no earlier than 3 days before the care; content goes
//! only to the professional who declared the preload; purpose and care date are in the audit
//! and the history. Feeding has none of these limits. Both backends, fixed clock.

use crate::structure_access::{day_after, structure_id, Software};
use mds_app::information::history::{HistoryFilter, PageRequest};
use mds_app::patients::creation::{Creation, NewPatient};
use mds_app::record::documents::{DocumentQuery, NewDocument};
use mds_app::structure_access::preload::Preload;
use mds_app::structure_access::token::Audience;
use mds_app::{Actor, App};
use mds_domain::identity::IdentityInput;
use mds_domain::{DocumentId, PatientId, Timestamp};
use mds_testkit::app::*;
use mds_testkit::jws::{Alg, SoftwareKey};

fn doc(i: usize) -> NewDocument {
    NewDocument {
        type_code: "11488-4".to_owned(),
        title: format!("Compte rendu {i}"),
        act_date: "2026-09-20".to_owned(),
        confirms_patient_informed: true,
        content: format!("Compte rendu de consultation numéro {i}.").into_bytes(),
        ..NewDocument::default()
    }
}

fn preload(t: Timestamp, days: i64) -> Preload {
    Preload {
        care_date: day_after(t, days),
    }
}

/// `n` new records created by `creator` (who is then in their care team).
async fn patients(app: &App, creator: &Actor, n: usize, from: usize) -> Vec<PatientId> {
    let mut ids = Vec::new();
    for i in from..from + n {
        let identity = IdentityInput {
            identifier_kind: String::new(),
            cafat: (700_000 + i).to_string(),
            birth_name: "Testa".to_owned(),
            first_names: vec!["Paul".to_owned()],
            birth_date: format!("{}-{:02}-14", 1930 + i % 60, 1 + i / 60),
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
        match app.create_patient(creator, p, at(0)).await.unwrap() {
            Creation::Created { patient } => ids.push(patient.id),
            other => panic!("not created: {other:?}"),
        }
    }
    ids
}

/// Dr Néa's software, authenticated at `t`.
async fn doctor_software(s: &Software, t: Timestamp, jti: &str) -> Actor {
    let token = s.token(0, t, jti).await;
    s.app()
        .authenticate_structure_token(&token, s.doctor.as_str(), true, None, t)
        .await
        .unwrap()
}

#[test]
fn a_preload_reads_ten_documents_of_a_patient_from_three_days_before_the_care() {
    on_both(|backend| async move {
        let s = Software::new(backend).await;
        let app = s.app();
        let t = at(MINUTE);
        let sw = doctor_software(&s, t, "a").await;
        let marie = patient_id_by_cafat(app, MARIE_CAFAT).await;
        // Feeding is not limited: twelve documents at once.
        for i in 0..12 {
            app.add_document(&sw, &marie, doc(i), None, t)
                .await
                .unwrap();
        }
        let q = || DocumentQuery::default();
        let cases = [
            ("4 days ahead", 4, "preload_care_date"),
            ("yesterday", -1, "preload_care_date"),
            ("3 days ahead", 3, "ok"),
            ("today", 0, "ok"),
        ];
        let mut failing = Vec::new();
        for (name, days, expected) in cases {
            let before = last_seq(app).await;
            let r = app
                .preload_list_documents(&sw, &marie, &preload(t, days), q(), None, t)
                .await;
            let ev = events_after(app, before).await.pop().unwrap();
            let recorded = (
                ev.action.as_str(),
                ev.detail["purpose"].as_str(),
                ev.detail["care_date"].as_str(),
            );
            let wanted = (
                "document.preload",
                Some("preload"),
                Some(day_after(t, days)),
            );
            if outcome(&r) != expected
                || (recorded.0, recorded.1, recorded.2.map(str::to_owned)) != wanted
            {
                failing.push(format!("{name}: {} {recorded:?}", outcome(&r)));
            }
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:?}");
        let page = app
            .preload_list_documents(&sw, &marie, &preload(t, 2), q(), None, t)
            .await
            .unwrap();
        assert_eq!(
            page.items.len(),
            10,
            "{backend:?}: a preload lists 10 documents at most"
        );
        assert!(page.total > 10);
        let all: Vec<DocumentId> = app
            .list_documents(&sw, &marie, DocumentQuery { limit: 100, ..q() }, None, t)
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|d| d.id)
            .collect();
        for (i, id) in all.iter().take(10).enumerate() {
            let r = app
                .preload_document_content(&sw, &marie, id, &preload(t, 2), None, t)
                .await;
            assert_eq!(outcome(&r), "ok", "{backend:?}: document {i}");
        }
        let before = last_seq(app).await;
        let r = app
            .preload_document_content(&sw, &marie, &all[10], &preload(t, 2), None, t)
            .await;
        assert_eq!(
            outcome(&r),
            "preload_too_many_documents",
            "{backend:?}: the 11th"
        );
        let ev = events_after(app, before).await.pop().unwrap();
        assert_eq!(
            (
                ev.outcome.as_str(),
                ev.rule.as_deref(),
                ev.document_id.as_ref()
            ),
            (
                "deny",
                Some("preload.document_limit"),
                Some(&all[10].to_string())
            ),
            "{backend:?}"
        );
        // A document already preloaded may be read again; an ordinary read is not limited.
        let again = app
            .preload_document_content(&sw, &marie, &all[0], &preload(t, 2), None, t)
            .await;
        assert_eq!(outcome(&again), "ok", "{backend:?}");
        let ordinary = app
            .document_content_for(&sw, &marie, &all[10], None, t)
            .await;
        assert_eq!(outcome(&ordinary), "ok", "{backend:?}");
        // A care date 4 days ahead refuses content too.
        let r = app
            .preload_document_content(&sw, &marie, &all[0], &preload(t, 4), None, t)
            .await;
        assert_eq!(outcome(&r), "preload_care_date", "{backend:?}");

        // The patient reads the preload, its care date and the software in their history.
        let patient = actor(app, PATIENT, at(2 * MINUTE)).await;
        let page = app
            .record_history(
                &patient,
                &marie,
                &HistoryFilter::default(),
                PageRequest {
                    before: None,
                    size: 100,
                },
                None,
                at(2 * MINUTE),
            )
            .await
            .unwrap();
        let care = time::Date::parse(
            &day_after(t, 2),
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .unwrap();
        let fr = format!(
            "{:02}/{:02}/{}",
            care.day(),
            u8::from(care.month()),
            care.year()
        );
        let wanted = "a préchargé le document « Compte rendu";
        let line = page
            .entries
            .iter()
            .find(|e| e.text.contains(wanted))
            .unwrap_or_else(|| panic!("{backend:?}: no preload line in {:#?}", page.entries));
        assert!(
            line.text
                .contains(&format!("pour des soins prévus le {fr}")),
            "{}",
            line.text
        );
        assert!(
            line.text.contains("via le logiciel de Centre hospitalier"),
            "{}",
            line.text
        );
        assert_chain_intact(app).await;
    });
}

#[test]
fn content_goes_only_to_the_professional_the_preload_was_declared_for() {
    on_both(|backend| async move {
        let s = Software::new(backend).await;
        let app = s.app();
        let t = at(MINUTE);
        let sw = doctor_software(&s, t, "a").await;
        let marie = patient_id_by_cafat(app, MARIE_CAFAT).await;
        let d = app
            .add_document(&sw, &marie, doc(1), None, t)
            .await
            .unwrap();
        // No preload declared yet for this record.
        let r = app
            .preload_document_content(&sw, &marie, &d.id, &preload(t, 1), None, t)
            .await;
        assert_eq!(outcome(&r), "preload_not_declared", "{backend:?}");
        app.preload_list_documents(
            &sw,
            &marie,
            &preload(t, 1),
            DocumentQuery::default(),
            None,
            t,
        )
        .await
        .unwrap();
        // The psychologist of the same structure, authorised too, declared nothing.
        let psy = account_id(app, PSYCHOLOGIST).await;
        app.authorise_structure_professional(
            &s.support,
            &s.structure,
            psy.as_str(),
            &day_after(t, 30),
            t,
        )
        .await
        .unwrap();
        let token = s.token(1, t, "b").await;
        let other = app
            .authenticate_structure_token(&token, psy.as_str(), true, None, t)
            .await
            .unwrap();
        let r = app
            .preload_document_content(&other, &marie, &d.id, &preload(t, 1), None, t)
            .await;
        assert_ne!(
            outcome(&r),
            "ok",
            "{backend:?}: not the professional it was preloaded for"
        );
        let r = app
            .preload_document_content(&sw, &marie, &d.id, &preload(t, 1), None, t)
            .await;
        assert_eq!(outcome(&r), "ok", "{backend:?}");
        // A professional in person does not preload.
        let doctor = actor(app, DOCTOR, t).await;
        let r = app
            .preload_list_documents(
                &doctor,
                &marie,
                &preload(t, 1),
                DocumentQuery::default(),
                None,
                t,
            )
            .await;
        assert_eq!(outcome(&r), "forbidden", "{backend:?}");
    });
}

#[test]
fn a_professional_preloads_at_most_50_distinct_patients_in_24_hours() {
    on_both(|backend| async move {
        let s = Software::new(backend).await;
        let app = s.app();
        let doctor = actor(app, DOCTOR, at(0)).await;
        let ids = patients(app, &doctor, 51, 0).await;
        let start = at(HOUR);
        let sw = doctor_software(&s, start, "a").await;
        let q = || DocumentQuery::default();
        for (i, id) in ids.iter().take(50).enumerate() {
            let t = Timestamp::from_millis(start.millis() + i64::try_from(i).unwrap() * 1000);
            let r = app
                .preload_list_documents(&sw, id, &preload(t, 1), q(), None, t)
                .await;
            assert_eq!(outcome(&r), "ok", "{backend:?}: patient {i}");
        }
        let t = Timestamp::from_millis(start.millis() + 2 * HOUR);
        let before = last_seq(app).await;
        let r = app
            .preload_list_documents(&sw, &ids[50], &preload(t, 1), q(), None, t)
            .await;
        assert_eq!(
            outcome(&r),
            "preload_patient_limit",
            "{backend:?}: the 51st"
        );
        assert!(r.err().unwrap().public_message().contains("50 dossiers"));
        let evs = events_after(app, before).await;
        assert_eq!(evs.len(), 1);
        assert_eq!(
            (evs[0].outcome.as_str(), evs[0].rule.as_deref()),
            ("deny", Some("preload.patient_limit")),
            "{backend:?}"
        );
        // A patient already preloaded today is not a new one.
        let r = app
            .preload_list_documents(&sw, &ids[0], &preload(t, 1), q(), None, t)
            .await;
        assert_eq!(outcome(&r), "ok", "{backend:?}");
        // Past 24 h the first patients leave the window.
        let t = Timestamp::from_millis(start.millis() + DAY + 1000);
        let sw = doctor_software(&s, t, "b").await;
        let r = app
            .preload_list_documents(&sw, &ids[50], &preload(t, 1), q(), None, t)
            .await;
        assert_eq!(outcome(&r), "ok", "{backend:?}: a place freed");
    });
}

#[test]
fn a_laboratory_feeds_60_patients_in_a_day_without_preload_limits() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let support = actor(app, SUPPORT, at(0)).await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let ids = patients(app, &doctor, 60, 100).await;
        let lab = structure_id(app, "0900004.001").await;
        let c = app
            .create_software_credential(
                &support,
                &lab,
                &mds_app::structure_access::credentials::NewCredential {
                    label: "SIL du laboratoire".to_owned(),
                    ends_on: day_after(at(0), 700),
                    with_secret: false,
                },
                at(0),
            )
            .await
            .unwrap();
        let key = SoftwareKey::generate(Alg::Es384, "sil-1");
        app.register_structure_keys(
            &support,
            &c.credential.id,
            &key.public_jwk().to_string(),
            at(0),
        )
        .await
        .unwrap();
        let biologist = account_id(app, BIOLOGIST).await;
        app.authorise_structure_professional(
            &support,
            &lab,
            biologist.as_str(),
            &day_after(at(0), 700),
            at(0),
        )
        .await
        .unwrap();
        let mut failing = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let t = Timestamp::from_millis(at(HOUR).millis() + i64::try_from(i).unwrap() * 60_000);
            let a = key.assertion(
                &c.credential.id,
                "http://localhost/fhir/auth/token",
                t.millis(),
                &format!("j{i}"),
            );
            let token = app
                .issue_structure_token(
                    &crate::structure_access::Software::request(a),
                    &Audience::AnyOrigin,
                    None,
                    t,
                )
                .await
                .unwrap()
                .access_token;
            let sw = app
                .authenticate_structure_token(&token, biologist.as_str(), true, None, t)
                .await
                .unwrap();
            let d = NewDocument {
                type_code: "11502-2".to_owned(),
                title: format!("Bilan biologique {i}"),
                act_date: "2026-09-21".to_owned(),
                confirms_patient_informed: true,
                content: format!("Résultats du bilan {i}.").into_bytes(),
                ..NewDocument::default()
            };
            let r = app.add_document(&sw, id, d, None, t).await;
            if outcome(&r) != "ok" {
                failing.push(format!("patient {i}: {}", outcome(&r)));
            }
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:?}");
        let fed = events_of(app, "document.add")
            .await
            .into_iter()
            .filter(|e| {
                e.on_behalf_of.as_deref() == Some(biologist.as_str())
                    && e.outcome.as_str() == "permit"
            })
            .count();
        assert_eq!(fed, 60, "{backend:?}");
    });
}
