//! Erasure and the audit (issue 15, item 11): the free text the audit keeps about a person (a
//! break-glass reason, a SAMU call reference, support's request reference) is stored sealed
//! under the record's own key and read in clear by the service; erasing the record destroys
//! the key, after which no such text can be read from any table (nor, on SQLite, from the
//! database file's bytes), while the chain still verifies. A master key rotation moves the
//! record keys and retirement keeps none behind. Both backends, fixed clock.

use mds_app::operator::audit_extract::{ExtractFormat, ExtractTarget};
use mds_app::Actor;
use mds_audit::AuditRecord;
use mds_domain::PatientId;
use mds_store::{Backend, Query};
use mds_testkit::app::*;

const REASON: &str = "Inconsciente à Bourail, famille injoignable — SCELLE-7f3a";
const CALL: &str = "Appel 15 n° SCELLE-91c2 de sa fille Léa";
const REQUEST: &str = "Courrier de Mme Dounéhote SCELLE-d41e";

/// The texts of the record's events, as stored and as read.
fn texts(events: &[AuditRecord]) -> String {
    events
        .iter()
        .map(|e| e.detail.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The extraction support hands to an authority, as text.
async fn extraction(f: &Fixture, support: &Actor, record: &PatientId, now: i64) -> String {
    let target = ExtractTarget::Record(record.clone());
    let out = f
        .app
        .extract_audit(
            support,
            &target,
            "Réquisition n° 12",
            ExtractFormat::Json,
            None,
            at(now),
        )
        .await
        .unwrap();
    String::from_utf8(out.body).unwrap()
}

/// The tables (and, on SQLite, the database file) in which `needle` can be read.
async fn where_readable(f: &Fixture, needle: &str) -> Vec<String> {
    let db = f.app.db();
    let mut found = Vec::new();
    if db.backend() == Backend::Postgres {
        let tables: Vec<(String,)> = Query::new(
            "SELECT table_name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        )
        .fetch_all(db)
        .await
        .unwrap();
        for (t,) in tables {
            let sql =
                format!("SELECT COUNT(*) FROM {t} AS r WHERE strpos(CAST(r AS TEXT), $1) > 0");
            let (n,): (i64,) = Query::new(sql).bind(needle).fetch_one(db).await.unwrap();
            if n > 0 {
                found.push(t);
            }
        }
        return found;
    }
    let tables: Vec<(String,)> = Query::new("SELECT name FROM sqlite_master WHERE type = 'table'")
        .fetch_all(db)
        .await
        .unwrap();
    for (t,) in tables {
        let columns: Vec<(String,)> =
            Query::new(format!("SELECT name FROM pragma_table_info('{t}')"))
                .fetch_all(db)
                .await
                .unwrap();
        let any = columns
            .iter()
            .map(|(c,)| format!("instr(CAST(\"{c}\" AS TEXT), $1) > 0"))
            .collect::<Vec<_>>()
            .join(" OR ");
        let sql = format!("SELECT COUNT(*) FROM \"{t}\" WHERE {any}");
        let (n,): (i64,) = Query::new(sql).bind(needle).fetch_one(db).await.unwrap();
        if n > 0 {
            found.push(t);
        }
    }
    // The bytes of the file and its write-ahead log: a deleted row must not linger in a free
    // page (SQLite runs with secure_delete).
    for entry in std::fs::read_dir(f.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.contains(".db") {
            let bytes = std::fs::read(&path).unwrap();
            if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                found.push(name);
            }
        }
    }
    found
}

#[test]
fn an_erased_record_leaves_no_readable_free_text_in_the_audit() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let celine = patient_id_by_cafat(&f.app, "2345678").await;
        let nurse = actor(&f.app, NURSE, at(0)).await;
        let regulator = actor(&f.app, REGULATOR, at(0)).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let start = last_seq(&f.app).await;
        f.app
            .open_emergency_access(&nurse, &celine, false, REASON, None, at(MINUTE))
            .await
            .unwrap();
        f.app
            .open_emergency_access(&regulator, &celine, true, CALL, None, at(MINUTE))
            .await
            .unwrap();
        f.app
            .request_erasure_for_patient(&support, &celine, REQUEST, at(2 * MINUTE))
            .await
            .unwrap();

        // Stored sealed, read in clear.
        let stored = stored_events_after(&f.app, start).await;
        let read = events_after(&f.app, start).await;
        for text in [REASON, CALL, REQUEST] {
            assert!(
                !texts(&stored).contains(text),
                "{backend:?}: {text} stored in clear"
            );
            assert!(texts(&read).contains(text), "{backend:?}: {text} read back");
        }
        let open = read
            .iter()
            .find(|e| e.action == "record.break_glass.open")
            .unwrap();
        assert_eq!(open.detail["detail"]["reason"], REASON, "{backend:?}");
        assert!(stored
            .iter()
            .any(|e| e.detail["detail"]["reason"]["sealed"].is_string()));
        // A support agent's audit reading shows the text.
        let extract = f
            .app
            .read_audit(
                &support,
                mds_audit::AuditQuery {
                    patient_id: Some(celine.to_string()),
                    after_seq: Some(start),
                    limit: 100,
                    ..Default::default()
                },
                None,
                at(3 * MINUTE),
            )
            .await
            .unwrap();
        assert!(texts(&extract).contains(REASON), "{backend:?}");
        let handed = extraction(&f, &support, &celine, 3 * MINUTE).await;
        assert!(
            handed.contains(REASON) && handed.contains(CALL),
            "{backend:?}"
        );

        let report = f.app.run_retention(at(4 * MINUTE)).await.unwrap();
        assert_eq!(report.erased, 1, "{backend:?}");
        for text in [REASON, CALL, REQUEST] {
            assert_eq!(
                where_readable(&f, text).await,
                Vec::<String>::new(),
                "{backend:?}: {text} still readable"
            );
        }
        // The events are still there, their texts read as absent, and the chain holds.
        let after = events_after(&f.app, start).await;
        let open = after
            .iter()
            .find(|e| e.action == "record.break_glass.open")
            .unwrap();
        assert!(
            open.detail["detail"]["reason"].is_null(),
            "{backend:?}: {:?}",
            open.detail
        );
        assert!(stored_events_after(&f.app, start)
            .await
            .iter()
            .any(|e| e.detail["detail"]["reason"]["sealed"].is_string()));
        let handed = extraction(&f, &support, &celine, 5 * MINUTE).await;
        assert!(handed.contains("record.break_glass.open"), "{backend:?}");
        for text in [REASON, CALL, REQUEST] {
            assert!(
                !handed.contains(text),
                "{backend:?}: {text} in the extraction"
            );
        }
        assert_chain_intact(&f.app).await;
    });
}

#[test]
fn record_keys_move_with_the_master_keys() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let celine = patient_id_by_cafat(&f.app, "2345678").await;
        let nurse = actor(&f.app, NURSE, at(0)).await;
        // A long reason is bounded as the audit bounds any string, then sealed whole.
        let long = format!("{REASON} {}", "é".repeat(450));
        f.app
            .open_emergency_access(&nurse, &celine, false, &long, None, at(MINUTE))
            .await
            .unwrap();
        let first = f.app.vault().current_key_id();
        f.app
            .rotate_master_key(&f.key_file(), at(2 * MINUTE))
            .await
            .unwrap();
        let retired = f
            .app
            .retire_master_keys(&f.key_file(), at(3 * MINUTE))
            .await
            .unwrap();
        assert_eq!(
            retired,
            vec![first],
            "{backend:?}: no record key keeps the old key"
        );
        // A second process that loads the new key file reads the reason.
        let read = events_of(&f.second_process(), "record.break_glass.open").await;
        assert_eq!(
            read.last().unwrap().detail["detail"]["reason"],
            // The reason is kept to 500 characters, then bounded.
            mds_audit::bounded_text(&long.chars().take(500).collect::<String>()),
            "{backend:?}"
        );
    });
}
