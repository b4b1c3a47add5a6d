//! The patient's settings screens, in-process on SQLite and PostgreSQL: the hub and its
//! pages, the emergency settings (changed, then a professional refused), blocking from the
//! directory and unblocking (seen from the professional's side), the e-mail preferences, the
//! export download, and closing the account or asking for erasure — after which the old
//! session is refused.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use axum::http::{header, StatusCode};
use mds_testkit::web::*;

const CELINE: &str = "celine.dk@demo.mds.nc";
const CELINE_CONTEXT: &str = "/pro/patient?cafat=2345678&birth_date=1990-11-30";

/// The text of the element whose id is `id` (up to its first tag).
fn text_of<'a>(body: &'a str, id: &str) -> &'a str {
    let marker = format!("id=\"{id}\"");
    let at = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no #{id} in {body}"));
    &body[at..at + body[at..].find("</p>").unwrap()]
}

#[test]
fn the_hub_leads_to_every_settings_page_and_each_explains_itself() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut celine = site.browser();
        celine.signed_in(CELINE).await;
        let home = celine.get("/patient").await.expect(StatusCode::OK, "home");
        assert!(
            home.body.contains("href=\"/patient/settings\""),
            "nav entry"
        );
        let hub = celine
            .get("/patient/settings")
            .await
            .expect(StatusCode::OK, "hub");
        for (href, must_say) in [
            ("/patient/emergency", "Deux accès d'urgence existent"),
            (
                "/patient/blocked",
                "Vous n'avez bloqué aucun professionnel.",
            ),
            ("/patient/preferences", "Toujours envoyés par e-mail"),
            ("/patient/export", "Ce que contient le fichier"),
            ("/patient/close", "Je confirme mon choix"),
        ] {
            assert!(hub.body.contains(&format!("href=\"{href}\"")), "{href}");
            let page = celine.get(href).await.expect(StatusCode::OK, href);
            assert!(page.body.contains(must_say), "{href}: {}", page.body);
            assert!(page.body.contains("href=\"/patient/settings\""), "{href}");
        }
        // Other portals' accounts are sent back to their own portal.
        let mut doctor = site.browser();
        doctor.signed_in(DOCTOR).await;
        doctor
            .get("/patient/emergency")
            .await
            .redirects_to("/", "doctor");
        // Signed out: to the login page, back here afterwards.
        let mut nobody = site.browser();
        let to_login = nobody.get("/patient/blocked").await;
        assert_eq!(to_login.status, StatusCode::SEE_OTHER);
        assert!(
            to_login.location().starts_with("/login?"),
            "{}",
            to_login.location()
        );
        // In English too.
        celine.get("/lang/en?next=/patient/emergency").await;
        let en = celine
            .get("/patient/emergency")
            .await
            .expect(StatusCode::OK, "english");
        assert!(en.body.contains("Refuse break-glass access"), "{}", en.body);
    });
}

