//! In-app notifications, the e-mail preferences of an account and the (patient,
//! professional) pairs already notified of a first access. Rows, not rules: which kinds may be
//! switched off and what the texts say is decided by `mds-app`.

use crate::{flag, StoreError};
use sqlx::{Any, Executor};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotificationRow {
    pub id: String,
    pub account_id: String,
    pub kind: String,
    pub text: String,
    pub created_at_ms: i64,
    pub read_at_ms: Option<i64>,
}

type Tuple = (String, String, String, String, i64, Option<i64>);

pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    n: &NotificationRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO notifications (id, account_id, kind, text, created_at_ms, read_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&n.id)
    .bind(&n.account_id)
    .bind(&n.kind)
    .bind(&n.text)
    .bind(n.created_at_ms)
    .bind(n.read_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

/// A page of an account's notifications, newest first.
pub async fn for_account<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    account_id: &str,
    unread_only: bool,
    limit: i64,
    offset: i64,
) -> Result<Vec<NotificationRow>, StoreError> {
    let rows: Vec<Tuple> = sqlx::query_as(
        "SELECT id, account_id, kind, text, created_at_ms, read_at_ms FROM notifications \
         WHERE account_id = $1 AND ($2 = 0 OR read_at_ms IS NULL) \
         ORDER BY created_at_ms DESC, id LIMIT $3 OFFSET $4",
    )
    .bind(account_id)
    .bind(flag(unread_only))
    .bind(limit)
    .bind(offset)
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|t| NotificationRow {
            id: t.0,
            account_id: t.1,
            kind: t.2,
            text: t.3,
            created_at_ms: t.4,
            read_at_ms: t.5,
        })
        .collect())
}

/// `(all, unread)` notifications of an account.
pub async fn counts<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    account_id: &str,
) -> Result<(i64, i64), StoreError> {
    let row: (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN read_at_ms IS NULL THEN 1 ELSE 0 END), 0) \
         FROM notifications WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_one(ex)
    .await?;
    Ok(row)
}

/// Marks one notification of the account read; false if unknown, another account's, or
/// already read.
pub async fn mark_read<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    account_id: &str,
    id: &str,
    at_ms: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE notifications SET read_at_ms = $1 \
         WHERE id = $2 AND account_id = $3 AND read_at_ms IS NULL",
    )
    .bind(at_ms)
    .bind(id)
    .bind(account_id)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn exists<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    account_id: &str,
    id: &str,
) -> Result<bool, StoreError> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT 1 FROM notifications WHERE id = $1 AND account_id = $2")
            .bind(id)
            .bind(account_id)
            .fetch_optional(ex)
            .await?;
    Ok(row.is_some())
}

/// Removes every notification and preference of an account (erasure).
pub async fn delete_for_account(tx: &mut crate::Tx, account_id: &str) -> Result<u64, StoreError> {
    let mut removed = 0;
    for table in ["notifications", "notification_preferences"] {
        let done = sqlx::query(&format!("DELETE FROM {table} WHERE account_id = $1"))
            .bind(account_id)
            .execute(&mut **tx)
            .await?;
        removed += done.rows_affected();
    }
    Ok(removed)
}

/// The e-mail choices an account made, `(kind, email)`; kinds never chosen are absent.
pub async fn preferences<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    account_id: &str,
) -> Result<Vec<(String, bool)>, StoreError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, email FROM notification_preferences WHERE account_id = $1 ORDER BY kind",
    )
    .bind(account_id)
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|(k, e)| (k, e != 0)).collect())
}

pub async fn set_preference<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    account_id: &str,
    kind: &str,
    email: bool,
    at_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO notification_preferences (account_id, kind, email, updated_at_ms) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, kind) DO UPDATE SET \
         email = excluded.email, updated_at_ms = excluded.updated_at_ms",
    )
    .bind(account_id)
    .bind(kind)
    .bind(flag(email))
    .bind(at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

/// Whether the professional already accessed the record (and the patient was told).
pub async fn has_first_access<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    patient_id: &str,
    professional_account_id: &str,
) -> Result<bool, StoreError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT 1 FROM first_accesses WHERE patient_id = $1 AND professional_account_id = $2",
    )
    .bind(patient_id)
    .bind(professional_account_id)
    .fetch_optional(ex)
    .await?;
    Ok(row.is_some())
}

/// Records the first access of a pair; false if another request recorded it first.
pub async fn add_first_access<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    patient_id: &str,
    professional_account_id: &str,
    at_ms: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO first_accesses (patient_id, professional_account_id, first_at_ms) \
         VALUES ($1, $2, $3) ON CONFLICT (patient_id, professional_account_id) DO NOTHING",
    )
    .bind(patient_id)
    .bind(professional_account_id)
    .bind(at_ms)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes the first-access pairs and timers of a record (erasure).
pub async fn delete_for_patient(tx: &mut crate::Tx, patient_id: &str) -> Result<u64, StoreError> {
    let mut removed = 0;
    for table in ["first_accesses", "timers"] {
        let done = sqlx::query(&format!("DELETE FROM {table} WHERE patient_id = $1"))
            .bind(patient_id)
            .execute(&mut **tx)
            .await?;
        removed += done.rows_affected();
    }
    Ok(removed)
}
