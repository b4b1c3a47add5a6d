//! Consistent copies of the database while the service runs, for `mds backup`: on SQLite a
//! copy made with SQLite's online backup API in one step (one read transaction: the copy is
//! the database as of one commit, while writers go on in WAL mode); on PostgreSQL a
//! repeatable-read transaction whose snapshot is exported for `pg_dump --snapshot`, so the
//! dump and the facts read here (object keys, audit head, counts) describe the same instant.

use crate::db::Driver;
use crate::{Db, StoreError};
use sqlx::Row as _;
use std::collections::BTreeMap;
use std::path::Path;

/// Tables counted in a backup's manifest.
pub const COUNTED: [&str; 7] = [
    "accounts",
    "patients",
    "documents",
    "identity_files",
    "held_uploads",
    "audit_events",
    "email_outbox",
];

/// Every vault object the database refers to.
const OBJECT_KEYS: &str = "SELECT object_key FROM documents WHERE object_key IS NOT NULL \
     UNION SELECT object_key FROM identity_files UNION SELECT object_key FROM held_uploads \
     ORDER BY 1";

/// What a snapshot holds, read inside it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SnapshotFacts {
    pub audit_seq: i64,
    pub audit_hash: String,
    pub counts: BTreeMap<String, i64>,
    /// The vault objects the snapshot refers to, sorted.
    pub object_keys: Vec<String>,
}

/// An open PostgreSQL snapshot: `pg_dump --snapshot <id>` sees exactly it until released.
pub struct PgSnapshot {
    tx: sqlx::Transaction<'static, sqlx::Postgres>,
    pub id: String,
    pub facts: SnapshotFacts,
}

impl PgSnapshot {
    /// Ends the snapshot's transaction (after the dump).
    pub async fn release(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }
}

impl Db {
    /// SQLite: writes a consistent copy of the database to `dest` (a new file), in rollback
    /// journal mode so it is one self-contained file, and reads its facts from the copy.
    pub async fn backup_sqlite(&self, dest: &Path) -> Result<SnapshotFacts, StoreError> {
        let source = self
            .sqlite_path()
            .ok_or_else(|| StoreError::Corrupt("backup_sqlite on PostgreSQL".into()))?
            .to_owned();
        let dest = dest.to_owned();
        tokio::task::spawn_blocking(move || {
            let src = rusqlite::Connection::open_with_flags(
                &source,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )?;
            let mut dst = rusqlite::Connection::open(&dest)?;
            {
                let backup = rusqlite::backup::Backup::new(&src, &mut dst)?;
                // All pages in one step: one read transaction on the source.
                backup.step(-1)?;
            }
            let mode: String = dst.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("delete") {
                return Err(StoreError::Corrupt(format!("backup copy in {mode} mode")));
            }
            sqlite_facts(&dst)
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("backup task: {e}")))?
    }

    /// PostgreSQL: opens a read-only repeatable-read transaction, exports its snapshot and
    /// reads its facts in it.
    pub async fn export_pg_snapshot(&self) -> Result<PgSnapshot, StoreError> {
        let Driver::Postgres(pool) = self.driver() else {
            return Err(StoreError::Corrupt("export_pg_snapshot on SQLite".into()));
        };
        let mut tx = pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let id: String = sqlx::query("SELECT pg_export_snapshot()")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let mut facts = SnapshotFacts {
            audit_seq: head.try_get(0)?,
            audit_hash: head.try_get(1)?,
            ..SnapshotFacts::default()
        };
        for table in COUNTED {
            let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            facts.counts.insert(table.to_owned(), n);
        }
        for row in sqlx::query(OBJECT_KEYS).fetch_all(&mut *tx).await? {
            facts.object_keys.push(row.try_get(0)?);
        }
        Ok(PgSnapshot { tx, id, facts })
    }
}

/// The facts of an SQLite database file (a backup copy), read on `conn`.
pub fn sqlite_facts(conn: &rusqlite::Connection) -> Result<SnapshotFacts, StoreError> {
    let (audit_seq, audit_hash) =
        conn.query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let mut facts = SnapshotFacts {
        audit_seq,
        audit_hash,
        ..SnapshotFacts::default()
    };
    for table in COUNTED {
        let n: i64 = conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
        facts.counts.insert(table.to_owned(), n);
    }
    let mut stmt = conn.prepare(OBJECT_KEYS)?;
    let keys = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for k in keys {
        facts.object_keys.push(k?);
    }
    Ok(facts)
}

/// The facts of the SQLite database file at `path`, opened read-only, after an integrity
/// check (`PRAGMA integrity_check`).
pub fn sqlite_file_facts(path: &Path) -> Result<SnapshotFacts, StoreError> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(StoreError::Corrupt(format!(
            "{}: integrity check: {check}",
            path.display()
        )));
    }
    sqlite_facts(&conn)
}
