//! The metric kinds (counters, gauges, histograms with labels) and the catalogue of every
//! metric the service exports, in one place: a crate updates the metric it names here, and
//! `exposition::render` writes them all. Label values come from closed sets (route templates,
//! status codes, job names, modes); a metric keeps at most [`MAX_SERIES`] label sets and
//! counts any further one under the values `other`, so no input can grow it without bound.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Mutex, MutexGuard};

/// Label sets kept per metric; beyond, new ones are counted as `other`.
pub const MAX_SERIES: usize = 2000;

/// The series whose label values share one hash.
type Bucket<V> = Vec<(Box<[Box<str>]>, V)>;

/// The series of one metric, found by the hash of their label values without allocating
/// (a counter is bumped on every request); a new series allocates once.
struct Series<V> {
    /// `None` until the first series (`HashMap::new` is not `const`).
    by_hash: Option<HashMap<u64, Bucket<V>>>,
    len: usize,
}

impl<V> Series<V> {
    const fn new() -> Self {
        Self {
            by_hash: None,
            len: 0,
        }
    }

    fn find(&self, values: &[&str]) -> Option<&V> {
        let bucket = self.by_hash.as_ref()?.get(&hash(values))?;
        bucket.iter().find(|(k, _)| same(k, values)).map(|(_, v)| v)
    }

    /// The series of `values` (or `other` once the metric is full), created by `new`.
    fn entry(&mut self, values: &[&str], new: impl FnOnce() -> V) -> &mut V {
        // The `other` label set is built only once the metric is full: an increment of a
        // known series allocates nothing.
        let others: Vec<&str>;
        let values = if self.len >= MAX_SERIES && self.find(values).is_none() {
            others = vec!["other"; values.len()];
            &others[..]
        } else {
            values
        };
        let bucket = self
            .by_hash
            .get_or_insert_with(HashMap::new)
            .entry(hash(values))
            .or_default();
        let at = match bucket.iter().position(|(k, _)| same(k, values)) {
            Some(i) => i,
            None => {
                let key = values.iter().map(|v| Box::from(*v)).collect();
                bucket.push((key, new()));
                self.len += 1;
                bucket.len() - 1
            }
        };
        &mut bucket[at].1
    }

    /// Every series, by label values.
    fn snapshot(&self) -> Vec<(Vec<String>, V)>
    where
        V: Clone,
    {
        let mut all: Vec<(Vec<String>, V)> = self
            .by_hash
            .iter()
            .flat_map(HashMap::values)
            .flatten()
            .map(|(k, v)| (k.iter().map(|s| s.to_string()).collect(), v.clone()))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

fn hash(values: &[&str]) -> u64 {
    let mut h = DefaultHasher::new();
    values.hash(&mut h);
    h.finish()
}

fn same(key: &[Box<str>], values: &[&str]) -> bool {
    key.len() == values.len() && key.iter().zip(values).all(|(k, v)| &**k == *v)
}

/// A count that only grows, per label values.
pub struct Counter {
    pub(crate) name: &'static str,
    pub(crate) help: &'static str,
    pub(crate) labels: &'static [&'static str],
    values: Mutex<Series<u64>>,
}

/// A value set at a moment (read at scrape time), per label values.
pub struct Gauge {
    pub(crate) name: &'static str,
    pub(crate) help: &'static str,
    pub(crate) labels: &'static [&'static str],
    values: Mutex<Series<f64>>,
}

/// Observations counted in buckets (upper bounds), with their sum, per label values.
pub struct Histogram {
    pub(crate) name: &'static str,
    pub(crate) help: &'static str,
    pub(crate) labels: &'static [&'static str],
    pub(crate) buckets: &'static [f64],
    values: Mutex<Series<Observed>>,
}

/// One histogram series: per-bucket counts (not cumulative; the last is above every bound).
#[derive(Clone, Debug, Default)]
pub(crate) struct Observed {
    pub(crate) counts: Vec<u64>,
    pub(crate) sum: f64,
    pub(crate) count: u64,
}

impl Counter {
    pub const fn new(
        name: &'static str,
        help: &'static str,
        labels: &'static [&'static str],
    ) -> Self {
        Self {
            name,
            help,
            labels,
            values: Mutex::new(Series::new()),
        }
    }

    pub fn inc(&self, values: &[&str]) {
        self.add(values, 1);
    }

    pub fn add(&self, values: &[&str], n: u64) {
        *lock(&self.values).entry(values, || 0) += n;
    }

    /// The current value of one series (tests, the operator's command line).
    pub fn get(&self, values: &[&str]) -> u64 {
        lock(&self.values).find(values).copied().unwrap_or(0)
    }

    pub(crate) fn series(&self) -> Vec<(Vec<String>, u64)> {
        lock(&self.values).snapshot()
    }
}

