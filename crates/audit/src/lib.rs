//! The append-only, tamper-evident audit trail of Mon Drive Santé (DESIGN.md section 6).
//!
//! Every event is written in the caller's transaction ([`append`]), so a state change and its
//! audit event commit or vanish together. Events form a hash chain: event `n` stores the hash of
//! event `n - 1` (`prev_hash`) and its own `hash`, which covers `prev_hash`, so changing,
//! removing or reordering any stored event breaks the chain from that point on. The table
//! `audit_head` keeps the last `(seq, hash)`, which exposes deleted trailing events; a
//! `(seq, hash)` pair printed by [`verify`] and kept outside the database (an *anchor*)
//! exposes even a truncation whose head was forged to match, or a database restored from an
//! older backup. This crate does not decide anything and never reads the clock: callers pass
//! `at_ms`. It must never be given medical content: `detail` holds identifiers and reasons.
//!
//! # Hash format (version 1), for independent verifiers
//!
//! `hash = lowercase_hex(SHA-256(bytes))`, where `bytes` is the concatenation of the encodings
//! of these values, in this order:
//!
//! 1. the text `mds-audit/v1` (domain separation, and room for a later version),
//! 2. `prev_hash` (text: 64 lowercase hex digits; the first event uses 64 `0`),
//! 3. `seq` (integer; the first event is 1), 4. `id` (text), 5. `at_ms` (integer),
//! 6. `actor_kind`, 7. `actor_id`, 8. `on_behalf_of`, 9. `structure_id`, 10. `action`,
//! 11. `patient_id`, 12. `document_id`, 13. `access_mode`, 14. `outcome`, 15. `rule`,
//! 16. `detail`, 17. `ip` (texts, the optional ones possibly absent).
//!
//! Encodings (every value starts with a type byte, so no two sequences of values share bytes):
//! - absent (SQL `NULL`): the single byte `0x00`;
//! - text: `0x01`, its UTF-8 length as 8 bytes big-endian, then its UTF-8 bytes;
//! - integer: `0x02` then the value as 8 bytes big-endian two's complement.
//!
//! Every text is hashed exactly as stored in `audit_events`, so a verifier needs only the rows.
//! `outcome` is one of `permit`, `deny`, `success`, `failure`. `detail` is stored as canonical
//! JSON, produced once when the event is appended (see [`canonical::canonical_json`]): no
//! whitespace, object keys sorted by their UTF-8 bytes, strings escaping only `"` as `\"`,
//! `\` as `\\` and U+0000–U+001F as `\u00xx` (lowercase hex), everything else written as
//! UTF-8, numbers in serde_json's shortest round-trip form. Because the hash covers the stored
//! text, a verifier never has to re-canonicalise it.

mod bound;
pub mod canonical;
pub mod checkpoint;
mod error;
mod group;
pub mod keys;
pub mod merkle;
mod query;
mod row;
pub mod scope;
mod verify;
mod write;

pub use bound::{bounded, bounded_text};
pub use error::AuditError;
pub use group::{GroupCommit, MAX_BATCH};
pub use query::{query, AuditQuery, MAX_QUERY_LIMIT};
pub use row::StoredRow;
pub use verify::{verify, Problem, VerifyOutcome};
pub use write::{append, append_batch, record, MAX_DETAIL_BYTES};

/// Who acts and how it ended, as stored in `actor_kind` and `outcome` (domain values).
pub use mds_domain::{ActorKind, Outcome};

use serde::{Deserialize, Serialize};

/// The `prev_hash` of the first event and the hash of an empty chain in `audit_head`.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event to append. Identifiers are plain text so that this crate stays below the
/// identifier newtypes of every caller; `append` checks the few things it can.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    pub actor_kind: ActorKind,
    pub actor_id: Option<String>,
    /// The professional an assistant acts for, or the patient a representative acts for.
    pub on_behalf_of: Option<String>,
    pub structure_id: Option<String>,
    /// Dotted verb, e.g. `auth.login`, `document.read`.
    pub action: String,
    pub patient_id: Option<String>,
    pub document_id: Option<String>,
    /// How access was obtained, e.g. `care_team`, `break_glass`, `samu`.
    pub access_mode: Option<String>,
    pub outcome: Outcome,
    /// The policy rule that decided, when there was a decision.
    pub rule: Option<String>,
    /// Identifiers and reasons only, never medical content.
    pub detail: serde_json::Value,
    pub ip: Option<String>,
    /// What an access decision records of the policy that took it (its stamps and inputs:
    /// `mds-app`'s `record::policy_inputs`). Merged into `detail` when the event is written,
    /// so that a use case replacing the detail of its decision's event keeps it; a key of
    /// `detail` with the same name is replaced.
    pub decision: Option<serde_json::Map<String, serde_json::Value>>,
}

impl NewEvent {
    /// An event with only the mandatory fields set; fill the others with struct update syntax.
    pub fn new(actor_kind: ActorKind, action: &str, outcome: Outcome) -> Self {
        Self {
            actor_kind,
            actor_id: None,
            on_behalf_of: None,
            structure_id: None,
            action: action.to_owned(),
            patient_id: None,
            document_id: None,
            access_mode: None,
            outcome,
            rule: None,
            detail: serde_json::Value::Null,
            ip: None,
            decision: None,
        }
    }
}

/// One stored event, as appended or read back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub id: String,
    pub at_ms: i64,
    pub actor_kind: ActorKind,
    pub actor_id: Option<String>,
    pub on_behalf_of: Option<String>,
    pub structure_id: Option<String>,
    pub action: String,
    pub patient_id: Option<String>,
    pub document_id: Option<String>,
    pub access_mode: Option<String>,
    pub outcome: Outcome,
    pub rule: Option<String>,
    pub detail: serde_json::Value,
    pub ip: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}
