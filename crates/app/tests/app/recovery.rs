//! Account recovery (issue 15): a forgotten password reset by a link sent by e-mail (single
//! use, 30 minutes, stored hashed, the second factor still required), and support re-issuing
//! an enrolment after a lost second factor or an expired activation code. Each refusal as a
//! decision table (link expired, reused, superseded, spent by wrong codes; the code of another
//! account; a suspended account), then the effects: sessions ended, the account told, no code
//! e-mailed after a lost phone, everything audited. Both backends, fixed clock.

use mds_app::accounts::recovery::{LINK_MINUTES, MAX_LINKS_PER_HOUR, MAX_WRONG_CODES};
use mds_app::{App, AppError};
use mds_demo::DEMO_PASSWORD;
use mds_domain::Timestamp;
use mds_store::outbox;
use mds_testkit::app::*;

const NEW: &str = "Hienghène-Lindéralique-2026";
const PUBLIC: &str = "https://mds.example.nc";

async fn fixture(backend: TestBackend) -> (Fixture, App) {
    let f = Fixture::demo(backend).await;
    let app = f.app.clone().with_public_url(PUBLIC);
    (f, app)
}

/// The e-mails of `kind` queued so far, oldest first.
async fn mails(app: &App, kind: &str) -> Vec<outbox::EmailRow> {
    let all = outbox::all(app.db()).await.unwrap();
    all.into_iter().filter(|m| m.kind == kind).collect()
}

/// Asks for a link for `login` at `t` and returns the token of the e-mail it sent.
async fn link(app: &App, login: &str, t: Timestamp) -> String {
    let before = mails(app, "password_reset").await.len();
    app.request_password_reset(login, None, t).await.unwrap();
    let sent = mails(app, "password_reset").await;
    assert_eq!(sent.len(), before + 1, "a link was sent to {login}");
    let mail = sent.last().unwrap();
    assert_eq!(mail.recipient, login);
    let prefix = format!("{PUBLIC}/password/reset?token=");
    let start = mail.body.find(&prefix).expect("the link in the e-mail") + prefix.len();
    mail.body[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn a_link_and_the_second_factor_reset_the_password_and_end_every_session() {
    on_both(|backend| async move {
        let (_f, app) = fixture(backend).await;
        let session = sign_in(&app, PATIENT, at(0)).await;
        let token = link(&app, PATIENT, at(MINUTE)).await;
        let mail = mails(&app, "password_reset").await.pop().unwrap();
        assert!(mail.body.contains("30 minutes"), "{}", mail.body);
        assert!(
            !mail.body.contains(DEMO_PASSWORD),
            "{backend:?}: never a password"
        );

        // A weak password or a wrong code changes nothing; the link stays usable.
        let t = at(2 * MINUTE);
        let weak = app
            .reset_password(&token, "court", &demo_code(PATIENT, t), None, t)
            .await;
        assert_eq!(outcome(&weak), "weak_password", "{backend:?}");
        let wrong = app.reset_password(&token, NEW, "000000", None, t).await;
        assert_eq!(outcome(&wrong), "invalid_code", "{backend:?}");

        let done = app
            .reset_password(&token, NEW, &demo_code(PATIENT, t), None, t)
            .await;
        assert_eq!(outcome(&done), "ok", "{backend:?}: {done:?}");
        let later = at(3 * MINUTE);
        assert!(
            matches!(
                app.authenticate(&session.token, later).await,
                Err(AppError::Unauthenticated)
            ),
            "{backend:?}: the session open before the reset ended"
        );
        let old = app.login(demo_request(PATIENT, later), later).await;
        assert!(
            old.is_err(),
            "{backend:?}: the old password no longer signs in"
        );
        let new = app
            .login(
                request(PATIENT, NEW, &demo_code(PATIENT, later), None),
                later,
            )
            .await;
        assert!(new.is_ok(), "{backend:?}: {new:?}");
        assert_eq!(
            mails(&app, "password_changed").await.len(),
            1,
            "{backend:?}: the account is told"
        );
        let events = events_of(&app, "account.password_reset").await;
        let outcomes: Vec<_> = events.iter().map(|e| e.outcome.as_str()).collect();
        assert_eq!(outcomes, ["failure", "success"], "{backend:?}");
        assert_eq!(events[1].detail["sessions_ended"], 1);
        let requests = events_of(&app, "account.password_reset.request").await;
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].detail["result"], "link_sent");
    });
}

