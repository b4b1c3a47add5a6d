//! ITI-65 (provide, all or nothing), ITI-67 (search, pages), ITI-68 (retrieve), replacement,
//! deletion and security labels, through `/fhir`, compared with what the REST API and the
//! store say.

use crate::bundles::*;
use axum::http::{Method, StatusCode};
use mds_testkit::fhir::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn sha(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(bytes))
}

/// Files in the local vault (content objects).
pub fn vault_objects(w: &FhirWorld) -> usize {
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        count(&p)
                    } else {
                        1
                    }
                })
                .sum()
        })
    }
    count(&w.world.dir.path().join("vault"))
}

/// Every DocumentReference id of an ITI-67 search, following the `next` links.
pub async fn search_all(w: &mut FhirWorld, login: &str, first: &str) -> (u64, Vec<String>, usize) {
    let mut uri = first.to_owned();
    let mut all = Vec::new();
    let mut pages = 0;
    let mut total;
    loop {
        let r = w.get(login, &uri).await.expect(StatusCode::OK, &uri);
        pages += 1;
        total = r.json["total"].as_u64().unwrap();
        all.extend(ids(&r.json));
        let next = r.json["link"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["relation"] == "next")
            .map(|l| path_of(l["url"].as_str().unwrap()));
        match next {
            Some(n) => uri = n,
            None => break,
        }
    }
    (total, all, pages)
}

