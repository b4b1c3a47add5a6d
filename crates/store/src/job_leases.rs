//! Leases of the background jobs, shared by every instance on one database. A job is run by
//! the instance that takes its row: `acquire` succeeds only once the previous lease has ended
//! (the run finished and the job's interval passed, or the holder died and its run's lease
//! expired); `finish` sets when the job is next due. Both run in a transaction from
//! [`crate::Db::begin`], which already serialises writers of every instance.

use crate::{Ex, Query, StoreError};

/// The lease of one job as stored (operators and tests).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobLease {
    pub name: String,
    pub holder: String,
    pub until_ms: i64,
    pub started_at_ms: i64,
    pub finished_at_ms: Option<i64>,
    pub runs: i64,
}

impl crate::sql::FromRow for JobLease {
    fn from_row(r: &crate::sql::Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            name: r.get(0)?,
            holder: r.get(1)?,
            until_ms: r.get(2)?,
            started_at_ms: r.get(3)?,
            finished_at_ms: r.get(4)?,
            runs: r.get(5)?,
        })
    }
}

/// Takes the job `name` for `holder` from `now_ms` to `until_ms` if nobody holds it at
/// `now_ms`; false when another run's lease (or the job's interval) is still running.
pub async fn acquire(
    ex: impl Into<Ex<'_>>,
    name: &str,
    holder: &str,
    now_ms: i64,
    until_ms: i64,
) -> Result<bool, StoreError> {
    let taken = Query::new(
        "INSERT INTO job_leases (name, holder, until_ms, started_at_ms, finished_at_ms, runs) \
         VALUES ($1, $2, $3, $4, NULL, 1) \
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, \
         until_ms = excluded.until_ms, started_at_ms = excluded.started_at_ms, \
         finished_at_ms = NULL, runs = job_leases.runs + 1 \
         WHERE job_leases.until_ms <= $4",
    )
    .bind(name)
    .bind(holder)
    .bind(until_ms)
    .bind(now_ms)
    .execute(ex)
    .await?;
    Ok(taken == 1)
}

/// Ends `holder`'s run of `name` at `now_ms`; nobody takes the job again before
/// `next_due_ms`. False if the lease had passed to another instance meanwhile.
pub async fn finish(
    ex: impl Into<Ex<'_>>,
    name: &str,
    holder: &str,
    now_ms: i64,
    next_due_ms: i64,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE job_leases SET until_ms = $1, finished_at_ms = $2 \
         WHERE name = $3 AND holder = $4 AND finished_at_ms IS NULL",
    )
    .bind(next_due_ms)
    .bind(now_ms)
    .bind(name)
    .bind(holder)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// Every job's lease, by name.
pub async fn all(ex: impl Into<Ex<'_>>) -> Result<Vec<JobLease>, StoreError> {
    Query::new(
        "SELECT name, holder, until_ms, started_at_ms, finished_at_ms, runs FROM job_leases \
         ORDER BY name",
    )
    .fetch_all(ex)
    .await
}
