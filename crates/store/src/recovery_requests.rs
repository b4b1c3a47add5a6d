//! Requests of people who lost their second factor, waiting for support (migration 0025). The
//! scan sent with one is an identity file of owner `recovery` (`identity_files`).

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError};
use mds_domain::{AccountId, RecoveryState};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveryRequestRow {
    pub id: String,
    pub account_id: AccountId,
    /// What the person wrote (bounded and checked before it is stored).
    pub message: String,
    pub submitted_at_ms: i64,
    pub state: RecoveryState,
    pub decided_by: Option<AccountId>,
    pub decided_at_ms: Option<i64>,
    pub decision_note: Option<String>,
}

const COLUMNS: &str =
    "id, account_id, message, submitted_at_ms, state, decided_by, decided_at_ms, decision_note";

impl FromRow for RecoveryRequestRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            account_id: r.get(1)?,
            message: r.get(2)?,
            submitted_at_ms: r.get(3)?,
            state: r.get(4)?,
            decided_by: r.get(5)?,
            decided_at_ms: r.get(6)?,
            decision_note: r.get(7)?,
        })
    }
}

pub async fn insert(ex: impl Into<Ex<'_>>, r: &RecoveryRequestRow) -> Result<(), StoreError> {
    Query::new(format!(
        "INSERT INTO recovery_requests ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ))
    .bind(&r.id)
    .bind(&r.account_id)
    .bind(&r.message)
    .bind(r.submitted_at_ms)
    .bind(r.state)
    .bind(&r.decided_by)
    .bind(r.decided_at_ms)
    .bind(&r.decision_note)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn by_id(
    ex: impl Into<Ex<'_>>,
    id: &str,
) -> Result<Option<RecoveryRequestRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM recovery_requests WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(ex)
    .await
}

/// The pending requests, oldest first, at most `limit`.
pub async fn pending(
    ex: impl Into<Ex<'_>>,
    limit: i64,
) -> Result<Vec<RecoveryRequestRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM recovery_requests WHERE state = 'pending' \
         ORDER BY submitted_at_ms, id LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// How many requests wait for support.
pub async fn count_pending(ex: impl Into<Ex<'_>>) -> Result<i64, StoreError> {
    let (n,): (i64,) = Query::new("SELECT COUNT(*) FROM recovery_requests WHERE state = 'pending'")
        .fetch_one(ex)
        .await?;
    Ok(n)
}

/// How many requests of the account were sent since `since_ms` (any state).
pub async fn count_since(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
    since_ms: i64,
) -> Result<i64, StoreError> {
    let (n,): (i64,) = Query::new(
        "SELECT COUNT(*) FROM recovery_requests WHERE account_id = $1 AND submitted_at_ms >= $2",
    )
    .bind(account_id)
    .bind(since_ms)
    .fetch_one(ex)
    .await?;
    Ok(n)
}

/// Closes a pending request; false if it was not pending (decided meanwhile, or unknown).
pub async fn decide(
    ex: impl Into<Ex<'_>>,
    id: &str,
    state: RecoveryState,
    by: &AccountId,
    at_ms: i64,
    note: Option<&str>,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE recovery_requests SET state = $1, decided_by = $2, decided_at_ms = $3, \
         decision_note = $4 WHERE id = $5 AND state = 'pending'",
    )
    .bind(state)
    .bind(by)
    .bind(at_ms)
    .bind(note)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// The ids of every request of an account (to remove them with their scans).
pub async fn ids_of_account(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = Query::new("SELECT id FROM recovery_requests WHERE account_id = $1")
        .bind(account_id)
        .fetch_all(ex)
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Removes every request of an account (its record is erased).
pub async fn delete_for_account(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
) -> Result<u64, StoreError> {
    Query::new("DELETE FROM recovery_requests WHERE account_id = $1")
        .bind(account_id)
        .execute(ex)
        .await
}
