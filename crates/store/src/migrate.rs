//! A small migration runner: each backend has its ordered SQL files embedded in the binary;
//! applied versions are recorded in `schema_migrations` with a checksum so that an edited,
//! already-applied migration is detected instead of silently diverging.

use crate::sql::Query;
use crate::{Backend, Db, StoreError};
use sha2_free::checksum;

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_foundations",
        sql: include_str!("../migrations/sqlite/0001_foundations.sql"),
    },
    Migration {
        version: 2,
        name: "0002_care_team",
        sql: include_str!("../migrations/sqlite/0002_care_team.sql"),
    },
    Migration {
        version: 3,
        name: "0003_patients",
        sql: include_str!("../migrations/sqlite/0003_patients.sql"),
    },
    Migration {
        version: 4,
        name: "0004_record_access",
        sql: include_str!("../migrations/sqlite/0004_record_access.sql"),
    },
    Migration {
        version: 5,
        name: "0005_notifications",
        sql: include_str!("../migrations/sqlite/0005_notifications.sql"),
    },
    Migration {
        version: 6,
        name: "0006_supervision",
        sql: include_str!("../migrations/sqlite/0006_supervision.sql"),
    },
    Migration {
        version: 7,
        name: "0007_consent_attestation",
        sql: include_str!("../migrations/sqlite/0007_consent_attestation.sql"),
    },
    Migration {
        version: 8,
        name: "0008_structure_access",
        sql: include_str!("../migrations/sqlite/0008_structure_access.sql"),
    },
    Migration {
        version: 9,
        name: "0009_document_listing",
        sql: include_str!("../migrations/sqlite/0009_document_listing.sql"),
    },
    Migration {
        version: 10,
        name: "0010_throttle_and_enrolment_duplicates",
        sql: include_str!("../migrations/sqlite/0010_throttle_and_enrolment_duplicates.sql"),
    },
    Migration {
        version: 11,
        name: "0011_supervision_window",
        sql: include_str!("../migrations/sqlite/0011_supervision_window.sql"),
    },
    Migration {
        version: 12,
        name: "0012_enrolment_codes",
        sql: include_str!("../migrations/sqlite/0012_enrolment_codes.sql"),
    },
    Migration {
        version: 13,
        name: "0013_held_uploads",
        sql: include_str!("../migrations/sqlite/0013_held_uploads.sql"),
    },
    Migration {
        version: 14,
        name: "0014_notification_subjects",
        sql: include_str!("../migrations/sqlite/0014_notification_subjects.sql"),
    },
    Migration {
        version: 15,
        name: "0015_structure_session_idle",
        sql: include_str!("../migrations/sqlite/0015_structure_session_idle.sql"),
    },
    Migration {
        version: 16,
        name: "0016_instances",
        sql: include_str!("../migrations/sqlite/0016_instances.sql"),
    },
    Migration {
        version: 17,
        name: "0017_account_recovery",
        sql: include_str!("../migrations/sqlite/0017_account_recovery.sql"),
    },
    Migration {
        version: 18,
        name: "0018_acting_structure",
        sql: include_str!("../migrations/sqlite/0018_acting_structure.sql"),
    },
    Migration {
        version: 19,
        name: "0019_access_notices",
        sql: include_str!("../migrations/sqlite/0019_access_notices.sql"),
    },
    Migration {
        version: 20,
        name: "0020_rectification_limitation",
        sql: include_str!("../migrations/sqlite/0020_rectification_limitation.sql"),
    },
    Migration {
        version: 21,
        name: "0021_contact_changes",
        sql: include_str!("../migrations/sqlite/0021_contact_changes.sql"),
    },
    Migration {
        version: 22,
        name: "0022_record_audit_keys",
        sql: include_str!("../migrations/sqlite/0022_record_audit_keys.sql"),
    },
    Migration {
        version: 23,
        name: "0023_passkeys",
        sql: include_str!("../migrations/sqlite/0023_passkeys.sql"),
    },
    Migration {
        version: 24,
        name: "0024_identifier_kind",
        sql: include_str!("../migrations/sqlite/0024_identifier_kind.sql"),
    },
    Migration {
        version: 25,
        name: "0025_recovery_requests",
        sql: include_str!("../migrations/sqlite/0025_recovery_requests.sql"),
    },
    Migration {
        version: 26,
        name: "0026_representations",
        sql: include_str!("../migrations/sqlite/0026_representations.sql"),
    },
    Migration {
        version: 27,
        name: "0027_languages",
        sql: include_str!("../migrations/sqlite/0027_languages.sql"),
    },
    Migration {
        version: 28,
        name: "0028_structure_certificates",
        sql: include_str!("../migrations/sqlite/0028_structure_certificates.sql"),
    },
    Migration {
        version: 29,
        name: "0029_audit_checkpoints",
        sql: include_str!("../migrations/sqlite/0029_audit_checkpoints.sql"),
    },
    Migration {
        version: 30,
        name: "0030_policy_versions",
        sql: include_str!("../migrations/sqlite/0030_policy_versions.sql"),
    },
    Migration {
        version: 31,
        name: "0031_profile_entries",
        sql: include_str!("../migrations/sqlite/0031_profile_entries.sql"),
    },
    Migration {
        version: 32,
        name: "0032_auth_epoch",
        sql: include_str!("../migrations/sqlite/0032_auth_epoch.sql"),
    },
    Migration {
        version: 33,
        name: "0033_audit_partial_indexes",
        sql: include_str!("../migrations/sqlite/0033_audit_partial_indexes.sql"),
    },
];

