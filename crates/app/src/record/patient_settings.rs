//! What the patient reads of their record's own settings: the emergency settings (break-glass,
//! SAMU) and the professionals they blocked. Each read asks the policy through the record's
//! gate with the action that changes the same setting — only who may change a setting may
//! read it — and is audited before it is answered. The changes live in `controls`.

use super::emergency::EmergencyChoices;
use crate::{Actor, App, AppError};
use mds_domain::{AccountId, PatientId, Profession, Timestamp};
use mds_policy::Action;
use mds_store::directory;
use mds_store::record_access::{self, PairTable};
use serde::Serialize;

/// One professional the patient blocked.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = BlockedOut)]
pub struct BlockedProfessional {
    #[schema(value_type = String)]
    pub professional_account_id: AccountId,
    pub name: String,
    /// Profession slug (`medecin`, `infirmier`…); null if the professional left the directory.
    #[schema(value_type = Option<String>)]
    pub profession: Option<Profession>,
    pub blocked_at_ms: i64,
}

impl App {
    /// The patient. The record's current emergency settings (both accepted when the patient
    /// never chose).
    pub async fn emergency_settings(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<EmergencyChoices, AppError> {
        let name = "record.emergency_settings.read";
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let (_, ev) = gate
            .authorize(
                self,
                Action::SetEmergencySettings,
                name,
                serde_json::Value::Null,
            )
            .await?;
        self.record_event(ev, now.millis()).await?;
        // The facts the decision was taken on are the settings answered.
        let s = gate.facts.emergency_settings;
        Ok(EmergencyChoices {
            oppose_break_glass: s.oppose_break_glass,
            oppose_samu: s.oppose_samu,
        })
    }

    /// The patient. The professionals they blocked, oldest block first.
    pub async fn blocked_professionals(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Vec<BlockedProfessional>, AppError> {
        let name = "record.blocks.read";
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let (_, ev) = gate
            .authorize(self, Action::Block, name, serde_json::Value::Null)
            .await?;
        self.record_event(ev, now.millis()).await?;
        let pool = &self.db;
        let mut out = Vec::new();
        for (id, at) in
            record_access::pairs_since(pool, PairTable::Blocks, gate.patient_id()).await?
        {
            let p = directory::professional(pool, &id).await?;
            out.push(BlockedProfessional {
                name: p
                    .as_ref()
                    .map(|p| format!("{} {}", p.first_name, p.last_name))
                    .unwrap_or_default(),
                profession: p.map(|p| p.profession),
                professional_account_id: id,
                blocked_at_ms: at,
            });
        }
        Ok(out)
    }
}
