//! AMG numbers in the identity forms (issue 15, item 3), without JavaScript: « CAFAT » or
//! « AMG » chosen beside the number, the kind kept when a form is shown again, the banner
//! naming it, the professional's search by it. The same digits as Marie's CAFAT number are
//! another person's AMG number. Both backends.

use crate::support_screens::post_parts;
use axum::http::StatusCode;
use mds_testkit::web::*;

const DIGITS: &str = "1234567";

fn creation<'a>(csrf: &'a str, kind: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("birth_name", name),
        ("first_names", "Suzanne"),
        ("birth_date", "1975-03-09"),
        ("sex", "F"),
        ("birth_place", "98821"),
        ("birth_place_other", ""),
        ("birth_place_choice", ""),
        ("identifier_kind", kind),
        ("cafat", DIGITS),
        ("email", ""),
        ("phone", ""),
        ("identity_document_checked", "on"),
        ("cafat_card_checked", "on"),
        ("consent_signed", "on"),
        ("informed_of_rights", "on"),
    ]
}

#[test]
fn a_professional_creates_finds_and_sees_an_amg_record() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut doctor = site.browser();
        doctor.login(DOCTOR, "/pro").await;
        let form = doctor
            .get("/pro/patients/new")
            .await
            .expect(StatusCode::OK, "creation form");
        assert!(
            form.body.contains(r#"name="identifier_kind" value="amg""#),
            "{backend:?}: the kind is offered"
        );
        let csrf = form.csrf();
        let created = post_parts(
            &mut doctor,
            "/pro/patients/new",
            &creation(&csrf, "amg", "Hnawia"),
            &[],
        )
        .await;
        assert_eq!(
            created.status,
            StatusCode::SEE_OTHER,
            "{backend:?}: {}",
            created.body
        );
        let record = created
            .location()
            .split('?')
            .next()
            .unwrap_or_default()
            .to_owned();
        let page = doctor.get(&record).await.expect(StatusCode::OK, "record");
        assert!(
            between(&page.body, "patient-banner", "</div>").contains(&format!("AMG {DIGITS}")),
            "{backend:?}: the banner names the kind"
        );

        // Found by its kind; the same digits as a CAFAT number are Marie.
        let find = |kind: &str, birth: &str| {
            format!("/pro/patient?identifier_kind={kind}&cafat={DIGITS}&birth_date={birth}")
        };
        doctor
            .get(&find("amg", "1975-03-09"))
            .await
            .redirects_to(&record, "found by its AMG number");
        let marie = doctor.get(&find("cafat", "1985-03-14")).await;
        assert_eq!(marie.status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_ne!(
            marie.location(),
            record,
            "{backend:?}: the CAFAT space is Marie's"
        );
        let none = doctor
            .get(&find("cafat", "1975-03-09"))
            .await
            .expect(StatusCode::OK, "nobody under CAFAT");
        assert!(
            none.body.contains(r#"value="cafat" checked"#),
            "{backend:?}: the kind typed is kept"
        );

        // A second record under the same AMG number: refused in French, the kind kept.
        let form = doctor.get("/pro/patients/new").await;
        let again = post_parts(
            &mut doctor,
            "/pro/patients/new",
            &creation(&form.csrf(), "amg", "Wahnyamalla"),
            &[],
        )
        .await;
        assert!(
            again
                .body
                .contains("Un dossier existe déjà pour ce numéro AMG."),
            "{backend:?}: {}",
            again.status
        );
        assert!(again.body.contains(r#"value="amg" checked"#), "{backend:?}");
    });
}

#[test]
fn the_enrolment_form_names_the_amg_rules_and_keeps_the_kind() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut person = site.browser();
        let form = person
            .get("/inscription")
            .await
            .expect(StatusCode::OK, "form");
        let csrf = form.csrf();
        let pdf = mds_demo::drawing::minimal_pdf("Carte d'identité", "Suzanne");
        let png = mds_demo::drawing::card_png([250, 250, 250], [0, 0, 0]);
        let files: &[(&str, &[u8])] = &[("identity_document", &pdf), ("cafat_card", &png)];
        let fields = |number: &'static str| {
            vec![
                ("csrf", csrf.as_str()),
                ("birth_name", "Hnawia"),
                ("first_names", "Suzanne"),
                ("birth_date", "1975-03-09"),
                ("sex", "F"),
                ("birth_place", "98821"),
                ("birth_place_other", ""),
                ("birth_place_choice", ""),
                ("identifier_kind", "amg"),
                ("cafat", number),
                ("email", "suzanne.hnawia@example.nc"),
                ("phone", ""),
                ("password", "Hnawia-Santé-2026!"),
                ("informed_of_rights", "yes"),
            ]
        };
        let short = post_parts(&mut person, "/inscription", &fields("12"), files).await;
        assert_eq!(
            short.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );
        assert!(
            short
                .body
                .contains("Le numéro AMG doit comporter de 4 à 12 chiffres."),
            "{backend:?}"
        );
        assert!(short.body.contains(r#"value="amg" checked"#), "{backend:?}");
        let sent = post_parts(&mut person, "/inscription", &fields(DIGITS), files).await;
        assert_eq!(sent.status, StatusCode::OK, "{backend:?}");
        assert!(
            sent.body.contains("id=\"status-token\""),
            "{backend:?}: sent"
        );
        let mut support = site.browser();
        support.login(SUPPORT, "/support").await;
        let queue = support
            .get("/support")
            .await
            .expect(StatusCode::OK, "queue");
        assert!(
            queue.body.contains(&format!("AMG {DIGITS}")),
            "{backend:?}: support sees the kind"
        );
    });
}
