//! Sign-in with password and TOTP, the sameness of every failed sign-in, account states that
//! forbid signing in, and the life of a session (authenticate, idle and absolute timeouts,
//! logout), on both backends with a fixed clock.

use mds_app::AppError;
use mds_domain::{AccountId, AccountKind, Timestamp};
use mds_testkit::app::*;
use mds_testkit::typed;

#[test]
fn login_returns_a_session_that_authenticates() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let now = at(0);
        let s = sign_in(&f.app, DOCTOR, now).await;
        assert_eq!(s.actor.kind, AccountKind::Professional);
        assert_eq!(s.actor.display_name, "Jean Néa");
        assert_eq!(s.actor.account_id, account_id(&f.app, DOCTOR).await);
        let absolute = f.app.settings().session_absolute_hours * 3600;
        assert_eq!(s.expires_at, now.plus_seconds(absolute));
        assert!(s.token.len() >= 43, "256-bit token, got {:?}", s.token);

        let again = f.app.authenticate(&s.token, at(1000)).await;
        assert_eq!(again.ok().as_ref(), Some(&s.actor));
        // Logins are compared case-insensitively and trimmed.
        let mut req = demo_request(PATIENT, at(STEP));
        req.login = format!("  {}  ", PATIENT.to_uppercase());
        let patient = f.app.login(req, at(STEP)).await;
        assert_eq!(
            patient.map(|s| s.actor.kind).ok(),
            Some(AccountKind::Patient)
        );

        let unknown = f.app.authenticate("not-a-session-token", at(1000)).await;
        assert!(
            matches!(unknown, Err(AppError::Unauthenticated)),
            "{unknown:?}"
        );
    });
}

#[test]
fn every_failed_sign_in_gets_the_same_answer() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let now = at(0);
        let pw = mds_demo::DEMO_PASSWORD;
        // One account per case so that no case reaches the per-login throttle.
        let cases = [
            (
                "wrong password",
                request(DOCTOR, "Demo-MDS-2025", &demo_code(DOCTOR, now), None),
            ),
            (
                "wrong code",
                request(REGULATOR, pw, &demo_code(REGULATOR, at(10 * STEP)), None),
            ),
            (
                "code of another account",
                request(SUPPORT, pw, &demo_code(ASSISTANT, now), None),
            ),
            (
                "code two steps old",
                request(ASSISTANT, pw, &demo_code(ASSISTANT, at(-2 * STEP)), None),
            ),
            ("code not digits", request(PATIENT, pw, "12a456", None)),
            (
                "unknown login",
                request("nobody@demo.mds.nc", pw, "123456", None),
            ),
            ("malformed login", request("a b", pw, "123456", None)),
        ];
        let mut failing = Vec::new();
        for (name, req) in cases {
            match f.app.login(req, now).await {
                Err(AppError::InvalidCredentials) => {}
                other => failing.push(format!("{name}: {:?}", other.map(|s| s.actor))),
            }
        }
        assert!(failing.is_empty(), "not InvalidCredentials: {failing:?}");
        // The failures above spent nothing: the right password and code still work.
        for login in [DOCTOR, REGULATOR, SUPPORT, ASSISTANT, PATIENT] {
            sign_in(&f.app, login, now).await;
        }
    });
}

#[test]
fn a_totp_code_is_accepted_once() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let now = at(0);
        sign_in(&f.app, DOCTOR, now).await;
        let replay = f.app.login(demo_request(DOCTOR, now), at(1000)).await;
        assert!(
            matches!(replay, Err(AppError::InvalidCredentials)),
            "{:?}",
            replay.map(|s| s.actor)
        );
        // An earlier step than the one used is refused too, even within the drift window.
        let secret = mds_demo::demo_totp_secret(DOCTOR);
        let step = mds_app::accounts::totp::step_at(now.millis());
        let older = request(
            DOCTOR,
            mds_demo::DEMO_PASSWORD,
            &code_at_step(&secret, step - 1),
            None,
        );
        let older = f.app.login(older, at(1000)).await;
        assert!(
            matches!(older, Err(AppError::InvalidCredentials)),
            "{:?}",
            older.map(|s| s.actor)
        );
        // The next step's code (one step of drift is accepted) signs in.
        let next = request(
            DOCTOR,
            mds_demo::DEMO_PASSWORD,
            &code_at_step(&secret, step + 1),
            None,
        );
        let next = f.app.login(next, at(1000)).await;
        assert!(next.is_ok(), "{:?}", next.map(|s| s.actor));
    });
}

