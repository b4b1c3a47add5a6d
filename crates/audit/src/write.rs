//! Appending events to the chain, inside the caller's transaction. Never updates or deletes
//! an event: the only row this module changes is `audit_head`.

use crate::canonical::HashInput;
use crate::{AuditError, AuditRecord, NewEvent};
use mds_store::{Backend, Db, Query, Tx};
use serde_json::{Map, Value};

/// Upper bound of the canonical `detail` text. Identifiers and reasons fit easily; a larger
/// detail is bounded (`crate::bounded`), never refused: what a client typed cannot make an
/// append fail, and content (possibly medical) cannot be logged whole.
pub const MAX_DETAIL_BYTES: usize = 8 * 1024;

/// Appends `event` at the end of the chain, in `tx`, and returns the stored record.
///
/// `tx` should come from [`Db::begin`], which has already locked `audit_head`; the head is
/// nevertheless read with an `UPDATE … RETURNING`, which takes the same lock, so that even a
/// transaction opened some other way cannot chain two events onto the same predecessor. The
/// event becomes visible (and part of the chain) only when the caller commits.
pub async fn append(
    tx: &mut Tx,
    mut event: NewEvent,
    at_ms: i64,
) -> Result<AuditRecord, AuditError> {
    crate::scope::note(&event);
    crate::scope::stamp(&mut event);
    let mut stored = append_batch(tx, vec![(event, at_ms)]).await?;
    stored
        .pop()
        .ok_or_else(|| AuditError::Corrupt("an append stored no event".to_owned()))
}

/// Rows written by one multi-row `INSERT` on PostgreSQL (17 parameters each, well under its
/// limit on bound parameters): each statement is a round trip to the server.
const ROWS_PER_INSERT: usize = 32;

/// Rows written by one `INSERT` on the given backend. SQLite runs the statements of a
/// transaction on the caller's thread, so grouping rows saves no round trip; and a multi-row
/// `INSERT` after the transaction's first write (the head's `UPDATE`) needs a statement
/// journal — the original of every page it touches, to undo a half-done statement — which
/// SQLite spills to an unnamed temporary file past 64 KiB: about a tenth of the server's CPU
/// per document read or list (docs/PERFORMANCE.md), and pages of the chain (identifiers,
/// addresses) written outside the data directory. A single-row `INSERT` (no trigger on insert,
/// no `REPLACE`) needs none.
fn rows_per_insert(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 1,
        Backend::Postgres => ROWS_PER_INSERT,
    }
}

/// Appends `events` at the end of the chain, in this order, in `tx`: the same chain as as
/// many [`append`] calls, with the head read and written once and the rows inserted a chunk
/// at a time (what makes a group commit cheap).
pub async fn append_batch(
    tx: &mut Tx,
    events: Vec<(NewEvent, i64)>,
) -> Result<Vec<AuditRecord>, AuditError> {
    let prepared = events
        .into_iter()
        .map(|(event, at_ms)| Prepared::new(event, at_ms))
        .collect::<Result<Vec<_>, _>>()?;
    append_prepared(tx, prepared).await
}

/// An event ready to chain: its decision merged into its detail, the detail bounded and
/// checked, and the canonical text the hash covers — computed once, however the event is
/// appended (alone, in a batch, or queued for a group commit).
pub(crate) struct Prepared {
    event: NewEvent,
    at_ms: i64,
    detail: String,
}

impl Prepared {
    pub(crate) fn new(mut event: NewEvent, at_ms: i64) -> Result<Self, AuditError> {
        check(&event)?;
        let mut detail = std::mem::take(&mut event.detail);
        if let Some(decision) = event.decision.take() {
            detail = with_decision(detail, decision);
        }
        let (bounded, text) = crate::bound::bounded_canonical(detail, MAX_DETAIL_BYTES);
        if text.len() > MAX_DETAIL_BYTES {
            return Err(AuditError::InvalidEvent(format!(
                "detail of {} is {} bytes, more than {MAX_DETAIL_BYTES}: audit detail holds \
                 identifiers and reasons, never content",
                event.action,
                text.len()
            )));
        }
        event.detail = bounded;
        Ok(Self {
            event,
            at_ms,
            detail: text,
        })
    }
}

