//! The patient record: its documents (deposit in the vault, reading, versions) and the controls over who sees them (care team, blocks, consent and its
//! attestation, emergency access, masking), what the patient reads of their settings, the
//! overview a professional opens, the audit of reads and the expiry of accesses (DESIGN.md 4
//! and 5).
//!
//! Every use case here follows one shape: open the `gate::Gate` of the record (the actor as
//! the policy sees it, and the record's facts loaded from the store), ask `mds_policy`, write
//! the decision to the audit — a denial too — and act only with the `Permit` it returned.
//! A record or document the actor may not see answers `NotFound`, exactly like one that does
//! not exist. This module must not decide anything itself: rules live in `mds-policy`.

pub mod attestation;
pub mod consent;
mod consent_form;
pub mod controls;
pub(crate) mod deposit;
pub mod documents;
pub mod emergency;
mod expiry;
pub(crate) mod gate;
pub mod overview;
pub mod patient_settings;
pub(crate) mod policy_inputs;
pub mod preview;
pub mod profile;
mod read_audit;
pub mod refused;
mod represented_export;

pub use gate::RecordRef;
