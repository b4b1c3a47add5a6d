//! Writing and reading the chain on both backends: linking, transactions, concurrent writers,
//! query filters and pagination, refused inputs, and verification across many batches.

// Integration tests are test code: unwrap is allowed in helpers too, not only in #[test]s.
#![allow(clippy::unwrap_used)]

use crate::samples::{all_records, drop_triggers, exec, sample_chain, sample_event, T0};
use mds_audit::{
    ActorKind, AuditError, AuditQuery, AuditRecord, NewEvent, Outcome, Problem, VerifyOutcome,
    GENESIS_HASH, MAX_DETAIL_BYTES,
};
use mds_testkit::{backends, fresh_db};
use serde_json::json;

fn intact(events: i64) -> impl Fn(&VerifyOutcome) -> bool {
    move |v| matches!(v, VerifyOutcome::Intact { events: e, head_seq, .. } if *e == events && *head_seq == events)
}

#[tokio::test]
async fn appended_events_are_linked_and_read_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends() {
        let db = fresh_db(backend, dir.path()).await;
        assert!(
            intact(0)(&mds_audit::verify(&db, None).await.unwrap()),
            "{backend:?} empty"
        );
        let written = sample_chain(&db, 6).await;
        let mut prev = GENESIS_HASH.to_owned();
        for (i, r) in written.iter().enumerate() {
            assert_eq!(r.seq, i64::try_from(i).unwrap() + 1, "{backend:?}");
            assert_eq!(r.prev_hash, prev, "{backend:?} seq {}", r.seq);
            assert_eq!(r.hash.len(), 64);
            prev = r.hash.clone();
        }
        // Ids sort as the chain does (the unique index on them is appended to, not scattered).
        assert!(written.windows(2).all(|w| w[0].id < w[1].id), "{backend:?}");
        assert_eq!(all_records(&db).await, written, "{backend:?}");
        let outcome = mds_audit::verify(&db, None).await.unwrap();
        assert_eq!(
            outcome,
            VerifyOutcome::Intact {
                events: 6,
                head_seq: 6,
                head_hash: prev
            },
            "{backend:?}"
        );
        db.close().await;
    }
}

#[tokio::test]
async fn append_joins_the_callers_transaction() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends() {
        let db = fresh_db(backend, dir.path()).await;
        // Rolled back: no event, and the head does not move.
        let mut tx = db.begin().await.unwrap();
        mds_audit::append(&mut tx, sample_event(1), T0)
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        assert!(
            intact(0)(&mds_audit::verify(&db, None).await.unwrap()),
            "{backend:?}"
        );

        // Two events in one transaction chain onto each other.
        let mut tx = db.begin().await.unwrap();
        let a = mds_audit::append(&mut tx, sample_event(1), T0)
            .await
            .unwrap();
        let b = mds_audit::append(&mut tx, sample_event(2), T0)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!((a.seq, b.seq), (1, 2), "{backend:?}");
        assert_eq!(a.prev_hash, GENESIS_HASH);
        assert_eq!(b.prev_hash, a.hash);
        assert!(
            intact(2)(&mds_audit::verify(&db, None).await.unwrap()),
            "{backend:?}"
        );
        db.close().await;
    }
}

