//! The export of a represented person's record by their legal representative (issue 15,
//! item 5): portability is one of the patient's rights, which the representative exercises
//! for them. The policy decides (`Action::Export`: the holder, or a running representation of
//! an open record); the archive is the one the holder downloads (`patients::export`), audited
//! on the record as `patient.export` with the decision's mode.

use crate::{Actor, App, AppError};
use mds_audit::NewEvent;
use mds_domain::{PatientId, Timestamp};
use mds_policy::Action;
use serde_json::json;

impl App {
    /// A legal representative (or the holder). The record as the holder's own export.
    pub async fn export_represented_record(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Vec<u8>, AppError> {
        let name = "patient.export";
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let (_, ev) = gate
            .authorize(self, Action::Export, name, json!({}))
            .await?;
        let (bytes, count) = self.record_archive(&gate.patient, false, now).await?;
        let ev = NewEvent {
            detail: json!({ "documents": count, "bytes": bytes.len() }),
            ..ev
        };
        self.record_event(ev, now.millis()).await?;
        Ok(bytes)
    }
}
