//! Every access told: the patient is told of each access of a professional to their record.
//! An "access" is a professional's reads of the record until an hour has passed since the
//! last one told: the first ever is told as such (`first_access`), the later ones as
//! `access`; the reads in between belong to the access already told (the history lists each
//! of them). The pair's `last_told_at_ms` moves by compare-and-set, so two requests at the
//! same instant tell one access. Called by the read audit (`record::read_audit`) in the
//! transaction of the read's event, so the notice and the event are written together.

use super::{tell_patient, Message};
use crate::AppError;
use mds_domain::{AccountId, PatientId, Timestamp};
use mds_store::{accounts, notifications, Tx};

/// Reads by the same professional within this time of the last access told are the same
/// access.
pub const ACCESS_WINDOW_MS: i64 = 60 * 60 * 1000;

/// What a professional's read means for the patient's notices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AccessNotice {
    /// Their first access ever to this record.
    First,
    /// A new access, the last one told at the instant given.
    Again { told_at_ms: i64 },
    /// Part of the access already told.
    Same,
}

impl AccessNotice {
    /// From when the pair's last access was told (`None`: never accessed) and the read's time.
    pub(crate) fn of(told_at_ms: Option<i64>, now: Timestamp) -> Self {
        match told_at_ms {
            None => AccessNotice::First,
            Some(t) if now.millis().saturating_sub(t) >= ACCESS_WINDOW_MS => {
                AccessNotice::Again { told_at_ms: t }
            }
            Some(_) => AccessNotice::Same,
        }
    }
}

/// Records the access in `tx` and tells the patient, unless another request told it first.
/// Returns whether this call told it.
pub(crate) async fn tell_access(
    tx: &mut Tx,
    notice: AccessNotice,
    patient: &PatientId,
    professional: &AccountId,
    now: Timestamp,
) -> Result<bool, AppError> {
    let recorded = match notice {
        AccessNotice::Same => false,
        AccessNotice::First => {
            notifications::add_first_access(&mut *tx, patient, professional, now.millis()).await?
        }
        AccessNotice::Again { told_at_ms } => {
            notifications::retell_access(&mut *tx, patient, professional, told_at_ms, now.millis())
                .await?
        }
    };
    if !recorded {
        return Ok(false);
    }
    let name = accounts::by_id(&mut *tx, professional)
        .await?
        .map_or_else(|| "Un professionnel".to_owned(), |a| a.display_name);
    let message = match notice {
        AccessNotice::First => Message::first_access(&name, now),
        _ => Message::access(&name, now),
    };
    tell_patient(tx, patient, &message, now).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_notice_decision_table() {
        let at = |ms: i64| Timestamp::from_millis(1_800_000_000_000 + ms);
        let base = 1_800_000_000_000;
        let hour = ACCESS_WINDOW_MS;
        // (name, last told, now, expected)
        let cases = [
            ("never accessed", None, at(0), AccessNotice::First),
            ("same instant", Some(base), at(0), AccessNotice::Same),
            ("a minute later", Some(base), at(60_000), AccessNotice::Same),
            (
                "just inside the hour",
                Some(base),
                at(hour - 1),
                AccessNotice::Same,
            ),
            (
                "at the hour",
                Some(base),
                at(hour),
                AccessNotice::Again { told_at_ms: base },
            ),
            (
                "next day",
                Some(base),
                at(24 * hour),
                AccessNotice::Again { told_at_ms: base },
            ),
            (
                "clock behind the row",
                Some(base + hour),
                at(0),
                AccessNotice::Same,
            ),
        ];
        let failing: Vec<_> = cases
            .iter()
            .filter(|(_, told, now, want)| AccessNotice::of(*told, *now) != *want)
            .map(|c| c.0)
            .collect();
        assert!(failing.is_empty(), "failing cases: {failing:?}");
    }
}
