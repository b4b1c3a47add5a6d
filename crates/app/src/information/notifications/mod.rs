//! Notifications (DESIGN.md 6): what the patient (or a professional) is told, in the portal and
//! by e-mail. A notification and its outbox row are written in the transaction of the action
//! that causes them, so neither is lost nor sent for an action that did not happen; the
//! delivery job (`crate::information::outbox`) sends the e-mails.
//!
//! Texts are French and carry no medical content: no document title, no type, no reason of an
//! emergency access, no purpose of a consent request. This module must not read the clock.

mod access;
pub mod hidden;
pub mod inbox;
pub mod mode;
pub mod texts;
#[cfg(test)]
mod texts_tests;

use crate::AppError;
use mds_domain::{AccountId, AccountState, Language, PatientId, Timestamp};
use mds_store::{
    accounts, email_digest, new_id, notifications, outbox, patients, representations, Tx,
};
use serde::Serialize;

pub(crate) use access::{tell_access, AccessNotice};
pub use mode::EmailMode;
pub use texts::Message;

/// The kinds of notification. E-mail can be switched off for some; the others are sent
/// whatever the account chose (emergency accesses, account events).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    DocumentAdded,
    /// A professional deposited a new version of a document (EXI 09).
    DocumentReplaced,
    /// A professional withdrew (deleted) a document they had deposited (EXI 09).
    DocumentWithdrawn,
    FirstAccess,
    /// A professional's access to the record after their first (told once an hour at most).
    Access,
    BreakGlass,
    Samu,
    ConsentRequest,
    AnnouncementReminder,
    DepositorReminder,
    AccountActivated,
    AccountClosed,
    ErasureDone,
    /// Failed sign-ins with the account's login (sent once per run of failures).
    SignInFailures,
    /// Someone sent a self-enrolment naming the account's e-mail or record.
    EnrolmentAttempt,
    /// The account's password was changed (by whoever held a session, or by a reset link).
    PasswordChanged,
    /// Support removed the account's second factor and issued a new activation code.
    SecondFactorReset,
    /// Support decided a rectification request of the patient (applied or rejected).
    Rectification,
    /// Support limited the record's use, or lifted the limitation, on the patient's request.
    Limitation,
    /// The account's e-mail address (its login for a patient) was changed.
    EmailChanged,
    /// A passkey was added to the account or removed from it.
    PasskeyChanged,
    /// Support recorded or ended a legal representation (told to both people).
    Representation,
}

impl Kind {
    pub const ALL: [Kind; 22] = [
        Kind::DocumentAdded,
        Kind::DocumentReplaced,
        Kind::DocumentWithdrawn,
        Kind::FirstAccess,
        Kind::Access,
        Kind::BreakGlass,
        Kind::Samu,
        Kind::ConsentRequest,
        Kind::AnnouncementReminder,
        Kind::DepositorReminder,
        Kind::AccountActivated,
        Kind::AccountClosed,
        Kind::ErasureDone,
        Kind::SignInFailures,
        Kind::EnrolmentAttempt,
        Kind::PasswordChanged,
        Kind::SecondFactorReset,
        Kind::Rectification,
        Kind::Limitation,
        Kind::EmailChanged,
        Kind::PasskeyChanged,
        Kind::Representation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::DocumentAdded => "document_added",
            Kind::DocumentReplaced => "document_replaced",
            Kind::DocumentWithdrawn => "document_withdrawn",
            Kind::FirstAccess => "first_access",
            Kind::Access => "access",
            Kind::BreakGlass => "break_glass",
            Kind::Samu => "samu",
            Kind::ConsentRequest => "consent_request",
            Kind::AnnouncementReminder => "announcement_reminder",
            Kind::DepositorReminder => "depositor_reminder",
            Kind::AccountActivated => "account_activated",
            Kind::AccountClosed => "account_closed",
            Kind::ErasureDone => "erasure_done",
            Kind::SignInFailures => "sign_in_failures",
            Kind::EnrolmentAttempt => "enrolment_attempt",
            Kind::PasswordChanged => "password_changed",
            Kind::SecondFactorReset => "second_factor_reset",
            Kind::Rectification => "rectification",
            Kind::Limitation => "limitation",
            Kind::EmailChanged => "email_changed",
            Kind::PasskeyChanged => "passkey_changed",
            Kind::Representation => "representation",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Sent by e-mail whatever the account chose.
    pub fn mandatory(self) -> bool {
        matches!(
            self,
            Kind::BreakGlass
                | Kind::Samu
                | Kind::AccountActivated
                | Kind::AccountClosed
                | Kind::ErasureDone
                | Kind::SignInFailures
                | Kind::EnrolmentAttempt
                | Kind::PasswordChanged
                | Kind::SecondFactorReset
                | Kind::Rectification
                | Kind::Limitation
                | Kind::EmailChanged
                | Kind::PasskeyChanged
                | Kind::Representation
        )
    }

    /// Events of the account itself: e-mailed even though the account is no longer active
    /// (closure, erasure) — that is the point of telling.
    pub fn account_event(self) -> bool {
        matches!(
            self,
            Kind::AccountActivated
                | Kind::AccountClosed
                | Kind::ErasureDone
                | Kind::SignInFailures
                | Kind::EnrolmentAttempt
                | Kind::PasswordChanged
                | Kind::SecondFactorReset
                | Kind::EmailChanged
                | Kind::PasskeyChanged
        )
    }

    /// French label shown with the preference.
    pub fn label_fr(self) -> &'static str {
        match self {
            Kind::DocumentAdded => "Nouveau document dans mon dossier",
            Kind::DocumentReplaced => "Nouvelle version d'un document de mon dossier",
            Kind::DocumentWithdrawn => "Document retiré de mon dossier",
            Kind::FirstAccess => "Premier accès d'un professionnel à mon dossier",
            Kind::Access => "Chaque accès d'un professionnel à mon dossier",
            Kind::BreakGlass => "Accès d'urgence (bris de glace)",
            Kind::Samu => "Accès du SAMU (régulation)",
            Kind::ConsentRequest => "Demande d'accès d'un professionnel",
            Kind::AnnouncementReminder => "Document en attente d'une consultation",
            Kind::DepositorReminder => "Rappel : document masqué au patient",
            Kind::AccountActivated => "Activation du compte",
            Kind::AccountClosed => "Clôture du compte",
            Kind::ErasureDone => "Suppression des données",
            Kind::SignInFailures => "Tentatives de connexion échouées",
            Kind::EnrolmentAttempt => "Demande d'inscription avec mes informations",
            Kind::PasswordChanged => "Changement de mot de passe",
            Kind::SecondFactorReset => "Réinitialisation du second facteur",
            Kind::Rectification => "Réponse à une demande de rectification",
            Kind::Limitation => "Limitation de l'utilisation de mon dossier",
            Kind::EmailChanged => "Changement d'adresse e-mail",
            Kind::PasskeyChanged => "Ajout ou retrait d'une clé d'accès",
            Kind::Representation => "Représentation légale (début ou fin)",
        }
    }

