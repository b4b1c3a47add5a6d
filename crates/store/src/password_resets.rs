//! Password-reset links (issue 15): the row of a link names its account by the SHA-256 of the
//! link's token. Issuing, checking and spending follow `mds-app`'s `accounts::recovery`; this
//! module only stores what it is given and makes "spend once" atomic.

use crate::StoreError;
use crate::{Ex, Query, Tx};
use mds_domain::AccountId;

pub async fn insert(
    ex: impl Into<Ex<'_>>,
    token_hash: &str,
    account_id: &AccountId,
    now_ms: i64,
    expires_at_ms: i64,
) -> Result<(), StoreError> {
    Query::new(
        "INSERT INTO password_resets (token_hash, account_id, created_at_ms, expires_at_ms) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(now_ms)
    .bind(expires_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

/// The account of an unused, unexpired link.
pub async fn live(
    ex: impl Into<Ex<'_>>,
    token_hash: &str,
    now_ms: i64,
) -> Result<Option<AccountId>, StoreError> {
    let row: Option<(AccountId,)> = Query::new(
        "SELECT account_id FROM password_resets \
         WHERE token_hash = $1 AND used_at_ms IS NULL AND expires_at_ms > $2",
    )
    .bind(token_hash)
    .bind(now_ms)
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|r| r.0))
}

/// Links issued for the account since `since_ms` (the per-account request limit).
pub async fn issued_since(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
    since_ms: i64,
) -> Result<i64, StoreError> {
    let row: (i64,) = Query::new(
        "SELECT COUNT(*) FROM password_resets WHERE account_id = $1 AND created_at_ms >= $2",
    )
    .bind(account_id)
    .bind(since_ms)
    .fetch_one(ex)
    .await?;
    Ok(row.0)
}

/// Spends the link; false when it was spent meanwhile (two submissions of one link).
pub async fn spend(tx: &mut Tx, token_hash: &str, now_ms: i64) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE password_resets SET used_at_ms = $1 WHERE token_hash = $2 AND used_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(token_hash)
    .execute(&mut *tx)
    .await?;
    Ok(done == 1)
}

/// Spends every unused link of the account (a reset done, a second factor re-issued, a
/// suspension): an older e-mail can no longer be used.
pub async fn spend_all(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
    now_ms: i64,
) -> Result<u64, StoreError> {
    Query::new(
        "UPDATE password_resets SET used_at_ms = $1 WHERE account_id = $2 AND used_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(account_id)
    .execute(ex)
    .await
}

/// Counts one wrong second-factor code against the link, spending it when the count reaches
/// `max`. Returns the count after this failure (0: the link was no longer live).
pub async fn fail(tx: &mut Tx, token_hash: &str, max: i64, now_ms: i64) -> Result<i64, StoreError> {
    use crate::one_time::{count_failure, Table};
    count_failure(tx, Table::PasswordResets, token_hash, max, now_ms).await
}
