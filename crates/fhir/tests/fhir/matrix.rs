//! The access matrix through `/fhir`: the cases the REST tests run — care team, consent,
//! break-glass, SAMU, no access, blocked; depositor, confidential, hidden; habilitation;
//! assistant, patient, support, a limited record — give the same answers through ITI-65 (add), ITI-67 (list)
//! and ITI-68 (read) as through `/api/v1`. Both backends.

use crate::bundles::*;
use axum::http::StatusCode;
use mds_testkit::fhir::*;
use serde_json::json;

/// What one actor may do on one record, as one surface answers it.
#[derive(Debug, PartialEq, Eq)]
struct Answers {
    /// `None`: the listing was refused (404); otherwise the ids listed.
    list: Option<Vec<String>>,
    /// Per current document of the record: whether its content was answered.
    reads: Vec<bool>,
    /// `ok`, or the error code of the refusal.
    add: String,
}

async fn through_rest(w: &mut FhirWorld, login: &str, p: &str, docs: &[String]) -> Answers {
    let r = w
        .world
        .get(login, &format!("/api/v1/records/{p}/documents?limit=100"))
        .await;
    let list = (r.status == StatusCode::OK).then(|| rest_ids(&r.json));
    let mut reads = Vec::new();
    for d in docs {
        let r = w
            .world
            .get(login, &format!("/api/v1/records/{p}/documents/{d}/content"))
            .await;
        reads.push(r.status == StatusCode::OK);
    }
    let body = format!("Ajout REST {}", uuid());
    let r = w
        .world
        .upload(
            login,
            &format!("/api/v1/records/{p}/documents"),
            &[
                ("type_code", "11488-4"),
                ("title", "Ajout REST"),
                ("act_date", "2026-11-21"),
                ("confirms_patient_informed", "true"),
            ],
            body.as_bytes(),
        )
        .await;
    let add = if r.status.is_success() {
        "ok".to_owned()
    } else {
        r.code().to_owned()
    };
    Answers { list, reads, add }
}

async fn through_fhir(w: &mut FhirWorld, login: &str, p: &str, docs: &[String]) -> Answers {
    let r = w
        .get(
            login,
            &format!("/fhir/DocumentReference?patient={p}&_count=100"),
        )
        .await;
    let list = (r.status == StatusCode::OK).then(|| ids(&r.json));
    let mut reads = Vec::new();
    for d in docs {
        let r = w.get(login, &format!("/fhir/Binary/{d}")).await;
        reads.push(r.status == StatusCode::OK);
    }
    let r = w
        .post(
            login,
            "/fhir",
            &submission(p, &[Doc::text("Ajout FHIR")], true),
        )
        .await;
    let add = if r.status.is_success() {
        "ok".to_owned()
    } else {
        r.code().to_owned()
    };
    Answers { list, reads, add }
}

/// Compares both surfaces for `login` on the record of `cafat`; returns the REST answers.
async fn compare(
    w: &mut FhirWorld,
    case: &str,
    login: &str,
    cafat: &str,
    failures: &mut Vec<String>,
) -> Answers {
    let p = w.world.patient_id(cafat).await.to_string();
    let docs: Vec<String> = w
        .world
        .document_ids(cafat)
        .await
        .iter()
        .map(ToString::to_string)
        .collect();
    let fhir = through_fhir(w, login, &p, &docs).await;
    let mut rest = through_rest(w, login, &p, &docs).await;
    // The REST listing ran after the FHIR addition: compare it without that document.
    if let (Some(f), Some(r)) = (&fhir.list, &mut rest.list) {
        r.retain(|id| f.contains(id) || docs.contains(id));
    }
    if fhir != rest {
        failures.push(format!("{case} ({login}): FHIR {fhir:?} ≠ REST {rest:?}"));
    }
    rest
}

