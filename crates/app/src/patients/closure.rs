//! The end of a patient record (DESIGN.md section 3): closure by the patient or on their
//! request to support (archived 10 years, then removed by [`App::run_retention`]), erasure on
//! request, and the retention job that carries both out. Every change is audited in its
//! transaction; nothing here reads medical content.

use super::life::{invalid_state, request_reference};
use crate::{Actor, App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{AccountKind, AccountState, FileOwnerKind, PatientId, Timestamp};
use mds_store::patients::RemovalReason;
use mds_store::{accounts, care_team, documents, identity_files, patients, sessions};
use serde::Serialize;

/// How long a closed record stays archived.
pub const ARCHIVE_YEARS: i32 = 10;

/// What one pass of the retention job did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RetentionReport {
    /// Archives removed 10 years after closure.
    pub purged: u64,
    /// Records erased on request.
    pub erased: u64,
    pub documents_removed: u64,
}

impl App {
    /// The patient closes their own account, with an explicit confirmation. Nothing can be
    /// added or read afterwards; the record is archived for 10 years, then removed.
    pub async fn close_own_record(
        &self,
        actor: &Actor,
        confirm: bool,
        now: Timestamp,
    ) -> Result<Timestamp, AppError> {
        let p = self.own_record(actor).await?;
        if !confirm {
            return Err(AppError::invalid(
                "confirmation_required",
                "Confirmez la clôture : votre dossier sera archivé 10 ans puis supprimé, et \
                 plus aucun professionnel ne pourra le consulter ni l'alimenter.",
            ));
        }
        if p.record_state != AccountState::Active {
            return Err(invalid_state(Some(p.record_state)));
        }
        self.close_record(actor, &p, None, now).await
    }

    /// Support only: closure requested by the patient outside the portal (an inactive record
    /// has no portal access), with the reference of the request.
    pub async fn close_record_for_patient(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        request: &str,
        now: Timestamp,
    ) -> Result<Timestamp, AppError> {
        actor.require(AccountKind::Support)?;
        let reference = request_reference(request)?;
        let p = self.patient(patient_id).await?;
        // The reference may name the person: sealed under the record's key.
        let reference = self
            .seal_for_audit(&p.id, "request", &reference, now.millis())
            .await?;
        if !matches!(
            p.record_state,
            AccountState::Active | AccountState::Inactive
        ) {
            return Err(invalid_state(Some(p.record_state)));
        }
        self.close_record(actor, &p, Some(reference), now).await
    }

    async fn close_record(
        &self,
        actor: &Actor,
        p: &patients::PatientRow,
        reference: Option<serde_json::Value>,
        now: Timestamp,
    ) -> Result<Timestamp, AppError> {
        let purge_after = now.years_later(ARCHIVE_YEARS);
        let mut tx = self.db.begin().await?;
        patients::close(&mut tx, &p.id, now.millis(), purge_after.millis()).await?;
        close_account(&mut tx, p, now).await?;
        let closed = crate::information::notifications::Message::account_closed(now);
        crate::information::notifications::tell_patient(&mut tx, &p.id, &closed, now).await?;
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: Some(p.id.to_string()),
            detail: serde_json::json!({ "purge_after": purge_after.to_rfc3339(), "request": reference }),
            ..NewEvent::new(actor.kind.into(), "patient.close", Outcome::Success)
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(purge_after)
    }

    /// The patient asks for the erasure of the record, with an explicit confirmation. The
    /// record is closed at once; the retention job erases it before the deadline.
    pub async fn request_own_erasure(
        &self,
        actor: &Actor,
        confirm: bool,
        now: Timestamp,
    ) -> Result<Timestamp, AppError> {
        let p = self.own_record(actor).await?;
        if !confirm {
            return Err(AppError::invalid(
                "confirmation_required",
                "Confirmez la demande : toutes les données de votre dossier seront \
                 définitivement supprimées.",
            ));
        }
        self.record_erasure_request(actor, &p, None, now).await
    }

    /// Support only: an erasure request received from the patient (e.g. an inactive record
    /// without portal access), with the reference of the request.
    pub async fn request_erasure_for_patient(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        request: &str,
        now: Timestamp,
    ) -> Result<Timestamp, AppError> {
        actor.require(AccountKind::Support)?;
        let reference = request_reference(request)?;
        let p = self.patient(patient_id).await?;
        // The reference may name the person: sealed under the record's key.
        let reference = self
            .seal_for_audit(&p.id, "request", &reference, now.millis())
            .await?;
        self.record_erasure_request(actor, &p, Some(reference), now)
            .await
    }

