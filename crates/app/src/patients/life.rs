//! The life of a patient record after creation (DESIGN.md section 3): activation of an
//! inactive record by support, care team changes of inactive records by support, death
//! recorded by support; its end (closure, erasure, retention) is `patients::closure`. Every
//! change is audited in its transaction; nothing here reads medical content.

use crate::accounts::enrolment;
use crate::patients::identity::email_address;
use crate::{Actor, App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{AccountId, AccountKind, AccountState, Login, PatientId, Timestamp};
use mds_store::{accounts, care_team, directory, patients, sessions};
use mds_store::{new_id, StoreError};
use serde::Serialize;

/// The activation of an inactive record: the patient sets a password and a second factor with
/// this one-time token (`/api/v1/auth/enrolment`).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ActivationOut)]
pub struct Activation {
    #[schema(value_type = String)]
    pub patient_id: PatientId,
    #[schema(value_type = String)]
    pub account_id: AccountId,
    pub login: String,
    /// One-time token for `/api/v1/auth/enrolment` (password and second factor). Shown once.
    pub enrolment_token: String,
}

pub(super) fn request_reference(text: &str) -> Result<String, AppError> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 500 || t.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "request_reference_required",
            "Indiquez la référence de la demande du patient (500 caractères au plus).",
        ));
    }
    AppError::check_typed(
        "request_reference_required",
        "référence de la demande",
        t,
        false,
    )?;
    Ok(t.to_owned())
}

/// The refusal of an action the record's state does not allow (`None`: the state changed
/// while the action was under way).
pub(super) fn invalid_state(state: Option<AccountState>) -> AppError {
    let message = match state {
        Some(AccountState::Closed) => "Ce dossier est clôturé : cette action n'est plus possible.",
        Some(AccountState::Erased) => "Ce dossier a été supprimé.",
        Some(AccountState::Pending) => {
            "Ce dossier attend la vérification de l'identité par le support."
        }
        Some(AccountState::Active) => {
            "Ce compte est déjà actif : le patient gère lui-même son dossier."
        }
        _ => "Cette action n'est pas possible dans l'état actuel du dossier.",
    };
    AppError::conflict("invalid_state", message)
}

impl App {
    pub(super) async fn patient(
        &self,
        patient_id: &PatientId,
    ) -> Result<patients::PatientRow, AppError> {
        patients::by_id(&self.db, patient_id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The record of a signed-in patient.
    pub(crate) async fn own_record(&self, actor: &Actor) -> Result<patients::PatientRow, AppError> {
        actor.require(AccountKind::Patient)?;
        patients::by_account(&self.db, &actor.account_id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Support only. Turns an inactive record into an active account on the patient's request:
    /// an account is created with the patient's e-mail as login and a one-time enrolment token
    /// is issued for the patient to choose a password and a second factor.
    pub async fn activate_patient(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        email: Option<&str>,
        request: &str,
        now: Timestamp,
    ) -> Result<Activation, AppError> {
        actor.require(AccountKind::Support)?;
        let reference = request_reference(request)?;
        let p = self.patient(patient_id).await?;
        // The reference may name the person: sealed under the record's key.
        let reference = self
            .seal_for_audit(&p.id, "request", &reference, now.millis())
            .await?;
        if p.record_state != AccountState::Inactive {
            return Err(invalid_state(Some(p.record_state)));
        }
        if p.died_on.is_some() {
            return Err(deceased());
        }
        let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) => email_address(e)?,
            None => p.email.clone().ok_or_else(|| {
                AppError::invalid(
                    "email_required",
                    "Une adresse e-mail est nécessaire pour activer le compte : demandez-la \
                     au patient.",
                )
            })?,
        };
        let login = Login::parse(&email).ok_or_else(|| {
            AppError::invalid("invalid_email", "L'adresse e-mail n'est pas valide.")
        })?;
        let first: Vec<String> = serde_json::from_str(&p.first_names).unwrap_or_default();
        let display = format!(
            "{} {}",
            first.first().map_or("", String::as_str),
            p.birth_name
        );
        let account = accounts::AccountRow {
            id: AccountId::from_uuid_text(new_id()),
            kind: AccountKind::Patient,
            login: login.as_str().to_owned(),
            display_name: display.trim().to_owned(),
            email: Some(email.clone()),
            password_hash: None,
            totp_secret: None,
            totp_key_id: None,
            totp_confirmed: false,
            totp_last_step: 0,
            state: AccountState::Pending,
            created_at_ms: now.millis(),
            updated_at_ms: now.millis(),
        };
        let mut tx = self.db.begin().await?;
        if !patients::transition(&mut tx, &p.id, AccountState::Inactive, AccountState::Active)
            .await?
        {
            return Err(invalid_state(None));
        }
        accounts::insert(&mut tx, &account)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => AppError::conflict(
                    "duplicate_email",
                    "Cette adresse e-mail est déjà utilisée par un autre compte.",
                ),
                e => e.into(),
            })?;
        patients::set_account(&mut tx, &p.id, &account.id, &email).await?;
        let token = enrolment::issue_token(self, &mut tx, &account.id, true, now).await?;
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: Some(p.id.to_string()),
            detail: serde_json::json!({ "account_id": account.id, "request": reference }),
            ..NewEvent::new(ActorKind::Support, "patient.activate", Outcome::Success)
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(Activation {
            patient_id: p.id,
            account_id: account.id,
            login: account.login,
            enrolment_token: token,
        })
    }

