//! Passkeys (WebAuthn) of accounts, and the ceremonies in progress. What a passkey is and how
//! a ceremony is checked is `mds-app`'s `accounts::passkeys`; this module stores what it is
//! given and makes "a ceremony is used once" atomic.

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError, Tx};
use mds_domain::AccountId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasskeyRow {
    pub id: String,
    pub account_id: AccountId,
    /// The credential's id, base64url.
    pub credential_id: String,
    pub name: String,
    /// The credential as the WebAuthn library serialises it.
    pub passkey: String,
    pub created_at_ms: i64,
    pub last_used_at_ms: Option<i64>,
}

impl FromRow for PasskeyRow {
    fn from_row(row: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.get(0)?,
            account_id: row.get(1)?,
            credential_id: row.get(2)?,
            name: row.get(3)?,
            passkey: row.get(4)?,
            created_at_ms: row.get(5)?,
            last_used_at_ms: row.get(6)?,
        })
    }
}

const COLUMNS: &str =
    "id, account_id, credential_id, name, passkey, created_at_ms, last_used_at_ms";

/// Adds a passkey; a credential already registered (to any account) is a `Conflict`.
pub async fn insert(tx: &mut Tx, p: &PasskeyRow) -> Result<(), StoreError> {
    Query::new(format!(
        "INSERT INTO passkeys ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ))
    .bind(&p.id)
    .bind(&p.account_id)
    .bind(&p.credential_id)
    .bind(&p.name)
    .bind(&p.passkey)
    .bind(p.created_at_ms)
    .bind(p.last_used_at_ms)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// An account's passkeys, oldest first.
pub async fn of_account(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
) -> Result<Vec<PasskeyRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM passkeys WHERE account_id = $1 ORDER BY created_at_ms, id"
    ))
    .bind(account_id)
    .fetch_all(ex)
    .await
}

/// After a sign-in: the credential's new state (its counter) and when it was used.
pub async fn used(
    ex: impl Into<Ex<'_>>,
    id: &str,
    passkey: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    Query::new("UPDATE passkeys SET passkey = $2, last_used_at_ms = $3 WHERE id = $1")
        .bind(id)
        .bind(passkey)
        .bind(now_ms)
        .execute(ex)
        .await?;
    Ok(())
}

/// Removes one of the account's passkeys; its name when there was one.
pub async fn remove(
    tx: &mut Tx,
    account_id: &AccountId,
    id: &str,
) -> Result<Option<String>, StoreError> {
    let name: Option<(String,)> =
        Query::new("SELECT name FROM passkeys WHERE id = $1 AND account_id = $2")
            .bind(id)
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
    Query::new("DELETE FROM passkeys WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    Ok(name.map(|n| n.0))
}

/// Every passkey of an account (its second factor reset by support, its closure).
pub async fn remove_all(tx: &mut Tx, account_id: &AccountId) -> Result<u64, StoreError> {
    Query::new("DELETE FROM passkeys WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *tx)
        .await
}

/// Keeps a ceremony's state under `id`, replacing the one in progress there.
pub async fn put_ceremony(
    tx: &mut Tx,
    id: &str,
    account_id: &AccountId,
    state: &str,
    expires_at_ms: i64,
) -> Result<(), StoreError> {
    Query::new("DELETE FROM passkey_ceremonies WHERE id = $1 OR expires_at_ms < $2")
        .bind(id)
        .bind(expires_at_ms - 3_600_000)
        .execute(&mut *tx)
        .await?;
    Query::new(
        "INSERT INTO passkey_ceremonies (id, account_id, state, expires_at_ms) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(account_id)
    .bind(state)
    .bind(expires_at_ms)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Takes (reads and deletes) the live ceremony `id` of `account_id`: a second take of the
/// same ceremony finds nothing.
pub async fn take_ceremony(
    tx: &mut Tx,
    id: &str,
    account_id: &AccountId,
    now_ms: i64,
) -> Result<Option<String>, StoreError> {
    let state: Option<(String, i64)> = Query::new(
        "SELECT state, expires_at_ms FROM passkey_ceremonies WHERE id = $1 AND account_id = $2",
    )
    .bind(id)
    .bind(account_id)
    .fetch_optional(&mut *tx)
    .await?;
    let deleted = Query::new("DELETE FROM passkey_ceremonies WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    Ok(state
        .filter(|(_, expires)| deleted == 1 && *expires > now_ms)
        .map(|(s, _)| s))
}
