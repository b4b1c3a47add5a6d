//! The professional portal's further screens, in-process on SQLite and PostgreSQL: replacing
//! and deleting one's own documents (and nobody else's), the patient's opposition to feeding,
//! the search by traits, the inactive account of a person present, and the own access log.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use axum::http::StatusCode;
use mds_testkit::web::*;

const PRESCRIPTION: &str = "Ordonnance — traitement antihypertenseur";
const LAB: &str = "Bilan biologique — ionogramme, créatinine";

/// The address of the link whose text is `title` on a record page.
fn doc_link(body: &str, title: &str) -> String {
    let at = body
        .find(title)
        .unwrap_or_else(|| panic!("{title} not in {body}"));
    let start = body[..at].rfind("/pro/records/").unwrap();
    let end = start + body[start..].find('"').unwrap();
    body[start..end].to_owned()
}

#[test]
fn the_depositor_replaces_then_deletes_and_nobody_else_may() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut doctor = site.browser();
        let csrf = doctor.signed_in(DOCTOR).await;
        let record = doctor.get(MARIE_CONTEXT).await.location().to_owned();
        let view = doctor.get(&record).await.expect(StatusCode::OK, "record");
        let doc = doc_link(&view.body, PRESCRIPTION);
        let page = doctor.get(&doc).await.expect(StatusCode::OK, "document");
        assert!(page.body.contains("Remplacer par une nouvelle version"));
        assert!(page.body.contains("effacé définitivement"), "{}", page.body);
        let form = doctor
            .get(&format!("{doc}/replace"))
            .await
            .expect(StatusCode::OK, "replace form");
        assert!(form.body.contains(PRESCRIPTION), "prefilled: {}", form.body);
        // A blank title is refused in the form, nothing replaced.
        let fields = |title: &'static str| {
            [
                ("csrf", csrf.clone()),
                ("type_code", "57833-6".to_owned()),
                ("title", title.to_owned()),
                ("act_date", "2026-10-03".to_owned()),
            ]
        };
        let owned = fields("");
        let refs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
        doctor
            .post_multipart(
                &format!("{doc}/replace"),
                &refs,
                ("file", "o.txt", b"Amlodipine 10 mg"),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "blank title");
        let owned = fields("Ordonnance rectifiée — amlodipine 10 mg");
        let refs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let done = doctor
            .post_multipart(
                &format!("{doc}/replace"),
                &refs,
                ("file", "o.txt", b"Amlodipine 10 mg : 1 comprime le matin."),
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let new_doc = done.location().to_owned();
        assert!(new_doc.ends_with("?ok=replaced"), "{new_doc}");
        let shown = doctor.get(&new_doc).await.expect(StatusCode::OK, "new");
        assert!(shown.body.contains("Nouvelle version déposée"));
        assert!(
            shown.body.contains("<dd>2</dd>"),
            "version 2: {}",
            shown.body
        );
        let view = doctor.get(&record).await.expect(StatusCode::OK, "record");
        assert!(view.body.contains("Ordonnance rectifiée"), "{}", view.body);
        assert!(!view.body.contains(PRESCRIPTION), "old version listed");
        // The old version's pages are gone.
        doctor
            .get(&format!("{doc}/delete"))
            .await
            .expect(StatusCode::NOT_FOUND, "old version");

        // Another care-team professional's document: no control, and the pages do not exist.
        let lab = doc_link(&view.body, LAB);
        let page = doctor.get(&lab).await.expect(StatusCode::OK, "lab");
        assert!(!page.body.contains("Supprimer"), "{}", page.body);
        for path in [format!("{lab}/delete"), format!("{lab}/replace")] {
            doctor.get(&path).await.expect(StatusCode::NOT_FOUND, &path);
        }
        doctor
            .post(&format!("{lab}/delete"), &[("csrf", &csrf)])
            .await
            .expect(StatusCode::NOT_FOUND, "delete another's");
        let view = doctor.get(&record).await.expect(StatusCode::OK, "record");
        assert!(view.body.contains(LAB), "still there");

        // Deleting one's own: the consequence, then the confirmation.
        let new_doc = new_doc.trim_end_matches("?ok=replaced").to_owned();
        let confirm = doctor
            .get(&format!("{new_doc}/delete"))
            .await
            .expect(StatusCode::OK, "confirm");
        assert!(confirm.body.contains("ne pourra pas être récupéré"));
        doctor
            .post(&format!("{new_doc}/delete"), &[("csrf", "forged")])
            .await
            .expect(StatusCode::FORBIDDEN, "no token");
        doctor
            .post(&format!("{new_doc}/delete"), &[("csrf", &csrf)])
            .await
            .redirects_to(&format!("{record}?ok=deleted"), "delete");
        let view = doctor
            .get(&format!("{record}?ok=deleted"))
            .await
            .expect(StatusCode::OK, "record");
        assert!(view.body.contains("Document supprimé"));
        assert!(!view.body.contains("Ordonnance rectifiée"), "{}", view.body);
        doctor
            .get(&new_doc)
            .await
            .expect(StatusCode::NOT_FOUND, "deleted");
    });
}

