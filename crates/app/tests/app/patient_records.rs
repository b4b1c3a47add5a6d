//! Issue 3 — the life of a patient's record after its creation: activation and care team by
//! support, death, closure with the 10-year purge, erasure, exports. Both backends, fixed clock.
#![allow(clippy::unwrap_used)]

use mds_domain::{AccountState, Timestamp};
use mds_testkit::app::*;
use mds_testkit::typed;

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
        let audited = events_after(&f.app, 0).await.into_iter().any(|e| {
            e.action == "patient.activate" && e.patient_id.as_deref() == Some(poigoune.as_str())
        });
        assert!(audited, "{backend:?}");
    });
}

#[test]
fn nothing_is_added_to_the_record_of_a_deceased_patient() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let tuifua = patient_id_by_cafat(&f.app, "345678").await;
        mds_demo::bench::vault_writes(&f.app, &tuifua, 1, at(MINUTE))
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
        let added = mds_demo::bench::vault_writes(&f.app, &tuifua, 1, at(2 * MINUTE)).await;
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
        // A lost-second-factor request with its scan, left pending: purged with the record.
        let lost = mds_app::patients::recovery_requests::RecoveryRequest {
            login: PATIENT.into(),
            message: "Téléphone perdu.".into(),
            identity_document: mds_testkit::files::PDF.to_vec(),
        };
        f.app
            .request_recovery(lost, None, at(MINUTE))
            .await
            .unwrap();
        assert_eq!(count(&f.app, "recovery_requests").await, 1, "{backend:?}");
        let objects_before = f.app.vault().list().await.unwrap().len() - 1;
        let docs = mds_store::documents::all_for_patient(f.app.db(), &marie)
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
        let added = mds_demo::bench::vault_writes(&f.app, &marie, 1, at(2 * MINUTE)).await;
        assert_eq!(outcome(&added), "record_not_open", "{backend:?}");
        let activate = f
            .app
            .activate_patient(&support, &marie, None, "appel", at(2 * MINUTE))
            .await;
        assert_eq!(outcome(&activate), "invalid_state", "{backend:?}");

        let kept_until = Timestamp::from_millis(purge_after.millis() - DAY);
        let report = f.app.run_retention(kept_until).await.unwrap();
        assert_eq!(report.purged, 0, "{backend:?}: kept 9 years 364 days");
        assert_eq!(
            f.app.vault().list().await.unwrap().len(),
            objects_before + 1
        );

        let report = f.app.run_retention(purge_after).await.unwrap();
        assert_eq!(count(&f.app, "recovery_requests").await, 0, "{backend:?}");
        assert_eq!(report.purged, 1, "{backend:?}: purged after 10 years");
        assert_eq!(report.documents_removed, docs as u64);
        assert_eq!(
            f.app.vault().list().await.unwrap().len(),
            objects_before - docs,
            "{backend:?}: vault content deleted"
        );
        let row = mds_store::patients::by_id(f.app.db(), &marie)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.record_state, typed::<AccountState>("erased"));
        assert!(!row.identifier_number.contains("1234567") && row.birth_name.is_empty());
        assert!(mds_store::patients::by_identifier(
            f.app.db(),
            mds_domain::IdentifierKind::Cafat,
            "1234567"
        )
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
        assert!(mds_store::documents::all_for_patient(f.app.db(), &id)
            .await
            .unwrap()
            .is_empty());
        let account = mds_store::accounts::by_login(f.app.db(), "celine.dk@demo.mds.nc")
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
            "audit-proofs.json",
            "manifest.json",
            "signature.json",
        ] {
            assert!(files.contains_key(name), "{backend:?}: {name} missing");
        }
        let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
        let listed = manifest["files"].as_array().unwrap();
        assert_eq!(
            listed.len(),
            files.len() - 2,
            "{backend:?}: every file in the manifest but itself and its signature"
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
        let added = mds_demo::bench::vault_writes(&f.app, &poigoune, 1, at(2 * MINUTE)).await;
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
        let mut events = mds_audit::query(
            f.app.db(),
            &mds_audit::AuditQuery {
                patient_id: Some(poigoune.clone().to_string()),
                limit: 1000,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        f.app.open_audit_texts(&mut events).await.unwrap();
        let export = events
            .iter()
            .find(|e| e.action == "patient.legal_export")
            .expect("audited");
        assert_eq!(export.detail["reference"], "Réquisition n° 12");
    });
}
