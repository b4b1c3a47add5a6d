//! A new account chooses its password and enrols its TOTP second factor with a one-time
//! enrolment token (issued when support creates the account). The token is stored hashed.

use super::{password, totp};
use crate::secrets::{hash_password, random_token, token_hash};
use crate::{App, AppError};
use mds_audit::{NewEvent, Outcome};
use mds_domain::{AccountId, AccountState, Timestamp};
use mds_store::{accounts, Tx};
use serde::Serialize;

/// What the person needs to configure an authenticator app.
#[derive(Clone, Debug, Serialize)]
pub struct TotpEnrolment {
    pub totp_secret: String,
    pub provisioning_uri: String,
}

/// Issues a token for `account_id` inside the caller's transaction; returns the secret token
/// (shown once, to be handed to the person).
pub(crate) async fn issue_token(
    app: &App,
    tx: &mut Tx,
    account_id: &AccountId,
    now: Timestamp,
) -> Result<String, AppError> {
    let token = random_token();
    let expires = now.plus_seconds(app.settings.enrolment_token_hours * 3600);
    accounts::insert_enrolment_token(&mut *tx, &token_hash(&token), account_id, expires.millis())
        .await?;
    Ok(token)
}

impl App {
    /// Step 1: with a valid token, set the password and receive a fresh TOTP secret.
    /// Repeating step 1 replaces the secret (the person may have lost the first one).
    pub async fn begin_enrolment(
        &self,
        token: &str,
        new_password: &str,
        now: Timestamp,
    ) -> Result<TotpEnrolment, AppError> {
        let account = self.enrolment_account(token, now).await?;
        password::check_strength(
            new_password,
            &account.login,
            self.settings.password_min_length,
        )?;
        let hash = hash_password(new_password)?;
        let secret = totp::new_secret();
        let mut tx = self.db.begin().await?;
        accounts::set_password(&mut tx, &account.id, &hash, now.millis()).await?;
        accounts::set_totp(&mut tx, &account.id, &secret, false, now.millis()).await?;
        let ev = NewEvent {
            actor_id: Some(account.id.to_string()),
            ..NewEvent::new(
                account.kind.into(),
                "auth.enrolment.password_set",
                Outcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(TotpEnrolment {
            provisioning_uri: totp::provisioning_uri(&secret, &account.login),
            totp_secret: secret,
        })
    }

    /// Step 2: prove the authenticator works with a current code; the account becomes
    /// active and the token is spent.
    pub async fn confirm_enrolment(
        &self,
        token: &str,
        code: &str,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let account = self.enrolment_account(token, now).await?;
        let (Some(secret), Some(_)) = (&account.totp_secret, &account.password_hash) else {
            return Err(AppError::invalid(
                "enrolment_incomplete",
                "Choisissez d'abord votre mot de passe.",
            ));
        };
        let Some(step) = totp::matching_step(secret, code, now.millis()) else {
            return Err(AppError::invalid(
                "invalid_code",
                "Code incorrect. Vérifiez l'heure de votre téléphone et réessayez.",
            ));
        };
        let mut tx = self.db.begin().await?;
        let fresh_step = accounts::consume_totp_step(&mut tx, &account.id, step).await?;
        let spent =
            accounts::use_enrolment_token(&mut tx, &token_hash(token), now.millis()).await?;
        if !(fresh_step && spent) {
            return Err(AppError::invalid(
                "invalid_code",
                "Code déjà utilisé. Attendez le code suivant.",
            ));
        }
        if account.state == AccountState::Pending {
            accounts::set_state(&mut tx, &account.id, AccountState::Active, now.millis()).await?;
            if account.kind == mds_domain::AccountKind::Patient {
                let r =
                    crate::information::notifications::recipient_of_account(&mut tx, &account.id)
                        .await?;
                if let Some(r) = r {
                    let m = crate::information::notifications::Message::account_activated();
                    crate::information::notifications::queue(&mut tx, &r, &m, true, now).await?;
                }
            }
        }
        let ev = NewEvent {
            actor_id: Some(account.id.to_string()),
            ..NewEvent::new(
                account.kind.into(),
                "auth.enrolment.totp_confirmed",
                Outcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn enrolment_account(
        &self,
        token: &str,
        now: Timestamp,
    ) -> Result<accounts::AccountRow, AppError> {
        let invalid = || {
            AppError::invalid(
                "invalid_enrolment_token",
                "Ce lien d'activation est invalide ou a expiré. Demandez-en un nouveau au support.",
            )
        };
        let id = accounts::enrolment_token_account(&self.db, &token_hash(token), now.millis())
            .await?
            .ok_or_else(invalid)?;
        let account = accounts::by_id(&self.db, &id).await?.ok_or_else(invalid)?;
        if account.state == AccountState::Suspended {
            return Err(invalid());
        }
        Ok(account)
    }
}
