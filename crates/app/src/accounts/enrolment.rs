//! A new account chooses its password and enrols its TOTP second factor with a one-time
//! activation code (issued when support creates or activates the account): ten symbols read
//! out or typed, `mds_domain::enrolment_code`, whose module comment gives the entropy argument.
//! The code's selector names its row, the rest is stored as an argon2id hash; wrong codes
//! count against the code they name, which is revoked at `MAX_FAILED_ATTEMPTS` (audited).

use super::{password, totp};
use crate::information::notifications::texts::{FOOTER, FOOTER_EN};
use crate::secrets::{hash_password, verify_password};
use crate::{App, AppError};
use mds_audit::{NewEvent, Outcome};
use mds_domain::enrolment_code::MAX_FAILED_ATTEMPTS;
use mds_domain::{AccountId, AccountState, EnrolmentCode, Language, Timestamp};
use mds_store::{accounts, Tx};
use serde::Serialize;

/// What the person needs to configure an authenticator app.
#[derive(Clone, Debug, Serialize)]
pub struct TotpEnrolment {
    pub totp_secret: String,
    pub provisioning_uri: String,
}

/// Issues a code for `account_id` inside the caller's transaction; returns it in its shown
/// form (`ABCD-EFGH-JK`, shown once, to be handed to the person). Its selector is unique among
/// live codes, so a typed code names at most one row. `email`: also sent to the account's
/// address (not after a lost second factor, where the address alone must not suffice).
pub(crate) async fn issue_token(
    app: &App,
    tx: &mut Tx,
    account_id: &AccountId,
    email: bool,
    now: Timestamp,
) -> Result<String, AppError> {
    let code = loop {
        let code = crate::secrets::random_enrolment_code();
        if accounts::live_enrolment_code(&mut *tx, code.selector(), now.millis())
            .await?
            .is_none()
        {
            break code;
        }
    };
    let expires = now.plus_seconds(app.settings.enrolment_token_hours * 3600);
    let hash = hash_password(code.verifier())?;
    accounts::insert_enrolment_token(
        &mut *tx,
        code.selector(),
        &hash,
        account_id,
        expires.millis(),
    )
    .await?;
    if email {
        email_code(tx, account_id, &code, expires, now).await?;
    }
    Ok(code.display())
}

/// Sends the code to the account's e-mail address, when it has one, through the outbox in the
/// caller's transaction (an account event: no preference applies), in the account's language;
/// no medical content.
async fn email_code(
    tx: &mut Tx,
    account_id: &AccountId,
    code: &EnrolmentCode,
    expires: Timestamp,
    now: Timestamp,
) -> Result<(), AppError> {
    let Some(account) = accounts::by_id(&mut *tx, account_id).await? else {
        return Ok(());
    };
    let Some(email) = account.email.filter(|e| !e.trim().is_empty()) else {
        return Ok(());
    };
    let (code, until) = (code.display(), expires.to_noumea_display());
    let (subject, body) = match accounts::language(&mut *tx, account_id).await? {
        Language::Fr => (
            "Votre code d'activation Mon Drive Santé",
            format!(
                "Bonjour,\n\nVoici votre code d'activation Mon Drive Santé : {code}\n\n\
                 Saisissez-le sur la page « Activer mon compte » du portail, puis choisissez \
                 votre mot de passe et votre second facteur. Ce code est valable jusqu'au \
                 {until} (heure de Nouméa) et ne sert qu'une fois ; après \
                 {MAX_FAILED_ATTEMPTS} codes erronés, il est annulé et le support vous en \
                 donnera un nouveau.\n\nSi vous n'avez rien demandé, ne l'utilisez pas et \
                 prévenez le support de Mon Drive Santé.{FOOTER}"
            ),
        ),
        Language::En => (
            "Your Mon Drive Santé activation code",
            format!(
                "Hello,\n\nHere is your Mon Drive Santé activation code: {code}\n\nType it \
                 on the « Activer mon compte » (activate my account) page of the portal, then \
                 choose your password and your second factor. This code is valid until {until} \
                 (Nouméa time) and works once; after {MAX_FAILED_ATTEMPTS} wrong codes it is \
                 cancelled and support will give you a new one.\n\nIf you asked for nothing, \
                 do not use it and tell Mon Drive Santé support.{FOOTER_EN}"
            ),
        ),
    };
    mds_store::outbox::insert(
        &mut *tx,
        &mds_store::outbox::EmailRow::queued(
            Some(account.id),
            email,
            "activation_code".to_owned(),
            subject.to_owned(),
            body,
            now.millis(),
        ),
    )
    .await?;
    Ok(())
}

