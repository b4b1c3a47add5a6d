//! Care team rows: which professionals belong to a patient's care team, and who is the
//! declared attending physician.

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError};
use mds_domain::{AccountId, PatientId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CareTeamMember {
    pub patient_id: PatientId,
    pub professional_account_id: AccountId,
    pub attending_physician: bool,
    /// The account that added the member (the patient, support, or a professional at an
    /// inactive account's creation).
    pub added_by: AccountId,
    pub added_at_ms: i64,
}

impl FromRow for CareTeamMember {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            patient_id: r.get(0)?,
            professional_account_id: r.get(1)?,
            attending_physician: r.get(2)?,
            added_by: r.get(3)?,
            added_at_ms: r.get(4)?,
        })
    }
}

pub async fn add(ex: impl Into<Ex<'_>>, m: &CareTeamMember) -> Result<bool, StoreError> {
    let done = Query::new(
        "INSERT INTO care_team (patient_id, professional_account_id, attending_physician, added_by, added_at_ms) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (patient_id, professional_account_id) DO NOTHING",
    )
    .bind(&m.patient_id)
    .bind(&m.professional_account_id)
    .bind(m.attending_physician)
    .bind(&m.added_by)
    .bind(m.added_at_ms)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

pub async fn remove(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
    professional_account_id: &AccountId,
) -> Result<bool, StoreError> {
    let done =
        Query::new("DELETE FROM care_team WHERE patient_id = $1 AND professional_account_id = $2")
            .bind(patient_id)
            .bind(professional_account_id)
            .execute(ex)
            .await?;
    Ok(done == 1)
}

/// Declares `professional_account_id` (a member) attending physician, and no one else.
pub async fn set_attending(
    tx: &mut crate::Tx,
    patient_id: &PatientId,
    professional_account_id: Option<&AccountId>,
) -> Result<(), StoreError> {
    Query::new("UPDATE care_team SET attending_physician = 0 WHERE patient_id = $1")
        .bind(patient_id)
        .execute(&mut *tx)
        .await?;
    if let Some(p) = professional_account_id {
        Query::new("UPDATE care_team SET attending_physician = 1 WHERE patient_id = $1 AND professional_account_id = $2")
            .bind(patient_id)
            .bind(p)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

pub async fn members(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
) -> Result<Vec<CareTeamMember>, StoreError> {
    Query::new(
        "SELECT patient_id, professional_account_id, attending_physician, added_by, added_at_ms \
         FROM care_team WHERE patient_id = $1 ORDER BY added_at_ms, professional_account_id",
    )
    .bind(patient_id)
    .fetch_all(ex)
    .await
}

/// Empties the care team of a patient (erasure).
pub async fn remove_all(ex: impl Into<Ex<'_>>, patient_id: &PatientId) -> Result<u64, StoreError> {
    let done = Query::new("DELETE FROM care_team WHERE patient_id = $1")
        .bind(patient_id)
        .execute(ex)
        .await?;
    Ok(done)
}
