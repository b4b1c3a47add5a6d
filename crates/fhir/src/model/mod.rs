//! FHIR R4 JSON as serde structs of our own: only the elements MDS emits or accepts. Every
//! resource is written through [`Resource`], whose tag is FHIR's `resourceType`.

pub mod audit;
pub mod bundle;
pub mod capability;
pub mod common;
pub mod documents;
pub mod patient;
pub mod profile;

use serde::Serialize;

/// A resource as written on the wire, `resourceType` first.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "resourceType")]
#[allow(clippy::large_enum_variant)]
pub enum Resource {
    AllergyIntolerance(profile::AllergyIntolerance),
    AuditEvent(audit::AuditEvent),
    Binary(documents::Binary),
    Bundle(bundle::Bundle),
    CapabilityStatement(capability::CapabilityStatement),
    DocumentReference(documents::DocumentReference),
    Immunization(profile::Immunization),
    MedicationStatement(profile::MedicationStatement),
    Observation(profile::Observation),
    OperationOutcome(bundle::OperationOutcome),
    Patient(patient::Patient),
    RelatedPerson(profile::RelatedPerson),
}
