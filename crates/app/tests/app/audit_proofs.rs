//! Issue 17, items 3 and 4 — the verifiable audit and the signed export. The checkpoint job
//! signs the events not yet covered and nothing twice; a patient's export carries every event
//! of the record with its proof and the manifest's signature, and `export_verify` finds it
//! intact with the published keys; each kind of tampering with the file is named (an event
//! removed, altered, moved; a file removed, altered, added; another key; a forged checkpoint);
//! an event altered in the database after its checkpoint is named in the next export, whether
//! or not the forger recomputed its hash; an event about a document still hidden from the
//! patient is proved by its hash alone. Both backends, fixed clock.
#![allow(clippy::unwrap_used)]

use crate::export_index::unzip;
use mds_app::patients::export_verify::{verify_export, Finding, Report, Scope, TrustedKey};
use mds_app::record::documents::NewDocument;
use mds_app::App;
use mds_audit::StoredRow;
use mds_testkit::app::*;
use ring::signature::Ed25519KeyPair;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;

type Files = BTreeMap<String, Vec<u8>>;

async fn trusted(app: &App) -> Vec<TrustedKey> {
    app.signing_public_keys()
        .await
        .unwrap()
        .into_iter()
        .map(|k| TrustedKey {
            key_id: k.key_id,
            public_key: data_encoding::BASE64URL_NOPAD
                .decode(k.public_key.as_bytes())
                .unwrap(),
        })
        .collect()
}

