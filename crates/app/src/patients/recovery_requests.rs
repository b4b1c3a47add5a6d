//! A lost second factor, asked for from the public form (issue 15, items 1 and 8): the person
//! types their login and what happened and, for a patient, joins a new scan of an identity
//! document. Support finds the request in its queue, compares the scan with the record's
//! identity (or a professional's data with the directory), re-issues an enrolment through
//! `recovery::reissue_enrolment` when satisfied, then closes the request: handled, or
//! rejected with a reason the person is told by e-mail.
//!
//! - The sender learns nothing about the login: every well-formed request gets the same
//!   answer, whether it names an account or not, and whether it was kept.
//! - A request is kept only for an active or pending account, at most
//!   [`MAX_REQUESTS_PER_DAY`] a day per account; the account's address is told at once (someone
//!   who did not ask knows to call support).
//! - The scan is sealed in the vault like an enrolment scan and leaves it when the request is
//!   closed, or when the record is erased. (Any kind of account may ask; the module sits with
//!   the patients because the identity files and their checks are theirs.)
//! - Everything is audited: the request kept or not (never the typed login when it names no
//!   account), each scan read, each closing. The work done is the same whatever the login (the
//!   scan sealed, one durable event), and an address sends a bounded number an hour.

use crate::accounts::sign_in::auth_event;
use crate::information::notifications::texts::{FOOTER, FOOTER_EN};
use crate::patients::identity::check_identity_file;
use crate::{Actor, App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{
    AccountId, AccountKind, AccountState, FileOwnerKind, FilePurpose, Format, Language, PatientId,
    RecoveryState, Timestamp,
};
use mds_store::{accounts, identity_files, new_id, outbox, patients, recovery_requests};
use serde::Serialize;

/// Requests kept per account within 24 hours, at most.
pub const MAX_REQUESTS_PER_DAY: i64 = 3;
/// The longest message, and the longest reason support gives.
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// Pending requests listed at most.
const QUEUE_MAX: i64 = 200;

/// What the public form sends.
#[derive(Clone, Debug, Default)]
pub struct RecoveryRequest {
    pub login: String,
    /// What happened (a lost phone, a new number…), in the person's words.
    pub message: String,
    /// A scan of an identity document (a patient's); empty when none was joined.
    pub identity_document: Vec<u8>,
}

/// A pending request as support sees it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = RecoveryRequestOut)]
pub struct RecoveryRequestView {
    pub id: String,
    #[schema(value_type = String)]
    pub account_id: AccountId,
    /// patient, professional, assistant or support.
    #[schema(value_type = String)]
    pub account_kind: AccountKind,
    pub login: String,
    pub display_name: String,
    /// The record of a patient's account.
    #[schema(value_type = Option<String>)]
    pub patient_id: Option<PatientId>,
    pub message: String,
    pub submitted_at_ms: i64,
    /// The scan joined, when there is one (its id and format).
    pub scan_id: Option<String>,
    #[schema(value_type = Option<String>)]
    pub scan_format: Option<Format>,
}

/// The typed text, bounded (1 to [`MAX_MESSAGE_CHARS`]) and checked as any typed text
/// ([`AppError::check_typed`]), or the refusal naming the field.
fn checked_text(text: &str, code: &'static str, what: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_MESSAGE_CHARS {
        return Err(AppError::invalid(
            code,
            format!("{what} : de 1 à {MAX_MESSAGE_CHARS} caractères."),
        ));
    }
    AppError::check_typed(code, what, text, true)?;
    Ok(text.to_owned())
}

