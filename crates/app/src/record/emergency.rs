//! Emergency access to a record (DESIGN.md 4.3): the patient's emergency settings (opposing
//! break-glass, SAMU access, or both), and the opening of a break-glass access by a health
//! professional or of a regulation access by a SAMU regulator, with its reason or call
//! reference, for a limited time, the patient told at once. Each asks the policy through the
//! record's gate and writes its change and its audit event in one transaction.

use crate::information::notifications::{tell_patient, Message};
use crate::{Actor, App, AppError};
use mds_audit::NewEvent;
use mds_domain::{EmergencyKind, PatientId, Timestamp};
use mds_policy::Action;
use mds_store::{new_id, record_access};
use serde::Serialize;

/// An emergency access just opened.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = EmergencyOut)]
pub struct EmergencyAccess {
    pub id: String,
    /// break_glass or samu
    #[schema(value_type = String)]
    pub kind: EmergencyKind,
    pub opened_at_ms: i64,
    pub expires_at_ms: i64,
}

/// The patient's emergency settings.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct EmergencyChoices {
    pub oppose_break_glass: bool,
    pub oppose_samu: bool,
}

impl App {
    /// The patient. Opposes (or accepts) break-glass and, separately, SAMU access.
    pub async fn set_emergency_settings(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        choices: EmergencyChoices,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<EmergencyChoices, AppError> {
        let name = "record.emergency_settings";
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let detail = serde_json::json!({
            "oppose_break_glass": choices.oppose_break_glass, "oppose_samu": choices.oppose_samu,
        });
        let (_, ev) = gate
            .authorize(self, Action::SetEmergencySettings, name, detail)
            .await?;
        let mut tx = self.db.begin().await?;
        record_access::set_emergency_settings(
            &mut tx,
            gate.patient_id(),
            choices.oppose_break_glass,
            choices.oppose_samu,
            now.millis(),
        )
        .await?;
        self.commit_with(tx, ev, now).await?;
        Ok(choices)
    }

    /// A health professional (break-glass) or a SAMU regulator (regulation access). Opens an
    /// emergency access with its written reason or call reference; refused if the patient
    /// opposed it.
    pub async fn open_emergency_access(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        samu: bool,
        text: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<EmergencyAccess, AppError> {
        let (name, action, hours, kind) = if samu {
            let action = Action::OpenSamuAccess {
                call_reference: text.to_owned(),
            };
            (
                "record.samu.open",
                action,
                self.settings.samu_hours,
                EmergencyKind::Samu,
            )
        } else {
            let action = Action::OpenBreakGlass {
                reason: text.to_owned(),
            };
            (
                "record.break_glass.open",
                action,
                self.settings.break_glass_hours,
                EmergencyKind::BreakGlass,
            )
        };
        let label = if samu { "référence d'appel" } else { "motif" };
        AppError::check_typed("invalid_reason", label, text, true)?;
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let short: String = text.trim().chars().take(500).collect();
        // The text may name the person: sealed under the record's key (erasure destroys it).
        let field = if samu { "call_reference" } else { "reason" };
        let sealed = self
            .seal_for_audit(gate.patient_id(), field, &short, now.millis())
            .await?;
        let detail = serde_json::json!({ field: sealed });
        let (_, ev) = gate.authorize(self, action, name, detail).await?;
        let professional = gate
            .actor
            .professional()
            .map(|p| p.account.clone())
            .ok_or(AppError::Forbidden)?;
        let row = record_access::EmergencySessionRow {
            id: new_id(),
            patient_id: gate.patient_id().clone(),
            professional_account_id: professional,
            kind,
            reason: (!samu).then(|| short.clone()),
            call_reference: samu.then_some(short),
            opened_at_ms: now.millis(),
            expires_at_ms: now.millis() + hours * 3_600_000,
        };
        let mut tx = self.db.begin().await?;
        record_access::insert_emergency_session(&mut tx, &row).await?;
        let message = Message::emergency(samu, &actor.display_name, now)
            .about(None, Some(row.professional_account_id.as_str()));
        let told = tell_patient(&mut tx, &row.patient_id, &message, now).await?;
        let ev = NewEvent {
            detail: serde_json::json!({ "session_id": row.id, "detail": ev.detail,
                "expires_at_ms": row.expires_at_ms,
                "patient_notified": told.in_app || told.email,
                "supervision_alert": !samu }),
            ..ev
        };
        self.commit_with(tx, ev, now).await?;
        Ok(EmergencyAccess {
            id: row.id,
            kind: row.kind,
            opened_at_ms: row.opened_at_ms,
            expires_at_ms: row.expires_at_ms,
        })
    }
}