#[test]
fn refusing_break_glass_is_explained_saved_and_enforced() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut celine = site.browser();
        let csrf = celine.signed_in(CELINE).await;
        let page = celine
            .get("/patient/emergency")
            .await
            .expect(StatusCode::OK, "emergency");
        assert!(text_of(&page.body, "break_glass-state").contains("accepté"));
        assert!(text_of(&page.body, "samu-state").contains("accepté"));
        assert!(page
            .body
            .contains("aucun professionnel ne pourra lire votre dossier en urgence"));
        assert!(
            page.body.contains("24 heures"),
            "duration from the settings"
        );

        celine
            .post(
                "/patient/emergency",
                &[("which", "break_glass"), ("oppose", "1")],
            )
            .await
            .expect(StatusCode::FORBIDDEN, "without the anti-CSRF token");
        celine
            .post(
                "/patient/emergency",
                &[("csrf", &csrf), ("which", "break_glass"), ("oppose", "1")],
            )
            .await
            .redirects_to("/patient/emergency?ok=break_glass", "refuse break-glass");
        let after = celine
            .get("/patient/emergency?ok=break_glass")
            .await
            .expect(StatusCode::OK, "after");
        assert!(after
            .body
            .contains("Votre choix pour le bris de glace est enregistré."));
        assert!(text_of(&after.body, "break_glass-state").contains("refusé"));
        assert!(
            text_of(&after.body, "samu-state").contains("accepté"),
            "SAMU untouched"
        );
        assert!(after.body.contains("Accepter de nouveau le bris de glace"));

        // The nurse, outside Céline's care team, can no longer break the glass.
        let mut nurse = site.browser();
        let ncsrf = nurse.signed_in(NURSE).await;
        let record = nurse.get(CELINE_CONTEXT).await.location().to_owned();
        assert!(record.starts_with("/pro/records/"), "{record}");
        let refused = nurse
            .post(
                &format!("{record}/break-glass"),
                &[
                    ("csrf", &ncsrf),
                    ("reason", "Patiente inconsciente aux urgences de Koné"),
                ],
            )
            .await;
        assert_ne!(refused.status, StatusCode::SEE_OTHER, "{}", refused.body);
        assert!(refused.body.contains("refus"), "{}", refused.body);

        // Accepted again: the next page says so, and the SAMU choice is still kept.
        celine
            .post(
                "/patient/emergency",
                &[("csrf", &csrf), ("which", "samu"), ("oppose", "1")],
            )
            .await
            .redirects_to("/patient/emergency?ok=samu", "refuse SAMU");
        celine
            .post(
                "/patient/emergency",
                &[("csrf", &csrf), ("which", "break_glass"), ("oppose", "0")],
            )
            .await
            .redirects_to("/patient/emergency?ok=break_glass", "accept again");
        let last = celine.get("/patient/emergency").await;
        assert!(text_of(&last.body, "break_glass-state").contains("accepté"));
        assert!(text_of(&last.body, "samu-state").contains("refusé"));
        celine
            .post(
                "/patient/emergency",
                &[("csrf", &csrf), ("which", "everything"), ("oppose", "1")],
            )
            .await
            .expect(StatusCode::BAD_REQUEST, "unknown setting");
        // The history tells the patient what she changed.
        let h = celine.get("/patient/history?who=mine").await;
        assert!(h.body.contains("bris de glace refusé"), "{}", h.body);
    });
}

#[test]
fn a_professional_blocked_from_the_directory_is_refused_until_unblocked() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut celine = site.browser();
        let csrf = celine.signed_in(CELINE).await;
        let found = celine
            .get("/patient/blocked?q=N%C3%A9a")
            .await
            .expect(StatusCode::OK, "search");
        assert!(found.body.contains("Jean Néa"), "{}", found.body);
        assert!(found
            .body
            .contains("ne pourra plus ni consulter ni alimenter"));
        let doctor_id = {
            let at = found.body.find("name=\"pro\" value=\"").unwrap() + 18;
            found.body[at..at + found.body[at..].find('"').unwrap()].to_owned()
        };
        celine
            .post(
                "/patient/blocked",
                &[("csrf", &csrf), ("pro", &doctor_id), ("do", "block")],
            )
            .await
            .redirects_to("/patient/blocked?ok=block", "block");
        let list = celine
            .get("/patient/blocked?ok=block")
            .await
            .expect(StatusCode::OK, "list");
        let listed = &list.body[list.body.find("id=\"blocked-list\"").unwrap()..];
        assert!(listed.contains("Jean Néa"), "{}", list.body);
        assert!(list.body.contains("Bloqué depuis le"));
        assert!(list
            .body
            .contains("Débloqué, ce professionnel retrouve les accès"));
        assert!(!list.body.contains("id=\"blocked-none\""));

        let mut doctor = site.browser();
        doctor.signed_in(DOCTOR).await;
        let record = doctor.get(CELINE_CONTEXT).await.location().to_owned();
        let view = doctor.get(&record).await;
        assert!(view.body.contains("bloqué par le patient"), "{}", view.body);

        celine
            .post(
                "/patient/blocked",
                &[("csrf", &csrf), ("pro", &doctor_id), ("do", "unblock")],
            )
            .await
            .redirects_to("/patient/blocked?ok=unblock", "unblock");
        let empty = celine.get("/patient/blocked?ok=unblock").await;
        assert!(empty.body.contains("Le professionnel est débloqué."));
        assert!(empty.body.contains("id=\"blocked-none\""));
        let view = doctor.get(&record).await;
        assert!(
            !view.body.contains("bloqué par le patient"),
            "{}",
            view.body
        );
        celine
            .post(
                "/patient/blocked",
                &[("csrf", &csrf), ("pro", "not-an-id"), ("do", "block")],
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "unknown professional");
    });
}

