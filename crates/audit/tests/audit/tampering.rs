//! Tamper-evidence as a decision table: each named case builds the same 8-event chain on a
//! fresh database, tampers with it directly (triggers dropped, as an attacker with database
//! access would), runs `verify` and compares the verdict. Every case runs on SQLite and on
//! PostgreSQL; the test reports every failing (backend, case) pair by name.

// Integration tests are test code: unwrap is allowed in helpers too, not only in #[test]s.
#![allow(clippy::unwrap_used)]

use crate::samples::{all_records, drop_triggers, exec, forged_hash, sample_chain};
use mds_audit::{Problem, VerifyOutcome, GENESIS_HASH};
use mds_store::Db;
use mds_testkit::{backends, fresh_db};

const EVENTS: i64 = 8;

/// One tampering step, interpreted by [`apply`].
#[derive(Clone, Debug)]
enum Op {
    /// Raw SQL (run with the triggers already dropped).
    Sql(&'static str),
    /// Exchanges the positions of two events (equivalently, all their other columns).
    Swap(i64, i64),
    /// Exchanges one column's value between two events, leaving ids and hashes in place.
    SwapColumn(i64, i64, &'static str),
    /// Recomputes one event's hash over its current content and stored prev_hash.
    RehashOne(i64),
    /// Recomputes prev_hash and hash of every event from this seq to the end, as a careful
    /// forger would after changing an event.
    RechainFrom(i64),
    /// Moves every event after `from - 1` down by one seq (after deleting `from - 1`).
    RenumberDownFrom(i64),
    /// Sets audit_head to (seq, current stored hash of the event at seq).
    HeadToEvent(i64),
    /// Inserts a copy of an event (new id) at another seq.
    InsertCopy { of: i64, at: i64 },
}

#[derive(Clone, Copy, Debug)]
enum Anchor {
    None,
    /// The (seq, hash) that verify would have printed before the tampering.
    Original(i64),
    Raw(i64, &'static str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Intact(i64),
    Broken(Problem, i64),
}

struct Case {
    name: &'static str,
    ops: Vec<Op>,
    anchor: Anchor,
    expect: Expect,
}

fn case(name: &'static str, ops: Vec<Op>, anchor: Anchor, expect: Expect) -> Case {
    Case {
        name,
        ops,
        anchor,
        expect,
    }
}

const FOREIGN_HASH: &str = "abababababababababababababababababababababababababababababababab";

// One row per case reads as a table; rustfmt would spread each row over eight lines.
#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use Anchor::{Original, Raw};
    use Expect::{Broken, Intact};
    use Op::*;
    use Problem::*;
    let none = Anchor::None;
    vec![
        // (6) intact chains
        case("intact chain", vec![], none, Intact(EVENTS)),
        case("intact chain, anchor at the head", vec![], Original(8), Intact(EVENTS)),
        case("intact chain, anchor in the middle", vec![], Original(5), Intact(EVENTS)),
        case("intact chain, genesis anchor", vec![], Raw(0, GENESIS_HASH), Intact(EVENTS)),
        // (1) a field altered
        case("action altered", vec![Sql("UPDATE audit_events SET action = 'document.delete' WHERE seq = 3")], none, Broken(Altered, 3)),
        case("actor altered", vec![Sql("UPDATE audit_events SET actor_id = 'someone-else' WHERE seq = 5")], none, Broken(Altered, 5)),
        case("actor kind altered", vec![Sql("UPDATE audit_events SET actor_kind = 'system' WHERE seq = 2")], none, Broken(Altered, 2)),
        case("detail altered", vec![Sql("UPDATE audit_events SET detail = '{}' WHERE seq = 2")], none, Broken(Altered, 2)),
        case("absent field filled in with empty text", vec![Sql("UPDATE audit_events SET patient_id = '' WHERE seq = 3")], none, Broken(Altered, 3)),
        case("present field erased", vec![Sql("UPDATE audit_events SET ip = NULL WHERE seq = 4")], none, Broken(Altered, 4)),
        case("time altered", vec![Sql("UPDATE audit_events SET at_ms = at_ms + 1 WHERE seq = 4")], none, Broken(Altered, 4)),
        case("denial turned into permit", vec![Sql("UPDATE audit_events SET outcome = 'permit' WHERE seq = 6")], none, Broken(Altered, 6)),
        case("first event altered", vec![Sql("UPDATE audit_events SET action = 'x' WHERE seq = 1")], none, Broken(Altered, 1)),
        case("last event altered", vec![Sql("UPDATE audit_events SET action = 'x' WHERE seq = 8")], none, Broken(Altered, 8)),
        case("stored hash altered", vec![Sql("UPDATE audit_events SET hash = prev_hash WHERE seq = 6")], none, Broken(Altered, 6)),
        case("prev_hash altered", vec![Sql("UPDATE audit_events SET prev_hash = hash WHERE seq = 6")], none, Broken(Altered, 6)),
        case("event altered and re-hashed", vec![Sql("UPDATE audit_events SET actor_id = 'x' WHERE seq = 3"), RehashOne(3)], none, Broken(Altered, 3)),
        case("first event re-linked and re-hashed", vec![Sql("UPDATE audit_events SET prev_hash = hash WHERE seq = 1"), RehashOne(1)], none, Broken(Altered, 1)),
        case("contents exchanged, ids and hashes kept", vec![SwapColumn(3, 4, "action"), SwapColumn(3, 4, "actor_id")], none, Broken(Altered, 3)),
        // (2) events removed in the middle
        case("middle event removed", vec![Sql("DELETE FROM audit_events WHERE seq = 4")], none, Broken(Removed, 4)),
        case("first event removed", vec![Sql("DELETE FROM audit_events WHERE seq = 1")], none, Broken(Removed, 1)),
        case("several middle events removed", vec![Sql("DELETE FROM audit_events WHERE seq BETWEEN 3 AND 5")], none, Broken(Removed, 3)),
        case("middle event removed, later ones renumbered, head moved", vec![Sql("DELETE FROM audit_events WHERE seq = 4"), RenumberDownFrom(5), HeadToEvent(7)], none, Broken(Removed, 4)),
        // (3) events reordered
        case("adjacent events swapped", vec![Swap(3, 4)], none, Broken(Reordered, 3)),
        case("distant events swapped", vec![Swap(2, 7)], none, Broken(Reordered, 2)),
        case("first and last events swapped", vec![Swap(1, 8)], none, Broken(Reordered, 1)),
        // (4) truncation, detected against audit_head
        case("last event deleted", vec![Sql("DELETE FROM audit_events WHERE seq = 8")], none, Broken(Truncated, 8)),
        case("last three events deleted", vec![Sql("DELETE FROM audit_events WHERE seq >= 6")], none, Broken(Truncated, 6)),
        case("every event deleted", vec![Sql("DELETE FROM audit_events")], none, Broken(Truncated, 1)),
        // (5) truncation or rewriting with a forged head: only an anchor kept elsewhere can tell
        case("truncated, head forged, no anchor (undetectable)", vec![Sql("DELETE FROM audit_events WHERE seq >= 7"), HeadToEvent(6)], none, Intact(6)),
        case("truncated, head forged, anchor at old head", vec![Sql("DELETE FROM audit_events WHERE seq >= 7"), HeadToEvent(6)], Original(8), Broken(Truncated, 7)),
        case("truncated, head forged, anchor before the cut", vec![Sql("DELETE FROM audit_events WHERE seq >= 7"), HeadToEvent(6)], Original(4), Intact(6)),
        case("altered, re-chained, head forged, no anchor (undetectable)", vec![Sql("UPDATE audit_events SET action = 'x' WHERE seq = 3"), RechainFrom(3), HeadToEvent(8)], none, Intact(EVENTS)),
        case("altered, re-chained, head forged, anchor at old head", vec![Sql("UPDATE audit_events SET action = 'x' WHERE seq = 3"), RechainFrom(3), HeadToEvent(8)], Original(8), Broken(AnchorMismatch, 8)),
        case("altered, re-chained, head forged, anchor after the change", vec![Sql("UPDATE audit_events SET action = 'x' WHERE seq = 3"), RechainFrom(3), HeadToEvent(8)], Original(5), Broken(AnchorMismatch, 5)),
        case("altered, re-chained, head forged, anchor before the change", vec![Sql("UPDATE audit_events SET action = 'x' WHERE seq = 3"), RechainFrom(3), HeadToEvent(8)], Original(2), Intact(EVENTS)),
        case("anchor from another database", vec![], Raw(5, FOREIGN_HASH), Broken(AnchorMismatch, 5)),
        case("anchor beyond the chain", vec![], Raw(12, FOREIGN_HASH), Broken(Truncated, 9)),
        case("genesis anchor with a wrong hash", vec![], Raw(0, FOREIGN_HASH), Broken(AnchorMismatch, 0)),
        // the head itself, and rows that are not part of the chain
        case("head hash forged", vec![Sql("UPDATE audit_head SET hash = 'abc' WHERE id = 1")], none, Broken(HeadMismatch, 8)),
        case("head seq forged ahead", vec![Sql("UPDATE audit_head SET seq = 9 WHERE id = 1")], none, Broken(Truncated, 9)),
        case("head rolled back, events kept", vec![HeadToEvent(6)], none, Broken(HeadMismatch, 7)),
        case("event appended without moving the head", vec![InsertCopy { of: 8, at: 9 }], none, Broken(HeadMismatch, 9)),
        case("forged event before the first", vec![InsertCopy { of: 1, at: 0 }], none, Broken(Altered, 0)),
    ]
}

#[tokio::test]
async fn verify_names_the_first_bad_event_on_both_backends() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut ran = 0;
    for backend in backends() {
        for case in cases() {
            let db = fresh_db(backend, dir.path()).await;
            let original = sample_chain(&db, EVENTS).await;
            drop_triggers(&db).await;
            for op in &case.ops {
                apply(&db, op).await;
            }
            let anchor = match case.anchor {
                Anchor::None => None,
                Anchor::Original(seq) => Some((
                    seq,
                    original[usize::try_from(seq - 1).unwrap()].hash.clone(),
                )),
                Anchor::Raw(seq, hash) => Some((seq, hash.to_owned())),
            };
            let outcome = mds_audit::verify(&db, anchor).await;
            db.close().await;
            ran += 1;
            let got = match &outcome {
                Ok(VerifyOutcome::Intact {
                    events, head_seq, ..
                }) if events == head_seq => Expect::Intact(*events),
                Ok(VerifyOutcome::Broken {
                    seq,
                    problem,
                    message,
                }) if !message.is_empty() => {
                    eprintln!(
                        "{backend:?} / {}: {problem:?} at {seq}: {message}",
                        case.name
                    );
                    Expect::Broken(*problem, *seq)
                }
                other => {
                    failures.push(format!("{backend:?} / {}: unexpected {other:?}", case.name));
                    continue;
                }
            };
            if got != case.expect {
                failures.push(format!(
                    "{backend:?} / {}: expected {:?}, got {outcome:?}",
                    case.name, case.expect
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

async fn apply(db: &Db, op: &Op) {
    match op {
        Op::Sql(sql) => exec(db, sql).await,
        Op::Swap(a, b) => {
            exec(
                db,
                &format!("UPDATE audit_events SET seq = -1000 WHERE seq = {a}"),
            )
            .await;
            exec(
                db,
                &format!("UPDATE audit_events SET seq = {a} WHERE seq = {b}"),
            )
            .await;
            exec(
                db,
                &format!("UPDATE audit_events SET seq = {b} WHERE seq = -1000"),
            )
            .await;
        }
        Op::SwapColumn(a, b, column) => {
            // One raw_sql call runs on one connection, so the temporary table is visible to
            // every statement of the swap.
            exec(db, &format!(
                "CREATE TEMPORARY TABLE stash AS SELECT {column} AS v FROM audit_events WHERE seq = {a}; \
                 UPDATE audit_events SET {column} = (SELECT {column} FROM audit_events WHERE seq = {b}) WHERE seq = {a}; \
                 UPDATE audit_events SET {column} = (SELECT v FROM stash) WHERE seq = {b}; \
                 DROP TABLE stash;"
            ))
            .await;
        }
        Op::RehashOne(seq) => {
            let r = record_at(db, *seq).await;
            let hash = forged_hash(&r, r.seq, &r.prev_hash);
            set_hashes(db, r.seq, &r.prev_hash, &hash).await;
        }
        Op::RechainFrom(from) => {
            let records = all_records(db).await;
            let mut prev = records
                .iter()
                .find(|r| r.seq == from - 1)
                .map_or(GENESIS_HASH.to_owned(), |r| r.hash.clone());
            for r in records.iter().filter(|r| r.seq >= *from) {
                let hash = forged_hash(r, r.seq, &prev);
                set_hashes(db, r.seq, &prev, &hash).await;
                prev = hash;
            }
        }
        Op::RenumberDownFrom(from) => {
            // One row at a time, in ascending order, so the primary key never collides.
            for r in all_records(db).await.iter().filter(|r| r.seq >= *from) {
                exec(
                    db,
                    &format!(
                        "UPDATE audit_events SET seq = {} WHERE seq = {}",
                        r.seq - 1,
                        r.seq
                    ),
                )
                .await;
            }
        }
        Op::HeadToEvent(seq) => {
            exec(db, &format!("UPDATE audit_head SET seq = {seq}, hash = (SELECT hash FROM audit_events WHERE seq = {seq}) WHERE id = 1")).await;
        }
        Op::InsertCopy { of, at } => {
            exec(
                db,
                &format!(
                "INSERT INTO audit_events (seq, id, at_ms, actor_kind, actor_id, on_behalf_of, \
                 structure_id, action, patient_id, document_id, access_mode, outcome, rule, \
                 detail, ip, prev_hash, hash) \
                 SELECT {at}, 'forged-{at}', at_ms, actor_kind, actor_id, on_behalf_of, \
                 structure_id, action, patient_id, document_id, access_mode, outcome, rule, \
                 detail, ip, prev_hash, hash FROM audit_events WHERE seq = {of}"
            ),
            )
            .await;
        }
    }
}

async fn record_at(db: &Db, seq: i64) -> mds_audit::AuditRecord {
    all_records(db)
        .await
        .into_iter()
        .find(|r| r.seq == seq)
        .unwrap()
}

async fn set_hashes(db: &Db, seq: i64, prev_hash: &str, hash: &str) {
    mds_store::Query::new("UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE seq = $3")
        .bind(prev_hash)
        .bind(hash)
        .bind(seq)
        .execute(&db)
        .await
        .unwrap();
}
