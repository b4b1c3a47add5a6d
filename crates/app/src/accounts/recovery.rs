//! Account recovery (issue 15), for every kind of account.
//!
//! - A forgotten password: whoever types a login receives the same answer; when the login
//!   names an active account with a second factor and an e-mail address, and fewer than
//!   [`MAX_LINKS_PER_HOUR`] links were sent to it within the hour, a link goes to that address.
//!   Its token is random (256 bits), stored as its SHA-256 only, alive [`LINK_MINUTES`] and
//!   spent by its first use. Following it, the person chooses a new password **and** types a
//!   current code of their second factor: the link alone (a read mailbox) changes nothing.
//!   Wrong codes count against the link, which is spent at [`MAX_WRONG_CODES`]. A reset ends
//!   every session, spends every other link, and is told to the account.
//! - A lost second factor is not self-service: support checks identity (for a patient a new
//!   identity document compared in the console, for a professional the directory's data),
//!   records what was checked, and re-issues an enrolment. The old secret, every session and
//!   every link end; the new activation code is handed over by support and **not** e-mailed
//!   (the address alone must not open the account); the account is told by e-mail.
//! - An expired activation code of a pending account is re-issued the same way, and e-mailed
//!   like the first one.
//!
//! Everything is audited: a request (with what became of it, never the typed login when it
//! names no account), each refused code, the reset, the re-issue with its evidence.

use super::password::check_strength;
use super::sign_in::{auth_event, second_factor_ready};
use super::{enrolment, totp};
use crate::information::notifications::texts::{FOOTER, FOOTER_EN};
use crate::information::notifications::{self, Message};
use crate::secrets::{hash_password, random_token, token_hash};
use crate::{Actor, App, AppError};
use mds_audit::{NewEvent, Outcome};
use mds_domain::{AccountId, AccountKind, AccountState, Language, Timestamp};
use mds_store::{accounts, outbox, password_resets, sessions, Tx};
use serde::Serialize;

/// How long a reset link lives.
pub const LINK_MINUTES: i64 = 30;
/// Links sent to one account within an hour, at most (a mailbox is not to be flooded).
pub const MAX_LINKS_PER_HOUR: i64 = 3;
/// Wrong second-factor codes typed with one link before it is spent.
pub const MAX_WRONG_CODES: i64 = 5;
/// The longest evidence note support records with a re-issue.
pub const MAX_EVIDENCE_CHARS: usize = 1000;

/// The portal page a reset link opens; the token follows as `?token=`.
pub const RESET_PATH: &str = "/password/reset";

/// What support gets back from a re-issue: the code to hand over, shown once.
#[derive(Clone, Debug, Serialize)]
pub struct Reissued {
    pub account_id: AccountId,
    pub login: String,
    pub enrolment_code: String,
    /// The account had a second factor, now removed (a lost phone), rather than an expired
    /// activation code.
    pub second_factor_removed: bool,
    /// The code was also e-mailed (a pending account with an address).
    pub code_emailed: bool,
    pub sessions_ended: u64,
}

fn invalid_link() -> AppError {
    AppError::invalid(
        "invalid_reset_link",
        "Ce lien de changement de mot de passe est invalide, a déjà servi ou a expiré (il vaut \
         30 minutes). Demandez-en un nouveau depuis la page de connexion.",
    )
}

/// What becomes of a request: the address the link goes to, or why none is sent (in the
/// audit; the requester is told the same in every case).
fn request_outcome(
    account: &accounts::AccountRow,
    sent_within_hour: i64,
) -> Result<&str, &'static str> {
    let email = account.email.as_deref().filter(|e| !e.trim().is_empty());
    match email {
        _ if !second_factor_ready(account) => Err("account_not_active"),
        None => Err("no_email"),
        Some(_) if sent_within_hour >= MAX_LINKS_PER_HOUR => Err("too_many_links"),
        Some(email) => Ok(email),
    }
}

