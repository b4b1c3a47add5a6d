//! Which backends a test run uses: SQLite and the local vault always, PostgreSQL and S3 when
//! their variable names a server. Read once per test binary, and said once on stderr, so that
//! a run on SQLite alone is never mistaken for a full one.

use std::env::VarError;
use std::future::Future;
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::sync::OnceLock;

/// The two database backends every contract test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

struct Selection {
    postgres: Option<String>,
    s3: Option<String>,
}

fn selection() -> &'static Selection {
    static SELECTION: OnceLock<Selection> = OnceLock::new();
    SELECTION.get_or_init(|| {
        let selection = Selection {
            postgres: variable("MDS_TEST_PG_URL"),
            s3: variable("MDS_TEST_S3_ENDPOINT"),
        };
        announce(&selection);
        selection
    })
}

/// A variable's value; unset or empty is "not selected".
fn variable(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Some(value),
        Ok(_) | Err(VarError::NotPresent) => None,
        Err(VarError::NotUnicode(value)) => panic!("{name} is not UTF-8: {value:?}"),
    }
}

/// One line on stderr for the whole test binary. Written to the stream itself: the test
/// harness captures only `print!`/`eprint!`, and this line must be seen on a passing run.
fn announce(selection: &Selection) {
    let databases = match selection.postgres {
        Some(_) => "SQLite + PostgreSQL (MDS_TEST_PG_URL)",
        None => "SQLite only (MDS_TEST_PG_URL not set)",
    };
    let vaults = match selection.s3 {
        Some(_) => "local + S3 (MDS_TEST_S3_ENDPOINT)",
        None => "local only (MDS_TEST_S3_ENDPOINT not set)",
    };
    let partial = if selection.postgres.is_none() || selection.s3.is_none() {
        "; scripts/test.sh runs them all"
    } else {
        ""
    };
    // Nothing to do if stderr is gone.
    let _ = writeln!(
        std::io::stderr(),
        "mds-testkit: databases {databases}, vault {vaults}{partial}"
    );
}

/// The database backends of this run: SQLite, then PostgreSQL when `MDS_TEST_PG_URL` is set.
pub fn backends() -> Vec<TestBackend> {
    let mut all = vec![TestBackend::Sqlite];
    if selection().postgres.is_some() {
        all.push(TestBackend::Postgres);
    }
    all
}

/// The PostgreSQL server URL of this run (`MDS_TEST_PG_URL`), whose databases the tests
/// create; `None` when the run is on SQLite alone.
pub fn pg_admin_url() -> Option<&'static str> {
    selection().postgres.as_deref()
}

/// The S3-compatible server of this run (`MDS_TEST_S3_ENDPOINT`); `None` when the vault
/// tests run on the local directory alone.
pub fn s3_endpoint() -> Option<&'static str> {
    selection().s3.as_deref()
}

/// Runs `test` once per backend of the run (both when PostgreSQL is selected), each on its own
/// runtime, and names the backend when it fails. (A runtime per run rather than
/// `#[tokio::test]` + `spawn`: the scenario's future need not be `Send`, and the first failing
/// backend is reported by name.)
pub fn on_both<F, Fut>(test: F)
where
    F: Fn(TestBackend) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in backends() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("tokio runtime: {e}"));
        let run = std::panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(test(backend))));
        if let Err(p) = run {
            let message = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            panic!("on the {backend:?} backend: {message}");
        }
    }
}
