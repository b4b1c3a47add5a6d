//! Timers as rows (they survive a restart) and the queries of the access-expiry job. A timer
//! fires once: `fire` moves it from `pending` to `fired` and reports whether this caller did,
//! so the effect written in the same transaction happens once.

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError};
use mds_domain::{AccountId, EmergencyKind, PatientId, TimerState};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimerRow {
    pub id: String,
    pub kind: String,
    /// What the timer is about (a document id for the hidden-document timers).
    pub subject_id: String,
    pub patient_id: Option<PatientId>,
    pub due_at_ms: i64,
    pub state: TimerState,
    pub fired_at_ms: Option<i64>,
}

impl FromRow for TimerRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            kind: r.get(1)?,
            subject_id: r.get(2)?,
            patient_id: r.get(3)?,
            due_at_ms: r.get(4)?,
            state: r.get(5)?,
            fired_at_ms: r.get(6)?,
        })
    }
}

const COLUMNS: &str = "id, kind, subject_id, patient_id, due_at_ms, state, fired_at_ms";

/// Adds a pending timer; false if one of that kind already exists for the subject.
pub async fn insert(ex: impl Into<Ex<'_>>, t: &TimerRow) -> Result<bool, StoreError> {
    let done = Query::new(format!(
        "INSERT INTO timers ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (kind, subject_id) DO NOTHING"
    ))
    .bind(&t.id)
    .bind(&t.kind)
    .bind(&t.subject_id)
    .bind(&t.patient_id)
    .bind(t.due_at_ms)
    .bind(t.state)
    .bind(t.fired_at_ms)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// Pending timers due at `now_ms`, earliest first.
pub async fn due(
    ex: impl Into<Ex<'_>>,
    now_ms: i64,
    limit: i64,
) -> Result<Vec<TimerRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM timers WHERE state = 'pending' AND due_at_ms <= $1 \
         ORDER BY due_at_ms, id LIMIT $2"
    ))
    .bind(now_ms)
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// The timers of a subject, any state.
pub async fn for_subject(
    ex: impl Into<Ex<'_>>,
    subject_id: &str,
) -> Result<Vec<TimerRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM timers WHERE subject_id = $1 ORDER BY due_at_ms, kind"
    ))
    .bind(subject_id)
    .fetch_all(ex)
    .await
}

/// Moves a pending timer to `to_state` (`fired` or `cancelled`); true for the one caller that
/// did it.
pub async fn settle(
    ex: impl Into<Ex<'_>>,
    id: &str,
    to_state: TimerState,
    at_ms: i64,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE timers SET state = $1, fired_at_ms = $2 WHERE id = $3 AND state = 'pending'",
    )
    .bind(to_state)
    .bind(at_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// Cancels the pending timers of a subject (the document was shown to the patient).
pub async fn cancel_for_subject(
    ex: impl Into<Ex<'_>>,
    subject_id: &str,
    at_ms: i64,
) -> Result<u64, StoreError> {
    let done = Query::new(
        "UPDATE timers SET state = 'cancelled', fired_at_ms = $1 \
         WHERE subject_id = $2 AND state = 'pending'",
    )
    .bind(at_ms)
    .bind(subject_id)
    .execute(ex)
    .await?;
    Ok(done)
}

/// `(id, patient_id, professional_account_id)` of granted consents past their expiry.
pub async fn expired_consents(
    ex: impl Into<Ex<'_>>,
    now_ms: i64,
    limit: i64,
) -> Result<Vec<(String, PatientId, AccountId)>, StoreError> {
    Query::new(
        "SELECT id, patient_id, professional_account_id FROM consents \
         WHERE state = 'granted' AND expires_at_ms <= $1 ORDER BY expires_at_ms, id LIMIT $2",
    )
    .bind(now_ms)
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// Marks a granted consent expired; false if it changed meanwhile.
pub async fn expire_consent(ex: impl Into<Ex<'_>>, id: &str) -> Result<bool, StoreError> {
    let done =
        Query::new("UPDATE consents SET state = 'expired' WHERE id = $1 AND state = 'granted'")
            .bind(id)
            .execute(ex)
            .await?;
    Ok(done == 1)
}

/// `(id, patient_id, professional_account_id, kind)` of emergency sessions past their expiry
/// whose end is not recorded yet.
pub async fn ended_sessions(
    ex: impl Into<Ex<'_>>,
    now_ms: i64,
    limit: i64,
) -> Result<Vec<(String, PatientId, AccountId, EmergencyKind)>, StoreError> {
    Query::new(
        "SELECT id, patient_id, professional_account_id, kind FROM emergency_sessions \
         WHERE ended_at_ms IS NULL AND expires_at_ms <= $1 ORDER BY expires_at_ms, id LIMIT $2",
    )
    .bind(now_ms)
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// Records the end of an emergency session; false if it was already recorded.
pub async fn end_session(ex: impl Into<Ex<'_>>, id: &str, at_ms: i64) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE emergency_sessions SET ended_at_ms = $1 WHERE id = $2 AND ended_at_ms IS NULL",
    )
    .bind(at_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(done == 1)
}
