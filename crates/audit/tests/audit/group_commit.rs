//! Group commit on both backends: concurrent callers share transactions yet each gets its own
//! stored event only once durable; the chain stays intact and in commit order; an invalid
//! event is refused alone; a failed batch fails every caller in it and stores nothing.

// Integration tests are test code: unwrap is allowed in helpers too, not only in #[test]s.
#![allow(clippy::unwrap_used)]

use crate::samples::{all_records, exec, sample_event, T0};
use mds_audit::{ActorKind, AuditError, GroupCommit, NewEvent, Outcome, VerifyOutcome};
use mds_testkit::{backends, fresh_db};
use std::collections::HashSet;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_events_are_each_stored_once_in_one_intact_chain() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends() {
        let db = fresh_db(backend, dir.path()).await;
        let group = Arc::new(GroupCommit::new(db.clone()));
        let mut tasks = Vec::new();
        for i in 0..200i64 {
            let group = group.clone();
            tasks.push(tokio::spawn(async move {
                let ev = NewEvent {
                    detail: serde_json::json!({ "n": i }),
                    ..sample_event(i)
                };
                (i, group.record(ev, T0 + i).await.unwrap())
            }));
        }
        let mut answered = Vec::new();
        for t in tasks {
            answered.push(t.await.unwrap());
        }
        // Every caller got back its own event, as stored.
        let stored = all_records(&db).await;
        assert_eq!(stored.len(), 200, "{backend:?}");
        for (i, record) in &answered {
            assert_eq!(record.detail["n"], *i, "{backend:?}");
            assert_eq!(record.at_ms, T0 + i, "{backend:?}");
            assert_eq!(&stored[usize::try_from(record.seq - 1).unwrap()], record);
        }
        let seqs: HashSet<i64> = answered.iter().map(|(_, r)| r.seq).collect();
        assert_eq!(seqs.len(), 200, "{backend:?}: one sequence number each");
        assert!(
            matches!(
                mds_audit::verify(&db, None).await.unwrap(),
                VerifyOutcome::Intact { events: 200, .. }
            ),
            "{backend:?}"
        );
        // Fewer transactions than events: the writer lock counts them (Db::begin).
        let writes = exec_scalar(&db, "SELECT writes FROM audit_head WHERE id = 1").await;
        assert!(
            writes < 200,
            "{backend:?}: {writes} transactions for 200 events"
        );
        db.close().await;
    }
}

#[tokio::test]
async fn sequential_records_chain_in_call_order() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends() {
        let db = fresh_db(backend, dir.path()).await;
        let group = GroupCommit::new(db.clone());
        let direct = mds_audit::record(&db, sample_event(0), T0).await.unwrap();
        let a = group.record(sample_event(1), T0 + 1).await.unwrap();
        let b = group.record(sample_event(2), T0 + 2).await.unwrap();
        assert_eq!((a.seq, b.seq), (2, 3), "{backend:?}");
        assert_eq!(a.prev_hash, direct.hash, "{backend:?}");
        assert_eq!(b.prev_hash, a.hash, "{backend:?}");
        assert_eq!(all_records(&db).await, vec![direct, a, b], "{backend:?}");
        db.close().await;
    }
}

#[tokio::test]
async fn an_invalid_event_is_refused_alone() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends() {
        let db = fresh_db(backend, dir.path()).await;
        let group = GroupCommit::new(db.clone());
        // An action that is not a dotted name: the caller's bug, refused alone.
        let bad = NewEvent::new(ActorKind::System, "document read", Outcome::Permit);
        let err = group.record(bad, T0).await.unwrap_err();
        assert!(
            matches!(err, AuditError::InvalidEvent(_)),
            "{backend:?} {err}"
        );
        group.record(sample_event(1), T0).await.unwrap();
        assert_eq!(all_records(&db).await.len(), 1, "{backend:?}");
        db.close().await;
    }
}

#[tokio::test]
async fn a_failed_batch_fails_its_callers_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends() {
        let db = fresh_db(backend, dir.path()).await;
        let group = GroupCommit::new(db.clone());
        group.record(sample_event(1), T0).await.unwrap();
        // The database refuses the inserts (table gone): the commit cannot happen.
        exec(&db, "ALTER TABLE audit_events RENAME TO audit_events_away").await;
        let err = group.record(sample_event(2), T0 + 1).await.unwrap_err();
        assert!(matches!(err, AuditError::Batch(_)), "{backend:?} {err}");
        exec(&db, "ALTER TABLE audit_events_away RENAME TO audit_events").await;
        let stored = all_records(&db).await;
        assert_eq!(stored.len(), 1, "{backend:?}");
        // The head did not move: the next event chains on the last stored one.
        let next = group.record(sample_event(3), T0 + 2).await.unwrap();
        assert_eq!(
            (next.seq, &next.prev_hash),
            (2, &stored[0].hash),
            "{backend:?}"
        );
        db.close().await;
    }
}

async fn exec_scalar(db: &mds_store::Db, sql: &str) -> i64 {
    let (v,): (i64,) = mds_store::Query::new(sql).fetch_one(&db).await.unwrap();
    v
}
