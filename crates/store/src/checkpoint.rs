//! SQLite's write-ahead log is copied into the database file by a thread of its own.
//!
//! SQLite's default (auto-checkpoint) runs the checkpoint inside the `COMMIT` that left 1,000
//! pages or more in the log: that writer copies the pages into the database file and fsyncs
//! it while it still holds the write lock, so every writer queued behind it — the audit group
//! commit, hence every request waiting for its event to be durable — waits for the copy.
//!
//! Contract:
//! - The writer's WAL hook counts the log's pages after each commit and wakes the
//!   checkpointer each time the log has grown by [`WAKE_AT`] pages (never blocks, never fails
//!   the commit; a wake-up already pending is enough). The writer copies nothing itself.
//! - The checkpointer runs a `PASSIVE` checkpoint on its own connection, without the write
//!   lock: writers go on committing to the log meanwhile, and it copies the bulk of the pages.
//! - The log starts again from its beginning only at a write that finds it copied whole and
//!   no reader on its pages, which writers committing during every copy prevent for ever
//!   (measured: a log of 1.8 GB after two minutes of load, and commits slowed down by the
//!   length of its index). So when the log still holds [`CATCH_UP_AT`] pages after a copy,
//!   the checkpointer takes this process's writer lock and runs a `RESTART` checkpoint: it
//!   waits at most [`READER_WAIT`] for the readers of older pages (requests: milliseconds),
//!   copies the rest (a few pages and one fsync: the bulk is done) and the next write starts
//!   the log again; its file is then cut back to [`LOG_FILE_LIMIT`]. If a long reader (an
//!   export) outlasts the wait, writers are not stopped again for [`CATCH_UP_PAUSE`].
//! - Errors are logged, and the next wake-up tries again. Durability is unchanged: a commit
//!   is durable in the log (`synchronous = FULL`) before it is acknowledged; a checkpoint cut
//!   short by a crash is replayed from the log at the next open.
//! - The thread ends with the writer connection (its hook holds the only sender; the thread
//!   holds the writer weakly).

use crate::StoreError;
use rusqlite::wal::CheckpointMode;
use rusqlite::Connection;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Pages of log between two wake-ups of the checkpointer: about 1 MB of log with 4 KB pages.
/// Each copy ends with an fsync of the database file, whose writes compete with the commits'
/// fsyncs for the disk: on a large file (2 GB, the copied pages scattered over it) each copy's
/// fsync took some 36 ms, against 5 ms on the demo data, and additions' p99 followed the size
/// of the copies (measured at 300,000 patients: 100 pages 19–23 ms, 250 pages 16–24 ms,
/// 1,000 pages 26–39 ms, 4,000 pages 49–52 ms). Smaller copies write a page changed by
/// consecutive commits more often: about 4 % more bytes written per read; additions per
/// second 585–746 against 651–778 at scale, no difference on the demo data
/// (docs/PERFORMANCE.md, runs of 2026-12-07 22:05).
const WAKE_AT: i32 = 250;
/// Pages still in the log after a copy from which the rest is copied under the writer lock
/// (about 16 MB: a log that long is one that writers kept from starting again, not one copy).
const CATCH_UP_AT: i32 = 4000;
/// How long the catch-up waits for readers of older pages, writers stopped, and how often it
/// looks (SQLite's own busy handler sleeps 1, 2, 5, 10… ms: far longer than a request reads).
const READER_WAIT: Duration = Duration::from_millis(50);
const READER_POLL: Duration = Duration::from_micros(200);
/// After a catch-up that a reader outlasted, how long writers are left alone.
const CATCH_UP_PAUSE: Duration = Duration::from_secs(1);
/// Size the log file is cut back to when it starts again from its beginning.
const LOG_FILE_LIMIT: i64 = 64 << 20;

/// The writer hooked to wake a checkpoint thread that copies with `conn` (a connection of its
/// own to the same file). Replaces SQLite's auto-checkpoint on the writer.
pub(crate) fn hooked_writer(
    mut writer: Connection,
    mut conn: Connection,
) -> Result<Arc<Mutex<Connection>>, StoreError> {
    let (wake, woken) = sync_channel::<()>(1);
    open_log(&conn)?;
    conn.busy_handler(Some(wait_for_readers))?;
    writer.pragma_update(None, "journal_size_limit", LOG_FILE_LIMIT)?;
    hook(&mut writer, wake, WAKE_AT)?;
    let writer = Arc::new(Mutex::new(writer));
    let weak = Arc::downgrade(&writer);
    std::thread::Builder::new()
        .name("mds-sqlite-checkpoint".into())
        .spawn(move || run(&conn, &weak, &woken, CATCH_UP_AT))
        .map_err(|e| StoreError::Unavailable(format!("checkpoint thread: {e}")))?;
    Ok(writer)
}

/// After each commit of `writer`, a wake-up on `wake` each time the log has grown by `wake_at`
/// pages (a copy of a few pages would cost an fsync of the database file per commit).
fn hook(writer: &mut Connection, wake: SyncSender<()>, wake_at: i32) -> Result<(), StoreError> {
    let mut next = wake_at;
    writer.wal_hook(Some(move |_: &mut rusqlite::hooks::Wal, pages| {
        if pages < next - wake_at {
            // The log started again from its beginning.
            next = wake_at;
        }
        if pages >= next {
            // Full: a wake-up is already pending. Disconnected: the thread is gone (it only
            // ends with this hook), nothing to do.
            let _ = wake.try_send(());
            next = pages + wake_at;
        }
        Ok(())
    }))?;
    Ok(())
}