async fn rest_list(w: &mut FhirWorld, login: &str, patient: &str) -> Vec<String> {
    let r = w
        .world
        .get(
            login,
            &format!("/api/v1/records/{patient}/documents?limit=100"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json);
    rest_ids(&r.json)
}

#[test]
fn a_doctor_provides_searches_retrieves_replaces_and_deletes() {
    on_both(|backend| async move {
        let mut w = FhirWorld::new(backend).await;
        let marie = w.world.patient_id(MARIE_CAFAT).await.to_string();
        let text = Doc::text("Compte rendu FHIR");
        let pdf = Doc {
            inline: true,
            ..Doc::pdf("Lettre de liaison FHIR")
        };
        let bundle = submission(&marie, &[text.clone(), pdf.clone()], true);
        let r = w
            .post(DOCTOR, "/fhir", &bundle)
            .await
            .expect(StatusCode::OK, "ITI-65");
        assert_eq!(r.json["type"], "transaction-response");
        let statuses: Vec<&str> = r.json["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["response"]["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, ["201 Created"; 4]);
        let created = created_ids(&r.json);
        assert_eq!(created.len(), 2);
        let binary = r.json["entry"][3]["response"]["location"].as_str().unwrap();
        assert_eq!(binary, format!("Binary/{}", created[0]));

        // ITI-67, two per page: the same documents in the same order as the REST listing.
        let (total, found, pages) = search_all(
            &mut w,
            DOCTOR,
            &format!("/fhir/DocumentReference?patient={marie}&_count=2"),
        )
        .await;
        let listed = rest_list(&mut w, DOCTOR, &marie).await;
        assert_eq!(found, listed);
        assert_eq!(total as usize, listed.len());
        assert!(pages >= 3, "{pages} pages");
        for id in &created {
            assert!(found.contains(id));
        }
        // By the CAFAT identifier, with filters.
        let r = w
            .get(
                DOCTOR,
                &format!(
                    "/fhir/DocumentReference?patient.identifier={CAFAT}|{MARIE_CAFAT}&type={LOINC}|11488-4&date=ge2026-11-20&date=le2026-11-20&status=current"
                ),
            )
            .await
            .expect(StatusCode::OK, "by identifier");
        let by_type = ids(&r.json);
        assert!(
            by_type.contains(&created[0]) && by_type.contains(&created[1]),
            "{by_type:?}"
        );

        // ITI-68: the bytes, by SHA-256, raw and as a FHIR Binary.
        for (id, doc) in created.iter().zip([&text, &pdf]) {
            let d = w
                .get(DOCTOR, &format!("/fhir/DocumentReference/{id}"))
                .await
                .expect(StatusCode::OK, "read");
            assert_eq!(
                d.json["content"][0]["attachment"]["contentType"],
                doc.content_type
            );
            let url = path_of(d.json["content"][0]["attachment"]["url"].as_str().unwrap());
            let raw = w.get(DOCTOR, &url).await.expect(StatusCode::OK, "ITI-68");
            assert_eq!(sha(&raw.bytes), sha(&doc.content));
            assert!(raw.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with(doc.content_type));
            let b = w
                .send(
                    Some(DOCTOR),
                    Method::GET,
                    &url,
                    &[("accept", "application/fhir+json")],
                    None,
                )
                .await
                .expect(StatusCode::OK, "ITI-68 as Binary");
            assert_eq!(b.json["resourceType"], "Binary");
            let data = data_encoding::BASE64
                .decode(b.json["data"].as_str().unwrap().as_bytes())
                .unwrap();
            assert_eq!(sha(&data), sha(&doc.content));
        }

        // Replace: a new version; the old one leaves the list.
        let v2 = Doc {
            replaces: Some(created[0].clone()),
            ..Doc::text("Compte rendu FHIR, version 2")
        };
        let r = w
            .post(DOCTOR, "/fhir", &submission(&marie, &[v2], true))
            .await
            .expect(StatusCode::OK, "replace");
        let new = created_ids(&r.json).remove(0);
        let listed = rest_list(&mut w, DOCTOR, &marie).await;
        assert!(listed.contains(&new) && !listed.contains(&created[0]));
        let d = w
            .get(DOCTOR, &format!("/fhir/DocumentReference/{new}"))
            .await
            .expect(StatusCode::OK, "new version");
        assert_eq!(d.json["relatesTo"][0]["code"], "replaces");
        assert_eq!(
            d.json["relatesTo"][0]["target"]["reference"],
            format!("DocumentReference/{}", created[0])
        );

        // Delete: DELETE, and entered-in-error through ITI-65.
        w.delete(DOCTOR, &format!("/fhir/DocumentReference/{new}"))
            .await
            .expect(StatusCode::NO_CONTENT, "delete");
        w.get(DOCTOR, &format!("/fhir/DocumentReference/{new}"))
            .await
            .expect(StatusCode::NOT_FOUND, "deleted");
        w.post(
            DOCTOR,
            "/fhir",
            &change(&created[1], "entered-in-error", &[]),
        )
        .await
        .expect(StatusCode::OK, "entered-in-error");
        let listed = rest_list(&mut w, DOCTOR, &marie).await;
        assert!(!listed.contains(&new) && !listed.contains(&created[1]));
        let rest = w
            .world
            .get(
                DOCTOR,
                &format!("/api/v1/records/{marie}/documents/{}/content", created[1]),
            )
            .await;
        assert_eq!(rest.status, StatusCode::NOT_FOUND);
    });
}

/// The document count of a record and the vault, to compare before and after a refusal.
async fn stored(w: &FhirWorld, cafat: &str) -> (usize, usize) {
    (w.world.document_ids(cafat).await.len(), vault_objects(w))
}

#[test]
fn a_failing_entry_stores_nothing_and_is_named() {
    on_both(|backend| async move {
        let mut w = FhirWorld::new(backend).await;
        let marie = w.world.patient_id(MARIE_CAFAT).await.to_string();
        let before = stored(&w, MARIE_CAFAT).await;
        let liar = Doc {
            content_type: "application/pdf",
            ..Doc::text("Pas un PDF")
        };
        let bundle = submission(
            &marie,
            &[Doc::text("Premier"), Doc::pdf("Deuxième"), liar],
            true,
        );
        let r = w.post(DOCTOR, "/fhir", &bundle).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "content_type_mismatch")
        );
        assert_eq!(r.json["issue"][0]["expression"][0], "Bundle.entry[3]");
        assert!(
            r.diagnostics().starts_with("Entrée n° 4"),
            "{}",
            r.diagnostics()
        );
        assert_eq!(stored(&w, MARIE_CAFAT).await, before);

        // A refusal of the app on the third document (already in the record): the first two,
        // decided and checked, are not stored either — neither rows nor vault objects.
        let existing = Doc::text("Déjà là");
        w.post(
            DOCTOR,
            "/fhir",
            &submission(&marie, std::slice::from_ref(&existing), true),
        )
        .await
        .expect(StatusCode::OK, "first deposit");
        let before = stored(&w, MARIE_CAFAT).await;
        let seq = w.world.last_seq().await;
        let bundle = submission(&marie, &[Doc::text("Un"), Doc::pdf("Deux"), existing], true);
        let r = w.post(DOCTOR, "/fhir", &bundle).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "duplicate_document")
        );
        assert_eq!(r.json["issue"][0]["expression"][0], "Bundle.entry[3]");
        assert_eq!(stored(&w, MARIE_CAFAT).await, before);
        let events = w.world.events_after(seq).await;
        assert!(
            events
                .iter()
                .any(|e| e.action == "document.add" && e.outcome.as_str() == "failure"),
            "{events:#?}"
        );
        assert!(!events
            .iter()
            .any(|e| e.action == "document.add" && e.outcome.as_str() == "permit"));

        // A denial (the information duty, for a professional feeding the record for the first
        // time) stops the submission too.
        let before = stored(&w, MARIE_CAFAT).await;
        let r = w
            .post(
                NURSE,
                "/fhir",
                &submission(&marie, &[Doc::text("Soins")], false),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "information_duty_required"
            )
        );
        assert_eq!(r.issue(), "business-rule");
        assert_eq!(stored(&w, MARIE_CAFAT).await, before);
        w.post(
            NURSE,
            "/fhir",
            &submission(&marie, &[Doc::text("Soins")], true),
        )
        .await
        .expect(StatusCode::OK, "informed");
    });
}

