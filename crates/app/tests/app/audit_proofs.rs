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
    app.signing_public_keys(at(0))
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
        let withheld_seq = withheld[0]["seq"].as_i64().unwrap();
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
                "an event said pending inside a signed checkpoint",
                with_proofs(&files, |p| {
                    let e = &mut p["events"][1];
                    e["checkpoint"] = Value::Null;
                    e["leaf_index"] = Value::Null;
                    e["path"] = serde_json::json!([]);
                }),
                Finding::EventNotProved(first),
            ),
            (
                "a checkpoint listed twice",
                with_proofs(&files, |p| {
                    let twin = p["checkpoints"][0].clone();
                    p["checkpoints"].as_array_mut().unwrap().push(twin);
                }),
                Finding::CheckpointDuplicated(first_checkpoint),
            ),
            (
                "a withheld entry saying it is not",
                with_proofs(&files, |p| {
                    let e = p["events"]
                        .as_array_mut()
                        .unwrap()
                        .iter_mut()
                        .find(|e| e["withheld"] == true)
                        .unwrap();
                    e["withheld"] = false.into();
                }),
                Finding::EventUnreadable(withheld_seq),
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

#[test]
fn issue_17_mds_audit_verify_names_a_checkpoint_the_chain_no_longer_matches() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        assert!(app.sign_audit_checkpoints(at(MINUTE)).await.unwrap() >= 1);
        let outcome = app.verify_audit(None, at(2 * MINUTE)).await.unwrap();
        assert!(
            matches!(outcome, mds_audit::VerifyOutcome::Intact { .. }),
            "{backend:?}: {outcome:?}"
        );
        // The last event, covered by the checkpoint, rewritten with its hash and the head: the
        // chain alone still verifies (no anchor), the signed checkpoint does not.
        assert!(app.sign_audit_checkpoints(at(3 * MINUTE)).await.unwrap() >= 1);
        let db = app.db();
        let (seq, _): (i64, String) = mds_store::Query::new("SELECT seq, hash FROM audit_head")
            .fetch_one(db)
            .await
            .unwrap();
        let q = mds_audit::AuditQuery {
            after_seq: Some(seq - 1),
            limit: 1,
            ..mds_audit::AuditQuery::default()
        };
        let last = mds_audit::query(db, &q).await.unwrap().remove(0);
        let forged = StoredRow {
            seq,
            id: last.id.clone(),
            at_ms: last.at_ms,
            actor_kind: last.actor_kind.as_str().to_owned(),
            actor_id: last.actor_id.clone(),
            on_behalf_of: last.on_behalf_of.clone(),
            structure_id: last.structure_id.clone(),
            action: "audit.forged".to_owned(),
            patient_id: last.patient_id.clone(),
            document_id: last.document_id.clone(),
            access_mode: last.access_mode.clone(),
            outcome: last.outcome.as_str().to_owned(),
            rule: last.rule.clone(),
            detail: mds_audit::canonical::canonical_json(&last.detail),
            ip: last.ip.clone(),
            prev_hash: last.prev_hash.clone(),
            hash: String::new(),
        };
        let hash = forged.recomputed_hash();
        let drop = match db.backend() {
            mds_store::Backend::Sqlite => "DROP TRIGGER audit_events_no_update;",
            mds_store::Backend::Postgres => "DROP TRIGGER audit_events_no_update ON audit_events;",
        };
        db.execute_script(&format!(
            "{drop} UPDATE audit_events SET action = 'audit.forged', hash = '{hash}' \
             WHERE seq = {seq}; UPDATE audit_head SET hash = '{hash}' WHERE id = 1;"
        ))
        .await
        .unwrap();
        assert!(
            matches!(
                mds_audit::verify(db, None).await.unwrap(),
                mds_audit::VerifyOutcome::Intact { .. }
            ),
            "{backend:?}: the chain alone is fooled"
        );
        match app.verify_audit(None, at(4 * MINUTE)).await.unwrap() {
            mds_audit::VerifyOutcome::Broken {
                seq: at_seq,
                problem,
                message,
            } => {
                assert_eq!(
                    problem,
                    mds_audit::Problem::CheckpointMismatch,
                    "{backend:?}"
                );
                assert_eq!(
                    at_seq, seq,
                    "{backend:?}: the checkpoint ending at the forged event"
                );
                assert!(message.contains("changed after it was signed"), "{message}");
            }
            other => panic!("{backend:?}: {other:?}"),
        }
    });
}

#[test]
fn issue_17_the_published_keys_survive_a_rotation_and_never_include_a_row_slipped_in() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let patient = actor(app, PATIENT, at(0)).await;
        let before = unzip(app.export_own_record(&patient, at(MINUTE)).await.unwrap());
        let first = trusted(app).await;
        assert_eq!(first.len(), 1, "{backend:?}");

        // A key written into the table by someone without the key file, self-endorsed.
        let rogue = rogue_key();
        let x = b64(ring::signature::KeyPair::public_key(&rogue).as_ref());
        let endorses = mds_audit::keys::endorsement_text(&[("mk-rogue".into(), x.clone())]);
        let endorsement = b64(rogue.sign(endorses.as_bytes()).as_ref());
        app.db()
            .execute_script(&format!(
                "INSERT INTO signing_keys (key_id, public_key, first_used_ms, endorses, \
                 endorsement) VALUES ('mk-rogue', '{x}', {}, '{endorses}', '{endorsement}')",
                at(2 * MINUTE).millis()
            ))
            .await
            .unwrap();
        assert_eq!(
            trusted(app).await,
            first,
            "{backend:?}: the rogue key is not published"
        );

        // A rotation: the new key endorses the old one (and not the rogue), which stays
        // published after the old master key is retired; the old export still verifies.
        app.rotate_master_key(&f.key_file(), at(3 * MINUTE))
            .await
            .unwrap();
        let after = unzip(
            app.export_own_record(&patient, at(4 * MINUTE))
                .await
                .unwrap(),
        );
        app.retire_master_keys(&f.key_file(), at(5 * MINUTE))
            .await
            .unwrap();
        let keys = trusted(app).await;
        assert_eq!(keys.len(), 2, "{backend:?}: {keys:?}");
        assert_eq!(keys[0], first[0], "{backend:?}");
        assert!(keys.iter().all(|k| k.key_id != "mk-rogue"));
        assert_eq!(check(&before, &keys).findings, vec![], "{backend:?}");
        let report = check(&after, &keys);
        assert_eq!(report.findings, vec![], "{backend:?}");
        assert_eq!(report.key_id.as_deref(), Some(keys[1].key_id.as_str()));
        // The checkpoints signed under both keys still match the chain.
        let outcome = app.verify_audit(None, at(6 * MINUTE)).await.unwrap();
        assert!(
            matches!(outcome, mds_audit::VerifyOutcome::Intact { .. }),
            "{backend:?}: {outcome:?}"
        );
    });
}
