//! Issue 3 — patients: creation by a professional with its refusals (nothing partially
//! created), near-match review, search, activation, care team by support, death, closure with
//! the 10-year purge, erasure. Both backends, fixed clock.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use mds_app::patients::{Creation, NewPatient, PatientQuery};
use mds_app::App;
use mds_domain::identity::IdentityInput;
use mds_domain::Timestamp;

const DAY: i64 = 24 * HOUR;

fn identity(cafat: &str, name: &str, first: &str, birth: &str, sex: &str) -> IdentityInput {
    IdentityInput {
        cafat: cafat.to_owned(),
        birth_name: name.to_owned(),
        first_names: vec![first.to_owned()],
        birth_date: birth.to_owned(),
        sex: sex.to_owned(),
        birth_place: "98818".to_owned(),
    }
}

fn new_patient(identity: IdentityInput) -> NewPatient {
    NewPatient {
        identity,
        email: None,
        phone: Some("25 12 34".to_owned()),
        identity_document_checked: true,
        cafat_card_checked: true,
        consent_signed: true,
        care_team: vec![],
        exclude_creator: false,
        consent_form: Some(b"%PDF-1.4\nconsentement signe\n".to_vec()),
    }
}

async fn count(app: &App, table: &str) -> i64 {
    let row: (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    row.0
}

async fn patient_id_by_cafat(app: &App, cafat: &str) -> String {
    mds_store::patients::by_cafat(app.db().pool(), cafat)
        .await
        .unwrap()
        .unwrap()
        .id
}

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
        assert_eq!(patient.record_state, "inactive", "{backend:?}");
        assert_eq!(patient.identity_status, "validated", "{backend:?}");
        let row = mds_store::patients::by_id(f.app.db().pool(), &patient.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            row.validated_by.as_deref(),
            Some(doctor.account_id.as_str())
        );
        assert_eq!(row.validated_how.as_deref(), Some("in_person"));
        assert_eq!(row.birth_name_norm, "NEA");
        let mut team: Vec<String> = mds_store::care_team::members(f.app.db().pool(), &patient.id)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.professional_account_id)
            .collect();
        team.sort();
        let mut expected = vec![doctor.account_id.to_string(), nurse];
        expected.sort();
        assert_eq!(team, expected, "{backend:?}");
        let files = mds_store::identity_files::for_owner(f.app.db().pool(), "patient", &patient.id)
            .await
            .unwrap();
        assert_eq!(files.len(), 1, "{backend:?}: consent form stored");
        assert_eq!(files[0].format, "application/pdf");
        let events = events_after(&f.app, before).await;
        assert!(
            events
                .iter()
                .any(|e| e.action == "patient.create"
                    && e.patient_id.as_deref() == Some(&patient.id)),
            "{backend:?}: creation audited"
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
                with(&|p| p.care_team = vec!["0b6f3a52-5d7e-4c1a-9a43-2f1e8c0d9b11".into()]),
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
        let review = mds_store::enrolments::review_by_id(f.app.db().pool(), &review_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(review.status, "pending");
        assert_eq!(
            review.candidate_patient_id,
            Some(patient_id_by_cafat(&f.app, "7654321").await)
        );
        let files = mds_store::identity_files::for_owner(f.app.db().pool(), "review", &review_id)
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
        let row = mds_store::patients::by_id(f.app.db().pool(), &created.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            row.validated_by.as_deref(),
            Some(doctor.account_id.as_str()),
            "{backend:?}"
        );
        let moved = mds_store::identity_files::for_owner(f.app.db().pool(), "patient", &created.id)
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
        assert!(
            mds_store::identity_files::for_owner(f.app.db().pool(), "review", &review_id)
                .await
                .unwrap()
                .is_empty()
        );
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

#[test]
fn support_activates_an_inactive_record_and_changes_its_care_team() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let poigoune = patient_id_by_cafat(&f.app, "7654321").await;
        let nurse = account_id(&f.app, "inf.kaloi@demo.mds.nc").await;
        let team = f
            .app
            .change_care_team_for_patient(
                &support,
                &poigoune,
                std::slice::from_ref(&nurse),
                &[],
                "appel 2026-118",
                at(MINUTE),
            )
            .await
            .unwrap();
        assert!(
            team.iter().any(|m| m.professional_account_id == nurse),
            "{backend:?}"
        );
        let no_reference = f
            .app
            .change_care_team_for_patient(
                &support,
                &poigoune,
                &[],
                std::slice::from_ref(&nurse),
                " ",
                at(MINUTE),
            )
            .await;
        assert_eq!(outcome(&no_reference), "request_reference_required");

        let no_email = f
            .app
            .activate_patient(&support, &poigoune, None, "courrier du 20/09", at(MINUTE))
            .await;
        assert_eq!(outcome(&no_email), "email_required", "{backend:?}");
        let activation = f
            .app
            .activate_patient(
                &support,
                &poigoune,
                Some("joseph.poigoune@example.nc"),
                "courrier du 20/09",
                at(MINUTE),
            )
            .await
            .unwrap();
        let again = f
            .app
            .activate_patient(
                &support,
                &poigoune,
                Some("x@example.nc"),
                "courrier",
                at(MINUTE),
            )
            .await;
        assert_eq!(outcome(&again), "invalid_state", "{backend:?}");
        let active_team = f
            .app
            .change_care_team_for_patient(&support, &poigoune, &[], &[nurse], "appel", at(MINUTE))
            .await;
        assert_eq!(outcome(&active_team), "invalid_state", "{backend:?}");
        f.app
            .begin_enrolment(
                &activation.enrolment_token,
                "Houaïlou-Ponérihouen-52",
                at(2 * MINUTE),
            )
            .await
            .unwrap();
        let audited = events_after(&f.app, 0)
            .await
            .into_iter()
            .any(|e| e.action == "patient.activate" && e.patient_id.as_deref() == Some(&poigoune));
        assert!(audited, "{backend:?}");
    });
}

