//! The audit of a permitted read of a record (a document, its metadata, a listing): on its
//! own through the group commit, except for a professional's first access to the record,
//! whose audit event commits with the patient's notification
//! (`information::notifications::first_access`) so that neither is written without the other.

use super::gate::Gate;
use crate::{App, AppError};
use mds_audit::NewEvent;
use mds_domain::Timestamp;

impl App {
    /// Audits a permitted read (`ev`) of the gate's record; for the first access of a
    /// professional, also records the pair and notifies the patient, in the same transaction.
    pub(crate) async fn audit_record_read(
        &self,
        gate: &Gate<'_>,
        ev: NewEvent,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let Some(pro) = gate.actor.professional() else {
            self.record_event(ev, now.millis()).await?;
            return Ok(());
        };
        let (patient, professional) = (gate.patient_id(), &pro.account);
        if gate.accessed_before {
            self.record_event(ev, now.millis()).await?;
            return Ok(());
        }
        let mut tx = self.db.begin().await?;
        crate::information::notifications::first_access(&mut tx, patient, professional, now)
            .await?;
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }
}
