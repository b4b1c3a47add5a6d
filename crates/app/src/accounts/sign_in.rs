//! Sign-in with password and second factor (at once for the API, in two steps for the
//! portals: `accounts::two_step`) and server-side sessions. Attempts are throttled per
//! (login, address), per login and per address by `accounts::throttle`.
//!
//! Every answer to a failed sign-in is the same `InvalidCredentials`, whether the login
//! exists or not; unknown logins still cost one argon2 verification.

use super::throttle::AttemptKeys;
use super::totp;
use crate::secrets::{random_token, token_hash, verify_password};
use crate::{Actor, App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{AccountId, AccountKind, AccountState, Login, Timestamp};
use mds_store::{accounts, sessions};
use sha2::{Digest, Sha256};

/// Where a session is used: the web portals (cookie) or the REST API (bearer token).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Web,
    Api,
}

impl Channel {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Api => "api",
        }
    }

    pub(super) fn parse(text: &str) -> Option<Self> {
        [Self::Web, Self::Api]
            .into_iter()
            .find(|c| c.as_str() == text)
    }
}

/// An account may sign in (state) and has a confirmed second factor.
pub(super) fn second_factor_ready(a: &accounts::AccountRow) -> bool {
    a.state.may_sign_in() && a.totp_confirmed && a.totp_secret.is_some()
}

#[derive(Clone, Debug)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
    pub totp_code: String,
    pub ip: Option<String>,
    pub channel: Channel,
}

/// A new session: the secret token is returned once and only its hash is stored.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub token: String,
    pub expires_at: Timestamp,
    pub actor: Actor,
}

/// The anti-CSRF token of a cookie session: derived from the session token, so it needs no
/// storage, and it reveals nothing of the session token (SHA-256 preimage).
pub fn csrf_token(session_token: &str) -> String {
    let digest = Sha256::digest(format!("mds-csrf:{session_token}").as_bytes());
    data_encoding::BASE64URL_NOPAD.encode(&digest)
}

pub(crate) fn auth_event(
    action: &str,
    actor: Option<(&AccountId, AccountKind)>,
    outcome: Outcome,
    ip: Option<String>,
    detail: serde_json::Value,
) -> NewEvent {
    NewEvent {
        actor_kind: actor.map_or(ActorKind::Anonymous, |(_, k)| k.into()),
        actor_id: actor.map(|(id, _)| id.to_string()),
        on_behalf_of: None,
        structure_id: None,
        action: action.to_owned(),
        patient_id: None,
        document_id: None,
        access_mode: None,
        outcome,
        rule: None,
        detail,
        ip,
        decision: None,
    }
}

impl App {
    /// Signs in with login, password and TOTP code at once (the REST API). Throttled per
    /// (login, address), per login and per address. The portals sign in in two steps
    /// (`sign_in_password`, then `sign_in_code`) under the same throttling.
    pub async fn login(&self, req: LoginRequest, now: Timestamp) -> Result<NewSession, AppError> {
        let (account, kind, keys) = self
            .verified_account(
                &req.login,
                &req.password,
                Some(&req.totp_code),
                &req.ip,
                now,
            )
            .await?;
        let session = self
            .open_session(&account, kind, req.channel, req.ip.clone(), None, now)
            .await?;
        // The pair's failures are cleared, the login's and the address's stay: a success
        // must not reset the guesses made elsewhere, nor a password spray from this address.
        self.settle_success(&keys, true, true).await?;
        Ok(session)
    }

