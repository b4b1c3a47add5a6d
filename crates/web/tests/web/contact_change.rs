//! A patient's contact data in the portal (issue 15, item 2), in-process on SQLite and
//! PostgreSQL: the page, a wrong password refused at its form in French, the link e-mailed to
//! the new address confirmed from a browser that is not signed in (a page with a button, then
//! the POST), the new address then the login.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use axum::http::StatusCode;
use mds_testkit::web::*;

const NEW: &str = "marie.wea.portail@example.nc";

#[test]
fn the_patient_changes_her_address_through_the_link_and_her_phone_at_once() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut patient = site.browser();
        let csrf = patient.signed_in(PATIENT).await;
        let page = patient
            .get("/patient/contact")
            .await
            .expect(StatusCode::OK, "contact page");
        assert!(
            page.body.contains(PATIENT),
            "{backend:?}: the current address"
        );
        let wrong = patient
            .post(
                "/patient/contact/email",
                &[("csrf", &csrf), ("email", NEW), ("password", "faux")],
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "wrong password");
        assert!(wrong.body.contains("Le mot de passe actuel est incorrect."));
        patient
            .post(
                "/patient/contact/email",
                &[
                    ("csrf", &csrf),
                    ("email", NEW),
                    ("password", "Demo-MDS-2026"),
                ],
            )
            .await
            .redirects_to("/patient/contact?ok=link", "link sent");
        patient
            .post(
                "/patient/contact/phone",
                &[
                    ("csrf", &csrf),
                    ("phone", "76 12 34"),
                    ("password", "Demo-MDS-2026"),
                ],
            )
            .await
            .redirects_to("/patient/contact?ok=phone", "phone");

        let mails = mds_store::outbox::all(site.app.db()).await.unwrap();
        let link = mails
            .iter()
            .find(|m| m.recipient == NEW && m.kind == "email_change_link")
            .unwrap();
        let at = link.body.find("/contact/confirm?token=").unwrap();
        let path = link.body[at..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned();
        let mut elsewhere = site.browser();
        let confirm = elsewhere
            .get(&path)
            .await
            .expect(StatusCode::OK, "confirm page");
        assert!(
            confirm.body.contains("Confirmer cette adresse"),
            "{backend:?}"
        );
        let token = path.split("token=").nth(1).unwrap();
        let done = elsewhere
            .post(
                "/contact/confirm",
                &[("csrf", &confirm.csrf()), ("token", token)],
            )
            .await
            .expect(StatusCode::OK, "confirmed");
        assert!(done.body.contains(NEW), "{backend:?}");
        let fresh = elsewhere.get(&path).await.expect(StatusCode::OK, "again");
        let again = elsewhere
            .post(
                "/contact/confirm",
                &[("csrf", &fresh.csrf()), ("token", token)],
            )
            .await;
        assert_eq!(
            again.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}: single use"
        );
        assert!(mds_store::accounts::by_login(site.app.db(), NEW)
            .await
            .unwrap()
            .is_some());
    });
}
