//! The lines waiting for an account's daily e-mail digest. A line is written in the
//! transaction of its notification; the digest job takes an account's lines older than the
//! digest's boundary, queues ONE e-mail and deletes them in one transaction, so a line is sent
//! once or, if that transaction fails, stays for the next run. Rows, not rules: when the digest
//! goes and what it says is decided by `mds-app`.

use crate::{Ex, Query, StoreError};
use mds_domain::AccountId;

/// One waiting line: `(id, kind, line, created_at_ms)`.
pub type DigestItem = (String, String, String, i64);

pub async fn insert(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
    kind: &str,
    line: &str,
    at_ms: i64,
) -> Result<(), StoreError> {
    Query::new(
        "INSERT INTO email_digest_items (id, account_id, kind, line, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(crate::new_id())
    .bind(account_id)
    .bind(kind)
    .bind(line)
    .bind(at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

/// The accounts with at least one line written before `before_ms`, at most `limit`.
pub async fn accounts_due(
    ex: impl Into<Ex<'_>>,
    before_ms: i64,
    limit: i64,
) -> Result<Vec<AccountId>, StoreError> {
    let rows: Vec<(AccountId,)> = Query::new(
        "SELECT DISTINCT account_id FROM email_digest_items WHERE created_at_ms < $1 \
         ORDER BY account_id LIMIT $2",
    )
    .bind(before_ms)
    .bind(limit)
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|(a,)| a).collect())
}

/// An account's lines written before `before_ms`, oldest first.
pub async fn items_before(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
    before_ms: i64,
) -> Result<Vec<DigestItem>, StoreError> {
    Query::new(
        "SELECT id, kind, line, created_at_ms FROM email_digest_items \
         WHERE account_id = $1 AND created_at_ms < $2 ORDER BY created_at_ms, id",
    )
    .bind(account_id)
    .bind(before_ms)
    .fetch_all(ex)
    .await
}

/// Deletes an account's lines written before `before_ms` (sent, or dropped); the number.
pub async fn delete_before(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
    before_ms: i64,
) -> Result<u64, StoreError> {
    Query::new("DELETE FROM email_digest_items WHERE account_id = $1 AND created_at_ms < $2")
        .bind(account_id)
        .bind(before_ms)
        .execute(ex)
        .await
}

/// Every waiting line of an account, oldest first (tests, support).
pub async fn pending(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
) -> Result<Vec<DigestItem>, StoreError> {
    items_before(ex, account_id, i64::MAX).await
}
