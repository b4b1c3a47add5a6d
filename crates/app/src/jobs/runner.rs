//! The loop that runs the jobs until shutdown. It reads the clock (once per job run), takes
//! the job's lease when it has one (another instance may be running it), and logs; a job that
//! keeps failing is logged at warn at most every five minutes.

use super::Job;
use crate::{App, AppError};
use mds_domain::Timestamp;
use mds_observe::metrics::{JOB_DURATION, JOB_RUNS};
use mds_store::job_leases;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::watch;

const WARN_EVERY_MS: i64 = 5 * 60 * 1000;
/// When another instance holds a job, this instance looks again after at most this long.
const RETRY_TAKEN_MS: i64 = 60 * 1000;

/// Runs `jobs` every `tick` (each at most once per its own interval, across every instance
/// sharing the database) until `stop` turns true; a job in progress finishes first.
/// `instance` names this process in the leases (unique per process).
pub async fn run_loop(
    app: App,
    jobs: Vec<Box<dyn Job>>,
    tick: Duration,
    clock: fn() -> Timestamp,
    instance: String,
    mut stop: watch::Receiver<bool>,
) {
    let mut next_try: HashMap<&'static str, i64> = HashMap::new();
    let mut last_warn: HashMap<&'static str, i64> = HashMap::new();
    let mut interval = tokio::time::interval(tick);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            _ = stop.changed() => break,
        }
        for job in &jobs {
            if *stop.borrow() {
                return;
            }
            let now = clock();
            if next_try.get(job.name()).is_some_and(|t| now.millis() < *t) {
                continue;
            }
            let every = millis(job.every());
            next_try.insert(job.name(), now.millis() + every);
            let problem = match run_one(&app, job.as_ref(), &instance, now, clock).await {
                Ok(None) => {
                    next_try.insert(job.name(), now.millis() + every.min(RETRY_TAKEN_MS));
                    None
                }
                Ok(Some(r)) => {
                    if r.done > 0 || r.failed > 0 {
                        tracing::info!(
                            job = job.name(),
                            done = r.done,
                            failed = r.failed,
                            "job run"
                        );
                    }
                    (r.retried > 0 || r.failed > 0)
                        .then(|| r.last_error.unwrap_or_else(|| "retrying".to_owned()))
                }
                Err(e) => Some(e.to_string()),
            };
            if let Some(error) = problem {
                let due = last_warn
                    .get(job.name())
                    .is_none_or(|t| now.millis() - t >= WARN_EVERY_MS);
                if due {
                    last_warn.insert(job.name(), now.millis());
                    tracing::warn!(job = job.name(), %error, "job did not complete; it will be retried");
                }
            }
        }
    }
}

/// One run of `job` at `now` if this instance gets it (`None`: another instance holds it).
async fn run_one(
    app: &App,
    job: &dyn Job,
    instance: &str,
    now: Timestamp,
    clock: fn() -> Timestamp,
) -> Result<Option<super::JobReport>, AppError> {
    let name = job.name();
    if let Some(lease) = job.lease() {
        let mut tx = app.db().begin().await?;
        let taken = job_leases::acquire(
            &mut tx,
            name,
            instance,
            now.millis(),
            now.millis() + millis(lease),
        )
        .await?;
        tx.commit().await?;
        if !taken {
            JOB_RUNS.inc(&[name, "held"]);
            return Ok(None);
        }
    }
    let started = std::time::Instant::now();
    tracing::debug!(
        job = name,
        instance,
        started_ms = now.millis(),
        "job started"
    );
    let report = job.run_once(app, now).await;
    let finished = clock();
    JOB_RUNS.inc(&[name, if report.is_ok() { "ok" } else { "error" }]);
    JOB_DURATION.observe(&[name], started.elapsed().as_secs_f64());
    if job.lease().is_some() {
        // Due again one interval after this run started (never before it finished); a run
        // that failed is retried at the same pace.
        let next_due = (now.millis() + millis(job.every())).max(finished.millis());
        let mut tx = app.db().begin().await?;
        job_leases::finish(&mut tx, name, instance, finished.millis(), next_due).await?;
        tx.commit().await?;
    }
    tracing::debug!(
        job = name,
        instance,
        started_ms = now.millis(),
        finished_ms = finished.millis(),
        "job finished"
    );
    report.map(Some)
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4)
}