#[test]
fn nothing_is_added_to_the_record_of_a_deceased_patient() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let tuifua = patient_id_by_cafat(&f.app, "345678").await;
        f.app
            .bench_vault_writes(&tuifua, 1, at(MINUTE))
            .await
            .unwrap();
        let future = f
            .app
            .record_death(&support, &tuifua, "2030-01-01", at(MINUTE))
            .await;
        assert_eq!(outcome(&future), "invalid_death_date");
        let before_birth = f
            .app
            .record_death(&support, &tuifua, "1970-01-01", at(MINUTE))
            .await;
        assert_eq!(outcome(&before_birth), "invalid_death_date");
        f.app
            .record_death(&support, &tuifua, "15/09/2026", at(MINUTE))
            .await
            .unwrap();
        let again = f
            .app
            .record_death(&support, &tuifua, "15/09/2026", at(MINUTE))
            .await;
        assert_eq!(outcome(&again), "death_already_recorded");
        let added = f.app.bench_vault_writes(&tuifua, 1, at(2 * MINUTE)).await;
        assert_eq!(outcome(&added), "patient_deceased", "{backend:?}");
        let activated = f
            .app
            .activate_patient(
                &support,
                &tuifua,
                Some("t@example.nc"),
                "appel",
                at(2 * MINUTE),
            )
            .await;
        assert_eq!(outcome(&activated), "patient_deceased", "{backend:?}");
    });
}

