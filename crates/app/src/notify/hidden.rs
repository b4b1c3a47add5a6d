//! Documents and what the patient is told about them: a visible document added by someone
//! else is notified at once; a document hidden from the patient (pending an announcement
//! consultation) gets two timers instead — a reminder to the patient after
//! `hidden_reminder_days`, and the release (or, with auto-release off, a reminder to the
//! depositor) after `hidden_release_days` — both counted from the deposit. "One month" is
//! taken as 30 days (configuration), which keeps the boundary exact whatever the calendar.

use super::{tell_patient, Message};
use crate::{AppError, Settings};
use mds_domain::{DocumentSource, TimerState, Timestamp};
use mds_store::{documents::DocumentRow, new_id, timers, Tx};

pub const HIDDEN_REMINDER: &str = "hidden_document.reminder";
pub const HIDDEN_RELEASE: &str = "hidden_document.release";

const DAY_MS: i64 = 86_400_000;

/// When the reminder and the release of a document deposited at `deposited_ms` are due.
pub fn hidden_due(settings: &Settings, deposited_ms: i64) -> (i64, i64) {
    (
        deposited_ms + settings.hidden_reminder_days * DAY_MS,
        deposited_ms + settings.hidden_release_days * DAY_MS,
    )
}

/// In the deposit's transaction: the notification, or the timers of a hidden document.
pub(crate) async fn document_stored(
    settings: &Settings,
    tx: &mut Tx,
    row: &DocumentRow,
    now: Timestamp,
) -> Result<(), AppError> {
    if row.hidden_from_patient {
        return add_hidden_timers(settings, tx, row).await;
    }
    if row.source != DocumentSource::Patient {
        tell_patient(tx, &row.patient_id, &Message::document_added(), now).await?;
    }
    Ok(())
}

/// The two timers of a hidden document (no-op for those that exist).
pub(crate) async fn add_hidden_timers(
    settings: &Settings,
    tx: &mut Tx,
    row: &DocumentRow,
) -> Result<(), AppError> {
    let (reminder, release) = hidden_due(settings, row.created_at_ms);
    for (kind, due) in [(HIDDEN_REMINDER, reminder), (HIDDEN_RELEASE, release)] {
        timers::insert(
            &mut *tx,
            &timers::TimerRow {
                id: new_id(),
                kind: kind.to_owned(),
                subject_id: row.id.to_string(),
                patient_id: Some(row.patient_id.clone()),
                due_at_ms: due,
                state: TimerState::Pending,
                fired_at_ms: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// The document becomes visible to the patient: pending timers cancelled, patient told.
pub(crate) async fn document_shown(
    tx: &mut Tx,
    row: &DocumentRow,
    now: Timestamp,
) -> Result<(), AppError> {
    timers::cancel_for_subject(&mut *tx, row.id.as_str(), now.millis()).await?;
    if row.source != DocumentSource::Patient {
        tell_patient(tx, &row.patient_id, &Message::document_added(), now).await?;
    }
    Ok(())
}
