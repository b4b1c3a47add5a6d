//! Enrolment of a new account created by support: the one-time token, the password strength
//! check, TOTP confirmation, activation, then sign-in; reuse and expiry of the token. Both
//! backends, fixed clock.

use mds_app::operator::directory::{Created, ProfessionalRow};
use mds_app::App;
use mds_domain::{AccountKind, AccountState};
use mds_testkit::app::*;
use mds_testkit::typed;

const LOGIN: &str = "a.gowe@dispensaire-poindimie.nc";
const PASSWORD: &str = "Tiéti-Poindimié-2026";

/// Support creates a pending professional at `T0`.
async fn create_pending(app: &App) -> Created<ProfessionalRow> {
    let support = actor(app, SUPPORT, at(0)).await;
    let s = any_structure_id(app, &support).await;
    app.create_professional(&support, professional(LOGIN, "30300000001", &s), at(0))
        .await
        .unwrap_or_else(|e| panic!("create professional: {e:?}"))
}

#[test]
fn enrolment_activates_the_account_and_the_professional_can_sign_in() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let created = create_pending(&f.app).await;
        assert_eq!(created.item.state, typed::<AccountState>("pending"));
        let token = created.enrolment_token.clone();

        let weak = [
            ("too short", "Court-1"),
            ("one repeated character", "zzzzzzzzzzzzzzzz"),
            ("the login itself", LOGIN),
        ];
        let mut failing = Vec::new();
        for (name, pw) in weak {
            let r = f.app.begin_enrolment(&token, pw, at(MINUTE)).await;
            if outcome(&r) != "weak_password" {
                failing.push(format!("{name}: {}", outcome(&r)));
            }
        }
        assert!(
            failing.is_empty(),
            "weak passwords accepted or wrongly refused: {failing:?}"
        );

        let e = f
            .app
            .begin_enrolment(&token, PASSWORD, at(MINUTE))
            .await
            .unwrap_or_else(|e| panic!("begin: {e:?}"));
        assert!(
            e.provisioning_uri.starts_with("otpauth://totp/"),
            "{}",
            e.provisioning_uri
        );
        assert!(
            e.provisioning_uri
                .contains(&format!("secret={}", e.totp_secret)),
            "{}",
            e.provisioning_uri
        );

        let wrong = code(&e.totp_secret, at(MINUTE + 10 * STEP));
        let r = f
            .app
            .confirm_enrolment(&token, &wrong, at(2 * MINUTE))
            .await;
        assert_eq!(outcome(&r), "invalid_code");
        let confirm_at = at(2 * MINUTE);
        let r = f
            .app
            .confirm_enrolment(&token, &code(&e.totp_secret, confirm_at), confirm_at)
            .await;
        assert_eq!(outcome(&r), "ok", "{r:?}");

        let support = actor(&f.app, SUPPORT, at(3 * MINUTE)).await;
        let row = f
            .app
            .get_professional(&support, &created.item.account_id)
            .await
            .unwrap_or_else(|e| panic!("get: {e:?}"));
        assert_eq!(row.state, typed::<AccountState>("active"));

        // The code used to confirm cannot sign in; the next one does.
        let r = f
            .app
            .login(
                request(LOGIN, PASSWORD, &code(&e.totp_secret, confirm_at), None),
                confirm_at,
            )
            .await;
        assert_eq!(
            outcome(&r),
            "invalid_credentials",
            "confirmation code replayed"
        );
        let next = code(&e.totp_secret, confirm_at.plus_seconds(30));
        let s = f
            .app
            .login(request(LOGIN, PASSWORD, &next, None), confirm_at)
            .await
            .unwrap_or_else(|e| panic!("sign in: {e:?}"));
        assert_eq!(s.actor.kind, AccountKind::Professional);
        assert_eq!(s.actor.account_id, created.item.account_id);
    });
}

#[test]
fn an_enrolment_token_cannot_be_reused() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let token = create_pending(&f.app).await.enrolment_token;
        let e = f
            .app
            .begin_enrolment(&token, PASSWORD, at(MINUTE))
            .await
            .unwrap_or_else(|e| panic!("begin: {e:?}"));
        let t = at(2 * MINUTE);
        f.app
            .confirm_enrolment(&token, &code(&e.totp_secret, t), t)
            .await
            .unwrap_or_else(|e| panic!("confirm: {e:?}"));
        // Neither step accepts the spent token: nobody can reset the password or the second
        // factor with it.
        let r = f
            .app
            .begin_enrolment(&token, "Autre-Mot-De-Passe-2026", at(3 * MINUTE))
            .await;
        assert_eq!(outcome(&r), "invalid_enrolment_token");
        let r = f
            .app
            .confirm_enrolment(
                &token,
                &code(&e.totp_secret, at(3 * MINUTE)),
                at(3 * MINUTE),
            )
            .await;
        assert_eq!(outcome(&r), "invalid_enrolment_token");
        // The password chosen at enrolment still works.
        let next = code(&e.totp_secret, at(4 * MINUTE));
        let r = f
            .app
            .login(request(LOGIN, PASSWORD, &next, None), at(4 * MINUTE))
            .await;
        assert_eq!(outcome(&r), "ok");
    });
}

