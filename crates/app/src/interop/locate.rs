//! The record a request is about, when the surface names it by something else than its
//! identifier: a document alone (FHIR `Binary/{id}`, `DocumentReference/{id}`), an entry of
//! the health profile alone (FHIR `AllergyIntolerance/{id}`…) or the
//! patient's CAFAT number (`patient.identifier`). Finding it decides nothing and answers
//! nothing to the caller: the use case called next goes through the record's gate, which
//! decides and audits. What names nothing is audited here as a denial and answers
//! `NotFound`, like a record or document the actor may not see.

use crate::record::gate::base_event;
use crate::{Actor, App, AppError};
use mds_audit::{NewEvent, Outcome};
use mds_domain::{
    CafatNumber, DocumentId, IdentifierKind, IdentifierRules, PatientId, ProfileEntryId, Timestamp,
};
use mds_store::{documents, patients};

impl App {
    /// Whoever authenticated. The record `document_id` belongs to, for the use case that
    /// acts on it next (which decides); an unknown document is audited as a denial
    /// (`document.unknown`, under `audit_action`) and answers `NotFound`.
    pub async fn record_of_document(
        &self,
        actor: &Actor,
        document_id: &DocumentId,
        audit_action: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<PatientId, AppError> {
        match documents::by_id(&self.db, document_id).await? {
            Some(row) => Ok(row.patient_id),
            None => {
                let detail = serde_json::json!({ "requested_document_id": document_id });
                Err(self
                    .nothing_named(actor, audit_action, "document.unknown", detail, ip, now)
                    .await)
            }
        }
    }

    /// Whoever authenticated. The record a health profile entry belongs to, for the profile
    /// read that follows (which decides); an unknown entry is audited as a denial
    /// (`profile.entry_unknown`, under `profile.read`) and answers `NotFound`.
    pub async fn record_of_profile_entry(
        &self,
        actor: &Actor,
        entry_id: &ProfileEntryId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<PatientId, AppError> {
        match mds_store::profile::record_of(&self.db, entry_id).await? {
            Some(patient_id) => Ok(patient_id),
            None => {
                let detail = serde_json::json!({ "requested_entry_id": entry_id });
                Err(self
                    .nothing_named(
                        actor,
                        "profile.read",
                        "profile.entry_unknown",
                        detail,
                        ip,
                        now,
                    )
                    .await)
            }
        }
    }

    /// Whoever authenticated. The record of the number `number` of `kind` (CAFAT or AMG), for
    /// the use case that acts on it next (which decides); an unknown or malformed number is
    /// audited as a denial (`record.unknown`, without the number) and answers `NotFound`.
    pub async fn record_of_identifier(
        &self,
        actor: &Actor,
        kind: IdentifierKind,
        number: &str,
        audit_action: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<PatientId, AppError> {
        let rules = IdentifierRules::default();
        let found = match CafatNumber::parse_kind(number, kind, rules.of(kind)) {
            Ok(number) => patients::by_identifier(&self.db, kind, number.as_str()).await?,
            Err(_) => None,
        };
        match found {
            Some(p) => Ok(p.id),
            None => {
                let detail = serde_json::json!({ "requested_by": kind.as_str() });
                Err(self
                    .nothing_named(actor, audit_action, "record.unknown", detail, ip, now)
                    .await)
            }
        }
    }

    /// Audits a request that names nothing (as the gate audits an unknown record) and
    /// returns the error to answer.
    async fn nothing_named(
        &self,
        actor: &Actor,
        audit_action: &str,
        rule: &str,
        detail: serde_json::Value,
        ip: Option<String>,
        now: Timestamp,
    ) -> AppError {
        let (ev, answer) = match self.policy_actor(actor).await {
            Ok(policy_actor) => (
                NewEvent {
                    rule: Some(rule.to_owned()),
                    detail,
                    ..base_event(actor, &policy_actor, audit_action, Outcome::Deny, ip)
                },
                AppError::NotFound,
            ),
            // The professional whose rights would apply is suspended or unknown: recorded as
            // the gate records it.
            Err(AppError::Forbidden) => {
                let (actor_id, on_behalf_of) = match &actor.software {
                    Some(sw) => (sw.credential_id.clone(), Some(actor.account_id.to_string())),
                    None => (actor.account_id.to_string(), None),
                };
                let kind = if actor.software.is_some() {
                    mds_audit::ActorKind::StructureSoftware
                } else {
                    actor.kind.into()
                };
                let ev = NewEvent {
                    actor_id: Some(actor_id),
                    on_behalf_of,
                    rule: Some("actor.professional_inactive".to_owned()),
                    detail,
                    ip,
                    ..NewEvent::new(kind, audit_action, Outcome::Deny)
                };
                (ev, AppError::Forbidden)
            }
            Err(e) => return e,
        };
        match self.record_event(ev, now.millis()).await {
            Ok(_) => answer,
            Err(e) => e.into(),
        }
    }
}
