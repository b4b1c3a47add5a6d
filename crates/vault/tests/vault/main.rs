//! The vault's integration tests, one binary: the backend contract on the local directory and,
//! when the run has an S3 server (`MDS_TEST_S3_ENDPOINT`), on S3; the master key file;
//! re-sealing objects of an older content format, on both.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

mod contract;
mod keys;
mod local;
mod reseal;
mod s3;
