//! Patient records: identity traits (as entered and normalised), identity status and record
//! state. Validation of the traits happens in `mds-domain` before anything reaches here.

use crate::StoreError;
use sqlx::{Any, Executor};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatientRow {
    pub id: String,
    pub account_id: Option<String>,
    pub cafat_number: String,
    pub birth_name: String,
    pub birth_name_norm: String,
    /// JSON array of first names, in order, as entered.
    pub first_names: String,
    pub first_names_norm: String,
    /// ISO 8601 date, `YYYY-MM-DD`.
    pub birth_date: String,
    pub sex: String,
    pub birth_place: String,
    pub identity_status: String,
    pub validated_by: Option<String>,
    pub validated_how: Option<String>,
    pub validated_at_ms: Option<i64>,
    pub record_state: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub died_on: Option<String>,
    pub created_at_ms: i64,
}

const COLUMNS: &str = "id, account_id, cafat_number, birth_name, birth_name_norm, first_names, \
     first_names_norm, birth_date, sex, birth_place, identity_status, validated_by, \
     validated_how, validated_at_ms, record_state, email, phone, died_on, created_at_ms";

pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    p: &PatientRow,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO patients ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15, $16, $17, $18, $19)"
    ))
    .bind(&p.id)
    .bind(&p.account_id)
    .bind(&p.cafat_number)
    .bind(&p.birth_name)
    .bind(&p.birth_name_norm)
    .bind(&p.first_names)
    .bind(&p.first_names_norm)
    .bind(&p.birth_date)
    .bind(&p.sex)
    .bind(&p.birth_place)
    .bind(&p.identity_status)
    .bind(&p.validated_by)
    .bind(&p.validated_how)
    .bind(p.validated_at_ms)
    .bind(&p.record_state)
    .bind(&p.email)
    .bind(&p.phone)
    .bind(&p.died_on)
    .bind(p.created_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

async fn one<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    column: &str,
    value: &str,
) -> Result<Option<PatientRow>, StoreError> {
    use sqlx::Row;
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM patients WHERE {column} = $1"
    ))
    .bind(value)
    .fetch_optional(ex)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(PatientRow {
        id: r.try_get(0)?,
        account_id: r.try_get(1)?,
        cafat_number: r.try_get(2)?,
        birth_name: r.try_get(3)?,
        birth_name_norm: r.try_get(4)?,
        first_names: r.try_get(5)?,
        first_names_norm: r.try_get(6)?,
        birth_date: r.try_get(7)?,
        sex: r.try_get(8)?,
        birth_place: r.try_get(9)?,
        identity_status: r.try_get(10)?,
        validated_by: r.try_get(11)?,
        validated_how: r.try_get(12)?,
        validated_at_ms: r.try_get(13)?,
        record_state: r.try_get(14)?,
        email: r.try_get(15)?,
        phone: r.try_get(16)?,
        died_on: r.try_get(17)?,
        created_at_ms: r.try_get(18)?,
    }))
}

pub async fn by_id<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
) -> Result<Option<PatientRow>, StoreError> {
    one(ex, "id", id).await
}

pub async fn by_cafat<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    cafat_number: &str,
) -> Result<Option<PatientRow>, StoreError> {
    one(ex, "cafat_number", cafat_number).await
}

pub async fn by_account<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    account_id: &str,
) -> Result<Option<PatientRow>, StoreError> {
    one(ex, "account_id", account_id).await
}
