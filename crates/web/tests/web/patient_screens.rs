//! The patient's screens for the controls of their record, in-process on SQLite and
//! PostgreSQL: the activity history (filters, cursor), masking a document (and all of them),
//! and the care team's forms (add from the directory, remove, block, attending physician),
//! each seen from the professional's side too.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use axum::http::StatusCode;
use mds_testkit::web::*;

const FOLLOW_UP: &str = "Consultation de suivi — hypertension";
const DISPENSING: &str = "Dispensation — amlodipine";

/// The address of the link whose text is `title` in the patient's documents list.
fn doc_link(body: &str, title: &str) -> String {
    let at = body
        .find(title)
        .unwrap_or_else(|| panic!("{title} not in {body}"));
    let start = body[..at].rfind("/patient/documents/").unwrap();
    let end = start + body[start..].find('"').unwrap();
    body[start..end].to_owned()
}

#[test]
fn the_history_shows_a_break_glass_with_its_reason_filters_and_pages() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut nurse = site.browser();
        let ncsrf = nurse.signed_in(NURSE).await;
        let record = nurse.get(MARIE_CONTEXT).await.location().to_owned();
        let reason = "Malaise au dispensaire, patiente inconsciente";
        nurse
            .post(
                &format!("{record}/break-glass"),
                &[("csrf", &ncsrf), ("reason", reason)],
            )
            .await
            .redirects_to(&format!("{record}?ok=break_glass"), "break-glass");
        let mut patient = site.browser();
        patient.signed_in(PATIENT).await;
        let home = patient.get("/patient").await.expect(StatusCode::OK, "home");
        assert!(home.body.contains("href=\"/patient/history\""), "nav entry");
        let h = patient
            .get("/patient/history")
            .await
            .expect(StatusCode::OK, "history");
        assert!(
            h.body.contains(&format!("motif : « {reason} »")),
            "{}",
            h.body
        );
        assert!(h.body.contains("bris de glace"), "{}", h.body);
        // Filtered on emergencies: the break-glass stays, the history reads go.
        let em = patient
            .get("/patient/history?kind=emergency&from=2020-01-01&to=2100-12-31")
            .await
            .expect(StatusCode::OK, "emergency");
        assert!(em.body.contains(reason), "{}", em.body);
        assert!(
            em.body.contains("value=\"emergency\" selected"),
            "{}",
            em.body
        );
        let reads = patient
            .get("/patient/history?kind=controls&who=mine")
            .await
            .expect(StatusCode::OK, "controls");
        assert!(!reads.body.contains(reason), "{}", reads.body);
        // A period before anything happened: nothing.
        let none = patient
            .get("/patient/history?to=2000-01-01")
            .await
            .expect(StatusCode::OK, "empty");
        assert!(none.body.contains("Aucune activité"), "{}", none.body);
        // Bad filters are refused with a page, not an error dump.
        patient
            .get("/patient/history?from=hier")
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "bad date");
        patient
            .get("/patient/history?kind=everything")
            .await
            .expect(StatusCode::BAD_REQUEST, "bad kind");
        // By default, others' actions only (« qui a consulté mon dossier ? »); the patient's
        // own reads of the history are behind « Qui ».
        let own = "Vous avez consulté l'historique";
        assert!(!h.body.contains(own), "{}", h.body);
        let everyone = patient
            .get("/patient/history?who=everyone")
            .await
            .expect(StatusCode::OK, "everyone");
        assert!(everyone.body.contains(own), "{}", everyone.body);
        assert!(everyone.body.contains("bris de glace"), "{}", everyone.body);
        patient
            .get("/patient/history?who=somebody")
            .await
            .expect(StatusCode::BAD_REQUEST, "bad who");
        // Paging: more than one page of activity gives an « Plus ancien » link that works.
        for _ in 0..100 {
            patient.get("/patient/history").await;
        }
        let first = patient
            .get("/patient/history?kind=reads&who=mine")
            .await
            .expect(StatusCode::OK, "page 1");
        let older = first
            .body
            .split("href=\"/patient/history?before=")
            .nth(1)
            .unwrap_or_else(|| panic!("no older link in {}", first.body));
        let cursor = older.split(['&', '"']).next().unwrap().to_owned();
        assert!(older.contains("kind=reads"), "filters kept: {older}");
        assert!(older.contains("who=mine"), "filters kept: {older}");
        let second = patient
            .get(&format!(
                "/patient/history?before={cursor}&kind=reads&who=mine"
            ))
            .await
            .expect(StatusCode::OK, "page 2");
        assert!(second.body.contains("avez consulté"), "{}", second.body);
    });
}

