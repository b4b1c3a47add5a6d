//! Credentials of structure software (DESIGN.md 7): one row per credential, the secret kept
//! only as a hash, like sessions.

use crate::StoreError;
use sqlx::{Any, Executor};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialRow {
    pub id: String,
    pub structure_id: String,
    pub label: String,
    pub token_hash: String,
    /// `active` or `revoked`.
    pub state: String,
    pub created_by: String,
    pub created_at_ms: i64,
    pub revoked_by: Option<String>,
    pub revoked_at_ms: Option<i64>,
}

type Tuple = (
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<i64>,
);

const COLUMNS: &str = "id, structure_id, label, token_hash, state, created_by, created_at_ms, \
     revoked_by, revoked_at_ms";

fn row(t: Tuple) -> CredentialRow {
    CredentialRow {
        id: t.0,
        structure_id: t.1,
        label: t.2,
        token_hash: t.3,
        state: t.4,
        created_by: t.5,
        created_at_ms: t.6,
        revoked_by: t.7,
        revoked_at_ms: t.8,
    }
}

pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    c: &CredentialRow,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO structure_credentials ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(&c.id)
    .bind(&c.structure_id)
    .bind(&c.label)
    .bind(&c.token_hash)
    .bind(&c.state)
    .bind(&c.created_by)
    .bind(c.created_at_ms)
    .bind(&c.revoked_by)
    .bind(c.revoked_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn by_token_hash<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    token_hash: &str,
) -> Result<Option<CredentialRow>, StoreError> {
    let t: Option<Tuple> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM structure_credentials WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(ex)
    .await?;
    Ok(t.map(row))
}

pub async fn by_id<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
) -> Result<Option<CredentialRow>, StoreError> {
    let t: Option<Tuple> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM structure_credentials WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(ex)
    .await?;
    Ok(t.map(row))
}

/// Every credential of a structure, oldest first.
pub async fn of_structure<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    structure_id: &str,
) -> Result<Vec<CredentialRow>, StoreError> {
    let rows: Vec<Tuple> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM structure_credentials WHERE structure_id = $1 \
         ORDER BY created_at_ms, id"
    ))
    .bind(structure_id)
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(row).collect())
}

/// Revokes an active credential; false when it was not active.
pub async fn revoke<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    by: &str,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE structure_credentials SET state = 'revoked', revoked_by = $1, revoked_at_ms = $2 \
         WHERE id = $3 AND state = 'active'",
    )
    .bind(by)
    .bind(now_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}
