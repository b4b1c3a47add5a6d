//! The store's integration tests, one binary: the contract on every backend of the run.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

mod contract;
mod patient_life;