#[test]
fn a_masked_document_disappears_for_the_care_team_until_unmasked() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut patient = site.browser();
        let csrf = patient.signed_in(PATIENT).await;
        let list = patient
            .get("/patient/documents")
            .await
            .expect(StatusCode::OK, "documents");
        assert!(list.body.contains("Masquer tous mes documents"));
        let doc = doc_link(&list.body, DISPENSING);
        let page = patient.get(&doc).await.expect(StatusCode::OK, "document");
        assert!(page.body.contains("Masquer ce document aux professionnels"));
        assert!(page.body.contains("même en cas d'accès d'urgence"));
        let mut doctor = site.browser();
        doctor.signed_in(DOCTOR).await;
        let record = doctor.get(MARIE_CONTEXT).await.location().to_owned();
        let view = doctor.get(&record).await.expect(StatusCode::OK, "record");
        assert!(view.body.contains(DISPENSING), "{}", view.body);
        patient
            .post(&format!("{doc}/mask"), &[("csrf", &csrf), ("masked", "1")])
            .await
            .redirects_to(&format!("{doc}?ok=masked"), "mask");
        let page = patient.get(&doc).await.expect(StatusCode::OK, "masked");
        assert!(page.body.contains("Ne plus masquer"), "{}", page.body);
        let view = doctor.get(&record).await.expect(StatusCode::OK, "record");
        assert!(!view.body.contains(DISPENSING), "{}", view.body);
        assert!(view.body.contains(FOLLOW_UP), "the others stay");
        patient
            .post(&format!("{doc}/mask"), &[("csrf", &csrf), ("masked", "0")])
            .await
            .redirects_to(&format!("{doc}?ok=unmasked"), "unmask");
        let view = doctor.get(&record).await.expect(StatusCode::OK, "record");
        assert!(view.body.contains(DISPENSING), "{}", view.body);
        patient
            .post(
                &format!("{doc}/mask"),
                &[("csrf", &csrf), ("masked", "yes")],
            )
            .await
            .expect(StatusCode::BAD_REQUEST, "bad value");
        // Everything, after a confirmation page: the doctor keeps only what they deposited.
        let confirm = patient
            .get("/patient/documents/mask-all")
            .await
            .expect(StatusCode::OK, "confirmation");
        assert!(
            confirm.body.contains("Oui, masquer tous mes documents"),
            "{}",
            confirm.body
        );
        let view = doctor.get(&record).await.expect(StatusCode::OK, "record");
        assert!(
            view.body.contains(DISPENSING),
            "nothing masked by the confirmation page"
        );
        patient
            .post("/patient/documents/mask-all", &[("csrf", &csrf)])
            .await
            .redirects_to("/patient/documents?ok=masked_all", "mask all");
        let view = doctor.get(&record).await.expect(StatusCode::OK, "record");
        assert!(!view.body.contains(DISPENSING), "{}", view.body);
        assert!(view.body.contains(FOLLOW_UP), "their own document");
        // And back: the documents she masked are listed to the doctor again.
        patient
            .post("/patient/documents/unmask-all", &[("csrf", &csrf)])
            .await
            .redirects_to("/patient/documents?ok=unmasked_all", "unmask all");
        let view = doctor.get(&record).await.expect(StatusCode::OK, "record");
        assert!(view.body.contains(DISPENSING), "{}", view.body);
        let h = patient
            .get("/patient/history?kind=controls&who=mine")
            .await
            .expect(StatusCode::OK, "history");
        assert!(h.body.contains("masqu"), "{}", h.body);
        assert!(h.body.contains("de nouveau visibles"), "{}", h.body);
    });
}

