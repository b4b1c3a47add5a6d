//! The first access of a professional to a record: the read's audit event, the (patient,
//! professional) pair and the patient's notification in one transaction. Every later read of
//! the pair is audited as before, on its own. Kept apart so that the way reads are audited can
//! change without touching the notification.

use super::{tell_patient, Message};
use crate::record::gate::Gate;
use crate::{App, AppError};
use mds_audit::NewEvent;
use mds_domain::Timestamp;
use mds_store::notifications;

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
        let name = mds_store::accounts::by_id(&self.db, professional)
            .await?
            .map_or_else(|| "Un professionnel".to_owned(), |a| a.display_name);
        let mut tx = self.db.begin().await?;
        if notifications::add_first_access(&mut tx, patient, professional, now.millis()).await? {
            tell_patient(&mut tx, patient, &Message::first_access(&name, now), now).await?;
        }
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }
}