impl App {
    /// Anyone. Keeps the request when the login names an account that may have one (see the
    /// module); answers the same in every case once the form is well-formed. Costs the same
    /// whatever the login: the scan is sealed first and one event is made durable in every
    /// case (a scan not kept is then deleted), so that the time taken says nothing. An address
    /// sends at most `enrolment_max_per_address_hour` requests an hour (429 past it).
    pub async fn request_recovery(
        &self,
        r: RecoveryRequest,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let login = r.login.trim();
        if login.is_empty() || login.chars().count() > 254 {
            return Err(AppError::invalid(
                "login_required",
                "Indiquez l'identifiant de votre compte (votre adresse e-mail pour un patient).",
            ));
        }
        let message = checked_text(&r.message, "invalid_message", "Votre message")?;
        let scan_format = if r.identity_document.is_empty() {
            None
        } else {
            Some(check_identity_file(
                &r.identity_document,
                "pièce d'identité",
            )?)
        };
        if let Some(ip) = &ip {
            if let Some(retry_after_seconds) = self
                .count_per_address_hour(&format!("recovery:{ip}"), now)
                .await?
            {
                return Err(AppError::Throttled {
                    retry_after_seconds,
                });
            }
        }
        let id = new_id();
        let file = match scan_format {
            Some(format) => Some(
                self.seal_identity_file(
                    (FileOwnerKind::Recovery, &id),
                    FilePurpose::IdentityDocument,
                    format,
                    &r.identity_document,
                    now,
                )
                .await?,
            ),
            None => None,
        };
        let sealed: Vec<String> = file.iter().map(|f| f.object_key.clone()).collect();
        let kept = self
            .store_recovery(&id, login, message, file, ip, now)
            .await;
        if !matches!(kept, Ok(true)) {
            self.discard_objects(&sealed).await;
        }
        kept.map(|_| ())
    }

