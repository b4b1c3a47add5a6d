//! The portals' two-step sign-in: password, then the authenticator's code bound server-side
//! to a short-lived, single-use pending sign-in that is never a session; a limited number of
//! codes; the same answer for every wrong first step; the login's lockout over both steps.
//! Both backends, fixed clock.

use mds_app::accounts::sign_in::Channel;
use mds_app::accounts::two_step::{
    CodeStep, PasswordStep, PendingSignIn, CODE_ATTEMPTS, PENDING_SECONDS,
};
use mds_app::{App, AppError};
use mds_audit::Outcome;
use mds_domain::{AccountKind, Timestamp};
use mds_testkit::app::*;

fn password_step(login: &str, password: &str) -> PasswordStep {
    PasswordStep {
        login: login.to_owned(),
        password: password.to_owned(),
        ip: None,
        channel: Channel::Web,
    }
}

fn code_step(pending: &str, code: &str) -> CodeStep {
    CodeStep {
        pending_token: pending.to_owned(),
        totp_code: code.to_owned(),
        ip: None,
    }
}

/// The first step of a demo account with its right password.
async fn pending(app: &App, login: &str, now: Timestamp) -> PendingSignIn {
    app.sign_in_password(password_step(login, mds_demo::DEMO_PASSWORD), now)
        .await
        .unwrap_or_else(|e| panic!("password step of {login}: {e:?}"))
}

/// A wrong code for `login` at `now` (the right one plus one, modulo a million).
fn wrong_code(login: &str, now: Timestamp) -> String {
    let right: u32 = demo_code(login, now)
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    format!("{:06}", (right + 1) % 1_000_000)
}

#[test]
fn password_then_code_opens_a_session_and_ends_the_pending_sign_in() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let seq = last_seq(&f.app).await;
        let p = pending(&f.app, DOCTOR, at(0)).await;
        assert_eq!(p.expires_at, at(0).plus_seconds(PENDING_SECONDS));
        assert!(p.token.len() >= 43, "256-bit token, got {:?}", p.token);
        // The pending sign-in is no session, on any channel.
        let as_session = f.app.authenticate(&p.token, at(1000)).await;
        assert!(
            matches!(as_session, Err(AppError::Unauthenticated)),
            "{as_session:?}"
        );
        assert!(f
            .app
            .pending_sign_in(&p.token, at(1000))
            .await
            .unwrap_or(false));
        assert!(!f
            .app
            .pending_sign_in("not-a-token", at(1000))
            .await
            .unwrap_or(true));

        let code = demo_code(DOCTOR, at(1000));
        let s = f
            .app
            .sign_in_code(code_step(&p.token, &code), at(1000))
            .await;
        let s = s.unwrap_or_else(|e| panic!("code step: {e:?}"));
        assert_eq!(s.actor.kind, AccountKind::Professional);
        assert_eq!(s.actor.display_name, "Jean Néa");
        let again = f.app.authenticate(&s.token, at(2000)).await;
        assert_eq!(again.ok().as_ref(), Some(&s.actor));

        // Single use: the pending sign-in ended with the session it opened.
        assert!(!f
            .app
            .pending_sign_in(&p.token, at(2000))
            .await
            .unwrap_or(true));
        let next = demo_code(DOCTOR, at(STEP));
        let reuse = f
            .app
            .sign_in_code(code_step(&p.token, &next), at(STEP))
            .await;
        assert!(
            matches!(reuse, Err(AppError::Unauthenticated)),
            "{:?}",
            reuse.map(|s| s.actor)
        );

        let events = events_after(&f.app, seq).await;
        let seen: Vec<_> = events
            .iter()
            .map(|e| (e.action.as_str(), e.outcome, e.actor_id.as_deref()))
            .collect();
        let doctor = Some(s.actor.account_id.as_str());
        assert_eq!(
            seen,
            [
                ("auth.password", Outcome::Success, doctor),
                ("auth.login", Outcome::Success, doctor)
            ]
        );
        assert_eq!(events[1].detail["channel"], "web");
        assert_chain_intact(&f.app).await;
    });
}

