//! `AuditEvent` (IHE BALP, on FHIR R4): the patient's history, event by event.

use super::common::{CodeableConcept, Coding, Narrative, Reference};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditAgent {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub who: Option<Reference>,
    pub requestor: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditSource {
    pub observer: Reference,
    #[serde(rename = "type")]
    pub type_: Vec<Coding>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntity {
    pub what: Reference,
    #[serde(rename = "type")]
    pub type_: Coding,
    pub role: Coding,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    pub id: String,
    pub text: Narrative,
    #[serde(rename = "type")]
    pub type_: Coding,
    pub subtype: Vec<Coding>,
    pub action: String,
    pub recorded: String,
    pub outcome: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub purpose_of_event: Vec<CodeableConcept>,
    pub agent: Vec<AuditAgent>,
    pub source: AuditSource,
    pub entity: Vec<AuditEntity>,
}
