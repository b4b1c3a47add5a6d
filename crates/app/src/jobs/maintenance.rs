//! Existing periodic work as jobs: housekeeping (orphan objects, stale sessions), the
//! retention job (archives past 10 years, erasure requests) and supervision.

use super::{Job, JobFuture, JobReport};
use crate::App;
use mds_domain::Timestamp;
use std::time::Duration;

pub struct Housekeeping;

impl Job for Housekeeping {
    fn name(&self) -> &'static str {
        "housekeeping"
    }

    fn every(&self) -> Duration {
        Duration::from_secs(600)
    }

    fn run_once<'a>(&'a self, app: &'a App, now: Timestamp) -> JobFuture<'a> {
        Box::pin(async move {
            let (orphans, sessions) = app.run_housekeeping(now).await?;
            Ok(JobReport {
                done: orphans + sessions,
                ..JobReport::default()
            })
        })
    }
}

pub struct Retention;

impl Job for Retention {
    fn name(&self) -> &'static str {
        "retention"
    }

    fn every(&self) -> Duration {
        Duration::from_secs(600)
    }

    fn run_once<'a>(&'a self, app: &'a App, now: Timestamp) -> JobFuture<'a> {
        Box::pin(async move {
            let r = app.run_retention(now).await?;
            Ok(JobReport {
                done: r.purged + r.erased,
                ..JobReport::default()
            })
        })
    }
}

/// Supervision alerts for support (DESIGN.md section 6): judges the audit events written
/// since the last pass.
pub struct Supervision;

impl Job for Supervision {
    fn name(&self) -> &'static str {
        "supervision"
    }

    fn every(&self) -> Duration {
        Duration::from_secs(60)
    }

    fn run_once<'a>(&'a self, app: &'a App, now: Timestamp) -> JobFuture<'a> {
        Box::pin(async move {
            let r = app.run_supervision(now).await?;
            Ok(JobReport {
                done: r.alerts_raised as u64,
                ..JobReport::default()
            })
        })
    }
}