    /// English label shown with the preference.
    pub fn label_en(self) -> &'static str {
        match self {
            Kind::DocumentAdded => "New document in my record",
            Kind::DocumentReplaced => "New version of a document in my record",
            Kind::DocumentWithdrawn => "Document withdrawn from my record",
            Kind::FirstAccess => "A professional's first access to my record",
            Kind::Access => "Every access of a professional to my record",
            Kind::BreakGlass => "Emergency access (break-glass)",
            Kind::Samu => "SAMU access (regulation)",
            Kind::ConsentRequest => "Access request from a professional",
            Kind::AnnouncementReminder => "Document awaiting a consultation",
            Kind::DepositorReminder => "Reminder: document hidden from the patient",
            Kind::AccountActivated => "Account activation",
            Kind::AccountClosed => "Account closure",
            Kind::ErasureDone => "Deletion of the data",
            Kind::SignInFailures => "Failed sign-in attempts",
            Kind::EnrolmentAttempt => "Sign-up request with my details",
            Kind::PasswordChanged => "Password change",
            Kind::SecondFactorReset => "Second factor reset",
            Kind::Rectification => "Answer to a rectification request",
            Kind::Limitation => "Restriction of the use of my record",
            Kind::EmailChanged => "E-mail address change",
            Kind::PasskeyChanged => "Passkey added or removed",
            Kind::Representation => "Legal representation (start or end)",
        }
    }
}

/// Who is told: an account, its e-mail address and whether it is active.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Recipient {
    pub account_id: AccountId,
    pub email: Option<String>,
    pub active: bool,
    /// The language of its e-mails.
    pub language: Language,
}

/// What was queued for one notification.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Queued {
    pub in_app: bool,
    /// An e-mail of its own (the outbox).
    pub email: bool,
    /// A line of the next daily digest.
    pub digest: bool,
}

/// The portal account of a record, if it has one (the record's e-mail as a fallback).
pub(crate) async fn recipient_of_patient(
    tx: &mut Tx,
    patient_id: &PatientId,
) -> Result<Option<Recipient>, AppError> {
    let Some(p) = patients::by_id(&mut *tx, patient_id).await? else {
        return Ok(None);
    };
    let Some(account_id) = p.account_id else {
        return Ok(None);
    };
    let r = recipient_of_account(tx, &account_id).await?;
    Ok(r.map(|r| Recipient {
        email: r.email.or(p.email),
        ..r
    }))
}

