//! Server-side sessions (web cookies and API bearer tokens share this table) and login
//! throttling counters. Session ids are stored hashed so a database leak yields no usable
//! session.

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError};
use mds_domain::{AccountId, AccountKind, AccountState, PatientId, Profession, StructureId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub id_hash: String,
    pub account_id: AccountId,
    /// `web`, `api`, or `pending:…` for a sign-in waiting for its second factor.
    pub channel: String,
    pub created_at_ms: i64,
    pub last_seen_ms: i64,
    pub expires_at_ms: i64,
    pub idle_timeout_ms: i64,
    pub ip: Option<String>,
    pub revoked_at_ms: Option<i64>,
}

const COLUMNS: &str = "s.id_hash, s.account_id, s.channel, s.created_at_ms, s.last_seen_ms, \
     s.expires_at_ms, s.idle_timeout_ms, s.ip, s.revoked_at_ms";

impl FromRow for SessionRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id_hash: r.get(0)?,
            account_id: r.get(1)?,
            channel: r.get(2)?,
            created_at_ms: r.get(3)?,
            last_seen_ms: r.get(4)?,
            expires_at_ms: r.get(5)?,
            idle_timeout_ms: r.get(6)?,
            ip: r.get(7)?,
            revoked_at_ms: r.get(8)?,
        })
    }
}

pub async fn insert(ex: impl Into<Ex<'_>>, s: &SessionRow) -> Result<(), StoreError> {
    Query::new(
        "INSERT INTO sessions (id_hash, account_id, channel, created_at_ms, last_seen_ms, \
         expires_at_ms, idle_timeout_ms, ip, revoked_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&s.id_hash)
    .bind(&s.account_id)
    .bind(&s.channel)
    .bind(s.created_at_ms)
    .bind(s.last_seen_ms)
    .bind(s.expires_at_ms)
    .bind(s.idle_timeout_ms)
    .bind(&s.ip)
    .bind(s.revoked_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn get(ex: impl Into<Ex<'_>>, id_hash: &str) -> Result<Option<SessionRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM sessions s WHERE s.id_hash = $1"
    ))
    .bind(id_hash)
    .fetch_optional(ex)
    .await
}

/// A session with everything authentication and the policy need of who acts: the account
/// and, for a professional or an assistant, the professional whose rights apply — read in ONE
/// statement, with the [`auth_epoch`] it was read at (in the same snapshot): while the epoch
/// has not moved, none of it changed, whoever wrote (any instance, an operator command).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionAccount {
    pub session: SessionRow,
    pub account_kind: AccountKind,
    pub account_state: AccountState,
    pub display_name: String,
    /// The professional the account acts as (itself) or for (an assistant's employer), with
    /// their policy facts; `None` for patients and support, and when that professional's
    /// account is not active (a suspended professional lends their rights to nobody).
    pub acting_professional: Option<ActingProfessional>,
    /// The record a legal representative chose to act for in this session (checked against
    /// the representations at each use: the policy decides).
    pub acting_for: Option<PatientId>,
    /// The [`auth_epoch`] of the snapshot this was read in.
    pub epoch: i64,
}

/// A professional's facts as the policy needs them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActingProfessional {
    pub account_id: AccountId,
    pub profession: Profession,
    pub samu_regulator: bool,
    /// The structure chosen for the session when they still work there, else their first in
    /// identifier order (as [`crate::directory::professional_facts`]).
    pub structure: Option<StructureId>,
    /// That structure's name.
    pub structure_name: Option<String>,
    /// How many structures they work in (more than one: they may choose).
    pub structure_count: i64,
}

impl FromRow for SessionAccount {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        let acting = match r.get::<Option<AccountId>>(12)? {
            Some(account_id) => Some(ActingProfessional {
                account_id,
                profession: r.get(13)?,
                samu_regulator: r.get(14)?,
                structure: r.get(15)?,
                structure_name: r.get(16)?,
                structure_count: r.get(17)?,
            }),
            None => None,
        };
        Ok(Self {
            session: SessionRow::from_row(r)?,
            account_kind: r.get(9)?,
            account_state: r.get(10)?,
            display_name: r.get(11)?,
            acting_professional: acting,
            acting_for: r.get(18)?,
            epoch: r.get(19)?,
        })
    }
}

