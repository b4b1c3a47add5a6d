//! Background work run by one loop: each job is `run_once(app, now)` — what tests call with a
//! fixed clock — and the runner calls the jobs whose interval has elapsed, tick after tick,
//! until shutdown. State lives in the database (outbox rows, timers, expiry columns), so a
//! restart loses nothing and fires nothing twice. Jobs never read the clock: the runner does.
//!
//! Several instances on one database: a job with a lease runs on one instance at a time and
//! once per interval across all of them (`job_leases`: taken before the run, kept until the
//! job is next due; a holder that dies leaves its lease to expire). The outbox has none: its
//! rows are claimed one by one, so every instance delivers, each different e-mails.

mod list;
mod runner;

pub use list::{
    AccessExpiry, AuditCheckpoints, Digests, Housekeeping, Retention, Supervision, Timers,
    TokenHousekeeping,
};
pub use runner::run_loop;

use crate::information::outbox::{OutboxDelivery, SmtpSettings};
use crate::{App, AppError};
use mds_domain::Timestamp;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// What one run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct JobReport {
    /// Items handled (e-mails sent, timers fired, accesses expired, records removed…).
    pub done: u64,
    /// Items that failed this time and will be tried again.
    pub retried: u64,
    /// Items given up on (visible to operators).
    pub failed: u64,
    /// The last error met, for the log.
    pub last_error: Option<String>,
}

pub type JobFuture<'a> = Pin<Box<dyn Future<Output = Result<JobReport, AppError>> + Send + 'a>>;

/// A background job.
pub trait Job: Send + Sync {
    fn name(&self) -> &'static str;
    /// Least time between two runs.
    fn every(&self) -> Duration;
    /// The longest one run may take before another instance may assume its holder died and
    /// run the job itself; `None` for a job whose items are claimed one by one, which every
    /// instance runs.
    fn lease(&self) -> Option<Duration> {
        Some(Duration::from_secs(600))
    }
    /// One pass at `now`.
    fn run_once<'a>(&'a self, app: &'a App, now: Timestamp) -> JobFuture<'a>;
}

/// The product's jobs. Add a job here (or push one onto the list) to have it run.
pub fn product_jobs(smtp: SmtpSettings, smtp_password: Option<String>) -> Vec<Box<dyn Job>> {
    vec![
        Box::new(Timers),
        Box::new(AccessExpiry),
        Box::new(OutboxDelivery::new(smtp, smtp_password)),
        Box::new(Digests),
        Box::new(Housekeeping::default()),
        Box::new(Retention),
        Box::new(Supervision),
        Box::new(TokenHousekeeping),
        Box::new(AuditCheckpoints),
    ]
}
