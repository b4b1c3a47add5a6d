//! The directory: care structures, professionals (with their structures and SAMU role) and
//! assistants (each linked to the professional they act for).

use crate::{flag, StoreError};
use sqlx::{Any, Executor};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructureRow {
    pub id: String,
    pub name: String,
    pub ridet: String,
    pub kind: String,
    pub commune: String,
    pub created_at_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfessionalRow {
    pub account_id: String,
    pub professional_id: String,
    pub first_name: String,
    pub last_name: String,
    pub profession: String,
    pub samu_regulator: bool,
    /// Account state (active, suspended, pending), joined from `accounts`.
    pub state: String,
    pub structure_ids: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssistantRow {
    pub account_id: String,
    pub professional_account_id: String,
    pub first_name: String,
    pub last_name: String,
}

pub async fn insert_structure<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    s: &StructureRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO structures (id, name, ridet, kind, commune, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&s.id)
    .bind(&s.name)
    .bind(&s.ridet)
    .bind(&s.kind)
    .bind(&s.commune)
    .bind(s.created_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

type StructureTuple = (String, String, String, String, String, i64);

fn structure(t: StructureTuple) -> StructureRow {
    StructureRow {
        id: t.0,
        name: t.1,
        ridet: t.2,
        kind: t.3,
        commune: t.4,
        created_at_ms: t.5,
    }
}

pub async fn structure_by_id<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
) -> Result<Option<StructureRow>, StoreError> {
    let row: Option<StructureTuple> = sqlx::query_as(
        "SELECT id, name, ridet, kind, commune, created_at_ms FROM structures WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(ex)
    .await?;
    Ok(row.map(structure))
}

pub async fn structure_by_ridet<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    ridet: &str,
) -> Result<Option<StructureRow>, StoreError> {
    let row: Option<StructureTuple> = sqlx::query_as(
        "SELECT id, name, ridet, kind, commune, created_at_ms FROM structures WHERE ridet = $1",
    )
    .bind(ridet)
    .fetch_optional(ex)
    .await?;
    Ok(row.map(structure))
}

pub async fn list_structures<'e, E: Executor<'e, Database = Any>>(
    ex: E,
) -> Result<Vec<StructureRow>, StoreError> {
    let rows: Vec<StructureTuple> = sqlx::query_as(
        "SELECT id, name, ridet, kind, commune, created_at_ms FROM structures ORDER BY name, id",
    )
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(structure).collect())
}

/// Inserts the professional row and its structure links (same transaction as the account).
pub async fn insert_professional(
    tx: &mut crate::Tx,
    p: &ProfessionalRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO professionals (account_id, professional_id, first_name, last_name, \
         profession, samu_regulator) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&p.account_id)
    .bind(&p.professional_id)
    .bind(&p.first_name)
    .bind(&p.last_name)
    .bind(&p.profession)
    .bind(flag(p.samu_regulator))
    .execute(&mut **tx)
    .await?;
    for s in &p.structure_ids {
        sqlx::query(
            "INSERT INTO professional_structures (professional_account_id, structure_id) \
             VALUES ($1, $2)",
        )
        .bind(&p.account_id)
        .bind(s)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

type ProTuple = (String, String, String, String, String, i64, String);

const PRO_SELECT: &str = "SELECT p.account_id, p.professional_id, p.first_name, p.last_name, \
     p.profession, p.samu_regulator, a.state FROM professionals p \
     JOIN accounts a ON a.id = p.account_id";

async fn with_structures(
    pool: &sqlx::AnyPool,
    rows: Vec<ProTuple>,
) -> Result<Vec<ProfessionalRow>, StoreError> {
    let mut out = Vec::with_capacity(rows.len());
    for t in rows {
        let links: Vec<(String,)> = sqlx::query_as(
            "SELECT structure_id FROM professional_structures \
             WHERE professional_account_id = $1 ORDER BY structure_id",
        )
        .bind(&t.0)
        .fetch_all(pool)
        .await?;
        out.push(ProfessionalRow {
            account_id: t.0,
            professional_id: t.1,
            first_name: t.2,
            last_name: t.3,
            profession: t.4,
            samu_regulator: t.5 != 0,
            state: t.6,
            structure_ids: links.into_iter().map(|l| l.0).collect(),
        });
    }
    Ok(out)
}

pub async fn professional(
    pool: &sqlx::AnyPool,
    account_id: &str,
) -> Result<Option<ProfessionalRow>, StoreError> {
    let rows: Vec<ProTuple> = sqlx::query_as(&format!("{PRO_SELECT} WHERE p.account_id = $1"))
        .bind(account_id)
        .fetch_all(pool)
        .await?;
    Ok(with_structures(pool, rows).await?.pop())
}

/// What the access policy needs of a professional, in one query: `(profession,
/// samu_regulator, first structure in identifier order)` — the same first structure as
/// [`professional`]'s `structure_ids[0]`. `None` unless the account is active: a suspended
/// or not yet enrolled professional lends their rights to nobody.
pub async fn professional_facts<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    account_id: &str,
) -> Result<Option<(String, bool, Option<String>)>, StoreError> {
    let row: Option<(String, i64, Option<String>)> = sqlx::query_as(
        "SELECT p.profession, p.samu_regulator, (SELECT MIN(s.structure_id) \
         FROM professional_structures s WHERE s.professional_account_id = p.account_id) \
         FROM professionals p JOIN accounts a ON a.id = p.account_id \
         WHERE p.account_id = $1 AND a.state = 'active'",
    )
    .bind(account_id)
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|(profession, samu, structure)| (profession, samu != 0, structure)))
}