impl Gauge {
    pub const fn new(
        name: &'static str,
        help: &'static str,
        labels: &'static [&'static str],
    ) -> Self {
        Self {
            name,
            help,
            labels,
            values: Mutex::new(Series::new()),
        }
    }

    pub fn set(&self, values: &[&str], value: f64) {
        *lock(&self.values).entry(values, || 0.0) = value;
    }

    pub(crate) fn series(&self) -> Vec<(Vec<String>, f64)> {
        lock(&self.values).snapshot()
    }
}

impl Histogram {
    pub const fn new(
        name: &'static str,
        help: &'static str,
        labels: &'static [&'static str],
        buckets: &'static [f64],
    ) -> Self {
        Self {
            name,
            help,
            labels,
            buckets,
            values: Mutex::new(Series::new()),
        }
    }

    pub fn observe(&self, values: &[&str], value: f64) {
        let slot = self
            .buckets
            .iter()
            .position(|b| value <= *b)
            .unwrap_or(self.buckets.len());
        let mut series = lock(&self.values);
        let o = series.entry(values, || Observed {
            counts: vec![0; self.buckets.len() + 1],
            ..Observed::default()
        });
        o.counts[slot] += 1;
        o.sum += value;
        o.count += 1;
    }

    /// Observations of one series so far (tests).
    pub fn count(&self, values: &[&str]) -> u64 {
        lock(&self.values).find(values).map_or(0, |o| o.count)
    }

    pub(crate) fn series(&self) -> Vec<(Vec<String>, Observed)> {
        lock(&self.values).snapshot()
    }
}

/// A poisoned lock only means a panic elsewhere while counting: the numbers stay usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Upper bounds in seconds for request and commit latencies.
const LATENCY: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Upper bounds in seconds for a background job's run.
const JOB: &[f64] = &[0.01, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0];
/// Upper bounds for the events of one audit commit.
const BATCH: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];

// The catalogue.

pub static HTTP_REQUESTS: Counter = Counter::new(
    "mds_http_requests_total",
    "HTTP requests answered, by method, route template and status.",
    &["method", "route", "status"],
);
pub static HTTP_DURATION: Histogram = Histogram::new(
    "mds_http_request_duration_seconds",
    "Time to answer an HTTP request (until the head of the answer), by method and route template.",
    &["method", "route"],
    LATENCY,
);
pub static DECISIONS: Counter = Counter::new(
    "mds_policy_decisions_total",
    "Access decisions of the policy on a record, by mode (none for a refusal) and outcome.",
    &["mode", "outcome"],
);
pub static AUDIT_BATCH: Histogram = Histogram::new(
    "mds_audit_batch_events",
    "Events made durable by one group commit of the audit.",
    &[],
    BATCH,
);
pub static AUDIT_COMMIT: Histogram = Histogram::new(
    "mds_audit_commit_seconds",
    "Time of one group commit of the audit (append and durable commit).",
    &[],
    LATENCY,
);
pub static OUTBOX_SENT: Counter = Counter::new(
    "mds_outbox_sent_total",
    "E-mails accepted by the SMTP server.",
    &[],
);
pub static OUTBOX_FAILURES: Counter = Counter::new(
    "mds_outbox_failures_total",
    "Failed e-mail attempts: retried later, or given up (left for operators).",
    &["result"],
);
pub static OUTBOX_EMAILS: Gauge = Gauge::new(
    "mds_outbox_emails",
    "E-mails in the outbox by state (pending, failed), read at scrape time.",
    &["state"],
);
pub static JOB_RUNS: Counter = Counter::new(
    "mds_job_runs_total",
    "Runs of background jobs by result (ok, error, or held: another instance held the lease).",
    &["job", "result"],
);
pub static JOB_DURATION: Histogram = Histogram::new(
    "mds_job_duration_seconds",
    "Duration of a background job's run on this instance.",
    &["job"],
    JOB,
);
pub static STORE_ERRORS: Counter = Counter::new(
    "mds_store_errors_total",
    "Database errors met by the use cases (each may have failed a request or a job run).",
    &[],
);
pub static VAULT_ERRORS: Counter = Counter::new(
    "mds_vault_errors_total",
    "Vault (document storage) errors met by the use cases.",
    &[],
);
pub static RESIDENT_MEMORY: Gauge = Gauge::new(
    "mds_process_resident_memory_bytes",
    "Resident memory of this process, read at scrape time.",
    &[],
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_are_bounded() {
        let c = Counter::new("t_total", "t", &["route"]);
        for i in 0..MAX_SERIES + 10 {
            c.inc(&[&format!("/r{i}")]);
        }
        assert_eq!(c.series().len(), MAX_SERIES + 1);
        assert_eq!(c.get(&["other"]), 10);
    }

    #[test]
    fn a_histogram_counts_each_value_in_its_bucket() {
        static H: Histogram = Histogram::new("t_seconds", "t", &["job"], &[0.1, 1.0]);
        for v in [0.05, 0.1, 0.5, 3.0] {
            H.observe(&["x"], v);
        }
        let (labels, o) = H.series().remove(0);
        assert_eq!(labels, ["x"]);
        assert_eq!((o.counts, o.count), (vec![2, 1, 1], 4));
        assert!((o.sum - 3.65).abs() < 1e-9);
    }
}
