//! Documents and what the patient is told about them: a visible document added by someone
//! else is notified at once; a document hidden from the patient (pending an announcement
//! consultation) gets two timers instead — a reminder to the patient after
//! `hidden_reminder_days`, and the release (or, with auto-release off, a reminder to the
//! depositor) after `hidden_release_days` — both counted from the deposit. "One month" is
//! taken as 30 days (configuration), which keeps the boundary exact whatever the calendar.
//!
//! The timers job (`jobs::Timers`) fires the due timers here. Each timer is settled
//! (`pending` → `fired`) in the transaction of its effect, so it fires once even if the
//! process stops and starts again. A timer whose document was meanwhile shown, replaced or
//! deleted fires without effect.

use super::{queue, recipient_of_account, tell_patient, Message};
use crate::{App, AppError, Settings};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{DocumentId, DocumentSource, DocumentStatus, TimerState, Timestamp};
use mds_store::{documents, documents::DocumentRow, new_id, timers, Tx};

pub const HIDDEN_REMINDER: &str = "hidden_document.reminder";
pub const HIDDEN_RELEASE: &str = "hidden_document.release";

const DAY_MS: i64 = 86_400_000;

/// When the reminder and the release of a document of type `type_code` (class
/// `class_code`) deposited at `deposited_ms` are due: after `hidden_reminder_days` and
/// `hidden_release_days`, or, for a type with an announcement delay of N days, after half of
/// N (at most `hidden_reminder_days`) and after N.
pub fn hidden_due(
    settings: &Settings,
    type_code: &str,
    class_code: &str,
    deposited_ms: i64,
) -> (i64, i64) {
    let (reminder, release) = match settings.announcement_delay(type_code, class_code) {
        Some(days) => (
            (days + 1).div_euclid(2).min(settings.hidden_reminder_days),
            days,
        ),
        None => (settings.hidden_reminder_days, settings.hidden_release_days),
    };
    (
        deposited_ms + reminder * DAY_MS,
        deposited_ms + release * DAY_MS,
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
        let message = if row.replaces_id.is_some() {
            Message::document_replaced()
        } else {
            Message::document_added()
        };
        let message = message.about(
            Some(row.id.as_str()),
            row.depositor_account_id.as_ref().map(|a| a.as_str()),
        );
        tell_patient(tx, &row.patient_id, &message, now).await?;
    }
    Ok(())
}

/// The two timers of a hidden document (no-op for those that exist).
pub(crate) async fn add_hidden_timers(
    settings: &Settings,
    tx: &mut Tx,
    row: &DocumentRow,
) -> Result<(), AppError> {
    let (reminder, release) =
        hidden_due(settings, &row.type_code, &row.class_code, row.created_at_ms);
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
        let message = Message::document_added().about(
            Some(row.id.as_str()),
            row.depositor_account_id.as_ref().map(|a| a.as_str()),
        );
        tell_patient(tx, &row.patient_id, &message, now).await?;
    }
    Ok(())
}

impl App {
    /// Fires every timer due at `now`; returns how many were settled.
    pub async fn fire_timers(&self, now: Timestamp) -> Result<u64, AppError> {
        let mut fired = 0;
        loop {
            let due = timers::due(&self.db, now.millis(), 100).await?;
            if due.is_empty() {
                return Ok(fired);
            }
            for t in due {
                self.fire_timer(&t, now).await?;
                fired += 1;
            }
        }
    }

    async fn fire_timer(&self, t: &timers::TimerRow, now: Timestamp) -> Result<(), AppError> {
        let mut tx = self.db.begin().await?;
        if !timers::settle(&mut tx, &t.id, TimerState::Fired, now.millis()).await? {
            return Ok(());
        }
        // The hidden-document timers are about a document (their subject).
        let doc = match DocumentId::parse(&t.subject_id) {
            Some(id) => documents::by_id(&mut tx, &id).await?,
            None => None,
        }
        .filter(|d| d.status == DocumentStatus::Current && d.hidden_from_patient);
        match (doc, t.kind.as_str()) {
            (Some(d), HIDDEN_REMINDER) => {
                let m = Message::announcement_reminder();
                tell_patient(&mut tx, &d.patient_id, &m, now).await?;
            }
            (Some(d), HIDDEN_RELEASE) if self.settings.hidden_auto_release => {
                documents::set_hidden_from_patient(&mut tx, &d.id, false).await?;
                document_shown(&mut tx, &d, now).await?;
                let ev = NewEvent {
                    patient_id: Some(d.patient_id.to_string()),
                    document_id: Some(d.id.to_string()),
                    detail: serde_json::json!({ "timer_id": t.id,
                        "release_days": self.settings
                            .announcement_delay(&d.type_code, &d.class_code)
                            .unwrap_or(self.settings.hidden_release_days) }),
                    ..NewEvent::new(
                        ActorKind::System,
                        "document.release_to_patient",
                        Outcome::Success,
                    )
                };
                mds_audit::append(&mut tx, ev, now.millis()).await?;
            }
            (Some(d), HIDDEN_RELEASE) => {
                let depositor = match &d.depositor_account_id {
                    Some(a) => recipient_of_account(&mut tx, a).await?,
                    None => None,
                };
                if let Some(r) = depositor {
                    let m = Message::depositor_reminder(Timestamp::from_millis(d.created_at_ms));
                    queue(&mut tx, &r, &m, true, now).await?;
                }
            }
            _ => {}
        }
        tx.commit().await?;
        Ok(())
    }
}
