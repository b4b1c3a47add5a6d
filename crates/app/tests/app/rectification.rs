//! Rectification and limitation (issue 15, item 2): a patient asks for the correction of one
//! identity trait, support applies it after comparing the evidence — the duplicate check is run
//! again against the other records (another record's identity refused, a near match held until
//! support confirms two people) — or rejects it with a reason; the values before and after stay
//! in the request, the audit names the field only, the patient is told. A limited record is
//! closed to professionals except through an emergency access. Fixed clock; both backends.

use mds_app::patients::creation::{Creation, NewPatient};
use mds_app::record::documents::DocumentQuery;
use mds_app::{Actor, App};
use mds_domain::identity::IdentityInput;
use mds_domain::PatientId;
use mds_testkit::app::*;

async fn create(app: &App, doctor: &Actor, cafat: &str, first: &[&str], place: &str) {
    let identity = IdentityInput {
        identifier_kind: String::new(),
        cafat: cafat.to_owned(),
        birth_name: "Kasarhérou".to_owned(),
        first_names: first.iter().map(|f| (*f).to_owned()).collect(),
        birth_date: "1985-03-14".to_owned(),
        sex: "F".to_owned(),
        birth_place: place.to_owned(),
    };
    let p = NewPatient {
        identity,
        identity_document_checked: true,
        cafat_card_checked: true,
        consent_signed: true,
        informed_of_rights: true,
        ..NewPatient::default()
    };
    match app.create_patient(doctor, p, at(0)).await.unwrap() {
        Creation::Created { .. } => {}
        other => panic!("not created: {other:?}"),
    }
}

async fn birth_name(app: &App, record: &PatientId) -> String {
    let p = mds_store::patients::by_id(app.db(), record)
        .await
        .unwrap()
        .unwrap();
    p.birth_name
}

#[test]
fn a_rectification_is_asked_checked_and_applied_or_rejected() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let patient = actor(app, PATIENT, at(0)).await;
        let support = actor(app, SUPPORT, at(0)).await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let marie = patient_id_by_cafat(app, "1234567").await;

        // (name, field, value, expected refusal)
        let refused = [
            ("the CAFAT number", "cafat", "7777777", "unknown_field"),
            (
                "the same value",
                "birth_name",
                " Wéa ",
                "rectification_same_value",
            ),
            (
                "an impossible date",
                "birth_date",
                "31/02/1985",
                "birth_date_format",
            ),
            ("a minor", "birth_date", "2020-01-01", "minor"),
        ];
        for (name, field, value, code) in refused {
            let r = app
                .request_rectification(&patient, field, value, "", at(MINUTE))
                .await;
            assert_eq!(outcome(&r), code, "{backend:?}: {name}");
        }
        let by_doctor = app
            .request_rectification(&doctor, "birth_name", "Wea", "", at(MINUTE))
            .await;
        assert_eq!(outcome(&by_doctor), "forbidden", "{backend:?}");

        let asked = app
            .request_rectification(
                &patient,
                "first_names",
                "Marie Joséphine",
                "Erreur à la création du dossier.",
                at(MINUTE),
            )
            .await
            .unwrap();
        assert_eq!(asked.state, "pending");
        assert_eq!(asked.previous_value, "Marie Josépha");
        let queue = app.pending_rectifications(&support).await.unwrap();
        assert_eq!(queue.len(), 1, "{backend:?}");
        assert_eq!(queue[0].patient.birth_name, "Wéa");
        assert_eq!(
            outcome(&app.pending_rectifications(&doctor).await),
            "forbidden"
        );

        let no_evidence = app
            .apply_rectification(&support, &asked.id, "  ", false, at(HOUR))
            .await;
        assert_eq!(outcome(&no_evidence), "evidence_required", "{backend:?}");
        let applied = app
            .apply_rectification(&support, &asked.id, "Acte de naissance vu", false, at(HOUR))
            .await
            .unwrap();
        assert_eq!(applied.state, "applied", "{backend:?}");
        let row = mds_store::patients::by_id(app.db(), &marie)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.first_names, r#"["Marie","Joséphine"]"#, "{backend:?}");
        let again = app
            .apply_rectification(&support, &asked.id, "x", false, at(HOUR))
            .await;
        assert_eq!(outcome(&again), "rectification_decided");

        let events = events_after(app, 0).await;
        let audited = events
            .iter()
            .find(|e| e.action == "patient.rectification.apply")
            .expect("audited");
        assert_eq!(audited.detail["field"], "first_names");
        assert!(
            !audited.detail.to_string().contains("Joséph"),
            "{backend:?}: no value in the audit"
        );
        let told = app
            .notifications(&patient, false, 50, 0)
            .await
            .unwrap()
            .items;
        assert!(told
            .iter()
            .any(|n| n.kind == "rectification" && n.text.contains("prénoms")));

        let second = app
            .request_rectification(&patient, "birth_place", "98818", "", at(2 * HOUR))
            .await
            .unwrap();
        let no_note = app
            .reject_rectification(&support, &second.id, "", at(3 * HOUR))
            .await;
        assert_eq!(outcome(&no_note), "note_required");
        app.reject_rectification(
            &support,
            &second.id,
            "Justificatif illisible.",
            at(3 * HOUR),
        )
        .await
        .unwrap();
        let mine = app.my_rectifications(&patient).await.unwrap();
        assert_eq!(mine.len(), 2);
        assert_eq!(mine[0].state, "rejected");
        assert_eq!(
            mine[0].decision_note.as_deref(),
            Some("Justificatif illisible.")
        );
        let told = app
            .notifications(&patient, false, 50, 0)
            .await
            .unwrap()
            .items;
        assert!(told
            .iter()
            .any(|n| n.text.contains("Justificatif illisible.")));
        let row = mds_store::patients::by_id(app.db(), &marie)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.birth_place, "98814", "{backend:?}: unchanged");
    });
}

