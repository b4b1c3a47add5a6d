//! A signed-in person changes their password (issue 15): the current password is required,
//! the new one meets the strength rule and differs from it, every other session of the account
//! ends (a session stolen before the change dies with it), and the change is audited and told
//! to the account, in the portal and by e-mail (a change made by someone else does not go
//! unnoticed). Wrong current passwords are counted per account: after [`MAX_WRONG`] within
//! [`WINDOW_MS`], further attempts are refused until the window ends, so an unattended session
//! cannot be used to guess the password.

use super::password::check_strength;
use super::sign_in::auth_event;
use crate::information::notifications::{self, Message};
use crate::{secrets, Actor, App, AppError};
use mds_audit::Outcome;
use mds_domain::Timestamp;
use mds_store::accounts;
use mds_store::sessions::{self, Throttle};

/// Wrong current passwords allowed per account within [`WINDOW_MS`].
pub const MAX_WRONG: i64 = 5;
pub const WINDOW_MS: i64 = 60 * 60 * 1000;

impl App {
    /// Changes the password of the signed-in `actor`; the number of its other sessions ended.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<u64, AppError> {
        let account = self
            .verify_current_password(actor, current, "account.password_change", ip.clone(), now)
            .await?;
        let who = Some((&account.id, account.kind));
        let key = format!("password_change:{}", actor.account_id);
        check_strength(new, &account.login, self.settings.password_min_length)?;
        if new == current {
            return Err(AppError::invalid(
                "same_password",
                "Le nouveau mot de passe doit être différent de l'actuel.",
            ));
        }
        let hash = secrets::hash_password(new)?;
        let mut tx = self.db.begin().await?;
        accounts::set_password(&mut tx, &account.id, &hash, now.millis()).await?;
        let ended =
            sessions::revoke_others(&mut tx, &account.id, &actor.session_hash, now.millis())
                .await?;
        sessions::throttle_clear(&mut tx, &key).await?;
        if let Some(r) = notifications::recipient_of_account(&mut tx, &account.id).await? {
            notifications::queue(&mut tx, &r, &Message::password_changed(), true, now).await?;
        }
        let ev = auth_event(
            "account.password_change",
            who,
            Outcome::Success,
            ip,
            serde_json::json!({ "other_sessions_ended": ended }),
        );
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(ended)
    }
}

impl App {
    /// The signed-in `actor`'s account once `current` is its password, for a sensitive change
    /// (`action` names it in the audit): wrong passwords are audited and counted per account,
    /// further attempts refused for the rest of the window after [`MAX_WRONG`].
    pub(crate) async fn verify_current_password(
        &self,
        actor: &Actor,
        current: &str,
        action: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<accounts::AccountRow, AppError> {
        if actor.software.is_some() {
            return Err(AppError::Forbidden);
        }
        let key = format!("password_change:{}", actor.account_id);
        let counted = sessions::throttle_get(&self.db, &key).await?;
        if let Some(t) = &counted {
            if t.locked_until_ms > now.millis() {
                return Err(AppError::Throttled {
                    retry_after_seconds: (t.locked_until_ms - now.millis()) / 1000 + 1,
                });
            }
        }
        let account = accounts::by_id(&self.db, &actor.account_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let stored = account
            .password_hash
            .as_deref()
            .ok_or(AppError::Forbidden)?;
        if secrets::verify_password(current, stored)? {
            return Ok(account);
        }
        let mut tx = self.db.begin().await?;
        sessions::throttle_put(&mut tx, &key, wrong_once(counted, now.millis())).await?;
        let ev = auth_event(
            action,
            Some((&account.id, account.kind)),
            Outcome::Failure,
            ip,
            serde_json::json!({ "reason": "wrong_current_password" }),
        );
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Err(AppError::invalid(
            "wrong_password",
            "Le mot de passe actuel est incorrect.",
        ))
    }
}

/// The counter after one more wrong current password at `now_ms`: a new window when the last
/// one is over, locked until the window's end once [`MAX_WRONG`] is reached.
fn wrong_once(counted: Option<Throttle>, now_ms: i64) -> Throttle {
    let mut t = match counted {
        Some(t) if now_ms - t.window_start_ms < WINDOW_MS => t,
        _ => Throttle {
            window_start_ms: now_ms,
            ..Throttle::default()
        },
    };
    t.failures += 1;
    t.last_failure_ms = now_ms;
    if t.failures >= MAX_WRONG {
        t.locked_until_ms = t.window_start_ms + WINDOW_MS;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_passwords_lock_until_the_window_ends() {
        let mut t = None;
        for i in 1..=MAX_WRONG {
            let next = wrong_once(t, 1_000 * i);
            assert_eq!(next.failures, i);
            assert_eq!(next.locked_until_ms > 0, i == MAX_WRONG, "after {i}");
            t = Some(next);
        }
        let locked = t.map(|t| t.locked_until_ms);
        assert_eq!(locked, Some(1_000 + WINDOW_MS));
        // A failure after the window starts a new one.
        let fresh = wrong_once(t, 1_000 + WINDOW_MS + 1);
        assert_eq!((fresh.failures, fresh.locked_until_ms), (1, 0));
    }
}
