//! The two migration lists (`migrations/sqlite`, `migrations/postgres`) describe one schema:
//! the same migrations, by name, in the same order. A migration written for one backend only
//! would leave the other behind without any test on that backend noticing.

use mds_domain::IdentifierKind;
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

/// Migration 0024 (AMG numbers) rebuilds `patients` on SQLite, which eleven tables point to:
/// on the rows of the schema before it, on both backends, every record keeps its number as a
/// CAFAT number, the rows that point to it still do, and foreign keys are enforced after.
#[tokio::test]
async fn the_identifier_kind_migration_keeps_records_and_what_points_to_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    for backend in mds_testkit::backends() {
        let url = match backend {
            mds_testkit::TestBackend::Sqlite => {
                format!("sqlite:{}", dir.path().join("before-0024.db").display())
            }
            mds_testkit::TestBackend::Postgres => mds_testkit::fresh_postgres_url().await,
        };
        let db = mds_store::Db::connect(&url).await.unwrap();
        db.migrate_until(23).await.unwrap();
        mds_store::Query::new(
            "INSERT INTO patients (id, account_id, cafat_number, birth_name, birth_name_norm, \
             first_names, first_names_norm, birth_date, sex, birth_place, identity_status, \
             record_state, created_at_ms) VALUES ('00000000-0000-4000-8000-000000000024', NULL, \
             '0123456', 'Néa', 'NEA', '[\"Paul\"]', 'PAUL', '1970-04-12', 'M', '98818', \
             'validated', 'inactive', 1000)",
        )
        .execute(&db)
        .await
        .unwrap();
        mds_store::Query::new(
            "INSERT INTO record_audit_keys (patient_id, sealed_key, key_id, created_at_ms) \
             VALUES ('00000000-0000-4000-8000-000000000024', 'sealed', 'k1', 1000)",
        )
        .execute(&db)
        .await
        .unwrap();
        db.migrate().await.unwrap();
        let row = mds_store::patients::by_identifier(&db, IdentifierKind::Cafat, "0123456")
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{backend:?}: the record lost its number"));
        assert_eq!(row.birth_name, "Néa", "{backend:?}");
        let keys: (i64,) = mds_store::Query::new(
            "SELECT count(*) FROM record_audit_keys k JOIN patients p ON p.id = k.patient_id",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(
            keys.0, 1,
            "{backend:?}: the audit key still points to its record"
        );
        let orphan = mds_store::Query::new(
            "INSERT INTO record_audit_keys (patient_id, sealed_key, key_id, created_at_ms) \
             VALUES ('00000000-0000-4000-8000-00000000dead', 'sealed', 'k1', 1000)",
        )
        .execute(&db)
        .await;
        assert!(orphan.is_err(), "{backend:?}: foreign keys are on again");
        db.close().await;
    }
}