    /// The request's transaction: the request, its scan and the account's e-mail when the
    /// login names an account that may ask; the event in every case. Whether it was kept.
    async fn store_recovery(
        &self,
        id: &str,
        login: &str,
        message: String,
        file: Option<identity_files::IdentityFileRow>,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<bool, AppError> {
        let account = accounts::by_login(&self.db, login).await?;
        let day_ago = now.millis() - 86_400_000;
        let refused = match &account {
            None => Some("unknown_login"),
            Some(a) if !matches!(a.state, AccountState::Active | AccountState::Pending) => {
                Some("account_state")
            }
            Some(a)
                if recovery_requests::count_since(&self.db, &a.id, day_ago).await?
                    >= MAX_REQUESTS_PER_DAY =>
            {
                Some("limit")
            }
            Some(_) => None,
        };
        let mut tx = self.db.begin().await?;
        if let (None, Some(account)) = (refused, &account) {
            let row = recovery_requests::RecoveryRequestRow {
                id: id.to_owned(),
                account_id: account.id.clone(),
                message,
                submitted_at_ms: now.millis(),
                state: RecoveryState::Pending,
                decided_by: None,
                decided_at_ms: None,
                decision_note: None,
            };
            recovery_requests::insert(&mut tx, &row).await?;
            if let Some(f) = &file {
                identity_files::insert(&mut tx, f).await?;
            }
            if let Some(email) = &account.email {
                let when = now.to_noumea_display();
                let (subject, body) = match accounts::language(&mut tx, &account.id).await? {
                    Language::Fr => (
                        "Demande d'aide pour votre compte Mon Drive Santé",
                        format!(
                            "Bonjour,\n\nUne demande d'aide pour retrouver l'accès à votre compte \
                             Mon Drive Santé (second facteur perdu) vient d'être transmise au \
                             support, le {when} (heure de Nouméa). Le support vérifiera votre \
                             identité avant toute chose.\n\nSi vous n'avez rien demandé, \
                             contactez le support : quelqu'un d'autre essaie peut-être d'accéder \
                             à votre compte.{FOOTER}"
                        ),
                    ),
                    Language::En => (
                        "Request for help with your Mon Drive Santé account",
                        format!(
                            "Hello,\n\nA request for help to get back into your Mon Drive Santé \
                             account (second factor lost) was just sent to support, on {when} \
                             (Nouméa time). Support will check your identity before anything \
                             else.\n\nIf you asked for nothing, contact support: someone else \
                             may be trying to get into your account.{FOOTER_EN}"
                        ),
                    ),
                };
                outbox::insert(
                    &mut tx,
                    &outbox::EmailRow::queued(
                        Some(account.id.clone()),
                        email.clone(),
                        "recovery_request".to_owned(),
                        subject.to_owned(),
                        body,
                        now.millis(),
                    ),
                )
                .await?;
            }
        }
        // The typed login is never recorded: an unknown one is named by nothing.
        let detail = match (&account, refused) {
            (Some(a), None) => {
                serde_json::json!({ "account_id": a.id, "request_id": id, "scan": file.is_some() })
            }
            (Some(a), Some(why)) => serde_json::json!({ "account_id": a.id, "result": why }),
            (None, why) => serde_json::json!({ "result": why }),
        };
        let outcome = if refused.is_none() {
            Outcome::Success
        } else {
            Outcome::Failure
        };
        let ev = auth_event("account.recovery_request", None, outcome, ip, detail);
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(refused.is_none())
    }

    /// Support only. How many requests wait (the console's navigation shows it).
    pub async fn pending_recovery_count(&self, actor: &Actor) -> Result<i64, AppError> {
        actor.require(AccountKind::Support)?;
        Ok(recovery_requests::count_pending(&self.db).await?)
    }

    /// Support only. The pending requests, oldest first; audited.
    pub async fn list_recovery_requests(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Vec<RecoveryRequestView>, AppError> {
        actor.require(AccountKind::Support)?;
        let mut out = Vec::new();
        for r in recovery_requests::pending(&self.db, QUEUE_MAX).await? {
            let Some(account) = accounts::by_id(&self.db, &r.account_id).await? else {
                continue;
            };
            let patient_id = match account.kind {
                AccountKind::Patient => patients::by_account(&self.db, &account.id)
                    .await?
                    .map(|p| p.id),
                _ => None,
            };
            let scan = identity_files::for_owner(&self.db, FileOwnerKind::Recovery, &r.id)
                .await?
                .into_iter()
                .next();
            out.push(RecoveryRequestView {
                id: r.id,
                account_id: account.id,
                account_kind: account.kind,
                login: account.login,
                display_name: account.display_name,
                patient_id,
                message: r.message,
                submitted_at_ms: r.submitted_at_ms,
                scan_id: scan.as_ref().map(|f| f.id.clone()),
                scan_format: scan.map(|f| f.format),
            });
        }
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            detail: serde_json::json!({ "pending": out.len() }),
            ..NewEvent::new(
                ActorKind::Support,
                "account.recovery_request.list",
                Outcome::Success,
            )
        };
        self.record_event(ev, now.millis()).await?;
        Ok(out)
    }

    /// Support only. The scan of a pending request, decrypted, and its format; audited (with
    /// the record, for a patient).
    pub async fn read_recovery_scan(
        &self,
        actor: &Actor,
        request_id: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(bytes::Bytes, Format), AppError> {
        actor.require(AccountKind::Support)?;
        let r = recovery_requests::by_id(&self.db, request_id)
            .await?
            .filter(|r| r.state == RecoveryState::Pending)
            .ok_or(AppError::NotFound)?;
        let file = identity_files::for_owner(&self.db, FileOwnerKind::Recovery, &r.id)
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::NotFound)?;
        let content = self
            .vault
            .get(&file.object_key, &file.wrapped_key, &file.key_id)
            .await?;
        let patient = patients::by_account(&self.db, &r.account_id).await?;
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: patient.map(|p| p.id.to_string()),
            detail: serde_json::json!({ "request_id": r.id, "account_id": r.account_id }),
            ip,
            ..NewEvent::new(
                ActorKind::Support,
                "account.recovery_request.scan.read",
                Outcome::Success,
            )
        };
        self.record_event(ev, now.millis()).await?;
        Ok((content, file.format))
    }