/// A batch is inserted a chunk at a time (several rows per statement on PostgreSQL, one on
/// SQLite): after an earlier event of the same transaction, 70 events read back as written,
/// in order, each linked to the one before.
#[tokio::test]
async fn a_batch_longer_than_one_insert_is_one_chain() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends() {
        let db = fresh_db(backend, dir.path()).await;
        let mut tx = db.begin().await.unwrap();
        let first = mds_audit::append(&mut tx, sample_event(0), T0)
            .await
            .unwrap();
        let batch = (1..=70).map(|i| (sample_event(i), T0 + i)).collect();
        let rest = mds_audit::append_batch(&mut tx, batch).await.unwrap();
        tx.commit().await.unwrap();
        let mut prev = first.hash.clone();
        for (i, r) in rest.iter().enumerate() {
            assert_eq!(r.seq, i64::try_from(i).unwrap() + 2, "{backend:?}");
            assert_eq!(r.prev_hash, prev, "{backend:?} seq {}", r.seq);
            prev = r.hash.clone();
        }
        let mut written = vec![first];
        written.extend(rest);
        assert_eq!(all_records(&db).await, written, "{backend:?}");
        assert!(
            intact(71)(&mds_audit::verify(&db, None).await.unwrap()),
            "{backend:?}"
        );
        db.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_keep_the_chain_intact() {
    const WRITERS: i64 = 8;
    const TRANSACTIONS: i64 = 15;
    let dir = tempfile::tempdir().unwrap();
    for backend in backends() {
        let db = fresh_db(backend, dir.path()).await;
        let mut tasks = Vec::new();
        for w in 0..WRITERS {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                let mut appended = 0;
                for t in 0..TRANSACTIONS {
                    let mut tx = db.begin().await.unwrap();
                    // Every other transaction appends two events, as a use case with a
                    // state change and a notification would.
                    for k in 0..=(t % 2) {
                        let event = NewEvent {
                            actor_id: Some(format!("writer-{w}")),
                            detail: json!({"t": t, "k": k}),
                            ..NewEvent::new(
                                ActorKind::Professional,
                                "document.read",
                                Outcome::Permit,
                            )
                        };
                        mds_audit::append(&mut tx, event, T0 + t).await.unwrap();
                        appended += 1;
                    }
                    tokio::task::yield_now().await;
                    tx.commit().await.unwrap();
                }
                appended
            }));
        }
        // A verifier running alongside must always see an intact prefix, never a writer's
        // half-finished append.
        let verifier = {
            let db = db.clone();
            tokio::spawn(async move {
                let mut runs = 0;
                loop {
                    let head_seq = match mds_audit::verify(&db, None).await.unwrap() {
                        VerifyOutcome::Intact {
                            events, head_seq, ..
                        } if events == head_seq => head_seq,
                        broken => panic!("verify during writes: {broken:?}"),
                    };
                    runs += 1;
                    if head_seq == WRITERS * (TRANSACTIONS + TRANSACTIONS / 2) {
                        return runs;
                    }
                }
            })
        };
        let mut total = 0;
        for task in tasks {
            total += task.await.unwrap();
        }
        assert_eq!(total, WRITERS * (TRANSACTIONS + TRANSACTIONS / 2));
        let runs = verifier.await.unwrap();
        eprintln!("{backend:?}: {runs} verify runs alongside the writers, all intact");
        let outcome = mds_audit::verify(&db, None).await.unwrap();
        assert!(
            intact(total)(&outcome),
            "{backend:?}: {outcome:?}, expected {total} events"
        );
        let seqs: Vec<i64> = all_records(&db).await.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, (1..=total).collect::<Vec<_>>(), "{backend:?}");
        db.close().await;
    }
}