#[test]
fn every_wrong_first_step_gets_the_same_answer_and_leaves_nothing_pending() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let s = any_structure_id(&f.app, &support).await;
        let created = f
            .app
            .create_professional(
                &support,
                professional("new.ide@cht.nc", "20200000001", &s),
                at(0),
            )
            .await;
        created.unwrap_or_else(|e| panic!("create: {e:?}"));
        let seq = last_seq(&f.app).await;
        let pw = mds_demo::DEMO_PASSWORD;
        // One account per case, so that no case reaches the per-login throttle.
        let cases = [
            ("wrong password", password_step(DOCTOR, "Demo-MDS-2025")),
            ("empty password", password_step(REGULATOR, "")),
            ("unknown login", password_step("nobody@demo.mds.nc", pw)),
            ("malformed login", password_step("a b", pw)),
            (
                "account without password nor second factor",
                password_step("new.ide@cht.nc", pw),
            ),
        ];
        let mut failing = Vec::new();
        for (name, req) in cases {
            match f.app.sign_in_password(req, at(1000)).await {
                Err(AppError::InvalidCredentials) => {}
                other => failing.push(format!("{name}: {other:?}")),
            }
        }
        assert!(failing.is_empty(), "not InvalidCredentials: {failing:?}");
        let events = events_after(&f.app, seq).await;
        assert_eq!(events.len(), 5, "one event per failure");
        for e in &events {
            assert_eq!(
                (e.action.as_str(), e.outcome, e.actor_id.as_deref()),
                ("auth.login", Outcome::Failure, None)
            );
        }
        // The failures spent nothing: both steps still work.
        for login in [DOCTOR, REGULATOR] {
            let p = pending(&f.app, login, at(2000)).await;
            let code = demo_code(login, at(2000));
            let r = f
                .app
                .sign_in_code(code_step(&p.token, &code), at(2000))
                .await;
            assert!(r.is_ok(), "{login}: {:?}", r.map(|s| s.actor));
        }
    });
}

#[test]
fn second_step_decision_table() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let late = PENDING_SECONDS * 1000;
        // (case, login, pending token given, code, instant of the code step, expected)
        type Case = (
            &'static str,
            &'static str,
            Option<&'static str>,
            fn(&str, Timestamp) -> String,
            i64,
            &'static str,
        );
        let cases: [Case; 9] = [
            ("right code", DOCTOR, None, demo_code, 1000, "ok"),
            (
                "right code just before expiry",
                REGULATOR,
                None,
                demo_code,
                late - 1,
                "ok",
            ),
            (
                "right code at expiry",
                ASSISTANT,
                None,
                demo_code,
                late,
                "unauthenticated",
            ),
            (
                "wrong code",
                PATIENT,
                None,
                wrong_code,
                1000,
                "invalid_credentials",
            ),
            (
                "code of another account",
                SUPPORT,
                None,
                |_, t| demo_code(DOCTOR, t),
                1000,
                "invalid_credentials",
            ),
            (
                "code two steps old",
                "sf.gope@demo.mds.nc",
                None,
                |l, t| demo_code(l, Timestamp::from_millis(t.millis() - 2 * STEP)),
                1000,
                "invalid_credentials",
            ),
            (
                "code not digits",
                "inf.kaloi@demo.mds.nc",
                None,
                |_, _| "12a456".to_owned(),
                1000,
                "invalid_credentials",
            ),
            (
                "unknown pending sign-in",
                DOCTOR,
                Some("not-a-pending-token"),
                demo_code,
                2 * STEP,
                "unauthenticated",
            ),
            (
                "a session token instead",
                DOCTOR,
                Some("session"),
                demo_code,
                3 * STEP,
                "unauthenticated",
            ),
        ];
        let session = sign_in(&f.app, "dr.wamytan@demo.mds.nc", at(5 * STEP))
            .await
            .token;
        let mut failing = Vec::new();
        for (name, login, token, code, when, expected) in cases {
            let p = pending(&f.app, login, at(0)).await;
            let token = match token {
                None => p.token,
                Some("session") => session.clone(),
                Some(t) => t.to_owned(),
            };
            let now = at(when);
            let r = f
                .app
                .sign_in_code(code_step(&token, &code(login, now)), now)
                .await;
            if outcome(&r) != expected {
                failing.push(format!(
                    "{name}: expected {expected}, got {:?}",
                    r.map(|s| s.actor)
                ));
            }
        }
        assert!(failing.is_empty(), "{failing:#?}");

        // Suspended between the two steps: the pending sign-in ended with the account's sessions.
        let p = pending(&f.app, "sec.tiaou@demo.mds.nc", at(20 * STEP)).await;
        let id = account_id(&f.app, ASSISTANT).await;
        f.app
            .set_suspended(
                &support,
                &id,
                true,
                "contrôle en cours",
                at(20 * STEP + 1000),
            )
            .await
            .unwrap_or_else(|e| panic!("suspend: {e:?}"));
        let now = at(20 * STEP + 2000);
        let r = f
            .app
            .sign_in_code(code_step(&p.token, &demo_code(ASSISTANT, now)), now)
            .await;
        assert_eq!(
            outcome(&r),
            "unauthenticated",
            "suspended between the steps"
        );
    });
}

