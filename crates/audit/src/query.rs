//! Reading events back with filters, in chain order, one page at a time. Reading does not
//! check the chain (that is `verify`) and does not record itself: the caller audits the read
//! of the history like any other action.

use crate::row::{StoredRow, COLUMNS};
use crate::{AuditError, AuditRecord};
use mds_store::Db;

/// Largest page [`query`] returns; larger limits are lowered to it.
pub const MAX_QUERY_LIMIT: u32 = 10_000;

/// Filters of [`query`]; `None` or empty means "any". All filters combine with AND.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub patient_id: Option<String>,
    pub actor_id: Option<String>,
    /// Inclusive lower bound of `at_ms`.
    pub from_ms: Option<i64>,
    /// Exclusive upper bound of `at_ms`.
    pub to_ms: Option<i64>,
    /// Exact action names; empty means every action.
    pub actions: Vec<String>,
    /// Keyset pagination: only events with a greater `seq` (pass the last `seq` of the
    /// previous page).
    pub after_seq: Option<i64>,
    /// Page size, at most [`MAX_QUERY_LIMIT`]; 0 returns nothing.
    pub limit: u32,
}

enum Bind {
    Text(String),
    Int(i64),
}

/// Events matching `q`, ordered by `seq`, at most `q.limit` of them.
pub async fn query(db: &Db, q: &AuditQuery) -> Result<Vec<AuditRecord>, AuditError> {
    if q.limit == 0 {
        return Ok(Vec::new());
    }
    let mut conditions: Vec<String> = Vec::new();
    let mut binds: Vec<Bind> = Vec::new();
    // Placeholders are numbered as they are pushed, so the SQL and the bind order cannot
    // drift apart.
    fn push(condition: &str, bind: Bind, binds: &mut Vec<Bind>) -> String {
        binds.push(bind);
        condition.replace('?', &format!("${}", binds.len()))
    }
    if let Some(p) = &q.patient_id {
        conditions.push(push("patient_id = ?", Bind::Text(p.clone()), &mut binds));
    }
    if let Some(a) = &q.actor_id {
        conditions.push(push("actor_id = ?", Bind::Text(a.clone()), &mut binds));
    }
    if let Some(from) = q.from_ms {
        conditions.push(push("at_ms >= ?", Bind::Int(from), &mut binds));
    }
    if let Some(to) = q.to_ms {
        conditions.push(push("at_ms < ?", Bind::Int(to), &mut binds));
    }
    if let Some(after) = q.after_seq {
        conditions.push(push("seq > ?", Bind::Int(after), &mut binds));
    }
    if !q.actions.is_empty() {
        let placeholders: Vec<String> = q
            .actions
            .iter()
            .map(|a| push("?", Bind::Text(a.clone()), &mut binds))
            .collect();
        conditions.push(format!("action IN ({})", placeholders.join(", ")));
    }
    let limit = push(
        "?",
        Bind::Int(i64::from(q.limit.min(MAX_QUERY_LIMIT))),
        &mut binds,
    );
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!("SELECT {COLUMNS} FROM audit_events {filter} ORDER BY seq LIMIT {limit}");

    let mut statement = sqlx::query(&sql);
    for bind in binds {
        statement = match bind {
            Bind::Text(t) => statement.bind(t),
            Bind::Int(i) => statement.bind(i),
        };
    }
    let rows = statement.fetch_all(db.pool()).await?;
    rows.iter()
        .map(|row| StoredRow::from_row(row)?.into_record())
        .collect()
}
