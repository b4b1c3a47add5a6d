//! What the audit tests share: a sample chain, and the raw SQL an attacker with database
//! access would run.

use mds_audit::canonical::{canonical_json, HashInput};
use mds_audit::{AuditQuery, AuditRecord, NewEvent, Outcome, MAX_QUERY_LIMIT};
use mds_store::{Backend, Db};
use serde_json::json;

/// A fixed clock: 2026-09-21T..., far from any real "now".
pub const T0: i64 = 1_790_000_000_000;

/// A varied event: different actor kinds, present and absent optional fields, nested detail.
pub fn sample_event(i: i64) -> NewEvent {
    let kinds = mds_audit::ActorKind::ALL;
    let kind = kinds[usize::try_from(i).unwrap() % kinds.len()];
    NewEvent {
        actor_id: Some(format!("actor-{}", i % 3)),
        on_behalf_of: (i % 4 == 2).then(|| "pro-1".to_owned()),
        structure_id: (i % 2 == 0).then(|| "clinique-x".to_owned()),
        patient_id: (i % 3 != 0).then(|| format!("patient-{}", i % 2)),
        document_id: (i % 2 == 1).then(|| format!("doc-{i}")),
        access_mode: Some("care_team".to_owned()),
        rule: (i % 2 == 0).then(|| "R-care-team".to_owned()),
        detail: json!({"z": i, "a": {"reason": "test", "n": [1, 2]}, "note": "ligne\n\"deux\""}),
        ip: (i % 5 != 0).then(|| "203.0.113.7".to_owned()),
        ..NewEvent::new(
            kind,
            if i % 2 == 0 {
                "document.read"
            } else {
                "auth.login"
            },
            if i % 3 == 0 {
                Outcome::Deny
            } else {
                Outcome::Success
            },
        )
    }
}

/// Records events 1..=n, one transaction each, at T0 + i seconds.
pub async fn sample_chain(db: &Db, n: i64) -> Vec<AuditRecord> {
    let mut out = Vec::new();
    for i in 1..=n {
        out.push(
            mds_audit::record(db, sample_event(i), T0 + i * 1000)
                .await
                .unwrap(),
        );
    }
    out
}

pub async fn all_records(db: &Db) -> Vec<AuditRecord> {
    let q = AuditQuery {
        limit: MAX_QUERY_LIMIT,
        ..AuditQuery::default()
    };
    mds_audit::query(db, &q).await.unwrap()
}

pub async fn exec(db: &Db, sql: &str) {
    db.execute_script(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// What an attacker with database access does first.
pub async fn drop_triggers(db: &Db) {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;"
        }
        Backend::Postgres => {
            "DROP TRIGGER audit_events_no_update ON audit_events; \
             DROP TRIGGER audit_events_no_truncate ON audit_events;"
        }
    };
    exec(db, sql).await;
}

/// The hash a forger computes for `r` placed at `seq` after `prev_hash`.
pub fn forged_hash(r: &AuditRecord, seq: i64, prev_hash: &str) -> String {
    let detail = canonical_json(&r.detail);
    HashInput {
        prev_hash,
        seq,
        id: &r.id,
        at_ms: r.at_ms,
        actor_kind: r.actor_kind.as_str(),
        actor_id: r.actor_id.as_deref(),
        on_behalf_of: r.on_behalf_of.as_deref(),
        structure_id: r.structure_id.as_deref(),
        action: &r.action,
        patient_id: r.patient_id.as_deref(),
        document_id: r.document_id.as_deref(),
        access_mode: r.access_mode.as_deref(),
        outcome: r.outcome.as_str(),
        rule: r.rule.as_deref(),
        detail: &detail,
        ip: r.ip.as_deref(),
    }
    .hash()
}
