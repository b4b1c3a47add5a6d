//! Issue 15, item 10: the use cases' refusals speak the language of the page. With the
//! `mds_lang=en` cookie a refused form (a wrong current password, a file in a format not
//! accepted), a policy denial (a break-glass reason too short) and an error page (an assistant
//! creating a record) say it in English, with no French left; without the cookie, in French
//! as before.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use axum::http::StatusCode;
use mds_testkit::web::*;

/// Switches `b` to English and back to `next`.
async fn in_english(b: &mut Browser<'_>, next: &str) {
    b.get(&format!("/lang/en?next={next}"))
        .await
        .redirects_to(next, "switch to English");
    assert_eq!(b.cookies.get("mds_lang").map(String::as_str), Some("en"));
}

#[test]
fn a_refused_form_says_why_in_the_language_of_the_page() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut marie = site.browser();
        let csrf = marie.signed_in(PATIENT).await;
        let wrong = [
            ("csrf", csrf.as_str()),
            ("current", "pas le bon mot de passe"),
            ("new", "Un nouveau mot de passe solide"),
            ("confirm", "Un nouveau mot de passe solide"),
        ];
        let fr = marie
            .post("/password", &wrong)
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "wrong password, French");
        assert!(
            fr.body.contains("Le mot de passe actuel est incorrect."),
            "{backend:?}: {}",
            fr.body
        );
        assert!(!fr.body.contains("The current password is incorrect."));
        // The patient's own upload, a file that is no document.
        let fields = [
            ("csrf", csrf.as_str()),
            ("title", "Un fichier"),
            ("type_code", "11488-4"),
            ("act_date", "2024-05-10"),
        ];
        let garbage: &[u8] = &[0, 1, 2, 3, 0xff, 0xfe, 0, 0];
        let fr = marie
            .post_multipart(
                "/patient/documents/add",
                &fields,
                ("file", "x.bin", garbage),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "format, French");
        assert!(
            fr.body.contains("Format non accepté"),
            "{backend:?}: {}",
            fr.body
        );
        assert!(!fr.body.contains("Format not accepted"));

        in_english(&mut marie, "/password").await;
        let en = marie
            .post("/password", &wrong)
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "wrong password, English");
        assert!(
            en.body.contains("The current password is incorrect."),
            "{backend:?}: {}",
            en.body
        );
        assert!(!en.body.contains("Le mot de passe actuel"), "{}", en.body);
        assert_safe_html(&en, "refused in English");
        let en = marie
            .post_multipart(
                "/patient/documents/add",
                &fields,
                ("file", "x.bin", garbage),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "format, English");
        assert!(
            en.body
                .contains("Format not accepted: PDF, CDA XML, JPEG, PNG or text"),
            "{backend:?}: {}",
            en.body
        );
        assert!(!en.body.contains("Format non accepté"), "{}", en.body);
    });
}

#[test]
fn a_policy_denial_and_an_error_page_are_in_english_too() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        // The policy's denial, on the record page: a break-glass reason that is no sentence.
        let mut nurse = site.browser();
        let csrf = nurse.signed_in(NURSE).await;
        let record = nurse.get(MARIE_CONTEXT).await.location().to_owned();
        let short = [("csrf", csrf.as_str()), ("reason", "urgence")];
        let fr = nurse
            .post(&format!("{record}/break-glass"), &short)
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "denied, French");
        assert!(
            fr.body
                .contains("Refusé : décrivez le motif de l'urgence en une phrase"),
            "{backend:?}: {}",
            fr.body
        );
        in_english(&mut nurse, &record).await;
        let en = nurse
            .post(&format!("{record}/break-glass"), &short)
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "denied, English");
        assert!(
            en.body.contains(
                "Denied: describe the reason for the emergency in one sentence (at least 15 \
                 characters and 3 words)."
            ),
            "{backend:?}: {}",
            en.body
        );
        assert!(!en.body.contains("Refusé"), "{}", en.body);

        // An error page (rendered around every route): an assistant creates no record.
        let mut assistant = site.browser();
        let csrf = assistant.signed_in(ASSISTANT).await;
        let fields = [("csrf", csrf.as_str())];
        let fr = assistant
            .post_multipart("/pro/patients/new", &fields, ("consent_form", "", b""))
            .await
            .expect(StatusCode::FORBIDDEN, "forbidden, French");
        assert!(
            fr.body
                .contains("Vous n'êtes pas autorisé à effectuer cette action."),
            "{backend:?}: {}",
            fr.body
        );
        in_english(&mut assistant, "/pro").await;
        let en = assistant
            .post_multipart("/pro/patients/new", &fields, ("consent_form", "", b""))
            .await
            .expect(StatusCode::FORBIDDEN, "forbidden, English");
        assert!(
            en.body
                .contains("You are not allowed to perform this action."),
            "{backend:?}: {}",
            en.body
        );
        assert!(en.body.contains("<html lang=\"en\">"), "{}", en.body);
        assert!(!en.body.contains("autorisé"), "{}", en.body);
        assert_safe_html(&en, "error page in English");
    });
}
