//! Legal representatives (migration 0026): who represents whom, on which sealed legal
//! document, until when. The legal document is an identity file of the represented record
//! (purpose `legal_representation`). Rows are kept after their end, for the record's history;
//! they go with either person's record when it is removed.

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError};
use mds_domain::{AccountId, PatientId, RepresentationKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepresentationRow {
    pub id: String,
    /// The represented record.
    pub patient_id: PatientId,
    pub representative_account_id: AccountId,
    pub kind: RepresentationKind,
    /// The identity file holding the legal document.
    pub document_file_id: String,
    /// The representation ends at this instant (the legal document's term, or a minor's
    /// majority).
    pub ends_at_ms: i64,
    pub recorded_by: AccountId,
    pub recorded_at_ms: i64,
    /// Ended early by support.
    pub ended_at_ms: Option<i64>,
    pub ended_by: Option<AccountId>,
}

impl RepresentationRow {
    /// Running at `now_ms`: not ended by support and its term not reached.
    pub fn is_current(&self, now_ms: i64) -> bool {
        self.ended_at_ms.is_none() && now_ms < self.ends_at_ms
    }
}

const COLUMNS: &str = "id, patient_id, representative_account_id, kind, document_file_id, \
     ends_at_ms, recorded_by, recorded_at_ms, ended_at_ms, ended_by";

impl FromRow for RepresentationRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            patient_id: r.get(1)?,
            representative_account_id: r.get(2)?,
            kind: r.get(3)?,
            document_file_id: r.get(4)?,
            ends_at_ms: r.get(5)?,
            recorded_by: r.get(6)?,
            recorded_at_ms: r.get(7)?,
            ended_at_ms: r.get(8)?,
            ended_by: r.get(9)?,
        })
    }
}

pub async fn insert(ex: impl Into<Ex<'_>>, r: &RepresentationRow) -> Result<(), StoreError> {
    Query::new(format!(
        "INSERT INTO representations ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(&r.id)
    .bind(&r.patient_id)
    .bind(&r.representative_account_id)
    .bind(r.kind)
    .bind(&r.document_file_id)
    .bind(r.ends_at_ms)
    .bind(&r.recorded_by)
    .bind(r.recorded_at_ms)
    .bind(r.ended_at_ms)
    .bind(&r.ended_by)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn by_id(
    ex: impl Into<Ex<'_>>,
    id: &str,
) -> Result<Option<RepresentationRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM representations WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(ex)
    .await
}

/// Every representation of a record, ended ones included, newest first.
pub async fn for_patient(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
) -> Result<Vec<RepresentationRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM representations WHERE patient_id = $1 \
         ORDER BY recorded_at_ms DESC, id"
    ))
    .bind(patient_id)
    .fetch_all(ex)
    .await
}

/// The representations an account holds that are not ended by support (their term may have
/// passed: the caller tells), newest first.
pub async fn held_by(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
) -> Result<Vec<RepresentationRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM representations WHERE representative_account_id = $1 \
         AND ended_at_ms IS NULL ORDER BY recorded_at_ms DESC, id"
    ))
    .bind(account_id)
    .fetch_all(ex)
    .await
}

/// Ends a running representation early; false when it was already ended.
pub async fn end(
    ex: impl Into<Ex<'_>>,
    id: &str,
    by: &AccountId,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE representations SET ended_at_ms = $1, ended_by = $2 \
         WHERE id = $3 AND ended_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(by)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// Removes the representations of a record and those its account holds (the removal of a
/// record), and forgets the sessions acting for it.
pub async fn remove_for_record(
    tx: &mut crate::Tx,
    patient_id: &PatientId,
    account_id: Option<&AccountId>,
) -> Result<u64, StoreError> {
    let mut removed = Query::new("DELETE FROM representations WHERE patient_id = $1")
        .bind(patient_id)
        .execute(&mut *tx)
        .await?;
    if let Some(account) = account_id {
        removed += Query::new("DELETE FROM representations WHERE representative_account_id = $1")
            .bind(account)
            .execute(&mut *tx)
            .await?;
    }
    Query::new("UPDATE sessions SET acting_for_patient_id = NULL WHERE acting_for_patient_id = $1")
        .bind(patient_id)
        .execute(&mut *tx)
        .await?;
    Ok(removed)
}
