//! The loop that runs the jobs until shutdown. It reads the clock (once per job run) and logs;
//! a job that keeps failing is logged at warn at most every five minutes.

use super::Job;
use crate::App;
use mds_domain::Timestamp;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::watch;

const WARN_EVERY_MS: i64 = 5 * 60 * 1000;

/// Runs `jobs` every `tick` (each at most once per its own interval) until `stop` turns
/// true; a job in progress finishes first.
pub async fn run_loop(
    app: App,
    jobs: Vec<Box<dyn Job>>,
    tick: Duration,
    clock: fn() -> Timestamp,
    mut stop: watch::Receiver<bool>,
) {
    let mut last_run: HashMap<&'static str, i64> = HashMap::new();
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
            let every = i64::try_from(job.every().as_millis()).unwrap_or(i64::MAX);
            if last_run
                .get(job.name())
                .is_some_and(|t| now.millis() - t < every)
            {
                continue;
            }
            last_run.insert(job.name(), now.millis());
            let problem = match job.run_once(&app, now).await {
                Ok(r) => {
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
