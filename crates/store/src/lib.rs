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

/// A fresh identifier whose text sorts by creation (UUID v7, canonical lowercase text: a
/// millisecond timestamp, then 74 bits that count within the millisecond and are otherwise
/// random), for rows appended in time order under a unique index on their id. A random id
/// sends every insert to a random leaf of that index: with one audit event per request, the
/// leaves written per commit grew with the table and doubled the bytes written per request
/// (docs/PERFORMANCE.md); an ordered one appends to the last leaf, as the sequence does.
/// Within this process each id sorts after the previous one; it reveals the instant of its
/// creation, which the row it names records anyway.
pub fn new_ordered_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ordered_ids_sort_in_the_order_they_were_made_and_never_repeat() {
        let ids: Vec<String> = (0..10_000).map(|_| super::new_ordered_id()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, ids);
        let id = uuid::Uuid::parse_str(&ids[0]).expect("canonical text");
        assert_eq!(id.get_version_num(), 7);
        assert_eq!(ids[0], id.hyphenated().to_string());
    }
}
