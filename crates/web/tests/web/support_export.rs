//! The console's record export (issue 15, item 9), in-process on SQLite and PostgreSQL: the
//! form on an inactive record's page (the person's copy) and on a closed one (legal export),
//! none on an active record, whose owner exports it; the ZIP comes back as a download, a
//! missing reference is refused in French, other portals are sent back.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use axum::http::{header, StatusCode};
use mds_testkit::web::*;

const LUCIEN: &str = "4561237";

#[test]
fn support_downloads_the_export_of_an_inactive_record_and_not_of_an_active_one() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        mds_demo::load_support_cases(&site.app, now())
            .await
            .unwrap();
        let lucien = patient_id_by_cafat(&site.app, LUCIEN).await;
        let marie = patient_id_by_cafat(&site.app, "1234567").await;
        let mut support = site.browser();
        let csrf = support.signed_in(SUPPORT).await;
        let page = support
            .get(&format!("/support/patients/{lucien}"))
            .await
            .expect(StatusCode::OK, "inactive record");
        let action = format!("/support/patients/{lucien}/export");
        assert!(
            page.body.contains(&format!("action=\"{action}\"")),
            "{backend:?}"
        );
        assert!(page
            .body
            .contains("Les documents masqués au patient n'y sont pas"));
        let active = support
            .get(&format!("/support/patients/{marie}"))
            .await
            .expect(StatusCode::OK, "active record");
        assert!(
            !active.body.contains("/export\""),
            "{backend:?}: the owner exports it"
        );

        let missing = support
            .post(&action, &[("csrf", &csrf), ("reference", " ")])
            .await;
        assert_eq!(
            missing.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );
        assert!(
            missing.body.contains("Indiquez la référence de la demande"),
            "{}",
            missing.body
        );

        let zip = support
            .post(
                &action,
                &[("csrf", &csrf), ("reference", "Guichet, CNI vérifiée")],
            )
            .await
            .expect(StatusCode::OK, "export");
        assert_eq!(zip.headers[header::CONTENT_TYPE], "application/zip");
        let disposition = zip.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment; filename=\"export-mds-"),
            "{disposition}"
        );
        assert!(zip.body.starts_with("PK"), "{backend:?}: a ZIP archive");

        let refused = support
            .post(
                &format!("/support/patients/{marie}/export"),
                &[("csrf", &csrf), ("reference", "Guichet")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{backend:?}");
        assert!(
            refused.body.contains("exporte elle-même son dossier"),
            "{}",
            refused.body
        );

        let mut doctor = site.browser();
        let dcsrf = doctor.signed_in(DOCTOR).await;
        doctor
            .post(&action, &[("csrf", &dcsrf), ("reference", "x")])
            .await
            .redirects_to("/", "another portal");
    });
}

#[test]
fn every_console_page_counts_the_alerts_not_reviewed_yet() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut support = site.browser();
        support.signed_in(SUPPORT).await;
        let open = |body: &str| -> Option<String> {
            let at = body.find("href=\"/support/alerts\"")?;
            let link = &body[at..at + body[at..].find("</a>")?];
            let count = link.split("<span class=\"count\">").nth(1)?;
            Some(count.split('<').next()?.to_owned())
        };
        let home = support.get("/support").await.expect(StatusCode::OK, "home");
        let before = open(&home.body);
        let doctor = account_id(&site.app, DOCTOR).await;
        let alert = mds_store::supervision::AlertRow {
            id: mds_store::new_id(),
            rule: "denials_burst".to_owned(),
            subject_id: doctor.to_string(),
            day: "2026-12-05".to_owned(),
            dedup_key: mds_store::new_id(),
            event_seq: 1,
            event_at_ms: 0,
            patient_id: None,
            event_count: 12,
            raised_at_ms: 0,
            state: mds_domain::AlertState::Open,
            reviewed_by: None,
            reviewed_at_ms: None,
            review_comment: None,
        };
        mds_store::supervision::insert_alert(site.app.db(), &alert)
            .await
            .unwrap();
        for path in ["/support", "/support/patients", "/support/rectifications"] {
            let page = support.get(path).await.expect(StatusCode::OK, path);
            let now: i64 = open(&page.body).unwrap_or_default().parse().unwrap_or(0);
            let was: i64 = before.clone().unwrap_or_default().parse().unwrap_or(0);
            assert_eq!(now, was + 1, "{backend:?}: {path}");
            assert!(page.body.contains("nouvelles"), "{backend:?}: read out");
        }
    });
}
