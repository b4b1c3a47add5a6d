//! The database handle on either backend, and write transactions.
//!
//! SQLite (the embedded default) is driven by rusqlite, in process: reads run on a small pool
//! of reader connections, writes on ONE writer connection behind an async mutex taken before
//! SQLite is touched, so SQLite never sees two writers of this process and no writer waits in
//! SQLite's polling busy handler (the lock convoy that the `UPDATE audit_head` lock caused on
//! sqlx's driver). Statements run on the calling thread; the durable `COMMIT` (an fsync) runs
//! on a blocking thread so the async threads keep serving while the disk syncs, and the log is
//! copied into the database file by a checkpoint thread, not by the writer (`checkpoint.rs`).
//! PostgreSQL uses sqlx's native async `PgPool`; a write transaction starts by locking the
//! single `audit_head` row, which serialises writers of every instance (hash-chain order =
//! commit order) and wakes waiters when it is released.

use crate::error::is_busy;
use crate::sql::watch::StatementWatch;
use crate::{migrate, StoreError};
use rusqlite::config::DbConfig;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(redact(url)))
        }
    }
}

/// How long a statement waits in SQLite's busy handler for a lock held by another process
/// (readers, and statements outside `BEGIN IMMEDIATE`, which are rare: see [`WRITE_LOCK_WAIT`]).
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a write transaction waits, without holding a thread, for the write lock that
/// another process (an operator command beside the service, or a stray `sqlite3` shell)
/// holds; past it the request answers "storage unavailable, retry" instead of queueing every
/// writer behind it. Writers of this process never wait in SQLite.
const WRITE_LOCK_WAIT: Duration = Duration::from_secs(2);
/// After a writer gave up on a lock held elsewhere, the writers queued behind it try once and
/// give up at once during this time, so a locked database answers everyone quickly.
const WRITE_LOCK_FAST_FAIL: Duration = Duration::from_secs(1);
/// Attempts at emptying the log after an erasure (see [`Db::forget_deleted`]).
const FORGET_ATTEMPTS: usize = 25;
/// Reader connections kept open between requests.
const SQLITE_IDLE_READERS: usize = 8;
/// Prepared statements cached per connection (the product has about 300 distinct ones).
const SQLITE_STATEMENT_CACHE: usize = 512;

#[derive(Clone)]
pub struct Db {
    driver: Arc<Driver>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}

pub(crate) enum Driver {
    Sqlite(Sqlite),
    Postgres(sqlx::PgPool),
}

/// The SQLite side: one file, reader connections, one writer.
pub(crate) struct Sqlite {
    path: PathBuf,
    readers: Mutex<Vec<rusqlite::Connection>>,
    writer: Arc<tokio::sync::Mutex<rusqlite::Connection>>,
    pub(crate) watch: Arc<StatementWatch>,
    /// When a writer last gave up on a lock held by another process.
    gave_up_at: Mutex<Option<std::time::Instant>>,
}