    /// Support only. Closes a pending request: `Handled` (a note is optional), or `Rejected`
    /// with the reason the person is told by e-mail. The scan leaves the vault. A request no
    /// longer pending is `already_decided`.
    pub async fn close_recovery_request(
        &self,
        actor: &Actor,
        request_id: &str,
        state: RecoveryState,
        note: &str,
        now: Timestamp,
    ) -> Result<(), AppError> {
        actor.require(AccountKind::Support)?;
        let note = match (state, note.trim().is_empty()) {
            (RecoveryState::Pending, _) => {
                return Err(AppError::invalid(
                    "invalid_state",
                    "Une demande se clôt comme traitée ou refusée.",
                ))
            }
            (RecoveryState::Handled, true) => None,
            _ => Some(checked_text(note, "reason_required", "Le motif")?),
        };
        let r = recovery_requests::by_id(&self.db, request_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let files = identity_files::for_owner(&self.db, FileOwnerKind::Recovery, &r.id).await?;
        let account = accounts::by_id(&self.db, &r.account_id).await?;
        let mut tx = self.db.begin().await?;
        let closed = recovery_requests::decide(
            &mut tx,
            &r.id,
            state,
            &actor.account_id,
            now.millis(),
            note.as_deref(),
        )
        .await?;
        if !closed {
            return Err(AppError::conflict(
                "already_decided",
                "Cette demande a déjà été traitée.",
            ));
        }
        identity_files::delete_for_owner(&mut tx, FileOwnerKind::Recovery, &r.id).await?;
        if let (RecoveryState::Rejected, Some(a), Some(reason)) = (state, &account, &note) {
            if let Some(email) = &a.email {
                let (subject, body) = match accounts::language(&mut tx, &a.id).await? {
                    Language::Fr => (
                        "Votre demande d'aide pour votre compte Mon Drive Santé",
                        format!(
                            "Bonjour,\n\nLe support de Mon Drive Santé n'a pas pu donner suite à \
                             votre demande d'aide pour retrouver l'accès à votre compte :\n\n\
                             {reason}\n\nVous pouvez envoyer une nouvelle demande, ou contacter \
                             le support.{FOOTER}"
                        ),
                    ),
                    Language::En => (
                        "Your request for help with your Mon Drive Santé account",
                        format!(
                            "Hello,\n\nMon Drive Santé support could not follow up your request \
                             for help to get back into your account:\n\n{reason}\n\nYou can send \
                             a new request, or contact support.{FOOTER_EN}"
                        ),
                    ),
                };
                outbox::insert(
                    &mut tx,
                    &outbox::EmailRow::queued(
                        Some(a.id.clone()),
                        email.clone(),
                        "recovery_request".to_owned(),
                        subject.to_owned(),
                        body,
                        now.millis(),
                    ),
                )
                .await?;
            }
        }
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            detail: serde_json::json!({ "request_id": r.id, "account_id": r.account_id, "state": state }),
            ..NewEvent::new(
                ActorKind::Support,
                "account.recovery_request.close",
                Outcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        let keys: Vec<String> = files.into_iter().map(|f| f.object_key).collect();
        self.discard_objects(&keys).await;
        Ok(())
    }

    /// The vault objects of an account's requests, before the account is erased.
    pub(crate) async fn recovery_objects_of(
        &self,
        account: &AccountId,
    ) -> Result<Vec<String>, AppError> {
        let mut keys = Vec::new();
        for id in recovery_requests::ids_of_account(&self.db, account).await? {
            for f in identity_files::for_owner(&self.db, FileOwnerKind::Recovery, &id).await? {
                keys.push(f.object_key);
            }
        }
        Ok(keys)
    }
}

/// Removes an erased account's requests and their scans' rows, in the erasure's transaction.
pub(crate) async fn forget_account(
    tx: &mut mds_store::Tx,
    account: &AccountId,
) -> Result<(), AppError> {
    for id in recovery_requests::ids_of_account(&mut *tx, account).await? {
        identity_files::delete_for_owner(&mut *tx, FileOwnerKind::Recovery, &id).await?;
    }
    recovery_requests::delete_for_account(&mut *tx, account).await?;
    Ok(())
}
