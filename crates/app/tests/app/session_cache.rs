//! Authentication keeps the actor of a session in memory (issue 13, item 2) and must still
//! see, on the very next request, what ANOTHER instance or a shell changed: a logout, a
//! suspension, a password change, an employer's suspension for an assistant, a structure
//! left, a name — and must not end a session that another instance kept alive. Two `App`s
//! on one database are two instances; SQL run directly is an operator's shell. Both backends.

use mds_app::{Actor, App, AppError};
use mds_demo::DEMO_PASSWORD;
use mds_domain::Timestamp;
use mds_testkit::app::*;

/// Authenticates `token` on `app` twice (the second from memory) and checks both agree.
async fn auth(app: &App, token: &str, now: Timestamp) -> Result<Actor, AppError> {
    let first = app.authenticate(token, now).await;
    let again = app.authenticate(token, now).await;
    assert_eq!(
        format!("{first:?}"),
        format!("{again:?}"),
        "the kept actor is the read one"
    );
    first
}

#[test]
fn a_change_made_elsewhere_is_seen_by_the_next_request() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let (one, two) = (&f.app, &f.second_process());
        let t = at(0);
        let support = actor(two, SUPPORT, t).await;
        let doctor = sign_in(one, DOCTOR, t).await.token;
        let nurse = sign_in(one, NURSE, t).await.token;
        let assistant = sign_in(one, ASSISTANT, t).await.token;
        let patient = sign_in(one, PATIENT, t).await.token;
        for token in [&doctor, &nurse, &assistant, &patient] {
            auth(one, token, t).await.unwrap();
        }

        // A logout on the other instance.
        let on_two = two.authenticate(&patient, t).await.unwrap();
        two.logout(&on_two, None, t).await.unwrap();
        let after = auth(one, &patient, t).await;
        assert!(
            matches!(after, Err(AppError::Unauthenticated)),
            "{backend:?}: logged out elsewhere: {after:?}"
        );

        // A suspension on the other instance.
        let nurse_id = account_id(one, NURSE).await;
        two.set_suspended(&support, &nurse_id, true, "Contrôle", t)
            .await
            .unwrap();
        let after = auth(one, &nurse, t).await;
        assert!(
            matches!(after, Err(AppError::Unauthenticated)),
            "{backend:?}: suspended elsewhere: {after:?}"
        );

        // A name changed from a shell is the name of the next request.
        let renamed = "UPDATE accounts SET display_name = 'Dr Jean Néa-Wamytan' \
                       WHERE login = 'dr.nea@demo.mds.nc'";
        one.db().execute_script(renamed).await.unwrap();
        let now_named = auth(one, &doctor, t).await.unwrap();
        assert_eq!(now_named.display_name, "Dr Jean Néa-Wamytan", "{backend:?}");

        // The assistant acts for the doctor until the doctor leaves her structures (a shell),
        // then lends no structure; and no professional once the doctor is suspended.
        let before = auth(one, &assistant, t).await.unwrap();
        assert!(before.acting_professional.is_some(), "{backend:?}");
        let doctor_id = account_id(one, DOCTOR).await;
        let left = format!(
            "DELETE FROM professional_structures WHERE professional_account_id = '{doctor_id}'"
        );
        one.db().execute_script(&left).await.unwrap();
        let moved = auth(one, &assistant, t).await.unwrap();
        let pro = moved
            .acting_professional
            .expect("still the doctor's assistant");
        assert_eq!(pro.structure, None, "{backend:?}: no structure left");
        two.set_suspended(&support, &doctor_id, true, "Contrôle", t)
            .await
            .unwrap();
        let lent = auth(one, &assistant, t).await.unwrap();
        assert_eq!(
            lent.acting_professional, None,
            "{backend:?}: a suspended doctor lends her rights to nobody"
        );
    });
}

#[test]
fn a_password_changed_elsewhere_ends_the_other_sessions_at_once() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let (one, two) = (&f.app, &f.second_process());
        let t = at(0);
        let kept = sign_in(one, PATIENT, t).await.token;
        auth(one, &kept, t).await.unwrap();
        let elsewhere = sign_in(two, PATIENT, at(STEP)).await;
        let changed_in = &elsewhere.actor;
        two.change_password(changed_in, DEMO_PASSWORD, "Un-Nouveau-Mot-2026", None, t)
            .await
            .unwrap();
        let after = auth(one, &kept, t).await;
        assert!(
            matches!(after, Err(AppError::Unauthenticated)),
            "{backend:?}: {after:?}"
        );
        // The session the password was changed in goes on, on either instance.
        auth(one, &elsewhere.token, t).await.unwrap();
        auth(two, &elsewhere.token, t).await.unwrap();
    });
}

#[test]
fn a_session_kept_alive_elsewhere_is_not_idle_here_and_an_idle_one_ends() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let (one, two) = (&f.app, &f.second_process());
        let t = at(0);
        let busy = sign_in(one, PATIENT, t).await.token;
        let idle = sign_in(one, DOCTOR, t).await.token;
        auth(one, &busy, t).await.unwrap();
        auth(one, &idle, t).await.unwrap();
        // For twenty minutes (past any idle timeout) the busy session's requests reach the
        // other instance only, a minute apart.
        for minute in 1..=20 {
            let now = at(minute * MINUTE);
            two.authenticate(&busy, now).await.unwrap();
        }
        let later = at(20 * MINUTE + 1);
        let back = auth(one, &busy, later).await;
        assert!(back.is_ok(), "{backend:?}: kept alive elsewhere: {back:?}");
        let gone = auth(one, &idle, later).await;
        assert!(
            matches!(gone, Err(AppError::Unauthenticated)),
            "{backend:?}: idle for twenty minutes: {gone:?}"
        );
    });
}