/// How each refusal reads: (case, expected outcome of the reset attempt).
#[test]
fn a_link_serves_once_for_thirty_minutes_its_own_account_and_an_active_account_only() {
    on_both(|backend| async move {
        let (_f, app) = fixture(backend).await;
        let support = actor(&app, SUPPORT, at(0)).await;
        let mut results = Vec::new();

        // Expired: alive for 30 minutes, not one millisecond more.
        let token = link(&app, PATIENT, at(0)).await;
        let t = at(LINK_MINUTES * MINUTE);
        let r = app
            .reset_password(&token, NEW, &demo_code(PATIENT, t), None, t)
            .await;
        results.push(("expired", outcome(&r)));

        // Reused.
        let t = at(HOUR + MINUTE);
        let token = link(&app, PATIENT, t).await;
        let r = app
            .reset_password(&token, NEW, &demo_code(PATIENT, t), None, t)
            .await;
        results.push(("first use", outcome(&r)));
        let t = at(HOUR + 2 * MINUTE);
        let r = app
            .reset_password(
                &token,
                "Autre-Phrase-De-Passe-2026",
                &demo_code(PATIENT, t),
                None,
                t,
            )
            .await;
        results.push(("reused", outcome(&r)));

        // Superseded: a reset spends every other link of the account.
        let t = at(3 * HOUR);
        let older = link(&app, OTHER_PATIENT, t).await;
        let newer = link(&app, OTHER_PATIENT, at(3 * HOUR + MINUTE)).await;
        let t = at(3 * HOUR + 2 * MINUTE);
        let r = app
            .reset_password(&newer, NEW, &demo_code(OTHER_PATIENT, t), None, t)
            .await;
        results.push(("newer link", outcome(&r)));
        let t = at(3 * HOUR + 3 * MINUTE);
        let r = app
            .reset_password(&older, NEW, &demo_code(OTHER_PATIENT, t), None, t)
            .await;
        results.push(("older link", outcome(&r)));

        // Another account's code.
        let t = at(5 * HOUR);
        let token = link(&app, DOCTOR, t).await;
        let r = app
            .reset_password(&token, NEW, &demo_code(NURSE, t), None, t)
            .await;
        results.push(("code of another account", outcome(&r)));

        // Wrong codes spend the link at the limit, even before the right one.
        for i in 2..MAX_WRONG_CODES {
            let r = app
                .reset_password(&token, NEW, "123456", None, at(5 * HOUR + i))
                .await;
            assert_eq!(outcome(&r), "invalid_code", "{backend:?}: wrong code {i}");
        }
        let r = app
            .reset_password(&token, NEW, "123456", None, at(5 * HOUR + 10))
            .await;
        results.push(("the last wrong code allowed", outcome(&r)));
        let t = at(5 * HOUR + MINUTE);
        let r = app
            .reset_password(&token, NEW, &demo_code(DOCTOR, t), None, t)
            .await;
        results.push(("after too many wrong codes", outcome(&r)));

        // A suspended account: its links die with the suspension.
        let t = at(7 * HOUR);
        let token = link(&app, NURSE, t).await;
        let nurse = actor(&app, NURSE, at(7 * HOUR + STEP)).await;
        app.set_suspended(
            &support,
            &nurse.account_id,
            true,
            "enquête",
            at(7 * HOUR + MINUTE),
        )
        .await
        .unwrap();
        let t = at(7 * HOUR + 2 * MINUTE);
        let r = app
            .reset_password(&token, NEW, &demo_code(NURSE, t), None, t)
            .await;
        results.push(("suspended account", outcome(&r)));
        let r = app
            .reset_password("not-a-token", NEW, &demo_code(NURSE, t), None, t)
            .await;
        results.push(("unknown token", outcome(&r)));

        let expected = [
            ("expired", "invalid_reset_link"),
            ("first use", "ok"),
            ("reused", "invalid_reset_link"),
            ("newer link", "ok"),
            ("older link", "invalid_reset_link"),
            ("code of another account", "invalid_code"),
            ("the last wrong code allowed", "invalid_reset_link"),
            ("after too many wrong codes", "invalid_reset_link"),
            ("suspended account", "invalid_reset_link"),
            ("unknown token", "invalid_reset_link"),
        ];
        assert_eq!(results, expected, "{backend:?}");
    });
}

