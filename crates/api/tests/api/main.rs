//! The REST API's integration tests, one binary: the real router over a real application
//! (fresh database of each backend of the run, local vault), called in-process through
//! `mds_testkit::api`.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

mod auth;
mod consent_attestation;
mod cookies;
mod directory;
mod enrolment_guard;
mod formats;
mod history;
mod input_bounds;
mod notifications;
mod oversized;
mod patients;
mod plans;
mod preview;
mod profile;
mod protocol;
mod record_controls;
mod record_documents;
mod record_settings;
mod record_sweep;
mod recovery_requests;
mod rectifications;
mod representatives;
mod revocation;
mod storage_faults;
mod structure_auth;
mod supervision;
