//! In-app notifications, the e-mail preferences of an account and the (patient,
//! professional) pairs already notified of a first access. Rows, not rules: which kinds may be
//! switched off and what the texts say is decided by `mds-app`.

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError};
use mds_domain::{AccountId, PatientId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotificationRow {
    pub id: String,
    pub account_id: AccountId,
    /// A notification kind of `mds-app` (its stable text).
    pub kind: String,
    pub text: String,
    /// The English text (migration 0027); `None` on rows written before.
    pub text_en: Option<String>,
    pub created_at_ms: i64,
    pub read_at_ms: Option<i64>,
    /// The document it is about (migration 0014), if any.
    pub document_id: Option<String>,
    /// The professional who acted, if any.
    pub actor_id: Option<String>,
}

impl FromRow for NotificationRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            account_id: r.get(1)?,
            kind: r.get(2)?,
            text: r.get(3)?,
            created_at_ms: r.get(4)?,
            read_at_ms: r.get(5)?,
            document_id: r.get(6)?,
            actor_id: r.get(7)?,
            text_en: r.get(8)?,
        })
    }
}

pub async fn insert(ex: impl Into<Ex<'_>>, n: &NotificationRow) -> Result<(), StoreError> {
    Query::new(
        "INSERT INTO notifications (id, account_id, kind, text, created_at_ms, read_at_ms, \
         document_id, actor_id, text_en) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&n.id)
    .bind(&n.account_id)
    .bind(&n.kind)
    .bind(&n.text)
    .bind(n.created_at_ms)
    .bind(n.read_at_ms)
    .bind(&n.document_id)
    .bind(&n.actor_id)
    .bind(&n.text_en)
    .execute(ex)
    .await?;
    Ok(())
}

/// A page of an account's notifications, newest first.
pub async fn for_account(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
    unread_only: bool,
    limit: i64,
    offset: i64,
) -> Result<Vec<NotificationRow>, StoreError> {
    Query::new(
        "SELECT id, account_id, kind, text, created_at_ms, read_at_ms, document_id, actor_id, \
         text_en FROM notifications WHERE account_id = $1 AND ($2 = 0 OR read_at_ms IS NULL) \
         ORDER BY created_at_ms DESC, id LIMIT $3 OFFSET $4",
    )
    .bind(account_id)
    .bind(unread_only)
    .bind(limit)
    .bind(offset)
    .fetch_all(ex)
    .await
}

/// `(all, unread)` notifications of an account.
pub async fn counts(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
) -> Result<(i64, i64), StoreError> {
    let row: (i64, i64) = Query::new(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN read_at_ms IS NULL THEN 1 ELSE 0 END), 0) \
         FROM notifications WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_one(ex)
    .await?;
    Ok(row)
}

/// Marks every unread notification of the account read; returns how many.
pub async fn mark_all_read(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
    at_ms: i64,
) -> Result<u64, StoreError> {
    Query::new(
        "UPDATE notifications SET read_at_ms = $1 WHERE account_id = $2 AND read_at_ms IS NULL",
    )
    .bind(at_ms)
    .bind(account_id)
    .execute(ex)
    .await
}

/// Marks one notification of the account read; false if unknown, another account's, or
/// already read.
pub async fn mark_read(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
    id: &str,
    at_ms: i64,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE notifications SET read_at_ms = $1 \
         WHERE id = $2 AND account_id = $3 AND read_at_ms IS NULL",
    )
    .bind(at_ms)
    .bind(id)
    .bind(account_id)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

pub async fn exists(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
    id: &str,
) -> Result<bool, StoreError> {
    let row: Option<(i64,)> =
        Query::new("SELECT 1 FROM notifications WHERE id = $1 AND account_id = $2")
            .bind(id)
            .bind(account_id)
            .fetch_optional(ex)
            .await?;
    Ok(row.is_some())
}

/// Removes every notification and preference of an account (erasure).
pub async fn delete_for_account(
    tx: &mut crate::Tx,
    account_id: &AccountId,
) -> Result<u64, StoreError> {
    let mut removed = 0;
    for table in [
        "notifications",
        "notification_preferences",
        "email_digest_items",
    ] {
        let done = Query::new(format!("DELETE FROM {table} WHERE account_id = $1"))
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        removed += done;
    }
    Ok(removed)
}

/// The e-mail choices an account made, `(kind, mode)` (`immediate`, `digest`, `never`);
/// kinds never chosen are absent.
pub async fn preferences(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
) -> Result<Vec<(String, String)>, StoreError> {
    Query::new(
        "SELECT kind, COALESCE(mode, CASE WHEN email = 0 THEN 'never' ELSE 'immediate' END) \
         FROM notification_preferences WHERE account_id = $1 ORDER BY kind",
    )
    .bind(account_id)
    .fetch_all(ex)
    .await
}

/// Records how a kind is e-mailed to an account (`mode`: `immediate`, `digest`, `never`).
pub async fn set_preference(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
    kind: &str,
    mode: &str,
    at_ms: i64,
) -> Result<(), StoreError> {
    Query::new(
        "INSERT INTO notification_preferences (account_id, kind, email, mode, updated_at_ms) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id, kind) DO UPDATE SET \
         email = excluded.email, mode = excluded.mode, updated_at_ms = excluded.updated_at_ms",
    )
    .bind(account_id)
    .bind(kind)
    .bind(i64::from(mode != "never"))
    .bind(mode)
    .bind(at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

/// Records the first access of a pair; false if another request recorded it first.
pub async fn add_first_access(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
    professional_account_id: &AccountId,
    at_ms: i64,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "INSERT INTO first_accesses (patient_id, professional_account_id, first_at_ms, \
         last_told_at_ms) VALUES ($1, $2, $3, $3) \
         ON CONFLICT (patient_id, professional_account_id) DO NOTHING",
    )
    .bind(patient_id)
    .bind(professional_account_id)
    .bind(at_ms)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// Moves the pair's last told access from `told_at_ms` (what the caller read) to `at_ms`;
/// false if another request moved it first (that request tells the access).
pub async fn retell_access(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
    professional_account_id: &AccountId,
    told_at_ms: i64,
    at_ms: i64,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE first_accesses SET last_told_at_ms = $4 WHERE patient_id = $1 \
         AND professional_account_id = $2 \
         AND COALESCE(last_told_at_ms, first_at_ms) = $3",
    )
    .bind(patient_id)
    .bind(professional_account_id)
    .bind(told_at_ms)
    .bind(at_ms)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// Removes the first-access pairs and timers of a record (erasure).
pub async fn delete_for_patient(
    tx: &mut crate::Tx,
    patient_id: &PatientId,
) -> Result<u64, StoreError> {
    let mut removed = 0;
    for table in ["first_accesses", "timers"] {
        let done = Query::new(format!("DELETE FROM {table} WHERE patient_id = $1"))
            .bind(patient_id)
            .execute(&mut *tx)
            .await?;
        removed += done;
    }
    Ok(removed)
}