/// [`append_batch`] of events already prepared.
pub(crate) async fn append_prepared(
    tx: &mut Tx,
    events: Vec<Prepared>,
) -> Result<Vec<AuditRecord>, AuditError> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let count = i64::try_from(events.len())
        .map_err(|_| AuditError::InvalidEvent("too many events in one batch".to_owned()))?;
    let (last_seq, mut prev_hash): (i64, String) =
        Query::new("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
            .bind(count)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AuditError::Corrupt("the audit_head row is missing".to_owned()))?;

    let mut stored = Vec::with_capacity(events.len());
    let mut details = Vec::with_capacity(events.len());
    for (n, p) in events.into_iter().enumerate() {
        let seq = last_seq - count + 1 + n as i64;
        let record = chain(p.event, p.at_ms, &p.detail, seq, prev_hash);
        prev_hash = record.hash.clone();
        stored.push(record);
        details.push(p.detail);
    }
    let chunk = rows_per_insert(tx.backend());
    for (rows, texts) in stored.chunks(chunk).zip(details.chunks(chunk)) {
        insert_rows(tx, rows, texts).await?;
    }
    Query::new("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&prev_hash)
        .execute(&mut *tx)
        .await?;
    Ok(stored)
}

/// `detail` with the decision's keys: an object gains them, `null` becomes them, any other
/// value goes under `value` beside them.
fn with_decision(detail: Value, decision: Map<String, Value>) -> Value {
    let mut merged = match detail {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => Map::from_iter([("value".to_owned(), other)]),
    };
    merged.extend(decision);
    Value::Object(merged)
}

/// The event as stored at `seq` after `prev_hash`, with its hash. `detail` is the canonical
/// text the hash covers; the record keeps the caller's JSON value.
fn chain(event: NewEvent, at_ms: i64, detail: &str, seq: i64, prev_hash: String) -> AuditRecord {
    // Ordered: the unique index on `id` then grows at its end, like the sequence's.
    let id = mds_store::new_ordered_id();
    let hash = HashInput {
        prev_hash: &prev_hash,
        seq,
        id: &id,
        at_ms,
        actor_kind: event.actor_kind.as_str(),
        actor_id: event.actor_id.as_deref(),
        on_behalf_of: event.on_behalf_of.as_deref(),
        structure_id: event.structure_id.as_deref(),
        action: &event.action,
        patient_id: event.patient_id.as_deref(),
        document_id: event.document_id.as_deref(),
        access_mode: event.access_mode.as_deref(),
        outcome: event.outcome.as_str(),
        rule: event.rule.as_deref(),
        detail,
        ip: event.ip.as_deref(),
    }
    .hash();
    AuditRecord {
        seq,
        id,
        at_ms,
        actor_kind: event.actor_kind,
        actor_id: event.actor_id,
        on_behalf_of: event.on_behalf_of,
        structure_id: event.structure_id,
        action: event.action,
        patient_id: event.patient_id,
        document_id: event.document_id,
        access_mode: event.access_mode,
        outcome: event.outcome,
        rule: event.rule,
        detail: event.detail,
        ip: event.ip,
        prev_hash,
        hash,
    }
}

/// One `INSERT` of chained records (one row on SQLite, up to 32 on PostgreSQL: see
/// `rows_per_insert`); `details` are their canonical detail texts, stored exactly as hashed.
async fn insert_rows(
    tx: &mut Tx,
    rows: &[AuditRecord],
    details: &[String],
) -> Result<(), AuditError> {
    let mut q = Query::new(insert_sql(rows.len()));
    for (r, detail) in rows.iter().zip(details) {
        q.push(r.seq);
        q.push(&r.id);
        q.push(r.at_ms);
        q.push(r.actor_kind);
        q.push(&r.actor_id);
        q.push(&r.on_behalf_of);
        q.push(&r.structure_id);
        q.push(&r.action);
        q.push(&r.patient_id);
        q.push(&r.document_id);
        q.push(&r.access_mode);
        q.push(r.outcome);
        q.push(&r.rule);
        q.push(detail);
        q.push(&r.ip);
        q.push(&r.prev_hash);
        q.push(&r.hash);
    }
    q.execute(&mut *tx).await?;
    Ok(())
}