impl Db {
    /// Opens the database. SQLite files are created if missing; every connection gets WAL,
    /// `synchronous=FULL` (a commit survives power loss) and foreign keys.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let driver = match Backend::from_url(url)? {
            Backend::Sqlite => Driver::Sqlite(Sqlite::open(&sqlite_path(url)?)?),
            Backend::Postgres => {
                // A writer waits at most 3 s for a row lock (the audit head, held by a writer
                // of any instance, or any row of its transaction), then answers "storage
                // unavailable, retry" (55P03) rather than hanging.
                let options = sqlx::postgres::PgConnectOptions::from_str(url)
                    .map_err(StoreError::Connect)?
                    .options([("lock_timeout", "3s")]);
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(16)
                    // An interactive request waits little for a connection: past it, the
                    // answer is "storage unavailable, retry" (503), not a long hang.
                    .acquire_timeout(Duration::from_secs(3))
                    .connect_with(options)
                    .await
                    .map_err(StoreError::Connect)?;
                Driver::Postgres(pool)
            }
        };
        Ok(Self {
            driver: Arc::new(driver),
        })
    }

    pub fn backend(&self) -> Backend {
        match *self.driver {
            Driver::Sqlite(_) => Backend::Sqlite,
            Driver::Postgres(_) => Backend::Postgres,
        }
    }

    pub(crate) fn driver(&self) -> &Driver {
        &self.driver
    }

    pub(crate) fn sqlite(&self) -> Option<&Sqlite> {
        match &*self.driver {
            Driver::Sqlite(s) => Some(s),
            Driver::Postgres(_) => None,
        }
    }

    pub(crate) fn sqlite_watch(&self) -> Option<&StatementWatch> {
        self.sqlite().map(|s| &*s.watch)
    }

    /// Applies the embedded migrations of this backend that are not applied yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        migrate::run(self).await
    }

    /// Applies the migrations numbered up to `version` only: for a test of a migration on
    /// the rows of the schema before it. The service always calls [`Db::migrate`].
    #[doc(hidden)]
    pub async fn migrate_until(&self, version: i64) -> Result<(), StoreError> {
        migrate::run_until(self, version).await
    }

    /// Begins a write transaction. Writers are serialised: on SQLite by this process's writer
    /// lock then `BEGIN IMMEDIATE`; on PostgreSQL by the `audit_head` row lock, taken first so
    /// that audit events are chained in commit order.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        self.begin_with(true).await
    }

    /// A transaction for schema changes: the `audit_head` row may not exist yet.
    pub(crate) async fn begin_schema(&self) -> Result<Tx, StoreError> {
        self.begin_with(false).await
    }

    async fn begin_with(&self, lock_audit_head: bool) -> Result<Tx, StoreError> {
        match &*self.driver {
            Driver::Sqlite(s) => {
                let mut conn = s.writer.clone().lock_owned().await;
                s.begin_immediate(&mut conn).await?;
                Ok(Tx {
                    inner: Some(TxInner::Sqlite(conn)),
                    watch: s.watch.is_on().then(|| s.watch.clone()),
                })
            }
            Driver::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                if lock_audit_head {
                    sqlx::query("UPDATE audit_head SET writes = writes + 1 WHERE id = 1")
                        .execute(&mut *tx)
                        .await?;
                }
                Ok(Tx {
                    inner: Some(TxInner::Postgres(tx)),
                    watch: None,
                })
            }
        }
    }

    /// Cheap round trip for readiness probes.
    pub async fn ping(&self) -> Result<(), StoreError> {
        crate::sql::Query::new("SELECT 1")
            .fetch_one::<(i64,)>(self)
            .await?;
        Ok(())
    }

    /// Readiness: the database accepts a durable write (a full or read-only disk, a lock held
    /// elsewhere or a standby fail here, where a `SELECT 1` would still succeed).
    pub async fn probe_write(&self) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        if let TxInner::Sqlite(conn) = tx.inner_mut() {
            // PostgreSQL's `begin` already wrote this row.
            conn.execute_batch("UPDATE audit_head SET writes = writes + 1 WHERE id = 1")?;
        }
        tx.commit().await
    }

    /// Free bytes on the file system of the SQLite file (`None` on PostgreSQL, whose disk is
    /// the database server's to watch).
    pub fn free_bytes(&self) -> Result<Option<u64>, StoreError> {
        let Some(path) = self.sqlite_path() else {
            return Ok(None);
        };
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
        let stat = nix::sys::statvfs::statvfs(dir.unwrap_or(Path::new(".")))
            .map_err(|e| StoreError::Unavailable(format!("statvfs {}: {e}", path.display())))?;
        Ok(Some(stat.blocks_available() * stat.fragment_size()))
    }

    /// Runs SQL text with no bound values, outside any transaction (schema changes, database
    /// creation, operator and test tooling). Not for product statements.
    pub async fn execute_script(&self, sql: &str) -> Result<(), StoreError> {
        match &*self.driver {
            Driver::Sqlite(s) => {
                let conn = s.writer.lock().await;
                conn.execute_batch(sql)?;
            }
            Driver::Postgres(pool) => {
                sqlx::raw_sql(sql).execute(pool).await?;
            }
        }
        Ok(())
    }

    /// After an erasure, so that no copy of the deleted rows is left in the files: on SQLite,
    /// every page of the write-ahead log is moved into the database file (where
    /// `secure_delete` overwrote the deleted rows) and the log is emptied; false when a reader
    /// held the log meanwhile (the next erasure tries again). Nothing on PostgreSQL, where a
    /// deleted row cannot be read through SQL and autovacuum reclaims its space.
    pub async fn forget_deleted(&self) -> Result<bool, StoreError> {
        match &*self.driver {
            Driver::Sqlite(s) => {
                // SQLite answers "busy" at once, without waiting, while the checkpoint thread
                // runs a checkpoint of its own (it is short): try again a few times, without
                // holding the writer in between.
                for _ in 0..FORGET_ATTEMPTS {
                    let busy: i64 = s.writer.lock().await.query_row(
                        "PRAGMA wal_checkpoint(TRUNCATE)",
                        [],
                        |r| r.get(0),
                    )?;
                    if busy == 0 {
                        return Ok(true);
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Ok(false)
            }
            Driver::Postgres(_) => Ok(true),
        }
    }

    pub async fn close(&self) {
        match &*self.driver {
            Driver::Sqlite(s) => s.lock_readers().clear(),
            Driver::Postgres(pool) => pool.close().await,
        }
    }

    /// The SQLite file, when the backend is SQLite.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match &*self.driver {
            Driver::Sqlite(s) => Some(&s.path),
            Driver::Postgres(_) => None,
        }
    }
}

