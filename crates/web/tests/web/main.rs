//! The portals' integration tests, one binary: the real portals over a real application with
//! the demo data (fresh database of each backend of the run, local vault), through the
//! cookie-keeping browser of `mds_testkit::web`.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

mod amg_numbers;
mod birth_places;
mod contact_change;
mod document_viewer;
mod enrol_no_disclosure;
mod errors_in_english;
mod health_profile;
mod history_in_english;
mod identity_entry;
mod lost_factor;
mod patient_screens;
mod patient_settings;
mod portals;
mod pro_screens;
mod recovery;
mod rectification;
mod representatives;
mod sign_in;
mod support_console;
mod support_directory_edit;
mod support_directory_new;
mod support_export;
mod support_screens;