#[test]
fn applying_refuses_another_records_identity() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let patient = actor(app, PATIENT, at(0)).await;
        let support = actor(app, SUPPORT, at(0)).await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let marie = patient_id_by_cafat(app, "1234567").await;
        // Another record with the corrected identity exactly.
        create(app, &doctor, "8100001", &["Marie", "Josépha"], "98814").await;
        let asked = app
            .request_rectification(&patient, "birth_name", "Kasarhérou", "", at(MINUTE))
            .await
            .unwrap();
        for confirmed in [false, true] {
            let r = app
                .apply_rectification(&support, &asked.id, "CNI vue", confirmed, at(HOUR))
                .await;
            assert_eq!(
                outcome(&r),
                "duplicate_identity",
                "{backend:?}: {confirmed}"
            );
        }
        assert_eq!(birth_name(app, &marie).await, "Wéa", "{backend:?}");
        let still = app.rectification_case(&support, &asked.id).await.unwrap();
        assert_eq!(
            still.request.state, "pending",
            "{backend:?}: left to decide"
        );
    });
}

#[test]
fn applying_holds_on_a_near_match_until_support_confirms_two_people() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let patient = actor(app, PATIENT, at(0)).await;
        let support = actor(app, SUPPORT, at(0)).await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let marie = patient_id_by_cafat(app, "1234567").await;
        // Same birth date and sex, names alike once corrected, other first names and place.
        create(app, &doctor, "8100002", &["Marie"], "98818").await;
        let asked = app
            .request_rectification(&patient, "birth_name", "Kasarherou", "", at(MINUTE))
            .await
            .unwrap();
        let held = app
            .apply_rectification(&support, &asked.id, "CNI vue", false, at(HOUR))
            .await;
        assert_eq!(outcome(&held), "rectification_near_match", "{backend:?}");
        assert_eq!(
            birth_name(app, &marie).await,
            "Wéa",
            "{backend:?}: not applied"
        );
        app.apply_rectification(&support, &asked.id, "CNI vue", true, at(HOUR))
            .await
            .unwrap();
        assert_eq!(birth_name(app, &marie).await, "Kasarherou", "{backend:?}");
        let applied = events_after(app, 0)
            .await
            .into_iter()
            .find(|e| e.action == "patient.rectification.apply")
            .unwrap();
        assert_eq!(applied.detail["near_match_confirmed_distinct"], true);
    });
}

#[test]
fn a_limited_record_is_closed_to_professionals_except_in_an_emergency() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let patient = actor(app, PATIENT, at(0)).await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let support = actor(app, SUPPORT, at(0)).await;
        let marie = patient_id_by_cafat(app, "1234567").await;
        let record = &marie;
        let list = |who: Actor, t: i64| async move {
            app.list_documents(&who, record, DocumentQuery::default(), None, at(t))
                .await
        };
        assert!(
            list(doctor.clone(), MINUTE).await.is_ok(),
            "{backend:?}: care team"
        );
        let by_doctor = app.set_limitation(&doctor, &marie, true, at(MINUTE)).await;
        assert_eq!(outcome(&by_doctor), "forbidden");
        let set = app
            .set_limitation(&patient, &marie, true, at(MINUTE))
            .await
            .unwrap();
        assert!(set.limited);
        assert_eq!(
            outcome(&list(doctor.clone(), 2 * MINUTE).await),
            "not_found",
            "{backend:?}: refused like a record one may not see"
        );
        let denial = events_after(app, 0)
            .await
            .into_iter()
            .rev()
            .find(|e| e.action == "document.search")
            .unwrap();
        assert_eq!(
            denial.rule.as_deref(),
            Some("record.limited"),
            "{backend:?}"
        );
        assert!(
            list(patient.clone(), 2 * MINUTE).await.is_ok(),
            "the patient keeps it"
        );

        app.open_emergency_access(
            &doctor,
            &marie,
            false,
            "Patiente inconsciente aux urgences, antécédents inconnus.",
            None,
            at(3 * MINUTE),
        )
        .await
        .unwrap();
        assert!(
            list(doctor.clone(), 4 * MINUTE).await.is_ok(),
            "{backend:?}: emergency access"
        );

        let lifted = app
            .set_limitation(&support, &marie, false, at(5 * MINUTE))
            .await
            .unwrap();
        assert!(!lifted.limited);
        let told = app
            .notifications(&patient, false, 50, 0)
            .await
            .unwrap()
            .items;
        assert!(told.iter().any(|n| n.kind == "limitation"), "{backend:?}");
        assert!(!app.my_limitation(&patient).await.unwrap().limited);
    });
}