impl Sqlite {
    fn open(path: &Path) -> Result<Self, StoreError> {
        let writer = open_connection(path)?;
        // WAL is a property of the file: set once, by the writer.
        let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Corrupt(format!(
                "SQLite refused WAL mode (journal_mode = {mode})"
            )));
        }
        // The log is copied into the file by a thread of its own, not by committing writers.
        let writer = crate::checkpoint::hooked_writer(writer, open_connection(path)?)?;
        Ok(Self {
            path: path.to_owned(),
            readers: Mutex::new(Vec::new()),
            writer,
            watch: Arc::default(),
            gave_up_at: Mutex::new(None),
        })
    }

    /// `BEGIN IMMEDIATE` on the writer (whose lock the caller holds), waiting for another
    /// process's write lock by sleeping between attempts — never in SQLite's busy handler,
    /// which would hold an async worker thread — for at most [`WRITE_LOCK_WAIT`].
    async fn begin_immediate(
        &self,
        conn: &mut tokio::sync::OwnedMutexGuard<rusqlite::Connection>,
    ) -> Result<(), StoreError> {
        let started = std::time::Instant::now();
        let recently_gave_up = self
            .lock_gave_up()
            .is_some_and(|t| t.elapsed() < WRITE_LOCK_FAST_FAIL);
        let deadline = if recently_gave_up {
            Duration::ZERO
        } else {
            WRITE_LOCK_WAIT
        };
        conn.busy_timeout(Duration::ZERO)?;
        let mut pause = Duration::from_millis(5);
        let result = loop {
            match conn.execute_batch("BEGIN IMMEDIATE") {
                Err(e) if is_busy(&e) => {
                    if started.elapsed() >= deadline {
                        *self.lock_gave_up() = Some(std::time::Instant::now());
                        break Err(StoreError::from(e));
                    }
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_millis(100));
                }
                other => break other.map_err(StoreError::from),
            }
        };
        conn.busy_timeout(SQLITE_BUSY_TIMEOUT)?;
        if result.is_ok() {
            *self.lock_gave_up() = None;
        }
        result
    }

    fn lock_gave_up(&self) -> std::sync::MutexGuard<'_, Option<std::time::Instant>> {
        self.gave_up_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock_readers(&self) -> std::sync::MutexGuard<'_, Vec<rusqlite::Connection>> {
        // A panic while the lock was held cannot leave the vector half-changed.
        self.readers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` on a reader connection (taken for this call only; opened if none is idle).
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let idle = self.lock_readers().pop();
        let conn = match idle {
            Some(c) => c,
            None => {
                let c = open_connection(&self.path)?;
                c.execute_batch("PRAGMA query_only = ON")?;
                c
            }
        };
        let result = f(&conn);
        let mut readers = self.lock_readers();
        if readers.len() < SQLITE_IDLE_READERS {
            readers.push(conn);
        }
        result
    }

    /// Runs `f` on the writer, outside any transaction (one statement, its own commit).
    pub(crate) async fn write_alone<T>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> Result<T, StoreError> + Send,
    ) -> Result<T, StoreError> {
        let conn = self.writer.lock().await;
        f(&conn)
    }
}

fn open_connection(path: &Path) -> Result<rusqlite::Connection, StoreError> {
    let conn = rusqlite::Connection::open(path)?;
    conn.busy_timeout(SQLITE_BUSY_TIMEOUT)?;
    // secure_delete: a deleted row (an erased record) is overwritten, not left in a free page.
    conn.execute_batch(
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;",
    )?;
    conn.set_prepared_statement_cache_capacity(SQLITE_STATEMENT_CACHE);
    // No `cache_size` or `mmap_size` here, on purpose: SQLite discards a connection's page
    // cache (and its mapping) when another connection has committed since its last
    // transaction, which the audit's group commit does every few milliseconds under load. At
    // 300,000 patients neither a 32 MB cache nor a 4 GB mapping lowered the pages a read
    // request takes from the kernel (by `pread` or, mapped, by page fault) nor its CPU
    // (docs/PERFORMANCE.md, runs of 2026-12-08).
    // Query planner stability: a statement keeps the plan it was prepared with, whatever
    // values are bound. Without it SQLite marks a statement whose plan may depend on a bound
    // value (a `LIMIT $n`, a `LIKE $n`, a term compared with a partial index) to be prepared
    // again on its next step after any rebinding — and the statement cache clears the
    // bindings of every statement it takes back, so each such statement was parsed and
    // planned anew on every run (28 % of the server's CPU when reading documents). The plans
    // are the ones the index test checks (`EXPLAIN QUERY PLAN` of the unbound text).
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(conn)
}

/// The file of a `sqlite://PATH` or `sqlite:PATH` URL (query options are ignored: the
/// connection settings are this module's).
/// Refused for an in-memory database (the service needs a durable one).
pub fn sqlite_path(url: &str) -> Result<PathBuf, StoreError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Err(StoreError::UnsupportedUrl(format!(
            "{url}: a file path is required (the service needs a durable database)"
        )));
    }
    Ok(PathBuf::from(path))
}