    /// The gate every sign-in passes: the throttle (a refused attempt is audited and answered
    /// `Throttled` without its credentials being checked), then the credentials (`code:
    /// None` checks the password only, the first step of the portals' sign-in). Any failure
    /// is counted, audited and answered `InvalidCredentials`. Returns the account, its kind
    /// and the attempt's counters (the attempt counted as a failure until settled).
    pub(super) async fn verified_account(
        &self,
        login_text: &str,
        password: &str,
        code: Option<&str>,
        ip: &Option<String>,
        now: Timestamp,
    ) -> Result<(accounts::AccountRow, AccountKind, AttemptKeys), AppError> {
        let login = Login::parse(login_text);
        let mut keys = AttemptKeys::new(login.as_ref().map_or("", |l| l.as_str()), ip.as_deref());
        if let Err(e) = self.admit_attempt(&mut keys, now).await {
            let detail = serde_json::json!({ "login": login.as_ref().map(Login::as_str), "throttled": true });
            let ev = auth_event("auth.login", None, Outcome::Failure, ip.clone(), detail);
            self.record_event(ev, now.millis()).await?;
            return Err(e);
        }
        let account = match &login {
            Some(l) => accounts::by_login(&self.db, l.as_str()).await?,
            None => None,
        };
        let verified = match &account {
            Some(a) => self.credentials_ok(a, password, code, now).await?,
            None => {
                // Same work as for a real account: one argon2 verification.
                let _ = verify_password(password, &self.dummy_hash)?;
                false
            }
        };
        let Some(account) = account.filter(|_| verified) else {
            let detail = serde_json::json!({ "login": login.as_ref().map(Login::as_str) });
            let ev = auth_event("auth.login", None, Outcome::Failure, ip.clone(), detail);
            self.record_failure(&keys, true, ev, now).await?;
            return Err(AppError::InvalidCredentials);
        };
        let kind = account.kind;
        Ok((account, kind, keys))
    }

    /// Password, state and an enrolled second factor; with `code`, the second factor too
    /// (consuming its TOTP step on success).
    async fn credentials_ok(
        &self,
        a: &accounts::AccountRow,
        password: &str,
        code: Option<&str>,
        now: Timestamp,
    ) -> Result<bool, AppError> {
        let password_ok = match &a.password_hash {
            Some(h) => verify_password(password, h)?,
            None => {
                let _ = verify_password(password, &self.dummy_hash)?;
                false
            }
        };
        if !(password_ok && second_factor_ready(a)) {
            return Ok(false);
        }
        match code {
            Some(code) => self.code_ok(a, code, now).await,
            None => Ok(true),
        }
    }

    /// The authenticator's code of an account whose second factor is ready; a step is
    /// accepted once per account, atomically (replay protection).
    pub(super) async fn code_ok(
        &self,
        a: &accounts::AccountRow,
        code: &str,
        now: Timestamp,
    ) -> Result<bool, AppError> {
        if !second_factor_ready(a) {
            return Ok(false);
        }
        let Some(secret) = self.open_totp(a)? else {
            return Ok(false);
        };
        let Some(step) = totp::matching_step(&secret, code, now.millis()) else {
            return Ok(false);
        };
        Ok(accounts::consume_totp_step(&self.db, &a.id, step).await?)
    }

    /// A new session; `consumes` is the pending sign-in it completes, ended in the same
    /// transaction (once: a second completion is `Unauthenticated`).
    pub(super) async fn open_session(
        &self,
        a: &accounts::AccountRow,
        kind: AccountKind,
        channel: Channel,
        ip: Option<String>,
        consumes: Option<&str>,
        now: Timestamp,
    ) -> Result<NewSession, AppError> {
        let token = random_token();
        let expires_at = now.plus_seconds(self.settings.session_absolute_hours * 3600);
        let idle_timeout_ms = self.session_idle_ms(&a.id, kind).await?;
        let row = sessions::SessionRow {
            id_hash: token_hash(&token),
            account_id: a.id.clone(),
            channel: channel.as_str().to_owned(),
            created_at_ms: now.millis(),
            last_seen_ms: now.millis(),
            expires_at_ms: expires_at.millis(),
            idle_timeout_ms,
            ip: ip.clone(),
            revoked_at_ms: None,
        };
        let mut tx = self.db.begin().await?;
        if let Some(pending) = consumes {
            if !sessions::revoke(&mut tx, pending, now.millis()).await? {
                tx.rollback().await?;
                return Err(AppError::Unauthenticated);
            }
        }
        sessions::insert(&mut tx, &row).await?;
        let detail = serde_json::json!({ "channel": channel.as_str() });
        mds_audit::append(
            &mut tx,
            auth_event(
                "auth.login",
                Some((&a.id, kind)),
                Outcome::Success,
                ip,
                detail,
            ),
            now.millis(),
        )
        .await?;
        tx.commit().await?;
        // The actor of the new session is what its token authenticates as (read as every
        // later request reads it, and kept for them).
        let actor = self.authenticate(&token, now).await?;
        Ok(NewSession {
            token,
            expires_at,
            actor,
        })
    }

