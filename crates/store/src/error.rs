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
    #[error("database error: {0}")]
    Sqlite(#[source] rusqlite::Error),
    #[error("database error: {0}")]
    Postgres(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return Self::Conflict(db.message().to_owned());
            }
        }
        Self::Postgres(e)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(f, message) = &e {
            let unique = f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY;
            if unique {
                return Self::Conflict(message.clone().unwrap_or_else(|| f.to_string()));
            }
        }
        Self::Sqlite(e)
    }
}
