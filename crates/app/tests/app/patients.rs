//! Issue 3 — patients: creation by a professional with its refusals (nothing partially
//! created), near-match review and search. Both backends, fixed clock. The life of a record
//! after its creation is in `patient_records.rs`.
#![allow(clippy::unwrap_used)]

use mds_app::patients::creation::{Creation, NewPatient};
use mds_app::patients::search::PatientQuery;
use mds_domain::identity::IdentityInput;
use mds_domain::{AccountState, FileOwnerKind, Format, IdentityStatus, ReviewStatus};
use mds_testkit::app::*;
use mds_testkit::typed;

#[test]
fn a_professional_creates_an_inactive_validated_record_with_its_care_team() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let nurse = account_id(&f.app, "inf.kaloi@demo.mds.nc").await;
        let mut p = new_patient(identity("555111", "Néa", "Paul", "12/04/1970", "M"));
        p.care_team = vec![nurse.clone()];
        let before = last_seq(&f.app).await;
        let created = f.app.create_patient(&doctor, p, at(MINUTE)).await.unwrap();
        let Creation::Created { patient } = created else {
            panic!("{backend:?}: not created: {created:?}");
        };
        assert_eq!(
            patient.record_state,
            typed::<AccountState>("inactive"),
            "{backend:?}"
        );
        assert_eq!(
            patient.identity_status,
            typed::<IdentityStatus>("validated"),
            "{backend:?}"
        );
        let row = mds_store::patients::by_id(f.app.db(), &patient.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.validated_by.as_ref(), Some(&doctor.account_id));
        assert_eq!(row.validated_how.as_deref(), Some("in_person"));
        assert_eq!(row.birth_name_norm, "NEA");
        let mut team: Vec<String> = mds_store::care_team::members(f.app.db(), &patient.id)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.professional_account_id.to_string())
            .collect();
        team.sort();
        let mut expected = vec![doctor.account_id.to_string(), nurse.to_string()];
        expected.sort();
        assert_eq!(team, expected, "{backend:?}");
        let files =
            mds_store::identity_files::for_owner(f.app.db(), FileOwnerKind::Patient, &patient.id)
                .await
                .unwrap();
        assert_eq!(files.len(), 1, "{backend:?}: consent form stored");
        assert_eq!(files[0].format, typed::<Format>("application/pdf"));
        let events = events_after(&f.app, before).await;
        assert!(
            events.iter().any(|e| e.action == "patient.create"
                && e.patient_id.as_deref() == Some(patient.id.as_str())
                && e.detail["informed_of_rights"] == mds_app::patients::RIGHTS_NOTICE_VERSION),
            "{backend:?}: creation audited, with the information the person was given"
        );
        assert_chain_intact(&f.app).await;
    });
}

