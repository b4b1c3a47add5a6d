//! The use cases' integration tests, one binary: a real `App` per test (fresh database of each
//! backend of the run, local vault, fixed clock) from `mds_testkit::app`.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

mod access_notices;
mod acting_structure;
mod activation_code;
mod amg_numbers;
mod audit_erasure;
mod audit_trail;
mod auth;
mod consent_form;
mod contact_change;
mod directory;
mod directory_edit;
mod documents;
mod enrolment;
mod export_index;
mod held_uploads;
mod history;
mod instances;
mod interop;
mod masking_at_request;
mod notifications;
mod passkeys;
mod password_change;
mod patient_records;
mod patient_settings;
mod patients;
mod preload;
mod record_expiry;
mod record_export;
mod record_overview;
mod recovery;
mod recovery_requests;
mod rectification;
mod representatives;
mod seed;
mod self_enrolment;
mod smtp_tls;
mod software;
mod structure_access;
mod supervision;
mod support_console;
mod throttling;
mod totp_sealing;
mod two_step_sign_in;
