//! Care team rows: which professionals belong to a patient's care team, and who is the
//! declared attending physician.

use crate::{flag, StoreError};
use sqlx::{Any, Executor};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CareTeamMember {
    pub patient_id: String,
    pub professional_account_id: String,
    pub attending_physician: bool,
    pub added_by: String,
    pub added_at_ms: i64,
}

pub async fn add<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    m: &CareTeamMember,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO care_team (patient_id, professional_account_id, attending_physician, added_by, added_at_ms) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (patient_id, professional_account_id) DO NOTHING",
    )
    .bind(&m.patient_id)
    .bind(&m.professional_account_id)
    .bind(flag(m.attending_physician))
    .bind(&m.added_by)
    .bind(m.added_at_ms)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn remove<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    patient_id: &str,
    professional_account_id: &str,
) -> Result<bool, StoreError> {
    let done =
        sqlx::query("DELETE FROM care_team WHERE patient_id = $1 AND professional_account_id = $2")
            .bind(patient_id)
            .bind(professional_account_id)
            .execute(ex)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Declares `professional_account_id` (a member) attending physician, and no one else.
pub async fn set_attending(
    tx: &mut crate::Tx,
    patient_id: &str,
    professional_account_id: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE care_team SET attending_physician = 0 WHERE patient_id = $1")
        .bind(patient_id)
        .execute(&mut **tx)
        .await?;
    if let Some(p) = professional_account_id {
        sqlx::query("UPDATE care_team SET attending_physician = 1 WHERE patient_id = $1 AND professional_account_id = $2")
            .bind(patient_id)
            .bind(p)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub async fn members<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    patient_id: &str,
) -> Result<Vec<CareTeamMember>, StoreError> {
    let rows: Vec<(String, String, i64, String, i64)> = sqlx::query_as(
        "SELECT patient_id, professional_account_id, attending_physician, added_by, added_at_ms \
         FROM care_team WHERE patient_id = $1 ORDER BY added_at_ms, professional_account_id",
    )
    .bind(patient_id)
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|t| CareTeamMember {
            patient_id: t.0,
            professional_account_id: t.1,
            attending_physician: t.2 != 0,
            added_by: t.3,
            added_at_ms: t.4,
        })
        .collect())
}

/// Empties the care team of a patient (erasure).
pub async fn remove_all<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    patient_id: &str,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM care_team WHERE patient_id = $1")
        .bind(patient_id)
        .execute(ex)
        .await?;
    Ok(done.rows_affected())
}
