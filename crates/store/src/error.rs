//! Errors of the storage layer.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL {0:?}: expected sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("migration {name} failed: {source}")]
    Migration {
        name: String,
        #[source]
        source: Box<StoreError>,
    },
    #[error("the database schema is at version {found}, newer than this program knows ({known}); upgrade mds")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("a row with the same unique value already exists ({0})")]
    Conflict(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// The database cannot take the request now (locked by another process, disk full or
    /// read-only, connection lost or pool exhausted): the caller may retry later, and nothing
    /// of the request was stored.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Sqlite(#[source] rusqlite::Error),
    #[error("database error: {0}")]
    Postgres(#[source] sqlx::Error),
}

impl StoreError {
    /// Whether the failure is the database's state rather than the request's: retrying later
    /// may succeed (answered 503 with `Retry-After`, never 500).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}

/// Whether an SQLite failure is a lock held by another connection (worth waiting for),
/// rather than a full or read-only disk (not worth it).
pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    use rusqlite::ffi::ErrorCode as C;
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if matches!(f.code, C::DatabaseBusy | C::DatabaseLocked))
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                Self::Conflict(db.message().to_owned())
            }
            sqlx::Error::Database(db) if db.code().as_deref().is_some_and(pg_unavailable) => {
                Self::Unavailable(e.to_string())
            }
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                Self::Unavailable(e.to_string())
            }
            _ => Self::Postgres(e),
        }
    }
}

/// SQLSTATEs of a server that cannot work now: connection exceptions (08), insufficient
/// resources such as a full disk (53), operator intervention such as a shutdown or a standby
/// not yet accepting connections (57P0x), a read-only transaction on a standby (25006), a
/// lock not obtained within the transaction's `lock_timeout` (55P03).
fn pg_unavailable(code: &str) -> bool {
    code.starts_with("08")
        || code.starts_with("53")
        || code.starts_with("57P0")
        || matches!(code, "25006" | "55P03")
}

/// SQLite's primary result codes for a database that cannot work now: locked by another
/// connection, full disk, read-only file or file system, I/O error, file that cannot be opened.
fn sqlite_unavailable(code: rusqlite::ffi::ErrorCode) -> bool {
    use rusqlite::ffi::ErrorCode as C;
    matches!(
        code,
        C::DatabaseBusy
            | C::DatabaseLocked
            | C::DiskFull
            | C::ReadOnly
            | C::SystemIoFailure
            | C::CannotOpen
    )
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(f, message) = &e {
            let unique = f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY;
            if unique {
                return Self::Conflict(message.clone().unwrap_or_else(|| f.to_string()));
            }
            if sqlite_unavailable(f.code) {
                return Self::Unavailable(e.to_string());
            }
        }
        Self::Sqlite(e)
    }
}
