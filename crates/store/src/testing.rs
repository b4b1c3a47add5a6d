//! Fresh databases for tests of this and the upper crates: one new SQLite file or one new
//! PostgreSQL database per call. PostgreSQL comes from `MDS_TEST_PG_URL` (set by
//! `scripts/services.sh`); when it is missing the test fails loudly instead of skipping.

use crate::{Db, StoreError};
use std::path::Path;

/// The two backends every contract test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

pub const BOTH: [TestBackend; 2] = [TestBackend::Sqlite, TestBackend::Postgres];

/// A migrated, empty database of the given backend. SQLite files go under `dir`.
pub async fn fresh(backend: TestBackend, dir: &Path) -> Result<Db, StoreError> {
    let url = match backend {
        TestBackend::Sqlite => format!(
            "sqlite://{}",
            dir.join(format!("{}.db", crate::new_id())).display()
        ),
        TestBackend::Postgres => fresh_postgres_url().await?,
    };
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    Ok(db)
}

/// Creates a new, empty PostgreSQL database and returns its URL.
pub async fn fresh_postgres_url() -> Result<String, StoreError> {
    let admin = std::env::var("MDS_TEST_PG_URL").map_err(|_| {
        StoreError::UnsupportedUrl(
            "MDS_TEST_PG_URL is not set: run the tests with scripts/test.sh, or \
             eval \"$(scripts/services.sh start)\" first"
                .to_owned(),
        )
    })?;
    let name = format!("mds_test_{}", crate::new_id().replace('-', ""));
    let admin_db = Db::connect(&admin).await?;
    admin_db
        .execute_script(&format!("CREATE DATABASE {name}"))
        .await?;
    admin_db.close().await;
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    Ok(format!("{base}/{name}"))
}
