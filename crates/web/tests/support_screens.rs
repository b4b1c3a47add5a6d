//! The support console's screens, in-process on SQLite and PostgreSQL: the directory of
//! professionals (search, one page each, suspend and reactivate with a reason, the
//! suspended professional's open session refused at its next page).
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

mod common;

use axum::http::StatusCode;
use common::*;

const BIOLOGIST: &str = "bio.tein@demo.mds.nc";

/// The address of the first professional link of a directory page.
fn first_professional(body: &str) -> String {
    let start = body.find("href=\"/support/professionals/").unwrap() + "href=\"".len();
    let end = start + body[start..].find('"').unwrap();
    body[start..end].to_owned()
}

#[test]
fn support_suspends_a_professional_whose_open_session_ends_then_reactivates_them() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut bio = site.browser();
        bio.signed_in(BIOLOGIST).await;
        bio.get("/pro").await.expect(StatusCode::OK, "bio before");

        let mut support = site.browser();
        let csrf = support.signed_in(SUPPORT).await;
        let all = support
            .get("/support/professionals")
            .await
            .expect(StatusCode::OK, "directory");
        assert!(all.body.contains("TEIN Hélène"), "{}", all.body);
        assert!(
            all.body.contains("WAMYTAN"),
            "every professional without a search"
        );
        let found = support
            .get("/support/professionals?q=tei")
            .await
            .expect(StatusCode::OK, "search");
        assert!(found.body.contains("TEIN Hélène"), "{}", found.body);
        assert!(!found.body.contains("WAMYTAN"), "the search filters");
        let none = support
            .get("/support/professionals?q=%3Cscript%3Ezz")
            .await
            .expect(StatusCode::OK, "no match");
        assert!(none.body.contains("Aucun professionnel trouvé."));
        assert!(
            none.body.contains("&lt;script&gt;zz"),
            "search echoed as text"
        );

        let page = first_professional(&found.body);
        let shown = support.get(&page).await.expect(StatusCode::OK, "page");
        assert!(shown
            .body
            .contains("Toutes ses sessions sont fermées immédiatement"));
        assert!(shown.body.contains(&format!("action=\"{page}/suspend\"")));

        // The session's token is required.
        let reason = "Usurpation signalée par l'Ordre";
        let refused = support
            .post(&format!("{page}/suspend"), &[("reason", reason)])
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        bio.get("/pro").await.expect(StatusCode::OK, "still open");

        support
            .post(
                &format!("{page}/suspend"),
                &[("csrf", &csrf), ("reason", reason)],
            )
            .await
            .redirects_to(&page, "suspend");
        let suspended = support.get(&page).await.expect(StatusCode::OK, "after");
        assert!(suspended.body.contains("suspendu"), "{}", suspended.body);
        assert!(suspended
            .body
            .contains(&format!("action=\"{page}/reactivate\"")));

        let next = bio.get("/pro").await;
        assert_eq!(next.status, StatusCode::SEE_OTHER, "{}", next.body);
        assert!(next.location().starts_with("/login"), "{}", next.location());

        // Suspending twice is a conflict shown as a French page, not a crash.
        let twice = support
            .post(
                &format!("{page}/suspend"),
                &[("csrf", &csrf), ("reason", reason)],
            )
            .await;
        assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.body);

        support
            .post(
                &format!("{page}/reactivate"),
                &[("csrf", &csrf), ("reason", "Vérification faite")],
            )
            .await
            .redirects_to(&page, "reactivate");
        let back = support
            .get(&page)
            .await
            .expect(StatusCode::OK, "reactivated");
        assert!(back.body.contains(&format!("action=\"{page}/suspend\"")));
    });
}

#[test]
fn the_directory_is_for_support_agents_only() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut pro = site.browser();
        let csrf = pro.signed_in(DOCTOR).await;
        pro.get("/support/professionals")
            .await
            .redirects_to("/", "a professional is sent back");
        let mut support = site.browser();
        support.signed_in(SUPPORT).await;
        let list = support.get("/support/professionals?q=tein").await;
        let page = first_professional(&list.body);
        pro.get(&page).await.redirects_to("/", "page");
        pro.post(
            &format!("{page}/suspend"),
            &[("csrf", &csrf), ("reason", "x")],
        )
        .await
        .redirects_to("/", "a professional cannot suspend");
        let still = support.get(&page).await.expect(StatusCode::OK, "unchanged");
        assert!(still.body.contains(&format!("action=\"{page}/suspend\"")));
        support
            .get("/support/professionals/nope")
            .await
            .expect(StatusCode::NOT_FOUND, "unknown professional");
    });
}