    /// Support only, inactive records only (an active patient manages their own care team).
    /// Adds and removes professionals on the patient's request, whose reference is recorded.
    pub async fn change_care_team_for_patient(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        add: &[AccountId],
        remove: &[AccountId],
        request: &str,
        now: Timestamp,
    ) -> Result<Vec<care_team::CareTeamMember>, AppError> {
        actor.require(AccountKind::Support)?;
        let reference = request_reference(request)?;
        let p = self.patient(patient_id).await?;
        // The reference may name the person: sealed under the record's key.
        let reference = self
            .seal_for_audit(&p.id, "request", &reference, now.millis())
            .await?;
        if p.record_state != AccountState::Inactive {
            return Err(invalid_state(Some(p.record_state)));
        }
        for id in add {
            let known = directory::professional(&self.db, id).await?;
            if known.is_none_or(|k| k.state != AccountState::Active) {
                return Err(AppError::invalid(
                    "unknown_professional",
                    "Ce professionnel n'est pas un professionnel actif de l'annuaire.",
                ));
            }
        }
        let mut tx = self.db.begin().await?;
        let (mut added, mut removed) = (Vec::new(), Vec::new());
        for id in add {
            let m = care_team::CareTeamMember {
                patient_id: p.id.clone(),
                professional_account_id: id.clone(),
                attending_physician: false,
                added_by: actor.account_id.clone(),
                added_at_ms: now.millis(),
            };
            if care_team::add(&mut tx, &m).await? {
                added.push(id.clone());
            }
        }
        for id in remove {
            if care_team::remove(&mut tx, &p.id, id).await? {
                removed.push(id.clone());
            }
        }
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: Some(p.id.to_string()),
            detail: serde_json::json!({ "added": added, "removed": removed, "request": reference }),
            ..NewEvent::new(
                ActorKind::Support,
                "patient.care_team.change",
                Outcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(care_team::members(&self.db, &p.id).await?)
    }

    /// Support only. Records the death of a patient (`AAAA-MM-JJ` or `JJ/MM/AAAA`, not in the
    /// future, not before the birth): nothing can be added to the record afterwards.
    pub async fn record_death(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        died_on: &str,
        now: Timestamp,
    ) -> Result<(), AppError> {
        actor.require(AccountKind::Support)?;
        let p = self.patient(patient_id).await?;
        if p.record_state == AccountState::Erased {
            return Err(invalid_state(Some(p.record_state)));
        }
        if p.died_on.is_some() {
            return Err(AppError::conflict(
                "death_already_recorded",
                "Le décès de ce patient est déjà enregistré.",
            ));
        }
        let today = now
            .noumea_date()
            .ok_or_else(|| AppError::Internal("clock out of range".to_owned()))?;
        let date = mds_domain::BirthDate::parse(died_on, today).map_err(|_| {
            AppError::invalid(
                "invalid_death_date",
                "La date de décès doit être une date valide, au format JJ/MM/AAAA, et ne peut \
                 pas être dans le futur.",
            )
        })?;
        if date.to_iso() < p.birth_date {
            return Err(AppError::invalid(
                "invalid_death_date",
                "La date de décès ne peut pas précéder la date de naissance.",
            ));
        }
        let mut tx = self.db.begin().await?;
        patients::record_death(&mut tx, &p.id, &date.to_iso(), &actor.account_id).await?;
        if let Some(account) = &p.account_id {
            sessions::revoke_all(&mut tx, account, now.millis()).await?;
        }
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: Some(p.id.to_string()),
            detail: serde_json::json!({ "died_on": date.to_iso() }),
            ..NewEvent::new(ActorKind::Support, "patient.death.record", Outcome::Success)
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }
}

pub(crate) fn deceased() -> AppError {
    AppError::conflict(
        "patient_deceased",
        "Le décès de ce patient est enregistré : plus rien ne peut être ajouté à son dossier.",
    )
}