impl App {
    /// Anyone. Sends a reset link for the account `login` names, when it may have one; the
    /// answer is the same whatever the login (it reveals no account).
    pub async fn request_password_reset(
        &self,
        login: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        // The length as sent (the schema's limit), the emptiness once trimmed.
        let too_long = login.chars().count() > 254;
        let login = login.trim();
        if too_long {
            return Err(AppError::invalid(
                "login_too_long",
                "Un identifiant a 254 caractères au plus : vérifiez ce qui a été saisi.",
            ));
        }
        if login.is_empty() {
            return Err(AppError::invalid(
                "login_required",
                "Indiquez l'identifiant de votre compte (votre adresse e-mail pour un patient).",
            ));
        }
        let Some(account) = accounts::by_login(&self.db, login).await? else {
            return Ok(());
        };
        let hour_ago = now.millis() - 3_600_000;
        let sent = password_resets::issued_since(&self.db, &account.id, hour_ago).await?;
        let decided = request_outcome(&account, sent);
        let mut tx = self.db.begin().await?;
        if let Ok(email) = decided {
            let token = random_token();
            let expires = now.plus_seconds(LINK_MINUTES * 60);
            password_resets::insert(
                &mut tx,
                &token_hash(&token),
                &account.id,
                now.millis(),
                expires.millis(),
            )
            .await?;
            self.email_reset_link(&mut tx, &account.id, email, &token, expires, now)
                .await?;
        }
        let ev = auth_event(
            "account.password_reset.request",
            None,
            if decided.is_ok() {
                Outcome::Success
            } else {
                Outcome::Failure
            },
            ip,
            serde_json::json!({
                "account_id": account.id,
                "result": decided.err().unwrap_or("link_sent"),
            }),
        );
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn email_reset_link(
        &self,
        tx: &mut Tx,
        account: &AccountId,
        email: &str,
        token: &str,
        expires: Timestamp,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let link = format!("{}{RESET_PATH}?token={token}", self.public_url);
        let until = expires.to_noumea_display();
        let language = accounts::language(&mut *tx, account).await?;
        let (subject, body) = match language {
            Language::Fr => (
                "Changer le mot de passe de votre compte Mon Drive Santé",
                format!(
                    "Bonjour,\n\nUn changement du mot de passe de votre compte Mon Drive Santé a \
                     été demandé. Pour choisir un nouveau mot de passe, ouvrez ce lien :\n\n\
                     {link}\n\nIl est valable {LINK_MINUTES} minutes, jusqu'au {until} (heure de \
                     Nouméa), et ne sert qu'une fois. Le code de votre application \
                     d'authentification vous sera demandé.\n\nSi vous n'avez rien demandé, \
                     ignorez ce message : votre mot de passe ne change pas.{FOOTER}"
                ),
            ),
            Language::En => (
                "Change the password of your Mon Drive Santé account",
                format!(
                    "Hello,\n\nA change of the password of your Mon Drive Santé account was \
                     asked for. To choose a new password, open this link:\n\n{link}\n\nIt is \
                     valid {LINK_MINUTES} minutes, until {until} (Nouméa time), and works once. \
                     The code of your authenticator app will be asked.\n\nIf you asked for \
                     nothing, ignore this message: your password does not change.{FOOTER_EN}"
                ),
            ),
        };
        outbox::insert(
            &mut *tx,
            &outbox::EmailRow::queued(
                Some(account.clone()),
                email.to_owned(),
                "password_reset".to_owned(),
                subject.to_owned(),
                body,
                now.millis(),
            ),
        )
        .await?;
        Ok(())
    }

    /// Anyone holding a live link. Sets `new_password` when `code` is a current code of the
    /// account's second factor; every session of the account ends.
    pub async fn reset_password(
        &self,
        token: &str,
        new_password: &str,
        code: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let hash = token_hash(token.trim());
        let account_id = password_resets::live(&self.db, &hash, now.millis())
            .await?
            .ok_or_else(invalid_link)?;
        let account = accounts::by_id(&self.db, &account_id)
            .await?
            .ok_or_else(invalid_link)?;
        if !second_factor_ready(&account) {
            return Err(invalid_link());
        }
        let secret = self.open_totp(&account)?.ok_or_else(invalid_link)?;
        check_strength(
            new_password,
            &account.login,
            self.settings.password_min_length,
        )?;
        let who = Some((&account.id, account.kind));
        let Some(step) = totp::matching_step(&secret, code.trim(), now.millis()) else {
            let mut tx = self.db.begin().await?;
            let failures =
                password_resets::fail(&mut tx, &hash, MAX_WRONG_CODES, now.millis()).await?;
            let ev = auth_event(
                "account.password_reset",
                who,
                Outcome::Failure,
                ip,
                serde_json::json!({ "reason": "wrong_code", "failed_attempts": failures, "max": MAX_WRONG_CODES }),
            );
            mds_audit::append(&mut tx, ev, now.millis()).await?;
            tx.commit().await?;
            return Err(if failures >= MAX_WRONG_CODES || failures == 0 {
                AppError::invalid(
                    "invalid_reset_link",
                    "Trop de codes incorrects : ce lien est annulé. Demandez-en un nouveau \
                     depuis la page de connexion.",
                )
            } else {
                AppError::invalid(
                    "invalid_code",
                    "Code incorrect. Vérifiez l'heure de votre téléphone et réessayez.",
                )
            });
        };
        let password_hash = hash_password(new_password)?;
        let mut tx = self.db.begin().await?;
        if !accounts::consume_totp_step(&mut tx, &account.id, step).await? {
            return Err(AppError::invalid(
                "invalid_code",
                "Code déjà utilisé. Attendez le code suivant.",
            ));
        }
        if !password_resets::spend(&mut tx, &hash, now.millis()).await? {
            return Err(invalid_link());
        }
        password_resets::spend_all(&mut tx, &account.id, now.millis()).await?;
        accounts::set_password(&mut tx, &account.id, &password_hash, now.millis()).await?;
        let ended = sessions::revoke_all(&mut tx, &account.id, now.millis()).await?;
        if let Some(r) = notifications::recipient_of_account(&mut tx, &account.id).await? {
            notifications::queue(&mut tx, &r, &Message::password_changed(), true, now).await?;
        }
        let ev = auth_event(
            "account.password_reset",
            who,
            Outcome::Success,
            ip,
            serde_json::json!({ "sessions_ended": ended }),
        );
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Support only, for another account: a new activation code after an identity check
    /// described in `evidence` — a lost second factor (active account) or an expired code
    /// (pending account).
    pub async fn reissue_enrolment(
        &self,
        actor: &Actor,
        account_id: &AccountId,
        evidence: &str,
        now: Timestamp,
    ) -> Result<Reissued, AppError> {
        actor.require(AccountKind::Support)?;
        let too_long = evidence.chars().count() > MAX_EVIDENCE_CHARS;
        let evidence = evidence.trim();
        if evidence.is_empty() || too_long {
            return Err(AppError::invalid(
                "evidence_required",
                format!(
                    "Décrivez la vérification d'identité faite (pièce présentée, données de \
                     l'annuaire comparées), en {MAX_EVIDENCE_CHARS} caractères au plus."
                ),
            ));
        }
        if let Err(why) = mds_domain::text::check_lines(evidence) {
            return Err(AppError::invalid(
                "evidence_required",
                format!("Vérification d'identité refusée : {}.", why.reason_fr()),
            ));
        }
        if *account_id == actor.account_id {
            return Err(AppError::conflict(
                "own_account",
                "Un agent ne réinitialise pas son propre compte : un autre agent du support le \
                 fait après vérification.",
            ));
        }
        let account = accounts::by_id(&self.db, account_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let lost_second_factor =
            match account.state {
                AccountState::Active => true,
                AccountState::Pending => false,
                _ => return Err(AppError::conflict(
                    "invalid_state",
                    "Ce compte n'est ni actif ni en attente d'activation : réactivez-le d'abord.",
                )),
            };
        let has_email = account
            .email
            .as_deref()
            .is_some_and(|e| !e.trim().is_empty());
        let mut tx = self.db.begin().await?;
        accounts::spend_enrolment_tokens(&mut tx, account_id, now.millis()).await?;
        password_resets::spend_all(&mut tx, account_id, now.millis()).await?;
        let mut ended = 0;
        if lost_second_factor {
            accounts::clear_totp(&mut tx, account_id, now.millis()).await?;
            mds_store::passkeys::remove_all(&mut tx, account_id).await?;
            ended = sessions::revoke_all(&mut tx, account_id, now.millis()).await?;
            if let Some(r) = notifications::recipient_of_account(&mut tx, account_id).await? {
                let m = Message::second_factor_reset();
                notifications::queue(&mut tx, &r, &m, true, now).await?;
            }
        }
        let email_code = !lost_second_factor && has_email;
        let code = enrolment::issue_token(self, &mut tx, account_id, email_code, now).await?;
        let ev = NewEvent {
            detail: serde_json::json!({
                "account_id": account_id,
                "account_kind": account.kind,
                "lost_second_factor": lost_second_factor,
                "evidence": evidence,
                "sessions_ended": ended,
                "code_emailed": email_code,
            }),
            actor_id: Some(actor.account_id.to_string()),
            ..NewEvent::new(
                actor.kind.into(),
                "account.enrolment.reissue",
                Outcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(Reissued {
            account_id: account.id,
            login: account.login,
            enrolment_code: code,
            second_factor_removed: lost_second_factor,
            code_emailed: email_code,
            sessions_ended: ended,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(state: AccountState, totp: bool, email: Option<&str>) -> accounts::AccountRow {
        accounts::AccountRow {
            id: AccountId::from_uuid_text("00000000-0000-4000-8000-000000000001".into()),
            kind: AccountKind::Patient,
            login: "marie@example.nc".into(),
            display_name: "Marie".into(),
            email: email.map(str::to_owned),
            password_hash: Some("x".into()),
            totp_secret: totp.then(|| "JBSWY3DPEHPK3PXP".to_owned()),
            totp_key_id: None,
            totp_confirmed: totp,
            totp_last_step: 0,
            state,
            created_at_ms: 0,
            updated_at_ms: 0,
        }
    }

    /// A request's facts: state, second factor, e-mail, links within the hour; and the result.
    type Row<'a> = (
        AccountState,
        bool,
        Option<&'a str>,
        i64,
        Result<&'a str, &'a str>,
    );

    /// Which requests send a link.
    #[test]
    fn a_link_goes_only_to_an_active_enrolled_account_with_an_address_under_the_limit() {
        use AccountState::*;
        let mail = Some("marie@example.nc");
        let table: &[Row] = &[
            (Active, true, mail, 0, Ok("marie@example.nc")),
            (
                Active,
                true,
                mail,
                MAX_LINKS_PER_HOUR - 1,
                Ok("marie@example.nc"),
            ),
            (
                Active,
                true,
                mail,
                MAX_LINKS_PER_HOUR,
                Err("too_many_links"),
            ),
            (Active, true, None, 0, Err("no_email")),
            (Active, true, Some("  "), 0, Err("no_email")),
            (Active, false, mail, 0, Err("account_not_active")),
            (Pending, true, mail, 0, Err("account_not_active")),
            (Suspended, true, mail, 0, Err("account_not_active")),
            (Closed, true, mail, 0, Err("account_not_active")),
        ];
        for (state, totp, email, sent, expected) in table {
            let row = account(*state, *totp, *email);
            let got = request_outcome(&row, *sent);
            assert_eq!(
                got, *expected,
                "{state:?} totp={totp} email={email:?} sent={sent}"
            );
        }
    }
}
