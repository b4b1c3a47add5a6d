//! Fictional but realistic New Caledonian demo data: structures in Nouméa, Koné and
//! Mont-Dore, professionals of several professions (with a SAMU regulator and an assistant),
//! a support agent, patients (active and inactive accounts) and documents of several types;
//! the support console's cases; and the benchmarks of `mds bench`. Loading is idempotent:
//! every item is looked up by its natural key first.
//!
//! Demo accounts share one password and have fixed TOTP secrets (printed at load, and
//! `mds demo code LOGIN` prints the current code) — fine for a demonstration, never for real
//! accounts, which enrol their own secret. Only the binary (and the tests) depend on this
//! crate: it never calls the store, it drives `mds_app`'s seeding API
//! (`mds_app::operator::seed`) and, for the support console's cases, the real use cases.

pub mod bench;
mod data;
pub mod drawing;
mod load;
pub mod scale;
mod support_cases;

pub use load::load;
pub use support_cases::load_support_cases;

use mds_app::{App, AppError};
use mds_domain::PatientId;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "Demo-MDS-2026";

/// One demo login, as printed for the person trying the service.
#[derive(Clone, Debug, Serialize)]
pub struct DemoLogin {
    pub login: String,
    pub role: String,
    pub totp_secret: String,
}

/// What a load did, and the logins to print.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DemoReport {
    pub created: u64,
    pub already_present: u64,
    pub logins: Vec<DemoLogin>,
}

/// The fixed TOTP secret of a demo login (derived from the login, so it is stable across
/// machines and reloads).
pub fn demo_totp_secret(login: &str) -> String {
    let digest = Sha256::digest(format!("mon-drive-sante-demo:{login}").as_bytes());
    data_encoding::BASE32_NOPAD.encode(&digest[..20])
}

/// Whether a login belongs to the demo data (only those have derivable secrets).
pub fn is_demo_login(login: &str) -> bool {
    login.ends_with("@demo.mds.nc")
}

/// The record of the first demo patient (Marie Wéa), when the demo data is loaded.
pub async fn patient_id(app: &App) -> Result<Option<PatientId>, AppError> {
    Ok(app
        .seeder(load::ORIGIN)
        .patient_by_cafat(data::PATIENTS[0].cafat)
        .await?
        .map(|p| p.id))
}