/// The creation form's fields for Paul Boewa (an adult born in Koné).
fn person(csrf: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.to_owned()),
        ("birth_name", "Boéwa".to_owned()),
        ("first_names", "Paul Henri".to_owned()),
        ("birth_date", "1950-06-01".to_owned()),
        ("sex", "M".to_owned()),
        ("birth_place", "98811".to_owned()),
        ("cafat", "5551234".to_owned()),
        ("email", String::new()),
        ("phone", String::new()),
        ("identity_document_checked", "1".to_owned()),
        ("cafat_card_checked", "1".to_owned()),
        ("consent_signed", "1".to_owned()),
        ("informed_of_rights", "1".to_owned()),
    ]
}

#[test]
fn an_inactive_account_is_created_found_by_traits_and_opposition_stops_feeding() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut doctor = site.browser();
        let csrf = doctor.signed_in(DOCTOR).await;
        let form = doctor
            .get("/pro/patients/new")
            .await
            .expect(StatusCode::OK, "form");
        assert!(form.body.contains("href=\"/pro/patients/new\""), "nav");
        assert!(form.body.contains("Koné"), "communes");
        assert!(form.body.contains("créé inactif"), "{}", form.body);
        // Without the in-person checks nothing is created.
        let mut missing = person(&csrf);
        missing.retain(|(k, _)| *k != "consent_signed");
        let refs: Vec<(&str, &str)> = missing.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = doctor
            .post_multipart("/pro/patients/new", &refs, ("consent_form", "", b""))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "checks");
        assert!(refused.body.contains("Attestez"), "{}", refused.body);
        assert!(refused.body.contains("value=\"Boéwa\""), "kept");
        let fields = person(&csrf);
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let created = doctor
            .post_multipart("/pro/patients/new", &refs, ("consent_form", "", b""))
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let landed = created.location().to_owned();
        assert!(landed.ends_with("?ok=created"), "{landed}");
        let record = landed.trim_end_matches("?ok=created").to_owned();
        let view = doctor.get(&landed).await.expect(StatusCode::OK, "record");
        assert!(view.body.contains("Compte inactif créé"));
        assert!(view.body.contains("BOÉWA Paul Henri"), "{}", view.body);
        assert!(view.body.contains("inactive"), "{}", view.body);
        // The same person again: a duplicate, refused.
        let dup = doctor
            .post_multipart("/pro/patients/new", &refs, ("consent_form", "", b""))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "duplicate");
        assert!(dup.body.contains("Recherchez le patient"), "{}", dup.body);
        // A near match (a typo in the name, another CAFAT number): held for the support.
        let mut near = person(&csrf);
        for (k, v) in &mut near {
            match *k {
                "birth_name" => *v = "Boéva".to_owned(),
                "cafat" => *v = "5551299".to_owned(),
                _ => {}
            }
        }
        let refs: Vec<(&str, &str)> = near.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let held = doctor
            .post_multipart("/pro/patients/new", &refs, ("consent_form", "", b""))
            .await
            .expect(StatusCode::OK, "held");
        assert!(held.body.contains("rien n'a été créé"), "{}", held.body);
        let none = doctor
            .get("/pro/search?birth_name=Boeva&first_name=Paul&birth_date=1950-06-01&sex=M")
            .await
            .expect(StatusCode::OK, "not created");
        assert!(none.body.contains("Aucun dossier ne correspond"));

        // Found by traits: exact name, one first name, birth date and sex.
        let found = doctor
            .get("/pro/search?birth_name=BOEWA&first_name=henri&birth_date=1950-06-01&sex=M")
            .await
            .expect(StatusCode::OK, "search");
        assert!(
            found.body.contains(&format!("href=\"{record}\"")),
            "{}",
            found.body
        );
        assert!(found.body.contains("Koné"), "birth place shown");
        let here = "/pro/search?birth_name=Boewa&first_name=Paul&birth_date=1950-06-01&sex=M";
        let narrowed = doctor
            .get(&format!("{here}&birth_place=98811"))
            .await
            .expect(StatusCode::OK, "same place");
        assert!(narrowed.body.contains(&record), "{}", narrowed.body);
        let elsewhere = doctor
            .get(&format!("{here}&birth_place=98818"))
            .await
            .expect(StatusCode::OK, "another place");
        assert!(!elsewhere.body.contains(&record), "{}", elsewhere.body);
        let other = doctor
            .get("/pro/search?birth_name=BOEW&first_name=henri&birth_date=1950-06-01&sex=M")
            .await
            .expect(StatusCode::OK, "no prefix match");
        assert!(other.body.contains("Aucun dossier ne correspond"));
        assert!(!other.body.contains(&record), "no browsing");
        doctor
            .get("/pro/search?birth_name=BOEWA&first_name=henri&birth_date=demain&sex=M")
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "bad date");

        // Opposition: recorded, additions refused, lifted.
        assert!(view.body.contains("Enregistrer l'opposition du patient"));
        assert!(view.body.contains("en sa présence"), "{}", view.body);
        assert!(view.body.contains(&format!("href=\"{record}/add\"")));
        doctor
            .post(
                &format!("{record}/opposition"),
                &[("csrf", &csrf), ("opposed", "1")],
            )
            .await
            .redirects_to(&format!("{record}?ok=opposed"), "oppose");
        let view = doctor
            .get(&format!("{record}?ok=opposed"))
            .await
            .expect(StatusCode::OK, "opposed");
        assert!(view.body.contains("Opposition enregistrée"));
        assert!(view.body.contains("Lever l'opposition"));
        assert!(!view.body.contains(&format!("href=\"{record}/add\"")));
        let add = doctor
            .post_multipart(
                &format!("{record}/add"),
                &[
                    ("csrf", &csrf),
                    ("type_code", "11488-4"),
                    ("title", "Consultation"),
                    ("act_date", "2026-11-20"),
                    ("confirms_patient_informed", "1"),
                ],
                ("file", "c.txt", b"Patient vu ce jour."),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "add refused");
        assert!(add.body.contains("oppos"), "{}", add.body);
        doctor
            .post(
                &format!("{record}/opposition"),
                &[("csrf", &csrf), ("opposed", "maybe")],
            )
            .await
            .expect(StatusCode::BAD_REQUEST, "bad value");
        doctor
            .post(
                &format!("{record}/opposition"),
                &[("csrf", &csrf), ("opposed", "0")],
            )
            .await
            .redirects_to(&format!("{record}?ok=opposition_lifted"), "lift");
        let view = doctor.get(&record).await.expect(StatusCode::OK, "lifted");
        assert!(view.body.contains(&format!("href=\"{record}/add\"")));

        // An assistant neither creates accounts nor manages oppositions.
        let mut assistant = site.browser();
        let acsrf = assistant.signed_in(ASSISTANT).await;
        let view = assistant
            .get(&record)
            .await
            .expect(StatusCode::OK, "record");
        assert!(
            !view.body.contains("Enregistrer l'opposition"),
            "{}",
            view.body
        );
        let fields = person(&acsrf);
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assistant
            .post_multipart("/pro/patients/new", &refs, ("consent_form", "", b""))
            .await
            .expect(StatusCode::FORBIDDEN, "assistant");
    });
}