fn zip(files: &Files) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in files {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(body).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn proofs(files: &Files) -> Value {
    serde_json::from_slice(&files["audit-proofs.json"]).unwrap()
}

/// `files` with `audit-proofs.json` changed by `edit`.
fn with_proofs(files: &Files, edit: impl FnOnce(&mut Value)) -> Files {
    let mut out = files.clone();
    let mut p = proofs(files);
    edit(&mut p);
    out.insert("audit-proofs.json".into(), serde_json::to_vec(&p).unwrap());
    out
}

fn rogue_key() -> Ed25519KeyPair {
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
    Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap()
}

fn b64(bytes: &[u8]) -> String {
    data_encoding::BASE64URL_NOPAD.encode(bytes)
}

fn check(files: &Files, keys: &[TrustedKey]) -> Report {
    verify_export(&zip(files), keys, Scope::Everything)
}

fn doc(title: &str, hidden: bool) -> NewDocument {
    NewDocument {
        type_code: "11488-4".to_owned(),
        title: title.to_owned(),
        act_date: "2026-11-20".to_owned(),
        hidden_from_patient: hidden,
        confirms_patient_informed: true,
        content: mds_testkit::files::pdf(title),
        ..NewDocument::default()
    }
}

#[test]
fn issue_17_an_export_verifies_and_every_kind_of_tampering_is_named() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let patient = actor(app, PATIENT, at(0)).await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let marie = patient_id_by_cafat(app, "1234567").await;
        app.add_document(
            &doctor,
            &marie,
            doc("Compte rendu", false),
            None,
            at(MINUTE),
        )
        .await
        .unwrap();
        let hidden = app
            .add_document(
                &doctor,
                &marie,
                doc("Résultat à annoncer", true),
                None,
                at(MINUTE),
            )
            .await
            .unwrap();
        // The job signs what is pending, then nothing more until new events come.
        assert!(app.sign_audit_checkpoints(at(2 * MINUTE)).await.unwrap() >= 1);
        assert_eq!(app.sign_audit_checkpoints(at(3 * MINUTE)).await.unwrap(), 0);
        app.add_document(
            &doctor,
            &marie,
            doc("Ordonnance", false),
            None,
            at(4 * MINUTE),
        )
        .await
        .unwrap();
        let files = unzip(
            app.export_own_record(&patient, at(5 * MINUTE))
                .await
                .unwrap(),
        );
        let keys = trusted(app).await;
        assert_eq!(keys.len(), 1, "{backend:?}");

        let report = check(&files, &keys);
        assert_eq!(report.findings, vec![], "{backend:?}");
        let p = proofs(&files);
        let events = p["events"].as_array().unwrap();
        assert!(events.len() >= 6, "{backend:?}: {}", events.len());
        assert_eq!(report.events, events.len());
        assert_eq!(
            report.proved,
            events.len(),
            "{backend:?}: every event proved"
        );
        assert_eq!(report.pending, 0);
        assert!(report.checkpoints >= 2, "{backend:?}: two signing rounds");
        assert_eq!(report.key_id.as_deref(), Some(keys[0].key_id.as_str()));
        // The events about the hidden result are proved by their hash, nothing else shown.
        let withheld: Vec<&Value> = events.iter().filter(|e| e["withheld"] == true).collect();
        assert!(!withheld.is_empty(), "{backend:?}");
        assert_eq!(report.withheld, withheld.len());
        let text = String::from_utf8_lossy(&files["audit-proofs.json"]);
        assert!(!text.contains(&hidden.id.to_string()), "{backend:?}");
        // A whole event: its texts as stored, hashing to its hash.
        let whole: StoredRow = serde_json::from_value(
            events
                .iter()
                .find(|e| e["withheld"].is_null())
                .unwrap()
                .clone(),
        )
        .unwrap();
        assert_eq!(whole.recomputed_hash(), whole.hash);
        let first = events[1]["seq"].as_i64().unwrap();
        let whole_seq = whole.seq;
        let first_checkpoint = p["checkpoints"][0]["to_seq"].as_i64().unwrap();

        let rogue = rogue_key();
        let mut resigned = files.clone();
        let manifest = resigned["manifest.json"].clone();
        let mut sig: Value = serde_json::from_slice(&files["signature.json"]).unwrap();
        sig["key_id"] = "mk-rogue".into();
        sig["signature"] = b64(rogue.sign(&manifest).as_ref()).into();
        resigned.insert("signature.json".into(), serde_json::to_vec(&sig).unwrap());
        let mut same_id = resigned.clone();
        sig["key_id"] = keys[0].key_id.clone().into();
        same_id.insert("signature.json".into(), serde_json::to_vec(&sig).unwrap());
        let mut without_doc = files.clone();
        let doc_name = files
            .keys()
            .find(|n| n.starts_with("documents/"))
            .unwrap()
            .clone();
        without_doc.remove(&doc_name);
        let mut altered_file = files.clone();
        altered_file.get_mut("history.html").unwrap().push(b' ');
        let mut added = files.clone();
        added.insert("extra.txt".into(), b"x".to_vec());

        let cases: Vec<(&str, Files, Finding)> = vec![
            (
                "an event removed",
                with_proofs(&files, |p| {
                    p["events"].as_array_mut().unwrap().remove(1);
                }),
                Finding::EventMissing(first, events[1]["id"].as_str().unwrap().to_owned()),
            ),
            (
                "the proofs file changed",
                with_proofs(&files, |p| {
                    p["events"].as_array_mut().unwrap().remove(1);
                }),
                Finding::FileAltered("audit-proofs.json".into()),
            ),
            (
                "an event altered",
                with_proofs(&files, |p| {
                    let e = p["events"]
                        .as_array_mut()
                        .unwrap()
                        .iter_mut()
                        .find(|e| e["seq"] == whole_seq)
                        .unwrap();
                    e["outcome"] = if e["outcome"] == "deny" {
                        "permit"
                    } else {
                        "deny"
                    }
                    .into();
                }),
                Finding::EventAltered(whole_seq),
            ),
            (
                "an event altered, its hash recomputed",
                with_proofs(&files, |p| {
                    let e = p["events"]
                        .as_array_mut()
                        .unwrap()
                        .iter_mut()
                        .find(|e| e["seq"] == whole_seq)
                        .unwrap();
                    e["action"] = "document.read".into();
                    let forged: StoredRow = serde_json::from_value(e.clone()).unwrap();
                    e["hash"] = forged.recomputed_hash().into();
                }),
                Finding::EventNotProved(whole_seq),
            ),
            (
                "two events swapped",
                with_proofs(&files, |p| p["events"].as_array_mut().unwrap().swap(1, 2)),
                Finding::EventOutOfOrder(first),
            ),
            (
                "a document removed",
                without_doc,
                Finding::FileMissing(doc_name.clone()),
            ),
            (
                "a file altered",
                altered_file,
                Finding::FileAltered("history.html".into()),
            ),
            (
                "a file added",
                added,
                Finding::FileNotInManifest("extra.txt".into()),
            ),
            (
                "another key",
                resigned,
                Finding::UnknownKey("mk-rogue".into()),
            ),
            (
                "another key under the service's id",
                same_id,
                Finding::SignatureInvalid,
            ),
            (
                "a forged checkpoint",
                with_proofs(&files, |p| {
                    p["checkpoints"][0]["root"] = "00".repeat(32).into()
                }),
                Finding::CheckpointSignatureInvalid(first_checkpoint),
            ),
            (
                "a checkpoint signed with another key",
                with_proofs(&files, |p| {
                    let c = &mut p["checkpoints"][0];
                    c["key_id"] = "mk-rogue".into();
                    let text: mds_audit::checkpoint::Checkpoint =
                        serde_json::from_value(c.clone()).unwrap();
                    c["signature"] = b64(rogue.sign(text.message().as_bytes()).as_ref()).into();
                }),
                Finding::CheckpointUnknownKey(first_checkpoint),
            ),
        ];
        for (what, tampered, expected) in cases {
            let report = check(&tampered, &keys);
            assert!(
                report.findings.contains(&expected),
                "{backend:?}, {what}: {expected:?} not in {:?}",
                report.findings
            );
        }
        // Without the service's key, nothing is trusted.
        let report = check(&files, &[]);
        assert!(report
            .findings
            .contains(&Finding::UnknownKey(keys[0].key_id.clone())));
    });
}

