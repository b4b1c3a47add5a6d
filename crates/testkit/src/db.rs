//! Fresh databases: one new SQLite file or one new PostgreSQL database per call, migrated by
//! the store's own runner.

use crate::backends::{pg_admin_url, TestBackend};
use mds_store::Db;
use std::path::Path;

/// A migrated, empty database of the given backend; SQLite files go under `dir`.
pub async fn fresh_db(backend: TestBackend, dir: &Path) -> Db {
    let url = match backend {
        TestBackend::Sqlite => format!(
            "sqlite://{}",
            dir.join(format!("{}.db", uuid::Uuid::new_v4().simple()))
                .display()
        ),
        TestBackend::Postgres => fresh_postgres_url().await,
    };
    let db = Db::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("fresh {backend:?} database {url}: {e}"));
    db.migrate()
        .await
        .unwrap_or_else(|e| panic!("migrating the fresh {backend:?} database {url}: {e}"));
    db
}

/// Creates a new, empty database on the PostgreSQL server of the run and returns its URL.
/// Fails loudly when PostgreSQL is not selected or does not answer.
pub async fn fresh_postgres_url() -> String {
    let admin = pg_admin_url().unwrap_or_else(|| {
        panic!(
            "this test needs PostgreSQL: set MDS_TEST_PG_URL (scripts/test.sh does, with \
             scripts/services.sh)"
        )
    });
    let name = format!("mds_test_{}", uuid::Uuid::new_v4().simple());
    create_database(admin, &name).await.unwrap_or_else(|e| {
        panic!(
            "MDS_TEST_PG_URL={admin} is set, but PostgreSQL did not create a test database \
             there: {e}. Start it with `eval \"$(scripts/services.sh start)\"`, or unset \
             MDS_TEST_PG_URL to run on SQLite alone."
        )
    });
    let base = admin.rsplit_once('/').map_or(admin, |(base, _)| base);
    format!("{base}/{name}")
}

/// The one place where the test kit talks to PostgreSQL by itself. Creating a database is no
/// use case of the store (whose connection pool is not its API), so this opens a single plain
/// connection with sqlx's PostgreSQL driver, runs `CREATE DATABASE` and closes it. `name` is
/// made by `fresh_postgres_url` (letters, digits and underscores only).
async fn create_database(admin_url: &str, name: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect(admin_url).await?;
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await?;
    admin.close().await
}
