//! A patient changes their contact data (issue 15, item 2): the current password is asked for
//! either change. The phone is changed at once. A new e-mail address — which is also the
//! patient's login — is only taken once the link sent TO IT is followed: its token is random
//! (256 bits), stored as its SHA-256, alive [`LINK_HOURS`] hours, spent by its first use, and
//! spent with every other link of the account by a newer request; the former address is told
//! of the request and of the change (a change made by someone else does not go unnoticed).
//! At most [`MAX_LINKS_PER_DAY`] links a day. Everything is audited, without the addresses.

use crate::accounts::sign_in::auth_event;
use crate::information::notifications;
use crate::information::notifications::texts::{FOOTER, FOOTER_EN};
use crate::patients::identity::{email_address, phone_number};
use crate::secrets::{random_token, token_hash};
use crate::{Actor, App, AppError};
use mds_audit::Outcome;
use mds_domain::{AccountKind, AccountState, Language, Timestamp};
use mds_store::{accounts, contact_changes, outbox, patients, Tx};

/// How long a confirmation link lives.
pub const LINK_HOURS: i64 = 24;
/// Links issued to one account within a day, at most.
pub const MAX_LINKS_PER_DAY: i64 = 5;
/// The portal page a confirmation link opens; the token follows as `?token=`.
pub const CONFIRM_PATH: &str = "/contact/confirm";

const HOUR_MS: i64 = 3_600_000;

fn invalid_link() -> AppError {
    AppError::invalid(
        "invalid_contact_link",
        "Ce lien de confirmation est invalide, a déjà servi ou a expiré (il vaut 24 heures). \
         Demandez de nouveau le changement depuis votre espace, rubrique Mes coordonnées.",
    )
}