#[test]
fn issue_17_an_event_altered_in_the_database_after_its_checkpoint_is_named() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let patient = actor(app, PATIENT, at(0)).await;
        let before = unzip(app.export_own_record(&patient, at(MINUTE)).await.unwrap());
        let keys = trusted(app).await;
        assert_eq!(check(&before, &keys).findings, vec![], "{backend:?}");
        let p = proofs(&before);
        let victim: StoredRow = serde_json::from_value(p["events"][0].clone()).unwrap();
        let db = app.db();
        let drop = match db.backend() {
            mds_store::Backend::Sqlite => "DROP TRIGGER audit_events_no_update;",
            mds_store::Backend::Postgres => "DROP TRIGGER audit_events_no_update ON audit_events;",
        };
        db.execute_script(drop).await.unwrap();

        // Its content changed, its stored hash kept.
        db.execute_script(&format!(
            "UPDATE audit_events SET action = 'patient.login' WHERE seq = {}",
            victim.seq
        ))
        .await
        .unwrap();
        let after = unzip(
            app.export_own_record(&patient, at(2 * MINUTE))
                .await
                .unwrap(),
        );
        let found = check(&after, &keys).findings;
        assert!(
            found.contains(&Finding::EventAltered(victim.seq)),
            "{backend:?}: {found:?}"
        );

        // Its hash recomputed too: the signed checkpoint does not hold it.
        let forged = StoredRow {
            action: "patient.login".into(),
            ..victim.clone()
        };
        db.execute_script(&format!(
            "UPDATE audit_events SET hash = '{}' WHERE seq = {}",
            forged.recomputed_hash(),
            victim.seq
        ))
        .await
        .unwrap();
        let after = unzip(
            app.export_own_record(&patient, at(3 * MINUTE))
                .await
                .unwrap(),
        );
        let found = check(&after, &keys).findings;
        assert!(
            found.contains(&Finding::EventNotProved(victim.seq)),
            "{backend:?}: {found:?}"
        );
        assert!(
            !found.contains(&Finding::EventAltered(victim.seq)),
            "{backend:?}: {found:?}"
        );
        // The earlier export, kept by the person, still proves the original event.
        assert_eq!(check(&before, &keys).findings, vec![], "{backend:?}");
    });
}
