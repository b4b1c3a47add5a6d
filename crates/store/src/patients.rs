//! Patient records: identity traits (as entered and normalised), identity status and record
//! state. Validation of the traits happens in `mds-domain` before anything reaches here.

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError};
use mds_domain::{AccountId, AccountState, IdentifierKind, IdentityStatus, PatientId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatientRow {
    pub id: PatientId,
    pub account_id: Option<AccountId>,
    /// CAFAT or AMG: each kind is its own number space.
    pub identifier_kind: IdentifierKind,
    pub identifier_number: String,
    pub birth_name: String,
    pub birth_name_norm: String,
    /// JSON array of first names, in order, as entered.
    pub first_names: String,
    pub first_names_norm: String,
    /// ISO 8601 date, `YYYY-MM-DD`.
    pub birth_date: String,
    /// `F`, `M` or `I` (empty once the record is erased).
    pub sex: String,
    pub birth_place: String,
    pub identity_status: IdentityStatus,
    pub validated_by: Option<AccountId>,
    pub validated_how: Option<String>,
    pub validated_at_ms: Option<i64>,
    pub record_state: AccountState,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub died_on: Option<String>,
    pub created_at_ms: i64,
}

const COLUMNS: &str = "id, account_id, identifier_kind, identifier_number, birth_name, birth_name_norm, first_names, \
     first_names_norm, birth_date, sex, birth_place, identity_status, validated_by, \
     validated_how, validated_at_ms, record_state, email, phone, died_on, created_at_ms";

pub async fn insert(ex: impl Into<Ex<'_>>, p: &PatientRow) -> Result<(), StoreError> {
    Query::new(format!(
        "INSERT INTO patients ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)"
    ))
    .bind(&p.id)
    .bind(&p.account_id)
    .bind(p.identifier_kind)
    .bind(&p.identifier_number)
    .bind(&p.birth_name)
    .bind(&p.birth_name_norm)
    .bind(&p.first_names)
    .bind(&p.first_names_norm)
    .bind(&p.birth_date)
    .bind(&p.sex)
    .bind(&p.birth_place)
    .bind(p.identity_status)
    .bind(&p.validated_by)
    .bind(&p.validated_how)
    .bind(p.validated_at_ms)
    .bind(p.record_state)
    .bind(&p.email)
    .bind(&p.phone)
    .bind(&p.died_on)
    .bind(p.created_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

async fn one(
    ex: impl Into<Ex<'_>>,
    column: &str,
    value: &str,
) -> Result<Option<PatientRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM patients WHERE {column} = $1"
    ))
    .bind(value)
    .fetch_optional(ex)
    .await
}

pub async fn by_id(
    ex: impl Into<Ex<'_>>,
    id: &PatientId,
) -> Result<Option<PatientRow>, StoreError> {
    one(ex, "id", id.as_str()).await
}

/// The record of a number of a kind (CAFAT or AMG).
pub async fn by_identifier(
    ex: impl Into<Ex<'_>>,
    kind: IdentifierKind,
    number: &str,
) -> Result<Option<PatientRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM patients WHERE identifier_kind = $1 AND identifier_number = $2"
    ))
    .bind(kind)
    .bind(number)
    .fetch_optional(ex)
    .await
}

pub async fn by_account(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
) -> Result<Option<PatientRow>, StoreError> {
    one(ex, "account_id", account_id.as_str()).await
}

/// The exact duplicate of the five normalized traits, if any.
pub async fn by_traits(
    ex: impl Into<Ex<'_>>,
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
pub async fn by_birth(
    ex: impl Into<Ex<'_>>,
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
pub async fn by_name_and_birth(
    ex: impl Into<Ex<'_>>,
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

async fn select_where(
    ex: impl Into<Ex<'_>>,
    condition: &str,
    values: &[&str],
    limit: i64,
) -> Result<Vec<PatientRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM patients WHERE {condition} ORDER BY created_at_ms, id LIMIT {}",
        limit.max(0)
    );
    let mut q = Query::new(sql);
    for v in values {
        q.push(*v);
    }
    q.fetch_all(ex).await
}

impl FromRow for PatientRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            account_id: r.get(1)?,
            identifier_kind: r.get(2)?,
            identifier_number: r.get(3)?,
            birth_name: r.get(4)?,
            birth_name_norm: r.get(5)?,
            first_names: r.get(6)?,
            first_names_norm: r.get(7)?,
            birth_date: r.get(8)?,
            sex: r.get(9)?,
            birth_place: r.get(10)?,
            identity_status: r.get(11)?,
            validated_by: r.get(12)?,
            validated_how: r.get(13)?,
            validated_at_ms: r.get(14)?,
            record_state: r.get(15)?,
            email: r.get(16)?,
            phone: r.get(17)?,
            died_on: r.get(18)?,
            created_at_ms: r.get(19)?,
        })
    }
}

/// Life-cycle columns of a record (closure, archive, erasure, death), kept apart from
/// [`PatientRow`] so that its callers are not disturbed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PatientLife {
    pub created_by: Option<AccountId>,
    pub closed_at_ms: Option<i64>,
    pub purge_after_ms: Option<i64>,
    pub erasure_requested_at_ms: Option<i64>,
    pub erasure_deadline_ms: Option<i64>,
    pub erased_at_ms: Option<i64>,
    pub death_recorded_by: Option<AccountId>,
}

impl FromRow for PatientLife {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            created_by: r.get(0)?,
            closed_at_ms: r.get(1)?,
            purge_after_ms: r.get(2)?,
            erasure_requested_at_ms: r.get(3)?,
            erasure_deadline_ms: r.get(4)?,
            erased_at_ms: r.get(5)?,
            death_recorded_by: r.get(6)?,
        })
    }
}