pub async fn get_with_account(
    ex: impl Into<Ex<'_>>,
    id_hash: &str,
) -> Result<Option<SessionAccount>, StoreError> {
    // The acting professional: the account itself, or the professional an assistant works
    // for; found only while that professional's account is active. Every column read here
    // moves the authentication epoch when it changes (its triggers, migration 0032; the
    // store's test `auth_epoch` changes each one and checks that the epoch moved).
    Query::new(format!(
        "SELECT {COLUMNS}, a.kind, a.state, a.display_name, \
         p.account_id, p.profession, p.samu_regulator, ast.id, ast.name, \
         (SELECT COUNT(*) FROM professional_structures ps \
          WHERE ps.professional_account_id = p.account_id), s.acting_for_patient_id, \
         (SELECT e.value FROM auth_epoch e WHERE e.id = 1) \
         FROM sessions s JOIN accounts a ON a.id = s.account_id \
         LEFT JOIN assistants asst ON asst.account_id = s.account_id \
         LEFT JOIN accounts pa ON pa.id = COALESCE(asst.professional_account_id, s.account_id) \
         AND pa.state = 'active' \
         LEFT JOIN professionals p ON p.account_id = pa.id \
         LEFT JOIN structures ast ON ast.id = COALESCE( \
           (SELECT ps.structure_id FROM professional_structures ps \
            WHERE ps.professional_account_id = p.account_id \
            AND ps.structure_id = s.acting_structure_id), \
           (SELECT MIN(ps.structure_id) FROM professional_structures ps \
            WHERE ps.professional_account_id = p.account_id)) \
         WHERE s.id_hash = $1"
    ))
    .bind(id_hash)
    .fetch_optional(ex)
    .await
}

/// The authentication epoch: moved forward (by triggers, migration 0032) by every change to
/// what [`get_with_account`] reads, except a session's idle timer. An actor read at the same
/// epoch is still exact.
pub async fn auth_epoch(ex: impl Into<Ex<'_>>) -> Result<i64, StoreError> {
    let row: (i64,) = Query::new("SELECT value FROM auth_epoch WHERE id = 1")
        .fetch_one(ex)
        .await?;
    Ok(row.0)
}

/// The structure the session's professional acts from (checked by the caller: one of theirs).
pub async fn set_acting_structure(
    ex: impl Into<Ex<'_>>,
    id_hash: &str,
    structure: &StructureId,
) -> Result<bool, StoreError> {
    let done = Query::new("UPDATE sessions SET acting_structure_id = $1 WHERE id_hash = $2")
        .bind(structure)
        .bind(id_hash)
        .execute(ex)
        .await?;
    Ok(done == 1)
}

/// The record the session's representative acts for (`None`: their own again).
pub async fn set_acting_for(
    ex: impl Into<Ex<'_>>,
    id_hash: &str,
    patient: Option<&PatientId>,
) -> Result<bool, StoreError> {
    let done = Query::new("UPDATE sessions SET acting_for_patient_id = $1 WHERE id_hash = $2")
        .bind(patient)
        .bind(id_hash)
        .execute(ex)
        .await?;
    Ok(done == 1)
}

/// Sessions of `account` acting for `patient` go back to the account's own record (the
/// representation ended).
pub async fn forget_acting_for(
    ex: impl Into<Ex<'_>>,
    account: &AccountId,
    patient: &PatientId,
) -> Result<u64, StoreError> {
    Query::new(
        "UPDATE sessions SET acting_for_patient_id = NULL \
         WHERE account_id = $1 AND acting_for_patient_id = $2",
    )
    .bind(account)
    .bind(patient)
    .execute(ex)
    .await
}