pub(crate) async fn recipient_of_account(
    tx: &mut Tx,
    account_id: &AccountId,
) -> Result<Option<Recipient>, AppError> {
    let Some(a) = accounts::by_id(&mut *tx, account_id).await? else {
        return Ok(None);
    };
    let language = accounts::language(&mut *tx, &a.id).await?;
    Ok(Some(Recipient {
        account_id: a.id,
        email: a.email.filter(|e| !e.trim().is_empty()),
        active: a.state == AccountState::Active,
        language,
    }))
}

/// Writes the in-app notification (when `in_app`) and, as the recipient's choice routes it,
/// the outbox row or the digest line, in the caller's transaction.
pub(crate) async fn queue(
    tx: &mut Tx,
    r: &Recipient,
    m: &Message,
    in_app: bool,
    now: Timestamp,
) -> Result<Queued, AppError> {
    let mut queued = Queued::default();
    if in_app {
        notifications::insert(
            &mut *tx,
            &notifications::NotificationRow {
                id: new_id(),
                account_id: r.account_id.clone(),
                kind: m.kind.as_str().to_owned(),
                text: m.in_app.clone(),
                text_en: Some(m.en.in_app.clone()),
                created_at_ms: now.millis(),
                read_at_ms: None,
                document_id: m.about.document_id.clone(),
                actor_id: m.about.actor_id.clone(),
            },
        )
        .await?;
        queued.in_app = true;
    }
    let choices = notifications::preferences(&mut *tx, &r.account_id).await?;
    let chosen = EmailMode::chosen(&choices, m.kind);
    match (mode::route(m.kind, r, chosen), &r.email) {
        (mode::Route::Outbox, Some(email)) => {
            outbox::insert(
                &mut *tx,
                &outbox::EmailRow::queued(
                    Some(r.account_id.clone()),
                    email.clone(),
                    m.kind.as_str().to_owned(),
                    m.subject_in(r.language).to_owned(),
                    m.email_body_in(r.language),
                    now.millis(),
                ),
            )
            .await?;
            queued.email = true;
        }
        (mode::Route::Digest, Some(_)) => {
            let line = m.digest_line_in(r.language, now);
            email_digest::insert(
                &mut *tx,
                &r.account_id,
                m.kind.as_str(),
                &line,
                now.millis(),
            )
            .await?;
            queued.digest = true;
        }
        _ => {}
    }
    Ok(queued)
}

/// « Léa Wamytan »: a record's holder as named to their representative (first first-name and
/// birth name).
pub(crate) fn person_name(p: &patients::PatientRow) -> String {
    let first: Vec<String> = serde_json::from_str(&p.first_names).unwrap_or_default();
    format!(
        "{} {}",
        first.first().map_or("", String::as_str),
        p.birth_name
    )
    .trim()
    .to_owned()
}

/// Tells the owner of a record, if the record has a portal account, and the legal
/// representatives of its holder whose representation runs at `now` (issue 15: they act with
/// the patient's rights, so they are informed as the patient is — a minor's record often has
/// no account of its own). A representative's copy names the person in the portal and says in
/// the e-mail that it is about someone they represent, never whom.
pub(crate) async fn tell_patient(
    tx: &mut Tx,
    patient_id: &PatientId,
    m: &Message,
    now: Timestamp,
) -> Result<Queued, AppError> {
    let mut told = match recipient_of_patient(tx, patient_id).await? {
        Some(r) => queue(tx, &r, m, true, now).await?,
        None => Queued::default(),
    };
    let running: Vec<_> = representations::for_patient(&mut *tx, patient_id)
        .await?
        .into_iter()
        .filter(|r| r.is_current(now.millis()))
        .collect();
    if running.is_empty() {
        return Ok(told);
    }
    let person = match patients::by_id(&mut *tx, patient_id).await? {
        Some(p) => person_name(&p),
        None => return Ok(told),
    };
    let copy = Message {
        in_app: format!("Dossier de {person}, que vous représentez : {}", m.in_app),
        subject: format!("Personne représentée — {}", m.subject),
        body: format!(
            "Ce message concerne le dossier d'une personne que vous représentez légalement.\n\n{}",
            m.body
        ),
        en: texts::English {
            in_app: format!("Record of {person}, whom you represent: {}", m.en.in_app),
            subject: format!("Person you represent — {}", m.en.subject),
            body: format!(
                "This message is about the record of a person you legally represent.\n\n{}",
                m.en.body
            ),
        },
        ..m.clone()
    };
    for rep in running {
        if let Some(r) = recipient_of_account(tx, &rep.representative_account_id).await? {
            let q = queue(tx, &r, &copy, true, now).await?;
            told.in_app |= q.in_app;
            told.email |= q.email;
            told.digest |= q.digest;
        }
    }
    Ok(told)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("nope"), None);
    }
}
