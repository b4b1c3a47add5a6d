//! Account rows: credentials and life-cycle state. Hashing and checking passwords is the
//! caller's job (`mds-app`); this module only stores what it is given.

use crate::{flag, StoreError};
use sqlx::{Any, Executor};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountRow {
    pub id: String,
    pub kind: String,
    pub login: String,
    pub display_name: String,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_confirmed: bool,
    pub totp_last_step: i64,
    pub state: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

type Tuple = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    i64,
    String,
    i64,
    i64,
);

const COLUMNS: &str = "id, kind, login, display_name, email, password_hash, totp_secret, \
     totp_confirmed, totp_last_step, state, created_at_ms, updated_at_ms";

fn from_tuple(t: Tuple) -> AccountRow {
    AccountRow {
        id: t.0,
        kind: t.1,
        login: t.2,
        display_name: t.3,
        email: t.4,
        password_hash: t.5,
        totp_secret: t.6,
        totp_confirmed: t.7 != 0,
        totp_last_step: t.8,
        state: t.9,
        created_at_ms: t.10,
        updated_at_ms: t.11,
    }
}

pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    row: &AccountRow,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO accounts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(&row.id)
    .bind(&row.kind)
    .bind(&row.login)
    .bind(&row.display_name)
    .bind(&row.email)
    .bind(&row.password_hash)
    .bind(&row.totp_secret)
    .bind(flag(row.totp_confirmed))
    .bind(row.totp_last_step)
    .bind(&row.state)
    .bind(row.created_at_ms)
    .bind(row.updated_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn by_login<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    login: &str,
) -> Result<Option<AccountRow>, StoreError> {
    let row: Option<Tuple> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM accounts WHERE login = $1"))
            .bind(login)
            .fetch_optional(ex)
            .await?;
    Ok(row.map(from_tuple))
}

pub async fn by_id<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
) -> Result<Option<AccountRow>, StoreError> {
    let row: Option<Tuple> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"))
            .bind(id)
            .fetch_optional(ex)
            .await?;
    Ok(row.map(from_tuple))
}

pub async fn set_password<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    password_hash: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE accounts SET password_hash = $1, updated_at_ms = $2 WHERE id = $3")
        .bind(password_hash)
        .bind(now_ms)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn set_totp<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    secret: &str,
    confirmed: bool,
    now_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE accounts SET totp_secret = $1, totp_confirmed = $2, totp_last_step = 0, \
         updated_at_ms = $3 WHERE id = $4",
    )
    .bind(secret)
    .bind(flag(confirmed))
    .bind(now_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Records that the TOTP code of `step` was used. Returns false when that step (or a later
/// one) was already used: the compare-and-set in SQL makes replay refusal atomic even with
/// two concurrent logins.
pub async fn consume_totp_step<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    step: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE accounts SET totp_last_step = $1, totp_confirmed = 1 \
         WHERE id = $2 AND totp_last_step < $1",
    )
    .bind(step)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_state<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    state: &str,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE accounts SET state = $1, updated_at_ms = $2 WHERE id = $3")
        .bind(state)
        .bind(now_ms)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// One-time enrolment tokens (stored hashed) let a new account choose its password and
/// second factor.
pub async fn insert_enrolment_token<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    token_hash: &str,
    account_id: &str,
    expires_at_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO enrolment_tokens (token_hash, account_id, expires_at_ms) VALUES ($1, $2, $3)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(expires_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

/// The account of an unused, unexpired enrolment token.
pub async fn enrolment_token_account<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    token_hash: &str,
    now_ms: i64,
) -> Result<Option<String>, StoreError> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT account_id FROM enrolment_tokens \
         WHERE token_hash = $1 AND used_at_ms IS NULL AND expires_at_ms > $2",
    )
    .bind(token_hash)
    .bind(now_ms)
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|r| r.0))
}

pub async fn use_enrolment_token<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    token_hash: &str,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE enrolment_tokens SET used_at_ms = $1 WHERE token_hash = $2 AND used_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(token_hash)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes every personal datum and credential of an account and frees its login (closed or
/// erased patient accounts, rejected enrolments): the row stays for the audit trail.
pub async fn scrub<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    state: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE accounts SET login = $1, display_name = '', email = NULL, password_hash = NULL, \
         totp_secret = NULL, totp_confirmed = 0, state = $2, updated_at_ms = $3 WHERE id = $4",
    )
    .bind(format!("{state}:{id}"))
    .bind(state)
    .bind(now_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Spends every unused enrolment token of an account (suspension): none can be used any
/// more, even after a reactivation.
pub async fn spend_enrolment_tokens<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    account_id: &str,
    now_ms: i64,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE enrolment_tokens SET used_at_ms = $1 WHERE account_id = $2 AND used_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(account_id)
    .execute(ex)
    .await?;
    Ok(done.rows_affected())
}
