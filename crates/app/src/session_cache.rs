//! The actors of sessions kept in memory between requests (issue 13, item 2), so that a
//! request reads one single-row counter instead of the session, its account and the acting
//! professional.
//!
//! The contract:
//! - An entry is what `sessions::get_with_account` read, with the authentication epoch of the
//!   same snapshot. The epoch moves (database triggers, migration 0032) with every change to
//!   what that statement reads, whoever writes: another instance, an operator command, a job.
//! - An entry is used only when the epoch read by the request is the entry's: a logout, a
//!   suspension, a password change, a structure left are seen by the very next request.
//! - Only the idle timer moves without the epoch. An entry only ACCEPTS, and only while its
//!   own `last_seen` is under a minute old (the minute within which authentication does not
//!   touch the session); past it, or for any refusal, the request reads the session again
//!   (another instance may have seen it since). So a cached entry never refuses wrongly and
//!   never accepts an idle session: its `last_seen` is never later than the stored one.
//! - When the epoch moves, every entry of the older epoch is dropped at the next insertion;
//!   the map is bounded ([`CAPACITY`]): entries too old to be used go first, then all.
//!
//! Pure and synchronous: no clock, no database; the caller passes the epoch and the time.

use mds_store::sessions::SessionAccount;
use std::collections::HashMap;
use std::sync::Mutex;

/// How long after its `last_seen` an entry may accept a request (authentication touches a
/// session at most once a minute: past that, it reads and touches the stored one).
pub(crate) const FRESH_MS: i64 = 60_000;
/// Entries kept at most (a few hundred bytes each).
pub(crate) const CAPACITY: usize = 20_000;

#[derive(Default)]
pub(crate) struct SessionCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The epoch every entry was read at.
    epoch: i64,
    /// By session hash.
    entries: HashMap<String, SessionAccount>,
}

impl SessionCache {
    /// The session `hash` as read at `epoch`, if it was and its `last_seen` is fresh at `now`.
    pub(crate) fn get(&self, hash: &str, epoch: i64, now_ms: i64) -> Option<SessionAccount> {
        let inner = self.lock();
        if inner.epoch != epoch {
            return None;
        }
        inner
            .entries
            .get(hash)
            .filter(|s| fresh(s, now_ms))
            .cloned()
    }

    /// Keeps `found` (read at `found.epoch`, touched at `found.session.last_seen_ms`). A read
    /// older than the entries is dropped; a newer one replaces them all.
    pub(crate) fn put(&self, found: SessionAccount, now_ms: i64) {
        let mut inner = self.lock();
        if found.epoch < inner.epoch {
            return;
        }
        if found.epoch > inner.epoch {
            inner.entries.clear();
            inner.epoch = found.epoch;
        }
        if inner.entries.len() >= CAPACITY && !inner.entries.contains_key(&found.session.id_hash) {
            inner.entries.retain(|_, s| fresh(s, now_ms));
            if inner.entries.len() >= CAPACITY {
                inner.entries.clear();
            }
        }
        inner.entries.insert(found.session.id_hash.clone(), found);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().entries.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock left a map that is still consistent (every change
        // above is one call on it).
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Whether an entry may still accept at `now`.
fn fresh(s: &SessionAccount, now_ms: i64) -> bool {
    now_ms - s.session.last_seen_ms <= FRESH_MS
}

#[cfg(test)]
mod tests {
    use super::*;
    use mds_domain::{AccountId, AccountKind, AccountState};
    use mds_store::sessions::SessionRow;

    fn found(hash: &str, epoch: i64, last_seen_ms: i64) -> SessionAccount {
        SessionAccount {
            session: SessionRow {
                id_hash: hash.to_owned(),
                account_id: AccountId::parse("0b6e4f3e-6d3a-4c55-9a57-2f1c1f0e8a11")
                    .expect("an id"),
                channel: "api".to_owned(),
                created_at_ms: 0,
                last_seen_ms,
                expires_at_ms: i64::MAX,
                idle_timeout_ms: 900_000,
                ip: None,
                revoked_at_ms: None,
            },
            account_kind: AccountKind::Patient,
            account_state: AccountState::Active,
            display_name: "Marie Cafat".to_owned(),
            acting_professional: None,
            acting_for: None,
            epoch,
        }
    }

    /// `(case, entry's epoch, entry's last_seen, request's epoch, request's now, found)`.
    const GET: &[(&str, i64, i64, i64, i64, bool)] = &[
        ("same epoch, just read", 4, 1_000, 4, 1_000, true),
        (
            "same epoch, a minute later",
            4,
            1_000,
            4,
            1_000 + FRESH_MS,
            true,
        ),
        (
            "same epoch, past the minute",
            4,
            1_000,
            4,
            1_001 + FRESH_MS,
            false,
        ),
        ("the epoch moved", 4, 1_000, 5, 1_000, false),
        (
            "an older epoch (another instance lags)",
            4,
            1_000,
            3,
            1_000,
            false,
        ),
    ];

    #[test]
    fn an_entry_is_used_at_its_own_epoch_within_the_minute() {
        for &(case, epoch, seen, asked_epoch, now, expected) in GET {
            let cache = SessionCache::default();
            cache.put(found("h", epoch, seen), seen);
            let got = cache.get("h", asked_epoch, now);
            assert_eq!(got.is_some(), expected, "{case}");
            if let Some(s) = got {
                assert_eq!(s, found("h", epoch, seen), "{case}");
            }
        }
    }

    #[test]
    fn an_unknown_session_is_not_found() {
        let cache = SessionCache::default();
        cache.put(found("h", 1, 0), 0);
        assert!(cache.get("other", 1, 0).is_none());
    }

    #[test]
    fn a_newer_epoch_drops_the_older_entries_and_an_older_read_is_not_kept() {
        let cache = SessionCache::default();
        cache.put(found("a", 1, 0), 0);
        cache.put(found("b", 1, 0), 0);
        assert_eq!(cache.len(), 2);
        cache.put(found("c", 2, 0), 0);
        assert_eq!(cache.len(), 1);
        assert!(cache.get("a", 2, 0).is_none());
        assert!(cache.get("c", 2, 0).is_some());
        // A request that read before the epoch moved keeps nothing.
        cache.put(found("a", 1, 0), 0);
        assert!(cache.get("a", 1, 0).is_none());
        assert!(cache.get("a", 2, 0).is_none());
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn a_full_map_drops_the_stale_entries_first_then_all() {
        let cache = SessionCache::default();
        let now = 10 * FRESH_MS;
        for i in 0..CAPACITY {
            // Half of them too old to be used.
            let seen = if i % 2 == 0 { 0 } else { now };
            cache.put(found(&format!("s{i}"), 1, seen), now);
        }
        assert_eq!(cache.len(), CAPACITY);
        cache.put(found("new", 1, now), now);
        assert_eq!(cache.len(), CAPACITY / 2 + 1);
        assert!(cache.get("s1", 1, now).is_some());
        assert!(cache.get("new", 1, now).is_some());
        // Full of fresh entries: all go.
        for i in 0..CAPACITY {
            cache.put(found(&format!("t{i}"), 1, now), now);
        }
        assert!(cache.len() <= CAPACITY);
        // Replacing an entry of a full map drops nothing.
        let before = cache.len();
        let last = format!("t{}", CAPACITY - 1);
        cache.put(found(&last, 1, now), now);
        assert_eq!(cache.len(), before);
    }
}
