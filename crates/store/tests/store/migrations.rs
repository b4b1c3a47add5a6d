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