#[test]
fn a_closed_record_is_kept_ten_years_then_purged_with_its_content() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let session = sign_in(&f.app, PATIENT, at(0)).await;
        let patient = session.actor.clone();
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let marie = patient_id_by_cafat(&f.app, "1234567").await;
        let unconfirmed = f.app.close_own_record(&patient, false, at(MINUTE)).await;
        assert_eq!(outcome(&unconfirmed), "confirmation_required");
        let objects_before = f.app.vault().list().await.unwrap().len();
        let docs = mds_store::documents::all_for_patient(f.app.db().pool(), &marie)
            .await
            .unwrap()
            .len();
        assert!(docs > 0, "{backend:?}: demo documents");
        let purge_after = f
            .app
            .close_own_record(&patient, true, at(MINUTE))
            .await
            .unwrap();
        let signed_in = f.app.authenticate(&session.token, at(2 * MINUTE)).await;
        assert!(signed_in.is_err(), "{backend:?}: sessions ended at closure");
        let added = f.app.bench_vault_writes(&marie, 1, at(2 * MINUTE)).await;
        assert_eq!(outcome(&added), "record_not_open", "{backend:?}");
        let activate = f
            .app
            .activate_patient(&support, &marie, None, "appel", at(2 * MINUTE))
            .await;
        assert_eq!(outcome(&activate), "invalid_state", "{backend:?}");

        let kept_until = Timestamp::from_millis(purge_after.millis() - DAY);
        let report = f.app.run_retention(kept_until).await.unwrap();
        assert_eq!(report.purged, 0, "{backend:?}: kept 9 years 364 days");
        assert_eq!(f.app.vault().list().await.unwrap().len(), objects_before);

        let report = f.app.run_retention(purge_after).await.unwrap();
        assert_eq!(report.purged, 1, "{backend:?}: purged after 10 years");
        assert_eq!(report.documents_removed, docs as u64);
        assert_eq!(
            f.app.vault().list().await.unwrap().len(),
            objects_before - docs,
            "{backend:?}: vault content deleted"
        );
        let row = mds_store::patients::by_id(f.app.db().pool(), &marie)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.record_state, "erased");
        assert!(!row.cafat_number.contains("1234567") && row.birth_name.is_empty());
        assert!(mds_store::patients::by_cafat(f.app.db().pool(), "1234567")
            .await
            .unwrap()
            .is_none());
        let again = f.app.run_retention(purge_after).await.unwrap();
        assert_eq!(again, Default::default(), "{backend:?}: idempotent");
        let erase = events_after(&f.app, 0)
            .await
            .into_iter()
            .find(|e| e.action == "patient.erase")
            .unwrap();
        assert_eq!(erase.detail["reason"], "retention");
        assert_chain_intact(&f.app).await;
    });
}

#[test]
fn an_erasure_request_is_carried_out_by_the_next_job_run() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let celine = actor(&f.app, "celine.dk@demo.mds.nc", at(0)).await;
        let id = patient_id_by_cafat(&f.app, "2345678").await;
        let deadline = f
            .app
            .request_own_erasure(&celine, true, at(MINUTE))
            .await
            .unwrap();
        assert_eq!(
            deadline.millis(),
            at(MINUTE).millis() + 92 * DAY,
            "{backend:?}"
        );
        let report = f.app.run_retention(at(2 * MINUTE)).await.unwrap();
        assert_eq!(report.erased, 1, "{backend:?}");
        assert!(
            mds_store::documents::all_for_patient(f.app.db().pool(), &id)
                .await
                .unwrap()
                .is_empty()
        );
        let account = mds_store::accounts::by_login(f.app.db().pool(), "celine.dk@demo.mds.nc")
            .await
            .unwrap();
        assert!(
            account.is_none(),
            "{backend:?}: login released, personal data gone"
        );
    });
}

