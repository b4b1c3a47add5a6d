//! The timers job: fires the due timers of documents hidden from the patient. Each timer is
//! settled (`pending` → `fired`) in the transaction of its effect, so it fires once even if
//! the process stops and starts again. A timer whose document was meanwhile shown, replaced or
//! deleted fires without effect.

use super::{Job, JobFuture, JobReport};
use crate::notify::hidden::{HIDDEN_RELEASE, HIDDEN_REMINDER};
use crate::notify::{self, Message};
use crate::{App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{DocumentId, DocumentStatus, TimerState, Timestamp};
use mds_store::{documents, timers};
use std::time::Duration;

pub struct Timers;

impl Job for Timers {
    fn name(&self) -> &'static str {
        "timers"
    }

    fn every(&self) -> Duration {
        Duration::from_secs(60)
    }

    fn run_once<'a>(&'a self, app: &'a App, now: Timestamp) -> JobFuture<'a> {
        Box::pin(app.fire_timers(now))
    }
}

impl App {
    /// Fires every timer due at `now`.
    pub async fn fire_timers(&self, now: Timestamp) -> Result<JobReport, AppError> {
        let mut report = JobReport::default();
        loop {
            let due = timers::due(&self.db, now.millis(), 100).await?;
            if due.is_empty() {
                return Ok(report);
            }
            for t in due {
                self.fire_timer(&t, now).await?;
                report.done += 1;
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
                notify::tell_patient(&mut tx, &d.patient_id, &m, now).await?;
            }
            (Some(d), HIDDEN_RELEASE) if self.settings.hidden_auto_release => {
                documents::set_hidden_from_patient(&mut tx, &d.id, false).await?;
                notify::hidden::document_shown(&mut tx, &d, now).await?;
                let ev = NewEvent {
                    patient_id: Some(d.patient_id.to_string()),
                    document_id: Some(d.id.to_string()),
                    detail: serde_json::json!({ "timer_id": t.id,
                        "release_days": self.settings.hidden_release_days }),
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
                    Some(a) => notify::recipient_of_account(&mut tx, a).await?,
                    None => None,
                };
                if let Some(r) = depositor {
                    let m = Message::depositor_reminder(Timestamp::from_millis(d.created_at_ms));
                    notify::queue(&mut tx, &r, &m, true, now).await?;
                }
            }
            _ => {}
        }
        tx.commit().await?;
        Ok(())
    }
}
