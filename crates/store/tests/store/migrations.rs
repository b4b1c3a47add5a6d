//! The two migration lists (`migrations/sqlite`, `migrations/postgres`) describe one schema:
//! the same migrations, by name, in the same order. A migration written for one backend only
//! would leave the other behind without any test on that backend noticing.

use std::path::Path;

/// The migration names of one backend's directory, in the order they apply (by name).
fn names(backend: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut names: Vec<String> = entries
        .map(|e| {
            let name = e
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .file_name()
                .into_string()
                .unwrap_or_else(|n| panic!("{}: {n:?} is not UTF-8", dir.display()));
            name.strip_suffix(".sql")
                .unwrap_or_else(|| panic!("{backend}/{name}: not a .sql migration"))
                .to_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn both_backends_have_the_same_migrations_in_the_same_order() {
    let sqlite = names("sqlite");
    let postgres = names("postgres");
    assert!(!sqlite.is_empty(), "no SQLite migration found");
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres must list the same migrations"
    );
    // The order is the number in front of the name: 0001, 0002… without a gap or a repeat,
    // so that sorting by name is the order the runner applies them in.
    for (i, name) in sqlite.iter().enumerate() {
        let number = format!("{:04}_", i + 1);
        assert!(
            name.starts_with(&number) && name.len() > number.len(),
            "{name}: expected the migration numbered {number}…"
        );
    }
}

/// Instances started together on one new PostgreSQL database: each migrates, one applies each
/// migration, and every one starts (the others wait on the schema lock and find it applied).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_migrate_one_postgresql_database_once() {
    if mds_testkit::pg_admin_url().is_none() {
        return; // the run has no PostgreSQL (the test kit says which backends ran)
    }
    let url = mds_testkit::fresh_postgres_url().await;
    let start = || async {
        let db = mds_store::Db::connect(&url).await?;
        db.migrate().await.map(|()| db)
    };
    // Four instances in one task: their statements interleave on four connections.
    let (a, b, c, d) = tokio::join!(start(), start(), start(), start());
    let mut dbs = Vec::new();
    for started in [a, b, c, d] {
        dbs.push(started.unwrap_or_else(|e| panic!("an instance failed: {e}")));
    }
    let applied: Vec<(i64, String)> =
        mds_store::Query::new("SELECT version, name FROM schema_migrations ORDER BY version")
            .fetch_all(&dbs[0])
            .await
            .unwrap();
    let names: Vec<String> = applied.into_iter().map(|(_, n)| n).collect();
    assert_eq!(
        names,
        mds_store::migration_names(mds_store::Backend::Postgres)
    );
}
