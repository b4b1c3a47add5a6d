//! Rows of supervision: the job's cursor over the audit, the alerts it raised, and the audit
//! events it reads (a narrow projection of `audit_events`, read only). Which events raise an
//! alert is decided in `mds_policy::supervision`, not here.

use crate::StoreError;
use sqlx::{Any, Executor};

/// An audit event reduced to the columns supervision reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    pub seq: i64,
    pub at_ms: i64,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub on_behalf_of: Option<String>,
    pub action: String,
    pub patient_id: Option<String>,
    pub outcome: String,
}

type EventTuple = (
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    String,
);

const EVENT_COLUMNS: &str =
    "seq, at_ms, actor_kind, actor_id, on_behalf_of, action, patient_id, outcome";

fn event(t: EventTuple) -> EventRow {
    EventRow {
        seq: t.0,
        at_ms: t.1,
        actor_kind: t.2,
        actor_id: t.3,
        on_behalf_of: t.4,
        action: t.5,
        patient_id: t.6,
        outcome: t.7,
    }
}

pub async fn cursor<'e, E: Executor<'e, Database = Any>>(ex: E) -> Result<i64, StoreError> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT last_seq FROM supervision_cursor WHERE id = 1")
            .fetch_optional(ex)
            .await?;
    row.map(|r| r.0)
        .ok_or_else(|| StoreError::Corrupt("the supervision_cursor row is missing".to_owned()))
}

/// Moves the cursor from `from` to `to`; false when another run moved it first.
pub async fn advance_cursor<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    from: i64,
    to: i64,
) -> Result<bool, StoreError> {
    let done =
        sqlx::query("UPDATE supervision_cursor SET last_seq = $1 WHERE id = 1 AND last_seq = $2")
            .bind(to)
            .bind(from)
            .execute(ex)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Events after `seq`, in chain order, at most `limit`.
pub async fn events_after<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    seq: i64,
    limit: i64,
) -> Result<Vec<EventRow>, StoreError> {
    let rows: Vec<EventTuple> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2"
    ))
    .bind(seq)
    .bind(limit)
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(event).collect())
}

/// Events by `subject` (as actor or as the professional acted for) at or after `from_ms`
/// and up to `max_seq`, in chain order.
pub async fn events_of<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    subject: &str,
    from_ms: i64,
    max_seq: i64,
) -> Result<Vec<EventRow>, StoreError> {
    let rows: Vec<EventTuple> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM audit_events \
         WHERE (actor_id = $1 OR on_behalf_of = $1) AND at_ms >= $2 AND seq <= $3 ORDER BY seq"
    ))
    .bind(subject)
    .bind(from_ms)
    .bind(max_seq)
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(event).collect())
}

/// Distinct patients of permitted `action` events in the name of `professional` since
/// `from_ms` (the structure software quota).
pub async fn distinct_patients_since<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    professional: &str,
    action: &str,
    from_ms: i64,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT patient_id FROM audit_events WHERE on_behalf_of = $1 AND action = $2 \
         AND outcome = 'permit' AND at_ms >= $3 AND patient_id IS NOT NULL",
    )
    .bind(professional)
    .bind(action)
    .bind(from_ms)
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertRow {
    pub id: String,
    pub rule: String,
    pub subject_id: String,
    pub day: String,
    /// With rule and subject, unique: the day (and the record, for some rules).
    pub dedup_key: String,
    pub event_seq: i64,
    pub event_at_ms: i64,
    pub patient_id: Option<String>,
    pub event_count: i64,
    pub raised_at_ms: i64,
    /// `open` or `reviewed`.
    pub state: String,
    pub reviewed_by: Option<String>,
    pub reviewed_at_ms: Option<i64>,
    pub review_comment: Option<String>,
}

type AlertTuple = (
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<String>,
    i64,
    i64,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
);

const ALERT_COLUMNS: &str =
    "id, rule, subject_id, day, dedup_key, event_seq, event_at_ms, patient_id, \
     event_count, raised_at_ms, state, reviewed_by, reviewed_at_ms, review_comment";

fn alert(t: AlertTuple) -> AlertRow {
    AlertRow {
        id: t.0,
        rule: t.1,
        subject_id: t.2,
        day: t.3,
        dedup_key: t.4,
        event_seq: t.5,
        event_at_ms: t.6,
        patient_id: t.7,
        event_count: t.8,
        raised_at_ms: t.9,
        state: t.10,
        reviewed_by: t.11,
        reviewed_at_ms: t.12,
        review_comment: t.13,
    }
}

/// Inserts an alert unless one exists for the same rule, subject and key; true if inserted.
pub async fn insert_alert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    a: &AlertRow,
) -> Result<bool, StoreError> {
    let done = sqlx::query(&format!(
        "INSERT INTO supervision_alerts ({ALERT_COLUMNS}) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (rule, subject_id, dedup_key) DO NOTHING"
    ))
    .bind(&a.id)
    .bind(&a.rule)
    .bind(&a.subject_id)
    .bind(&a.day)
    .bind(&a.dedup_key)
    .bind(a.event_seq)
    .bind(a.event_at_ms)
    .bind(&a.patient_id)
    .bind(a.event_count)
    .bind(a.raised_at_ms)
    .bind(&a.state)
    .bind(&a.reviewed_by)
    .bind(a.reviewed_at_ms)
    .bind(&a.review_comment)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Alerts in `state` (any when `None`), newest first, one page, and the total.
pub async fn list_alerts(
    pool: &sqlx::AnyPool,
    state: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AlertRow>, i64), StoreError> {
    let order = "ORDER BY raised_at_ms DESC, event_seq DESC";
    let (rows, total): (Vec<AlertTuple>, (i64,)) = match state {
        Some(state) => (
            sqlx::query_as(&format!(
                "SELECT {ALERT_COLUMNS} FROM supervision_alerts WHERE state = $1 {order} \
                 LIMIT $2 OFFSET $3"
            ))
            .bind(state)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?,
            sqlx::query_as("SELECT COUNT(*) FROM supervision_alerts WHERE state = $1")
                .bind(state)
                .fetch_one(pool)
                .await?,
        ),
        None => (
            sqlx::query_as(&format!(
                "SELECT {ALERT_COLUMNS} FROM supervision_alerts {order} LIMIT $1 OFFSET $2"
            ))
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?,
            sqlx::query_as("SELECT COUNT(*) FROM supervision_alerts")
                .fetch_one(pool)
                .await?,
        ),
    };
    Ok((rows.into_iter().map(alert).collect(), total.0))
}

pub async fn alert_by_id<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
) -> Result<Option<AlertRow>, StoreError> {
    let row: Option<AlertTuple> = sqlx::query_as(&format!(
        "SELECT {ALERT_COLUMNS} FROM supervision_alerts WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(ex)
    .await?;
    Ok(row.map(alert))
}

/// Marks an open alert reviewed; false when it was not open any more.
pub async fn review_alert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    by: &str,
    comment: &str,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE supervision_alerts SET state = 'reviewed', reviewed_by = $1, \
         reviewed_at_ms = $2, review_comment = $3 WHERE id = $4 AND state = 'open'",
    )
    .bind(by)
    .bind(now_ms)
    .bind(comment)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}
