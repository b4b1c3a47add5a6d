//! The portals in-process, on SQLite and PostgreSQL: security headers on every page, the
//! anti-CSRF token on every POST, escaping of user text, the login flow (target kept, expiry,
//! sign-out), the language switch, and the professional's record view and next steps.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use axum::http::StatusCode;
use mds_testkit::web::*;

#[test]
fn every_page_carries_the_strict_policy_and_nothing_inline() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut anon = site.browser();
        for path in ["/", "/login", "/patient/nope", "/nope"] {
            // `Browser::send` checks the headers and the markup of every HTML answer.
            let p = anon.get(path).await;
            assert!(p.body.contains("<main"), "{path}");
        }
        let mut patient = site.browser();
        patient.signed_in(PATIENT).await;
        for path in [
            "/patient",
            "/patient/documents",
            "/patient/documents?type=11488-4",
            "/patient/care-team",
            "/patient/consents",
        ] {
            patient.get(path).await.expect(StatusCode::OK, path);
        }
        let mut pro = site.browser();
        pro.signed_in(DOCTOR).await;
        let record = pro.get(MARIE_CONTEXT).await.location().to_owned();
        assert!(record.starts_with("/pro/records/"), "{record}");
        for path in ["/pro", record.as_str(), &format!("{record}/add")] {
            pro.get(path).await.expect(StatusCode::OK, path);
        }
        let mut support = site.browser();
        support.signed_in(SUPPORT).await;
        support
            .get("/support")
            .await
            .expect(StatusCode::OK, "support");
        // The pages name the files by a fingerprint of their content.
        let home = anon.get("/login").await.expect(StatusCode::OK, "login");
        let linked: Vec<&str> = home
            .body
            .split('"')
            .filter(|v| v.starts_with("/static/mds-"))
            .collect();
        let named = |suffix: &str| {
            linked
                .iter()
                .find(|v| v.ends_with(suffix))
                .map(|v| (*v).to_owned())
                .unwrap_or_else(|| panic!("no {suffix} in {linked:?}"))
        };
        let (css_path, js_path) = (named(".css"), named(".js"));
        assert_ne!(
            css_path, "/static/mds-1.css",
            "a fingerprint, not a hand-kept number"
        );
        anon.get("/static/mds-1.css")
            .await
            .expect(StatusCode::NOT_FOUND, "an old name");
        let css = anon.get(&css_path).await.expect(StatusCode::OK, "css");
        assert_eq!(css.headers["content-type"], "text/css; charset=utf-8");
        assert!(css.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=31536000"));
        let js = anon.get(&js_path).await.expect(StatusCode::OK, "js");
        assert_eq!(js.headers["content-type"], "text/javascript; charset=utf-8");
        anon.get("/static/nope.js")
            .await
            .expect(StatusCode::NOT_FOUND, "unknown static");
    });
}

