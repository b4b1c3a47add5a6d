//! Legal representatives in the portals (issue 15, item 5), in-process on SQLite and
//! PostgreSQL: support records Céline as Joseph's curator on the record's page (multipart,
//! the legal document attached; a refusal shows the form again with what was typed and the
//! reason, 422); Céline's home offers to act for Joseph; once she does, every page says so,
//! her documents page is Joseph's, and the pages about her own account send her back; she
//! returns to her own record; support downloads the document and ends the representation.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use axum::http::StatusCode;
use mds_testkit::web::*;

fn last_day(days: i64) -> String {
    let d = mds_domain::Timestamp::from_millis(now().millis() + days * 86_400_000)
        .noumea_date()
        .unwrap();
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

#[test]
fn support_records_a_curator_who_then_acts_for_the_person() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let joseph = patient_id_by_cafat(&site.app, JOSEPH_CAFAT).await;
        let mut support = site.browser();
        let csrf = support.signed_in(SUPPORT).await;
        let record_page = format!("/support/patients/{joseph}");
        let page = support
            .get(&record_page)
            .await
            .expect(StatusCode::OK, "record page");
        assert!(page.body.contains("Représentants légaux"), "{backend:?}");
        assert!(page
            .body
            .contains("Aucun représentant légal n'est enregistré"));
        let action = format!("{record_page}/representatives");
        assert!(page.body.contains(&format!("action=\"{action}\"")));

        // A refusal: the form again, with what was typed and the reason.
        let typed = [
            ("csrf", csrf.as_str()),
            ("login", OTHER_PATIENT),
            ("kind", "parent"),
            ("last_day", &last_day(30)),
            ("reference", "Demande 77"),
        ];
        let refused = support
            .post_multipart(
                &action,
                &typed,
                ("document", "jugement.pdf", mds_testkit::files::PDF),
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}: {}",
            refused.body
        );
        assert!(
            refused.body.contains("Cette personne est majeure"),
            "{}",
            refused.body
        );
        assert!(
            refused.body.contains("value=\"Demande 77\""),
            "what was typed is kept"
        );
        assert!(refused.body.contains(&format!("value=\"{OTHER_PATIENT}\"")));
        assert_safe_html(&refused, "refused form");

        let typed = [
            ("csrf", csrf.as_str()),
            ("login", OTHER_PATIENT),
            ("kind", "curator"),
            ("last_day", &last_day(30)),
            ("reference", "Demande 77"),
        ];
        let done = support
            .post_multipart(
                &action,
                &typed,
                ("document", "jugement.pdf", mds_testkit::files::PDF),
            )
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "{backend:?}: {}",
            done.body
        );
        let page = support
            .get(&record_page)
            .await
            .expect(StatusCode::OK, "record page");
        assert!(
            page.body.contains("Céline"),
            "{backend:?}: the representative is listed"
        );
        assert!(page.body.contains("curateur") && page.body.contains("en cours"));
        let doc_href = page
            .body
            .split("href=\"")
            .map(|s| s.split('"').next().unwrap_or(""))
            .find(|h| h.ends_with("/document"))
            .unwrap()
            .to_owned();
        let downloaded = support
            .get(&doc_href)
            .await
            .expect(StatusCode::OK, "legal document");
        assert_eq!(
            downloaded
                .headers
                .get(axum::http::header::CONTENT_TYPE)
                .unwrap(),
            "application/pdf",
            "{backend:?}"
        );
        assert!(
            downloaded.body.starts_with("%PDF"),
            "{backend:?}: the document sealed"
        );

        // Céline: her home offers to act for Joseph.
        let mut celine = site.browser();
        let c = celine.signed_in(OTHER_PATIENT).await;
        let home = celine.get("/patient").await.expect(StatusCode::OK, "home");
        assert!(
            home.body.contains("Personnes que vous représentez"),
            "{backend:?}"
        );
        assert!(home.body.contains("Agir pour Joseph Poigoune"));
        assert!(home
            .body
            .contains(&format!("name=\"patient_id\" value=\"{joseph}\"")));
        let own_docs = celine
            .get("/patient/documents")
            .await
            .expect(StatusCode::OK, "own documents");
        celine
            .post(
                "/patient/act-for",
                &[("csrf", &c), ("patient_id", joseph.as_str())],
            )
            .await
            .redirects_to("/patient", "act for Joseph");
        let docs = celine
            .get("/patient/documents")
            .await
            .expect(StatusCode::OK, "Joseph's documents");
        assert!(
            docs.body.contains("Vous agissez pour"),
            "{backend:?}: the banner"
        );
        assert!(docs.body.contains("Joseph Poigoune"));
        assert_ne!(
            docs.body, own_docs.body,
            "{backend:?}: another record's documents"
        );
        assert_safe_html(&docs, "acting for");
        // The represented person's export: their right, exercised by her.
        let zip = celine
            .get("/patient/export/download")
            .await
            .expect(StatusCode::OK, "export");
        assert_eq!(
            zip.headers.get(axum::http::header::CONTENT_TYPE).unwrap(),
            "application/zip",
            "{backend:?}"
        );
        let exported = events_of(&site.app, "patient.export").await;
        let last = exported.last().unwrap();
        assert_eq!(
            last.patient_id.as_deref(),
            Some(joseph.as_str()),
            "{backend:?}"
        );
        assert_eq!(last.access_mode.as_deref(), Some("representative"));
        // Pages about her own account: sent back, with the reason.
        let close = celine.get("/patient/close").await;
        assert_eq!(close.status, StatusCode::CONFLICT, "{backend:?}");
        assert!(close
            .body
            .contains("Ces démarches concernent votre propre dossier"));
        // Back to her own record.
        celine
            .post("/patient/act-for", &[("csrf", &c), ("patient_id", "")])
            .await
            .redirects_to("/patient", "back");
        let docs = celine
            .get("/patient/documents")
            .await
            .expect(StatusCode::OK, "own documents");
        assert!(!docs.body.contains("Vous agissez pour"), "{backend:?}");
        // Someone else cannot act for Joseph.
        let mut marie = site.browser();
        let m = marie.signed_in(PATIENT).await;
        let refused = marie
            .post(
                "/patient/act-for",
                &[("csrf", &m), ("patient_id", joseph.as_str())],
            )
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{backend:?}");

        // Support ends it: Céline's home no longer offers it.
        let end = page
            .body
            .split("action=\"")
            .map(|s| s.split('"').next().unwrap_or(""))
            .find(|a| a.ends_with("/end"))
            .unwrap()
            .to_owned();
        support.post(&end, &[("csrf", &csrf)]).await.redirects_to(
            &format!("{record_page}?done=repr_end#representatives"),
            "end",
        );
        let home = celine.get("/patient").await.expect(StatusCode::OK, "home");
        let button = format!("name=\"patient_id\" value=\"{joseph}\"");
        assert!(
            !home.body.contains(&button),
            "{backend:?}: no longer offered"
        );
    });
}
