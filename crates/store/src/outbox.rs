//! The durable e-mail outbox: rows written in the transaction of the action that causes them,
//! picked by the delivery job, marked sent once the SMTP server accepted them, retried with
//! backoff, and marked failed after too many attempts (left for operators to see).

use crate::StoreError;
use sqlx::{Any, Executor};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailRow {
    /// The delivery id, also the Message-ID of the e-mail.
    pub id: String,
    pub account_id: Option<String>,
    pub recipient: String,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
    pub next_attempt_at_ms: i64,
    pub created_at_ms: i64,
    pub sent_at_ms: Option<i64>,
    pub failed_at_ms: Option<i64>,
    pub last_error: Option<String>,
}

const COLUMNS: &str = "id, account_id, recipient, kind, subject, body, attempts, \
     next_attempt_at_ms, created_at_ms, sent_at_ms, failed_at_ms, last_error";

fn from_row(r: &sqlx::any::AnyRow) -> Result<EmailRow, StoreError> {
    use sqlx::Row;
    Ok(EmailRow {
        id: r.try_get(0)?,
        account_id: r.try_get(1)?,
        recipient: r.try_get(2)?,
        kind: r.try_get(3)?,
        subject: r.try_get(4)?,
        body: r.try_get(5)?,
        attempts: r.try_get(6)?,
        next_attempt_at_ms: r.try_get(7)?,
        created_at_ms: r.try_get(8)?,
        sent_at_ms: r.try_get(9)?,
        failed_at_ms: r.try_get(10)?,
        last_error: r.try_get(11)?,
    })
}

pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    e: &EmailRow,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO email_outbox ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12)"
    ))
    .bind(&e.id)
    .bind(&e.account_id)
    .bind(&e.recipient)
    .bind(&e.kind)
    .bind(&e.subject)
    .bind(&e.body)
    .bind(e.attempts)
    .bind(e.next_attempt_at_ms)
    .bind(e.created_at_ms)
    .bind(e.sent_at_ms)
    .bind(e.failed_at_ms)
    .bind(&e.last_error)
    .execute(ex)
    .await?;
    Ok(())
}

/// E-mails still to send whose next attempt is due, oldest first.
pub async fn due<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    now_ms: i64,
    limit: i64,
) -> Result<Vec<EmailRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM email_outbox WHERE sent_at_ms IS NULL AND failed_at_ms IS NULL \
         AND next_attempt_at_ms <= $1 ORDER BY next_attempt_at_ms, created_at_ms, id LIMIT $2"
    ))
    .bind(now_ms)
    .bind(limit)
    .fetch_all(ex)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Every row, oldest first (operators and tests).
pub async fn all<'e, E: Executor<'e, Database = Any>>(ex: E) -> Result<Vec<EmailRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM email_outbox ORDER BY created_at_ms, id"
    ))
    .fetch_all(ex)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Marks a row sent; false if it already was (another delivery won).
pub async fn mark_sent<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    at_ms: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE email_outbox SET sent_at_ms = $1, attempts = attempts + 1, last_error = NULL \
         WHERE id = $2 AND sent_at_ms IS NULL",
    )
    .bind(at_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a failed attempt: the next one at `next_attempt_at_ms`, or none (`failed_at_ms`).
pub async fn mark_attempt_failed<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    next_attempt_at_ms: i64,
    failed_at_ms: Option<i64>,
    error: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE email_outbox SET attempts = attempts + 1, next_attempt_at_ms = $1, \
         failed_at_ms = $2, last_error = $3 WHERE id = $4 AND sent_at_ms IS NULL",
    )
    .bind(next_attempt_at_ms)
    .bind(failed_at_ms)
    .bind(error)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

/// `(pending, sent, failed)` rows, for operators.
pub async fn counts<'e, E: Executor<'e, Database = Any>>(
    ex: E,
) -> Result<(i64, i64, i64), StoreError> {
    let row: (i64, i64, i64) = sqlx::query_as(
        "SELECT \
         COALESCE(SUM(CASE WHEN sent_at_ms IS NULL AND failed_at_ms IS NULL THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN sent_at_ms IS NOT NULL THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN failed_at_ms IS NOT NULL THEN 1 ELSE 0 END), 0) \
         FROM email_outbox",
    )
    .fetch_one(ex)
    .await?;
    Ok(row)
}
