//! Changing one's password while signed in (issue 15): each refusal as a decision table (wrong
//! current password, too weak, unchanged, too many wrong attempts), then a change: the other
//! sessions end and this one goes on, the new password signs in and the old one no longer
//! does, the account is told (in the portal and by e-mail), and each attempt is audited.
//! Both backends, fixed clock.

use mds_app::AppError;
use mds_demo::DEMO_PASSWORD;
use mds_store::outbox;
use mds_testkit::app::*;

const NEW: &str = "Kaori-Bourail-1987-lagon";

#[test]
fn a_change_needs_the_current_password_and_a_strong_new_one() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let me = sign_in(&f.app, PATIENT, at(0)).await;
        // (current, new, expected outcome)
        let table = [
            ("not-my-password", NEW, "wrong_password"),
            (DEMO_PASSWORD, "short", "weak_password"),
            (DEMO_PASSWORD, "aaaaaaaaaaaaaaaaaa", "weak_password"),
            (DEMO_PASSWORD, PATIENT, "weak_password"),
            (DEMO_PASSWORD, DEMO_PASSWORD, "same_password"),
        ];
        for (current, new, expected) in table {
            let r = f
                .app
                .change_password(&me.actor, current, new, None, at(1000))
                .await;
            assert_eq!(outcome(&r), expected, "{backend:?}: {current} → {new}");
        }
        let failures = events_of(&f.app, "account.password_change").await;
        assert_eq!(
            failures.len(),
            1,
            "{backend:?}: the wrong current password is audited"
        );
        // Unchanged: the demo password still signs in.
        sign_in(&f.app, PATIENT, at(STEP)).await;
    });
}

#[test]
fn five_wrong_current_passwords_block_attempts_for_the_hour() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let me = sign_in(&f.app, PATIENT, at(0)).await;
        for i in 0..5 {
            let r = f
                .app
                .change_password(&me.actor, "guess", NEW, None, at(1000 + i))
                .await;
            assert_eq!(outcome(&r), "wrong_password", "{backend:?}: attempt {i}");
        }
        // Even the right password is refused until the hour is over.
        let r = f
            .app
            .change_password(&me.actor, DEMO_PASSWORD, NEW, None, at(2000))
            .await;
        assert!(
            matches!(r, Err(AppError::Throttled { .. })),
            "{backend:?}: {r:?}"
        );
        let later = f
            .app
            .change_password(&me.actor, DEMO_PASSWORD, NEW, None, at(1000 + HOUR))
            .await;
        assert_eq!(
            later.ok(),
            Some(0),
            "{backend:?}: allowed again after the hour"
        );
    });
}

#[test]
fn a_change_ends_the_other_sessions_and_tells_the_account() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let other = sign_in(app, PATIENT, at(0)).await;
        let here = sign_in(app, PATIENT, at(STEP)).await;
        let before = outbox::all(app.db()).await.unwrap().len();
        let ended = app
            .change_password(&here.actor, DEMO_PASSWORD, NEW, None, at(STEP + 1000))
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: {e:?}"));
        assert_eq!(ended, 1, "{backend:?}");
        let t = at(STEP + 2000);
        assert!(
            app.authenticate(&here.token, t).await.is_ok(),
            "{backend:?}: this session goes on"
        );
        assert!(
            matches!(
                app.authenticate(&other.token, t).await,
                Err(AppError::Unauthenticated)
            ),
            "{backend:?}: the other session ended"
        );
        let old = app
            .login(demo_request(PATIENT, at(2 * STEP)), at(2 * STEP))
            .await;
        assert!(
            matches!(old, Err(AppError::InvalidCredentials)),
            "{backend:?}: {old:?}"
        );
        let new = app
            .login(
                request(PATIENT, NEW, &demo_code(PATIENT, at(3 * STEP)), None),
                at(3 * STEP),
            )
            .await;
        assert!(
            new.is_ok(),
            "{backend:?}: the new password signs in: {new:?}"
        );
        let mails = outbox::all(app.db()).await.unwrap();
        assert_eq!(mails.len(), before + 1, "{backend:?}");
        let mail = mails.last().unwrap();
        assert_eq!(
            (mail.kind.as_str(), mail.recipient.as_str()),
            ("password_changed", PATIENT)
        );
        assert!(!mail.body.contains(NEW), "{backend:?}: never the password");
        let notes = app
            .notifications(&here.actor, false, 10, 0)
            .await
            .unwrap()
            .items;
        assert!(
            notes.iter().any(|n| n.kind == "password_changed"),
            "{backend:?}: told in the portal"
        );
        let events = events_of(app, "account.password_change").await;
        assert_eq!(events.len(), 1, "{backend:?}");
        assert_eq!(events[0].detail["other_sessions_ended"], 1);
    });
}
