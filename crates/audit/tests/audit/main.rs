//! The audit trail's integration tests, one binary, on every database backend of the run.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

mod chain;
mod group_commit;
mod samples;
mod tampering;
