//! One storage layer over SQLite and PostgreSQL, chosen by the database URL.
//!
//! SQL is written once (with `$n` placeholders, BIGINT milliseconds and 0/1 booleans) and run
//! through [`sql::Query`] on rusqlite (SQLite) or sqlx's `PgPool` (PostgreSQL); only the
//! migrations differ per backend. Rows are decoded here into domain types. This crate knows
//! rows, not rules: it never decides who may see what (that is `mds-policy`, called by
//! `mds-app`).

mod checkpoint;
mod db;
mod error;
mod migrate;
pub mod sql;

pub mod accounts;
pub mod care_team;
pub mod contact_changes;
pub mod directory;
pub mod documents;
pub mod email_digest;
pub mod enrolments;
pub mod held_uploads;
pub mod identity_files;
pub mod job_leases;
pub mod notifications;
mod one_time;
pub mod outbox;
pub mod passkeys;
pub mod password_resets;
pub mod patients;
pub mod policy_versions;
pub mod profile;
pub mod record_access;
pub mod record_audit_keys;
pub mod recovery_requests;
pub mod rectifications;
pub mod representations;
pub mod sessions;
pub mod snapshot;
pub mod structure_access;
pub mod structure_credentials;
pub mod supervision;
pub mod timers;

pub use db::{sqlite_path, Backend, Db, Tx};
pub use error::StoreError;
pub use migrate::names as migration_names;
pub use sql::{Ex, Query};

/// A fresh random identifier for a new row (UUID v4, canonical lowercase text).
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
