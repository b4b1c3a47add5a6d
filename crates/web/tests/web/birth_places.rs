//! Births outside New Caledonia in the identity forms (issue 15, item 3), without JavaScript:
//! « Ailleurs » and a name (or an INSEE code) typed; one place found is taken, several are
//! offered as a choice in the form shown again with everything typed and the scans kept, none
//! is refused in French. Self-enrolment and a professional's creation; both backends.

use crate::support_screens::post_parts;
use axum::http::StatusCode;
use mds_testkit::web::*;

fn fields<'a>(
    csrf: &'a str,
    cafat: &'a str,
    other: &'a str,
    choice: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("birth_name", "Tavita"),
        ("first_names", "Losa"),
        ("birth_date", "1988-06-21"),
        ("sex", "F"),
        ("birth_place", "other"),
        ("birth_place_other", other),
        ("birth_place_choice", choice),
        ("cafat", cafat),
        ("email", "losa.tavita@example.nc"),
        ("phone", ""),
        ("password", "Tavita-Santé-2026!"),
        ("informed_of_rights", "yes"),
    ]
}

#[test]
fn a_person_born_elsewhere_enrols_by_the_name_of_her_commune() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut person = site.browser();
        let form = person
            .get("/inscription")
            .await
            .expect(StatusCode::OK, "form");
        assert!(
            form.body.contains("name=\"birth_place_other\""),
            "{backend:?}"
        );
        assert!(form.body.contains("value=\"other\""));
        let csrf = form.csrf();
        let pdf = mds_demo::drawing::minimal_pdf("Carte d'identité", "Losa");
        let png = mds_demo::drawing::card_png([250, 250, 250], [0, 0, 0]);
        let files: &[(&str, &[u8])] = &[("identity_document", &pdf), ("cafat_card", &png)];

        let unknown = post_parts(
            &mut person,
            "/inscription",
            &fields(&csrf, "661122", "Zzyzx", ""),
            files,
        )
        .await;
        assert_eq!(
            unknown.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );
        assert!(
            unknown
                .body
                .contains("Aucune commune française ni aucun pays ne porte ce nom"),
            "{}",
            unknown.body
        );
        assert!(unknown.body.contains("value=\"Zzyzx\""), "kept as typed");

        let csrf = unknown.csrf();
        let ambiguous = post_parts(
            &mut person,
            "/inscription",
            &fields(&csrf, "661122", "Saint-Denis", ""),
            files,
        )
        .await;
        assert_eq!(
            ambiguous.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );
        assert!(
            ambiguous.body.contains("Plusieurs lieux portent ce nom"),
            "{}",
            ambiguous.body
        );
        assert!(
            ambiguous
                .body
                .contains("name=\"birth_place_choice\" value=\"97411\""),
            "{backend:?}"
        );
        assert!(ambiguous.body.contains("Saint-Denis (974)"));
        assert!(
            ambiguous.body.contains("held_identity_document"),
            "the scans are kept"
        );

        let csrf = ambiguous.csrf();
        let held: Vec<(String, String)> = ["held_identity_document", "held_cafat_card"]
            .iter()
            .filter_map(|name| held_value(&ambiguous.body, name).map(|v| ((*name).to_owned(), v)))
            .collect();
        assert_eq!(held.len(), 2, "{backend:?}: both scans held");
        let mut sent = fields(&csrf, "661122", "Saint-Denis", "97411");
        sent.extend(held.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let done = post_parts(&mut person, "/inscription", &sent, &[]).await;
        assert_eq!(done.status, StatusCode::OK, "{backend:?}: {}", done.body);
        assert!(
            done.body.contains("status-token"),
            "{backend:?}: the request is sent"
        );
        let p = mds_store::patients::by_identifier(
            site.app.db(),
            mds_domain::IdentifierKind::Cafat,
            "661122",
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(p.birth_place, "97411", "{backend:?}");
    });
}

/// The value of the hidden input `name` in `body`.
fn held_value(body: &str, name: &str) -> Option<String> {
    let at = body.find(&format!("name=\"{name}\""))?;
    let rest = &body[at..];
    let v = rest.split("value=\"").nth(1)?;
    Some(v.split('"').next()?.to_owned())
}

#[test]
fn a_professional_creates_the_record_of_a_person_born_in_ajaccio() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut doctor = site.browser();
        doctor.login(DOCTOR, "/pro").await;
        let form = doctor
            .get("/pro/patients/new")
            .await
            .expect(StatusCode::OK, "creation form");
        let csrf = form.csrf();
        let fields = [
            ("csrf", csrf.as_str()),
            ("birth_name", "Casanova"),
            ("first_names", "Ghjuvanni"),
            ("birth_date", "1970-02-02"),
            ("sex", "M"),
            ("birth_place", "other"),
            ("birth_place_other", "ajaccio"),
            ("birth_place_choice", ""),
            ("cafat", "771122"),
            ("email", ""),
            ("phone", ""),
            ("identity_document_checked", "on"),
            ("cafat_card_checked", "on"),
            ("consent_signed", "on"),
            ("informed_of_rights", "on"),
        ];
        let created = post_parts(&mut doctor, "/pro/patients/new", &fields, &[]).await;
        assert_eq!(
            created.status,
            StatusCode::SEE_OTHER,
            "{backend:?}: {}",
            created.body
        );
        let p = mds_store::patients::by_identifier(
            site.app.db(),
            mds_domain::IdentifierKind::Cafat,
            "771122",
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(p.birth_place, "2A004", "{backend:?}");
    });
}
