//! The audit's lookups by the professional acted for (the structure software quota) read
//! partial indexes that leave out the events of a person acting in their own name (migration
//! 0033). On both backends the lookups find the events acted for and nothing else; on SQLite
//! each one's plan searches one of those indexes and scans nothing (SQLite must see that
//! `on_behalf_of = $1` implies the indexes' `on_behalf_of IS NOT NULL`, or it would scan the
//! whole audit). The history's `actor_id = $1 OR on_behalf_of = $1` is checked with the other
//! request paths by the API's `plans` test.

use crate::contract::each_backend;
use mds_domain::{AccountId, DocumentId, PatientId};
use mds_store::{structure_access, supervision, Db};
use mds_testkit::TestBackend;

const AT: i64 = 1_800_000_000_000;

/// Event `seq`: `actor` read (permitted) document `1000 + seq` of record `record`, in the
/// name of `on_behalf` if any. Raw columns (the chain's hashes play no part here).
async fn event(db: &Db, seq: i64, actor: i64, on_behalf: Option<i64>, record: i64) {
    mds_store::Query::new(
        "INSERT INTO audit_events (seq, id, at_ms, actor_kind, actor_id, on_behalf_of, action, \
         patient_id, document_id, outcome, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, 'professional', $4, $5, 'document.read', $6, $7, 'permit', '{}', \
         '', '')",
    )
    .bind(seq)
    .bind(mds_store::new_ordered_id())
    .bind(AT + seq)
    .bind(uid(actor))
    .bind(on_behalf.map(uid))
    .bind(patient(record).as_str())
    .bind(uid(1000 + seq))
    .execute(db)
    .await
    .unwrap();
}

/// The identifier numbered `n` (identifiers have the UUID shape).
fn uid(n: i64) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn pro(n: i64) -> AccountId {
    AccountId::from_uuid_text(uid(n))
}

fn patient(n: i64) -> PatientId {
    PatientId::from_uuid_text(uid(100 + n))
}

#[tokio::test]
async fn lookups_by_the_professional_acted_for_use_the_partial_indexes() {
    each_backend(|backend, db| async move {
        // Software 9 acting for professional 1 on records 1 and 3; professionals 1 and 2
        // in their own names.
        event(&db, 1, 9, Some(1), 1).await;
        event(&db, 2, 1, None, 2).await;
        event(&db, 3, 9, Some(1), 3).await;
        event(&db, 4, 2, None, 1).await;
        db.watch_statements(true);
        let mut patients = supervision::distinct_patients_since(&db, &pro(1), "document.read", AT)
            .await
            .unwrap();
        patients.sort();
        assert_eq!(patients, [patient(1), patient(3)], "{backend:?}");
        let documents =
            structure_access::documents_read_since(&db, &pro(1), &patient(1), "document.read", AT)
                .await
                .unwrap();
        assert_eq!(
            documents,
            [DocumentId::from_uuid_text(uid(1001))],
            "{backend:?}"
        );
        let nobody = supervision::distinct_patients_since(&db, &pro(2), "document.read", AT)
            .await
            .unwrap();
        assert_eq!(nobody, Vec::<PatientId>::new(), "{backend:?}");
        db.watch_statements(false);

        let statements = db.watched_statements();
        if backend != TestBackend::Sqlite {
            assert!(statements.is_empty(), "the watch is SQLite's");
            return;
        }
        assert_eq!(statements.len(), 2, "{statements:?}");
        for s in statements {
            let plan = db.explain_query_plan(&s.sql).unwrap().unwrap();
            assert!(
                plan.iter()
                    .any(|l| l.contains("USING INDEX audit_events_on_behalf")),
                "{}: {plan:?}",
                s.sql
            );
            assert!(
                !plan.iter().any(|l| l.trim_start().starts_with("SCAN")),
                "{}: {plan:?}",
                s.sql
            );
            assert_eq!(s.full_scan_steps, 0, "{}", s.sql);
        }
    })
    .await;
}
