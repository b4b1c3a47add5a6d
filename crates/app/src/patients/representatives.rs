//! Legal representatives and protected adults (issue 15, item 5). Support records, on the legal
//! document it checked (a minor's parenthood, a guardianship or curatorship judgment), that the
//! holder of an active patient account represents a person until a last day
//! (`mds_domain::representation::check_term`); the document is sealed in the vault as an
//! identity file of the represented record. The representative then signs in with their own
//! account and acts on the represented record with the patient's rights: the policy decides
//! (mode `representative`, rules `representation.ended` and `representation.record_closed`),
//! so every surface that names the record — the patient portal after « Agir pour … », REST,
//! FHIR — applies the same rules, and every event of theirs is recorded with that mode, which
//! the history words « votre représentant légal ». Support may end a representation early.
//! Both people are told when one starts or ends; the representative is told of what happens on
//! the record as its holder is (`notifications::tell_patient`).
//!
//! What stays the representative's own: their account (password, second factor, contact) and
//! the account-level requests on their own record. Closing, erasing or rectifying the
//! represented record goes through support, which checks the representative's standing.

use crate::information::notifications::{self, person_name, Message};
use crate::patients::identity::check_identity_file;
use crate::{Actor, App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::representation::check_term;
use mds_domain::{
    AccountKind, AccountState, FileOwnerKind, FilePurpose, Format, Login, PatientId,
    RepresentationKind, Timestamp,
};
use mds_store::representations::{self, RepresentationRow};
use mds_store::{accounts, identity_files, new_id, patients, sessions};
use serde::Serialize;

/// What support types to record a representation.
#[derive(Clone, Debug)]
pub struct RepresentationInput<'a> {
    /// The representative's login (the e-mail address of their patient account).
    pub login: &'a str,
    pub kind: RepresentationKind,
    /// The last day of the representation, included (`AAAA-MM-JJ` or `JJ/MM/AAAA`).
    pub last_day: &'a str,
    /// The reference of the request (sealed in the audit under the record's key).
    pub reference: &'a str,
    /// The legal document (PDF, JPEG or PNG).
    pub document: &'a [u8],
}

/// A representation as support sees it on the record's page.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = RepresentationOut)]
pub struct RepresentationView {
    pub id: String,
    #[schema(value_type = String)]
    pub patient_id: PatientId,
    #[schema(value_type = String)]
    pub representative_account_id: mds_domain::AccountId,
    pub representative_name: String,
    pub representative_login: String,
    /// parent, guardian or curator.
    #[schema(value_type = String)]
    pub kind: RepresentationKind,
    /// The last day included, `JJ/MM/AAAA` in Nouméa.
    pub last_day: String,
    /// The instant it ends (the day after the last day, midnight in Nouméa).
    #[schema(value_type = String)]
    pub ends_at: Timestamp,
    #[schema(value_type = String)]
    pub recorded_at: Timestamp,
    /// Ended early by support.
    #[schema(value_type = Option<String>)]
    pub ended_at: Option<Timestamp>,
    /// Running now.
    pub current: bool,
}

/// A record the signed-in account represents, as offered on their portal.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = RepresentedOut)]
pub struct Represented {
    #[schema(value_type = String)]
    pub patient_id: PatientId,
    /// « Léa Wamytan ».
    pub name: String,
    #[schema(value_type = String)]
    pub kind: RepresentationKind,
    /// The last day included, `JJ/MM/AAAA`.
    pub last_day: String,
    /// The session acts for this record now.
    pub acting: bool,
}

/// The record a patient-portal session works on: the account's own, or the one it acts for as
/// a legal representative.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortalRecord {
    pub patient_id: PatientId,
    pub state: AccountState,
    /// The represented person's name when the session acts for them.
    pub acting_for: Option<String>,
}

/// The sealed legal document of a representation.
#[derive(Clone, Debug)]
pub struct LegalDocument {
    pub format: Format,
    pub content: bytes::Bytes,
}

fn invalid(code: &'static str, message: &str) -> AppError {
    AppError::invalid(code, message.to_owned())
}