#[test]
fn wrong_codes_are_limited_then_the_sign_in_starts_over() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let p = pending(&f.app, DOCTOR, at(0)).await;
        for i in 1..=CODE_ATTEMPTS {
            let now = at(i * 1000);
            let r = f
                .app
                .sign_in_code(code_step(&p.token, &wrong_code(DOCTOR, now)), now)
                .await;
            let expected = if i < CODE_ATTEMPTS {
                "invalid_credentials"
            } else {
                "unauthenticated"
            };
            assert_eq!(outcome(&r), expected, "wrong code {i}");
        }
        let seq = last_seq(&f.app).await;
        // Even the right code no longer opens this pending sign-in.
        let now = at(10_000);
        let r = f
            .app
            .sign_in_code(code_step(&p.token, &demo_code(DOCTOR, now)), now)
            .await;
        assert_eq!(
            outcome(&r),
            "unauthenticated",
            "right code after the last wrong one"
        );
        assert!(!f.app.pending_sign_in(&p.token, now).await.unwrap_or(true));
        assert!(
            events_after(&f.app, seq).await.is_empty(),
            "nothing was tried"
        );

        // Starting over works (the password step that reaches the login's maximum still
        // proceeds), and the success clears the login's failures.
        let p = pending(&f.app, DOCTOR, at(11_000)).await;
        let r = f
            .app
            .sign_in_code(code_step(&p.token, &demo_code(DOCTOR, now)), at(11_000))
            .await;
        assert_eq!(outcome(&r), "ok");
        let r = f
            .app
            .sign_in_password(password_step(DOCTOR, "Mauvais-Mot-De-Passe"), at(12_000))
            .await;
        assert_eq!(
            outcome(&r),
            "invalid_credentials",
            "the login's failures were cleared"
        );
    });
}

#[test]
fn the_throttle_covers_both_steps() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let max = f.app.settings().login_max_failures;
        assert_eq!(
            max, 3,
            "the sequence below spends exactly the default free failures"
        );
        // Password (right: not a failure), wrong codes (1, 2, 3: the pending sign-in ends),
        // password again once the first delay is over, a wrong code (4: a 2 s delay).
        let first = pending(&f.app, DOCTOR, at(0)).await;
        for i in 1..=CODE_ATTEMPTS {
            let now = at(i * 1000);
            let _ = f
                .app
                .sign_in_code(code_step(&first.token, &wrong_code(DOCTOR, now)), now)
                .await;
        }
        let second = pending(&f.app, DOCTOR, at(5000)).await;
        let now = at(6000);
        let r = f
            .app
            .sign_in_code(code_step(&second.token, &wrong_code(DOCTOR, now)), now)
            .await;
        assert_eq!(outcome(&r), "invalid_credentials");
        // During the delay neither the code nor the password is checked.
        let r = f
            .app
            .sign_in_code(
                code_step(&second.token, &demo_code(DOCTOR, at(7000))),
                at(7000),
            )
            .await;
        assert_eq!(
            outcome(&r),
            "too_many_attempts",
            "right code during the delay"
        );
        let r = f
            .app
            .sign_in_password(password_step(DOCTOR, mds_demo::DEMO_PASSWORD), at(7000))
            .await;
        assert_eq!(
            outcome(&r),
            "too_many_attempts",
            "right password during the delay"
        );
        // After the delay, both steps work again: no lockout.
        let after = 8000;
        let p = pending(&f.app, DOCTOR, at(after)).await;
        let code = demo_code(DOCTOR, at(after));
        let r = f
            .app
            .sign_in_code(code_step(&p.token, &code), at(after))
            .await;
        assert_eq!(outcome(&r), "ok");
    });
}

#[test]
fn parallel_codes_cannot_exceed_the_attempts() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let p = pending(&f.app, DOCTOR, at(0)).await;
        let mut burst = tokio::task::JoinSet::new();
        for i in 0..10 {
            let app = f.app.clone();
            let req = code_step(&p.token, &format!("{:06}", 100_000 + i));
            burst.spawn(async move { app.sign_in_code(req, at(1000)).await.map(|s| s.actor) });
        }
        while let Some(r) = burst.join_next().await {
            let r = r.unwrap_or_else(|e| panic!("task: {e}"));
            // Each is refused: a wrong code, the pending sign-in already ended, or — when the
            // burst's first failures are counted before this one is read — the login's
            // throttle (it reads no code). The counter below proves how many codes were read.
            assert!(
                matches!(
                    r,
                    Err(AppError::InvalidCredentials
                        | AppError::Unauthenticated
                        | AppError::Throttled { .. })
                ),
                "{r:?}"
            );
        }
        // Each code checked counted one failure of the login (the right password step none):
        // at most `CODE_ATTEMPTS` codes.
        let key = format!("login:{DOCTOR}");
        let t = mds_store::sessions::throttle_get(f.app.db(), &key).await;
        let t = t
            .unwrap_or_else(|e| panic!("{e:?}"))
            .unwrap_or_else(|| panic!("no counter"));
        assert_eq!((t.failures, t.locked_until_ms), (CODE_ATTEMPTS, 0));
        assert!(!f
            .app
            .pending_sign_in(&p.token, at(2000))
            .await
            .unwrap_or(true));
    });
}
