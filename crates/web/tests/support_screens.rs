//! The support console's screens, in-process on SQLite and PostgreSQL: the directory of
//! professionals (search, one page each, suspend and reactivate with a reason, the
//! suspended professional's open session refused at its next page) and the supervision
//! alerts (list, review with a comment).
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

#[test]
fn support_reviews_a_supervision_alert_with_a_comment() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        site.app.run_supervision(now()).await.unwrap();
        let mut support = site.browser();
        let csrf = support.signed_in(SUPPORT).await;
        let before = support
            .get("/support/alerts")
            .await
            .expect(StatusCode::OK, "alerts");
        assert!(!before.body.contains("/review\""), "{}", before.body);

        // A burst of denials: the nurse opens a record outside her care again and again.
        let mut nurse = site.browser();
        nurse.signed_in(NURSE).await;
        let record = nurse.get(MARIE_CONTEXT).await.location().to_owned();
        for _ in 0..12 {
            nurse.get(&format!("{record}/documents/nope")).await;
        }
        let report = site.app.run_supervision(now()).await.unwrap();
        assert!(report.alerts_raised >= 1, "{report:?}");

        let open = support
            .get("/support/alerts?state=open")
            .await
            .expect(StatusCode::OK, "open alerts");
        assert!(open.body.contains("Kaloï"), "{}", open.body);
        let start = open.body.find("action=\"/support/alerts/").unwrap() + "action=\"".len();
        let end = start + open.body[start..].find('"').unwrap();
        let review = open.body[start..end].to_owned();

        // The comment is required (a French message), the session's token too.
        let empty = support
            .post(&review, &[("csrf", &csrf), ("comment", "  ")])
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("Un commentaire est obligatoire"));
        let comment = "<script>alert(1)</script> appel passé à l'infirmière";
        let forged = support.post(&review, &[("comment", comment)]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);

        support
            .post(&review, &[("csrf", &csrf), ("comment", comment)])
            .await
            .redirects_to("/support/alerts?state=reviewed", "review");
        let reviewed = support
            .get("/support/alerts?state=reviewed")
            .await
            .expect(StatusCode::OK, "reviewed");
        assert!(reviewed
            .body
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; appel passé"));
        assert!(!reviewed.body.contains(&format!("action=\"{review}\"")));
        let again = support
            .post(&review, &[("csrf", &csrf), ("comment", "encore")])
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

        let mut pro = site.browser();
        pro.signed_in(DOCTOR).await;
        pro.get("/support/alerts")
            .await
            .redirects_to("/", "professionals are sent back");
    });
}

fn now() -> mds_domain::Timestamp {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    mds_domain::Timestamp::from_millis(i64::try_from(d.as_millis()).unwrap())
}
