//! The seeding API (`operator::seed`): a batch's inserts commit together with their audit
//! events, each marked with the batch's origin; a batch dropped writes no row; a seeded
//! document the record refuses leaves no content in the vault. Both backends, fixed clock.

use mds_app::operator::directory::NewStructure;
use mds_app::operator::seed::{SeedAccount, SeedDocument, SeedPatient};
use mds_app::App;
use mds_domain::{AccountKind, AccountState, PatientId};
use mds_testkit::app::*;

/// The tables a seed writes to, with their row counts.
async fn rows(app: &App) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for table in [
        "structures",
        "accounts",
        "patients",
        "documents",
        "audit_events",
    ] {
        out.push((table, count(app, table).await));
    }
    out
}

/// The number of files in the vault's directory (content objects).
fn vault_files(f: &Fixture) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| {
                        let p = e.path();
                        if p.is_dir() {
                            walk(&p)
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&f.dir.path().join("vault"))
}

fn document(patient_id: &PatientId, content: &str) -> SeedDocument {
    SeedDocument {
        patient_id: patient_id.clone(),
        type_code: "11502-2".into(),
        title: "Bilan semé".into(),
        act_date: "2026-11-22".into(),
        deposited_by: None,
        hidden_from_patient: false,
        content: content.as_bytes().to_vec(),
    }
}

#[test]
fn a_batch_commits_its_rows_and_their_marked_events_or_nothing() {
    on_both(|backend| async move {
        let f = Fixture::empty(backend).await;
        let seeder = f.app.seeder("essai");
        let before = rows(&f.app).await;

        let mut dropped = seeder.batch(at(0)).await.unwrap();
        dropped.structure(&structure("0900099.001")).await.unwrap();
        drop(dropped);
        assert_eq!(rows(&f.app).await, before, "a dropped batch writes nothing");

        let mut batch = seeder.batch(at(0)).await.unwrap();
        batch
            .structure(&NewStructure {
                name: "Structure semée".into(),
                ridet: "0900099.001".into(),
                kind: "hospital".into(),
                commune: "98818".into(),
            })
            .await
            .unwrap();
        let account = batch
            .account(&SeedAccount {
                login: "seme@example.nc".into(),
                kind: AccountKind::Patient,
                display_name: "Personne Semée".into(),
                email: None,
                password_hash: mds_app::secrets::hash_password("Mot-de-passe-seme-2026").unwrap(),
                totp_secret: "JBSWY3DPEHPK3PXP".into(),
            })
            .await
            .unwrap();
        let patient = batch
            .patient(&SeedPatient {
                identity: identity("7777777", "Semée", "Personne", "1980-01-01", "F"),
                account_id: Some(account),
                email: None,
            })
            .await
            .unwrap();
        batch
            .document(document(&patient, "Contenu semé"))
            .await
            .unwrap();
        batch.commit().await.unwrap();

        let found = seeder.patient_by_cafat("7777777").await.unwrap().unwrap();
        assert_eq!(found.id, patient);
        assert_eq!(found.record_state, AccountState::Active);
        assert!(seeder
            .structure_by_ridet("0900099.001")
            .await
            .unwrap()
            .is_some());
        let events = events_after(&f.app, 0).await;
        let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "directory.structure.create",
                "directory.account.create",
                "patient.create",
                "document.add"
            ]
        );
        let unmarked: Vec<_> = events
            .iter()
            .filter(|e| e.detail["seed"] != "essai")
            .map(|e| e.action.as_str())
            .collect();
        assert!(
            unmarked.is_empty(),
            "events without their origin: {unmarked:?}"
        );
        assert_chain_intact(&f.app).await;
    });
}

#[test]
fn a_refused_seeded_document_leaves_no_content() {
    on_both(|backend| async move {
        let f = Fixture::empty(backend).await;
        let seeder = f.app.seeder("essai");
        let mut batch = seeder.batch(at(0)).await.unwrap();
        let patient = batch
            .patient(&SeedPatient {
                identity: identity("7777777", "Semée", "Personne", "1980-01-01", "F"),
                account_id: None,
                email: None,
            })
            .await
            .unwrap();
        batch
            .document(document(&patient, "Contenu semé"))
            .await
            .unwrap();
        batch.commit().await.unwrap();
        let before = (rows(&f.app).await, vault_files(&f));

        let mut twice = seeder.batch(at(MINUTE)).await.unwrap();
        let same = twice.document(document(&patient, "Contenu semé")).await;
        assert_eq!(outcome(&same), "duplicate_document", "{same:?}");
        drop(twice);

        let unknown = PatientId::from_uuid_text("00000000-0000-4000-8000-000000000999".into());
        let mut nowhere = seeder.batch(at(MINUTE)).await.unwrap();
        let refused = nowhere.document(document(&unknown, "Ailleurs")).await;
        assert_eq!(outcome(&refused), "not_found", "{refused:?}");
        drop(nowhere);

        assert_eq!(
            (rows(&f.app).await, vault_files(&f)),
            before,
            "a refused document leaves neither row nor content"
        );
    });
}
