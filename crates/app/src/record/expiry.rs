//! Access expiry (run by the job `jobs::AccessExpiry`): a consented access or an emergency
//! session past its end is recorded as ended, with an audit event by `system` in the same
//! transaction. The policy already refuses an expired access by its date; this makes the end
//! visible in the record's history.

use crate::{App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{EmergencyKind, PatientId, Timestamp};
use mds_store::timers;

fn system_event(action: &str, patient: &PatientId, detail: serde_json::Value) -> NewEvent {
    NewEvent {
        patient_id: Some(patient.to_string()),
        detail,
        ..NewEvent::new(ActorKind::System, action, Outcome::Success)
    }
}

impl App {
    /// Records the end of every consent and emergency session expired at `now`; returns how
    /// many ends were recorded.
    pub async fn expire_accesses(&self, now: Timestamp) -> Result<u64, AppError> {
        let mut ended = 0;
        loop {
            let consents = timers::expired_consents(&self.db, now.millis(), 100).await?;
            let sessions = timers::ended_sessions(&self.db, now.millis(), 100).await?;
            if consents.is_empty() && sessions.is_empty() {
                return Ok(ended);
            }
            for (id, patient, professional) in consents {
                let mut tx = self.db.begin().await?;
                if timers::expire_consent(&mut tx, &id).await? {
                    let detail = serde_json::json!({ "consent_id": id, "professional_account_id": professional });
                    let ev = system_event("consent.expire", &patient, detail);
                    mds_audit::append(&mut tx, ev, now.millis()).await?;
                    ended += 1;
                }
                tx.commit().await?;
            }
            for (id, patient, professional, kind) in sessions {
                let mut tx = self.db.begin().await?;
                if timers::end_session(&mut tx, &id, now.millis()).await? {
                    let action = if kind == EmergencyKind::Samu {
                        "record.samu.expire"
                    } else {
                        "record.break_glass.expire"
                    };
                    let detail = serde_json::json!({ "session_id": id, "professional_account_id": professional });
                    mds_audit::append(
                        &mut tx,
                        system_event(action, &patient, detail),
                        now.millis(),
                    )
                    .await?;
                    ended += 1;
                }
                tx.commit().await?;
            }
        }
    }
}
