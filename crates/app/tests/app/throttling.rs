//! Throttling of sign-in attempts per login and per address: after `login_max_failures`
//! failures even the right password and code are refused with `Throttled`, until
//! `login_lockout_minutes` have passed. Both backends, fixed clock.

use mds_app::AppError;
use mds_testkit::app::*;

/// Asserts `Throttled` with a retry delay within the lockout, and returns the delay.
fn assert_throttled<T: std::fmt::Debug>(r: Result<T, AppError>, lockout_s: i64, what: &str) -> i64 {
    match r {
        Err(AppError::Throttled {
            retry_after_seconds,
        }) => {
            assert!(
                (1..=lockout_s).contains(&retry_after_seconds),
                "{what}: retry after {retry_after_seconds} s"
            );
            retry_after_seconds
        }
        other => panic!("{what}: expected Throttled, got {other:?}"),
    }
}

#[test]
fn failures_for_one_login_lock_it_until_the_lockout_ends() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let max = f.app.settings().login_max_failures;
        let lockout = f.app.settings().login_lockout_minutes * MINUTE;
        // Each attempt from a different address: only the login is counted.
        for i in 0..max {
            let ip = format!("198.51.100.{i}");
            let r = f
                .app
                .login(
                    request(
                        DOCTOR,
                        "Mauvais-Mot-De-Passe",
                        &demo_code(DOCTOR, at(i * 1000)),
                        Some(&ip),
                    ),
                    at(i * 1000),
                )
                .await;
            assert!(
                matches!(r, Err(AppError::InvalidCredentials)),
                "failure {i}: {:?}",
                r.map(|s| s.actor)
            );
        }
        let locked_at = (max - 1) * 1000;
        let r = f
            .app
            .login(
                demo_request(DOCTOR, at(locked_at + 1000)),
                at(locked_at + 1000),
            )
            .await;
        let retry = assert_throttled(
            r.map(|s| s.actor),
            lockout / 1000,
            "right credentials while locked",
        );
        assert_eq!(
            retry,
            (lockout - 1000) / 1000,
            "retry delay counts from the last failure"
        );
        // Other accounts are not affected.
        sign_in(&f.app, REGULATOR, at(locked_at + 1000)).await;
        // Still locked one second before the end, open at the end.
        let r = f
            .app
            .login(
                demo_request(DOCTOR, at(locked_at + lockout - 1000)),
                at(locked_at + lockout - 1000),
            )
            .await;
        assert_throttled(
            r.map(|s| s.actor),
            lockout / 1000,
            "one second before the end",
        );
        sign_in(&f.app, DOCTOR, at(locked_at + lockout)).await;
    });
}

#[test]
fn failures_from_one_address_lock_it_across_logins() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let max = f.app.settings().login_max_failures_per_address;
        let lockout = f.app.settings().login_lockout_minutes * MINUTE;
        let ip = Some("203.0.113.7");
        // A spray: one failure per login, real or not.
        let mut logins: Vec<String> =
            [DOCTOR, REGULATOR, ASSISTANT, SUPPORT, "inconnu@demo.mds.nc"]
                .iter()
                .map(|l| (*l).to_owned())
                .collect();
        logins.extend((0..max).map(|i| format!("x{i}@cht.nc")));
        for (i, login) in logins
            .iter()
            .take(usize::try_from(max).unwrap_or(0))
            .enumerate()
        {
            let r = f
                .app
                .login(request(login, "Mauvais-Mot-De-Passe", "000000", ip), at(0))
                .await;
            assert!(
                matches!(r, Err(AppError::InvalidCredentials)),
                "failure {i} ({login}): {:?}",
                r.map(|s| s.actor)
            );
        }
        // The right credentials of an untouched account, from the same address.
        let mut req = demo_request(PATIENT, at(1000));
        req.ip = ip.map(str::to_owned);
        assert_throttled(
            f.app.login(req.clone(), at(1000)).await.map(|s| s.actor),
            lockout / 1000,
            "same address",
        );
        // From another address the same request succeeds: the login itself is not locked.
        req.ip = Some("198.51.100.20".to_owned());
        let r = f.app.login(req, at(1000)).await;
        assert!(r.is_ok(), "other address: {:?}", r.map(|s| s.actor));
        // After the lockout the address may sign in again.
        let mut req = request(
            PATIENT,
            mds_demo::DEMO_PASSWORD,
            &demo_code(PATIENT, at(lockout)),
            ip,
        );
        assert_throttled(
            f.app
                .login(req.clone(), at(lockout - 1))
                .await
                .map(|s| s.actor),
            lockout / 1000,
            "just before the end",
        );
        req.totp_code = demo_code(PATIENT, at(lockout));
        let r = f.app.login(req, at(lockout)).await;
        assert!(r.is_ok(), "after the lockout: {:?}", r.map(|s| s.actor));
    });
}

#[test]
fn failures_outside_the_window_do_not_add_up() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let s = f.app.settings().clone();
        // max - 1 failures, then the window passes, then max - 1 failures again: no lockout.
        let mut t = 0;
        for round in 0..2 {
            for i in 0..s.login_max_failures - 1 {
                let r = f
                    .app
                    .login(
                        request(DOCTOR, "Mauvais-Mot-De-Passe", "000000", None),
                        at(t),
                    )
                    .await;
                assert!(
                    matches!(r, Err(AppError::InvalidCredentials)),
                    "round {round} failure {i}"
                );
                t += 1000;
            }
            t += s.login_window_minutes * MINUTE;
        }
        sign_in(&f.app, DOCTOR, at(t)).await;
        // A success clears the count of the login.
        for i in 0..s.login_max_failures - 1 {
            let r = f
                .app
                .login(
                    request(DOCTOR, "Mauvais-Mot-De-Passe", "000000", None),
                    at(t + 1000),
                )
                .await;
            assert!(
                matches!(r, Err(AppError::InvalidCredentials)),
                "after success, failure {i}"
            );
        }
        sign_in(&f.app, DOCTOR, at(t + STEP)).await;
    });
}

#[test]
fn concurrent_failures_are_all_counted() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let max = f.app.settings().login_max_failures;
        // A burst of parallel guesses, as a script would send them.
        let mut burst = tokio::task::JoinSet::new();
        for i in 0..2 * max {
            let app = f.app.clone();
            let req = request(DOCTOR, &format!("Essai-parallele-{i}"), "000000", None);
            burst.spawn(async move { app.login(req, at(0)).await.map(|s| s.actor) });
        }
        let mut refused = 0;
        while let Some(r) = burst.join_next().await {
            let r = r.unwrap_or_else(|e| panic!("task: {e}"));
            assert!(
                matches!(
                    r,
                    Err(AppError::InvalidCredentials | AppError::Throttled { .. })
                ),
                "{r:?}"
            );
            refused += 1;
        }
        assert_eq!(refused, 2 * max);
        let r = f.app.login(demo_request(DOCTOR, at(1000)), at(1000)).await;
        assert!(
            matches!(r, Err(AppError::Throttled { .. })),
            "{} failures in a burst did not lock the login: {:?}",
            2 * max,
            r.map(|s| s.actor)
        );
    });
}
