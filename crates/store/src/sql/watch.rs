//! What the SQLite statements of a process really did: a watch that, when switched on,
//! records every distinct statement text run on a database, how many rows SQLite stepped
//! through in full-table scans for it and how many times SQLite had to prepare it again
//! (a cached statement that is re-parsed and re-planned), and the `EXPLAIN QUERY PLAN` of a
//! statement text.
//!
//! The index test runs the request paths with the watch on, then checks that no statement
//! scans a table whole (neither by its plan nor by SQLite's own counter). Off by default: one
//! atomic load per statement then. PostgreSQL has no watch (its plans depend on table
//! statistics; the same indexes are created by both migrations).

use crate::{Db, StoreError};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// One statement text seen while watching.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchedStatement {
    pub sql: String,
    /// Rows stepped through by full-table scans, summed over the runs of this text.
    pub full_scan_steps: u64,
    /// Times SQLite prepared the cached statement again before running it.
    pub reprepares: u64,
    pub runs: u64,
}

#[derive(Clone, Copy, Default)]
struct Counts {
    full_scan_steps: u64,
    reprepares: u64,
    runs: u64,
}

#[derive(Default)]
pub(crate) struct StatementWatch {
    on: AtomicBool,
    seen: Mutex<BTreeMap<String, Counts>>,
}

impl StatementWatch {
    pub(crate) fn is_on(&self) -> bool {
        self.on.load(Ordering::Relaxed)
    }

    /// Records one run of `stmt` (a statement that has just run), resetting its counters.
    pub(crate) fn record(&self, sql: &str, stmt: &rusqlite::Statement<'_>) {
        let count = |status| u64::try_from(stmt.reset_status(status)).unwrap_or_default();
        let scanned = count(rusqlite::StatementStatus::FullscanStep);
        let reprepared = count(rusqlite::StatementStatus::RePrepare);
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = seen.entry(sql.to_owned()).or_default();
        entry.full_scan_steps += scanned;
        entry.reprepares += reprepared;
        entry.runs += 1;
    }
}

impl Db {
    /// Starts (or stops) recording the statements run on this database (SQLite only).
    pub fn watch_statements(&self, on: bool) {
        if let Some(w) = self.sqlite_watch() {
            w.on.store(on, Ordering::Relaxed);
        }
    }

    /// The statements recorded since the watch was switched on, in text order; then forgets
    /// them. Empty on PostgreSQL.
    pub fn watched_statements(&self) -> Vec<WatchedStatement> {
        let Some(w) = self.sqlite_watch() else {
            return Vec::new();
        };
        let mut seen = w
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        std::mem::take(&mut *seen)
            .into_iter()
            .map(|(sql, c)| WatchedStatement {
                sql,
                full_scan_steps: c.full_scan_steps,
                reprepares: c.reprepares,
                runs: c.runs,
            })
            .collect()
    }

    /// SQLite's `EXPLAIN QUERY PLAN` of a statement text, one line per plan step (the
    /// parameters are left unbound: the plan does not depend on their values). `None` on
    /// PostgreSQL.
    pub fn explain_query_plan(&self, sql: &str) -> Result<Option<Vec<String>>, StoreError> {
        let Some(sqlite) = self.sqlite() else {
            return Ok(None);
        };
        sqlite
            .read(|c| {
                let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
                let mut rows = stmt.raw_query();
                let mut lines = Vec::new();
                while let Some(row) = rows.next()? {
                    lines.push(row.get::<_, String>(3)?);
                }
                Ok(lines)
            })
            .map(Some)
    }
}