impl App {
    /// The patient (active account). Asks to change their e-mail address to `new_email`: a
    /// confirmation link goes to that address, a notice to the current one. Returns the
    /// address the link was sent to.
    pub async fn request_email_change(
        &self,
        actor: &Actor,
        new_email: &str,
        password: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<String, AppError> {
        actor.require(AccountKind::Patient)?;
        let new_email = email_address(new_email)?;
        let account = self
            .verify_current_password(
                actor,
                password,
                "account.email_change.request",
                ip.clone(),
                now,
            )
            .await?;
        if account.state != AccountState::Active {
            return Err(AppError::Forbidden);
        }
        if account.email.as_deref() == Some(new_email.as_str()) {
            return Err(AppError::invalid(
                "same_email",
                "C'est déjà l'adresse e-mail de votre compte.",
            ));
        }
        if accounts::by_login(&self.db, &new_email).await?.is_some() {
            return Err(taken());
        }
        let since = now.millis() - 24 * HOUR_MS;
        if contact_changes::issued_since(&self.db, &account.id, since).await? >= MAX_LINKS_PER_DAY {
            return Err(AppError::conflict(
                "too_many_email_changes",
                "Trop de demandes de changement d'adresse aujourd'hui : réessayez demain, ou \
                 contactez le support.",
            ));
        }
        let token = random_token();
        let expires = Timestamp::from_millis(now.millis() + LINK_HOURS * HOUR_MS);
        let mut tx = self.db.begin().await?;
        contact_changes::spend_all(&mut tx, &account.id, now.millis()).await?;
        contact_changes::insert(
            &mut tx,
            &token_hash(&token),
            &account.id,
            &new_email,
            now.millis(),
            expires.millis(),
        )
        .await?;
        let link = format!("{}{CONFIRM_PATH}?token={token}", self.public_url);
        let until = expires.to_noumea_display();
        let language = accounts::language(&mut tx, &account.id).await?;
        let (subject, body) = match language {
            Language::Fr => (
                "Confirmez votre nouvelle adresse e-mail — Mon Drive Santé",
                format!(
                    "Bonjour,\n\nVous avez demandé que cette adresse devienne celle de votre \
                     compte Mon Drive Santé (elle servira aussi d'identifiant pour vous \
                     connecter). Pour le confirmer, ouvrez ce lien :\n\n{link}\n\nIl est \
                     valable {LINK_HOURS} heures, jusqu'au {until} (heure de Nouméa), et ne sert \
                     qu'une fois.\n\nSi vous n'avez rien demandé, ignorez ce message : rien ne \
                     change.{FOOTER}"
                ),
            ),
            Language::En => (
                "Confirm your new e-mail address — Mon Drive Santé",
                format!(
                    "Hello,\n\nYou asked for this address to become that of your Mon Drive \
                     Santé account (it will also be your sign-in name). To confirm, open this \
                     link:\n\n{link}\n\nIt is valid {LINK_HOURS} hours, until {until} (Nouméa \
                     time), and works once.\n\nIf you asked for nothing, ignore this message: \
                     nothing changes.{FOOTER_EN}"
                ),
            ),
        };
        queue_email(
            &mut tx,
            &account.id,
            &new_email,
            "email_change_link",
            subject,
            body,
            now,
        )
        .await?;
        if let Some(old) = account.email.as_deref().filter(|e| !e.trim().is_empty()) {
            let (subject, body) = match language {
                Language::Fr => (
                    "Changement d'adresse e-mail demandé — Mon Drive Santé",
                    format!(
                        "Bonjour,\n\nUn changement de l'adresse e-mail de votre compte Mon Drive \
                         Santé a été demandé depuis votre espace. Il ne prendra effet que si le \
                         lien envoyé à la nouvelle adresse est suivi. Si ce n'était pas vous, \
                         changez votre mot de passe et contactez le support.{FOOTER}"
                    ),
                ),
                Language::En => (
                    "E-mail address change asked for — Mon Drive Santé",
                    format!(
                        "Hello,\n\nA change of the e-mail address of your Mon Drive Santé \
                         account was asked for from your space. It takes effect only if the link \
                         sent to the new address is followed. If it was not you, change your \
                         password and contact support.{FOOTER_EN}"
                    ),
                ),
            };
            queue_email(
                &mut tx,
                &account.id,
                old,
                "email_change_notice",
                subject,
                body,
                now,
            )
            .await?;
        }
        let ev = auth_event(
            "account.email_change.request",
            Some((&account.id, account.kind)),
            Outcome::Success,
            ip,
            serde_json::json!({}),
        );
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(new_email)
    }

    /// Anyone holding a live link (the owner of the new address). Makes the address the
    /// account's e-mail and login, and the record's address; the former address is told.
    pub async fn confirm_email_change(
        &self,
        token: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<String, AppError> {
        let hash = token_hash(token.trim());
        let Some((account_id, new_email)) =
            contact_changes::live(&self.db, &hash, now.millis()).await?
        else {
            return Err(invalid_link());
        };
        let account = accounts::by_id(&self.db, &account_id)
            .await?
            .filter(|a| a.state == AccountState::Active)
            .ok_or_else(invalid_link)?;
        let mut tx = self.db.begin().await?;
        if !contact_changes::spend(&mut tx, &hash, now.millis()).await? {
            return Err(invalid_link());
        }
        contact_changes::spend_all(&mut tx, &account.id, now.millis()).await?;
        if !accounts::set_login_and_email(
            &mut tx,
            &account.id,
            &new_email,
            &new_email,
            now.millis(),
        )
        .await?
        {
            return Err(taken());
        }
        if let Some(p) = patients::by_account(&mut tx, &account.id).await? {
            patients::set_contact(&mut tx, &p.id, Some(&new_email), p.phone.as_deref()).await?;
        }
        if let Some(old) = account.email.as_deref().filter(|e| !e.trim().is_empty()) {
            let body = format!(
                "Bonjour,\n\nL'adresse e-mail de votre compte Mon Drive Santé a été changée : \
                 vous ne recevrez plus nos messages ici, et votre identifiant de connexion est \
                 désormais la nouvelle adresse. Si ce n'était pas vous, contactez le support \
                 sans attendre.{FOOTER}"
            );
            let subject = "Adresse e-mail changée — Mon Drive Santé";
            queue_email(
                &mut tx,
                &account.id,
                old,
                "email_changed",
                subject,
                body,
                now,
            )
            .await?;
        }
        if let Some(r) = notifications::recipient_of_account(&mut tx, &account.id).await? {
            let m = notifications::Message::contact_changed();
            notifications::queue(&mut tx, &r, &m, true, now).await?;
        }
        let ev = auth_event(
            "account.email_change",
            Some((&account.id, account.kind)),
            Outcome::Success,
            ip,
            serde_json::json!({}),
        );
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(new_email)
    }

    /// The patient. Changes (or, with an empty text, removes) the record's phone number.
    pub async fn change_phone(
        &self,
        actor: &Actor,
        phone: &str,
        password: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Option<String>, AppError> {
        actor.require(AccountKind::Patient)?;
        let phone = if phone.trim().is_empty() {
            None
        } else {
            Some(phone_number(phone)?)
        };
        let account = self
            .verify_current_password(actor, password, "account.phone_change", ip.clone(), now)
            .await?;
        let p = patients::by_account(&self.db, &account.id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut tx = self.db.begin().await?;
        patients::set_contact(&mut tx, &p.id, p.email.as_deref(), phone.as_deref()).await?;
        let ev = auth_event(
            "account.phone_change",
            Some((&account.id, account.kind)),
            Outcome::Success,
            ip,
            serde_json::json!({ "removed": phone.is_none() }),
        );
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(phone)
    }

    /// The patient. Their e-mail address and phone number.
    pub async fn my_contact(
        &self,
        actor: &Actor,
    ) -> Result<(Option<String>, Option<String>), AppError> {
        let p = self.own_record(actor).await?;
        let account = accounts::by_id(&self.db, &actor.account_id).await?;
        Ok((account.and_then(|a| a.email).or(p.email), p.phone))
    }
}

fn taken() -> AppError {
    AppError::conflict(
        "email_taken",
        "Cette adresse e-mail est déjà celle d'un autre compte Mon Drive Santé.",
    )
}

async fn queue_email(
    tx: &mut Tx,
    account: &mds_domain::AccountId,
    to: &str,
    kind: &str,
    subject: &str,
    body: String,
    now: Timestamp,
) -> Result<(), AppError> {
    let row = outbox::EmailRow::queued(
        Some(account.clone()),
        to.to_owned(),
        kind.to_owned(),
        subject.to_owned(),
        body,
        now.millis(),
    );
    outbox::insert(&mut *tx, &row).await?;
    Ok(())
}