pub async fn life(
    ex: impl Into<Ex<'_>>,
    id: &PatientId,
) -> Result<Option<PatientLife>, StoreError> {
    Query::new(
        "SELECT created_by, closed_at_ms, purge_after_ms, erasure_requested_at_ms, \
         erasure_deadline_ms, erased_at_ms, death_recorded_by FROM patients WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(ex)
    .await
}

pub async fn set_created_by(
    ex: impl Into<Ex<'_>>,
    id: &PatientId,
    created_by: &AccountId,
) -> Result<(), StoreError> {
    Query::new("UPDATE patients SET created_by = $1 WHERE id = $2")
        .bind(created_by)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Changes the record state only if it is currently `from` (compare-and-set).
pub async fn transition(
    ex: impl Into<Ex<'_>>,
    id: &PatientId,
    from: AccountState,
    to: AccountState,
) -> Result<bool, StoreError> {
    let done =
        Query::new("UPDATE patients SET record_state = $1 WHERE id = $2 AND record_state = $3")
            .bind(to)
            .bind(id)
            .bind(from)
            .execute(ex)
            .await?;
    Ok(done == 1)
}

pub async fn set_account(
    ex: impl Into<Ex<'_>>,
    id: &PatientId,
    account_id: &AccountId,
    email: &str,
) -> Result<(), StoreError> {
    Query::new("UPDATE patients SET account_id = $1, email = $2 WHERE id = $3")
        .bind(account_id)
        .bind(email)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Sets a record's e-mail address and phone (`None` clears them).
pub async fn set_contact(
    ex: impl Into<Ex<'_>>,
    id: &PatientId,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<(), StoreError> {
    Query::new("UPDATE patients SET email = $1, phone = $2 WHERE id = $3")
        .bind(email)
        .bind(phone)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn set_validated(
    ex: impl Into<Ex<'_>>,
    id: &PatientId,
    by: &AccountId,
    how: &str,
    at_ms: i64,
) -> Result<(), StoreError> {
    Query::new(
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

/// Replaces a record's five identity traits (entered and normalized) by those of `traits`
/// (a rectification); nothing else of the record changes.
pub async fn update_traits(
    ex: impl Into<Ex<'_>>,
    id: &PatientId,
    traits: &PatientRow,
) -> Result<(), StoreError> {
    Query::new(
        "UPDATE patients SET birth_name = $1, birth_name_norm = $2, first_names = $3, \
         first_names_norm = $4, birth_date = $5, sex = $6, birth_place = $7 WHERE id = $8",
    )
    .bind(&traits.birth_name)
    .bind(&traits.birth_name_norm)
    .bind(&traits.first_names)
    .bind(&traits.first_names_norm)
    .bind(&traits.birth_date)
    .bind(&traits.sex)
    .bind(&traits.birth_place)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn close(
    ex: impl Into<Ex<'_>>,
    id: &PatientId,
    closed_at_ms: i64,
    purge_after_ms: i64,
) -> Result<(), StoreError> {
    Query::new(
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

pub async fn request_erasure(
    ex: impl Into<Ex<'_>>,
    id: &PatientId,
    at_ms: i64,
    deadline_ms: i64,
) -> Result<(), StoreError> {
    Query::new(
        "UPDATE patients SET erasure_requested_at_ms = $1, erasure_deadline_ms = $2 WHERE id = $3",
    )
    .bind(at_ms)
    .bind(deadline_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn record_death(
    ex: impl Into<Ex<'_>>,
    id: &PatientId,
    died_on: &str,
    recorded_by: &AccountId,
) -> Result<(), StoreError> {
    Query::new("UPDATE patients SET died_on = $1, death_recorded_by = $2 WHERE id = $3")
        .bind(died_on)
        .bind(recorded_by)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Why a record's data must go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RemovalReason {
    /// A closed record past its 10-year archive.
    Retention,
    /// The patient asked for erasure.
    ErasureRequest,
}

impl RemovalReason {
    /// The text recorded in the audit.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Retention => "retention",
            Self::ErasureRequest => "erasure_request",
        }
    }
}

/// Records whose data must go: archives past their purge date and erasure requests not yet
/// carried out.
pub async fn due_for_removal(
    ex: impl Into<Ex<'_>>,
    now_ms: i64,
    limit: i64,
) -> Result<Vec<(PatientId, RemovalReason)>, StoreError> {
    let rows: Vec<(PatientId, Option<i64>)> = Query::new(
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
                RemovalReason::ErasureRequest
            } else {
                RemovalReason::Retention
            };
            (id, reason)
        })
        .collect())
}

/// Replaces every personal datum of the record by a tombstone (state `erased`): only the id
/// and the dates of the life cycle remain, so that the audit trail still points somewhere.
pub async fn scrub(ex: impl Into<Ex<'_>>, id: &PatientId, at_ms: i64) -> Result<(), StoreError> {
    let tomb = format!("erased:{id}");
    Query::new(
        "UPDATE patients SET identifier_number = $1, birth_name = '', birth_name_norm = $1, \
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
pub async fn delete(ex: impl Into<Ex<'_>>, id: &PatientId) -> Result<(), StoreError> {
    Query::new("DELETE FROM patients WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Erasure requests not yet carried out, soonest deadline first: `(id, deadline_ms)`.
pub async fn pending_erasures(
    ex: impl Into<Ex<'_>>,
    limit: i64,
) -> Result<Vec<(PatientId, i64)>, StoreError> {
    let rows: Vec<(PatientId, i64)> = Query::new(
        "SELECT id, erasure_deadline_ms FROM patients WHERE erased_at_ms IS NULL AND \
         erasure_deadline_ms IS NOT NULL ORDER BY erasure_deadline_ms, id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(ex)
    .await?;
    Ok(rows)
}
