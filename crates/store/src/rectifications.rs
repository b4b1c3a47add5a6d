//! Rectification requests and record limitations (issue 15). Rows, not rules: which fields may
//! be corrected, what a near match means and who may decide is `mds-app`'s; this module keeps
//! the requests with the value before and after (the history of an identity) and whether a
//! record is limited.

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError, Tx};
use mds_domain::{AccountId, PatientId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RectificationRow {
    pub id: String,
    pub patient_id: PatientId,
    /// `birth_name`, `first_names`, `birth_date`, `sex` or `birth_place`.
    pub field: String,
    pub previous_value: String,
    pub requested_value: String,
    /// What the patient wrote.
    pub message: String,
    /// `pending`, `applied` or `rejected`.
    pub state: String,
    pub created_at_ms: i64,
    pub decided_by: Option<AccountId>,
    pub decided_at_ms: Option<i64>,
    /// What support compared (the document seen).
    pub evidence: Option<String>,
    /// Why a request was rejected, for the patient.
    pub decision_note: Option<String>,
}

const COLUMNS: &str = "id, patient_id, field, previous_value, requested_value, message, state, \
     created_at_ms, decided_by, decided_at_ms, evidence, decision_note";

impl FromRow for RectificationRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            patient_id: r.get(1)?,
            field: r.get(2)?,
            previous_value: r.get(3)?,
            requested_value: r.get(4)?,
            message: r.get(5)?,
            state: r.get(6)?,
            created_at_ms: r.get(7)?,
            decided_by: r.get(8)?,
            decided_at_ms: r.get(9)?,
            evidence: r.get(10)?,
            decision_note: r.get(11)?,
        })
    }
}

pub async fn insert(ex: impl Into<Ex<'_>>, r: &RectificationRow) -> Result<(), StoreError> {
    Query::new(format!(
        "INSERT INTO rectification_requests ({COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(&r.id)
    .bind(&r.patient_id)
    .bind(&r.field)
    .bind(&r.previous_value)
    .bind(&r.requested_value)
    .bind(&r.message)
    .bind(&r.state)
    .bind(r.created_at_ms)
    .bind(&r.decided_by)
    .bind(r.decided_at_ms)
    .bind(&r.evidence)
    .bind(&r.decision_note)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn by_id(
    ex: impl Into<Ex<'_>>,
    id: &str,
) -> Result<Option<RectificationRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM rectification_requests WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(ex)
    .await
}

/// A record's requests, newest first.
pub async fn for_patient(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
) -> Result<Vec<RectificationRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM rectification_requests WHERE patient_id = $1 \
         ORDER BY created_at_ms DESC, id"
    ))
    .bind(patient_id)
    .fetch_all(ex)
    .await
}

/// The requests waiting for support, oldest first, at most `limit`.
pub async fn pending(
    ex: impl Into<Ex<'_>>,
    limit: i64,
) -> Result<Vec<RectificationRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM rectification_requests WHERE state = 'pending' \
         ORDER BY created_at_ms, id LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// Settles a pending request; false if it was no longer pending (decided meanwhile).
pub async fn decide(
    tx: &mut Tx,
    id: &str,
    state: &str,
    by: &AccountId,
    at_ms: i64,
    evidence: Option<&str>,
    note: Option<&str>,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE rectification_requests SET state = $2, decided_by = $3, decided_at_ms = $4, \
         evidence = $5, decision_note = $6 WHERE id = $1 AND state = 'pending'",
    )
    .bind(id)
    .bind(state)
    .bind(by)
    .bind(at_ms)
    .bind(evidence)
    .bind(note)
    .execute(&mut *tx)
    .await?;
    Ok(done == 1)
}

/// Since when a record is limited, if it is.
pub async fn limited_since(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
) -> Result<Option<i64>, StoreError> {
    let row: Option<(i64,)> =
        Query::new("SELECT since_ms FROM record_limitations WHERE patient_id = $1")
            .bind(patient_id)
            .fetch_optional(ex)
            .await?;
    Ok(row.map(|(s,)| s))
}

/// Limits a record; false if it already was.
pub async fn limit(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
    by: &AccountId,
    at_ms: i64,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "INSERT INTO record_limitations (patient_id, since_ms, set_by) VALUES ($1, $2, $3) \
         ON CONFLICT (patient_id) DO NOTHING",
    )
    .bind(patient_id)
    .bind(at_ms)
    .bind(by)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// Lifts a record's limitation; false if it was not limited.
pub async fn lift(ex: impl Into<Ex<'_>>, patient_id: &PatientId) -> Result<bool, StoreError> {
    let done = Query::new("DELETE FROM record_limitations WHERE patient_id = $1")
        .bind(patient_id)
        .execute(ex)
        .await?;
    Ok(done == 1)
}

/// Removes a record's requests and limitation (erasure).
pub async fn delete_for_patient(tx: &mut Tx, patient_id: &PatientId) -> Result<u64, StoreError> {
    let mut removed = 0;
    for table in ["rectification_requests", "record_limitations"] {
        removed += Query::new(format!("DELETE FROM {table} WHERE patient_id = $1"))
            .bind(patient_id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(removed)
}