#[test]
fn a_pending_account_cannot_sign_in() {
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
        let created = created.unwrap_or_else(|e| panic!("create: {e:?}"));
        let password = "Lagon-Ouvéa-2026";
        // No password yet.
        let r = f
            .app
            .login(
                request("new.ide@cht.nc", password, "123456", None),
                at(MINUTE),
            )
            .await;
        assert!(
            matches!(r, Err(AppError::InvalidCredentials)),
            "{:?}",
            r.map(|s| s.actor)
        );
        // Password chosen and authenticator configured, but enrolment not confirmed.
        let e = f
            .app
            .begin_enrolment(&created.enrolment_token, password, at(MINUTE))
            .await;
        let secret = e.unwrap_or_else(|e| panic!("begin: {e:?}")).totp_secret;
        let r = f
            .app
            .login(
                request(
                    "new.ide@cht.nc",
                    password,
                    &code(&secret, at(2 * MINUTE)),
                    None,
                ),
                at(2 * MINUTE),
            )
            .await;
        assert!(
            matches!(r, Err(AppError::InvalidCredentials)),
            "{:?}",
            r.map(|s| s.actor)
        );
    });
}

#[test]
fn suspension_refuses_sign_in_and_ends_existing_sessions_at_once() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let doctor = sign_in(&f.app, DOCTOR, at(0)).await;
        let other = sign_in(&f.app, DOCTOR, at(STEP)).await;
        let id = doctor.actor.account_id.to_string();
        f.app
            .set_suspended(
                &support,
                &typed::<AccountId>(&id),
                true,
                "départ de l'établissement",
                at(STEP + 1000),
            )
            .await
            .unwrap_or_else(|e| panic!("suspend: {e:?}"));
        for token in [&doctor.token, &other.token] {
            let r = f.app.authenticate(token, at(STEP + 1000)).await;
            assert!(matches!(r, Err(AppError::Unauthenticated)), "{r:?}");
        }
        let r = f
            .app
            .login(demo_request(DOCTOR, at(3 * STEP)), at(3 * STEP))
            .await;
        assert!(
            matches!(r, Err(AppError::InvalidCredentials)),
            "{:?}",
            r.map(|s| s.actor)
        );
        // Reactivation allows a new sign-in; the old sessions stay ended.
        f.app
            .set_suspended(
                &support,
                &typed::<AccountId>(&id),
                false,
                "retour",
                at(4 * STEP),
            )
            .await
            .unwrap_or_else(|e| panic!("reactivate: {e:?}"));
        sign_in(&f.app, DOCTOR, at(5 * STEP)).await;
        let r = f.app.authenticate(&doctor.token, at(5 * STEP)).await;
        assert!(matches!(r, Err(AppError::Unauthenticated)), "{r:?}");
    });
}

async fn alive(f: &Fixture, token: &str, t: Timestamp) -> bool {
    f.app.authenticate(token, t).await.is_ok()
}