#[test]
fn the_access_log_lists_the_professionals_own_reads_with_filters_and_pages() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut doctor = site.browser();
        doctor.signed_in(DOCTOR).await;
        let record = doctor.get(MARIE_CONTEXT).await.location().to_owned();
        let view = doctor.get(&record).await.expect(StatusCode::OK, "record");
        let doc = doc_link(&view.body, PRESCRIPTION);
        doctor.get(&format!("{doc}/content")).await;
        let log = doctor
            .get("/pro/access-log")
            .await
            .expect(StatusCode::OK, "log");
        assert!(
            log.body.contains("href=\"/pro/access-log\" aria-current"),
            "nav"
        );
        assert!(
            log.body.contains(
                "Vous avez consulté un document de type « Prescription de produits de santé »"
            ),
            "{}",
            log.body
        );
        assert!(log.body.contains("équipe de soins"), "access mode in words");
        // Filters: a period before anything happened, a kind, a bad date.
        let none = doctor
            .get("/pro/access-log?to=2000-01-01")
            .await
            .expect(StatusCode::OK, "empty");
        assert!(none.body.contains("Aucune activité"), "{}", none.body);
        let searches = doctor
            .get("/pro/access-log?kind=searches&from=2020-01-01")
            .await
            .expect(StatusCode::OK, "searches");
        assert!(
            searches.body.contains("recherche de patient"),
            "{}",
            searches.body
        );
        assert!(!searches.body.contains("Prescription"), "{}", searches.body);
        doctor
            .get("/pro/access-log?from=hier")
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "bad date");
        doctor
            .get("/pro/access-log?kind=everything")
            .await
            .expect(StatusCode::BAD_REQUEST, "bad kind");
        // Pages: more than 50 lines give an older page that keeps the filters.
        for _ in 0..55 {
            doctor.get(&format!("{doc}/content")).await;
        }
        let first = doctor
            .get("/pro/access-log?kind=reads")
            .await
            .expect(StatusCode::OK, "page 1");
        let older = first
            .body
            .split("href=\"/pro/access-log?before=")
            .nth(1)
            .unwrap_or_else(|| panic!("no older link in {}", first.body));
        let cursor = older.split(['&', '"']).next().unwrap().to_owned();
        assert!(older.contains("kind=reads"), "filters kept: {older}");
        let second = doctor
            .get(&format!("/pro/access-log?before={cursor}&kind=reads"))
            .await
            .expect(StatusCode::OK, "page 2");
        assert!(second.body.contains("consulté"), "{}", second.body);
        // The patient has no such page.
        let mut patient = site.browser();
        patient.signed_in(PATIENT).await;
        let r = patient.get("/pro/access-log").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "wrong portal");
    });
}
