//! The health profile's entries (`profile_entries`, issue 17 item 7). What may be written and
//! read is decided by `mds-app`'s `record::profile` through the policy; this module stores the
//! checked entries it is given and reads them back typed.

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError, Tx};
use mds_domain::profile::{Entry, Section};
use mds_domain::{AccountId, ActorKind, PatientId, ProfileEntryId};

/// One stored entry.
#[derive(Clone, Debug, PartialEq)]
pub struct ProfileRow {
    pub id: ProfileEntryId,
    pub patient_id: PatientId,
    pub entry: Entry,
    pub author_account_id: AccountId,
    /// `patient` (the holder or their representative) or `professional` (a structure's
    /// software is recorded as the professional it acts for).
    pub author_kind: ActorKind,
    /// The author's name as it was when they wrote.
    pub author_name: String,
    pub recorded_at_ms: i64,
}

impl FromRow for ProfileRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            patient_id: r.get(1)?,
            entry: r.get(2)?,
            author_account_id: r.get(3)?,
            author_kind: r.get(4)?,
            author_name: r.get(5)?,
            recorded_at_ms: r.get(6)?,
        })
    }
}

const COLUMNS: &str =
    "id, patient_id, entry, author_account_id, author_kind, author_name, recorded_at_ms";

pub async fn insert(tx: &mut Tx, row: &ProfileRow) -> Result<(), StoreError> {
    let entry = serde_json::to_string(&row.entry)
        .map_err(|e| StoreError::Corrupt(format!("profile entry not serialisable: {e}")))?;
    Query::new(
        "INSERT INTO profile_entries (id, patient_id, section, entry, author_account_id, \
         author_kind, author_name, recorded_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&row.id)
    .bind(&row.patient_id)
    .bind(row.entry.section())
    .bind(entry)
    .bind(&row.author_account_id)
    .bind(row.author_kind)
    .bind(&row.author_name)
    .bind(row.recorded_at_ms)
    .execute(tx)
    .await?;
    Ok(())
}

/// The record's entries, by section in the order they were recorded.
pub async fn for_patient(
    ex: impl Into<Ex<'_>>,
    patient: &PatientId,
) -> Result<Vec<ProfileRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM profile_entries WHERE patient_id = $1 \
         ORDER BY section, recorded_at_ms, id"
    ))
    .bind(patient)
    .fetch_all(ex)
    .await
}

/// One entry of the record, if it has it.
pub async fn one(
    ex: impl Into<Ex<'_>>,
    patient: &PatientId,
    id: &ProfileEntryId,
) -> Result<Option<ProfileRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM profile_entries WHERE patient_id = $1 AND id = $2"
    ))
    .bind(patient)
    .bind(id)
    .fetch_optional(ex)
    .await
}

/// The record an entry belongs to, if the entry exists.
pub async fn record_of(
    ex: impl Into<Ex<'_>>,
    id: &ProfileEntryId,
) -> Result<Option<PatientId>, StoreError> {
    let row: Option<(PatientId,)> =
        Query::new("SELECT patient_id FROM profile_entries WHERE id = $1")
            .bind(id)
            .fetch_optional(ex)
            .await?;
    Ok(row.map(|(p,)| p))
}

/// Removes one entry; false if it was already gone.
pub async fn remove(
    tx: &mut Tx,
    patient: &PatientId,
    id: &ProfileEntryId,
) -> Result<bool, StoreError> {
    let n = Query::new("DELETE FROM profile_entries WHERE patient_id = $1 AND id = $2")
        .bind(patient)
        .bind(id)
        .execute(tx)
        .await?;
    Ok(n == 1)
}

/// Removes a section's entries (the position a new one replaces); how many went.
pub async fn clear_section(
    tx: &mut Tx,
    patient: &PatientId,
    section: Section,
) -> Result<u64, StoreError> {
    Query::new("DELETE FROM profile_entries WHERE patient_id = $1 AND section = $2")
        .bind(patient)
        .bind(section)
        .execute(tx)
        .await
}

/// Erasure: everything of the record.
pub async fn delete_for_patient(tx: &mut Tx, patient: &PatientId) -> Result<u64, StoreError> {
    Query::new("DELETE FROM profile_entries WHERE patient_id = $1")
        .bind(patient)
        .execute(tx)
        .await
}
