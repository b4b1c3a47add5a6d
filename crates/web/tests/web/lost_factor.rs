//! A lost second factor through the portals (issue 15): the public form without JavaScript
//! (the same answer whatever the login, a refusal shown with what was typed), then support's
//! queue: the request with its scan opened in a sandbox, the link to the account's page, and
//! the request closed. Both backends.

use crate::support_screens::post_parts;
use axum::http::StatusCode;
use mds_testkit::web::*;

#[test]
fn a_patient_asks_support_and_support_closes_the_request() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut person = site.browser();
        let forgotten = person.get("/password/forgotten").await;
        assert!(
            forgotten.body.contains("href=\"/acces-perdu\""),
            "{backend:?}"
        );
        let form = person
            .get("/acces-perdu")
            .await
            .expect(StatusCode::OK, "form");
        assert_safe_html(&form, "/acces-perdu");
        let csrf = form.csrf();
        let pdf = mds_demo::drawing::minimal_pdf("Carte d'identité", "Marie");
        let files: &[(&str, &[u8])] = &[("identity_document", &pdf)];
        let empty = post_parts(
            &mut person,
            "/acces-perdu",
            &[("csrf", &csrf), ("login", PATIENT), ("message", "  ")],
            files,
        )
        .await;
        assert_eq!(
            empty.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );
        assert!(
            empty.body.contains(&format!("value=\"{PATIENT}\"")),
            "{backend:?}"
        );
        let message = "Téléphone tombé dans le lagon. Joignable au 76 12 34.";
        let answers: Vec<String> = {
            let mut out = Vec::new();
            for login in [PATIENT, "personne@example.nc"] {
                let form = person.get("/acces-perdu").await;
                let sent = post_parts(
                    &mut person,
                    "/acces-perdu",
                    &[
                        ("csrf", &form.csrf()),
                        ("login", login),
                        ("message", message),
                    ],
                    files,
                )
                .await
                .expect(StatusCode::OK, "sent");
                out.push(between(&sent.body, "role=\"status\">", "</p>"));
            }
            out
        };
        assert_eq!(
            answers[0], answers[1],
            "{backend:?}: the same answer for anyone"
        );
        // Without the nonce's token: refused as forged.
        let forged = post_parts(
            &mut person,
            "/acces-perdu",
            &[("csrf", "x"), ("login", PATIENT), ("message", message)],
            &[],
        )
        .await;
        assert_ne!(forged.status, StatusCode::OK, "{backend:?}");

        let mut support = site.browser();
        let csrf = support.signed_in(SUPPORT).await;
        let home = support.get("/support").await;
        assert!(
            home.body.contains("href=\"/support/recovery-requests\""),
            "{backend:?}: in the nav"
        );
        let nav = between(&home.body, "href=\"/support/recovery-requests\"", "</a>");
        assert!(
            nav.contains("<span class=\"count\">1"),
            "{backend:?}: one waiting: {nav}"
        );
        let queue = support
            .get("/support/recovery-requests")
            .await
            .expect(StatusCode::OK, "queue");
        assert_safe_html(&queue, "queue");
        assert!(
            queue.body.contains("Téléphone tombé dans le lagon."),
            "{backend:?}"
        );
        assert!(
            queue.body.contains("href=\"/support/patients/"),
            "{backend:?}: the record's page"
        );
        let id = between(
            &queue.body,
            "action=\"/support/recovery-requests/",
            "/close\"",
        );
        let scan = support
            .get(&format!("/support/recovery-requests/{id}/scan"))
            .await
            .expect(StatusCode::OK, "scan");
        assert!(scan.body.starts_with("%PDF"), "{backend:?}");
        support
            .post(
                &format!("/support/recovery-requests/{id}/close"),
                &[
                    ("csrf", &csrf),
                    ("outcome", "handled"),
                    ("note", "Nouveau code remis au guichet."),
                ],
            )
            .await
            .redirects_to("/support/recovery-requests?ok=closed", "closed");
        let after = support.get("/support/recovery-requests?ok=closed").await;
        assert!(after.body.contains("Demande close."), "{backend:?}");
        assert!(
            !after.body.contains("Téléphone tombé dans le lagon."),
            "{backend:?}"
        );
    });
}
