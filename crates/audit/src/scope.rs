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

/// Writes the id of the request being served (`mds_observe::request`) into `event`'s detail
/// as `request_id`, where the caller stands (never in the group committer, which writes other
/// requests' events too). The detail is hashed with the event, so the id is as tamper-evident
/// as the rest. An event outside a request, or whose detail is not an object, is unchanged.
pub(crate) fn stamp(event: &mut NewEvent) {
    let Some(id) = mds_observe::request::current() else {
        return;
    };
    if event.detail.is_null() {
        event.detail = serde_json::Value::Object(serde_json::Map::new());
    }
    if let Some(detail) = event.detail.as_object_mut() {
        detail
            .entry("request_id")
            .or_insert_with(|| serde_json::Value::String(id.to_string()));
    }
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
    async fn events_of_a_request_carry_its_id() {
        let mut outside = event(Some("p"));
        stamp(&mut outside);
        assert!(outside.detail.is_null());
        let (plain, with_detail) =
            mds_observe::request::scope(std::sync::Arc::from("r-1"), async {
                let mut plain = event(Some("p"));
                stamp(&mut plain);
                let mut with_detail = NewEvent {
                    detail: serde_json::json!({ "reason": "x" }),
                    ..event(None)
                };
                stamp(&mut with_detail);
                (plain, with_detail)
            })
            .await;
        assert_eq!(plain.detail, serde_json::json!({ "request_id": "r-1" }));
        assert_eq!(
            with_detail.detail,
            serde_json::json!({ "reason": "x", "request_id": "r-1" })
        );
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
