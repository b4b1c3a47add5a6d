//! What the tests of every crate share, written once: the backends a run uses (`on_both`,
//! fresh databases), the demo people, request builders, an SMTP sink, the S3 settings, and —
//! behind features — a real `App` on a fresh database, the REST client and the portals'
//! browser over the real routers. A dev-dependency only: no crate may ship it
//! (`crates/mds/tests/mds/layers.rs` checks it from `cargo metadata`).
//!
//! Backends are chosen by the environment, read once per test binary and announced on stderr:
//! SQLite and the local vault always; PostgreSQL when `MDS_TEST_PG_URL` is set, S3 when
//! `MDS_TEST_S3_ENDPOINT` is set (`scripts/test.sh` sets both). A variable that is set but whose
//! server does not answer fails the tests that use it; nothing is skipped silently.
//!
//! A test file imports the module of the surface it tests, which brings what lies below it:
//! `mds_testkit::*` (store, audit), `vault::*`, `app::*`, `api::*`, `fhir::*` or `web::*`.

mod backends;
mod db;
pub mod files;
mod multipart;
mod people;
mod smtp;
mod typed;

#[cfg(feature = "api")]
pub mod api;
#[cfg(feature = "app")]
pub mod app;
#[cfg(feature = "fhir")]
pub mod fhir;
#[cfg(feature = "http")]
mod http;
#[cfg(feature = "app")]
pub mod jws;
#[cfg(feature = "vault")]
pub mod vault;
#[cfg(feature = "web")]
pub mod web;

pub use base::*;

/// What every test may use; each surface module re-exports it with its own items.
mod base {
    pub use crate::backends::{backends, on_both, pg_admin_url, s3_endpoint, TestBackend};
    pub use crate::db::{fresh_db, fresh_postgres_url};
    pub use crate::multipart::{document_form, Multipart};
    pub use crate::people::*;
    pub use crate::smtp::{free_port, IssuedCert, SmtpSink, TestCa};
    pub use crate::typed::{typed, FromText};

    /// The real clock, in milliseconds since the epoch: for the tests of surfaces that read
    /// it themselves (handlers, the binary).
    pub fn now_ms() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }
}
