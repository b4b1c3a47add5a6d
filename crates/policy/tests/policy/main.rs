//! The policy's integration tests, one binary: the decision tables (access, supervision) and
//! the property tests. Pure: no database, no test kit.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

mod decision_table;
mod properties;
mod replay;
mod scenario;
mod supervision;
mod throttle;
