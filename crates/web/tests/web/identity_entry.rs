//! Issue 18, item 1 — identity entry never records a default as a fact: the sex and the birth
//! place start unchosen on every identity form (self-enrolment, a professional's creation and
//! search, support's search), and an enrolment sent with them untouched is refused.

use crate::support_screens::post_parts;
use axum::http::StatusCode;
use mds_testkit::web::*;

/// The sex radios of `body`: present, and none checked.
fn assert_nothing_chosen(body: &str, what: &str) {
    let radios: Vec<&str> = body
        .split("<input")
        .skip(1)
        .filter(|i| i.contains("name=\"sex\""))
        .collect();
    assert_eq!(radios.len(), 2, "{what}: two sex radios in {body}");
    assert!(
        radios.iter().all(|r| r[..r.find('>').unwrap_or(r.len())]
            .split_whitespace()
            .all(|a| a != "checked" && !a.starts_with("checked="))),
        "{what}: a sex is preselected"
    );
    if let Some(at) = body.find("name=\"birth_place\"") {
        let select = &body[at..at + body[at..].find("</select>").unwrap_or(0)];
        // The browser shows the first option when none is selected: it must be the empty one.
        let options: Vec<&str> = select.split("<option").skip(1).collect();
        assert!(
            options.first().is_some_and(|o| o.contains("value=\"\"")),
            "{what}: the first option is not the empty choice"
        );
        let chosen: Vec<&&str> = options.iter().filter(|o| o.contains(" selected")).collect();
        assert!(
            chosen.iter().all(|o| o.contains("value=\"\"")),
            "{what}: a commune is preselected: {chosen:?}"
        );
    }
}

#[test]
fn identity_forms_start_with_nothing_chosen_and_untouched_fields_are_refused() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut person = site.browser();
        let form = person
            .get("/inscription")
            .await
            .expect(StatusCode::OK, "form");
        assert_nothing_chosen(&form.body, "self-enrolment");
        let csrf = form.csrf();

        // Everything typed, the sex and the birth place left as they came.
        let fields = [
            ("csrf", csrf.as_str()),
            ("birth_name", "Poindi"),
            ("first_names", "Josiane"),
            ("birth_date", "1990-04-05"),
            ("birth_place", ""),
            ("cafat", "555444"),
            ("email", "josiane.poindi@example.nc"),
            ("phone", ""),
            ("password", "Kanak-Santé-2026!"),
            ("informed_of_rights", "yes"),
        ];
        let pdf = mds_demo::drawing::minimal_pdf("Carte d'identité", "Josiane");
        let png = mds_demo::drawing::card_png([250, 250, 250], [0, 0, 0]);
        let files: &[(&str, &[u8])] = &[("identity_document", &pdf), ("cafat_card", &png)];
        let page = post_parts(&mut person, "/inscription", &fields, files).await;
        assert!(
            page.status.is_client_error(),
            "{backend:?}: untouched fields accepted ({}): {}",
            page.status,
            page.body
        );
        assert!(
            !page.body.contains("status-token"),
            "{backend:?}: no tracking code for a refused enrolment"
        );
        assert!(
            page.body.contains("role=\"alert\""),
            "{backend:?}: the error is announced"
        );
        assert_nothing_chosen(&page.body, "self-enrolment after a refusal");

        let mut doctor = site.browser();
        doctor.login(DOCTOR, "/pro").await;
        for path in ["/pro/patients/new", "/pro/search"] {
            let page = doctor.get(path).await.expect(StatusCode::OK, path);
            assert_nothing_chosen(&page.body, path);
        }
        let mut support = site.browser();
        support.login(SUPPORT, "/support").await;
        let page = support
            .get("/support/patients")
            .await
            .expect(StatusCode::OK, "support search");
        assert_nothing_chosen(&page.body, "support search");
    });
}

/// Issue 14 in the portals: a professional's form on a record refused before its use case (a
/// wrong anti-CSRF token, a title that is not UTF-8) is still audited once on the record, as
/// a malformed request, not as an access refused.
#[test]
fn a_refused_form_on_a_record_is_audited_once() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let pid = patient_id_by_cafat(&site.app, MARIE_CAFAT).await;
        let mut doctor = site.browser();
        doctor.login(DOCTOR, "/pro").await;
        let add = format!("/pro/records/{pid}/add");
        let csrf = doctor
            .get(&add)
            .await
            .expect(StatusCode::OK, "add form")
            .csrf();
        let bad_title = Multipart::new()
            .text("csrf", &csrf)
            .text("type_code", "11488-4")
            .text_bytes("title", b"Compte rendu \xff")
            .text("act_date", "2026-01-10")
            .text("confirms_patient_informed", "on")
            .file("file", "doc.txt", b"Compte rendu.")
            .finish();
        let wrong_token = Multipart::new()
            .text("csrf", "not-the-token")
            .file("file", "doc.txt", b"Compte rendu.")
            .finish();
        for (what, form) in [("non-UTF-8 title", bad_title), ("wrong token", wrong_token)] {
            let before = last_seq(&site.app).await;
            let page = doctor.post_form(&add, form).await;
            assert!(
                page.status.is_client_error(),
                "{backend:?} {what}: {}",
                page.status
            );
            let events = events_after(&site.app, before).await;
            assert_eq!(events.len(), 1, "{backend:?} {what}: {events:#?}");
            assert_eq!(
                events[0].action, "record.request_refused",
                "{backend:?} {what}"
            );
            assert_eq!(events[0].outcome.as_str(), "failure", "{backend:?} {what}");
            assert_eq!(
                events[0].patient_id.as_deref(),
                Some(pid.as_str()),
                "{backend:?} {what}"
            );
        }
    });
}
