//! Reading the audit trail (support agents, for an authority) — itself an audited action —
//! and verifying the chain.

use crate::{Actor, App, AppError};
use mds_audit::{ActorKind, AuditQuery, AuditRecord, NewEvent, Outcome, VerifyOutcome};
use mds_domain::{AccountKind, PatientId, Timestamp};

impl App {
    /// Support only. The read is recorded (who read which trail) before the rows are returned.
    pub async fn read_audit(
        &self,
        actor: &Actor,
        query: AuditQuery,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Vec<AuditRecord>, AppError> {
        // A filter is an identifier or nothing: a malformed one is never stored as one.
        let patient = query.patient_id.as_deref().map(PatientId::parse);
        let actor_ok = query
            .actor_id
            .as_deref()
            .is_none_or(|a| a.len() <= 64 && a.chars().all(|c| c.is_ascii_graphic()));
        if actor.kind != AccountKind::Support {
            let ev = NewEvent {
                actor_id: Some(actor.account_id.to_string()),
                patient_id: patient.flatten().map(|p| p.to_string()),
                ip,
                ..NewEvent::new(actor.kind.into(), "audit.read", Outcome::Deny)
            };
            self.record_event(ev, now.millis()).await?;
            return Err(AppError::Forbidden);
        }
        if matches!(patient, Some(None)) || !actor_ok {
            let field = if actor_ok { "patient_id" } else { "actor_id" };
            return Err(AppError::invalid(
                "invalid_filter",
                format!("« {field} » : identifiant invalide."),
            ));
        }
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: query.patient_id.clone(),
            detail: serde_json::json!({
                "actor_id": query.actor_id, "from_ms": query.from_ms, "to_ms": query.to_ms,
                "after_seq": query.after_seq, "limit": query.limit,
            }),
            ip,
            ..NewEvent::new(actor.kind.into(), "audit.read", Outcome::Success)
        };
        self.record_event(ev, now.millis()).await?;
        self.audit_events(&query).await
    }

    /// Walks the whole chain, then checks the signed checkpoints against it
    /// (`operator::audit_checkpoints`); the verification itself is recorded when it succeeds.
    pub async fn verify_audit(
        &self,
        anchor: Option<(i64, String)>,
        now: Timestamp,
    ) -> Result<VerifyOutcome, AppError> {
        let mut outcome = mds_audit::verify(&self.db, anchor).await?;
        if let VerifyOutcome::Intact { .. } = &outcome {
            if let Some((seq, message)) = self.check_checkpoints(now).await? {
                outcome = VerifyOutcome::Broken {
                    seq,
                    problem: mds_audit::Problem::CheckpointMismatch,
                    message,
                };
            }
        }
        if let VerifyOutcome::Intact { events, .. } = &outcome {
            let ev = NewEvent {
                detail: serde_json::json!({ "events": events }),
                ..NewEvent::new(ActorKind::System, "audit.verify", Outcome::Success)
            };
            self.record_event(ev, now.millis()).await?;
        }
        Ok(outcome)
    }
}
