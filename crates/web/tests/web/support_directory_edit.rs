//! The support console's corrections of the directory (issue 15, item 8), in-process on SQLite
//! and PostgreSQL over the demo data: the forms filled with what the directory says, a
//! refused correction shown with what was typed (422), an accepted one back on the page with a
//! notice and the change visible, other portals' sessions kept out.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use axum::http::StatusCode;
use mds_testkit::web::*;

/// The value of the option marked `selected` in `html` (the first one).
fn selected(html: &str) -> String {
    let end = html
        .find("\" selected")
        .unwrap_or_else(|| panic!("nothing selected"));
    let start = html[..end].rfind("value=\"").unwrap() + "value=\"".len();
    html[start..end].to_owned()
}

#[test]
fn support_corrects_a_professional_and_a_structure() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let nurse = find_account_id(&site.app, NURSE).await.unwrap();
        let mut support = site.browser();
        let csrf = support.signed_in(SUPPORT).await;
        let page = support
            .get(&format!("/support/professionals/{nurse}"))
            .await;
        let edit = format!("/support/professionals/{nurse}/edit");
        assert!(
            page.body.contains(&format!("href=\"{edit}\"")),
            "{backend:?}"
        );
        let form = support.get(&edit).await.expect(StatusCode::OK, "form");
        assert_safe_html(&form, &edit);
        assert!(
            form.body.contains("<option value=\"infirmier\" selected"),
            "{backend:?}"
        );
        let number = between(&form.body, "name=\"professional_id\" value=\"", "\"");
        let structure = between(&form.body, "name=\"structure_ids\"", "</select>");
        let chosen = selected(&structure);
        assert!(
            !chosen.is_empty(),
            "{backend:?}: the current structure is selected"
        );

        let fields = |profession: &'static str, samu: &'static str| {
            vec![
                ("csrf", csrf.clone()),
                ("last_name", "Kaloï-Wema".to_owned()),
                ("first_name", "Anna".to_owned()),
                ("profession", profession.to_owned()),
                ("professional_id", number.clone()),
                ("structure_ids", chosen.clone()),
                ("samu_regulator", samu.to_owned()),
            ]
        };
        let refused_fields = fields("infirmier", "1");
        let refs: Vec<(&str, &str)> = refused_fields
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        let refused = support.post(&edit, &refs).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );
        assert!(
            refused
                .body
                .contains("Seul un médecin peut être régulateur du SAMU."),
            "{backend:?}"
        );
        assert!(
            refused.body.contains("value=\"Kaloï-Wema\""),
            "{backend:?}: what was typed is kept"
        );

        let accepted_fields = fields("medecin", "1");
        let refs: Vec<(&str, &str)> = accepted_fields
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        support.post(&edit, &refs).await.redirects_to(
            &format!("/support/professionals/{nurse}?ok=edited"),
            "saved",
        );
        let page = support
            .get(&format!("/support/professionals/{nurse}?ok=edited"))
            .await;
        assert!(page.body.contains("Correction enregistrée."), "{backend:?}");
        assert!(page.body.contains("KALOÏ-WEMA Anna"), "{backend:?}");
        assert!(page.body.contains("Médecin"), "{backend:?}");

        // A structure: its RIDET stays, the new name is listed.
        let listed = support.get("/support/structures").await;
        let link = between(
            &listed.body,
            "<td><a href=\"/support/structures/",
            "/edit\"",
        );
        let edit = format!("/support/structures/{link}/edit");
        let form = support
            .get(&edit)
            .await
            .expect(StatusCode::OK, "structure form");
        assert_safe_html(&form, &edit);
        assert!(
            !form.body.contains("name=\"ridet\""),
            "{backend:?}: the RIDET is not editable"
        );
        let commune = selected(&between(&form.body, "name=\"commune\"", "</select>"));
        let kind = selected(&between(&form.body, "name=\"kind\"", "</select>"));
        let refused = support
            .post(
                &edit,
                &[
                    ("csrf", &csrf),
                    ("name", ""),
                    ("kind", &kind),
                    ("commune", &commune),
                ],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );
        support
            .post(
                &edit,
                &[
                    ("csrf", &csrf),
                    ("name", "Centre de santé corrigé"),
                    ("kind", &kind),
                    ("commune", &commune),
                ],
            )
            .await
            .redirects_to("/support/structures?ok=edited", "structure saved");
        let listed = support.get("/support/structures?ok=edited").await;
        assert!(
            listed.body.contains("Centre de santé corrigé"),
            "{backend:?}"
        );

        // A professional's session is not support's.
        let mut doctor = site.browser();
        doctor.signed_in(DOCTOR).await;
        let denied = doctor
            .get(&format!("/support/professionals/{nurse}/edit"))
            .await;
        assert_ne!(denied.status, StatusCode::OK, "{backend:?}");
    });
}
