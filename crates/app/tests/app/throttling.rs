//! Throttling of sign-in attempts (issue 14): growing delays per (login, address), a higher
//! ceiling per login that never blocks an address where the login did not fail, a per-address
//! ceiling high enough for a hospital behind one address, and the owner told by e-mail. A
//! throttled attempt is refused without its credentials being checked. Both backends, fixed
//! clock.

use mds_app::AppError;
use mds_testkit::app::*;

const WRONG: &str = "Mauvais-Mot-De-Passe";
const ATTACKER: Option<&str> = Some("203.0.113.66");
const OWNER: Option<&str> = Some("198.51.100.7");

/// The retry delay of a `Throttled` answer, or a panic naming `what`.
fn throttled<T: std::fmt::Debug>(r: Result<T, AppError>, what: &str) -> i64 {
    match r {
        Err(AppError::Throttled {
            retry_after_seconds,
        }) => retry_after_seconds,
        other => panic!("{what}: expected Throttled, got {other:?}"),
    }
}

/// A wrong password for `login` from `ip` at `t`: answered `InvalidCredentials`.
async fn fail(app: &mds_app::App, login: &str, ip: Option<&str>, t: i64, what: &str) {
    let r = app.login(request(login, WRONG, "000000", ip), at(t)).await;
    assert!(
        matches!(r, Err(AppError::InvalidCredentials)),
        "{what}: {:?}",
        r.map(|s| s.actor)
    );
}

/// `n` failures of `login` from `ip`, each as soon as the throttle admits it; returns the
/// time of the last one.
async fn guesses(app: &mds_app::App, login: &str, ip: Option<&str>, n: usize, mut t: i64) -> i64 {
    for i in 0..n {
        let r = app.login(request(login, WRONG, "000000", ip), at(t)).await;
        match r {
            Err(AppError::InvalidCredentials) => {}
            Err(AppError::Throttled {
                retry_after_seconds,
            }) => {
                t += retry_after_seconds * 1000;
                fail(app, login, ip, t, &format!("guess {i} after its delay")).await;
            }
            other => panic!("guess {i}: {:?}", other.map(|s| s.actor)),
        }
        t += 1;
    }
    t
}

async fn right(app: &mds_app::App, login: &str, ip: Option<&str>, t: i64) -> Result<(), AppError> {
    let mut req = demo_request(login, at(t));
    req.ip = ip.map(str::to_owned);
    app.login(req, at(t)).await.map(|_| ())
}

#[test]
fn issue_14_an_attackers_guesses_do_not_lock_the_owner_out() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        // Thirty guesses from the attacker's address, far past every ceiling of the login.
        let t = guesses(&f.app, DOCTOR, ATTACKER, 30, 0).await;
        // The attacker is refused at once, even with the right password and code: the
        // credentials are not checked while the delay runs.
        let retry = throttled(right(&f.app, DOCTOR, ATTACKER, t).await, "attacker");
        assert!((60..=900).contains(&retry), "attacker's delay {retry} s");
        // The owner, from their own address, signs in with password and second factor.
        right(&f.app, DOCTOR, OWNER, t)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: owner refused: {e:?}"));
        // ... and the owner's success does not reset the attacker's delay.
        throttled(
            right(&f.app, DOCTOR, ATTACKER, t + 2 * STEP).await,
            "after the owner",
        );
    });
}

#[test]
fn issue_14_delays_grow_then_end_without_a_wall() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let free = f.app.settings().login_max_failures;
        let mut t = 0;
        for i in 0..free {
            fail(&f.app, DOCTOR, ATTACKER, t, &format!("free failure {i}")).await;
        }
        // 1 s, 2 s, 4 s: each delay counted from the last failure, then one more guess.
        for expected in [1, 2, 4, 8] {
            let wait = throttled(
                f.app
                    .login(request(DOCTOR, WRONG, "000000", ATTACKER), at(t))
                    .await
                    .map(|s| s.actor),
                "during the delay",
            );
            assert_eq!(wait, expected, "{backend:?}");
            t += wait * 1000;
            fail(&f.app, DOCTOR, ATTACKER, t, "after the delay").await;
        }
        // After the delay the right credentials work from that address too (no lockout).
        let wait = throttled(right(&f.app, DOCTOR, ATTACKER, t).await, "last delay");
        right(&f.app, DOCTOR, ATTACKER, t + wait * 1000 + STEP)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: after the delay: {e:?}"));
    });
}

