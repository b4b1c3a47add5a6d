//! The health profile's screens, in-process on SQLite and PostgreSQL: the patient adds and
//! removes entries (a refused one comes back in its form with its message, nothing stored;
//! a form that names no section is a bad request); the care team's doctor reaches the profile
//! from the record and adds a measurement only; a professional without access is answered
//! « not found » on every route and stores nothing.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use axum::http::StatusCode;
use mds_testkit::web::*;

#[test]
fn the_patient_fills_in_and_the_professionals_see_what_the_policy_allows() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut marie = site.browser();
        let csrf = marie.signed_in(PATIENT).await;
        let page = marie
            .get("/patient/profile")
            .await
            .expect(StatusCode::OK, "profile");
        assert!(page.body.contains("Allergies et intolérances"));
        assert_safe_html(&page, "profile");

        let added = marie
            .post(
                "/patient/profile/entries",
                &[
                    ("csrf", &csrf),
                    ("kind", "allergies"),
                    ("substance", "Arachide <script>"),
                    ("severity", "severe"),
                ],
            )
            .await;
        added.redirects_to("/patient/profile?ok=added", "allergy added");
        let page = marie.get("/patient/profile?ok=added").await;
        assert!(page
            .body
            .contains("Arachide &lt;script&gt;, réaction grave"));
        assert_safe_html(&page, "profile with an allergy");

        let before = count(&site.app, "profile_entries").await;
        let refused = marie
            .post(
                "/patient/profile/entries",
                &[
                    ("csrf", &csrf),
                    ("kind", "measurements"),
                    ("quantity", "weight"),
                    ("value", "900"),
                    ("on", "2026-01-10"),
                ],
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "weight out of range");
        assert!(refused
            .body
            .contains("Poids : la valeur doit être comprise entre 0,3 et 400 kg."));
        assert!(refused.body.contains("value=\"900\""), "kept as typed");
        assert_eq!(count(&site.app, "profile_entries").await, before);
        marie
            .post(
                "/patient/profile/entries",
                &[("csrf", &csrf), ("kind", "tattoos")],
            )
            .await
            .expect(StatusCode::BAD_REQUEST, "no such section");
        marie
            .post(
                "/patient/profile/entries",
                &[("kind", "allergies"), ("substance", "x")],
            )
            .await
            .expect(StatusCode::FORBIDDEN, "no CSRF token");
        assert_eq!(count(&site.app, "profile_entries").await, before);

        // In English: the sections and the entries' lines.
        marie
            .get("/lang/en?next=/patient/profile")
            .await
            .redirects_to("/patient/profile", "switch");
        let en = marie
            .get("/patient/profile")
            .await
            .expect(StatusCode::OK, "in English");
        assert!(
            en.body.contains("Allergies and intolerances"),
            "{}",
            en.body
        );
        assert!(
            en.body.contains("Arachide &lt;script&gt;, severe reaction"),
            "{}",
            en.body
        );
        assert!(!en.body.contains("réaction grave"), "{}", en.body);
        marie
            .get("/lang/fr?next=/patient/profile")
            .await
            .redirects_to("/patient/profile", "back to French");

        // The care team's doctor: from the record to the profile; measurements only.
        let mut doctor = site.browser();
        let dcsrf = doctor.signed_in(DOCTOR).await;
        let record = doctor.get(MARIE_CONTEXT).await;
        let record = if record.status == StatusCode::SEE_OTHER {
            doctor.get(record.location()).await
        } else {
            record
        };
        let link = between(&record.body, "class=\"button\" href=\"", "\"");
        assert!(link.ends_with("/profile"), "profile link: {link}");
        let pro = doctor
            .get(&link)
            .await
            .expect(StatusCode::OK, "pro profile");
        assert!(pro.body.contains("Arachide &lt;script&gt;"));
        assert!(!pro.body.contains("Ajouter une allergie"), "not his to add");
        doctor
            .post(
                &format!("{link}/entries"),
                &[
                    ("csrf", &dcsrf),
                    ("kind", "allergies"),
                    ("substance", "Latex"),
                    ("severity", "mild"),
                ],
            )
            .await
            .expect(StatusCode::FORBIDDEN, "a professional adds no allergy");
        doctor
            .post(
                &format!("{link}/entries"),
                &[
                    ("csrf", &dcsrf),
                    ("kind", "measurements"),
                    ("quantity", "glucose"),
                    ("value", "1,05"),
                    ("on", "2026-01-10"),
                ],
            )
            .await
            .redirects_to(&format!("{link}?ok=added"), "glucose added");

        // Without access: not found everywhere, nothing stored.
        let mut nurse = site.browser();
        let ncsrf = nurse.signed_in(NURSE).await;
        let stored = count(&site.app, "profile_entries").await;
        nurse
            .get(&link)
            .await
            .expect(StatusCode::NOT_FOUND, "nurse reads");
        nurse
            .post(
                &format!("{link}/entries"),
                &[
                    ("csrf", &ncsrf),
                    ("kind", "measurements"),
                    ("quantity", "weight"),
                    ("value", "70"),
                    ("on", "2026-01-10"),
                ],
            )
            .await
            .expect(StatusCode::NOT_FOUND, "nurse adds");
        assert_eq!(count(&site.app, "profile_entries").await, stored);
    });
}
