//! Credentials of structure software (DESIGN.md 7): one row per credential, the secret kept
//! only as a hash, like sessions, and an end date (EXI 29: at most 3 years).

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError};
use mds_domain::{AccountId, CredentialState, StructureId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialRow {
    pub id: String,
    pub structure_id: StructureId,
    pub label: String,
    pub token_hash: String,
    pub state: CredentialState,
    pub created_by: AccountId,
    pub created_at_ms: i64,
    pub revoked_by: Option<AccountId>,
    pub revoked_at_ms: Option<i64>,
    /// The credential is refused from this instant on (the end of its last day).
    pub expires_at_ms: i64,
}

const COLUMNS: &str = "id, structure_id, label, token_hash, state, created_by, created_at_ms, \
     revoked_by, revoked_at_ms, expires_at_ms";

impl FromRow for CredentialRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            structure_id: r.get(1)?,
            label: r.get(2)?,
            token_hash: r.get(3)?,
            state: r.get(4)?,
            created_by: r.get(5)?,
            created_at_ms: r.get(6)?,
            revoked_by: r.get(7)?,
            revoked_at_ms: r.get(8)?,
            expires_at_ms: r.get(9)?,
        })
    }
}

pub async fn insert(ex: impl Into<Ex<'_>>, c: &CredentialRow) -> Result<(), StoreError> {
    Query::new(format!(
        "INSERT INTO structure_credentials ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(&c.id)
    .bind(&c.structure_id)
    .bind(&c.label)
    .bind(&c.token_hash)
    .bind(c.state)
    .bind(&c.created_by)
    .bind(c.created_at_ms)
    .bind(&c.revoked_by)
    .bind(c.revoked_at_ms)
    .bind(c.expires_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn by_token_hash(
    ex: impl Into<Ex<'_>>,
    token_hash: &str,
) -> Result<Option<CredentialRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM structure_credentials WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(ex)
    .await
}

pub async fn by_id(ex: impl Into<Ex<'_>>, id: &str) -> Result<Option<CredentialRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM structure_credentials WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(ex)
    .await
}

/// Every credential of a structure, oldest first.
pub async fn of_structure(
    ex: impl Into<Ex<'_>>,
    structure_id: &StructureId,
) -> Result<Vec<CredentialRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM structure_credentials WHERE structure_id = $1 \
         ORDER BY created_at_ms, id"
    ))
    .bind(structure_id)
    .fetch_all(ex)
    .await
}

/// Revokes an active credential; false when it was not active.
pub async fn revoke(
    ex: impl Into<Ex<'_>>,
    id: &str,
    by: &AccountId,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE structure_credentials SET state = 'revoked', revoked_by = $1, revoked_at_ms = $2 \
         WHERE id = $3 AND state = 'active'",
    )
    .bind(by)
    .bind(now_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(done == 1)
}