#[test]
fn an_expired_or_unknown_enrolment_token_is_refused() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let token = create_pending(&f.app).await.enrolment_token;
        let lifetime = f.app.settings().enrolment_token_hours * HOUR;
        let r = f
            .app
            .begin_enrolment("not-a-token", PASSWORD, at(MINUTE))
            .await;
        assert_eq!(outcome(&r), "invalid_enrolment_token", "unknown token");
        let r = f.app.confirm_enrolment(&token, "123456", at(MINUTE)).await;
        assert_eq!(
            outcome(&r),
            "enrolment_incomplete",
            "confirm before choosing a password"
        );
        // Step 1 just in time, step 2 too late.
        let e = f
            .app
            .begin_enrolment(&token, PASSWORD, at(lifetime - 1))
            .await
            .unwrap_or_else(|e| panic!("begin just in time: {e:?}"));
        let r = f
            .app
            .confirm_enrolment(&token, &code(&e.totp_secret, at(lifetime)), at(lifetime))
            .await;
        assert_eq!(outcome(&r), "invalid_enrolment_token", "confirm at expiry");
        let r = f.app.begin_enrolment(&token, PASSWORD, at(lifetime)).await;
        assert_eq!(outcome(&r), "invalid_enrolment_token", "begin at expiry");
        // The account stays pending and cannot sign in.
        let r = f
            .app
            .login(
                request(LOGIN, PASSWORD, &code(&e.totp_secret, at(lifetime)), None),
                at(lifetime),
            )
            .await;
        assert_eq!(outcome(&r), "invalid_credentials");
    });
}

/// Issue 18, item 9: the code is short and readable, typed in any case, with or without
/// separators; wrong codes count against it and it is revoked (audited) at the limit.
#[test]
fn issue_18_the_activation_code_is_short_readable_and_limited() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let token = create_pending(&f.app).await.enrolment_token;
        assert_eq!(token.chars().count(), 12, "{token}");
        assert!(
            mds_domain::EnrolmentCode::parse(&token).is_some_and(|c| c.display() == token),
            "{token}"
        );
        // Wrong rests of the same code: each counts, the fifth revokes it.
        let code = mds_domain::EnrolmentCode::parse(&token).unwrap();
        let wrong_rest = |i: usize| {
            let alphabet = mds_domain::enrolment_code::ALPHABET;
            let mut v: Vec<u8> = code.as_str().bytes().collect();
            let at = alphabet.iter().position(|c| *c == v[9]).unwrap();
            v[9] = alphabet[(at + 1 + i) % alphabet.len()];
            String::from_utf8(v).unwrap()
        };
        let max = mds_domain::enrolment_code::MAX_FAILED_ATTEMPTS as usize;
        for i in 0..max - 1 {
            let r = f
                .app
                .begin_enrolment(&wrong_rest(i), PASSWORD, at(MINUTE))
                .await;
            assert_eq!(outcome(&r), "invalid_enrolment_token", "wrong code {i}");
        }
        assert_eq!(
            events_of(&f.app, "auth.enrolment.code_refused").await.len(),
            max - 1
        );
        // Still live after four failures: typed in lower case without separators.
        let lower = code.as_str().to_lowercase();
        f.app
            .begin_enrolment(&lower, PASSWORD, at(MINUTE))
            .await
            .unwrap_or_else(|e| panic!("the right code in lower case: {e:?}"));
        let r = f
            .app
            .begin_enrolment(&wrong_rest(max), PASSWORD, at(MINUTE))
            .await;
        assert_eq!(outcome(&r), "invalid_enrolment_token");
        let revoked = events_of(&f.app, "auth.enrolment.code_revoked").await;
        assert_eq!(revoked.len(), 1, "the fifth failure revokes the code");
        // Revoked: even the right code no longer opens anything.
        let r = f.app.begin_enrolment(&token, PASSWORD, at(MINUTE)).await;
        assert_eq!(
            outcome(&r),
            "invalid_enrolment_token",
            "right code after revocation"
        );
        // A malformed code is refused without counting (it names no code).
        let r = f
            .app
            .begin_enrolment("ABCD-0000-OO", PASSWORD, at(MINUTE))
            .await;
        assert_eq!(outcome(&r), "invalid_enrolment_token");
    });
}