#[test]
fn the_care_team_page_blocks_removes_and_declares() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut patient = site.browser();
        let csrf = patient.signed_in(PATIENT).await;
        let team = patient
            .get("/patient/care-team")
            .await
            .expect(StatusCode::OK, "care team");
        assert!(team
            .body
            .contains("Ce professionnel ne pourra plus ni consulter ni alimenter votre dossier."));
        let after_name = team.body.split("Jean Néa").nth(1).unwrap();
        let action = after_name
            .split("action=\"/patient/care-team/")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let member = format!("/patient/care-team/{action}");
        let mut doctor = site.browser();
        doctor.signed_in(DOCTOR).await;
        let record = doctor.get(MARIE_CONTEXT).await.location().to_owned();
        doctor.get(&record).await.expect(StatusCode::OK, "before");
        patient
            .post(&member, &[("csrf", &csrf), ("do", "attending")])
            .await
            .redirects_to("/patient/care-team?ok=attending", "attending");
        let team = patient
            .get("/patient/care-team?ok=attending")
            .await
            .expect(StatusCode::OK, "declared");
        assert!(
            team.body.contains("médecin traitant est déclaré"),
            "{}",
            team.body
        );
        patient
            .post(&member, &[("csrf", &csrf), ("do", "nothing")])
            .await
            .expect(StatusCode::BAD_REQUEST, "bad choice");
        patient
            .post(&member, &[("csrf", &csrf), ("do", "block")])
            .await
            .redirects_to("/patient/care-team?ok=block", "block");
        // Blocked: the record view says so and lists nothing.
        let refused = doctor.get(&record).await;
        assert!(
            refused.body.contains("bloqué par le patient"),
            "{}",
            refused.body
        );
        assert!(!refused.body.contains(FOLLOW_UP), "{}", refused.body);
        patient
            .post(&member, &[("csrf", &csrf), ("do", "remove")])
            .await
            .redirects_to("/patient/care-team?ok=remove", "remove");
        let team = patient
            .get("/patient/care-team")
            .await
            .expect(StatusCode::OK, "after");
        assert!(!team.body.contains(&member), "{}", team.body);
        let h = patient
            .get("/patient/history?kind=controls&who=mine")
            .await
            .expect(StatusCode::OK, "history");
        assert!(h.body.contains("bloqu"), "{}", h.body);
        // Adding from the directory: the nurse found by name, added, then sees the record.
        let found = patient
            .get("/patient/care-team?q=Kalo")
            .await
            .expect(StatusCode::OK, "search");
        assert!(found.body.contains("Paul Kaloï"), "{}", found.body);
        let nurse_id = found
            .body
            .split("name=\"pro\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let none = patient
            .get("/patient/care-team?q=Zzyzx")
            .await
            .expect(StatusCode::OK, "no match");
        assert!(
            none.body.contains("Aucun professionnel actif"),
            "{}",
            none.body
        );
        patient
            .post(
                "/patient/care-team/add",
                &[("csrf", &csrf), ("pro", &nurse_id)],
            )
            .await
            .redirects_to("/patient/care-team?ok=add", "add");
        let team = patient
            .get("/patient/care-team")
            .await
            .expect(StatusCode::OK, "with the nurse");
        assert!(team
            .body
            .contains(&format!("/patient/care-team/{nurse_id}")));
        let mut nurse = site.browser();
        nurse.signed_in(NURSE).await;
        let nrecord = nurse.get(MARIE_CONTEXT).await.location().to_owned();
        let view = nurse.get(&nrecord).await.expect(StatusCode::OK, "nurse");
        assert!(
            view.body.contains("Votre accès : équipe de soins"),
            "{}",
            view.body
        );
        patient
            .post(
                "/patient/care-team/add",
                &[("csrf", &csrf), ("pro", "nobody")],
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "unknown professional");
    });
}