#[test]
fn posts_without_the_session_token_are_refused_with_a_french_page() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut pro = site.browser();
        let csrf = pro.signed_in(NURSE).await;
        let record = pro.get(MARIE_CONTEXT).await.location().to_owned();
        let reason = "Malaise grave aux urgences, patiente inconsciente";
        let refused = |p: &Page, what: &str| {
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{what}: {}", p.body);
            assert!(p.body.contains("Requête refusée"), "{what}: {}", p.body);
        };
        for (path, fields) in [
            (format!("{record}/break-glass"), vec![("reason", reason)]),
            (
                format!("{record}/break-glass"),
                vec![("reason", reason), ("csrf", "forged")],
            ),
            (
                format!("{record}/consent"),
                vec![("purpose", "Suivi de la grossesse")],
            ),
            (format!("{record}/samu"), vec![("call_reference", "2026-1")]),
            (format!("{record}/consents/x"), vec![("code", "123456")]),
            ("/logout".to_owned(), vec![]),
        ] {
            let p = pro.post(&path, &fields).await;
            refused(&p, &path);
        }
        let upload = pro
            .post_multipart(
                &format!("{record}/add"),
                &[
                    ("type_code", "11488-4"),
                    ("title", "Sans jeton"),
                    ("act_date", "2026-11-20"),
                ],
                ("file", "a.txt", b"texte"),
            )
            .await;
        refused(&upload, "upload without token");
        // Nothing happened: still no access, the session still alive.
        let view = pro.get(&record).await.expect(StatusCode::OK, "record");
        assert!(view.body.contains("aucun accès"), "{}", view.body);
        assert!(!view.body.contains("Sans jeton"));
        // With the token, the same break-glass works.
        pro.post(
            &format!("{record}/break-glass"),
            &[("csrf", &csrf), ("reason", reason)],
        )
        .await
        .redirects_to(&format!("{record}?ok=break_glass"), "break-glass");
        let view = pro.get(&record).await.expect(StatusCode::OK, "record");
        assert!(view.body.contains("bris de glace"), "{}", view.body);
        // The patient's answer form too.
        let mut patient = site.browser();
        patient.signed_in(PATIENT).await;
        let p = patient
            .post("/patient/consents/x/answer", &[("answer", "approve")])
            .await;
        refused(&p, "consent answer");
        let p = patient.post("/patient/notifications/x/read", &[]).await;
        refused(&p, "notification read");
        // The login form is bound to its nonce cookie.
        let mut other = site.browser();
        let p = other
            .post(
                "/login",
                &[
                    ("csrf", "x"),
                    ("login", PATIENT),
                    ("password", mds_demo::DEMO_PASSWORD),
                    ("totp_code", "000000"),
                ],
            )
            .await;
        refused(&p, "login without nonce");
    });
}

#[test]
fn user_text_is_shown_as_text() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut pro = site.browser();
        let csrf = pro.signed_in(DOCTOR).await;
        let record = pro.get(MARIE_CONTEXT).await.location().to_owned();
        let title = "<script>window.__xss=1</script><img src=x onerror=\"alert(1)\"> & \"co'\"";
        pro.post_multipart(
            &format!("{record}/add"),
            &[
                ("csrf", &csrf),
                ("type_code", "11488-4"),
                ("title", title),
                ("act_date", "2026-11-20"),
                ("confirms_patient_informed", "1"),
            ],
            ("file", "note.txt", b"Compte rendu de test."),
        )
        .await
        .redirects_to(&format!("{record}?ok=added"), "add");
        let escaped = "&lt;script&gt;window.__xss=1&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &quot;co'&quot;";
        let view = pro.get(&record).await.expect(StatusCode::OK, "record");
        assert!(view.body.contains(escaped), "{}", view.body);
        let mut patient = site.browser();
        patient.signed_in(PATIENT).await;
        let list = patient
            .get("/patient/documents")
            .await
            .expect(StatusCode::OK, "documents");
        assert!(list.body.contains(escaped), "{}", list.body);
        assert!(!list.body.contains("<script>window"));
        assert!(!list.body.contains("<img src=x"));
    });
}

