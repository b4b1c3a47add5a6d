//! Sign-in throttling (issue 14): how long an attempt must wait, given the failures counted
//! for the login at this address, for the login from every address, and for the address
//! across logins. Pure like the rest of this crate: the caller (`mds-app`) keeps the counters,
//! reads the clock and answers a delay with `429` and `Retry-After`, without checking the
//! password.
//!
//! Why three counters, and why delays rather than a wall:
//! - **(login, address)** carries the strict limit: a guesser at one address is slowed after
//!   a few failures, then exponentially (1 s, 2 s, 4 s… up to 15 min).
//! - **login, from every address** bounds a guesser who spreads over many addresses. Its
//!   delay is counted from the last failure *at the address asking*: an address where this
//!   login never failed is not delayed by it, so the guesses made elsewhere never block the
//!   owner's address. Once the ceiling is reached, every address that has failed once for the
//!   login waits between attempts (up to a minute): a distributed guesser gets one guess per
//!   address and then one a minute each, the owner is at worst slowed, never walled. The
//!   second factor, and the e-mail that tells the owner, cover what a slow distributed
//!   guesser could still try.
//! - **address, across logins** slows a password spray from one address. Its ceiling is
//!   high, because a hospital's staff share one address (NAT), and it counts failures only:
//!   successes behind the same address never use it up.
//!
//! A counter is forgotten once `forget_after_minutes` have passed since its last failure; the
//! owner is e-mailed when the login's failures reach `owner_alert_failures`, once per run of
//! failures (and again at most once a day while the run goes on).

use mds_domain::Timestamp;

const DAY_MS: i64 = 24 * 3_600_000;

/// Which counter a row of the table reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// This login at this address.
    Pair,
    /// This login, from every address.
    Login,
    /// This address, across logins.
    Address,
}

/// One row of the table: past `free_failures` failures counted by `counts`, each new attempt
/// waits `2^(failures - free_failures)` seconds (at most `max_delay_seconds`) after the last
/// failure counted by `waits_after`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ceiling {
    pub counts: Scope,
    pub free_failures: i64,
    pub max_delay_seconds: i64,
    pub waits_after: Scope,
}

/// The thresholds, as data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Table {
    pub ceilings: [Ceiling; 3],
    /// A counter with no failure for this long starts again from zero.
    pub forget_after_minutes: i64,
    /// The account's owner is told when the login's failures (every address) reach this.
    pub owner_alert_failures: i64,
}

impl Table {
    pub const DEFAULT: Table = Table {
        ceilings: [
            Ceiling {
                counts: Scope::Pair,
                free_failures: 3,
                max_delay_seconds: 15 * 60,
                waits_after: Scope::Pair,
            },
            Ceiling {
                counts: Scope::Login,
                free_failures: 20,
                max_delay_seconds: 60,
                waits_after: Scope::Pair,
            },
            Ceiling {
                counts: Scope::Address,
                free_failures: 100,
                max_delay_seconds: 60,
                waits_after: Scope::Address,
            },
        ],
        forget_after_minutes: 60,
        owner_alert_failures: 10,
    };

    /// The default table with other free failures per scope (the settings).
    pub fn with_free_failures(mut self, pair: i64, login: i64, address: i64) -> Self {
        for c in &mut self.ceilings {
            c.free_failures = match c.counts {
                Scope::Pair => pair,
                Scope::Login => login,
                Scope::Address => address,
            };
        }
        self
    }
}

impl Default for Table {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Failures counted for one key: how many, since when, the last one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counter {
    pub failures: i64,
    pub first_failure: Option<Timestamp>,
    pub last_failure: Option<Timestamp>,
}

impl Counter {
    /// The counter as it stands at `now`: zero once forgotten.
    pub fn live(self, table: &Table, now: Timestamp) -> Counter {
        match self.last_failure {
            Some(last) if now.millis() - last.millis() < table.forget_after_minutes * 60_000 => {
                self
            }
            _ => Counter::default(),
        }
    }

    /// The counter after one more failure at `now`.
    pub fn after_failure(self, table: &Table, now: Timestamp) -> Counter {
        let live = self.live(table, now);
        Counter {
            failures: live.failures + 1,
            first_failure: live.first_failure.or(Some(now)),
            last_failure: Some(now),
        }
    }
}

/// What the caller has counted for an attempt (no address: `address` stays empty).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub pair: Counter,
    pub login: Counter,
    pub address: Counter,
}

impl Counters {
    fn get(&self, scope: Scope) -> Counter {
        match scope {
            Scope::Pair => self.pair,
            Scope::Login => self.login,
            Scope::Address => self.address,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThrottleDecision {
    Allow,
    /// Refuse this attempt without checking it; retry after this many seconds (at least 1).
    Delay {
        seconds: i64,
    },
}

/// The delay a row asks for after `failures` failures (none within the free failures).
pub fn delay_seconds(c: &Ceiling, failures: i64) -> i64 {
    if failures < c.free_failures {
        return 0;
    }
    let exponent = (failures - c.free_failures).min(62);
    (1_i64 << exponent).min(c.max_delay_seconds)
}

/// Whether an attempt may be checked now, or how long it must wait: the longest wait any
/// row of the table asks for.
pub fn throttle_decision(table: &Table, counters: &Counters, now: Timestamp) -> ThrottleDecision {
    let mut wait_ms = 0;
    for c in &table.ceilings {
        let counted = counters.get(c.counts).live(table, now);
        let delay = delay_seconds(c, counted.failures);
        let since = counters.get(c.waits_after).live(table, now).last_failure;
        if let (true, Some(since)) = (delay > 0, since) {
            wait_ms = wait_ms.max(since.millis() + delay * 1000 - now.millis());
        }
    }
    if wait_ms > 0 {
        ThrottleDecision::Delay {
            seconds: (wait_ms + 999) / 1000,
        }
    } else {
        ThrottleDecision::Allow
    }
}

/// Whether the owner is to be told of the login's failures now: the count reached the
/// table's threshold and they were not told during this run of failures (or not for a day).
pub fn owner_alert_due(
    table: &Table,
    login: &Counter,
    told_at: Option<Timestamp>,
    now: Timestamp,
) -> bool {
    let login = login.live(table, now);
    if login.failures < table.owner_alert_failures {
        return false;
    }
    match (told_at, login.first_failure) {
        (None, _) | (_, None) => true,
        (Some(told), Some(first)) => {
            told.millis() < first.millis() || now.millis() - told.millis() >= DAY_MS
        }
    }
}