/// The mode selected for `kind` on the preferences page (`None`: no choice offered).
fn selected_mode(body: &str, kind: &str) -> Option<String> {
    let start = body.find(&format!("name=\"mode_{kind}\""))?;
    let end = start + body[start..].find("</select>")?;
    let select = &body[start..end];
    let at = select.find(" selected")?;
    let value = select[..at].rsplit("value=\"").next()?;
    Some(value.split('"').next()?.to_owned())
}

#[test]
fn e_mail_preferences_choose_how_each_kind_is_mailed_and_show_what_may_not() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut celine = site.browser();
        let csrf = celine.signed_in(CELINE).await;
        let page = celine
            .get("/patient/preferences")
            .await
            .expect(StatusCode::OK, "preferences");
        let mode = |body: &str, kind: &str| selected_mode(body, kind);
        assert_eq!(
            mode(&page.body, "document_added").as_deref(),
            Some("immediate")
        );
        assert_eq!(
            mode(&page.body, "access").as_deref(),
            Some("digest"),
            "the default"
        );
        assert_eq!(
            mode(&page.body, "break_glass"),
            None,
            "mandatory: no choice"
        );
        assert!(
            !page.body.contains("depositor_reminder"),
            "a professional's kind"
        );
        assert!(page
            .body
            .contains("un accès d'urgence à votre dossier vous est toujours signalé"));
        // A forged choice for a mandatory kind changes nothing; a kind left out keeps its own.
        celine
            .post(
                "/patient/preferences",
                &[
                    ("csrf", &csrf),
                    ("mode_first_access", "digest"),
                    ("mode_document_added", "never"),
                    ("mode_access", "immediate"),
                    ("mode_samu", "never"),
                ],
            )
            .await
            .redirects_to("/patient/preferences?ok=saved", "save");
        let saved = celine
            .get("/patient/preferences?ok=saved")
            .await
            .expect(StatusCode::OK, "saved");
        assert!(saved.body.contains("Vos choix sont enregistrés."));
        for (kind, want) in [
            ("first_access", "digest"),
            ("document_added", "never"),
            ("access", "immediate"),
            ("consent_request", "immediate"),
        ] {
            assert_eq!(
                mode(&saved.body, kind).as_deref(),
                Some(want),
                "{backend:?}: {kind}"
            );
        }
        assert!(saved.body.contains("Toujours envoyés par e-mail"));
        // An unknown mode is refused in French and saves nothing.
        let refused = celine
            .post(
                "/patient/preferences",
                &[
                    ("csrf", &csrf),
                    ("mode_first_access", "never"),
                    ("mode_document_added", "weekly"),
                ],
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "unknown mode");
        assert!(
            refused.body.contains("Ce choix d'envoi n'existe pas"),
            "{}",
            refused.body
        );
        let kept = celine
            .get("/patient/preferences")
            .await
            .expect(StatusCode::OK, "kept");
        assert_eq!(mode(&kept.body, "first_access").as_deref(), Some("digest"));
    });
}