    async fn record_erasure_request(
        &self,
        actor: &Actor,
        p: &patients::PatientRow,
        reference: Option<serde_json::Value>,
        now: Timestamp,
    ) -> Result<Timestamp, AppError> {
        if !matches!(p.record_state.as_str(), "active" | "inactive" | "closed") {
            return Err(invalid_state(Some(p.record_state)));
        }
        let life = patients::life(&self.db, &p.id).await?.unwrap_or_default();
        if let Some(deadline) = life.erasure_deadline_ms {
            return Ok(Timestamp::from_millis(deadline));
        }
        let deadline = now.plus_seconds(self.settings.erasure_deadline_days * 86_400);
        let mut tx = self.db.begin().await?;
        patients::request_erasure(&mut tx, &p.id, now.millis(), deadline.millis()).await?;
        if p.record_state != AccountState::Closed {
            let purge_after = now.years_later(ARCHIVE_YEARS);
            patients::close(&mut tx, &p.id, now.millis(), purge_after.millis()).await?;
        }
        close_account(&mut tx, p, now).await?;
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: Some(p.id.to_string()),
            detail: serde_json::json!({ "deadline": deadline.to_rfc3339(), "request": reference }),
            ..NewEvent::new(
                actor.kind.into(),
                "patient.erasure.request",
                Outcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(deadline)
    }

    /// The retention job: removes archives 10 years after closure and carries out erasure
    /// requests. Rows go first (with their audit event, which keeps only that the removal
    /// happened), then the vault objects; an object left behind is an orphan for the sweep.
    pub async fn run_retention(&self, now: Timestamp) -> Result<RetentionReport, AppError> {
        let mut report = RetentionReport::default();
        loop {
            let due = patients::due_for_removal(&self.db, now.millis(), 100).await?;
            if due.is_empty() {
                break;
            }
            for (id, reason) in due {
                report.documents_removed += self.remove_record(&id, reason, now).await?;
                if reason == RemovalReason::Retention {
                    report.purged += 1;
                } else {
                    report.erased += 1;
                }
            }
        }
        if report.purged + report.erased > 0 && !self.db.forget_deleted().await? {
            tracing::warn!("the database log still holds pages of removed records; the next removal empties it");
        }
        Ok(report)
    }

    async fn remove_record(
        &self,
        id: &PatientId,
        reason: RemovalReason,
        now: Timestamp,
    ) -> Result<u64, AppError> {
        let p = self.patient(id).await?;
        let docs = documents::all_for_patient(&self.db, id).await?;
        let files =
            identity_files::for_owner(&self.db, FileOwnerKind::Patient, id.as_str()).await?;
        let mut objects: Vec<String> = docs
            .iter()
            .filter_map(|d| d.content.as_ref().map(|c| c.object_key.clone()))
            .collect();
        objects.extend(files.iter().map(|f| f.object_key.clone()));
        if let Some(account) = &p.account_id {
            objects.extend(self.recovery_objects_of(account).await?);
        }
        let mut tx = self.db.begin().await?;
        // Told before the account is scrubbed (its address goes with it); e-mail only.
        if reason != RemovalReason::Retention {
            if let Some(r) =
                crate::information::notifications::recipient_of_patient(&mut tx, id).await?
            {
                let done = crate::information::notifications::Message::erasure_done();
                crate::information::notifications::queue(&mut tx, &r, &done, false, now).await?;
            }
        }
        mds_store::notifications::delete_for_patient(&mut tx, id).await?;
        let removed = documents::delete_all_for_patient(&mut tx, id).await?;
        care_team::remove_all(&mut tx, id).await?;
        mds_store::record_access::remove_all_for_patient(&mut tx, id).await?;
        mds_store::rectifications::delete_for_patient(&mut tx, id).await?;
        mds_store::profile::delete_for_patient(&mut tx, id).await?;
        mds_store::representations::remove_for_record(&mut tx, id, p.account_id.as_ref()).await?;
        identity_files::delete_for_owner(&mut tx, FileOwnerKind::Patient, id.as_str()).await?;
        // The free text the audit keeps about the person becomes unreadable for good.
        crate::audit_text::destroy_record_key(&mut tx, id).await?;
        patients::scrub(&mut tx, id, now.millis()).await?;
        if let Some(account) = &p.account_id {
            sessions::revoke_all(&mut tx, account, now.millis()).await?;
            mds_store::notifications::delete_for_account(&mut tx, account).await?;
            accounts::scrub(&mut tx, account, AccountState::Erased, now.millis()).await?;
            mds_store::passkeys::remove_all(&mut tx, account).await?;
            crate::patients::recovery_requests::forget_account(&mut tx, account).await?;
        }
        let ev = NewEvent {
            patient_id: Some(id.to_string()),
            detail: serde_json::json!({ "reason": reason.as_str(), "documents": removed, "files": files.len() }),
            ..NewEvent::new(ActorKind::System, "patient.erase", Outcome::Success)
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        self.discard_objects(&objects).await;
        Ok(removed)
    }
}

/// Closes the portal account of a record, if it has one, and ends its sessions at once.
async fn close_account(
    tx: &mut mds_store::Tx,
    p: &patients::PatientRow,
    now: Timestamp,
) -> Result<(), AppError> {
    if let Some(account) = &p.account_id {
        accounts::set_state(&mut *tx, account, AccountState::Closed, now.millis()).await?;
        sessions::revoke_all(&mut *tx, account, now.millis()).await?;
    }
    Ok(())
}