pub async fn professional_by_identifier(
    pool: &sqlx::AnyPool,
    professional_id: &str,
) -> Result<Option<ProfessionalRow>, StoreError> {
    let rows: Vec<ProTuple> = sqlx::query_as(&format!("{PRO_SELECT} WHERE p.professional_id = $1"))
        .bind(professional_id)
        .fetch_all(pool)
        .await?;
    Ok(with_structures(pool, rows).await?.pop())
}

/// Directory search by (normalised, case-insensitive) name prefix, paginated by offset.
pub async fn search_professionals(
    pool: &sqlx::AnyPool,
    name_prefix: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<ProfessionalRow>, StoreError> {
    let pattern = format!("{}%", name_prefix.to_lowercase().replace(['%', '_'], ""));
    let rows: Vec<ProTuple> = sqlx::query_as(&format!(
        "{PRO_SELECT} WHERE lower(p.last_name) LIKE $1 OR lower(p.first_name) LIKE $1 \
         ORDER BY p.last_name, p.first_name, p.account_id LIMIT $2 OFFSET $3"
    ))
    .bind(pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    with_structures(pool, rows).await
}

pub async fn insert_assistant<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    a: &AssistantRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO assistants (account_id, professional_account_id, first_name, last_name) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&a.account_id)
    .bind(&a.professional_account_id)
    .bind(&a.first_name)
    .bind(&a.last_name)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn assistant<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    account_id: &str,
) -> Result<Option<AssistantRow>, StoreError> {
    let row: Option<(String, String, String, String)> = sqlx::query_as(
        "SELECT account_id, professional_account_id, first_name, last_name \
         FROM assistants WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|t| AssistantRow {
        account_id: t.0,
        professional_account_id: t.1,
        first_name: t.2,
        last_name: t.3,
    }))
}

/// Every assistant, by last name.
pub async fn list_assistants<'e, E: Executor<'e, Database = Any>>(
    ex: E,
) -> Result<Vec<AssistantRow>, StoreError> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT account_id, professional_account_id, first_name, last_name \
         FROM assistants ORDER BY last_name, first_name, account_id",
    )
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|t| AssistantRow {
            account_id: t.0,
            professional_account_id: t.1,
            first_name: t.2,
            last_name: t.3,
        })
        .collect())
}
