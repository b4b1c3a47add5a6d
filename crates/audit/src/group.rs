//! Group commit of audit events that come with no other state change (reads, searches,
//! denials). Concurrent callers queue their events; whoever takes the commit turn appends
//! every queued event in ONE transaction, so one durable commit (one fsync) serves many
//! requests. The contract is [`crate::record`]'s: a caller's `record` returns only once its
//! event is durable; the chain order is the commit order; if a batch's transaction fails,
//! every caller in that batch gets the error (nothing of it was stored).
//!
//! Callers that write state changes must not use this: their event belongs in the
//! transaction of the change ([`crate::append`]).

use crate::{AuditError, AuditRecord, NewEvent};
use mds_observe::metrics::{AUDIT_BATCH, AUDIT_COMMIT};
use mds_store::Db;
use std::sync::Mutex;
use tokio::sync::oneshot;

/// Events appended in one transaction at most; a longer queue is committed in several.
pub const MAX_BATCH: usize = 256;

type Reply = oneshot::Sender<Result<AuditRecord, AuditError>>;

struct Pending {
    event: crate::write::Prepared,
    reply: Reply,
}

/// The queue of events waiting for a durable commit, and the commit turn.
pub struct GroupCommit {
    db: Db,
    queue: Mutex<Vec<Pending>>,
    /// Held by the caller committing a batch; the others queue meanwhile (fair, FIFO).
    turn: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for GroupCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit").finish_non_exhaustive()
    }
}

impl GroupCommit {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            queue: Mutex::new(Vec::new()),
            turn: tokio::sync::Mutex::new(()),
        }
    }

    /// Records `event` (no other state change) and returns once it is durable, like
    /// [`crate::record`], sharing the commit with concurrent callers.
    pub async fn record(&self, mut event: NewEvent, at_ms: i64) -> Result<AuditRecord, AuditError> {
        crate::scope::note(&event);
        crate::scope::stamp(&mut event);
        // An invalid event is the caller's bug: refuse it alone rather than fail its batch.
        let event = crate::write::Prepared::new(event, at_ms)?;
        let (reply, mut answer) = oneshot::channel();
        self.lock_queue().push(Pending { event, reply });
        loop {
            let turn = self.turn.lock().await;
            match answer.try_recv() {
                Ok(result) => return result,
                Err(oneshot::error::TryRecvError::Closed) => return Err(lost()),
                Err(oneshot::error::TryRecvError::Empty) => {}
            }
            let batch = self.take_batch();
            if batch.is_empty() {
                // A previous holder of the turn was cancelled after taking our event: its
                // commit runs on in its own task and answers us.
                drop(turn);
                return answer.await.map_err(|_| lost())?;
            }
            // In its own task, so that a caller going away (a closed connection) cannot
            // abandon the commit of the others' events halfway.
            let _ = tokio::spawn(commit(self.db.clone(), batch)).await;
            drop(turn);
        }
    }

    fn lock_queue(&self) -> std::sync::MutexGuard<'_, Vec<Pending>> {
        // The queue stays consistent even if a holder panicked: pushes and drains are whole.
        self.queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The oldest queued events, at most [`MAX_BATCH`].
    fn take_batch(&self) -> Vec<Pending> {
        let mut queue = self.lock_queue();
        let n = queue.len().min(MAX_BATCH);
        queue.drain(..n).collect()
    }
}

fn lost() -> AuditError {
    AuditError::Batch("the audit commit was abandoned".to_owned())
}

/// Appends the batch in one transaction and answers every caller in it.
async fn commit(db: Db, batch: Vec<Pending>) {
    let (events, replies): (Vec<_>, Vec<_>) = batch.into_iter().map(|p| (p.event, p.reply)).unzip();
    let started = std::time::Instant::now();
    let size = events.len();
    let result = async {
        let mut tx = db.begin().await?;
        let stored = crate::write::append_prepared(&mut tx, events).await?;
        tx.commit().await?;
        Ok::<_, AuditError>(stored)
    }
    .await;
    if result.is_ok() {
        // usize → f64 is exact for a batch (at most MAX_BATCH events).
        AUDIT_BATCH.observe(&[], size as f64);
        AUDIT_COMMIT.observe(&[], started.elapsed().as_secs_f64());
    }
    match result {
        Ok(stored) => {
            for (reply, record) in replies.into_iter().zip(stored) {
                let _ = reply.send(Ok(record));
            }
        }
        Err(e) => {
            // Every caller of the batch gets the cause, and whether retrying later may work.
            let unavailable = e.is_unavailable();
            let message = e.to_string();
            for reply in replies {
                let _ = reply.send(Err(if unavailable {
                    AuditError::Store(mds_store::StoreError::Unavailable(message.clone()))
                } else {
                    AuditError::Batch(message.clone())
                }));
            }
        }
    }
}