#[test]
fn login_keeps_a_local_target_refuses_others_and_ends_cleanly() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut b = site.browser();
        // The contextual entry goes to the login page, which keeps it.
        let to_login = b.get(MARIE_CONTEXT).await;
        assert_eq!(to_login.status, StatusCode::SEE_OTHER);
        assert!(
            to_login
                .location()
                .starts_with("/login?next=/pro/patient%3Fcafat%3D1234567"),
            "{}",
            to_login.location()
        );
        // A wrong password: the same page, the message tied to the fields.
        let form = b
            .get(to_login.location())
            .await
            .expect(StatusCode::OK, "login");
        assert!(
            form.body
                .contains("value=\"/pro/patient?cafat=1234567&amp;birth_date=1985-03-14\""),
            "{}",
            form.body
        );
        let wrong = b
            .post(
                "/login",
                &[
                    ("csrf", &form.csrf()),
                    ("login", DOCTOR),
                    ("password", "faux"),
                    ("next", MARIE_CONTEXT),
                ],
            )
            .await
            .expect(StatusCode::UNAUTHORIZED, "wrong password");
        assert!(wrong
            .body
            .contains("Identifiant ou mot de passe incorrect."));
        assert!(wrong.body.contains("id=\"login-error\""));
        assert!(wrong.body.contains("aria-describedby=\"login-error\""));
        // Right: a session cookie (HttpOnly, SameSite=Strict), then the record opens.
        let ok = b
            .login(DOCTOR, MARIE_CONTEXT)
            .await
            .redirects_to(MARIE_CONTEXT, "login");
        let cookie = ok
            .headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("mds_session="))
            .unwrap();
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Strict")
                && cookie.contains("Path=/"),
            "{cookie}"
        );
        let opened = b.get(MARIE_CONTEXT).await;
        assert!(
            opened.location().starts_with("/pro/records/"),
            "{}",
            opened.location()
        );
        let view = b
            .get(opened.location())
            .await
            .expect(StatusCode::OK, "record");
        assert!(view.body.contains("WÉA Marie Josépha"), "{}", view.body);
        assert!(view.body.contains("équipe de soins"));
        assert!(view.body.contains("Consultation de suivi — hypertension"));
        // Sign-out ends the session server-side: the old cookie is refused.
        let session = b.cookies.get("mds_session").cloned().unwrap();
        let csrf = view.csrf();
        b.post("/logout", &[("csrf", &csrf)])
            .await
            .redirects_to("/login?bye=1", "logout");
        b.cookies.insert("mds_session".to_owned(), session);
        let expired = b.get("/pro").await;
        assert_eq!(expired.location(), "/login?expired=1&next=/pro");
        let page = b
            .get(expired.location())
            .await
            .expect(StatusCode::OK, "login");
        assert!(page.body.contains("Votre session a expiré"));
        // A target elsewhere is ignored.
        let mut c = site.browser();
        c.login(PATIENT, "//evil.example/")
            .await
            .redirects_to("/patient", "external next");
        let mut d = site.browser();
        d.login(SUPPORT, "https://evil.example/")
            .await
            .redirects_to("/support", "external next");
        // Another portal's page sends an account back to its own.
        d.get("/patient").await.redirects_to("/", "wrong portal");
        d.get("/").await.redirects_to("/support", "root");
    });
}

#[test]
fn secure_deployments_use_host_prefixed_secure_cookies() {
    on_both(|backend| async move {
        let site = Site::demo_with(
            backend,
            mds_web::WebOptions {
                secure_cookies: true,
            },
        )
        .await;
        let mut b = site.browser();
        let landed = b.login(PATIENT, "").await.redirects_to("/patient", "login");
        let cookie = landed
            .headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("__Host-mds_session="))
            .unwrap();
        assert!(
            cookie.contains("; Secure") && cookie.contains("Path=/"),
            "{cookie}"
        );
        b.get("/patient").await.expect(StatusCode::OK, "home");
    });
}

#[test]
fn the_language_switch_keeps_the_page() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut b = site.browser();
        let fr = b.get("/login").await.expect(StatusCode::OK, "login");
        assert!(fr.body.contains("<html lang=\"fr\">") && fr.body.contains("Continuer"));
        assert!(fr.body.contains("href=\"/lang/en?next=/login\""));
        b.get("/lang/en?next=/login")
            .await
            .redirects_to("/login", "switch");
        assert_eq!(b.cookies.get("mds_lang").map(String::as_str), Some("en"));
        let en = b.get("/login").await.expect(StatusCode::OK, "login");
        assert!(
            en.body.contains("<html lang=\"en\">") && en.body.contains("Sign in"),
            "{}",
            en.body
        );
        let nf = b
            .get("/nope")
            .await
            .expect(StatusCode::NOT_FOUND, "not found");
        assert!(nf.body.contains("Page not found"));
        b.get("/lang/en?next=https://evil.example/")
            .await
            .redirects_to("/", "external next");
        b.get("/lang/de")
            .await
            .expect(StatusCode::NOT_FOUND, "unknown language");
        b.get("/lang/fr?next=/")
            .await
            .redirects_to("/", "back to French");
        let fr = b
            .get("/nope")
            .await
            .expect(StatusCode::NOT_FOUND, "not found");
        assert!(fr.body.contains("Page introuvable"));
    });
}

