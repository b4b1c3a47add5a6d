//! Which events on a record one request wrote (issue 14: every request on a record leaves
//! exactly one event, even one refused for its input before any use case ran).
//!
//! Contract: an interface runs a request inside [`counted`]; every event (on a record or not:
//! a refusal that must not reveal the record names it only in its detail) that the request's
//! task appends ([`crate::append`], hence [`crate::record`]) or hands to
//! the group commit ([`crate::GroupCommit::record`]) is counted once, whether or not its
//! transaction commits later. The count is taken where the caller stands, never in the group
//! committer (which writes other callers' events too). Work spawned on another task is not
//! counted. Outside [`counted`], counting does nothing.

use crate::NewEvent;
use std::cell::Cell;
use std::future::Future;

tokio::task_local! {
    static WRITTEN: Cell<usize>;
}

/// Runs `request` and returns its output with the number of events it wrote.
pub async fn counted<F: Future>(request: F) -> (F::Output, usize) {
    WRITTEN
        .scope(Cell::new(0), async {
            let output = request.await;
            (output, WRITTEN.with(Cell::get))
        })
        .await
}

/// Counts `event` for the request being served.
pub(crate) fn note(_event: &NewEvent) {
    // Outside `counted` there is nothing to count.
    let _ = WRITTEN.try_with(|n| n.set(n.get() + 1));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ActorKind, Outcome};

    fn event(patient: Option<&str>) -> NewEvent {
        NewEvent {
            patient_id: patient.map(str::to_owned),
            ..NewEvent::new(ActorKind::Patient, "document.search", Outcome::Deny)
        }
    }

    #[tokio::test]
    async fn counts_the_events_of_the_scope_only() {
        note(&event(Some("p")));
        let ((), n) = counted(async {
            note(&event(Some("p")));
            note(&event(None));
        })
        .await;
        assert_eq!(n, 2);
        let ((), n) = counted(async {}).await;
        assert_eq!(n, 0);
    }
}
