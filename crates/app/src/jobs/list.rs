//! The product's jobs: each names its work, says how often it runs and turns what the work
//! did into a `JobReport`. The work itself lives with its subject (`information` for the
//! timers and the outbox, `record` for access expiry, `patients` for retention, `operator`
//! for housekeeping and supervision, `structure_access` for expired tokens), where tests call
//! it with a fixed clock.

use super::{Job, JobFuture, JobReport};
use crate::information::outbox::OutboxDelivery;
use crate::App;
use mds_domain::Timestamp;
use std::time::Duration;

/// The timers of documents hidden from the patient (reminders and release).
pub struct Timers;

impl Job for Timers {
    fn name(&self) -> &'static str {
        "timers"
    }

    fn every(&self) -> Duration {
        Duration::from_secs(60)
    }

    fn run_once<'a>(&'a self, app: &'a App, now: Timestamp) -> JobFuture<'a> {
        Box::pin(async move {
            Ok(JobReport {
                done: app.fire_timers(now).await?,
                ..JobReport::default()
            })
        })
    }
}

/// The e-mail outbox, delivered over SMTP at every tick.
impl Job for OutboxDelivery {
    fn name(&self) -> &'static str {
        "outbox"
    }

    fn every(&self) -> Duration {
        Duration::ZERO
    }

    fn lease(&self) -> Option<Duration> {
        None
    }

    fn run_once<'a>(&'a self, app: &'a App, now: Timestamp) -> JobFuture<'a> {
        Box::pin(async move {
            let d = self.deliver(app, now).await?;
            Ok(JobReport {
                done: d.sent,
                retried: d.retried,
                failed: d.failed,
                last_error: d.last_error,
            })
        })
    }
}

/// The daily e-mail digests (`information::digest`), sent soon after the day turns.
pub struct Digests;

impl Job for Digests {
    fn name(&self) -> &'static str {
        "digests"
    }

    fn every(&self) -> Duration {
        Duration::from_secs(300)
    }

    fn run_once<'a>(&'a self, app: &'a App, now: Timestamp) -> JobFuture<'a> {
        Box::pin(async move {
            Ok(JobReport {
                done: app.send_digests(now).await?,
                ..JobReport::default()
            })
        })
    }
}

/// Consents and emergency sessions past their end, recorded as ended.
pub struct AccessExpiry;

impl Job for AccessExpiry {
    fn name(&self) -> &'static str {
        "access_expiry"
    }

    fn every(&self) -> Duration {
        Duration::from_secs(60)
    }

    fn run_once<'a>(&'a self, app: &'a App, now: Timestamp) -> JobFuture<'a> {
        Box::pin(async move {
            Ok(JobReport {
                done: app.expire_accesses(now).await?,
                ..JobReport::default()
            })
        })
    }
}

/// Orphan vault objects, stale sessions and idle throttle counters. The vault is swept a
/// slice of `ORPHANS_PER_RUN` objects per run, resuming where the previous run stopped.
#[derive(Default)]
pub struct Housekeeping {
    /// The last vault key the previous run examined (`None`: start from the first).
    orphans_after: std::sync::Mutex<Option<String>>,
}

/// Vault objects examined per housekeeping run: a vault of fifteen million objects is swept
/// in about 150 runs (a day at one run every ten minutes), each run reading a bounded slice
/// instead of the whole vault.
pub const ORPHANS_PER_RUN: usize = 100_000;

impl Job for Housekeeping {
    fn name(&self) -> &'static str {
        "housekeeping"
    }

    fn every(&self) -> Duration {
        Duration::from_secs(600)
    }

    fn run_once<'a>(&'a self, app: &'a App, now: Timestamp) -> JobFuture<'a> {
        Box::pin(async move {
            let after = self
                .orphans_after
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone();
            let (orphans, sessions, next) =
                app.run_housekeeping(now, after, ORPHANS_PER_RUN).await?;
            *self
                .orphans_after
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = next;
            Ok(JobReport {
                done: orphans + sessions,
                ..JobReport::default()
            })
        })
    }
}

/// Archives past 10 years and erasure requests.
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

/// Expired access tokens and assertion ids of structure software, deleted.
pub struct TokenHousekeeping;

impl Job for TokenHousekeeping {
    fn name(&self) -> &'static str {
        "structure_tokens"
    }

    fn every(&self) -> Duration {
        Duration::from_secs(600)
    }

    fn run_once<'a>(&'a self, app: &'a App, now: Timestamp) -> JobFuture<'a> {
        Box::pin(async move {
            Ok(JobReport {
                done: app.purge_structure_tokens(now).await?,
                ..JobReport::default()
            })
        })
    }
}

/// Signed checkpoints of the audit chain (`operator::audit_checkpoints`), well within the hour
/// the published promise states.
pub struct AuditCheckpoints;

impl Job for AuditCheckpoints {
    fn name(&self) -> &'static str {
        "audit_checkpoints"
    }

    fn every(&self) -> Duration {
        Duration::from_secs(600)
    }

    fn run_once<'a>(&'a self, app: &'a App, now: Timestamp) -> JobFuture<'a> {
        Box::pin(async move {
            Ok(JobReport {
                done: app.sign_audit_checkpoints(now).await?,
                ..JobReport::default()
            })
        })
    }
}