#[test]
fn bad_input_is_refused_with_an_operation_outcome_and_nothing_stored() {
    on_both(|backend| async move {
        let mut w = FhirWorld::new(backend).await;
        let marie = w.world.patient_id(MARIE_CAFAT).await.to_string();
        let good = submission(&marie, &[Doc::text("Bon")], true);
        let mut cases: Vec<(&str, Value, StatusCode, &str)> = Vec::new();
        let mut batch = good.clone();
        batch["type"] = json!("batch");
        cases.push((
            "not a transaction",
            batch,
            StatusCode::BAD_REQUEST,
            "not_a_transaction",
        ));
        cases.push((
            "wrong resourceType",
            json!({ "resourceType": "Patient", "name": [{ "family": "X" }] }),
            StatusCode::BAD_REQUEST,
            "wrong_resource_type",
        ));
        let mut unresolved = good.clone();
        unresolved["entry"][1]["resource"]["content"][0]["attachment"]["url"] =
            json!("urn:uuid:00000000-0000-4000-8000-000000000000");
        cases.push((
            "unresolved urn:uuid",
            unresolved,
            StatusCode::BAD_REQUEST,
            "unresolved_reference",
        ));
        let mut unlisted = good.clone();
        unlisted["entry"][0]["resource"]["entry"][0]["item"]["reference"] =
            json!("urn:uuid:nothing");
        cases.push((
            "list names nothing",
            unlisted,
            StatusCode::BAD_REQUEST,
            "unresolved_reference",
        ));
        let liar = Doc {
            content_type: "image/png",
            ..Doc::text("Pas une image")
        };
        cases.push((
            "bytes not of the declared type",
            submission(&marie, &[liar], true),
            StatusCode::UNPROCESSABLE_ENTITY,
            "content_type_mismatch",
        ));
        let dtd = Doc {
            content_type: "application/xml",
            content: b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><ClinicalDocument>&e;</ClinicalDocument>".to_vec(),
            ..Doc::text("CDA")
        };
        cases.push((
            "CDA with a DTD",
            submission(&marie, &[dtd], true),
            StatusCode::UNPROCESSABLE_ENTITY,
            "xml_doctype_refused",
        ));
        let big = mds_testkit::files::pdf_of_size("30 Mo", 30 * 1024 * 1024);
        let huge = Doc {
            content_type: "application/pdf",
            content: big,
            ..Doc::text("30 Mo")
        };
        cases.push((
            "30 MB Binary",
            submission(&marie, &[huge], true),
            StatusCode::PAYLOAD_TOO_LARGE,
            "document_too_large",
        ));
        let mut unknown_type = good.clone();
        unknown_type["entry"][1]["resource"]["type"]["coding"][0]["code"] = json!("00000-0");
        cases.push((
            "unknown type",
            unknown_type,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_document_type",
        ));
        let mut no_date = good.clone();
        no_date["entry"][1]["resource"]
            .as_object_mut()
            .unwrap()
            .remove("context");
        cases.push((
            "no act date",
            no_date,
            StatusCode::BAD_REQUEST,
            "act_date_missing",
        ));
        let mut modifier = good.clone();
        modifier["entry"][1]["resource"]["modifierExtension"] =
            json!([{ "url": "http://x", "valueBoolean": true }]);
        cases.push((
            "modifier extension",
            modifier,
            StatusCode::BAD_REQUEST,
            "not_supported",
        ));

        let before = stored(&w, MARIE_CAFAT).await;
        let mut failures = Vec::new();
        for (name, body, status, code) in cases {
            let r = w.post(DOCTOR, "/fhir", &body).await;
            if r.status != status || r.code() != code {
                failures.push(format!(
                    "{name}: {} {} {}",
                    r.status,
                    r.code(),
                    r.diagnostics()
                ));
            }
            if stored(&w, MARIE_CAFAT).await != before {
                failures.push(format!("{name}: something was stored"));
            }
        }
        // Malformed JSON.
        let r = w
            .send(
                Some(DOCTOR),
                Method::POST,
                "/fhir",
                &[],
                Some((
                    "application/fhir+json".to_owned(),
                    b"{\"resourceType\": \"Bundle\",".to_vec(),
                )),
            )
            .await;
        if (r.status, r.issue()) != (StatusCode::BAD_REQUEST, "structure") {
            failures.push(format!("malformed JSON: {} {}", r.status, r.issue()));
        }
        assert!(failures.is_empty(), "{backend:?}:\n{}", failures.join("\n"));
        assert_eq!(stored(&w, MARIE_CAFAT).await, before);
    });
}