/// A write transaction. Every state change and its audit event share one. Dropped without
/// [`Tx::commit`], it rolls back.
pub struct Tx {
    inner: Option<TxInner>,
    /// The statement watch of its database, when it was on as the transaction began.
    pub(crate) watch: Option<Arc<StatementWatch>>,
}

pub(crate) enum TxInner {
    Sqlite(tokio::sync::OwnedMutexGuard<rusqlite::Connection>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    /// The database the transaction runs on.
    pub fn backend(&self) -> Backend {
        match self.inner() {
            TxInner::Sqlite(_) => Backend::Sqlite,
            TxInner::Postgres(_) => Backend::Postgres,
        }
    }

    pub(crate) fn inner(&self) -> &TxInner {
        // Only `commit` takes the inner value, and it consumes the transaction.
        self.inner.as_ref().unwrap_or_else(|| unreachable!())
    }

    pub(crate) fn inner_mut(&mut self) -> &mut TxInner {
        self.inner.as_mut().unwrap_or_else(|| unreachable!())
    }

    /// The connection and, when it is on, the statement watch.
    pub(crate) fn parts(&mut self) -> (&mut TxInner, Option<&StatementWatch>) {
        let inner = self.inner.as_mut().unwrap_or_else(|| unreachable!());
        (inner, self.watch.as_deref())
    }

    /// Runs SQL text with no bound values in this transaction (migrations, test tooling).
    pub async fn execute_script(&mut self, sql: &str) -> Result<(), StoreError> {
        match self.inner_mut() {
            TxInner::Sqlite(conn) => conn.execute_batch(sql)?,
            TxInner::Postgres(tx) => {
                sqlx::raw_sql(sql).execute(&mut **tx).await?;
            }
        }
        Ok(())
    }

    /// Makes the transaction durable. On SQLite the `COMMIT` (and its fsync) runs on a
    /// blocking thread; the writer lock is released once it is done. A caller that goes away
    /// meanwhile does not abandon the commit halfway.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        match self.inner.take() {
            Some(TxInner::Sqlite(conn)) => tokio::task::spawn_blocking(move || {
                let done = conn.execute_batch("COMMIT");
                if done.is_err() && !conn.is_autocommit() {
                    let _ = conn.execute_batch("ROLLBACK");
                }
                done
            })
            .await
            .map_err(|e| StoreError::Corrupt(format!("the commit task failed: {e}")))?
            .map_err(StoreError::from),
            Some(TxInner::Postgres(tx)) => Ok(tx.commit().await?),
            None => Ok(()),
        }
    }
}

impl Tx {
    /// Abandons the transaction (what dropping it does, said explicitly).
    pub async fn rollback(mut self) -> Result<(), StoreError> {
        match self.inner.take() {
            Some(TxInner::Sqlite(conn)) => {
                if !conn.is_autocommit() {
                    conn.execute_batch("ROLLBACK")?;
                }
                Ok(())
            }
            Some(TxInner::Postgres(tx)) => Ok(tx.rollback().await?),
            None => Ok(()),
        }
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        if let Some(TxInner::Sqlite(conn)) = &self.inner {
            if !conn.is_autocommit() {
                if let Err(e) = conn.execute_batch("ROLLBACK") {
                    tracing::warn!(error = %e, "rolling back an abandoned SQLite transaction failed");
                }
            }
        }
        // sqlx rolls a dropped PostgreSQL transaction back itself.
    }
}

/// Hides a password in a URL before it is shown in an error.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://***{}", &url[..scheme_end], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_is_chosen_by_url_and_secrets_are_not_echoed() {
        assert_eq!(
            Backend::from_url("sqlite://x.db").ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::from_url("postgres://u:p@h/db").ok(),
            Some(Backend::Postgres)
        );
        let err = Backend::from_url("mysql://root:hunter2@h/db")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("mysql://***@h/db"), "{err}");
        assert!(!err.contains("hunter2"));
    }

    #[test]
    fn sqlite_urls_name_a_file() {
        assert_eq!(
            sqlite_path("sqlite:///data/mds.db?mode=rwc").ok(),
            Some(PathBuf::from("/data/mds.db"))
        );
        assert_eq!(
            sqlite_path("sqlite://rel/mds.db").ok(),
            Some(PathBuf::from("rel/mds.db"))
        );
        assert!(sqlite_path("sqlite::memory:").is_err());
    }
}