/// Issue 18 item 11: support sets a structure's idle timeout within the authority's bounds;
/// the sessions its professionals and assistants open from then on take it; others keep the
/// default.
#[test]
fn a_structure_sets_its_professionals_idle_timeout() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let support = actor(app, SUPPORT, at(0)).await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let structure = doctor
            .acting_professional
            .as_ref()
            .and_then(|p| p.structure.clone())
            .expect("the demo doctor acts from a structure");
        let (min, max) = (
            app.settings().session_idle_min_minutes,
            app.settings().session_idle_max_minutes,
        );
        // Outside the bounds, or by someone else: refused.
        for minutes in [min - 1, max + 1] {
            let r = app
                .set_structure_session_idle(&support, &structure, Some(minutes), at(0))
                .await;
            assert_eq!(outcome(&r), "invalid_session_idle", "{minutes}");
        }
        let r = app
            .set_structure_session_idle(&doctor, &structure, Some(45), at(0))
            .await;
        assert_eq!(outcome(&r), "forbidden");
        let seq = last_seq(app).await;
        app.set_structure_session_idle(&support, &structure, Some(45), at(0))
            .await
            .unwrap();
        assert_eq!(last_seq(app).await, seq + 1, "audited");
        // (A check that succeeds is activity: one session per check.)
        let early = sign_in(app, DOCTOR, at(MINUTE)).await.token;
        let late = sign_in(app, DOCTOR, at(2 * MINUTE)).await.token;
        assert!(alive(&f, &early, at(45 * MINUTE)).await, "44 minutes idle");
        assert!(!alive(&f, &late, at(47 * MINUTE)).await, "45 minutes idle");
        // Support (no structure) keeps the default.
        let default = app.settings().session_idle_minutes;
        let s = sign_in(app, SUPPORT, at(3 * MINUTE)).await.token;
        assert!(
            !alive(&f, &s, at((3 + default) * MINUTE)).await,
            "support: the default"
        );
        // Back to the default.
        app.set_structure_session_idle(&support, &structure, None, at(0))
            .await
            .unwrap();
        let token = sign_in(app, DOCTOR, at(2 * HOUR)).await.token;
        assert!(!alive(&f, &token, at(2 * HOUR + default * MINUTE)).await);
    });
}

#[test]
fn an_idle_session_ends_and_activity_keeps_it_alive() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let idle = f.app.settings().session_idle_minutes * MINUTE;
        let active = sign_in(&f.app, DOCTOR, at(0)).await;
        let quiet = sign_in(&f.app, REGULATOR, at(0)).await;
        assert!(
            alive(&f, &active.token, at(idle - MINUTE)).await,
            "before the idle timeout"
        );
        // Activity at idle - 1 min moved the timer.
        assert!(
            alive(&f, &active.token, at(2 * idle - 2 * MINUTE)).await,
            "after activity"
        );
        // The session ends exactly `idle` after the last activity.
        assert!(
            !alive(&f, &active.token, at(3 * idle - 2 * MINUTE)).await,
            "idle again"
        );
        assert!(
            !alive(&f, &quiet.token, at(idle)).await,
            "quiet session at the idle timeout"
        );
    });
}

#[test]
fn a_session_ends_at_its_absolute_lifetime_despite_activity() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let s = f.app.settings().clone();
        let absolute = s.session_absolute_hours * HOUR;
        let session = sign_in(&f.app, DOCTOR, at(0)).await;
        let mut t = 0;
        while t + (s.session_idle_minutes - 1) * MINUTE < absolute {
            t += (s.session_idle_minutes - 1) * MINUTE;
            let r = f.app.authenticate(&session.token, at(t)).await;
            assert!(r.is_ok(), "active session at +{} min: {r:?}", t / MINUTE);
        }
        let r = f.app.authenticate(&session.token, at(absolute)).await;
        assert!(matches!(r, Err(AppError::Unauthenticated)), "{r:?}");
    });
}

#[test]
fn logout_ends_only_the_current_session() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let first = sign_in(&f.app, DOCTOR, at(0)).await;
        let second = sign_in(&f.app, DOCTOR, at(STEP)).await;
        f.app
            .logout(&first.actor, None, at(STEP + 1000))
            .await
            .unwrap_or_else(|e| panic!("logout: {e:?}"));
        let r = f.app.authenticate(&first.token, at(STEP + 2000)).await;
        assert!(matches!(r, Err(AppError::Unauthenticated)), "{r:?}");
        let r = f.app.authenticate(&second.token, at(STEP + 2000)).await;
        assert!(r.is_ok(), "the other session: {r:?}");
    });
}