/// The account a live code opens, and the stored hash that names the code's row.
struct Opened {
    account: accounts::AccountRow,
    token_hash: String,
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
        let Opened { account, .. } = self.enrolment_account(token, now).await?;
        password::check_strength(
            new_password,
            &account.login,
            self.settings.password_min_length,
        )?;
        let hash = hash_password(new_password)?;
        let secret = totp::new_secret();
        let (sealed, key_id) = self.seal_totp(&account.id, &secret)?;
        let mut tx = self.db.begin().await?;
        accounts::set_password(&mut tx, &account.id, &hash, now.millis()).await?;
        accounts::set_totp(&mut tx, &account.id, &sealed, &key_id, false, now.millis()).await?;
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
        let Opened {
            account,
            token_hash,
        } = self.enrolment_account(token, now).await?;
        let (Some(secret), Some(_)) = (self.open_totp(&account)?, &account.password_hash) else {
            return Err(AppError::invalid(
                "enrolment_incomplete",
                "Choisissez d'abord votre mot de passe.",
            ));
        };
        let Some(step) = totp::matching_step(&secret, code, now.millis()) else {
            return Err(AppError::invalid(
                "invalid_code",
                "Code incorrect. Vérifiez l'heure de votre téléphone et réessayez.",
            ));
        };
        let mut tx = self.db.begin().await?;
        let fresh_step = accounts::consume_totp_step(&mut tx, &account.id, step).await?;
        let spent = accounts::use_enrolment_token(&mut tx, &token_hash, now.millis()).await?;
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

    /// The account of a live code. A well-formed code whose selector is live but whose rest is
    /// wrong counts one failure against that code, audited, and spends it at the limit.
    async fn enrolment_account(&self, typed: &str, now: Timestamp) -> Result<Opened, AppError> {
        let invalid = || {
            AppError::invalid(
                "invalid_enrolment_token",
                "Ce code d'activation est invalide ou a expiré. Vérifiez-le ou demandez-en un \
                 nouveau au support.",
            )
        };
        let code = EnrolmentCode::parse(typed).ok_or_else(invalid)?;
        let live = accounts::live_enrolment_code(&self.db, code.selector(), now.millis())
            .await?
            .ok_or_else(invalid)?;
        if !verify_password(code.verifier(), &live.token_hash)? {
            let mut tx = self.db.begin().await?;
            let failures = accounts::fail_enrolment_code(
                &mut tx,
                &live.token_hash,
                MAX_FAILED_ATTEMPTS,
                now.millis(),
            )
            .await?;
            let revoked = failures >= MAX_FAILED_ATTEMPTS;
            let action = if revoked {
                "auth.enrolment.code_revoked"
            } else {
                "auth.enrolment.code_refused"
            };
            // Whoever typed it is unknown: the code's account is the detail, not the actor.
            let ev = NewEvent {
                detail: serde_json::json!({
                    "account_id": live.account_id,
                    "failed_attempts": failures,
                    "max": MAX_FAILED_ATTEMPTS,
                }),
                ..NewEvent::new(mds_audit::ActorKind::Anonymous, action, Outcome::Failure)
            };
            mds_audit::append(&mut tx, ev, now.millis()).await?;
            tx.commit().await?;
            return Err(invalid());
        }
        let account = accounts::by_id(&self.db, &live.account_id)
            .await?
            .ok_or_else(invalid)?;
        if account.state == AccountState::Suspended {
            return Err(invalid());
        }
        Ok(Opened {
            account,
            token_hash: live.token_hash,
        })
    }
}