#[test]
fn the_matrix_answers_the_same_through_fhir_and_rest() {
    on_both(|backend| async move {
        let mut w = FhirWorld::new(backend).await;
        let mut f = Vec::new();
        let marie = w.world.patient_id(MARIE_CAFAT).await.to_string();
        let celine = w.world.patient_id(CELINE_CAFAT).await.to_string();
        let joseph = w.world.patient_id(JOSEPH_CAFAT).await.to_string();

        let care_team = compare(&mut w, "care team", DOCTOR, MARIE_CAFAT, &mut f).await;
        assert!(care_team.list.is_some_and(|l| !l.is_empty()) && care_team.add == "ok");
        let none = compare(&mut w, "no access", NURSE, MARIE_CAFAT, &mut f).await;
        assert!(none.list.is_none() && none.reads.iter().all(|r| !r) && none.add == "ok");
        let depositor = compare(&mut w, "depositor", BIOLOGIST, MARIE_CAFAT, &mut f).await;
        assert!(depositor.reads.iter().filter(|r| **r).count() >= 1);
        compare(&mut w, "habilitation", PHARMACIST, MARIE_CAFAT, &mut f).await;
        compare(&mut w, "patient", PATIENT, MARIE_CAFAT, &mut f).await;
        let hidden = compare(&mut w, "hidden", OTHER_PATIENT, CELINE_CAFAT, &mut f).await;
        assert!(
            hidden.reads.iter().any(|r| !r),
            "the hidden document is not read"
        );
        let assistant = compare(&mut w, "assistant", ASSISTANT, MARIE_CAFAT, &mut f).await;
        assert!(assistant.list.is_none() && assistant.add == "ok");
        let support = compare(&mut w, "support", SUPPORT, MARIE_CAFAT, &mut f).await;
        assert!(support.list.is_none() && support.add != "ok");

        // Consent: the nurse asks, the patient approves.
        let c = w
            .world
            .post(
                NURSE,
                &format!("/api/v1/records/{marie}/consents"),
                json!({ "purpose": "Suivi des soins infirmiers", "attests_in_person": false }),
            )
            .await;
        assert_eq!(c.status, StatusCode::CREATED, "{:?}", c.json);
        let id = c.json["id"].as_str().unwrap().to_owned();
        let a = w
            .world
            .post(
                PATIENT,
                &format!("/api/v1/records/{marie}/consents/{id}/approve"),
                json!({}),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{:?}", a.json);
        let consented = compare(&mut w, "consent", NURSE, MARIE_CAFAT, &mut f).await;
        assert!(consented.list.is_some());

        // Break-glass and SAMU by the regulator.
        let r = w
            .world
            .post(
                REGULATOR,
                &format!("/api/v1/records/{celine}/break-glass"),
                json!({ "reason": "Patiente inconsciente aux urgences, antécédents inconnus." }),
            )
            .await;
        assert!(r.status.is_success(), "{:?}", r.json);
        let bg = compare(&mut w, "break-glass", REGULATOR, CELINE_CAFAT, &mut f).await;
        assert!(bg.list.is_some());
        let r = w
            .world
            .post(
                REGULATOR,
                &format!("/api/v1/records/{joseph}/samu"),
                json!({ "call_reference": "APPEL-2026-001" }),
            )
            .await;
        assert!(r.status.is_success(), "{:?}", r.json);
        let samu = compare(&mut w, "samu", REGULATOR, JOSEPH_CAFAT, &mut f).await;
        assert!(samu.list.is_some());

        // Blocked: the patient blocks the pharmacist of her care team.
        let pharmacist = w.world.account_id(PHARMACIST).await;
        let r = w
            .world
            .post(
                PATIENT,
                &format!("/api/v1/records/{marie}/blocks"),
                json!({ "professional_account_id": pharmacist }),
            )
            .await;
        assert!(r.status.is_success(), "{:?}", r.json);
        let blocked = compare(&mut w, "blocked", PHARMACIST, MARIE_CAFAT, &mut f).await;
        assert!(blocked.list.is_none() && blocked.add != "ok");

        // Confidential: the patient masks the biologist's report; the care-team doctor no
        // longer sees it, its depositor still does.
        let biologist = w.world.account_id(BIOLOGIST).await;
        let rows = mds_store::documents::current_for_patient(
            w.world.app.db(),
            &w.world.patient_id(MARIE_CAFAT).await,
        )
        .await
        .unwrap();
        let report = rows
            .iter()
            .find(|d| d.depositor_account_id.as_ref() == Some(&biologist))
            .unwrap()
            .id
            .to_string();
        let r = w
            .world
            .post(
                PATIENT,
                &format!("/api/v1/records/{marie}/documents/{report}/mask"),
                json!({}),
            )
            .await;
        assert!(r.status.is_success(), "{:?}", r.json);
        let doctor = compare(
            &mut w,
            "confidential, care team",
            DOCTOR,
            MARIE_CAFAT,
            &mut f,
        )
        .await;
        assert!(!doctor.list.unwrap().contains(&report));
        let own = compare(
            &mut w,
            "confidential, depositor",
            BIOLOGIST,
            MARIE_CAFAT,
            &mut f,
        )
        .await;
        assert!(own.reads.iter().any(|r| *r));

        // Habilitation of a médico-social profession, with a consent.
        let c = w
            .world
            .post(
                PSYCHOLOGIST,
                &format!("/api/v1/records/{marie}/consents"),
                json!({ "purpose": "Bilan psychologique", "attests_in_person": false }),
            )
            .await;
        let id = c.json["id"].as_str().unwrap().to_owned();
        w.world
            .post(
                PATIENT,
                &format!("/api/v1/records/{marie}/consents/{id}/approve"),
                json!({}),
            )
            .await;
        compare(
            &mut w,
            "habilitation, psychologist",
            PSYCHOLOGIST,
            MARIE_CAFAT,
            &mut f,
        )
        .await;

        // Limited (issue 15): the patient freezes the use of her record; the care-team doctor
        // is then refused like a stranger, through both surfaces.
        let r = w
            .world
            .put(
                PATIENT,
                &format!("/api/v1/records/{marie}/limitation"),
                json!({ "limited": true }),
            )
            .await;
        assert!(r.status.is_success(), "{:?}", r.json);
        let limited = compare(&mut w, "limited, care team", DOCTOR, MARIE_CAFAT, &mut f).await;
        assert!(
            limited.list.is_none() && limited.add != "ok",
            "{backend:?}: {limited:?}"
        );

        assert!(f.is_empty(), "{backend:?}:\n{}", f.join("\n"));
    });
}
