//! The durable e-mail outbox: rows written in the transaction of the action that causes them,
//! picked by the delivery job, marked sent once the SMTP server accepted them, retried with
//! backoff, and marked failed after too many attempts (left for operators to see). With
//! several instances, a row is claimed (`claim_next`) before it is sent, so each instance
//! sends different rows.

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError};
use mds_domain::AccountId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailRow {
    /// The delivery id, also the Message-ID of the e-mail.
    pub id: String,
    pub account_id: Option<AccountId>,
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

impl EmailRow {
    /// A new e-mail to send from `now_ms`, not yet tried.
    pub fn queued(
        account_id: Option<AccountId>,
        recipient: String,
        kind: String,
        subject: String,
        body: String,
        now_ms: i64,
    ) -> Self {
        Self {
            id: crate::new_id(),
            account_id,
            recipient,
            kind,
            subject,
            body,
            attempts: 0,
            next_attempt_at_ms: now_ms,
            created_at_ms: now_ms,
            sent_at_ms: None,
            failed_at_ms: None,
            last_error: None,
        }
    }
}

const COLUMNS: &str = "id, account_id, recipient, kind, subject, body, attempts, \
     next_attempt_at_ms, created_at_ms, sent_at_ms, failed_at_ms, last_error";

impl FromRow for EmailRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            account_id: r.get(1)?,
            recipient: r.get(2)?,
            kind: r.get(3)?,
            subject: r.get(4)?,
            body: r.get(5)?,
            attempts: r.get(6)?,
            next_attempt_at_ms: r.get(7)?,
            created_at_ms: r.get(8)?,
            sent_at_ms: r.get(9)?,
            failed_at_ms: r.get(10)?,
            last_error: r.get(11)?,
        })
    }
}

pub async fn insert(ex: impl Into<Ex<'_>>, e: &EmailRow) -> Result<(), StoreError> {
    Query::new(format!(
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

/// Claims the oldest due e-mail that no other delivery holds, until `until_ms`: the caller
/// sends it, then marks it sent or failed. Run in a transaction from [`crate::Db::begin`],
/// which serialises the claims of every instance, so a row has one holder at a time; a
/// holder that dies leaves the claim to expire, and the row is claimed again after it.
pub async fn claim_next(
    ex: impl Into<Ex<'_>>,
    now_ms: i64,
    until_ms: i64,
) -> Result<Option<EmailRow>, StoreError> {
    const FREE: &str = "sent_at_ms IS NULL AND failed_at_ms IS NULL AND next_attempt_at_ms <= $1 \
         AND (claimed_until_ms IS NULL OR claimed_until_ms <= $1)";
    Query::new(format!(
        "UPDATE email_outbox SET claimed_until_ms = $2 WHERE id = (SELECT id FROM email_outbox \
         WHERE {FREE} ORDER BY next_attempt_at_ms, created_at_ms, id LIMIT 1) AND {FREE} \
         RETURNING {COLUMNS}"
    ))
    .bind(now_ms)
    .bind(until_ms)
    .fetch_optional(ex)
    .await
}

/// Every row, oldest first (operators and tests).
pub async fn all(ex: impl Into<Ex<'_>>) -> Result<Vec<EmailRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM email_outbox ORDER BY created_at_ms, id"
    ))
    .fetch_all(ex)
    .await
}

/// Marks a row sent; false if it already was (another delivery won).
pub async fn mark_sent(ex: impl Into<Ex<'_>>, id: &str, at_ms: i64) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE email_outbox SET sent_at_ms = $1, attempts = attempts + 1, last_error = NULL \
         WHERE id = $2 AND sent_at_ms IS NULL",
    )
    .bind(at_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// Records a failed attempt: the next one at `next_attempt_at_ms`, or none (`failed_at_ms`).
pub async fn mark_attempt_failed(
    ex: impl Into<Ex<'_>>,
    id: &str,
    next_attempt_at_ms: i64,
    failed_at_ms: Option<i64>,
    error: &str,
) -> Result<(), StoreError> {
    Query::new(
        "UPDATE email_outbox SET attempts = attempts + 1, next_attempt_at_ms = $1, \
         failed_at_ms = $2, last_error = $3, claimed_until_ms = NULL \
         WHERE id = $4 AND sent_at_ms IS NULL",
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
pub async fn counts(ex: impl Into<Ex<'_>>) -> Result<(i64, i64, i64), StoreError> {
    let row: (i64, i64, i64) = Query::new(
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
