//! A request on a record that no use case audited — refused by an interface for its form (a
//! body that is not the expected JSON, a query that does not parse, a malformed upload form)
//! or by a check that runs before the gate — is audited once here, so that nobody can keep an
//! attempt out of the patient's history or the access log by sending garbage (issue 14).
//! The event is a failure (`rule` `request.invalid`), not an access refused: the history says
//! « l'opération n'a pas abouti ». The answer never depends on what the audit found.

use super::gate::base_event;
use crate::{Actor, App, AppError};
use mds_audit::{NewEvent, Outcome};
use mds_domain::{PatientId, Timestamp};

/// What the audit keeps of a refused request: never the values sent.
#[derive(Clone, Copy, Debug)]
pub struct RefusedRequest<'a> {
    /// `GET`, `POST`…
    pub method: &'a str,
    /// The route's template (`/api/v1/records/{patient_id}/documents`), never the raw path.
    pub route: &'a str,
    /// The error code answered.
    pub code: &'a str,
}

/// Runs an interface's `request` and returns its output with the number of audit events it
/// wrote (`mds_audit::scope`): zero for a request on a record means nothing audited it yet.
pub async fn counted<F: std::future::Future>(request: F) -> (F::Output, usize) {
    mds_audit::scope::counted(request).await
}

/// The audit action of a request refused before its use case.
pub const REQUEST_REFUSED: &str = "record.request_refused";

impl App {
    /// Everyone. Records one failure on the record for a request that was answered without
    /// any event on it. An unknown record or a suspended professional is audited by the gate,
    /// as for any request.
    pub async fn audit_refused_request(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        request: RefusedRequest<'_>,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let gate = match self.gate(actor, patient_id, REQUEST_REFUSED, ip, now).await {
            Ok(gate) => gate,
            Err(AppError::NotFound | AppError::Forbidden) => return Ok(()),
            Err(e) => return Err(e),
        };
        let ev = NewEvent {
            patient_id: Some(gate.patient.id.to_string()),
            rule: Some("request.invalid".to_owned()),
            detail: serde_json::json!({
                "method": request.method, "route": request.route, "error": request.code,
            }),
            ..base_event(
                actor,
                &gate.actor,
                REQUEST_REFUSED,
                Outcome::Failure,
                gate.ip.clone(),
            )
        };
        self.record_event(ev, now.millis()).await?;
        Ok(())
    }
}