#[test]
fn the_export_is_a_zip_attachment() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut celine = site.browser();
        celine.signed_in(CELINE).await;
        let page = celine
            .get("/patient/export")
            .await
            .expect(StatusCode::OK, "export page");
        assert!(page.body.contains("href=\"/patient/export/download\""));
        assert!(
            page.body.contains("(index.html)"),
            "the readable list announced"
        );
        let zip = celine
            .get("/patient/export/download")
            .await
            .expect(StatusCode::OK, "download");
        let h = |n: header::HeaderName| zip.headers.get(n).unwrap().to_str().unwrap().to_owned();
        assert_eq!(h(header::CONTENT_TYPE), "application/zip");
        let disposition = h(header::CONTENT_DISPOSITION);
        assert!(
            disposition.starts_with("attachment; filename=\"mon-drive-sante-20"),
            "{disposition}"
        );
        assert!(disposition.ends_with(".zip\""), "{disposition}");
        assert!(h(header::CONTENT_SECURITY_POLICY).contains("sandbox"));
        assert!(zip.body.starts_with("PK"), "a ZIP archive");
        for name in [
            "identity.json",
            "documents.json",
            "history.json",
            "manifest.json",
            "index.html",
            "index.pdf",
        ] {
            assert!(zip.body.contains(name), "{name} in the archive");
        }
        // Céline's document waiting for an announcement consultation is not in it.
        assert!(zip.body.contains("Consultation prénatale"));
        assert!(!zip.body.contains("anatomo-cytopathologie"));
        let h = celine.get("/patient/history?who=mine").await;
        assert!(
            h.body.contains("téléchargé une copie complète"),
            "{}",
            h.body
        );
    });
}

#[test]
fn closing_needs_the_confirmation_then_signs_out_for_good() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut celine = site.browser();
        let csrf = celine.signed_in(CELINE).await;
        let unconfirmed = celine
            .post("/patient/close", &[("csrf", &csrf), ("what", "close")])
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "no confirmation");
        assert!(
            unconfirmed.body.contains("role=\"alert\""),
            "{}",
            unconfirmed.body
        );
        assert!(unconfirmed.body.contains("Confirmez la clôture"));
        assert!(unconfirmed
            .body
            .contains("aria-describedby=\"confirm-hint close-error\""));
        // Still open: the session works.
        celine
            .get("/patient")
            .await
            .expect(StatusCode::OK, "still open");

        let old_cookies = celine.cookies.clone();
        let done = celine
            .post(
                "/patient/close",
                &[("csrf", &csrf), ("what", "close"), ("confirm", "1")],
            )
            .await
            .redirects_to("/patient/closed?what=close", "closed");
        let cleared = done
            .headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap();
        assert!(cleared.contains("Max-Age=0"), "{cleared}");
        let confirmation = celine
            .get("/patient/closed?what=close")
            .await
            .expect(StatusCode::OK, "confirmation");
        assert!(confirmation.body.contains("Votre compte est clôturé"));
        assert!(confirmation.body.contains("archivé pendant 10 ans"));
        assert!(!confirmation.body.contains("/logout"), "signed out");

        // The old session cookie, replayed, is refused by the server.
        celine.cookies = old_cookies;
        let refused = celine.get("/patient").await;
        assert_eq!(refused.status, StatusCode::SEE_OTHER);
        assert!(
            refused.location().starts_with("/login?expired=1"),
            "{}",
            refused.location()
        );
        // The professional of the care team can no longer read the record.
        let mut midwife = site.browser();
        midwife.signed_in(MIDWIFE).await;
        let opened = midwife.get(CELINE_CONTEXT).await;
        assert_ne!(opened.status, StatusCode::OK, "{}", opened.body);
    });
}

#[test]
fn an_erasure_request_closes_at_once_and_says_when_data_goes() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut marie = site.browser();
        let csrf = marie.signed_in(PATIENT).await;
        let page = marie.get("/patient/close").await;
        assert!(
            page.body.contains("dans un délai de 92 jours"),
            "{}",
            page.body
        );
        let old_cookies = marie.cookies.clone();
        marie
            .post(
                "/patient/close",
                &[("csrf", &csrf), ("what", "erasure"), ("confirm", "1")],
            )
            .await
            .redirects_to("/patient/closed?what=erasure", "erasure");
        let confirmation = marie
            .get("/patient/closed?what=erasure")
            .await
            .expect(StatusCode::OK, "confirmation");
        assert!(confirmation.body.contains("définitivement supprimées"));
        assert!(confirmation.body.contains("92 jours"));
        marie.cookies = old_cookies;
        let refused = marie.get("/patient/preferences").await;
        assert_eq!(refused.status, StatusCode::SEE_OTHER);
        assert!(
            refused.location().starts_with("/login?"),
            "{}",
            refused.location()
        );
    });
}
