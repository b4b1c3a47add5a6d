//! Use cases of Mon Drive Santé: each loads the facts it needs from the store, asks the policy
//! where a record is involved, acts, and writes its audit event in the same transaction.
//!
//! Callers (the REST API, the portals, the command line, jobs) go through `App` only; they
//! never touch the store, the vault or the audit directly. Time is always a parameter.

mod app;
mod error;

pub mod audit_trail;
pub mod auth;
pub mod demo;
pub mod directory;
pub mod documents;
pub mod enrolment;
pub mod export;
pub mod history;
pub mod identity_reviews;
pub mod jobs;
pub mod notify;
pub mod password;
pub mod patient_life;
pub mod patients;
pub mod record;
pub mod self_enrolment;
pub mod settings;
pub mod software;
pub mod supervision;
pub mod support_patients;
pub mod totp;
pub mod vault_reseal;

pub use app::{Actor, App, SoftwareAgent};
pub use error::AppError;
pub use settings::Settings;
