//! The patient is told of the first access of each professional to their record: the
//! (patient, professional) pair is recorded once, and only its first recording notifies.
//! Called by the read audit (`record::read_audit`) in the transaction of the read's event.

use super::{tell_patient, Message};
use crate::AppError;
use mds_domain::{AccountId, PatientId, Timestamp};
use mds_store::{accounts, notifications, Tx};

/// Records the pair in `tx` and, if it is new, notifies the patient. Returns whether it was
/// the first access.
pub(crate) async fn first_access(
    tx: &mut Tx,
    patient: &PatientId,
    professional: &AccountId,
    now: Timestamp,
) -> Result<bool, AppError> {
    if !notifications::add_first_access(&mut *tx, patient, professional, now.millis()).await? {
        return Ok(false);
    }
    let name = accounts::by_id(&mut *tx, professional)
        .await?
        .map_or_else(|| "Un professionnel".to_owned(), |a| a.display_name);
    tell_patient(tx, patient, &Message::first_access(&name, now), now).await?;
    Ok(true)
}