#[test]
fn refusals_create_nothing() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let patient_actor = actor(&f.app, PATIENT, at(0)).await;
        let ok = || new_patient(identity("555222", "Kaloi", "Anna", "1980-05-01", "F"));
        let with = |change: &dyn Fn(&mut NewPatient)| {
            let mut p = ok();
            change(&mut p);
            p
        };
        let cases: Vec<(&str, NewPatient, &str)> = vec![
            (
                "minor (under 18 in Nouméa)",
                with(&|p| p.identity.birth_date = "2010-01-01".into()),
                "minor",
            ),
            (
                "CAFAT already known",
                with(&|p| p.identity.cafat = "1234567".into()),
                "duplicate_cafat",
            ),
            (
                "same five traits as a record",
                new_patient(IdentityInput {
                    first_names: vec!["Joseph".into(), "Emile".into()],
                    birth_place: "98822".into(),
                    ..identity("555333", "Poigoune", "Joseph", "1952-07-02", "M")
                }),
                "duplicate_identity",
            ),
            (
                "attestation missing",
                with(&|p| p.consent_signed = false),
                "attestation_missing",
            ),
            (
                "person not informed",
                with(&|p| p.informed_of_rights = false),
                "attestation_missing",
            ),
            (
                "31 February",
                with(&|p| p.identity.birth_date = "31/02/1980".into()),
                "birth_date_format",
            ),
            (
                "future birth date",
                with(&|p| p.identity.birth_date = "2030-01-01".into()),
                "birth_date_in_future",
            ),
            (
                "unknown commune",
                with(&|p| p.identity.birth_place = "98899".into()),
                "birth_place_unknown_nc_commune",
            ),
            (
                "letters in the CAFAT number",
                with(&|p| p.identity.cafat = "12A456".into()),
                "cafat_not_digits",
            ),
            (
                "empty first name",
                with(&|p| p.identity.first_names = vec![" ".into()]),
                "first_names_missing",
            ),
            (
                "control character",
                with(&|p| p.identity.birth_name = "Ka\u{7}loi".into()),
                "birth_name_invalid_character",
            ),
            (
                "unknown care team member",
                with(&|p| p.care_team = vec![typed("0b6f3a52-5d7e-4c1a-9a43-2f1e8c0d9b11")]),
                "unknown_professional",
            ),
            (
                "consent form of another format",
                with(&|p| p.consent_form = Some(b"GIF89a....".to_vec())),
                "unsupported_format",
            ),
            (
                "bad e-mail",
                with(&|p| p.email = Some("anna at example".into())),
                "invalid_email",
            ),
        ];
        let patients_before = count(&f.app, "patients").await;
        let files_before = count(&f.app, "identity_files").await;
        let objects_before = f.app.vault().list().await.unwrap().len();
        let mut failing = Vec::new();
        for (name, p, expected) in cases {
            let r = f.app.create_patient(&doctor, p, at(MINUTE)).await;
            if outcome(&r) != expected {
                failing.push(format!("{name}: expected {expected}, got {}", outcome(&r)));
            }
        }
        let r = f.app.create_patient(&patient_actor, ok(), at(MINUTE)).await;
        if outcome(&r) != "forbidden" {
            failing.push(format!("patient creating: {}", outcome(&r)));
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:#?}");
        assert_eq!(
            count(&f.app, "patients").await,
            patients_before,
            "{backend:?}"
        );
        assert_eq!(count(&f.app, "identity_files").await, files_before);
        assert_eq!(f.app.vault().list().await.unwrap().len(), objects_before);
        let minor = f
            .app
            .create_patient(
                &doctor,
                with(&|p| p.identity.birth_date = "2010-01-01".into()),
                at(MINUTE),
            )
            .await
            .err()
            .unwrap();
        assert!(
            minor
                .public_message()
                .starts_with("Cette personne a moins de 18 ans"),
            "{}",
            minor.public_message()
        );
    });
}

#[test]
fn a_near_match_is_held_for_support_review_and_not_created() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        // Poigoune Joseph, 02/07/1952, M exists: a typo in the birth name is a near match.
        let p = new_patient(identity("555444", "Poigounne", "Joseph", "1952-07-02", "M"));
        let patients_before = count(&f.app, "patients").await;
        let r = f.app.create_patient(&doctor, p, at(MINUTE)).await.unwrap();
        let Creation::HeldForReview { review_id } = r else {
            panic!("{backend:?}: expected a review, got {r:?}");
        };
        assert_eq!(
            count(&f.app, "patients").await,
            patients_before,
            "{backend:?}"
        );
        let review = mds_store::enrolments::review_by_id(f.app.db(), &review_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(review.status, typed::<ReviewStatus>("pending"));
        assert_eq!(
            review.candidate_patient_id,
            Some(patient_id_by_cafat(&f.app, "7654321").await)
        );
        let files = mds_store::identity_files::for_owner(
            f.app.db(),
            typed::<FileOwnerKind>("review"),
            &review_id,
        )
        .await
        .unwrap();
        assert_eq!(
            files.len(),
            1,
            "{backend:?}: consent form kept with the review"
        );

        let support = actor(&f.app, SUPPORT, at(0)).await;
        assert_eq!(
            outcome(&f.app.list_identity_reviews(&doctor, at(MINUTE)).await),
            "forbidden"
        );
        let queue = f
            .app
            .list_identity_reviews(&support, at(MINUTE))
            .await
            .unwrap();
        assert_eq!(queue.len(), 1, "{backend:?}");
        assert_eq!(queue[0].identity["birth_name"], "Poigounne");
        assert_eq!(queue[0].candidate.as_ref().unwrap().birth_name, "Poigoune");
        let created = f
            .app
            .approve_identity_review(
                &support,
                &review_id,
                "frère jumeau, vérifié",
                at(2 * MINUTE),
            )
            .await
            .unwrap();
        assert_eq!(
            (
                created.record_state.as_str(),
                created.identity_status.as_str()
            ),
            ("inactive", "validated")
        );
        let row = mds_store::patients::by_id(f.app.db(), &created.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            row.validated_by.as_ref(),
            Some(&doctor.account_id),
            "{backend:?}"
        );
        let moved =
            mds_store::identity_files::for_owner(f.app.db(), FileOwnerKind::Patient, &created.id)
                .await
                .unwrap();
        assert_eq!(
            moved.len(),
            1,
            "{backend:?}: consent form follows the record"
        );
        let again = f
            .app
            .reject_identity_review(&support, &review_id, "", at(2 * MINUTE))
            .await;
        assert_eq!(outcome(&again), "already_decided");

        // A second near match (swapped names) is rejected: nothing is created.
        let p = new_patient(identity("555445", "Joseph", "Poigoune", "1952-07-02", "M"));
        let Creation::HeldForReview { review_id } = f
            .app
            .create_patient(&doctor, p, at(3 * MINUTE))
            .await
            .unwrap()
        else {
            panic!("{backend:?}: swapped names are a near match");
        };
        let before = count(&f.app, "patients").await;
        f.app
            .reject_identity_review(&support, &review_id, "même personne", at(4 * MINUTE))
            .await
            .unwrap();
        assert_eq!(count(&f.app, "patients").await, before);
        assert!(mds_store::identity_files::for_owner(
            f.app.db(),
            typed::<FileOwnerKind>("review"),
            &review_id
        )
        .await
        .unwrap()
        .is_empty());
    });
}