#[test]
fn the_record_view_explains_access_and_offers_the_next_step() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        // Outside the care team: no documents, the rule in words, consent and break-glass.
        let mut midwife = site.browser();
        let csrf = midwife.signed_in(MIDWIFE).await;
        let record = midwife.get(MARIE_CONTEXT).await.location().to_owned();
        let view = midwife.get(&record).await.expect(StatusCode::OK, "record");
        assert!(view.body.contains("aucun accès"), "{}", view.body);
        assert!(!view.body.contains("Consultation de suivi"));
        assert!(view.body.contains(&format!("action=\"{record}/consent\"")));
        assert!(view
            .body
            .contains(&format!("action=\"{record}/break-glass\"")));
        assert!(
            !view.body.contains(&format!("action=\"{record}/samu\"")),
            "not a regulator"
        );
        // A too-short break-glass reason: shown in its form, linked to the field.
        let short = midwife
            .post(
                &format!("{record}/break-glass"),
                &[("csrf", &csrf), ("reason", "urgence")],
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "short reason");
        assert!(short.body.contains("id=\"bg-error\""), "{}", short.body);
        assert!(short.body.contains("aria-describedby=\"bg-hint bg-error\""));
        // Consent by one-time code: the patient sees the code in their portal.
        let asked = midwife
            .post(
                &format!("{record}/consent"),
                &[("csrf", &csrf), ("purpose", "Suivi de grossesse")],
            )
            .await;
        assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
        let code_page = asked.location().to_owned();
        let mut patient = site.browser();
        patient.signed_in(PATIENT).await;
        let consents = patient
            .get("/patient/consents")
            .await
            .expect(StatusCode::OK, "consents");
        assert!(
            consents.body.contains("Suivi de grossesse"),
            "{}",
            consents.body
        );
        // The code travels in the request's notification (never stored in clear).
        let notes = patient
            .get("/patient/notifications")
            .await
            .expect(StatusCode::OK, "notifications");
        let code = notes
            .body
            .split("ce code : ")
            .nth(1)
            .unwrap_or_else(|| panic!("no code in {}", notes.body))
            .chars()
            .take(6)
            .collect::<String>();
        assert!(code.chars().all(|c| c.is_ascii_digit()), "{code}");
        let wrong = if code == "000000" { "111111" } else { "000000" };
        midwife
            .post(&code_page, &[("csrf", &csrf), ("code", wrong)])
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "wrong code");
        midwife
            .post(&code_page, &[("csrf", &csrf), ("code", &code)])
            .await
            .redirects_to(&format!("{record}?ok=consent"), "code");
        let view = midwife
            .get(&format!("{record}?ok=consent"))
            .await
            .expect(StatusCode::OK, "record");
        assert!(view.body.contains("accès consenti"), "{}", view.body);
        assert!(view.body.contains("Consultation de suivi — hypertension"));
        // A SAMU regulator opens the regulation access with the call reference.
        let mut regulator = site.browser();
        let rcsrf = regulator.signed_in(REGULATOR).await;
        let view = regulator
            .get(&record)
            .await
            .expect(StatusCode::OK, "regulator record");
        assert!(
            view.body.contains(&format!("action=\"{record}/samu\"")),
            "{}",
            view.body
        );
        regulator
            .post(
                &format!("{record}/samu"),
                &[("csrf", &rcsrf), ("call_reference", "SAMU-988-2026-0042")],
            )
            .await
            .redirects_to(&format!("{record}?ok=samu"), "samu");
        let view = regulator
            .get(&record)
            .await
            .expect(StatusCode::OK, "regulator record");
        assert!(view.body.contains("régulation SAMU"), "{}", view.body);
        assert!(view.body.contains("Consultation de suivi — hypertension"));
        // An assistant: never reads, may add.
        let mut assistant = site.browser();
        assistant.signed_in(ASSISTANT).await;
        let record = assistant.get(MARIE_CONTEXT).await.location().to_owned();
        let view = assistant
            .get(&record)
            .await
            .expect(StatusCode::OK, "assistant record");
        assert!(
            !view.body.contains("Consultation de suivi"),
            "{}",
            view.body
        );
        assert!(view.body.contains(&format!("href=\"{record}/add\"")));
        let docs = view.body.split("/documents/").count();
        assert_eq!(docs, 1, "no document link for an assistant");
    });
}
