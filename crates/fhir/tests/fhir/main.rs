//! The FHIR surface's integration tests, one binary: the real `/fhir` router over a real
//! application (fresh database of each backend of the run, local vault), called in-process
//! beside the REST router through `mds_testkit::fhir`.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

mod audit_events;
mod bundles;
mod matrix;
mod patients;
mod profile;
mod protocol;
mod provide;
mod sweep;