    /// Resolves a session token: unknown, revoked, expired (absolute or idle) sessions and
    /// accounts no longer active are all `Unauthenticated`. Refreshes the idle timer.
    ///
    /// The session, its account and the professional whose rights apply are read in one
    /// statement and kept in memory with the authentication epoch of that read
    /// (`crate::session_cache`); a request whose epoch (one single-row read) is the kept
    /// one's uses them: a logout, a suspension or a password change moves the epoch, so it is
    /// seen by the very next request, whichever instance or command made it.
    pub async fn authenticate(&self, token: &str, now: Timestamp) -> Result<Actor, AppError> {
        let hash = token_hash(token);
        let epoch = sessions::auth_epoch(&self.db).await?;
        if let Some(kept) = self.sessions.get(&hash, epoch, now.millis()) {
            if may_act(&kept, now) {
                return Ok(actor_of(kept));
            }
        }
        let Some(mut found) = sessions::get_with_account(&self.db, &hash).await? else {
            return Err(AppError::Unauthenticated);
        };
        if !may_act(&found, now) {
            return Err(AppError::Unauthenticated);
        }
        // Avoid a write per request: the idle timer moves at most once a minute (so a session
        // may end up to a minute before its idle timeout; the timeout is 15 minutes).
        if now.millis() - found.session.last_seen_ms > crate::session_cache::FRESH_MS {
            sessions::touch(&self.db, &hash, now.millis()).await?;
            found.session.last_seen_ms = now.millis();
        }
        self.sessions.put(found.clone(), now.millis());
        Ok(actor_of(found))
    }

    /// Any signed-in account. The language it reads in: its e-mails follow it (the portals
    /// record the choice made with their language switch). A preference of the account, not
    /// an action on a record: not audited.
    pub async fn set_language(
        &self,
        actor: &Actor,
        language: mds_domain::Language,
    ) -> Result<(), AppError> {
        accounts::set_language(&self.db, &actor.account_id, language).await?;
        Ok(())
    }

    pub async fn logout(
        &self,
        actor: &Actor,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let mut tx = self.db.begin().await?;
        sessions::revoke(&mut tx, &actor.session_hash, now.millis()).await?;
        let ev = auth_event(
            "auth.logout",
            Some((&actor.account_id, actor.kind)),
            Outcome::Success,
            ip,
            serde_json::json!({}),
        );
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }
}

impl App {
    /// The support agent an operator command acts for (command line, no session): must be an
    /// active support account. Its actions are recorded in the audit under its name.
    pub async fn operator_actor(&self, login: &str) -> Result<Actor, AppError> {
        let login = Login::parse(login).ok_or(AppError::NotFound)?;
        let account = accounts::by_login(&self.db, login.as_str())
            .await?
            .filter(|a| a.kind == AccountKind::Support && a.state == AccountState::Active)
            .ok_or(AppError::NotFound)?;
        Ok(Actor {
            account_id: account.id,
            kind: AccountKind::Support,
            display_name: account.display_name,
            session_hash: String::new(),
            software: None,
            acting_professional: None,
            acting_structure: None,
            acting_for: None,
        })
    }
}

/// Whether a session as read may act at `now`: not revoked, not expired (absolute or idle), a
/// signed-in channel (a pending sign-in, password given and code not yet, is no session), an
/// account that may sign in.
fn may_act(found: &sessions::SessionAccount, now: Timestamp) -> bool {
    let s = &found.session;
    s.revoked_at_ms.is_none()
        && now.millis() < s.expires_at_ms
        && now.millis() < s.last_seen_ms + s.idle_timeout_ms
        && Channel::parse(&s.channel).is_some()
        && found.account_state.may_sign_in()
}

/// Who a session authenticates as.
fn actor_of(found: sessions::SessionAccount) -> Actor {
    let acting_structure = found.acting_professional.as_ref().and_then(|p| {
        p.structure_name.clone().map(|name| crate::ActingStructure {
            name,
            choosable: p.structure_count > 1,
        })
    });
    let acting_professional = found
        .acting_professional
        .map(|p| mds_policy::ProfessionalActor {
            account: p.account_id,
            profession: p.profession,
            structure: p.structure,
            samu_regulator: p.samu_regulator,
        });
    Actor {
        account_id: found.session.account_id,
        kind: found.account_kind,
        display_name: found.display_name,
        session_hash: found.session.id_hash,
        software: None,
        acting_professional,
        acting_structure,
        acting_for: found.acting_for,
    }
}
