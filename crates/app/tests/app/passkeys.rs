//! Passkeys as a second factor (issue 15): what the service decides without an authenticator
//! — the relying party's availability, each ceremony taken once and only while alive, the
//! current password before an addition, answers that do not verify counted as wrong codes,
//! and support's reset of a lost second factor removing the passkeys. The whole ceremony with
//! a real (virtual) authenticator is the browser journey `34-passkey`. Both backends, fixed
//! clock.

use mds_app::accounts::passkeys::CEREMONY_SECONDS;
use mds_app::accounts::sign_in::Channel;
use mds_app::accounts::two_step::{PasskeyStep, PasswordStep, CODE_ATTEMPTS};
use mds_app::{App, AppError};
use mds_store::passkeys::{self, PasskeyRow};
use mds_testkit::app::*;

const PUBLIC: &str = "https://mondrivesante.nc";

fn code_of(r: &Result<impl std::fmt::Debug, AppError>) -> String {
    match r {
        Err(AppError::Invalid { code, .. } | AppError::Conflict { code, .. }) => (*code).to_owned(),
        other => format!("{other:?}"),
    }
}

/// A passkey row as the registration would write it (its content is not read here).
async fn stored_passkey(app: &App, login: &str, id: &str) {
    let row = PasskeyRow {
        id: id.to_owned(),
        account_id: account_id(app, login).await,
        credential_id: format!("cred-{id}"),
        name: "Téléphone".to_owned(),
        passkey: "{}".to_owned(),
        created_at_ms: at(0).millis(),
        last_used_at_ms: None,
    };
    let mut tx = app.db().begin().await.unwrap();
    passkeys::insert(&mut tx, &row).await.unwrap();
    tx.commit().await.unwrap();
}

#[test]
fn a_registration_ceremony_is_taken_once_while_alive_after_the_password() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let none = f.app.start_passkey_registration(&doctor, at(0)).await;
        assert!(
            matches!(none, Err(AppError::Unavailable(_))),
            "{backend:?}: no public address"
        );
        assert!(!f.app.passkeys_available());

        let app = f.app.clone().with_public_url(PUBLIC);
        assert!(app.passkeys_available());
        let options = app
            .start_passkey_registration(&doctor, at(0))
            .await
            .unwrap();
        assert_eq!(
            options["publicKey"]["rp"]["id"], "mondrivesante.nc",
            "{backend:?}"
        );
        assert!(options["publicKey"]["challenge"]
            .as_str()
            .is_some_and(|c| c.len() >= 22));
        let finish = |password: &'static str, name: &'static str, credential: &'static str, now| {
            let app = app.clone();
            let doctor = doctor.clone();
            async move {
                app.finish_passkey_registration(&doctor, password, name, credential, None, now)
                    .await
            }
        };
        let pw = mds_demo::DEMO_PASSWORD;
        // (password, name, answer) refused before the ceremony is taken, then with it.
        let cases = [
            ("pas le bon", "Téléphone", "{}", "wrong_password"),
            (pw, "", "{}", "invalid_passkey_name"),
            (pw, "Téléphone", "pas du JSON", "passkey_refused"),
            // The ceremony was taken by the answer above: a second answer finds none.
            (pw, "Téléphone", "{}", "passkey_expired"),
        ];
        for (password, name, credential, expected) in cases {
            let got = finish(password, name, credential, at(MINUTE)).await;
            assert_eq!(
                code_of(&got),
                expected,
                "{backend:?}: {password:?} {name:?} {credential:?}"
            );
        }
        // A ceremony answered after its lifetime is over.
        app.start_passkey_registration(&doctor, at(0))
            .await
            .unwrap();
        let late = finish(pw, "Téléphone", "{}", at((CEREMONY_SECONDS + 1) * 1000)).await;
        assert_eq!(code_of(&late), "passkey_expired", "{backend:?}");
        // Another account's ceremony is not this account's.
        let nurse = actor(&f.app, NURSE, at(0)).await;
        app.start_passkey_registration(&doctor, at(0))
            .await
            .unwrap();
        let other = app
            .finish_passkey_registration(&nurse, pw, "Téléphone", "{}", None, at(MINUTE))
            .await;
        assert_eq!(code_of(&other), "passkey_expired", "{backend:?}");
        assert!(app.list_passkeys(&doctor).await.unwrap().is_empty());
    });
}

