//! Support's queue of self-enrolments (DESIGN.md section 3): the pending requests, each with
//! its provisional record and scans; support checks the scans and validates (identity
//! `validated` from scans, account `active`) or rejects with a reason the person reads with
//! their status token. Scans are deleted after the decision unless configuration keeps them.
//! Support sees identity scans, never medical content; every download is audited.

use crate::accounts::enrolment;
use crate::patients::identity::PatientSummary;
use crate::{Actor, App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{
    AccountKind, AccountState, EnrolmentState, FileOwnerKind, FilePurpose, Format, PatientId,
    Timestamp,
};
use mds_store::{accounts, enrolments, identity_files, patients};
use serde::Serialize;

/// A scan as listed for support.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ScanOut)]
pub struct ScanInfo {
    pub id: String,
    /// identity_document or cafat_card.
    #[schema(value_type = String)]
    pub purpose: FilePurpose,
    #[schema(value_type = String)]
    pub format: Format,
    pub size_bytes: i64,
}

/// One request of the support queue.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = QueueItemOut)]
pub struct EnrolmentQueueItem {
    pub request_id: String,
    pub submitted_at_ms: i64,
    pub patient: PatientSummary,
    #[schema(value_type = String)]
    pub identifier_kind: mds_domain::IdentifierKind,
    pub cafat: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// A record with a near identity, to compare before validating.
    #[schema(value_type = Option<String>)]
    pub near_match_patient_id: Option<PatientId>,
    pub scans: Vec<ScanInfo>,
}

/// Support's validation: the patient may sign in; the token enrols a TOTP second factor.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ValidatedOut)]
pub struct EnrolmentValidated {
    #[schema(value_type = String)]
    pub patient_id: PatientId,
    /// One-time token for the patient to enrol a second factor (`/api/v1/auth/enrolment`).
    pub enrolment_token: String,
    /// The address the code was also e-mailed to.
    pub emailed_to: Option<String>,
}

fn not_pending() -> AppError {
    AppError::conflict(
        "already_decided",
        "Cette demande d'inscription a déjà été traitée.",
    )
}

impl App {
    /// Support only. The pending self-enrolments, oldest first.
    pub async fn list_self_enrolments(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Vec<EnrolmentQueueItem>, AppError> {
        actor.require(AccountKind::Support)?;
        let mut items = Vec::new();
        for r in enrolments::requests_with_status(&self.db, EnrolmentState::Pending, 200).await? {
            if let Some(item) = queue_item(self, &r).await? {
                items.push(item);
            }
        }
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            detail: serde_json::json!({ "pending": items.len() }),
            ..NewEvent::new(
                ActorKind::Support,
                "patient.enrolment.list",
                Outcome::Success,
            )
        };
        self.record_event(ev, now.millis()).await?;
        Ok(items)
    }

    /// Support only. One pending self-enrolment, found by its identifier whatever the length
    /// of the queue; audited. A request already decided (or unknown) is `NotFound`.
    pub async fn self_enrolment(
        &self,
        actor: &Actor,
        request_id: &str,
        now: Timestamp,
    ) -> Result<EnrolmentQueueItem, AppError> {
        actor.require(AccountKind::Support)?;
        let found = match enrolments::request_by_id(&self.db, request_id).await? {
            Some(r) if r.status == EnrolmentState::Pending => queue_item(self, &r).await?,
            _ => None,
        };
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: found.as_ref().map(|i| i.patient.id.to_string()),
            detail: serde_json::json!({ "request_id": request_id, "found": found.is_some() }),
            ..NewEvent::new(
                ActorKind::Support,
                "patient.enrolment.read",
                Outcome::Success,
            )
        };
        self.record_event(ev, now.millis()).await?;
        found.ok_or(AppError::NotFound)
    }

    /// Support only. The decrypted scan and its MIME type; audited.
    pub async fn read_enrolment_scan(
        &self,
        actor: &Actor,
        request_id: &str,
        scan_id: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(bytes::Bytes, Format), AppError> {
        actor.require(AccountKind::Support)?;
        let r = enrolments::request_by_id(&self.db, request_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let owner = match (&r.status, &r.patient_id) {
            (EnrolmentState::Validated, Some(p)) => (FileOwnerKind::Patient, p.to_string()),
            _ => (FileOwnerKind::Enrolment, r.id.clone()),
        };
        let file = identity_files::for_owner(&self.db, owner.0, &owner.1)
            .await?
            .into_iter()
            .find(|f| f.id == scan_id)
            .ok_or(AppError::NotFound)?;
        let content = self
            .vault
            .get(&file.object_key, &file.wrapped_key, &file.key_id)
            .await?;
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: r.patient_id.as_ref().map(ToString::to_string),
            detail: serde_json::json!({ "request_id": r.id, "scan_id": file.id, "purpose": file.purpose }),
            ip,
            ..NewEvent::new(
                ActorKind::Support,
                "patient.enrolment.scan.read",
                Outcome::Success,
            )
        };
        self.record_event(ev, now.millis()).await?;
        Ok((content, file.format))
    }

    /// Support only. The scans match the traits: identity `validated` (from scans, by this
    /// agent), record and account `active`; returns an enrolment token for the patient's
    /// second factor.
    pub async fn validate_self_enrolment(
        &self,
        actor: &Actor,
        request_id: &str,
        now: Timestamp,
    ) -> Result<EnrolmentValidated, AppError> {
        actor.require(AccountKind::Support)?;
        let r = enrolments::request_by_id(&self.db, request_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let patient_id = r.patient_id.clone().ok_or_else(not_pending)?;
        if r.status != EnrolmentState::Pending {
            return Err(not_pending());
        }
        let keep = self.settings.keep_identity_scans;
        let files = identity_files::for_owner(&self.db, FileOwnerKind::Enrolment, &r.id).await?;
        let by = actor.account_id.clone();
        let mut tx = self.db.begin().await?;
        if !enrolments::decide_request(
            &mut tx,
            &r.id,
            EnrolmentState::Validated,
            None,
            &by,
            now.millis(),
            true,
        )
        .await?
        {
            return Err(not_pending());
        }
        patients::set_validated(&mut tx, &patient_id, &by, "from_scans", now.millis()).await?;
        patients::transition(
            &mut tx,
            &patient_id,
            AccountState::Pending,
            AccountState::Active,
        )
        .await?;
        accounts::set_state(&mut tx, &r.account_id, AccountState::Active, now.millis()).await?;
        if keep {
            identity_files::reassign(
                &mut tx,
                (FileOwnerKind::Enrolment, &r.id),
                (FileOwnerKind::Patient, patient_id.as_str()),
            )
            .await?;
        } else {
            identity_files::delete_for_owner(&mut tx, FileOwnerKind::Enrolment, &r.id).await?;
        }
        let token = enrolment::issue_token(self, &mut tx, &r.account_id, true, now).await?;
        let ev = NewEvent {
            actor_id: Some(by.to_string()),
            patient_id: Some(patient_id.to_string()),
            detail: serde_json::json!({ "request_id": r.id, "how": "from_scans", "scans_kept": keep }),
            ..NewEvent::new(
                ActorKind::Support,
                "patient.enrolment.validate",
                Outcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        if !keep {
            let keys: Vec<String> = files.into_iter().map(|f| f.object_key).collect();
            self.discard_objects(&keys).await;
        }
        let emailed_to = accounts::by_id(&self.db, &r.account_id)
            .await?
            .and_then(|a| a.email);
        Ok(EnrolmentValidated {
            patient_id,
            enrolment_token: token,
            emailed_to,
        })
    }

    /// Support only. Rejects with a reason the person can act on (read with the status
    /// token); the provisional record is removed and the account closed, freeing the e-mail
    /// address and the CAFAT number for a corrected request.
    pub async fn reject_self_enrolment(
        &self,
        actor: &Actor,
        request_id: &str,
        reason: &str,
        now: Timestamp,
    ) -> Result<(), AppError> {
        actor.require(AccountKind::Support)?;
        let reason = reason.trim();
        if reason.is_empty()
            || reason.chars().count() > 1000
            || reason.chars().any(|c| c.is_control() && c != '\n')
        {
            return Err(AppError::invalid(
                "reason_required",
                "Indiquez au patient la raison du refus (1000 caractères au plus).",
            ));
        }
        AppError::check_typed("reason_required", "raison du refus", reason, true)?;
        let r = enrolments::request_by_id(&self.db, request_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if r.status != EnrolmentState::Pending {
            return Err(not_pending());
        }
        let keep = self.settings.keep_identity_scans;
        let files = identity_files::for_owner(&self.db, FileOwnerKind::Enrolment, &r.id).await?;
        let by = actor.account_id.clone();
        let mut tx = self.db.begin().await?;
        if !enrolments::decide_request(
            &mut tx,
            &r.id,
            EnrolmentState::Rejected,
            Some(reason),
            &by,
            now.millis(),
            false,
        )
        .await?
        {
            return Err(not_pending());
        }
        if let Some(pid) = &r.patient_id {
            patients::delete(&mut tx, pid).await?;
        }
        accounts::scrub(&mut tx, &r.account_id, AccountState::Closed, now.millis()).await?;
        mds_store::passkeys::remove_all(&mut tx, &r.account_id).await?;
        if !keep {
            identity_files::delete_for_owner(&mut tx, FileOwnerKind::Enrolment, &r.id).await?;
        }
        let ev = NewEvent {
            actor_id: Some(by.to_string()),
            detail: serde_json::json!({ "request_id": r.id, "scans_kept": keep }),
            ..NewEvent::new(
                ActorKind::Support,
                "patient.enrolment.reject",
                Outcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        if !keep {
            let keys: Vec<String> = files.into_iter().map(|f| f.object_key).collect();
            self.discard_objects(&keys).await;
        }
        Ok(())
    }
}

/// A request as support sees it, with its provisional record and its scans.
async fn queue_item(
    app: &App,
    r: &enrolments::EnrolmentRequestRow,
) -> Result<Option<EnrolmentQueueItem>, AppError> {
    let pool = &app.db;
    let Some(pid) = &r.patient_id else {
        return Ok(None);
    };
    let Some(p) = patients::by_id(pool, pid).await? else {
        return Ok(None);
    };
    let scans = identity_files::for_owner(pool, FileOwnerKind::Enrolment, &r.id)
        .await?
        .into_iter()
        .map(|f| ScanInfo {
            id: f.id,
            purpose: f.purpose,
            format: f.format,
            size_bytes: f.size_bytes,
        })
        .collect();
    Ok(Some(EnrolmentQueueItem {
        request_id: r.id.clone(),
        submitted_at_ms: r.submitted_at_ms,
        patient: PatientSummary::of(&p),
        identifier_kind: p.identifier_kind,
        cafat: p.identifier_number.clone(),
        email: p.email.clone(),
        phone: p.phone.clone(),
        near_match_patient_id: r.near_match_patient_id.clone(),
        scans,
    }))
}