/// The multi-row `INSERT` of `rows` events (1 to [`ROWS_PER_INSERT`]), written once per size.
fn insert_sql(rows: usize) -> &'static str {
    static TEXTS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let texts = TEXTS.get_or_init(|| {
        (1..=ROWS_PER_INSERT)
            .map(|n| {
                let tuples: Vec<String> = (0..n)
                    .map(|r| {
                        let p: Vec<String> = (1..=17).map(|c| format!("${}", r * 17 + c)).collect();
                        format!("({})", p.join(", "))
                    })
                    .collect();
                format!(
                    "INSERT INTO audit_events ({}) VALUES {}",
                    crate::row::COLUMNS,
                    tuples.join(", ")
                )
            })
            .collect()
    });
    &texts[rows.clamp(1, ROWS_PER_INSERT) - 1]
}

/// Records an event that comes with no other state change (a denied request, a search, a
/// failed login): begins a write transaction, appends, commits.
pub async fn record(db: &Db, event: NewEvent, at_ms: i64) -> Result<AuditRecord, AuditError> {
    let mut tx = db.begin().await?;
    let stored = append(&mut tx, event, at_ms).await?;
    tx.commit().await?;
    Ok(stored)
}

/// Refuses events that would make the trail ambiguous to read later. These are caller bugs,
/// so failing the caller's transaction (and its tests) is the right signal.
fn check(event: &NewEvent) -> Result<(), AuditError> {
    if event.action.is_empty() || !event.action.chars().all(|c| c.is_ascii_graphic()) {
        return Err(AuditError::InvalidEvent(format!(
            "action {:?} must be a non-empty dotted name such as document.read",
            event.action
        )));
    }
    Ok(())
}

#[cfg(test)]
mod decision_tests {
    use super::*;
    use serde_json::json;

    fn decision() -> Map<String, Value> {
        Map::from_iter([("policy".to_owned(), json!({"matrix": "v@1"}))])
    }

    #[test]
    fn the_decision_joins_whatever_detail_the_use_case_left() {
        let cases = [
            (Value::Null, json!({"policy": {"matrix": "v@1"}})),
            (
                json!({"reason": "r", "policy": "forged"}),
                json!({"reason": "r", "policy": {"matrix": "v@1"}}),
            ),
            (
                json!(["x"]),
                json!({"value": ["x"], "policy": {"matrix": "v@1"}}),
            ),
        ];
        for (detail, want) in cases {
            assert_eq!(with_decision(detail.clone(), decision()), want, "{detail}");
        }
        let event = NewEvent {
            detail: json!({"reason": "r"}),
            decision: Some(decision()),
            ..NewEvent::new(crate::ActorKind::System, "x", crate::Outcome::Permit)
        };
        let prepared = Prepared::new(event, 0).expect("a valid event");
        let want = json!({"reason": "r", "policy": {"matrix": "v@1"}});
        assert_eq!(prepared.event.detail, want);
        assert!(prepared.event.decision.is_none());
        // The text the hash covers is the canonical form of the detail stored.
        assert_eq!(prepared.detail, crate::canonical::canonical_json(&want));
    }

    #[test]
    fn an_invalid_event_is_refused_before_any_write() {
        let event = NewEvent::new(
            crate::ActorKind::System,
            "no spaces",
            crate::Outcome::Permit,
        );
        assert!(matches!(
            Prepared::new(event, 0),
            Err(AuditError::InvalidEvent(_))
        ));
    }

    #[test]
    fn the_insert_text_has_seventeen_parameters_a_row() {
        assert!(insert_sql(1).ends_with(
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
        ));
        let last = insert_sql(ROWS_PER_INSERT);
        assert_eq!(last.matches('(').count(), ROWS_PER_INSERT + 1);
        assert!(last.ends_with(&format!("${})", ROWS_PER_INSERT * 17)));
    }
}