#[test]
fn the_patient_exports_the_record_as_a_zip_with_a_manifest() {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let patient = actor(&f.app, PATIENT, at(0)).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        assert_eq!(
            outcome(&f.app.export_own_record(&doctor, at(MINUTE)).await),
            "forbidden"
        );
        let bytes = f.app.export_own_record(&patient, at(MINUTE)).await.unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut files = std::collections::BTreeMap::new();
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).unwrap();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            files.insert(entry.name().unwrap().to_string(), content);
        }
        for name in [
            "identity.json",
            "documents.json",
            "care_team.json",
            "settings.json",
            "history.json",
            "manifest.json",
        ] {
            assert!(files.contains_key(name), "{backend:?}: {name} missing");
        }
        let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
        let listed = manifest["files"].as_array().unwrap();
        assert_eq!(
            listed.len(),
            files.len() - 1,
            "{backend:?}: every file in the manifest"
        );
        for entry in listed {
            let content = &files[entry["path"].as_str().unwrap()];
            let digest = data_encoding::HEXLOWER.encode(&Sha256::digest(content));
            assert_eq!(entry["sha256"], digest.as_str(), "{backend:?}");
        }
        let docs: serde_json::Value = serde_json::from_slice(&files["documents.json"]).unwrap();
        let docs = docs.as_array().unwrap();
        assert_eq!(
            docs.len(),
            4,
            "{backend:?}: the demo documents of Marie Wéa"
        );
        for d in docs {
            let content = &files[d["file"].as_str().unwrap()];
            assert_eq!(
                data_encoding::HEXLOWER.encode(&Sha256::digest(content)),
                d["sha256"].as_str().unwrap(),
                "{backend:?}: original content, decrypted"
            );
        }
        let identity: serde_json::Value = serde_json::from_slice(&files["identity.json"]).unwrap();
        assert_eq!(identity["cafat"], "1234567");
        let history: serde_json::Value = serde_json::from_slice(&files["history.json"]).unwrap();
        assert!(!history.as_array().unwrap().is_empty());
    });
}

#[test]
fn support_closes_an_inactive_record_on_request() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let poigoune = patient_id_by_cafat(&f.app, "7654321").await;
        let denied = f
            .app
            .close_record_for_patient(&doctor, &poigoune, "x", at(MINUTE))
            .await;
        assert_eq!(outcome(&denied), "forbidden");
        let purge_after = f
            .app
            .close_record_for_patient(&support, &poigoune, "courrier du 21/09", at(MINUTE))
            .await
            .unwrap();
        let again = f
            .app
            .close_record_for_patient(&support, &poigoune, "x", at(MINUTE))
            .await;
        assert_eq!(outcome(&again), "invalid_state", "{backend:?}");
        let added = f.app.bench_vault_writes(&poigoune, 1, at(2 * MINUTE)).await;
        assert_eq!(outcome(&added), "record_not_open", "{backend:?}");
        let report = f.app.run_retention(purge_after).await.unwrap();
        assert_eq!(report.purged, 1, "{backend:?}");
    });
}

#[test]
fn support_exports_a_closed_record_for_an_authority_with_its_reference() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let poigoune = patient_id_by_cafat(&f.app, "7654321").await;
        let open = f
            .app
            .legal_export(&support, &poigoune, "Réquisition n° 12", at(MINUTE))
            .await;
        assert_eq!(
            outcome(&open),
            "record_not_closed",
            "{backend:?}: only closed records"
        );
        f.app
            .close_record_for_patient(&support, &poigoune, "courrier du 21/09", at(MINUTE))
            .await
            .unwrap();
        let by_doctor = f
            .app
            .legal_export(&doctor, &poigoune, "x", at(2 * MINUTE))
            .await;
        assert_eq!(outcome(&by_doctor), "forbidden", "{backend:?}");
        let no_reference = f
            .app
            .legal_export(&support, &poigoune, "  ", at(2 * MINUTE))
            .await;
        assert_eq!(outcome(&no_reference), "reference_required", "{backend:?}");
        let zip = f
            .app
            .legal_export(&support, &poigoune, "Réquisition n° 12", at(2 * MINUTE))
            .await
            .unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let mut listed = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("documents.json").unwrap(), &mut listed)
            .unwrap();
        let docs: serde_json::Value = serde_json::from_str(&listed).unwrap();
        assert_eq!(
            docs.as_array().map(Vec::len),
            Some(2),
            "{backend:?}: both demo documents"
        );
        let events = mds_audit::query(
            f.app.db(),
            &mds_audit::AuditQuery {
                patient_id: Some(poigoune.clone()),
                limit: 1000,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let export = events
            .iter()
            .find(|e| e.action == "patient.legal_export")
            .expect("audited");
        assert_eq!(export.detail["reference"], "Réquisition n° 12");
    });
}
