//! The portals' two-step sign-in, as national online services do it: login and password
//! first; then only the authenticator's code (or one of the account's passkeys: `passkeys`),
//! bound server-side to the first step.
//!
//! The first step leaves a pending sign-in in the session store: a row of `sessions` whose
//! channel is `pending:<channel>`, short-lived (`PENDING_SECONDS`), known to the browser only
//! by a random token (its hash is stored), which `authenticate` never accepts as a session.
//! The second step takes that token and a code: at most `CODE_ATTEMPTS` codes per pending
//! sign-in, a wrong one also counted against the (login, address), the login and the address
//! as a one-step sign-in's failure is (`accounts::throttle`), and none checked while the
//! throttle asks to wait;
//! the pending sign-in is ended in the transaction that opens the session (single use).

use super::sign_in::{auth_event, Channel, NewSession};
use super::throttle::AttemptKeys;
use crate::secrets::{random_token, token_hash};
use crate::{App, AppError};
use mds_audit::Outcome;
use mds_domain::Timestamp;
use mds_store::{accounts, sessions};

/// How long the code may be given after the password (seconds).
pub const PENDING_SECONDS: i64 = 300;
/// Codes tried per pending sign-in; after the last wrong one, the sign-in starts over.
pub const CODE_ATTEMPTS: i64 = 3;

const PENDING: &str = "pending:";

/// The first step: who signs in, with which password, from where, for which channel.
#[derive(Clone, Debug)]
pub struct PasswordStep {
    pub login: String,
    pub password: String,
    pub ip: Option<String>,
    pub channel: Channel,
}

/// A sign-in waiting for its code. The token is returned once and only its hash is stored.
#[derive(Clone, Debug)]
pub struct PendingSignIn {
    pub token: String,
    pub expires_at: Timestamp,
}

/// The second step: the pending sign-in's token and the authenticator's code.
#[derive(Clone, Debug)]
pub struct CodeStep {
    pub pending_token: String,
    pub totp_code: String,
    pub ip: Option<String>,
}

/// The second step with a passkey: the pending sign-in's token and the browser's answer to
/// the ceremony [`App::start_passkey_sign_in`] began (the JSON of its `PublicKeyCredential`).
#[derive(Clone, Debug)]
pub struct PasskeyStep {
    pub pending_token: String,
    pub credential: String,
    pub ip: Option<String>,
}

/// What proves the second factor.
enum Factor<'a> {
    Code(&'a str),
    Passkey(&'a str),
}

impl Factor<'_> {
    fn name(&self) -> &'static str {
        match self {
            Factor::Code(_) => "code",
            Factor::Passkey(_) => "passkey",
        }
    }
}

impl App {
    /// First step: login and password (and an account that may sign in, with a confirmed
    /// second factor). Every failure is the same `InvalidCredentials` as a one-step sign-in,
    /// under the same throttles. Leaves a pending sign-in, audited as `auth.password`.
    pub async fn sign_in_password(
        &self,
        req: PasswordStep,
        now: Timestamp,
    ) -> Result<PendingSignIn, AppError> {
        let (account, kind, keys) = self
            .verified_account(&req.login, &req.password, None, &req.ip, now)
            .await?;
        self.settle_success(&keys, true, false).await?;
        let token = random_token();
        let expires_at = now.plus_seconds(PENDING_SECONDS);
        let row = sessions::SessionRow {
            id_hash: token_hash(&token),
            account_id: account.id.clone(),
            channel: format!("{PENDING}{}", req.channel.as_str()),
            created_at_ms: now.millis(),
            last_seen_ms: now.millis(),
            expires_at_ms: expires_at.millis(),
            idle_timeout_ms: PENDING_SECONDS * 1000,
            ip: req.ip.clone(),
            revoked_at_ms: None,
        };
        let mut tx = self.db.begin().await?;
        sessions::insert(&mut tx, &row).await?;
        let detail = serde_json::json!({ "channel": req.channel.as_str(), "step": "password" });
        let ev = auth_event(
            "auth.password",
            Some((&account.id, kind)),
            Outcome::Success,
            req.ip,
            detail,
        );
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(PendingSignIn { token, expires_at })
    }

    /// Whether `token` is a pending sign-in still waiting for its code.
    pub async fn pending_sign_in(&self, token: &str, now: Timestamp) -> Result<bool, AppError> {
        Ok(self.live_pending(&token_hash(token), now).await?.is_some())
    }

    /// Second step: the code of the pending sign-in's account opens a session (ending the
    /// pending sign-in). A wrong code is `InvalidCredentials` while attempts remain; an
    /// unknown, expired, used or exhausted pending sign-in is `Unauthenticated` (start over);
    /// an attempt the throttle delays is `Throttled`.
    pub async fn sign_in_code(
        &self,
        req: CodeStep,
        now: Timestamp,
    ) -> Result<NewSession, AppError> {
        let factor = Factor::Code(&req.totp_code);
        self.second_step(&req.pending_token, req.ip.clone(), factor, now)
            .await
    }