const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_foundations",
        sql: include_str!("../migrations/postgres/0001_foundations.sql"),
    },
    Migration {
        version: 2,
        name: "0002_care_team",
        sql: include_str!("../migrations/postgres/0002_care_team.sql"),
    },
    Migration {
        version: 3,
        name: "0003_patients",
        sql: include_str!("../migrations/postgres/0003_patients.sql"),
    },
    Migration {
        version: 4,
        name: "0004_record_access",
        sql: include_str!("../migrations/postgres/0004_record_access.sql"),
    },
    Migration {
        version: 5,
        name: "0005_notifications",
        sql: include_str!("../migrations/postgres/0005_notifications.sql"),
    },
    Migration {
        version: 6,
        name: "0006_supervision",
        sql: include_str!("../migrations/postgres/0006_supervision.sql"),
    },
    Migration {
        version: 7,
        name: "0007_consent_attestation",
        sql: include_str!("../migrations/postgres/0007_consent_attestation.sql"),
    },
    Migration {
        version: 8,
        name: "0008_structure_access",
        sql: include_str!("../migrations/postgres/0008_structure_access.sql"),
    },
    Migration {
        version: 9,
        name: "0009_document_listing",
        sql: include_str!("../migrations/postgres/0009_document_listing.sql"),
    },
    Migration {
        version: 10,
        name: "0010_throttle_and_enrolment_duplicates",
        sql: include_str!("../migrations/postgres/0010_throttle_and_enrolment_duplicates.sql"),
    },
    Migration {
        version: 11,
        name: "0011_supervision_window",
        sql: include_str!("../migrations/postgres/0011_supervision_window.sql"),
    },
    Migration {
        version: 12,
        name: "0012_enrolment_codes",
        sql: include_str!("../migrations/postgres/0012_enrolment_codes.sql"),
    },
    Migration {
        version: 13,
        name: "0013_held_uploads",
        sql: include_str!("../migrations/postgres/0013_held_uploads.sql"),
    },
    Migration {
        version: 14,
        name: "0014_notification_subjects",
        sql: include_str!("../migrations/postgres/0014_notification_subjects.sql"),
    },
    Migration {
        version: 15,
        name: "0015_structure_session_idle",
        sql: include_str!("../migrations/postgres/0015_structure_session_idle.sql"),
    },
    Migration {
        version: 16,
        name: "0016_instances",
        sql: include_str!("../migrations/postgres/0016_instances.sql"),
    },
    Migration {
        version: 17,
        name: "0017_account_recovery",
        sql: include_str!("../migrations/postgres/0017_account_recovery.sql"),
    },
    Migration {
        version: 18,
        name: "0018_acting_structure",
        sql: include_str!("../migrations/postgres/0018_acting_structure.sql"),
    },
    Migration {
        version: 19,
        name: "0019_access_notices",
        sql: include_str!("../migrations/postgres/0019_access_notices.sql"),
    },
    Migration {
        version: 20,
        name: "0020_rectification_limitation",
        sql: include_str!("../migrations/postgres/0020_rectification_limitation.sql"),
    },
    Migration {
        version: 21,
        name: "0021_contact_changes",
        sql: include_str!("../migrations/postgres/0021_contact_changes.sql"),
    },
    Migration {
        version: 22,
        name: "0022_record_audit_keys",
        sql: include_str!("../migrations/postgres/0022_record_audit_keys.sql"),
    },
    Migration {
        version: 23,
        name: "0023_passkeys",
        sql: include_str!("../migrations/postgres/0023_passkeys.sql"),
    },
    Migration {
        version: 24,
        name: "0024_identifier_kind",
        sql: include_str!("../migrations/postgres/0024_identifier_kind.sql"),
    },
    Migration {
        version: 25,
        name: "0025_recovery_requests",
        sql: include_str!("../migrations/postgres/0025_recovery_requests.sql"),
    },
    Migration {
        version: 26,
        name: "0026_representations",
        sql: include_str!("../migrations/postgres/0026_representations.sql"),
    },
    Migration {
        version: 27,
        name: "0027_languages",
        sql: include_str!("../migrations/postgres/0027_languages.sql"),
    },
    Migration {
        version: 28,
        name: "0028_structure_certificates",
        sql: include_str!("../migrations/postgres/0028_structure_certificates.sql"),
    },
    Migration {
        version: 29,
        name: "0029_audit_checkpoints",
        sql: include_str!("../migrations/postgres/0029_audit_checkpoints.sql"),
    },
    Migration {
        version: 30,
        name: "0030_policy_versions",
        sql: include_str!("../migrations/postgres/0030_policy_versions.sql"),
    },
    Migration {
        version: 31,
        name: "0031_profile_entries",
        sql: include_str!("../migrations/postgres/0031_profile_entries.sql"),
    },
    Migration {
        version: 32,
        name: "0032_auth_epoch",
        sql: include_str!("../migrations/postgres/0032_auth_epoch.sql"),
    },
    Migration {
        version: 33,
        name: "0033_audit_partial_indexes",
        sql: include_str!("../migrations/postgres/0033_audit_partial_indexes.sql"),
    },
];

