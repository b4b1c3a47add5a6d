//! Rows of supervision: the job's cursor over the audit, the alerts it raised, and the audit
//! events it reads (a narrow projection of `audit_events`, read only). Which events raise an
//! alert is decided in `mds_policy::supervision`, not here.

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError};
use mds_domain::{AccountId, ActorKind, AlertState, Outcome, PatientId};

/// An audit event reduced to the columns supervision reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    pub seq: i64,
    pub at_ms: i64,
    pub actor_kind: ActorKind,
    /// An account, or a software credential id (`structure_software`).
    pub actor_id: Option<String>,
    pub on_behalf_of: Option<String>,
    pub action: String,
    pub patient_id: Option<String>,
    pub outcome: Outcome,
}

const EVENT_COLUMNS: &str =
    "seq, at_ms, actor_kind, actor_id, on_behalf_of, action, patient_id, outcome";

impl FromRow for EventRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            seq: r.get(0)?,
            at_ms: r.get(1)?,
            actor_kind: r.get(2)?,
            actor_id: r.get(3)?,
            on_behalf_of: r.get(4)?,
            action: r.get(5)?,
            patient_id: r.get(6)?,
            outcome: r.get(7)?,
        })
    }
}

pub async fn cursor(ex: impl Into<Ex<'_>>) -> Result<i64, StoreError> {
    let row: Option<(i64,)> = Query::new("SELECT last_seq FROM supervision_cursor WHERE id = 1")
        .fetch_optional(ex)
        .await?;
    row.map(|r| r.0)
        .ok_or_else(|| StoreError::Corrupt("the supervision_cursor row is missing".to_owned()))
}

/// Moves the cursor from `from` to `to`; false when another run moved it first.
pub async fn advance_cursor(ex: impl Into<Ex<'_>>, from: i64, to: i64) -> Result<bool, StoreError> {
    let done =
        Query::new("UPDATE supervision_cursor SET last_seq = $1 WHERE id = 1 AND last_seq = $2")
            .bind(to)
            .bind(from)
            .execute(ex)
            .await?;
    Ok(done == 1)
}

/// Events after `seq`, in chain order, at most `limit`.
pub async fn events_after(
    ex: impl Into<Ex<'_>>,
    seq: i64,
    limit: i64,
) -> Result<Vec<EventRow>, StoreError> {
    Query::new(format!(
        "SELECT {EVENT_COLUMNS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2"
    ))
    .bind(seq)
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// Keeps `e` in the supervision window under `slot` (`supervision_window`): one row per
/// slot, a later event replacing an earlier one, an earlier one never replacing a later.
/// Written in the transaction that moves the cursor past `e`.
pub async fn keep_in_window(
    ex: impl Into<Ex<'_>>,
    slot: &str,
    e: &EventRow,
) -> Result<(), StoreError> {
    Query::new(format!(
        "INSERT INTO supervision_window (slot, {EVENT_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (slot) DO UPDATE SET seq = excluded.seq, at_ms = excluded.at_ms, \
           action = excluded.action, outcome = excluded.outcome \
         WHERE excluded.seq > supervision_window.seq"
    ))
    .bind(slot)
    .bind(e.seq)
    .bind(e.at_ms)
    .bind(e.actor_kind)
    .bind(&e.actor_id)
    .bind(&e.on_behalf_of)
    .bind(&e.action)
    .bind(&e.patient_id)
    .bind(e.outcome)
    .execute(ex)
    .await?;
    Ok(())
}

/// Forgets the window's rows older than `day_from_ms`, and its denials older than
/// `burst_from_ms` (what no rule looks back on any more).
pub async fn prune_window(
    ex: impl Into<Ex<'_>>,
    day_from_ms: i64,
    burst_from_ms: i64,
) -> Result<u64, StoreError> {
    Query::new("DELETE FROM supervision_window WHERE at_ms < $1 OR (outcome = $2 AND at_ms < $3)")
        .bind(day_from_ms)
        .bind(Outcome::Deny)
        .bind(burst_from_ms)
        .execute(ex)
        .await
}

/// What supervision looks back on for `subject` (as actor or as the professional acted
/// for), from the window the job keeps (`keep_in_window`) — the reduction
/// `mds_policy::supervision::needed_in_window` describes, kept as events are judged so that
/// a busy professional's day is never read row by row: one row per actor × patient for the
/// permitted reads since `day_from_ms` (the latest), every permitted break-glass since
/// `day_from_ms`, every denial of `subject` as actor since `burst_from_ms`.
pub async fn window_of(
    ex: impl Into<Ex<'_>>,
    subject: &str,
    day_from_ms: i64,
    burst_from_ms: i64,
) -> Result<Vec<EventRow>, StoreError> {
    Query::new(format!(
        "SELECT {EVENT_COLUMNS} FROM supervision_window \
         WHERE (actor_id = $1 OR on_behalf_of = $1) AND at_ms >= $2 AND outcome IN ($4, $5) \
         UNION ALL \
         SELECT {EVENT_COLUMNS} FROM supervision_window \
         WHERE actor_id = $1 AND at_ms >= $3 AND outcome = $6"
    ))
    .bind(subject)
    .bind(day_from_ms)
    .bind(burst_from_ms)
    .bind(Outcome::Permit)
    .bind(Outcome::Success)
    .bind(Outcome::Deny)
    .fetch_all(ex)
    .await
}

/// Distinct patients of permitted `action` events in the name of `professional` since
/// `from_ms` (the structure software quota).
pub async fn distinct_patients_since(
    ex: impl Into<Ex<'_>>,
    professional: &AccountId,
    action: &str,
    from_ms: i64,
) -> Result<Vec<PatientId>, StoreError> {
    let rows: Vec<(PatientId,)> = Query::new(
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
    pub patient_id: Option<PatientId>,
    pub event_count: i64,
    pub raised_at_ms: i64,
    pub state: AlertState,
    pub reviewed_by: Option<AccountId>,
    pub reviewed_at_ms: Option<i64>,
    pub review_comment: Option<String>,
}

const ALERT_COLUMNS: &str =
    "id, rule, subject_id, day, dedup_key, event_seq, event_at_ms, patient_id, \
     event_count, raised_at_ms, state, reviewed_by, reviewed_at_ms, review_comment";

impl FromRow for AlertRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            rule: r.get(1)?,
            subject_id: r.get(2)?,
            day: r.get(3)?,
            dedup_key: r.get(4)?,
            event_seq: r.get(5)?,
            event_at_ms: r.get(6)?,
            patient_id: r.get(7)?,
            event_count: r.get(8)?,
            raised_at_ms: r.get(9)?,
            state: r.get(10)?,
            reviewed_by: r.get(11)?,
            reviewed_at_ms: r.get(12)?,
            review_comment: r.get(13)?,
        })
    }
}

