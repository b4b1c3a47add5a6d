//! Use cases that the standards surface (HL7 FHIR R4 / IHE MHD, PDQm, BALP in `mds-fhir`)
//! needs beyond those of the portals and the REST API: several documents deposited in one
//! all-or-nothing submission (ITI-65), the record of a document or a CAFAT number named
//! alone (`Binary/{id}`, `patient.identifier`), a patient search that also answers the CAFAT
//! identifier (ITI-78), and the patient's history with what each event was (BALP).
//!
//! Same shape as everywhere else: every request on a record goes through the record's gate,
//! which decides with `mds_policy` and audits (denials included); nothing here decides, and
//! what the actor may not see answers `NotFound` like what does not exist.

pub mod audit_trail;
pub mod locate;
pub mod patients;
pub mod provide;