pub(crate) async fn run(db: &Db) -> Result<(), StoreError> {
    run_until(db, i64::MAX).await
}

/// Applies the migrations numbered up to `last` (tests of a migration on the rows of the
/// schema before it).
pub(crate) async fn run_until(db: &Db, last: i64) -> Result<(), StoreError> {
    let migrations = match db.backend() {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    let known = migrations.last().map_or(0, |m| m.version);
    let mut tx = db.begin_schema().await?;
    lock_schema(db, &mut tx).await?;
    tx.execute_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL)",
    )
    .await?;
    tx.commit().await?;
    let applied: Vec<(i64, String)> =
        Query::new("SELECT version, checksum FROM schema_migrations ORDER BY version")
            .fetch_all(db)
            .await?;
    if let Some((found, _)) = applied.iter().find(|(v, _)| *v > known) {
        return Err(StoreError::SchemaTooNew {
            found: *found,
            known,
        });
    }
    for m in migrations.iter().filter(|m| m.version <= last) {
        let sum = checksum(m.sql);
        match applied.iter().find(|(v, _)| *v == m.version) {
            Some((_, stored)) if *stored == sum => continue,
            Some(_) => {
                return Err(StoreError::Corrupt(format!(
                    "migration {} was changed after being applied",
                    m.name
                )))
            }
            None => {}
        }
        let applied_now = apply(db, m, &sum)
            .await
            .map_err(|e| StoreError::Migration {
                name: m.name.to_owned(),
                source: Box::new(e),
            })?;
        if applied_now {
            tracing::info!(migration = m.name, "applied migration");
        }
    }
    Ok(())
}

/// Several instances may start at once on one PostgreSQL database: a transaction that changes
/// the schema first takes this lock, so one applies each migration and the others, waiting,
/// then find it applied. (SQLite's schema transactions are already one at a time.)
async fn lock_schema(db: &Db, tx: &mut crate::Tx) -> Result<(), StoreError> {
    if db.backend() == Backend::Postgres {
        // The key is arbitrary and fixed; the lock ends with the transaction.
        tx.execute_script("SELECT pg_advisory_xact_lock(701105115)")
            .await?;
    }
    Ok(())
}

/// The first line of an SQLite migration that rebuilds a table (SQLite cannot drop a
/// constraint or a column's UNIQUE): dropping the old table would otherwise run the foreign
/// keys of the tables that point to it. Foreign keys are turned off on the writer around the
/// migration (it cannot be done inside a transaction) and checked whole before its commit.
const FOREIGN_KEYS_OFF: &str = "-- foreign keys off";

/// Applies one migration and records it, in one transaction; false if another instance had
/// applied it meanwhile.
async fn apply(db: &Db, m: &Migration, sum: &str) -> Result<bool, StoreError> {
    let sqlite = db.sqlite().filter(|_| m.sql.starts_with(FOREIGN_KEYS_OFF));
    let Some(sqlite) = sqlite else {
        return apply_in_transaction(db, m, sum, false).await;
    };
    sqlite
        .write_alone(|c| Ok(c.execute_batch("PRAGMA foreign_keys = OFF")?))
        .await?;
    let applied = apply_in_transaction(db, m, sum, true).await;
    sqlite
        .write_alone(|c| Ok(c.execute_batch("PRAGMA foreign_keys = ON")?))
        .await?;
    applied
}

async fn apply_in_transaction(
    db: &Db,
    m: &Migration,
    sum: &str,
    check_foreign_keys: bool,
) -> Result<bool, StoreError> {
    let mut tx = db.begin_schema().await?;
    lock_schema(db, &mut tx).await?;
    let done: Option<(i64, String)> =
        Query::new("SELECT version, name FROM schema_migrations WHERE version = $1")
            .bind(m.version)
            .fetch_optional(&mut tx)
            .await?;
    if done.is_some() {
        return Ok(false);
    }
    tx.execute_script(m.sql).await?;
    if check_foreign_keys {
        let (broken,): (i64,) = Query::new("SELECT count(*) FROM pragma_foreign_key_check")
            .fetch_one(&mut tx)
            .await?;
        if broken != 0 {
            return Err(StoreError::Corrupt(format!(
                "migration {}: {broken} rows would point to nothing",
                m.name
            )));
        }
    }
    Query::new("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)")
        .bind(m.version)
        .bind(m.name)
        .bind(sum)
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// The migration names of each backend, in order (both lists must match).
pub fn names(backend: Backend) -> Vec<&'static str> {
    match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    }
    .iter()
    .map(|m| m.name)
    .collect()
}

/// FNV-1a is enough to notice an edited migration; it is not a security boundary.
mod sha2_free {
    pub fn checksum(text: &str) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    }
}
