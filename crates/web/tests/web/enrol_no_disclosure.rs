//! Issue 14 — the portal's self-enrolment form discloses nothing: a person giving the CAFAT
//! number of an existing record, or the e-mail address of an existing account, gets the very
//! page a new person gets (only the tracking code differs).

use crate::support_screens::{code_of, post_parts};
use axum::http::StatusCode;
use mds_testkit::web::*;

async fn enrol(site: &Site, cafat: &str, email: &str) -> (StatusCode, String) {
    let mut person = site.browser();
    let csrf = person
        .get("/inscription")
        .await
        .expect(StatusCode::OK, "form")
        .csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("birth_name", "Poindi"),
        ("first_names", "Josiane"),
        ("birth_date", "1990-04-05"),
        ("sex", "F"),
        ("birth_place", "98818"),
        ("cafat", cafat),
        ("email", email),
        ("phone", ""),
        ("password", "Kanak-Santé-2026!"),
        ("informed_of_rights", "yes"),
    ];
    let pdf = mds_demo::drawing::minimal_pdf("Carte d'identité", "Josiane");
    let png = mds_demo::drawing::card_png([250, 250, 250], [0, 0, 0]);
    let files: &[(&str, &[u8])] = &[("identity_document", &pdf), ("cafat_card", &png)];
    let page = post_parts(&mut person, "/inscription", &fields, files).await;
    let token = code_of(&page.body, "status-token");
    (page.status, page.body.replace(&token, "TOKEN"))
}

#[test]
fn issue_14_a_duplicate_enrolment_gets_the_page_a_new_person_gets() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let new = enrol(&site, "555444", "josiane.poindi@example.nc").await;
        assert_eq!(new.0, StatusCode::OK, "{backend:?}: {}", new.1);
        // Marie Wéa's CAFAT number; then her e-mail address.
        let cafat = enrol(&site, "1234567", "autre.adresse@example.nc").await;
        let email = enrol(&site, "555445", PATIENT).await;
        assert_eq!(cafat, new, "{backend:?}: duplicate CAFAT");
        assert_eq!(email, new, "{backend:?}: duplicate e-mail");
    });
}
