//! The access decision of Mon Drive Santé: `decide(request, facts, now) -> Decision`.
//!
//! Pure: no I/O, no async, no clock. The caller (`mds-app`) loads the facts, asks, writes the
//! decision to the audit, and acts only with the [`Permit`] it received. The MDS access matrix
//! and the habilitation matrix are data (CSV files named in the configuration, embedded
//! defaults from `reference/`), each with a version and a digest ([`Source`]); a candidate is
//! accepted only if it keeps the [`safety`] properties, and [`replay`] re-decides a recorded
//! decision under another policy. A denial is a [`Decision`], never an error; [`PolicyError`]
//! only reports a malformed or unsafe matrix file.
//!
//! Order of checks for a professional (or an assistant or software acting for one): the record
//! must be open (active or inactive), then the access mode (blocked first, DESIGN.md 4.1), then
//! the matrix cell, then the rules specific to the action (habilitation for read and list,
//! deceased / unvalidated identity / opposition / information duty for additions, emergency
//! access conditions). Expiry rule: a consent or emergency session is valid strictly before
//! its `expires_at`; at `expires_at == now` it has expired.

mod csv;
mod decide;
mod decision;
mod error;
mod facts;
mod habilitation;
mod list;
mod matrix;
mod mode;
pub mod replay;
mod request;
mod rule;
pub mod safety;
mod source;
pub mod supervision;
pub mod throttle;

pub use decide::{
    authorize, decide, is_valid_break_glass_reason, is_valid_samu_call_reference,
    record_accepts_documents, BREAK_GLASS_REASON_MIN_CHARS, BREAK_GLASS_REASON_MIN_WORDS,
    SAMU_CALL_REFERENCE_MAX_CHARS,
};
pub use decision::{Decision, Denial, Permit};
pub use error::PolicyError;
pub use facts::{
    is_unexpired, CareTeamMember, Consent, EmergencyKind, EmergencySession, EmergencySettings,
    Facts, Policy, PolicySettings, RecordFacts, Representative, Sources,
};
pub use habilitation::{Habilitation, EMBEDDED_HABILITATION};
pub use list::{visible_in_list, ListScope, Lister};
pub use matrix::{
    CellOutcome, Matrix, MatrixAction, MatrixCell, MatrixColumn, EMBEDDED_ACCESS_MATRIX,
};
pub use mode::{access_ends, access_mode, AccessMode, Mode};
pub use request::{Action, ActionKind, Actor, DocumentFacts, ProfessionalActor, Request};
pub use rule::Rule;
pub use source::{Source, STAMP_DIGEST_CHARS};