#[tokio::test]
async fn query_filters_as_a_table() {
    type Pred = fn(&AuditRecord) -> bool;
    let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let q = AuditQuery {
        limit: 100,
        ..AuditQuery::default()
    };
    let cases: Vec<(&str, AuditQuery, Pred, usize)> = vec![
        ("everything", q.clone(), |_| true, 100),
        (
            "one patient",
            AuditQuery {
                patient_id: Some("patient-1".into()),
                ..q.clone()
            },
            |r| r.patient_id.as_deref() == Some("patient-1"),
            100,
        ),
        (
            "one actor",
            AuditQuery {
                actor_id: Some("actor-2".into()),
                ..q.clone()
            },
            |r| r.actor_id.as_deref() == Some("actor-2"),
            100,
        ),
        (
            "from inclusive, to exclusive",
            AuditQuery {
                from_ms: Some(T0 + 3000),
                to_ms: Some(T0 + 7000),
                ..q.clone()
            },
            |r| (3..7).contains(&r.seq),
            100,
        ),
        (
            "one action",
            AuditQuery {
                actions: owned(&["auth.login"]),
                ..q.clone()
            },
            |r| r.action == "auth.login",
            100,
        ),
        (
            "two actions",
            AuditQuery {
                actions: owned(&["auth.login", "document.read"]),
                ..q.clone()
            },
            |_| true,
            100,
        ),
        (
            "unknown action",
            AuditQuery {
                actions: owned(&["nothing"]),
                ..q.clone()
            },
            |_| false,
            100,
        ),
        (
            "after seq, limited",
            AuditQuery {
                after_seq: Some(5),
                limit: 3,
                ..q.clone()
            },
            |r| r.seq > 5,
            3,
        ),
        (
            "combined",
            AuditQuery {
                patient_id: Some("patient-0".into()),
                actions: owned(&["document.read"]),
                from_ms: Some(T0 + 4000),
                ..q.clone()
            },
            |r| {
                r.patient_id.as_deref() == Some("patient-0")
                    && r.action == "document.read"
                    && r.at_ms >= T0 + 4000
            },
            100,
        ),
        (
            "involving: actor or on behalf of",
            AuditQuery {
                involving: Some("pro-1".into()),
                ..q.clone()
            },
            |r| r.on_behalf_of.as_deref() == Some("pro-1"),
            100,
        ),
        (
            "involving an actor",
            AuditQuery {
                involving: Some("actor-1".into()),
                ..q.clone()
            },
            |r| r.actor_id.as_deref() == Some("actor-1"),
            100,
        ),
        (
            "denials only",
            AuditQuery {
                outcome: Some(Outcome::Deny),
                ..q.clone()
            },
            |r| r.outcome == Outcome::Deny,
            100,
        ),
        (
            "actions or access modes",
            AuditQuery {
                actions: owned(&["auth.login"]),
                access_modes: owned(&["nothing"]),
                ..q.clone()
            },
            |r| r.action == "auth.login",
            100,
        ),
        (
            "access modes alone",
            AuditQuery {
                access_modes: owned(&["care_team"]),
                patient_id: Some("patient-1".into()),
                ..q.clone()
            },
            |r| r.patient_id.as_deref() == Some("patient-1"),
            100,
        ),
        (
            "before seq",
            AuditQuery {
                before_seq: Some(4),
                ..q.clone()
            },
            |r| r.seq < 4,
            100,
        ),
        (
            "limit 0",
            AuditQuery {
                limit: 0,
                ..q.clone()
            },
            |_| false,
            0,
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for backend in backends() {
        let db = fresh_db(backend, dir.path()).await;
        let all = sample_chain(&db, 12).await;
        for (name, query, pred, limit) in &cases {
            let want: Vec<i64> = all
                .iter()
                .filter(|r| pred(r))
                .map(|r| r.seq)
                .take(*limit)
                .collect();
            match mds_audit::query(&db, query).await {
                Ok(got) => {
                    let got: Vec<i64> = got.iter().map(|r| r.seq).collect();
                    if got != want {
                        failures.push(format!("{backend:?} / {name}: got {got:?}, want {want:?}"));
                    }
                }
                Err(e) => failures.push(format!("{backend:?} / {name}: {e}")),
            }
        }
        // Newest first, paged backwards with before_seq, visits every event once.
        let mut seen = Vec::new();
        let mut before = None;
        loop {
            let page = mds_audit::query(
                &db,
                &AuditQuery {
                    before_seq: before,
                    newest_first: true,
                    limit: 5,
                    ..AuditQuery::default()
                },
            )
            .await
            .unwrap();
            let Some(last) = page.last() else { break };
            before = Some(last.seq);
            seen.extend(page.iter().map(|r| r.seq));
        }
        if seen != (1..=12).rev().collect::<Vec<_>>() {
            failures.push(format!("{backend:?} / newest first: {seen:?}"));
        }
        // Keyset pagination visits every event once, in order.
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = mds_audit::query(
                &db,
                &AuditQuery {
                    after_seq: after,
                    limit: 5,
                    ..AuditQuery::default()
                },
            )
            .await
            .unwrap();
            let Some(last) = page.last() else { break };
            after = Some(last.seq);
            seen.extend(page.iter().map(|r| r.seq));
        }
        if seen != (1..=12).collect::<Vec<_>>() {
            failures.push(format!("{backend:?} / pagination: {seen:?}"));
        }
        db.close().await;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Issue 14: what a client typed never makes an append fail — an oversized detail (a 9,000
/// character filter, thousands of parts) is stored bounded, and the chain verifies.
#[tokio::test]
async fn oversized_details_are_stored_bounded_never_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = "x".repeat(MAX_DETAIL_BYTES * 2);
    let many: Vec<String> = (0..5_000).map(|i| format!("{i}")).collect();
    for backend in backends() {
        let db = fresh_db(backend, dir.path()).await;
        for detail in [json!({ "type_code": big }), json!({ "parts": many })] {
            let event = NewEvent {
                detail,
                ..NewEvent::new(ActorKind::Professional, "document.search", Outcome::Deny)
            };
            let stored = mds_audit::record(&db, event, T0)
                .await
                .unwrap_or_else(|e| panic!("{backend:?}: {e}"));
            let text = mds_audit::canonical::canonical_json(&stored.detail);
            assert!(
                text.len() <= MAX_DETAIL_BYTES,
                "{backend:?}: {} bytes",
                text.len()
            );
        }
        assert!(
            matches!(
                mds_audit::verify(&db, None).await,
                Ok(mds_audit::VerifyOutcome::Intact { events: 2, .. })
            ),
            "{backend:?}"
        );
        db.close().await;
    }
}

#[tokio::test]
async fn invalid_events_and_anchors_are_refused_and_leave_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let events: Vec<(&str, NewEvent)> = vec![
        (
            "empty action",
            NewEvent::new(ActorKind::Patient, "", Outcome::Success),
        ),
        (
            "action with a space",
            NewEvent::new(ActorKind::Patient, "auth login", Outcome::Success),
        ),
    ];
    let anchors: Vec<(&str, (i64, String))> = vec![
        ("negative seq", (-1, GENESIS_HASH.to_owned())),
        ("short hash", (1, "abc".to_owned())),
        ("uppercase hash", (1, "AB".repeat(32))),
    ];
    let mut failures = Vec::new();
    for backend in backends() {
        let db = fresh_db(backend, dir.path()).await;
        for (name, event) in &events {
            match mds_audit::record(&db, event.clone(), T0).await {
                Err(AuditError::InvalidEvent(_)) => {}
                other => failures.push(format!("{backend:?} / {name}: {other:?}")),
            }
        }
        for (name, anchor) in &anchors {
            match mds_audit::verify(&db, Some(anchor.clone())).await {
                Err(AuditError::InvalidAnchor(_)) => {}
                other => failures.push(format!("{backend:?} / {name}: {other:?}")),
            }
        }
        let after = mds_audit::verify(&db, None).await.unwrap();
        if !intact(0)(&after) {
            failures.push(format!(
                "{backend:?}: refused events left a trace: {after:?}"
            ));
        }
        db.close().await;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn the_database_refuses_updates_and_deletes_of_events() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends() {
        let db = fresh_db(backend, dir.path()).await;
        sample_chain(&db, 2).await;
        for sql in [
            "UPDATE audit_events SET action = 'x' WHERE seq = 1",
            "DELETE FROM audit_events WHERE seq = 2",
        ] {
            assert!(db.execute_script(sql).await.is_err(), "{backend:?}: {sql}");
        }
        assert!(
            intact(2)(&mds_audit::verify(&db, None).await.unwrap()),
            "{backend:?}"
        );
        db.close().await;
    }
}

/// More events than one verify batch, written in one transaction to keep the test quick.
#[tokio::test]
async fn verify_walks_many_batches_and_names_a_late_alteration() {
    const N: i64 = 2_345;
    let dir = tempfile::tempdir().unwrap();
    for backend in backends() {
        let db = fresh_db(backend, dir.path()).await;
        let mut tx = db.begin().await.unwrap();
        for i in 1..=N {
            mds_audit::append(&mut tx, sample_event(i), T0 + i)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let outcome = mds_audit::verify(&db, None).await.unwrap();
        assert!(intact(N)(&outcome), "{backend:?}: {outcome:?}");

        drop_triggers(&db).await;
        exec(
            &db,
            "UPDATE audit_events SET detail = '{\"z\":0}' WHERE seq = 2001",
        )
        .await;
        match mds_audit::verify(&db, None).await.unwrap() {
            VerifyOutcome::Broken {
                seq: 2001,
                problem: Problem::Altered,
                ..
            } => {}
            other => panic!("{backend:?}: {other:?}"),
        }
        db.close().await;
    }
}
