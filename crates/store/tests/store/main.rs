//! The store's integration tests, one binary: the contract on every backend of the run and the
//! migrations of both backends.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

mod audit_indexes;
mod auth_epoch;
mod contract;
mod migrations;
mod patient_life;
mod structure_access;