fn day_text(d: time::Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// The last day included of a representation ending at `ends_at_ms`.
fn last_day_of(ends_at_ms: i64) -> String {
    Timestamp::from_millis(ends_at_ms - 1)
        .noumea_date()
        .map_or_else(String::new, day_text)
}

impl App {
    /// Support only. Records that the holder of the active patient account `input.login`
    /// represents the person of `patient_id` until `input.last_day` (included), on the legal
    /// document given. The record must be open (active or without an account) and its holder
    /// alive; a running representation of the same person by the same account is refused.
    pub async fn record_representation(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        input: RepresentationInput<'_>,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<RepresentationView, AppError> {
        actor.require(AccountKind::Support)?;
        let reference = super::life::request_reference(input.reference)?;
        let p = self.patient(patient_id).await?;
        if !matches!(
            p.record_state,
            AccountState::Active | AccountState::Inactive
        ) {
            return Err(super::life::invalid_state(Some(p.record_state)));
        }
        if p.died_on.is_some() {
            return Err(AppError::conflict(
                "patient_deceased",
                "Le décès de cette personne est enregistré : elle n'a plus de représentant \
                 légal. Ses ayants droit s'adressent au support (demande d'un ayant droit).",
            ));
        }
        let representative = match Login::parse(input.login) {
            Some(login) => accounts::by_login(&self.db, login.as_str()).await?,
            None => None,
        }
        .filter(|a| a.kind == AccountKind::Patient && a.state == AccountState::Active)
        .ok_or_else(|| {
            invalid(
                "representative_unknown",
                "Aucun compte patient actif n'a cet identifiant : le représentant doit d'abord \
                 avoir son propre compte Mon Drive Santé.",
            )
        })?;
        if p.account_id.as_ref() == Some(&representative.id) {
            return Err(invalid(
                "representative_is_holder",
                "Une personne ne peut pas être son propre représentant légal.",
            ));
        }
        let today = now
            .noumea_date()
            .ok_or_else(|| invalid("invalid_date", "La date du jour est invalide."))?;
        let last_day = mds_domain::time::parse_day(input.last_day).ok_or_else(|| {
            invalid(
                "representation_end_invalid",
                "Indiquez le dernier jour de la représentation (JJ/MM/AAAA).",
            )
        })?;
        let born = mds_domain::time::parse_day(&p.birth_date)
            .ok_or_else(|| AppError::Internal("stored birth date unreadable".to_owned()))?;
        check_term(input.kind, born, last_day, today)
            .map_err(|r| AppError::invalid(r.code(), r.message_fr()))?;
        let ends_at = last_day
            .next_day()
            .and_then(Timestamp::noumea_midnight)
            .ok_or_else(|| invalid("representation_end_invalid", "La date de fin est invalide."))?;
        let running = representations::for_patient(&self.db, patient_id).await?;
        if running
            .iter()
            .any(|r| r.representative_account_id == representative.id && r.is_current(now.millis()))
        {
            return Err(AppError::conflict(
                "representation_exists",
                "Cette personne est déjà enregistrée comme représentant légal de ce patient. \
                 Mettez fin à la représentation en cours avant d'en enregistrer une nouvelle.",
            ));
        }
        let format = check_identity_file(input.document, "document légal")?;
        let file = self
            .seal_identity_file(
                (FileOwnerKind::Patient, patient_id.as_str()),
                FilePurpose::LegalRepresentation,
                format,
                input.document,
                now,
            )
            .await?;
        let reference = self
            .seal_for_audit(&p.id, "request", &reference, now.millis())
            .await?;
        let row = RepresentationRow {
            id: new_id(),
            patient_id: p.id.clone(),
            representative_account_id: representative.id.clone(),
            kind: input.kind,
            document_file_id: file.id.clone(),
            ends_at_ms: ends_at.millis(),
            recorded_by: actor.account_id.clone(),
            recorded_at_ms: now.millis(),
            ended_at_ms: None,
            ended_by: None,
        };
        let person = person_name(&p);
        let last = day_text(last_day);
        let committed = async {
            let mut tx = self.db.begin().await?;
            identity_files::insert(&mut tx, &file).await?;
            representations::insert(&mut tx, &row).await?;
            let ev = NewEvent {
                actor_id: Some(actor.account_id.to_string()),
                patient_id: Some(p.id.to_string()),
                ip: ip.clone(),
                detail: serde_json::json!({
                    "representation_id": row.id,
                    "kind": row.kind.as_str(),
                    "representative_account_id": row.representative_account_id,
                    "ends_at_ms": row.ends_at_ms,
                    "file_id": file.id,
                    "sha256": file.sha256,
                    "request": reference,
                }),
                ..NewEvent::new(
                    ActorKind::Support,
                    "representation.record",
                    Outcome::Success,
                )
            };
            mds_audit::append(&mut tx, ev, now.millis()).await?;
            if let Some(r) =
                notifications::recipient_of_account(&mut tx, &representative.id).await?
            {
                let m = Message::representation(true, &person, &last);
                notifications::queue(&mut tx, &r, &m, true, now).await?;
            }
            if let Some(account) = &p.account_id {
                if let Some(r) = notifications::recipient_of_account(&mut tx, account).await? {
                    let m = Message::represented(true, &representative.display_name, &last);
                    notifications::queue(&mut tx, &r, &m, true, now).await?;
                }
            }
            tx.commit().await?;
            Ok::<_, AppError>(())
        }
        .await;
        if let Err(e) = committed {
            self.discard_objects(std::slice::from_ref(&file.object_key))
                .await;
            return Err(e);
        }
        Ok(view(
            &row,
            &representative.display_name,
            &representative.login,
            now,
        ))
    }

    /// Support only. Ends the running representation `id` of the record now (a judgment
    /// lifted, a parent's authority withdrawn, a mistake). Both people are told; the
    /// representative's sessions acting for the record go back to their own.
    pub async fn end_representation(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        id: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        actor.require(AccountKind::Support)?;
        let row = representations::by_id(&self.db, id)
            .await?
            .filter(|r| &r.patient_id == patient_id)
            .ok_or(AppError::NotFound)?;
        if !row.is_current(now.millis()) {
            return Err(AppError::conflict(
                "representation_ended",
                "Cette représentation a déjà pris fin.",
            ));
        }
        let p = self.patient(patient_id).await?;
        let representative = accounts::by_id(&self.db, &row.representative_account_id).await?;
        let rep_name = representative
            .as_ref()
            .map_or_else(String::new, |a| a.display_name.clone());
        let mut tx = self.db.begin().await?;
        if !representations::end(&mut tx, &row.id, &actor.account_id, now.millis()).await? {
            return Err(AppError::conflict(
                "representation_ended",
                "Cette représentation a déjà pris fin.",
            ));
        }
        sessions::forget_acting_for(&mut tx, &row.representative_account_id, patient_id).await?;
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: Some(p.id.to_string()),
            ip,
            detail: serde_json::json!({
                "representation_id": row.id,
                "kind": row.kind.as_str(),
                "representative_account_id": row.representative_account_id,
            }),
            ..NewEvent::new(ActorKind::Support, "representation.end", Outcome::Success)
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        let last = last_day_of(row.ends_at_ms);
        if let Some(r) =
            notifications::recipient_of_account(&mut tx, &row.representative_account_id).await?
        {
            let m = Message::representation(false, &person_name(&p), &last);
            notifications::queue(&mut tx, &r, &m, true, now).await?;
        }
        if let Some(account) = &p.account_id {
            if let Some(r) = notifications::recipient_of_account(&mut tx, account).await? {
                let m = Message::represented(false, &rep_name, &last);
                notifications::queue(&mut tx, &r, &m, true, now).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Support only. Every representation of the record, ended ones included, newest first.
    pub async fn representations(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        now: Timestamp,
    ) -> Result<Vec<RepresentationView>, AppError> {
        actor.require(AccountKind::Support)?;
        self.patient(patient_id).await?;
        let mut out = Vec::new();
        for row in representations::for_patient(&self.db, patient_id).await? {
            let (name, login) = accounts::by_id(&self.db, &row.representative_account_id)
                .await?
                .map_or_else(Default::default, |a| (a.display_name, a.login));
            out.push(view(&row, &name, &login, now));
        }
        Ok(out)
    }

    /// Support only. The legal document of the representation `id` of the record; audited.
    /// Anything else answers `NotFound`.
    pub async fn representation_document(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        id: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<LegalDocument, AppError> {
        actor.require(AccountKind::Support)?;
        let row = representations::by_id(&self.db, id)
            .await?
            .filter(|r| &r.patient_id == patient_id)
            .ok_or(AppError::NotFound)?;
        let file = identity_files::for_owner(&self.db, FileOwnerKind::Patient, patient_id.as_str())
            .await?
            .into_iter()
            .find(|f| f.id == row.document_file_id)
            .ok_or(AppError::NotFound)?;
        let content = self
            .vault
            .get(&file.object_key, &file.wrapped_key, &file.key_id)
            .await?;
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: Some(patient_id.to_string()),
            ip,
            detail: serde_json::json!({ "representation_id": row.id, "file_id": file.id,
                "sha256": file.sha256 }),
            ..NewEvent::new(
                ActorKind::Support,
                "representation.document.read",
                Outcome::Success,
            )
        };
        self.record_event(ev, now.millis()).await?;
        Ok(LegalDocument {
            format: file.format,
            content,
        })
    }

    /// Patients. The records the account represents now (open records only), the one the
    /// session acts for marked.
    pub async fn represented_records(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Vec<Represented>, AppError> {
        actor.require(AccountKind::Patient)?;
        let mut out = Vec::new();
        for row in representations::held_by(&self.db, &actor.account_id).await? {
            if !row.is_current(now.millis())
                || out
                    .iter()
                    .any(|r: &Represented| r.patient_id == row.patient_id)
            {
                continue;
            }
            let Some(p) = patients::by_id(&self.db, &row.patient_id).await? else {
                continue;
            };
            let open = matches!(
                p.record_state,
                AccountState::Active | AccountState::Inactive
            );
            if !open || p.died_on.is_some() {
                continue;
            }
            out.push(Represented {
                acting: actor.acting_for.as_ref() == Some(&p.id),
                name: person_name(&p),
                patient_id: p.id,
                kind: row.kind,
                last_day: last_day_of(row.ends_at_ms),
            });
        }
        Ok(out)
    }

    /// Patients, in a portal session. Acts for the represented record `patient` from now on
    /// (`None`: their own record again); audited on the record acted for. A record the account
    /// does not represent now answers `NotFound` (audited as a denial).
    pub async fn act_for(
        &self,
        actor: &Actor,
        patient: Option<&PatientId>,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        actor.require(AccountKind::Patient)?;
        let represented = match patient {
            Some(pid) => {
                let found = self
                    .represented_records(actor, now)
                    .await?
                    .into_iter()
                    .any(|r| &r.patient_id == pid);
                let ev = NewEvent {
                    actor_id: Some(actor.account_id.to_string()),
                    patient_id: Some(pid.to_string()),
                    access_mode: Some("representative".to_owned()),
                    ip: ip.clone(),
                    ..NewEvent::new(
                        ActorKind::Patient,
                        "representation.act_for",
                        Outcome::Success,
                    )
                };
                if !found {
                    let denied = NewEvent {
                        outcome: Outcome::Deny,
                        rule: Some("patient.not_owner".to_owned()),
                        patient_id: None,
                        detail: serde_json::json!({ "requested_patient_id": pid }),
                        ..ev
                    };
                    self.record_event(denied, now.millis()).await?;
                    return Err(AppError::NotFound);
                }
                Some((pid, ev))
            }
            None => None,
        };
        let mut tx = self.db.begin().await?;
        let target = represented.as_ref().map(|(pid, _)| *pid);
        if !sessions::set_acting_for(&mut tx, &actor.session_hash, target).await? {
            return Err(AppError::Unauthenticated);
        }
        if let Some((_, ev)) = represented {
            mds_audit::append(&mut tx, ev, now.millis()).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The record a patient-portal session works on: the one it acts for while the account
    /// represents its holder, else the account's own.
    pub async fn portal_record(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<PortalRecord, AppError> {
        actor.require(AccountKind::Patient)?;
        if let Some(pid) = &actor.acting_for {
            let running = representations::held_by(&self.db, &actor.account_id)
                .await?
                .into_iter()
                .any(|r| &r.patient_id == pid && r.is_current(now.millis()));
            if running {
                if let Some(p) = patients::by_id(&self.db, pid).await? {
                    return Ok(PortalRecord {
                        acting_for: Some(person_name(&p)),
                        patient_id: p.id,
                        state: p.record_state,
                    });
                }
            }
        }
        let own = patients::by_account(&self.db, &actor.account_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(PortalRecord {
            patient_id: own.id,
            state: own.record_state,
            acting_for: None,
        })
    }
}

fn view(row: &RepresentationRow, name: &str, login: &str, now: Timestamp) -> RepresentationView {
    RepresentationView {
        id: row.id.clone(),
        patient_id: row.patient_id.clone(),
        representative_account_id: row.representative_account_id.clone(),
        representative_name: name.to_owned(),
        representative_login: login.to_owned(),
        kind: row.kind,
        last_day: last_day_of(row.ends_at_ms),
        ends_at: Timestamp::from_millis(row.ends_at_ms),
        recorded_at: Timestamp::from_millis(row.recorded_at_ms),
        ended_at: row.ended_at_ms.map(Timestamp::from_millis),
        current: row.is_current(now.millis()),
    }
}