#[test]
fn a_request_answers_the_same_and_sends_only_what_is_allowed() {
    on_both(|backend| async move {
        let (_f, app) = fixture(backend).await;
        let support = actor(&app, SUPPORT, at(0)).await;
        // An unknown login: the same answer, nothing sent, nothing about it kept.
        let r = app
            .request_password_reset("personne@example.nc", None, at(0))
            .await;
        assert_eq!(outcome(&r), "ok", "{backend:?}");
        assert!(mails(&app, "password_reset").await.is_empty());
        assert!(events_of(&app, "account.password_reset.request")
            .await
            .is_empty());
        let empty = app.request_password_reset("  ", None, at(0)).await;
        assert_eq!(outcome(&empty), "login_required", "{backend:?}");
        // The limit counts what was sent, spaces included (the API's schema says so).
        let long = format!(" {}", "a".repeat(254));
        let long = app.request_password_reset(&long, None, at(0)).await;
        assert_eq!(outcome(&long), "login_too_long", "{backend:?}");

        // At most three links an hour for one account; the hour after, again.
        for i in 0..=MAX_LINKS_PER_HOUR {
            let r = app
                .request_password_reset(PATIENT, None, at(MINUTE + i))
                .await;
            assert_eq!(outcome(&r), "ok", "{backend:?}: request {i}");
        }
        let sent = mails(&app, "password_reset").await.len() as i64;
        assert_eq!(sent, MAX_LINKS_PER_HOUR, "{backend:?}");
        app.request_password_reset(PATIENT, None, at(2 * HOUR))
            .await
            .unwrap();
        assert_eq!(
            mails(&app, "password_reset").await.len() as i64,
            MAX_LINKS_PER_HOUR + 1
        );

        // A pending account (never activated) gets no link: its activation code is the way.
        let s = any_structure_id(&app, &support).await;
        let pending = app
            .create_professional(
                &support,
                mds_app::operator::directory::NewProfessional {
                    email: Some("a.gowe@example.nc".into()),
                    ..professional("a.gowe@example.nc", "30300000009", &s)
                },
                at(0),
            )
            .await
            .unwrap();
        assert_eq!(pending.item.state.as_str(), "pending");
        app.request_password_reset("a.gowe@example.nc", None, at(3 * HOUR))
            .await
            .unwrap();
        let results: Vec<String> = events_of(&app, "account.password_reset.request")
            .await
            .iter()
            .map(|e| e.detail["result"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            results,
            [
                "link_sent",
                "link_sent",
                "link_sent",
                "too_many_links",
                "link_sent",
                "account_not_active"
            ],
            "{backend:?}"
        );
    });
}

#[test]
fn support_reissues_an_enrolment_after_a_lost_second_factor() {
    on_both(|backend| async move {
        let (_f, app) = fixture(backend).await;
        let support = actor(&app, SUPPORT, at(0)).await;
        let doctor = sign_in(&app, DOCTOR, at(0)).await;
        let id = doctor.actor.account_id.clone();

        let table = [
            (
                "no evidence",
                app.reissue_enrolment(&support, &id, " ", at(MINUTE))
                    .await
                    .map(|_| ()),
            ),
            (
                "own account",
                app.reissue_enrolment(&support, &support.account_id, "CNI vue", at(MINUTE))
                    .await
                    .map(|_| ()),
            ),
            (
                "by a professional",
                app.reissue_enrolment(&doctor.actor, &id, "CNI vue", at(MINUTE))
                    .await
                    .map(|_| ()),
            ),
        ];
        let got: Vec<_> = table.iter().map(|(n, r)| (*n, outcome(r))).collect();
        assert_eq!(
            got,
            [
                ("no evidence", "evidence_required"),
                ("own account", "own_account"),
                ("by a professional", "forbidden"),
            ],
            "{backend:?}"
        );

        let codes_before = mails(&app, "activation_code").await.len();
        let evidence =
            "Carte professionnelle et numéro RPPS comparés à l'annuaire, appel au cabinet";
        let r = app
            .reissue_enrolment(&support, &id, evidence, at(2 * MINUTE))
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: {e:?}"));
        assert!(
            r.second_factor_removed && !r.code_emailed,
            "{backend:?}: {r:?}"
        );
        assert_eq!(r.sessions_ended, 1);
        assert_eq!(
            mails(&app, "activation_code").await.len(),
            codes_before,
            "{backend:?}: the code is handed over, never e-mailed after a lost phone"
        );
        assert_eq!(mails(&app, "second_factor_reset").await.len(), 1);
        let t = at(3 * MINUTE);
        assert!(
            matches!(
                app.authenticate(&doctor.token, t).await,
                Err(AppError::Unauthenticated)
            ),
            "{backend:?}: sessions ended"
        );
        assert!(
            app.login(demo_request(DOCTOR, t), t).await.is_err(),
            "{backend:?}: the lost phone's codes no longer sign in"
        );
        // A link is not a way around it: no second factor, no reset.
        app.request_password_reset(DOCTOR, None, t).await.unwrap();
        assert!(
            mails(&app, "password_reset").await.is_empty(),
            "{backend:?}"
        );

        // The new code enrols a new phone; then sign-in works with it.
        let enrolled = app
            .begin_enrolment(&r.enrolment_code, NEW, at(4 * MINUTE))
            .await
            .unwrap();
        let t = at(5 * MINUTE);
        app.confirm_enrolment(&r.enrolment_code, &code(&enrolled.totp_secret, t), t)
            .await
            .unwrap();
        let t = at(6 * MINUTE);
        let back = app
            .login(
                request(DOCTOR, NEW, &code(&enrolled.totp_secret, t), None),
                t,
            )
            .await;
        assert!(back.is_ok(), "{backend:?}: {back:?}");

        let events = events_of(&app, "account.enrolment.reissue").await;
        assert_eq!(events.len(), 1, "{backend:?}");
        assert_eq!(events[0].detail["evidence"], evidence);
        assert_eq!(events[0].detail["lost_second_factor"], true);
        assert_eq!(
            events[0].actor_id.as_deref(),
            Some(support.account_id.to_string().as_str())
        );
    });
}

#[test]
fn support_reissues_an_expired_activation_code_by_e_mail_but_not_for_a_suspended_account() {
    on_both(|backend| async move {
        let (_f, app) = fixture(backend).await;
        let support = actor(&app, SUPPORT, at(0)).await;
        let s = any_structure_id(&app, &support).await;
        let login = "a.gowe@example.nc";
        let created = app
            .create_professional(
                &support,
                mds_app::operator::directory::NewProfessional {
                    email: Some(login.into()),
                    ..professional(login, "30300000008", &s)
                },
                at(0),
            )
            .await
            .unwrap();
        let id = created.item.account_id.clone();
        let late = at(73 * HOUR);
        let expired = app
            .begin_enrolment(&created.enrolment_token, NEW, late)
            .await;
        assert_eq!(outcome(&expired), "invalid_enrolment_token", "{backend:?}");

        let r = app
            .reissue_enrolment(&support, &id, "Données de l'annuaire vérifiées", late)
            .await
            .unwrap();
        assert!(
            !r.second_factor_removed && r.code_emailed,
            "{backend:?}: {r:?}"
        );
        let sent = mails(&app, "activation_code").await;
        assert_eq!(sent.len(), 2, "{backend:?}: the first code and the new one");
        assert!(sent[1].body.contains(&r.enrolment_code));
        let t = at(73 * HOUR + MINUTE);
        assert_eq!(
            outcome(&app.begin_enrolment(&r.enrolment_code, NEW, t).await),
            "ok",
            "{backend:?}"
        );

        let nurse = actor(&app, NURSE, at(0)).await;
        app.set_suspended(&support, &nurse.account_id, true, "enquête", at(MINUTE))
            .await
            .unwrap();
        let r = app
            .reissue_enrolment(&support, &nurse.account_id, "CNI vue", at(2 * MINUTE))
            .await;
        assert_eq!(outcome(&r), "invalid_state", "{backend:?}");
    });
}
