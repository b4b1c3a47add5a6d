//! Use cases of Mon Drive Santé: each loads the facts it needs from the store, asks the policy
//! where a record is involved, acts, and writes its audit event in the same transaction.
//!
//! Callers (the REST API, the portals, the command line, jobs) go through `App` only; they
//! never touch the store, the vault or the audit directly. Time is always a parameter.

mod app;
mod audit_text;
mod error;
pub mod error_en;
mod session_cache;

pub mod accounts;
pub mod held_uploads;
pub mod information;
pub mod interop;
pub mod jobs;
pub mod operator;
pub mod patients;
pub mod progress;
pub mod record;
pub mod secrets;
pub mod settings;
pub mod structure_access;

pub use app::{ActingStructure, Actor, App, SoftwareAgent};
pub use error::AppError;
pub use settings::Settings;
