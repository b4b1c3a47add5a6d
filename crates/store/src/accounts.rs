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
    /// The TOTP seed, sealed under the master key `totp_key_id` (`mds_vault::secret`); in
    /// clear only when `totp_key_id` is `None` (written by a version before sealing).
    pub totp_secret: Option<String>,
    pub totp_key_id: Option<String>,
    pub totp_confirmed: bool,
    pub totp_last_step: i64,
    pub state: AccountState,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

const COLUMNS: &str = "id, kind, login, display_name, email, password_hash, totp_secret, \
     totp_confirmed, totp_last_step, state, created_at_ms, updated_at_ms, totp_key_id";

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
            totp_key_id: r.get(12)?,
        })
    }
}

pub async fn insert(ex: impl Into<Ex<'_>>, row: &AccountRow) -> Result<(), StoreError> {
    Query::new(format!(
        "INSERT INTO accounts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
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
    .bind(&row.totp_key_id)
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

/// Sets an account's login and e-mail address (a patient's login is their address); false if
/// another account has this login.
pub async fn set_login_and_email(
    tx: &mut crate::Tx,
    id: &AccountId,
    login: &str,
    email: &str,
    at_ms: i64,
) -> Result<bool, StoreError> {
    let taken: Option<(String,)> =
        Query::new("SELECT id FROM accounts WHERE login = $1 AND id <> $2")
            .bind(login)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    if taken.is_some() {
        return Ok(false);
    }
    Query::new("UPDATE accounts SET login = $1, email = $2, updated_at_ms = $3 WHERE id = $4")
        .bind(login)
        .bind(email)
        .bind(at_ms)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(true)
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

/// A new second factor: the sealed seed and its key id, not yet confirmed or confirmed.
pub async fn set_totp(
    ex: impl Into<Ex<'_>>,
    id: &AccountId,
    sealed: &str,
    key_id: &str,
    confirmed: bool,
    now_ms: i64,
) -> Result<(), StoreError> {
    Query::new(
        "UPDATE accounts SET totp_secret = $1, totp_key_id = $2, totp_confirmed = $3, \
         totp_last_step = 0, updated_at_ms = $4 WHERE id = $5",
    )
    .bind(sealed)
    .bind(key_id)
    .bind(confirmed)
    .bind(now_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

/// The same seed sealed again (under another master key, or for the first time): written only
/// if the row still holds `previous`, so a second factor replaced meanwhile is left alone.
pub async fn reseal_totp(
    ex: impl Into<Ex<'_>>,
    id: &AccountId,
    previous: &str,
    sealed: &str,
    key_id: &str,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE accounts SET totp_secret = $1, totp_key_id = $2 WHERE id = $3 AND totp_secret = $4",
    )
    .bind(sealed)
    .bind(key_id)
    .bind(id)
    .bind(previous)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// A stored second factor, for re-sealing: account, stored value, its key id.
pub type StoredTotp = (AccountId, String, Option<String>);

/// The accounts with a second factor not sealed under `current` (in clear, or under an older
/// key), by id after `after`, `limit` at a time.
pub async fn totp_not_under(
    ex: impl Into<Ex<'_>>,
    current: &str,
    after: &str,
    limit: i64,
) -> Result<Vec<StoredTotp>, StoreError> {
    Query::new(
        "SELECT id, totp_secret, totp_key_id FROM accounts WHERE totp_secret IS NOT NULL \
         AND (totp_key_id IS NULL OR totp_key_id <> $1) AND id > $2 ORDER BY id LIMIT $3",
    )
    .bind(current)
    .bind(after)
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// How many second factors are stored in clear (written before sealing).
pub async fn totp_in_clear(ex: impl Into<Ex<'_>>) -> Result<i64, StoreError> {
    let row: (i64,) = Query::new(
        "SELECT COUNT(*) FROM accounts WHERE totp_secret IS NOT NULL AND totp_key_id IS NULL",
    )
    .fetch_one(ex)
    .await?;
    Ok(row.0)
}

/// Removes the second factor (support re-issues an enrolment after a lost phone): the account
/// cannot sign in until a new one is enrolled.
pub async fn clear_totp(
    ex: impl Into<Ex<'_>>,
    id: &AccountId,
    now_ms: i64,
) -> Result<(), StoreError> {
    Query::new(
        "UPDATE accounts SET totp_secret = NULL, totp_key_id = NULL, totp_confirmed = 0, \
         updated_at_ms = $1 WHERE id = $2",
    )
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

/// The name an account is shown by (a professional's, after the directory changed it).
/// The language the account reads in (migration 0027; French unless its holder chose English).
pub async fn language(
    ex: impl Into<Ex<'_>>,
    id: &AccountId,
) -> Result<mds_domain::Language, StoreError> {
    let code: Option<(String,)> = Query::new("SELECT language FROM accounts WHERE id = $1")
        .bind(id)
        .fetch_optional(ex)
        .await?;
    Ok(code
        .and_then(|(c,)| mds_domain::Language::parse(&c))
        .unwrap_or_default())
}

pub async fn set_language(
    ex: impl Into<Ex<'_>>,
    id: &AccountId,
    language: mds_domain::Language,
) -> Result<bool, StoreError> {
    let done = Query::new("UPDATE accounts SET language = $1 WHERE id = $2 AND language <> $1")
        .bind(language.code())
        .bind(id)
        .execute(ex)
        .await?;
    Ok(done == 1)
}

pub async fn set_display_name(
    ex: impl Into<Ex<'_>>,
    id: &AccountId,
    display_name: &str,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let done =
        Query::new("UPDATE accounts SET display_name = $1, updated_at_ms = $2 WHERE id = $3")
            .bind(display_name)
            .bind(now_ms)
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
    use crate::one_time::{count_failure, Table};
    count_failure(tx, Table::EnrolmentTokens, token_hash, max, now_ms).await
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
         totp_secret = NULL, totp_key_id = NULL, totp_confirmed = 0, state = $2, \
         updated_at_ms = $3 WHERE id = $4",
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
