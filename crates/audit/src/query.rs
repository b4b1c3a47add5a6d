//! Reading events back with filters, in chain order or newest first, one page at a time.
//! Reading does not check the chain (that is `verify`) and does not record itself: the caller
//! audits the read of the history like any other action.

use crate::row::{StoredRow, COLUMNS};
use crate::{AuditError, AuditRecord, Outcome};
use mds_store::{Db, Query};

/// Largest page [`query`] returns; larger limits are lowered to it.
pub const MAX_QUERY_LIMIT: u32 = 10_000;

/// Filters of [`query`]; `None` or empty means "any". All filters combine with AND.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub patient_id: Option<String>,
    pub actor_id: Option<String>,
    /// Events whose `actor_id` or `on_behalf_of` is this account: everything a professional
    /// did, including through an assistant.
    pub involving: Option<String>,
    /// Events by anyone but this account (or by no account: the service itself).
    pub not_actor: Option<String>,
    /// Inclusive lower bound of `at_ms`.
    pub from_ms: Option<i64>,
    /// Exclusive upper bound of `at_ms`.
    pub to_ms: Option<i64>,
    /// Exact action names; empty means every action.
    pub actions: Vec<String>,
    /// Exact access modes (`break_glass`, `samu`…). When both this and `actions` are given,
    /// an event matches if it satisfies either of them (a kind of activity is a set of actions
    /// plus whatever was done under some access modes).
    pub access_modes: Vec<String>,
    pub outcome: Option<Outcome>,
    /// Keyset pagination: only events with a greater `seq` (pass the last `seq` of the
    /// previous page).
    pub after_seq: Option<i64>,
    /// Keyset pagination backwards: only events with a smaller `seq`.
    pub before_seq: Option<i64>,
    /// Newest first (descending `seq`) instead of chain order.
    pub newest_first: bool,
    /// Page size, at most [`MAX_QUERY_LIMIT`]; 0 returns nothing.
    pub limit: u32,
}

enum Bind {
    Text(String),
    Int(i64),
}

/// Events matching `q`, ordered by `seq` (descending with `newest_first`), at most `q.limit`
/// of them.
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
    if let Some(a) = &q.involving {
        let first = push("?", Bind::Text(a.clone()), &mut binds);
        let second = push("?", Bind::Text(a.clone()), &mut binds);
        conditions.push(format!("(actor_id = {first} OR on_behalf_of = {second})"));
    }
    if let Some(a) = &q.not_actor {
        conditions.push(push(
            "(actor_id IS NULL OR actor_id <> ?)",
            Bind::Text(a.clone()),
            &mut binds,
        ));
    }
    if let Some(o) = q.outcome {
        conditions.push(push(
            "outcome = ?",
            Bind::Text(o.as_str().to_owned()),
            &mut binds,
        ));
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
    if let Some(before) = q.before_seq {
        conditions.push(push("seq < ?", Bind::Int(before), &mut binds));
    }
    let mut either = Vec::new();
    for (column, values) in [("action", &q.actions), ("access_mode", &q.access_modes)] {
        if !values.is_empty() {
            let placeholders: Vec<String> = values
                .iter()
                .map(|a| push("?", Bind::Text(a.clone()), &mut binds))
                .collect();
            either.push(format!("{column} IN ({})", placeholders.join(", ")));
        }
    }
    if !either.is_empty() {
        conditions.push(format!("({})", either.join(" OR ")));
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
    let order = if q.newest_first { "DESC" } else { "ASC" };
    let sql =
        format!("SELECT {COLUMNS} FROM audit_events {filter} ORDER BY seq {order} LIMIT {limit}");

    let mut statement = Query::new(sql);
    for bind in binds {
        match bind {
            Bind::Text(t) => statement.push(t),
            Bind::Int(i) => statement.push(i),
        }
    }
    let rows: Vec<StoredRow> = statement.fetch_all(db).await?;
    rows.into_iter().map(StoredRow::into_record).collect()
}
