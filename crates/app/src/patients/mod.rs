//! Patients as people and their records' life, never their medical content (DESIGN.md 2 and 3):
//! identity (identitovigilance checks, near-duplicates) and search, the creation of a record
//! by a professional for a person present, self-enrolment with identity scans, support's
//! review of held creations, the life of a record (activation, care team of an inactive
//! record, closure, death, erasure, retention), the patient's export and what support sees.

pub mod closure;
pub mod contact;
pub mod creation;
pub mod enrolment_guard;
pub mod enrolment_queue;
pub mod export;
mod export_history;
mod export_index;
mod export_pdf;
mod export_proofs;
pub mod export_verify;
pub mod identity;
pub mod life;
pub mod recovery_requests;
pub mod rectification;
pub mod representatives;
pub mod reviews;
pub mod search;
pub mod self_enrolment;
pub mod support;

/// The version of the information given before a record is created (the « Vos droits » page:
/// purposes, rights, use of the CAFAT number), recorded with every creation and
/// self-enrolment so that what the person was told can be found again. A new text gets a new
/// version.
pub const RIGHTS_NOTICE_VERSION: &str = "droits-2026-12";