pub async fn touch(ex: impl Into<Ex<'_>>, id_hash: &str, now_ms: i64) -> Result<(), StoreError> {
    Query::new("UPDATE sessions SET last_seen_ms = $1 WHERE id_hash = $2")
        .bind(now_ms)
        .bind(id_hash)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn revoke(ex: impl Into<Ex<'_>>, id_hash: &str, now_ms: i64) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE sessions SET revoked_at_ms = $1 WHERE id_hash = $2 AND revoked_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(id_hash)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// Ends every session of an account at once (suspension, password change).
pub async fn revoke_all(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
    now_ms: i64,
) -> Result<u64, StoreError> {
    let done = Query::new(
        "UPDATE sessions SET revoked_at_ms = $1 WHERE account_id = $2 AND revoked_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(account_id)
    .execute(ex)
    .await?;
    Ok(done)
}

/// Ends every session of an account but the one whose hash is `keep` (a password change made
/// in that session).
pub async fn revoke_others(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
    keep: &str,
    now_ms: i64,
) -> Result<u64, StoreError> {
    Query::new(
        "UPDATE sessions SET revoked_at_ms = $1 WHERE account_id = $2 AND id_hash <> $3 \
         AND revoked_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(account_id)
    .bind(keep)
    .execute(ex)
    .await
}

/// Deletes sessions that ended (revoked or expired) before `before_ms`.
pub async fn purge(ex: impl Into<Ex<'_>>, before_ms: i64) -> Result<u64, StoreError> {
    let done = Query::new("DELETE FROM sessions WHERE expires_at_ms < $1 OR revoked_at_ms < $1")
        .bind(before_ms)
        .execute(ex)
        .await?;
    Ok(done)
}

/// A counter of `auth_throttle`: failures (or attempts) counted for a key since
/// `window_start_ms`, the last one, a lock (per pending sign-in) and when the account's owner
/// was last told (per login). Times are milliseconds; 0 is "never".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Throttle {
    pub failures: i64,
    pub window_start_ms: i64,
    pub locked_until_ms: i64,
    pub last_failure_ms: i64,
    pub notified_at_ms: i64,
}

pub async fn throttle_get(
    ex: impl Into<Ex<'_>>,
    key: &str,
) -> Result<Option<Throttle>, StoreError> {
    let row: Option<(i64, i64, i64, i64, i64)> = Query::new(
        "SELECT failures, window_start_ms, locked_until_ms, last_failure_ms, notified_at_ms \
         FROM auth_throttle WHERE throttle_key = $1",
    )
    .bind(key)
    .fetch_optional(ex)
    .await?;
    Ok(row.map(
        |(failures, window_start_ms, locked_until_ms, last_failure_ms, notified_at_ms)| Throttle {
            failures,
            window_start_ms,
            locked_until_ms,
            last_failure_ms,
            notified_at_ms,
        },
    ))
}

pub async fn throttle_put(ex: impl Into<Ex<'_>>, key: &str, t: Throttle) -> Result<(), StoreError> {
    Query::new(
        "INSERT INTO auth_throttle (throttle_key, failures, window_start_ms, locked_until_ms, \
         last_failure_ms, notified_at_ms) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (throttle_key) DO UPDATE SET \
         failures = excluded.failures, window_start_ms = excluded.window_start_ms, \
         locked_until_ms = excluded.locked_until_ms, last_failure_ms = excluded.last_failure_ms, \
         notified_at_ms = excluded.notified_at_ms",
    )
    .bind(key)
    .bind(t.failures)
    .bind(t.window_start_ms)
    .bind(t.locked_until_ms)
    .bind(t.last_failure_ms)
    .bind(t.notified_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn throttle_clear(ex: impl Into<Ex<'_>>, key: &str) -> Result<(), StoreError> {
    Query::new("DELETE FROM auth_throttle WHERE throttle_key = $1")
        .bind(key)
        .execute(ex)
        .await?;
    Ok(())
}

/// Deletes the throttle counters whose window started and whose lock ended before
/// `before_ms`: they no longer count (windows and locks are far shorter than the margin the
/// caller keeps), and per-sign-in counters would otherwise stay forever.
pub async fn throttle_purge(ex: impl Into<Ex<'_>>, before_ms: i64) -> Result<u64, StoreError> {
    let done = Query::new(
        "DELETE FROM auth_throttle WHERE window_start_ms < $1 AND locked_until_ms < $1 \
             AND last_failure_ms < $1",
    )
    .bind(before_ms)
    .execute(ex)
    .await?;
    Ok(done)
}
