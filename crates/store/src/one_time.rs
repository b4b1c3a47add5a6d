//! What the tables of one-time secrets share (activation codes, password-reset links): a row
//! named by its token's hash, live while unused, whose wrong attempts are counted and which is
//! spent when the count reaches the limit.

use crate::{Query, StoreError, Tx};

/// The tables of one-time secrets; a name here is never built from input.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Table {
    EnrolmentTokens,
    PasswordResets,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::EnrolmentTokens => "enrolment_tokens",
            Table::PasswordResets => "password_resets",
        }
    }
}

/// Counts one wrong attempt against the live row `token_hash`, spending it when the count
/// reaches `max`. Returns the count after this failure (0: the row was no longer live).
pub(crate) async fn count_failure(
    tx: &mut Tx,
    table: Table,
    token_hash: &str,
    max: i64,
    now_ms: i64,
) -> Result<i64, StoreError> {
    let name = table.name();
    let done = Query::new(format!(
        "UPDATE {name} SET failed_attempts = failed_attempts + 1, \
         used_at_ms = CASE WHEN failed_attempts + 1 >= $1 THEN $2 ELSE used_at_ms END \
         WHERE token_hash = $3 AND used_at_ms IS NULL"
    ))
    .bind(max)
    .bind(now_ms)
    .bind(token_hash)
    .execute(&mut *tx)
    .await?;
    if done == 0 {
        return Ok(0);
    }
    let row: (i64,) = Query::new(format!(
        "SELECT failed_attempts FROM {name} WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_one(&mut *tx)
    .await?;
    Ok(row.0)
}