#[test]
fn search_confirms_identity_without_listing_patients() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let patient_actor = actor(&f.app, PATIENT, at(0)).await;
        let before = last_seq(&f.app).await;
        let q = |cafat: &str, birth: &str| PatientQuery::Cafat {
            identifier_kind: String::new(),
            cafat: cafat.into(),
            birth_date: birth.into(),
        };
        let found = f
            .app
            .search_patients(&doctor, q("1234567", "14/03/1985"), None, at(MINUTE))
            .await
            .unwrap();
        assert_eq!(found.len(), 1, "{backend:?}");
        assert_eq!(found[0].birth_name, "Wéa");
        assert_eq!(found[0].first_names, ["Marie", "Josépha"]);
        let wrong_birth = f
            .app
            .search_patients(&doctor, q("1234567", "1985-03-15"), None, at(MINUTE))
            .await
            .unwrap();
        assert!(wrong_birth.is_empty(), "{backend:?}: birth date must match");
        let by_traits = f
            .app
            .search_patients(
                &doctor,
                PatientQuery::Traits {
                    birth_name: "POIGOUNE".into(),
                    first_name: "émile".into(),
                    birth_date: "1952-07-02".into(),
                    sex: "M".into(),
                    birth_place: None,
                },
                None,
                at(MINUTE),
            )
            .await
            .unwrap();
        assert_eq!(by_traits.len(), 1, "{backend:?}: second first name matches");
        let bad = f
            .app
            .search_patients(&doctor, q("12345A7", "1985-03-14"), None, at(MINUTE))
            .await;
        assert_eq!(outcome(&bad), "cafat_not_digits");
        let denied = f
            .app
            .search_patients(&patient_actor, q("1234567", "1985-03-14"), None, at(MINUTE))
            .await;
        assert_eq!(outcome(&denied), "forbidden");
        let searches: Vec<_> = events_after(&f.app, before)
            .await
            .into_iter()
            .filter(|e| e.action == "patient.search")
            .collect();
        assert_eq!(searches.len(), 3, "{backend:?}: every search audited");
        assert_eq!(searches[0].detail["found"], 1);
        assert_eq!(searches[1].detail["found"], 0);
        assert!(!searches[0].detail.to_string().contains("1234567"));
        // The birth place, when given, narrows (exact code); a malformed one is refused.
        for (place, want) in [("98822", Ok(1)), ("98818", Ok(0)), ("98899", Err(()))] {
            let got = f
                .app
                .search_patients(
                    &doctor,
                    PatientQuery::Traits {
                        birth_name: "Poigoune".into(),
                        first_name: "Joseph".into(),
                        birth_date: "1952-07-02".into(),
                        sex: "M".into(),
                        birth_place: Some(place.into()),
                    },
                    None,
                    at(MINUTE),
                )
                .await
                .map(|found| found.len())
                .map_err(|_| ());
            assert_eq!(got, want, "{backend:?}: birth place {place}");
        }
    });
}
