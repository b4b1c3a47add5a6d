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

/// The exact duplicate of the five normalized traits, if any.
pub async fn by_traits<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    key: &TraitsKey<'_>,
) -> Result<Option<PatientRow>, StoreError> {
    let rows = select_where(
        ex,
        "birth_name_norm = $1 AND first_names_norm = $2 AND birth_date = $3 AND sex = $4 \
         AND birth_place = $5",
        &[
            key.birth_name_norm,
            key.first_names_norm,
            key.birth_date,
            key.sex,
            key.birth_place,
        ],
        1,
    )
    .await?;
    Ok(rows.into_iter().next())
}

/// The five normalized traits as stored.
#[derive(Clone, Copy, Debug)]
pub struct TraitsKey<'a> {
    pub birth_name_norm: &'a str,
    pub first_names_norm: &'a str,
    pub birth_date: &'a str,
    pub sex: &'a str,
    pub birth_place: &'a str,
}

/// Records with this birth date and sex: the candidates of a near-match comparison.
pub async fn by_birth<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    birth_date: &str,
    sex: &str,
    limit: i64,
) -> Result<Vec<PatientRow>, StoreError> {
    select_where(
        ex,
        "birth_date = $1 AND sex = $2",
        &[birth_date, sex],
        limit,
    )
    .await
}

/// Records with this normalized birth name, birth date and sex (patient search by traits).
pub async fn by_name_and_birth<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    birth_name_norm: &str,
    birth_date: &str,
    sex: &str,
    limit: i64,
) -> Result<Vec<PatientRow>, StoreError> {
    select_where(
        ex,
        "birth_name_norm = $1 AND birth_date = $2 AND sex = $3",
        &[birth_name_norm, birth_date, sex],
        limit,
    )
    .await
}

async fn select_where<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    condition: &str,
    values: &[&str],
    limit: i64,
) -> Result<Vec<PatientRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM patients WHERE {condition} ORDER BY created_at_ms, id LIMIT {}",
        limit.max(0)
    );
    let mut q = sqlx::query(&sql);
    for v in values {
        q = q.bind(*v);
    }
    let rows = q.fetch_all(ex).await?;
    rows.iter().map(from_row).collect()
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<PatientRow, StoreError> {
    use sqlx::Row;
    Ok(PatientRow {
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
    })
}

/// Life-cycle columns of a record (closure, archive, erasure, death), kept apart from
/// [`PatientRow`] so that its callers are not disturbed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PatientLife {
    pub created_by: Option<String>,
    pub closed_at_ms: Option<i64>,
    pub purge_after_ms: Option<i64>,
    pub erasure_requested_at_ms: Option<i64>,
    pub erasure_deadline_ms: Option<i64>,
    pub erased_at_ms: Option<i64>,
    pub death_recorded_by: Option<String>,
}

pub async fn life<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
) -> Result<Option<PatientLife>, StoreError> {
    type T = (
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<String>,
    );
    let row: Option<T> = sqlx::query_as(
        "SELECT created_by, closed_at_ms, purge_after_ms, erasure_requested_at_ms, \
         erasure_deadline_ms, erased_at_ms, death_recorded_by FROM patients WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|t| PatientLife {
        created_by: t.0,
        closed_at_ms: t.1,
        purge_after_ms: t.2,
        erasure_requested_at_ms: t.3,
        erasure_deadline_ms: t.4,
        erased_at_ms: t.5,
        death_recorded_by: t.6,
    }))
}

pub async fn set_created_by<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    created_by: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE patients SET created_by = $1 WHERE id = $2")
        .bind(created_by)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Changes the record state only if it is currently `from` (compare-and-set).
pub async fn transition<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    from: &str,
    to: &str,
) -> Result<bool, StoreError> {
    let done =
        sqlx::query("UPDATE patients SET record_state = $1 WHERE id = $2 AND record_state = $3")
            .bind(to)
            .bind(id)
            .bind(from)
            .execute(ex)
            .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_account<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    account_id: &str,
    email: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE patients SET account_id = $1, email = $2 WHERE id = $3")
        .bind(account_id)
        .bind(email)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn set_validated<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    by: &str,
    how: &str,
    at_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE patients SET identity_status = 'validated', validated_by = $1, \
         validated_how = $2, validated_at_ms = $3 WHERE id = $4",
    )
    .bind(by)
    .bind(how)
    .bind(at_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn close<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    closed_at_ms: i64,
    purge_after_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE patients SET record_state = 'closed', closed_at_ms = $1, purge_after_ms = $2 \
         WHERE id = $3",
    )
    .bind(closed_at_ms)
    .bind(purge_after_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn request_erasure<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    at_ms: i64,
    deadline_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE patients SET erasure_requested_at_ms = $1, erasure_deadline_ms = $2 WHERE id = $3",
    )
    .bind(at_ms)
    .bind(deadline_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn record_death<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    died_on: &str,
    recorded_by: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE patients SET died_on = $1, death_recorded_by = $2 WHERE id = $3")
        .bind(died_on)
        .bind(recorded_by)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Records whose data must go: archives past their purge date and erasure requests not yet
/// carried out. `(id, reason)` with reason `retention` or `erasure_request`.
pub async fn due_for_removal<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    now_ms: i64,
    limit: i64,
) -> Result<Vec<(String, String)>, StoreError> {
    let rows: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT id, erasure_requested_at_ms FROM patients WHERE erased_at_ms IS NULL AND \
         ((purge_after_ms IS NOT NULL AND purge_after_ms <= $1) OR erasure_requested_at_ms IS NOT NULL) \
         ORDER BY id LIMIT $2",
    )
    .bind(now_ms)
    .bind(limit)
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, erasure)| {
            let reason = if erasure.is_some() {
                "erasure_request"
            } else {
                "retention"
            };
            (id, reason.to_owned())
        })
        .collect())
}

/// Replaces every personal datum of the record by a tombstone (state `erased`): only the id
/// and the dates of the life cycle remain, so that the audit trail still points somewhere.
pub async fn scrub<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    at_ms: i64,
) -> Result<(), StoreError> {
    let tomb = format!("erased:{id}");
    sqlx::query(
        "UPDATE patients SET cafat_number = $1, birth_name = '', birth_name_norm = $1, \
         first_names = '[]', first_names_norm = '', birth_date = '', sex = '', birth_place = '', \
         email = NULL, phone = NULL, died_on = NULL, validated_by = NULL, \
         record_state = 'erased', erased_at_ms = $2 WHERE id = $3",
    )
    .bind(&tomb)
    .bind(at_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Removes a record that never held anything (a rejected self-enrolment).
pub async fn delete<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM patients WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Erasure requests not yet carried out, soonest deadline first: `(id, deadline_ms)`.
pub async fn pending_erasures<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    limit: i64,
) -> Result<Vec<(String, i64)>, StoreError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT id, erasure_deadline_ms FROM patients WHERE erased_at_ms IS NULL AND \
         erasure_deadline_ms IS NOT NULL ORDER BY erasure_deadline_ms, id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(ex)
    .await?;
    Ok(rows)
}
