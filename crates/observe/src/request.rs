//! The request id of the request being served. Contract: the HTTP edge runs each request
//! inside [`scope`] with the id it answers in `x-request-id`; code running in that request's
//! task reads it with [`current`] (the audit does, where the caller stands, so an event handed
//! to the group commit keeps its own request's id). Work spawned on another task, and the
//! background jobs, have none.

use std::future::Future;
use std::sync::Arc;

tokio::task_local! {
    static REQUEST_ID: Arc<str>;
}

/// Longest id accepted from a client (a proxy's); a longer or stranger one is replaced.
pub const MAX_LEN: usize = 64;

/// Runs `request` with `id` as its request id.
pub async fn scope<F: Future>(id: Arc<str>, request: F) -> F::Output {
    REQUEST_ID.scope(id, request).await
}

/// The id of the request this task serves, if any.
pub fn current() -> Option<Arc<str>> {
    REQUEST_ID.try_with(Arc::clone).ok()
}

/// The id a request gets: the one a trusted proxy sent when it is short and plain
/// (letters, digits, `-`, `_`, `.`), otherwise a new random one.
pub fn id_for(sent: Option<&str>) -> Arc<str> {
    match sent {
        Some(s) if is_plain(s) => Arc::from(s),
        _ => Arc::from(uuid::Uuid::new_v4().simple().to_string()),
    }
}

fn is_plain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sent_id_is_kept_only_when_plain() {
        // (sent, kept)
        let table: [(Option<&str>, bool); 7] = [
            (Some("abc-123_x.y"), true),
            (Some(""), false),
            (Some("a b"), false),
            (Some("é"), false),
            (Some("x\r\nSet-Cookie: a=b"), false),
            (Some(&"a".repeat(MAX_LEN + 1)), false),
            (None, false),
        ];
        for (sent, kept) in table {
            let id = id_for(sent);
            assert_eq!(Some(&*id) == sent, kept, "{sent:?}");
            assert!(is_plain(&id), "{id}");
        }
    }

    #[tokio::test]
    async fn the_id_is_seen_inside_its_scope_only() {
        assert_eq!(current(), None);
        let seen = scope(Arc::from("r1"), async { current() }).await;
        assert_eq!(seen.as_deref(), Some("r1"));
        assert_eq!(current(), None);
    }
}
