//! Second-factor seeds at rest (issue 15): sealed with the master key, never in clear in the
//! database; a seed from before sealing still signs in and is sealed by the start-up pass;
//! key rotation moves every seed to the new key and retirement keeps none behind; a sealed
//! seed copied into another account's row does not open there. Both backends, fixed clock.

use mds_demo::demo_totp_secret;
use mds_store::{accounts, Query};
use mds_testkit::app::*;

async fn stored(f: &Fixture, login: &str) -> accounts::AccountRow {
    accounts::by_login(f.app.db(), login)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{login}"))
}

#[test]
fn seeds_are_sealed_and_move_with_the_master_keys() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let first = f.app.vault().current_key_id();
        for login in [PATIENT, DOCTOR, SUPPORT] {
            let row = stored(&f, login).await;
            let seed = demo_totp_secret(login);
            let kept = row.totp_secret.clone().unwrap_or_default();
            assert!(
                !kept.contains(&seed[..8]),
                "{backend:?}: {login}'s seed in clear"
            );
            assert_eq!(
                row.totp_key_id.as_deref(),
                Some(first.as_str()),
                "{backend:?}"
            );
        }
        sign_in(&f.app, PATIENT, at(0)).await;

        let (second, _) = f
            .app
            .rotate_master_key(&f.key_file(), at(STEP))
            .await
            .unwrap();
        for login in [PATIENT, DOCTOR, SUPPORT] {
            let row = stored(&f, login).await;
            assert_eq!(
                row.totp_key_id.as_deref(),
                Some(second.as_str()),
                "{backend:?}: {login}"
            );
        }
        let retired = f
            .app
            .retire_master_keys(&f.key_file(), at(STEP))
            .await
            .unwrap();
        assert_eq!(
            retired,
            vec![first],
            "{backend:?}: no seed keeps the old key"
        );
        sign_in(&f.app, PATIENT, at(2 * STEP)).await;
        sign_in(&f.second_process(), DOCTOR, at(2 * STEP)).await;
    });
}

#[test]
fn a_seed_from_before_sealing_signs_in_and_is_sealed_at_start() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        Query::new("UPDATE accounts SET totp_secret = $1, totp_key_id = NULL WHERE login = $2")
            .bind(demo_totp_secret(PATIENT))
            .bind(PATIENT)
            .execute(f.app.db())
            .await
            .unwrap();
        sign_in(&f.app, PATIENT, at(0)).await;
        assert_eq!(f.app.seal_totp_secrets().await.unwrap(), 1, "{backend:?}");
        assert_eq!(
            f.app.seal_totp_secrets().await.unwrap(),
            0,
            "{backend:?}: once"
        );
        let row = stored(&f, PATIENT).await;
        assert!(row.totp_key_id.is_some(), "{backend:?}");
        assert_ne!(row.totp_secret, Some(demo_totp_secret(PATIENT)));
        sign_in(&f.app, PATIENT, at(STEP)).await;
    });
}

#[test]
fn a_sealed_seed_copied_into_another_account_does_not_open() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let doctor = stored(&f, DOCTOR).await;
        Query::new("UPDATE accounts SET totp_secret = $1, totp_key_id = $2 WHERE login = $3")
            .bind(doctor.totp_secret.clone())
            .bind(doctor.totp_key_id.clone())
            .bind(NURSE)
            .execute(f.app.db())
            .await
            .unwrap();
        let t = at(0);
        let r = f
            .app
            .login(
                request(NURSE, mds_demo::DEMO_PASSWORD, &demo_code(DOCTOR, t), None),
                t,
            )
            .await;
        assert!(
            r.is_err(),
            "{backend:?}: the doctor's seed opened for the nurse"
        );
        sign_in(&f.app, DOCTOR, t).await;
    });
}
