//! Account recovery in the portals (issue 15): the forgotten-password forms are bound to the
//! sign-in nonce (no form token, no request), answer the same for any login, and a bad link
//! says so with the way to ask for another; support's re-issue form is on a professional's
//! page and a patient's record, refused without the session's form token and to any other
//! kind of account. Both backends.

use axum::http::StatusCode;
use mds_testkit::web::*;

#[test]
fn the_forgotten_password_forms_answer_the_same_and_need_the_form_token() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut b = site.browser();
        let login = b.get("/login").await.expect(StatusCode::OK, "login");
        assert!(
            login.body.contains("href=\"/password/forgotten\""),
            "{backend:?}"
        );

        let form = b
            .get("/password/forgotten")
            .await
            .expect(StatusCode::OK, "form");
        let csrf = form.csrf();
        let forged = site
            .browser()
            .post(
                "/password/forgotten",
                &[("csrf", &csrf), ("login", PATIENT)],
            )
            .await;
        assert_eq!(
            forged.status,
            StatusCode::FORBIDDEN,
            "{backend:?}: no nonce cookie"
        );
        let mut answers = Vec::new();
        for who in [PATIENT, "personne@example.nc"] {
            let p = b
                .post("/password/forgotten", &[("csrf", &csrf), ("login", who)])
                .await
                .expect(StatusCode::OK, who);
            answers.push(between(&p.body, "role=\"status\"", "</"));
        }
        assert_eq!(
            answers[0], answers[1],
            "{backend:?}: the same words for anyone"
        );
        assert!(
            answers[0].contains("Si un compte correspond"),
            "{}",
            answers[0]
        );

        let reset = b
            .get("/password/reset?token=not-a-token")
            .await
            .expect(StatusCode::OK, "reset form");
        assert!(reset.body.contains("name=\"token\" value=\"not-a-token\""));
        let csrf = reset.csrf();
        let code = code_now(PATIENT);
        let fields = [
            ("csrf", csrf.as_str()),
            ("token", "not-a-token"),
            ("new", "Pouébo-Balade-2026-récif"),
            ("confirm", "Pouébo-Balade-2026-récif"),
            ("code", code.as_str()),
        ];
        let refused = b
            .post("/password/reset", &fields)
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "bad link");
        assert!(
            refused.body.contains("a déjà servi ou a expiré"),
            "{}",
            refused.body
        );
        assert!(refused.body.contains("href=\"/password/forgotten\""));
        assert!(!refused.body.contains("Pouébo"), "never the password again");
    });
}

#[test]
fn support_reissues_from_the_console_and_no_one_else_can() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut support = site.browser();
        let csrf = support.signed_in(SUPPORT).await;
        let doctor = mds_store::accounts::by_login(site.app.db(), DOCTOR)
            .await
            .unwrap()
            .unwrap()
            .id;
        let page = support
            .get(&format!("/support/professionals/{doctor}"))
            .await
            .expect(StatusCode::OK, "professional page");
        let action = format!("/support/accounts/{doctor}/reissue");
        assert!(
            page.body.contains(&action),
            "{backend:?}: the form is on the page"
        );
        let evidence = "Carte professionnelle vue, annuaire comparé";
        let no_token = support
            .post(&action, &[("evidence", evidence), ("back", "/support")])
            .await;
        assert_eq!(
            no_token.status,
            StatusCode::FORBIDDEN,
            "{backend:?}: no form token"
        );

        let mut patient = site.browser();
        let pcsrf = patient.signed_in(PATIENT).await;
        let other = patient
            .post(&action, &[("csrf", &pcsrf), ("evidence", evidence)])
            .await;
        assert_eq!(
            other.status,
            StatusCode::SEE_OTHER,
            "{backend:?}: a patient is sent home"
        );
        let kept = mds_store::accounts::by_login(site.app.db(), DOCTOR)
            .await
            .unwrap()
            .unwrap();
        assert!(
            kept.totp_secret.is_some(),
            "{backend:?}: nothing was re-issued"
        );

        let empty = support
            .post(
                &action,
                &[
                    ("csrf", &csrf),
                    ("evidence", " "),
                    ("back", "//evil.example"),
                ],
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "no evidence");
        assert!(
            !empty.body.contains("evil.example"),
            "{backend:?}: back stays in the console"
        );
        let done = support
            .post(&action, &[("csrf", &csrf), ("evidence", evidence)])
            .await
            .expect(StatusCode::OK, "re-issued");
        assert!(
            done.body.contains("Second facteur supprimé"),
            "{}",
            done.body
        );
        assert!(done.body.contains("id=\"enrolment-token\""));
    });
}
