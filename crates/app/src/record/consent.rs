//! Consented access (DESIGN.md 4.3): a professional outside the care team asks, stating the
//! purpose; the patient approves or refuses in the portal, or reads to the professional the
//! one-time code sent to them; for an inactive account the professional attests the patient's
//! in-person consent. Every step is audited; the patient may revoke at any time.
//!
//! The one-time code is stored hashed for verification only; the code itself travels in the
//! patient's notification (portal and e-mail), written in the transaction of the request.

use crate::information::notifications::Message;
use crate::patients::identity::check_identity_file;
use crate::{Actor, App, AppError};
use mds_audit::NewEvent;
use mds_domain::{
    AccountId, AccountKind, AccountState, ConsentState, FileOwnerKind, FilePurpose, PatientId,
    Timestamp,
};
use mds_policy::Action;
use mds_store::record_access::{self, ConsentRow};
use mds_store::{identity_files, new_id};
use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The purpose of the identity file holding a signed in-person consent attestation.
pub const ATTESTATION_PURPOSE: FilePurpose = FilePurpose::ConsentAttestation;

/// A consent request as the professional makes it.
#[derive(Clone, Copy, Debug)]
pub struct ConsentRequest<'a> {
    /// Why the professional needs access.
    pub purpose: &'a str,
    /// Inactive accounts: the patient, present, was informed and agreed.
    pub attests_in_person: bool,
    /// The signed attestation of that consent (PDF, JPEG or PNG), optional.
    pub attestation_file: Option<&'a [u8]>,
}

/// Failed code entries after which a request can no longer be granted by code.
pub const MAX_CODE_FAILURES: i64 = 5;

/// A consent request or grant, as shown to the patient or to the professional who asked.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = ConsentOut)]
pub struct ConsentView {
    pub id: String,
    #[schema(value_type = String)]
    pub patient_id: PatientId,
    #[schema(value_type = String)]
    pub professional_account_id: AccountId,
    pub purpose: String,
    /// requested, granted, refused, revoked or expired.
    #[schema(value_type = String)]
    pub state: ConsentState,
    pub granted_how: Option<String>,
    pub requested_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub code_expires_at_ms: Option<i64>,
}

fn view(c: &ConsentRow, now: Timestamp) -> ConsentView {
    let state = match (c.state, c.expires_at_ms) {
        (ConsentState::Granted, Some(e)) if e <= now.millis() => ConsentState::Expired,
        (s, _) => s,
    };
    ConsentView {
        id: c.id.clone(),
        patient_id: c.patient_id.clone(),
        professional_account_id: c.professional_account_id.clone(),
        purpose: c.purpose.clone(),
        state,
        granted_how: c.granted_how.clone(),
        requested_at_ms: c.requested_at_ms,
        expires_at_ms: c.expires_at_ms,
        code_expires_at_ms: c.code_expires_at_ms,
    }
}

fn code_hash(consent_id: &str, code: &str) -> String {
    let digest = Sha256::digest(format!("mds-consent:{consent_id}:{code}").as_bytes());
    data_encoding::HEXLOWER.encode(&digest)
}