/// Inserts an alert unless one exists for the same rule, subject and key; true if inserted.
pub async fn insert_alert(ex: impl Into<Ex<'_>>, a: &AlertRow) -> Result<bool, StoreError> {
    let done = Query::new(format!(
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
    .bind(a.state)
    .bind(&a.reviewed_by)
    .bind(a.reviewed_at_ms)
    .bind(&a.review_comment)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// Alerts in `state` (any when `None`), newest first, one page, and the total.
pub async fn list_alerts(
    ex: impl Into<Ex<'_>>,
    state: Option<AlertState>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AlertRow>, i64), StoreError> {
    let mut ex = ex.into();
    let order = "ORDER BY raised_at_ms DESC, event_seq DESC";
    let (rows, total): (Vec<AlertRow>, (i64,)) = match state {
        Some(state) => (
            Query::new(format!(
                "SELECT {ALERT_COLUMNS} FROM supervision_alerts WHERE state = $1 {order} \
                 LIMIT $2 OFFSET $3"
            ))
            .bind(state)
            .bind(limit)
            .bind(offset)
            .fetch_all(ex.reborrow())
            .await?,
            Query::new("SELECT COUNT(*) FROM supervision_alerts WHERE state = $1")
                .bind(state)
                .fetch_one(ex.reborrow())
                .await?,
        ),
        None => (
            Query::new(format!(
                "SELECT {ALERT_COLUMNS} FROM supervision_alerts {order} LIMIT $1 OFFSET $2"
            ))
            .bind(limit)
            .bind(offset)
            .fetch_all(ex.reborrow())
            .await?,
            Query::new("SELECT COUNT(*) FROM supervision_alerts")
                .fetch_one(ex.reborrow())
                .await?,
        ),
    };
    Ok((rows, total.0))
}

/// The number of alerts in `state`.
pub async fn count_alerts(ex: impl Into<Ex<'_>>, state: AlertState) -> Result<i64, StoreError> {
    let (n,): (i64,) = Query::new("SELECT COUNT(*) FROM supervision_alerts WHERE state = $1")
        .bind(state)
        .fetch_one(ex)
        .await?;
    Ok(n)
}

pub async fn alert_by_id(ex: impl Into<Ex<'_>>, id: &str) -> Result<Option<AlertRow>, StoreError> {
    Query::new(format!(
        "SELECT {ALERT_COLUMNS} FROM supervision_alerts WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(ex)
    .await
}

/// Marks an open alert reviewed; false when it was not open any more.
pub async fn review_alert(
    ex: impl Into<Ex<'_>>,
    id: &str,
    by: &AccountId,
    comment: &str,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE supervision_alerts SET state = 'reviewed', reviewed_by = $1, \
         reviewed_at_ms = $2, review_comment = $3 WHERE id = $4 AND state = 'open'",
    )
    .bind(by)
    .bind(now_ms)
    .bind(comment)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(done == 1)
}