async fn lists(w: &mut FhirWorld, login: &str, patient: &str) -> Vec<String> {
    let uri = format!("/fhir/DocumentReference?patient={patient}&_count=100");
    ids(&w.get(login, &uri).await.expect(StatusCode::OK, login).json)
}

#[test]
fn security_labels_mask_and_hide_through_iti_65() {
    on_both(|backend| async move {
        let mut w = FhirWorld::new(backend).await;
        let marie = w.world.patient_id(MARIE_CAFAT).await.to_string();
        // A prescription: a type the pharmacist's habilitation opens.
        let prescription = Doc {
            type_code: "57833-6",
            ..Doc::text("À masquer")
        };
        let r = w
            .post(
                DOCTOR,
                "/fhir",
                &submission(&marie, &[prescription, Doc::text("À cacher")], true),
            )
            .await
            .expect(StatusCode::OK, "deposit");
        let created = created_ids(&r.json);
        let (masked, hidden) = (&created[0], &created[1]);

        // The patient masks a document from professionals: the pharmacist of the care team
        // no longer sees it; the depositor still does.
        assert!(lists(&mut w, PHARMACIST, &marie).await.contains(masked));
        w.post(PATIENT, "/fhir", &change(masked, "current", &["MASQUE_PS"]))
            .await
            .expect(StatusCode::OK, "mask");
        assert!(!lists(&mut w, PHARMACIST, &marie).await.contains(masked));
        assert!(lists(&mut w, DOCTOR, &marie).await.contains(masked));
        let d = w
            .get(DOCTOR, &format!("/fhir/DocumentReference/{masked}"))
            .await
            .expect(StatusCode::OK, "masked, depositor");
        assert_eq!(d.json["securityLabel"][0]["coding"][0]["code"], "MASQUE_PS");
        w.post(PATIENT, "/fhir", &change(masked, "current", &[]))
            .await
            .expect(StatusCode::OK, "unmask");
        assert!(lists(&mut w, PHARMACIST, &marie).await.contains(masked));

        // The depositor hides a document from the patient, then lifts it; the patient may not.
        w.post(
            DOCTOR,
            "/fhir",
            &change(hidden, "current", &["INVISIBLE_PATIENT"]),
        )
        .await
        .expect(StatusCode::OK, "hide");
        assert!(!lists(&mut w, PATIENT, &marie).await.contains(hidden));
        let r = w.get(PATIENT, &format!("/fhir/Binary/{hidden}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = w
            .post(PATIENT, "/fhir", &change(hidden, "current", &[]))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        w.post(DOCTOR, "/fhir", &change(hidden, "current", &[]))
            .await
            .expect(StatusCode::OK, "show");
        assert!(lists(&mut w, PATIENT, &marie).await.contains(hidden));
        // A label MDS cannot honour is refused.
        let mut odd = change(hidden, "current", &[]);
        odd["entry"][0]["resource"]["securityLabel"] =
            json!([{ "coding": [{ "system": "http://example.org", "code": "SECRET" }] }]);
        let r = w.post(DOCTOR, "/fhir", &odd).await;
        assert_eq!(
            (r.status, r.issue()),
            (StatusCode::BAD_REQUEST, "not-supported")
        );
    });
}

#[test]
fn the_patient_reads_and_the_assistant_only_provides() {
    on_both(|backend| async move {
        let mut w = FhirWorld::new(backend).await;
        let marie = w.world.patient_id(MARIE_CAFAT).await.to_string();
        let own = format!("/fhir/DocumentReference?patient=Patient/{marie}");
        let r = w
            .get(PATIENT, &own)
            .await
            .expect(StatusCode::OK, "patient ITI-67");
        let found = ids(&r.json);
        assert_eq!(found, rest_list(&mut w, PATIENT, &marie).await);
        let raw = w
            .get(PATIENT, &format!("/fhir/Binary/{}", found[0]))
            .await
            .expect(StatusCode::OK, "patient ITI-68");
        assert!(!raw.bytes.is_empty());

        // The assistant adds in the doctor's name, and reads nothing.
        let r = w
            .post(
                ASSISTANT,
                "/fhir",
                &submission(&marie, &[Doc::text("Courrier du secrétariat")], true),
            )
            .await
            .expect(StatusCode::OK, "assistant ITI-65");
        let id = created_ids(&r.json).remove(0);
        let doctor = w.world.account_id(DOCTOR).await;
        let d = w
            .get(DOCTOR, &format!("/fhir/DocumentReference/{id}"))
            .await
            .expect(StatusCode::OK, "doctor reads it");
        assert_eq!(d.json["author"][0]["identifier"]["value"], doctor.as_str());
        for uri in [
            own.clone(),
            format!("/fhir/Binary/{id}"),
            format!("/fhir/DocumentReference/{id}"),
        ] {
            let r = w.get(ASSISTANT, &uri).await;
            assert_eq!(
                (r.status, r.issue()),
                (StatusCode::NOT_FOUND, "not-found"),
                "{uri}"
            );
        }
    });
}