impl App {
    /// A professional. Asks the patient for temporary access, stating the purpose. For an
    /// inactive account, `attests_in_person` (the patient, present, was informed and agreed)
    /// grants it at once; otherwise a one-time code is issued to the patient.
    pub async fn request_consent(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        purpose: &str,
        attests_in_person: bool,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<ConsentView, AppError> {
        let request = ConsentRequest {
            purpose,
            attests_in_person,
            attestation_file: None,
        };
        self.request_consent_with(actor, patient_id, request, ip, now)
            .await
    }

    /// A professional. [`App::request_consent`], with optionally, for the in-person consent of
    /// an inactive account, the signed attestation (PDF, JPEG or PNG, 5 MB at most; format
    /// checked from the content). The file is stored encrypted with the patient's identity
    /// files, committed with the grant and its audit event, and readable by support only
    /// ([`App::consent_attestation`]).
    pub async fn request_consent_with(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        request: ConsentRequest<'_>,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<ConsentView, AppError> {
        let ConsentRequest {
            purpose,
            attests_in_person,
            attestation_file,
        } = request;
        let name = "consent.request";
        let purpose = purpose.trim();
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let detail = serde_json::json!({ "attests_in_person": attests_in_person,
            "attestation_file": attestation_file.is_some() });
        let (_, ev) = gate
            .authorize(self, Action::RequestConsent, name, detail)
            .await?;
        if purpose.chars().count() < 3 || purpose.chars().count() > 500 {
            return Err(AppError::invalid(
                "invalid_purpose",
                "Indiquez l'objet de la demande (3 à 500 caractères).",
            ));
        }
        AppError::check_typed("invalid_purpose", "objet de la demande", purpose, true)?;
        let professional = gate
            .actor
            .professional()
            .map(|p| p.account.clone())
            .ok_or(AppError::Forbidden)?;
        let inactive = gate.patient.record_state == AccountState::Inactive;
        if inactive && !attests_in_person {
            return Err(AppError::invalid(
                "attestation_required",
                "Ce patient n'a pas de compte actif : attestez son consentement recueilli en personne.",
            ));
        }
        let attestation_format =
            match attestation_file {
                None => None,
                Some(_) if !(inactive && attests_in_person) => return Err(AppError::invalid(
                    "attestation_file_unexpected",
                    "Une attestation signée ne se joint qu'au consentement recueilli en personne \
                     d'un patient sans compte actif.",
                )),
                Some(content) => Some(check_identity_file(content, "attestation de consentement")?),
            };
        let id = new_id();
        let mut row = ConsentRow {
            id: id.clone(),
            patient_id: gate.patient_id().clone(),
            professional_account_id: professional,
            purpose: purpose.to_owned(),
            state: ConsentState::Requested,
            code_hash: None,
            code_expires_at_ms: None,
            code_failures: 0,
            attested: false,
            granted_how: None,
            requested_at_ms: now.millis(),
            decided_at_ms: None,
            expires_at_ms: None,
            revoked_at_ms: None,
        };
        let mut message = None;
        if inactive {
            row.state = ConsentState::Granted;
            row.attested = true;
            row.granted_how = Some("attestation".to_owned());
            row.decided_at_ms = Some(now.millis());
            row.expires_at_ms = Some(now.millis() + self.settings.consent_hours * 3_600_000);
        } else {
            let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
            row.code_hash = Some(code_hash(&id, &code));
            let until = now.plus_seconds(self.settings.consent_code_minutes * 60);
            row.code_expires_at_ms = Some(until.millis());
            message = Some(
                Message::consent_request(&actor.display_name, &code, until)
                    .about(None, Some(actor.account_id.as_str())),
            );
        }
        // Content durable in the vault first; if the transaction fails, the object goes.
        let file = match (attestation_file, attestation_format) {
            (Some(content), Some(format)) => {
                let owner = (FileOwnerKind::Patient, gate.patient_id().as_str());
                Some(
                    self.seal_identity_file(owner, ATTESTATION_PURPOSE, format, content, now)
                        .await?,
                )
            }
            _ => None,
        };
        let committed = async {
            let mut tx = self.db.begin().await?;
            record_access::insert_consent(&mut tx, &row).await?;
            if let Some(f) = &file {
                identity_files::insert(&mut tx, f).await?;
                record_access::set_attestation_file(&mut tx, &id, &f.id).await?;
            }
            if let Some(m) = &message {
                crate::information::notifications::tell_patient(&mut tx, &row.patient_id, m, now)
                    .await?;
            }
            let ev = NewEvent {
                detail: serde_json::json!({ "consent_id": id, "state": row.state,
                    "attests_in_person": attests_in_person,
                    "attestation_file_id": file.as_ref().map(|f| &f.id),
                    "attestation_sha256": file.as_ref().map(|f| &f.sha256) }),
                ..ev
            };
            mds_audit::append(&mut tx, ev, now.millis()).await?;
            tx.commit().await?;
            Ok::<_, AppError>(())
        }
        .await;
        if let Err(e) = committed {
            if let Some(f) = &file {
                self.discard_objects(std::slice::from_ref(&f.object_key))
                    .await;
            }
            return Err(e);
        }
        Ok(view(&row, now))
    }

    /// The patient. The consent requests and grants of their record (the one-time code of a
    /// pending request is in the patient's notification).
    pub async fn consents(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Vec<ConsentView>, AppError> {
        let name = "consent.list";
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let (_, ev) = gate
            .authorize(self, Action::ManageCareTeam, name, serde_json::Value::Null)
            .await?;
        if actor.kind != AccountKind::Patient {
            return Err(AppError::NotFound);
        }
        self.record_event(ev, now.millis()).await?;
        let rows = record_access::consents_for_patient(&self.db, gate.patient_id()).await?;
        Ok(rows.iter().map(|c| view(c, now)).collect())
    }

    /// The patient. Approves or refuses a pending request, or revokes a grant (`Revoke`).
    pub async fn answer_consent(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        consent_id: &str,
        answer: ConsentAnswer,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<ConsentView, AppError> {
        let name = match answer {
            ConsentAnswer::Approve => "consent.approve",
            ConsentAnswer::Refuse => "consent.refuse",
            ConsentAnswer::Revoke => "consent.revoke",
        };
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let detail = serde_json::json!({ "consent_id": consent_id });
        // Consent is the patient's own control over access, judged like the care team.
        let (_, ev) = gate
            .authorize(self, Action::ManageCareTeam, name, detail)
            .await?;
        if actor.kind != AccountKind::Patient {
            return Err(AppError::NotFound);
        }
        let row = record_access::consent_by_id(&self.db, consent_id)
            .await?
            .filter(|c| &c.patient_id == gate.patient_id())
            .ok_or(AppError::NotFound)?;
        let mut tx = self.db.begin().await?;
        let changed = match answer {
            ConsentAnswer::Approve => {
                let expires = now.millis() + self.settings.consent_hours * 3_600_000;
                record_access::decide_consent(
                    &mut tx,
                    &row.id,
                    ConsentState::Requested,
                    ConsentState::Granted,
                    Some("portal"),
                    now.millis(),
                    Some(expires),
                )
                .await?
            }
            ConsentAnswer::Refuse => {
                record_access::decide_consent(
                    &mut tx,
                    &row.id,
                    ConsentState::Requested,
                    ConsentState::Refused,
                    None,
                    now.millis(),
                    None,
                )
                .await?
            }
            ConsentAnswer::Revoke => {
                record_access::revoke_consent(&mut tx, &row.id, now.millis()).await?
            }
        };
        if !changed {
            return Err(AppError::conflict(
                "consent_not_pending",
                "Cette demande n'est plus en attente (déjà traitée, révoquée ou expirée).",
            ));
        }
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        let row = record_access::consent_by_id(&self.db, &row.id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(view(&row, now))
    }

    /// The professional who asked. Enters the one-time code the patient read to them; a
    /// right code, once, before it expires, grants the access.
    pub async fn enter_consent_code(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        consent_id: &str,
        code: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<ConsentView, AppError> {
        let name = "consent.code";
        let gate = self.gate(actor, patient_id, name, ip.clone(), now).await?;
        let detail = serde_json::json!({ "consent_id": consent_id });
        let (_, ev) = gate
            .authorize(self, Action::RequestConsent, name, detail)
            .await?;
        let me = gate.actor.professional().map(|p| p.account.clone());
        let row = record_access::consent_by_id(&self.db, consent_id)
            .await?
            .filter(|c| {
                &c.patient_id == gate.patient_id()
                    && Some(&c.professional_account_id) == me.as_ref()
            })
            .ok_or(AppError::NotFound)?;
        let invalid = || {
            AppError::invalid(
                "consent_code_invalid",
                "Code incorrect, expiré ou déjà utilisé.",
            )
        };
        let live = row.state == ConsentState::Requested
            && row.code_failures < MAX_CODE_FAILURES
            && row.code_expires_at_ms.is_some_and(|e| now.millis() < e);
        let right = row
            .code_hash
            .as_deref()
            .is_some_and(|h| h == code_hash(&row.id, code.trim()));
        if !(live && right) {
            let mut tx = self.db.begin().await?;
            if row.state == ConsentState::Requested {
                record_access::count_code_failure(&mut tx, &row.id).await?;
            }
            let failed = NewEvent {
                outcome: mds_audit::Outcome::Failure,
                ..ev
            };
            mds_audit::append(&mut tx, failed, now.millis()).await?;
            tx.commit().await?;
            return Err(invalid());
        }
        let expires = now.millis() + self.settings.consent_hours * 3_600_000;
        let mut tx = self.db.begin().await?;
        if !record_access::decide_consent(
            &mut tx,
            &row.id,
            ConsentState::Requested,
            ConsentState::Granted,
            Some("code"),
            now.millis(),
            Some(expires),
        )
        .await?
        {
            return Err(invalid());
        }
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        let row = record_access::consent_by_id(&self.db, &row.id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(view(&row, now))
    }
}

/// The patient's answer to a consent request (or the revocation of a grant).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsentAnswer {
    Approve,
    Refuse,
    Revoke,
}