    /// Second step with a passkey, under the same rules as a code (attempts, throttles,
    /// answers); a passkey that does not verify is a wrong code.
    pub async fn sign_in_passkey(
        &self,
        req: PasskeyStep,
        now: Timestamp,
    ) -> Result<NewSession, AppError> {
        let factor = Factor::Passkey(&req.credential);
        self.second_step(&req.pending_token, req.ip.clone(), factor, now)
            .await
    }

    /// The account of a live pending sign-in, by its token's hash.
    pub(super) async fn pending_account(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> Result<Option<mds_domain::AccountId>, AppError> {
        Ok(self.live_pending(hash, now).await?.map(|(a, _)| a.id))
    }

    async fn second_step(
        &self,
        pending_token: &str,
        ip: Option<String>,
        factor: Factor<'_>,
        now: Timestamp,
    ) -> Result<NewSession, AppError> {
        let step = factor.name();
        let hash = token_hash(pending_token);
        let Some((account, channel)) = self.live_pending(&hash, now).await? else {
            return Err(AppError::Unauthenticated);
        };
        let kind = account.kind;
        let keys = AttemptKeys::new(&account.login, ip.as_deref());
        let attempts_key = format!("signin:{hash}");
        let fail = |detail: serde_json::Value| {
            auth_event("auth.login", None, Outcome::Failure, ip.clone(), detail)
        };
        // A throttled (login, address) waits, the code unchecked; this pending sign-in's
        // attempts are counted before the code is checked (so that parallel guesses cannot
        // exceed them). A wrong code counts as a failure of the login, as a password does.
        if let Err(e) = self.attempt_delay(&keys, now).await {
            let detail =
                serde_json::json!({ "login": account.login, "step": step, "throttled": true });
            self.record_event(fail(detail), now.millis()).await?;
            return Err(e);
        }
        if !self.count_code(&attempts_key, now).await? {
            let detail =
                serde_json::json!({ "login": account.login, "step": step, "restart": true });
            self.drop_pending(&hash, fail(detail), now).await?;
            return Err(AppError::Unauthenticated);
        }
        let proved = match factor {
            Factor::Code(code) => self.code_ok(&account, code, now).await?,
            Factor::Passkey(credential) => {
                self.passkey_ok(&account.id, &hash, credential, now).await?
            }
        };
        if proved {
            let session = self
                .open_session(&account, kind, channel, ip, Some(&hash), now)
                .await?;
            self.settle_success(&keys, false, true).await?;
            return Ok(session);
        }
        let spent = sessions::throttle_get(&self.db, &attempts_key)
            .await?
            .is_some_and(|t| t.failures >= CODE_ATTEMPTS);
        let detail = serde_json::json!({ "login": account.login, "step": step, "restart": spent });
        self.record_failure(&keys, false, fail(detail), now).await?;
        if spent {
            let mut tx = self.db.begin().await?;
            sessions::revoke(&mut tx, &hash, now.millis()).await?;
            tx.commit().await?;
            return Err(AppError::Unauthenticated);
        }
        Err(AppError::InvalidCredentials)
    }

    /// Counts one code of a pending sign-in, atomically; false once `CODE_ATTEMPTS` were
    /// counted (the counter outlives the pending sign-in, so a request that found it alive
    /// just before cannot get a fresh count).
    async fn count_code(&self, key: &str, now: Timestamp) -> Result<bool, AppError> {
        let mut tx = self.db.begin().await?;
        let mut t = sessions::throttle_get(&mut tx, key)
            .await?
            .unwrap_or(sessions::Throttle {
                window_start_ms: now.millis(),
                ..sessions::Throttle::default()
            });
        if t.failures >= CODE_ATTEMPTS {
            tx.rollback().await?;
            return Ok(false);
        }
        t.failures += 1;
        t.last_failure_ms = now.millis();
        sessions::throttle_put(&mut tx, key, t).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The account and channel of a pending sign-in that is neither ended nor expired.
    async fn live_pending(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> Result<Option<(accounts::AccountRow, Channel)>, AppError> {
        let Some(row) = sessions::get(&self.db, hash).await? else {
            return Ok(None);
        };
        let channel = row
            .channel
            .strip_prefix(PENDING)
            .and_then(Channel::parse)
            .filter(|_| row.revoked_at_ms.is_none() && now.millis() < row.expires_at_ms);
        let Some(channel) = channel else {
            return Ok(None);
        };
        let account = accounts::by_id(&self.db, &row.account_id).await?;
        Ok(account.map(|a| (a, channel)))
    }

    /// Ends a pending sign-in whose codes are spent, with the failure's audit event.
    async fn drop_pending(
        &self,
        hash: &str,
        event: mds_audit::NewEvent,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let mut tx = self.db.begin().await?;
        sessions::revoke(&mut tx, hash, now.millis()).await?;
        mds_audit::append(&mut tx, event, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }
}
