//! Existing periodic work as jobs: housekeeping (orphan objects, stale sessions) and the
//! retention job (archives past 10 years, erasure requests).

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
