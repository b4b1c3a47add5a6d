//! The binary's integration tests, one binary: end-to-end runs of the real `mds` (started on
//! port 0 with its own data directory; the crash tests kill it), the operator commands, the
//! outbox across a crash, the layering rules, and the REST benchmark (ignored; run by
//! `scripts/bench/rest.sh`). Each test starts its own `mds` processes, so they need no test
//! binary of their own.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

mod admin_directory;
mod admin_export;
mod admin_recovery;
mod admin_representatives;
mod admin_supervision;
mod backup;
mod bench_rest;
mod binary;
mod crash;
mod crash_uploads;
mod deployment;
mod e2e;
mod instances;
mod layers;
mod metrics;
mod outbox;
mod policy;
mod slow_clients;