/// A connection knows the file is in WAL mode only once it has read it: before, a checkpoint
/// on it does nothing (SQLite reports a log of -1 pages).
fn open_log(conn: &Connection) -> Result<(), StoreError> {
    conn.query_row("SELECT COUNT(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    })?;
    Ok(())
}

fn run(
    conn: &Connection,
    writer: &Weak<Mutex<Connection>>,
    woken: &Receiver<()>,
    catch_up_at: i32,
) {
    let mut gave_up_at: Option<Instant> = None;
    while woken.recv().is_ok() {
        match copy(conn, CheckpointMode::PASSIVE) {
            Some(log) if log >= catch_up_at => {}
            _ => continue,
        }
        if gave_up_at.is_some_and(|t| t.elapsed() < CATCH_UP_PAUSE) {
            continue;
        }
        // Writers kept the log from being copied whole: the rest, while they wait, once the
        // readers of older pages are done.
        let Some(writer) = writer.upgrade() else {
            return;
        };
        let _held = writer.blocking_lock();
        gave_up_at = match copy(conn, CheckpointMode::RESTART) {
            Some(_) => None,
            None => Some(Instant::now()),
        };
    }
}

/// The checkpointer's busy handler: true to look again.
fn wait_for_readers(attempt: i32) -> bool {
    std::thread::sleep(READER_POLL);
    u128::try_from(attempt).unwrap_or(0) * READER_POLL.as_micros() < READER_WAIT.as_micros()
}

/// One checkpoint: the pages in the log when it ran; `None` if it could not run (already
/// running elsewhere, readers too long).
fn copy(conn: &Connection, mode: CheckpointMode) -> Option<i32> {
    match conn.wal_checkpoint_v2(None::<&str>, mode) {
        Ok((log, copied)) => {
            tracing::debug!(log, copied, "WAL checkpoint");
            Some(log)
        }
        // Another checkpoint is running (an erasure's truncation, another process on the
        // same file), or a reader of older pages outlasted the wait.
        Err(e) if crate::error::is_busy(&e) => None,
        Err(e) => {
            tracing::warn!(error = %e, "WAL checkpoint failed; the next one retries");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::Db;
    use std::path::Path;

    /// About 8 MB in one commit: some 2,000 pages of log, over the threshold.
    const BIG_COMMIT: &str = "CREATE TABLE t (b BLOB); \
        INSERT INTO t WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) \
        SELECT zeroblob(4000) FROM n";

    fn file_len(path: &Path) -> u64 {
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
    }

    #[test]
    fn a_committing_writer_wakes_the_checkpointer_and_copies_nothing_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut writer = Connection::open(&path).unwrap();
        writer.execute_batch("PRAGMA journal_mode = WAL").unwrap();
        let (wake, woken) = sync_channel(1);
        hook(&mut writer, wake, WAKE_AT).unwrap();

        writer.execute_batch("CREATE TABLE small (x)").unwrap();
        assert!(woken.try_recv().is_err(), "a small commit wakes no one");

        writer.execute_batch(BIG_COMMIT).unwrap();
        assert!(
            woken.try_recv().is_ok(),
            "a big commit wakes the checkpointer"
        );
        writer
            .execute_batch("INSERT INTO small VALUES (1)")
            .unwrap();
        assert!(
            woken.try_recv().is_err(),
            "woken again before the log grew by as much"
        );
        // Nobody checkpointed: the data is all in the log, none in the database file.
        assert!(file_len(&path) < 100_000, "{}", file_len(&path));
        assert!(file_len(&dir.path().join("t.db-wal")) > 8_000_000);
    }

    /// Commits 3,000 small transactions, one after the other, as a busy writer does, with the
    /// checkpoint thread copying beside it; the longest the log file grew to, in pages.
    fn longest_log_under_load(catch_up_at: i32) -> u64 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut writer = Connection::open(&path).unwrap();
        // The log file is cut back to nothing whenever the log starts again: its length is
        // the log's.
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA journal_size_limit = 0; CREATE TABLE t (x)",
            )
            .unwrap();
        let (wake, woken) = sync_channel(1);
        hook(&mut writer, wake, 10).unwrap();
        let writer = Arc::new(Mutex::new(writer));
        let weak = Arc::downgrade(&writer);
        let conn = Connection::open(&path).unwrap();
        open_log(&conn).unwrap();
        let thread = std::thread::spawn(move || run(&conn, &weak, &woken, catch_up_at));
        let wal = dir.path().join("t.db-wal");
        let mut longest = 0;
        for i in 0..3000 {
            writer
                .blocking_lock()
                .execute("INSERT INTO t VALUES (?1)", [i])
                .unwrap();
            longest = longest.max(file_len(&wal) / 4096);
        }
        drop(writer);
        thread.join().unwrap();
        longest
    }

    #[test]
    fn under_continuous_writes_the_log_still_starts_again() {
        let longest = longest_log_under_load(40);
        assert!(longest < 400, "the log grew to {longest} pages");
    }

    #[tokio::test]
    async fn the_checkpoint_thread_copies_the_log_into_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let db = Db::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        db.execute_script(BIG_COMMIT).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while file_len(&path) < 8_000_000 {
            assert!(
                Instant::now() < deadline,
                "the log was not copied into the file: {} bytes",
                file_len(&path)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // What was copied is what was written.
        let (n,): (i64,) = crate::sql::Query::new("SELECT COUNT(*) FROM t WHERE length(b) = 4000")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(n, 2000);
    }
}
