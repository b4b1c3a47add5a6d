//! Account rows: credentials and life-cycle state. Hashing and checking passwords is the
//! caller's job (`mds-app`); this module only stores what it is given.

use crate::sql::{FromRow, Row};
use crate::StoreError;
use crate::{Ex, Query, Tx};
use mds_domain::{AccountId, AccountKind, AccountState};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountRow {
    pub id: AccountId,
    pub kind: AccountKind,
    pub login: String,
    pub display_name: String,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_confirmed: bool,
    pub totp_last_step: i64,
    pub state: AccountState,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

const COLUMNS: &str = "id, kind, login, display_name, email, password_hash, totp_secret, \
     totp_confirmed, totp_last_step, state, created_at_ms, updated_at_ms";

impl FromRow for AccountRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            kind: r.get(1)?,
            login: r.get(2)?,
            display_name: r.get(3)?,
            email: r.get(4)?,
            password_hash: r.get(5)?,
            totp_secret: r.get(6)?,
            totp_confirmed: r.get(7)?,
            totp_last_step: r.get(8)?,
            state: r.get(9)?,
            created_at_ms: r.get(10)?,
            updated_at_ms: r.get(11)?,
        })
    }
}

pub async fn insert(ex: impl Into<Ex<'_>>, row: &AccountRow) -> Result<(), StoreError> {
    Query::new(format!(
        "INSERT INTO accounts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(&row.id)
    .bind(row.kind)
    .bind(&row.login)
    .bind(&row.display_name)
    .bind(&row.email)
    .bind(&row.password_hash)
    .bind(&row.totp_secret)
    .bind(row.totp_confirmed)
    .bind(row.totp_last_step)
    .bind(row.state)
    .bind(row.created_at_ms)
    .bind(row.updated_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn by_login(
    ex: impl Into<Ex<'_>>,
    login: &str,
) -> Result<Option<AccountRow>, StoreError> {
    Query::new(format!("SELECT {COLUMNS} FROM accounts WHERE login = $1"))
        .bind(login)
        .fetch_optional(ex)
        .await
}

pub async fn by_id(
    ex: impl Into<Ex<'_>>,
    id: &AccountId,
) -> Result<Option<AccountRow>, StoreError> {
    Query::new(format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

pub async fn set_password(
    ex: impl Into<Ex<'_>>,
    id: &AccountId,
    password_hash: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    Query::new("UPDATE accounts SET password_hash = $1, updated_at_ms = $2 WHERE id = $3")
        .bind(password_hash)
        .bind(now_ms)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn set_totp(
    ex: impl Into<Ex<'_>>,
    id: &AccountId,
    secret: &str,
    confirmed: bool,
    now_ms: i64,
) -> Result<(), StoreError> {
    Query::new(
        "UPDATE accounts SET totp_secret = $1, totp_confirmed = $2, totp_last_step = 0, \
         updated_at_ms = $3 WHERE id = $4",
    )
    .bind(secret)
    .bind(confirmed)
    .bind(now_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Records that the TOTP code of `step` was used. Returns false when that step (or a later
/// one) was already used: the compare-and-set in SQL makes replay refusal atomic even with
/// two concurrent logins.
pub async fn consume_totp_step(
    ex: impl Into<Ex<'_>>,
    id: &AccountId,
    step: i64,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE accounts SET totp_last_step = $1, totp_confirmed = 1 \
         WHERE id = $2 AND totp_last_step < $1",
    )
    .bind(step)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

pub async fn set_state(
    ex: impl Into<Ex<'_>>,
    id: &AccountId,
    state: AccountState,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let done = Query::new("UPDATE accounts SET state = $1, updated_at_ms = $2 WHERE id = $3")
        .bind(state)
        .bind(now_ms)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(done == 1)
}

/// One-time enrolment tokens (stored hashed) let a new account choose its password and
/// second factor.
/// Stores a new activation code: its `selector` names the row, `token_hash` is the hash of
/// the rest (see `mds_domain::enrolment_code`).
pub async fn insert_enrolment_token(
    ex: impl Into<Ex<'_>>,
    selector: &str,
    token_hash: &str,
    account_id: &AccountId,
    expires_at_ms: i64,
) -> Result<(), StoreError> {
    Query::new(
        "INSERT INTO enrolment_tokens (selector, token_hash, account_id, expires_at_ms) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(selector)
    .bind(token_hash)
    .bind(account_id)
    .bind(expires_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

/// An unused, unexpired activation code, found by its selector.
#[derive(Clone, Debug)]
pub struct LiveEnrolmentCode {
    pub token_hash: String,
    pub account_id: AccountId,
    pub failed_attempts: i64,
}

/// The live code of a selector (at most one: issuing draws another selector while one is live).
pub async fn live_enrolment_code(
    ex: impl Into<Ex<'_>>,
    selector: &str,
    now_ms: i64,
) -> Result<Option<LiveEnrolmentCode>, StoreError> {
    let row: Option<(String, AccountId, i64)> = Query::new(
        "SELECT token_hash, account_id, failed_attempts FROM enrolment_tokens \
         WHERE selector = $1 AND used_at_ms IS NULL AND expires_at_ms > $2 \
         ORDER BY expires_at_ms DESC LIMIT 1",
    )
    .bind(selector)
    .bind(now_ms)
    .fetch_optional(ex)
    .await?;
    Ok(row.map(
        |(token_hash, account_id, failed_attempts)| LiveEnrolmentCode {
            token_hash,
            account_id,
            failed_attempts,
        },
    ))
}

/// Counts one wrong code against the row `token_hash`, spending it when the count reaches
/// `max`. Returns the count after this failure (0: the row was no longer live).
pub async fn fail_enrolment_code(
    tx: &mut Tx,
    token_hash: &str,
    max: i64,
    now_ms: i64,
) -> Result<i64, StoreError> {
    let done = Query::new(
        "UPDATE enrolment_tokens SET failed_attempts = failed_attempts + 1, \
         used_at_ms = CASE WHEN failed_attempts + 1 >= $1 THEN $2 ELSE used_at_ms END \
         WHERE token_hash = $3 AND used_at_ms IS NULL",
    )
    .bind(max)
    .bind(now_ms)
    .bind(token_hash)
    .execute(&mut *tx)
    .await?;
    if done == 0 {
        return Ok(0);
    }
    let row: (i64,) =
        Query::new("SELECT failed_attempts FROM enrolment_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_one(&mut *tx)
            .await?;
    Ok(row.0)
}

pub async fn use_enrolment_token(
    ex: impl Into<Ex<'_>>,
    token_hash: &str,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE enrolment_tokens SET used_at_ms = $1 WHERE token_hash = $2 AND used_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(token_hash)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// Removes every personal datum and credential of an account and frees its login (closed or
/// erased patient accounts, rejected enrolments): the row stays for the audit trail.
pub async fn scrub(
    ex: impl Into<Ex<'_>>,
    id: &AccountId,
    state: AccountState,
    now_ms: i64,
) -> Result<(), StoreError> {
    Query::new(
        "UPDATE accounts SET login = $1, display_name = '', email = NULL, password_hash = NULL, \
         totp_secret = NULL, totp_confirmed = 0, state = $2, updated_at_ms = $3 WHERE id = $4",
    )
    .bind(format!("{}:{id}", state.as_str()))
    .bind(state)
    .bind(now_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Spends every unused enrolment token of an account (suspension): none can be used any
/// more, even after a reactivation.
pub async fn spend_enrolment_tokens(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
    now_ms: i64,
) -> Result<u64, StoreError> {
    let done = Query::new(
        "UPDATE enrolment_tokens SET used_at_ms = $1 WHERE account_id = $2 AND used_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(account_id)
    .execute(ex)
    .await?;
    Ok(done)
}
