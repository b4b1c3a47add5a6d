//! Decision table of sign-in throttling (issue 14): the counters of an attempt and the
//! expected answer. The owner's address, where the login never failed, is never delayed by the
//! guesses made elsewhere; every case has a name and the test lists every failing one.

use mds_domain::Timestamp;
use mds_policy::throttle::{
    owner_alert_due, throttle_decision, Counter, Counters, Table, ThrottleDecision,
};

const NOW: i64 = 1_795_266_000_000;
const S: i64 = 1000;
const MINUTE: i64 = 60 * S;

fn at(offset_ms: i64) -> Timestamp {
    Timestamp::from_millis(NOW + offset_ms)
}

/// `failures` failures, the last one `ago_ms` before now (the first an hour before that).
fn c(failures: i64, ago_ms: i64) -> Counter {
    Counter {
        failures,
        first_failure: Some(at(-ago_ms - 59 * MINUTE)),
        last_failure: Some(at(-ago_ms)),
    }
}

fn none() -> Counter {
    Counter::default()
}

#[test]
fn throttle_decision_table() {
    use ThrottleDecision::{Allow, Delay};
    let t = Table::DEFAULT;
    let counters = |pair, login, address| Counters {
        pair,
        login,
        address,
    };
    // (name, counters, expected)
    let cases: Vec<(&str, Counters, ThrottleDecision)> = vec![
        ("nothing counted", counters(none(), none(), none()), Allow),
        (
            "two failures here: still free",
            counters(c(2, 0), c(2, 0), c(2, 0)),
            Allow,
        ),
        (
            "third failure here: 1 s",
            counters(c(3, 0), c(3, 0), c(3, 0)),
            Delay { seconds: 1 },
        ),
        (
            "third failure here, 1 s ago: allowed",
            counters(c(3, S), c(3, S), c(3, S)),
            Allow,
        ),
        (
            "sixth failure here: 8 s",
            counters(c(6, 0), c(6, 0), c(6, 0)),
            Delay { seconds: 8 },
        ),
        (
            "sixth failure here, 5 s ago: 3 s left",
            counters(c(6, 5 * S), c(6, 5 * S), c(6, 5 * S)),
            Delay { seconds: 3 },
        ),
        (
            "thirty failures here: capped at 15 min",
            counters(c(30, 0), c(30, 0), c(30, 0)),
            Delay { seconds: 900 },
        ),
        (
            "thirty failures here, forgotten after an hour without failure",
            counters(c(30, 60 * MINUTE), c(30, 60 * MINUTE), c(30, 60 * MINUTE)),
            Allow,
        ),
        (
            "owner's address: the login failed 500 times elsewhere, never here",
            counters(none(), c(500, 0), none()),
            Allow,
        ),
        (
            "owner's address after one typo: the login's ceiling only slows (≤ 60 s)",
            counters(c(1, 0), c(500, 0), c(1, 0)),
            Delay { seconds: 60 },
        ),
        (
            "login's ceiling just reached, one failure here: 1 s",
            counters(c(1, 0), c(20, 0), c(1, 0)),
            Delay { seconds: 1 },
        ),
        (
            "login below its ceiling, one failure here: allowed",
            counters(c(1, 0), c(19, 0), c(1, 0)),
            Allow,
        ),
        (
            "hospital address: 20 failures of other logins, a colleague signs in",
            counters(none(), none(), c(20, 0)),
            Allow,
        ),
        (
            "hospital address: 99 failures across logins, still free",
            counters(none(), none(), c(99, 0)),
            Allow,
        ),
        (
            "spray from one address: 100 failures, everyone there waits 1 s",
            counters(none(), none(), c(100, 0)),
            Delay { seconds: 1 },
        ),
        (
            "spray from one address: capped at a minute, never a wall",
            counters(none(), none(), c(10_000, 0)),
            Delay { seconds: 60 },
        ),
        (
            "spray from one address, a minute after its last failure: allowed",
            counters(none(), none(), c(10_000, 60 * S)),
            Allow,
        ),
        (
            "the longest wait wins",
            counters(c(5, 0), c(500, 0), c(10_000, 0)),
            Delay { seconds: 60 },
        ),
    ];
    let failing: Vec<String> = cases
        .iter()
        .filter_map(|(name, counters, want)| {
            let got = throttle_decision(&t, counters, at(0));
            (got != *want).then(|| format!("{name}: expected {want:?}, got {got:?}"))
        })
        .collect();
    assert!(failing.is_empty(), "failing cases: {failing:#?}");
}

#[test]
fn the_free_failures_come_from_the_settings() {
    let t = Table::DEFAULT.with_free_failures(5, 50, 200);
    let one = |n| Counters {
        pair: c(n, 0),
        login: c(n, 0),
        address: c(n, 0),
    };
    assert_eq!(
        throttle_decision(&t, &one(4), at(0)),
        ThrottleDecision::Allow
    );
    assert_eq!(
        throttle_decision(&t, &one(5), at(0)),
        ThrottleDecision::Delay { seconds: 1 }
    );
}

#[test]
fn counters_restart_after_a_quiet_hour() {
    let t = Table::DEFAULT;
    let busy = c(7, 10 * MINUTE);
    assert_eq!(busy.after_failure(&t, at(0)).failures, 8);
    let quiet = c(7, 60 * MINUTE);
    let restarted = quiet.after_failure(&t, at(0));
    assert_eq!(
        (
            restarted.failures,
            restarted.first_failure,
            restarted.last_failure
        ),
        (1, Some(at(0)), Some(at(0)))
    );
}

#[test]
fn owner_alert_decision_table() {
    let t = Table::DEFAULT;
    // The run of failures started at -60 min (see `c`).
    let cases: Vec<(&str, Counter, Option<Timestamp>, bool)> = vec![
        ("below the threshold", c(9, 0), None, false),
        ("threshold reached, never told", c(10, 0), None, true),
        ("told during this run", c(50, 0), Some(at(-MINUTE)), false),
        (
            "told before this run began",
            c(10, 0),
            Some(at(-2 * 60 * MINUTE)),
            true,
        ),
        (
            "told a day ago, the run goes on",
            Counter {
                failures: 900,
                first_failure: Some(at(-48 * 60 * MINUTE)),
                last_failure: Some(at(0)),
            },
            Some(at(-24 * 60 * MINUTE)),
            true,
        ),
        ("run forgotten", c(50, 60 * MINUTE), None, false),
    ];
    let failing: Vec<&str> = cases
        .iter()
        .filter(|(_, login, told, want)| owner_alert_due(&t, login, *told, at(0)) != *want)
        .map(|c| c.0)
        .collect();
    assert!(failing.is_empty(), "failing cases: {failing:?}");
}