#[test]
fn issue_14_failures_from_a_shared_address_do_not_lock_other_accounts() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let hospital = Some("203.0.113.7");
        // Twenty failures from the hospital's address, on the doctor's login and others.
        let logins = [DOCTOR, ASSISTANT, "inconnu@demo.mds.nc", "x@cht.nc"];
        let mut t = 0;
        for login in logins.iter().cycle().take(20) {
            t = guesses(&f.app, login, hospital, 1, t).await;
        }
        // A colleague behind the same address signs in at once.
        right(&f.app, REGULATOR, hospital, t)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: colleague refused: {e:?}"));
        right(&f.app, PATIENT, hospital, t)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: patient refused: {e:?}"));
    });
}

#[test]
fn issue_14_the_owner_is_emailed_once_per_run_of_failures() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let alert = f.app.settings().login_owner_alert_failures;
        let mails = |app: mds_app::App| async move {
            let (n,): (i64,) = mds_store::Query::new(
                "SELECT COUNT(*) FROM email_outbox WHERE kind = 'sign_in_failures'",
            )
            .fetch_one(app.db())
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
            n
        };
        // One failure short of the threshold, from several addresses: no mail.
        let mut t = 0;
        for i in 0..alert - 1 {
            let ip = format!("192.0.2.{i}");
            t = guesses(&f.app, DOCTOR, Some(&ip), 1, t).await;
        }
        assert_eq!(
            mails(f.app.clone()).await,
            0,
            "{backend:?}: before the threshold"
        );
        // The threshold, then twenty more failures: exactly one mail, to the doctor.
        for i in 0..21 {
            let ip = format!("192.0.2.{}", 100 + i);
            t = guesses(&f.app, DOCTOR, Some(&ip), 1, t).await;
        }
        assert_eq!(mails(f.app.clone()).await, 1, "{backend:?}: once per run");
        let (to, account): (String, Option<String>) = mds_store::Query::new(
            "SELECT recipient, account_id FROM email_outbox WHERE kind = 'sign_in_failures'",
        )
        .fetch_one(f.app.db())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            account.as_deref(),
            Some(account_id(&f.app, DOCTOR).await.to_string().as_str())
        );
        assert!(to.contains('@'), "{to}");
        // Unknown logins are counted alike, and e-mail no one.
        guesses(
            &f.app,
            "inconnu@demo.mds.nc",
            ATTACKER,
            2 * alert as usize,
            t,
        )
        .await;
        assert_eq!(mails(f.app.clone()).await, 1, "{backend:?}: unknown login");
    });
}

#[test]
fn concurrent_failures_are_all_counted() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let max = f.app.settings().login_max_failures;
        // A burst of parallel guesses from one address, as a script would send them.
        let mut burst = tokio::task::JoinSet::new();
        for i in 0..4 * max {
            let app = f.app.clone();
            let req = request(DOCTOR, &format!("Essai-parallele-{i}"), "000000", ATTACKER);
            burst.spawn(async move { app.login(req, at(0)).await.map(|s| s.actor) });
        }
        let mut checked = 0;
        while let Some(r) = burst.join_next().await {
            match r.unwrap_or_else(|e| panic!("task: {e}")) {
                Err(AppError::InvalidCredentials) => checked += 1,
                Err(AppError::Throttled { .. }) => {}
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(checked, max, "{backend:?}: guesses checked in one burst");
        throttled(right(&f.app, DOCTOR, ATTACKER, 0).await, "after the burst");
    });
}
