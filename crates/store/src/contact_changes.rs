//! E-mail address changes waiting for their confirmation link (issue 15). The row of a link
//! names its account and the new address by the SHA-256 of the link's token. Issuing, checking
//! and applying follow `mds-app`'s `patients::contact`; this module stores what it is given and
//! makes "spend once" atomic.

use crate::{Ex, Query, StoreError, Tx};
use mds_domain::AccountId;

pub async fn insert(
    ex: impl Into<Ex<'_>>,
    token_hash: &str,
    account_id: &AccountId,
    new_email: &str,
    now_ms: i64,
    expires_at_ms: i64,
) -> Result<(), StoreError> {
    Query::new(
        "INSERT INTO contact_changes (token_hash, account_id, new_email, created_at_ms, \
         expires_at_ms) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(new_email)
    .bind(now_ms)
    .bind(expires_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

/// The account and new address of an unused, unexpired link.
pub async fn live(
    ex: impl Into<Ex<'_>>,
    token_hash: &str,
    now_ms: i64,
) -> Result<Option<(AccountId, String)>, StoreError> {
    Query::new(
        "SELECT account_id, new_email FROM contact_changes \
         WHERE token_hash = $1 AND used_at_ms IS NULL AND expires_at_ms > $2",
    )
    .bind(token_hash)
    .bind(now_ms)
    .fetch_optional(ex)
    .await
}

/// Spends a live link; false if another request spent it first.
pub async fn spend(tx: &mut Tx, token_hash: &str, now_ms: i64) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE contact_changes SET used_at_ms = $2 \
         WHERE token_hash = $1 AND used_at_ms IS NULL AND expires_at_ms > $2",
    )
    .bind(token_hash)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    Ok(done == 1)
}

/// Spends every live link of an account (a newer request, a confirmed change).
pub async fn spend_all(
    tx: &mut Tx,
    account_id: &AccountId,
    now_ms: i64,
) -> Result<u64, StoreError> {
    Query::new(
        "UPDATE contact_changes SET used_at_ms = $2 WHERE account_id = $1 AND used_at_ms IS NULL",
    )
    .bind(account_id)
    .bind(now_ms)
    .execute(&mut *tx)
    .await
}

/// Links issued to an account since `since_ms`.
pub async fn issued_since(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
    since_ms: i64,
) -> Result<i64, StoreError> {
    let (n,): (i64,) = Query::new(
        "SELECT COUNT(*) FROM contact_changes WHERE account_id = $1 AND created_at_ms >= $2",
    )
    .bind(account_id)
    .bind(since_ms)
    .fetch_one(ex)
    .await?;
    Ok(n)
}