#[test]
fn a_passkey_answer_that_does_not_verify_is_a_wrong_code() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = f.app.clone().with_public_url(PUBLIC);
        let step = PasswordStep {
            login: DOCTOR.to_owned(),
            password: mds_demo::DEMO_PASSWORD.to_owned(),
            ip: None,
            channel: Channel::Web,
        };
        let pending = app.sign_in_password(step.clone(), at(0)).await.unwrap();
        // No passkey: nothing offered.
        assert_eq!(
            app.start_passkey_sign_in(&pending.token, at(0))
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            app.start_passkey_sign_in("inconnu", at(0)).await.unwrap(),
            None
        );
        let answer = |token: &str| PasskeyStep {
            pending_token: token.to_owned(),
            credential: "{}".to_owned(),
            ip: None,
        };
        for attempt in 1..=CODE_ATTEMPTS {
            let got = app
                .sign_in_passkey(answer(&pending.token), at(attempt))
                .await;
            let expected = if attempt < CODE_ATTEMPTS {
                "InvalidCredentials"
            } else {
                "Unauthenticated"
            };
            assert!(
                format!("{:?}", got.map(|_| ())).contains(expected),
                "{backend:?}: attempt {attempt}"
            );
        }
        // Spent: the pending sign-in starts over.
        let again = app.sign_in_passkey(answer(&pending.token), at(10)).await;
        assert!(
            matches!(again, Err(AppError::Unauthenticated)),
            "{backend:?}"
        );
        // With a passkey stored, a live pending sign-in is offered a ceremony.
        stored_passkey(&app, DOCTOR, "pk-1").await;
        let fresh = app.sign_in_password(step, at(HOUR)).await.unwrap();
        assert_eq!(
            app.list_passkeys(&actor(&app, DOCTOR, at(HOUR)).await)
                .await
                .unwrap()
                .len(),
            1
        );
        // The stored row is not a real credential: it is skipped, and nothing is offered.
        assert_eq!(
            app.start_passkey_sign_in(&fresh.token, at(HOUR + 1))
                .await
                .unwrap(),
            None
        );
    });
}

#[test]
fn support_reset_of_a_lost_second_factor_removes_the_passkeys() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        stored_passkey(&f.app, DOCTOR, "pk-1").await;
        stored_passkey(&f.app, DOCTOR, "pk-2").await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        // Only its owner removes one: another account's is « not found ».
        let nurse = actor(&f.app, NURSE, at(0)).await;
        let theirs = f.app.remove_passkey(&nurse, "pk-1", None, at(MINUTE)).await;
        assert!(matches!(theirs, Err(AppError::NotFound)), "{backend:?}");
        f.app
            .remove_passkey(&doctor, "pk-1", None, at(MINUTE))
            .await
            .unwrap();
        let removed = events_of(&f.app, "account.passkey.remove").await;
        assert_eq!(removed.len(), 1, "{backend:?}");
        assert_eq!(f.app.list_passkeys(&doctor).await.unwrap().len(), 1);

        let support = actor(&f.app, SUPPORT, at(0)).await;
        f.app
            .reissue_enrolment(
                &support,
                &doctor.account_id,
                "Carte professionnelle vue au guichet",
                at(2 * MINUTE),
            )
            .await
            .unwrap();
        let left = passkeys::of_account(f.app.db(), &doctor.account_id)
            .await
            .unwrap();
        assert!(
            left.is_empty(),
            "{backend:?}: the old second factors are gone"
        );
    });
}
