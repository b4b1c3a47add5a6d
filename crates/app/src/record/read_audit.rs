//! The audit of a permitted read of a record (a document, its metadata, a listing): on its
//! own through the group commit, except when the read is a professional's new access to the
//! record (their first, or the first after an hour), whose audit event commits with the
//! patient's notification (`information::notifications::tell_access`) so that neither is
//! written without the other.

use super::gate::Gate;
use crate::information::notifications::{tell_access, AccessNotice};
use crate::{App, AppError};
use mds_audit::NewEvent;
use mds_domain::Timestamp;

impl App {
    /// Audits a permitted read (`ev`) of the gate's record; for a professional's new access,
    /// also records it and notifies the patient, in the same transaction.
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
        let notice = AccessNotice::of(gate.access_told_at_ms, now);
        if notice == AccessNotice::Same {
            self.record_event(ev, now.millis()).await?;
            return Ok(());
        }
        let mut tx = self.db.begin().await?;
        tell_access(&mut tx, notice, gate.patient_id(), &pro.account, now).await?;
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }
}
