//! PDQm ITI-78 through `/fhir/Patient` (search: same criteria, cap and audit as the REST
//! search; only identity answered) and the creation of an inactive record (`POST`).

use crate::bundles::CAFAT;

const AMG: &str = "https://mondrivesante.nc/fhir/sid/amg";
use axum::http::{Method, StatusCode};
use mds_testkit::fhir::*;
use serde_json::{json, Value};

const BIRTH_PLACE: &str = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace";
const INSEE: &str = "https://mondrivesante.nc/fhir/StructureDefinition/insee-code";
const CREATION: &str = "https://mondrivesante.nc/fhir/StructureDefinition/creation-attestation";

fn new_patient(
    cafat: &str,
    family: &str,
    given: &str,
    birth: &str,
    gender: &str,
    place: &str,
) -> Value {
    json!({
        "resourceType": "Patient",
        "identifier": [{ "system": CAFAT, "value": cafat }],
        "name": [{ "use": "official", "family": family, "given": [given] }],
        "birthDate": birth,
        "gender": gender,
        "extension": [
            { "url": BIRTH_PLACE, "valueAddress": { "extension": [{ "url": INSEE, "valueString": place }] } },
            { "url": CREATION, "extension": [
                { "url": "identity-document-checked", "valueBoolean": true },
                { "url": "cafat-card-checked", "valueBoolean": true },
                { "url": "consent-signed", "valueBoolean": true },
                { "url": "informed-of-rights", "valueBoolean": true }
            ] }
        ]
    })
}

#[test]
fn iti_78_finds_by_identifier_or_traits_and_answers_identity_only() {
    on_both(|backend| async move {
        let mut w = FhirWorld::new(backend).await;
        let marie = w.world.patient_id(MARIE_CAFAT).await.to_string();
        let before = w.world.last_seq().await;
        let r = w
            .get(
                DOCTOR,
                &format!("/fhir/Patient?identifier={CAFAT}|{MARIE_CAFAT}&birthdate=1985-03-14"),
            )
            .await
            .expect(StatusCode::OK, "by identifier");
        assert_eq!(r.json["total"], 1);
        let p = &r.json["entry"][0]["resource"];
        assert_eq!(p["id"], marie.as_str());
        assert_eq!(p["identifier"][0]["system"], CAFAT);
        assert_eq!(p["identifier"][0]["value"], MARIE_CAFAT);
        assert_eq!(p["name"][0]["family"], "Wéa");
        assert_eq!(p["name"][0]["given"], json!(["Marie", "Josépha"]));
        assert_eq!(
            (p["gender"].as_str(), p["birthDate"].as_str()),
            (Some("female"), Some("1985-03-14"))
        );
        assert_eq!(p["deceasedBoolean"], false);
        assert_eq!(p["active"], true);
        let ext = |url: &str| {
            p["extension"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["url"] == url)
                .cloned()
                .unwrap()
        };
        assert_eq!(
            ext("https://mondrivesante.nc/fhir/StructureDefinition/record-state")["valueCode"],
            "active"
        );
        assert_eq!(
            ext(BIRTH_PLACE)["valueAddress"]["extension"][0]["valueString"],
            "98814"
        );
        // Nothing else: no contact, no account.
        assert!(p.get("telecom").is_none() && p.get("address").is_none());
        let events = w.world.events_after(before).await;
        assert!(
            events.iter().any(|e| e.action == "patient.search"),
            "{events:#?}"
        );
        // The criteria are not in the links.
        assert!(!r.json["link"][0]["url"]
            .as_str()
            .unwrap()
            .contains(MARIE_CAFAT));

        // The traits; then the same through POST _search.
        let traits = "family=W%C3%A9a&given=Marie&birthdate=1985-03-14&gender=female";
        let r = w
            .get(DOCTOR, &format!("/fhir/Patient?{traits}"))
            .await
            .expect(StatusCode::OK, "traits");
        assert_eq!(r.json["entry"][0]["resource"]["id"], marie.as_str());
        let r = w
            .send(
                Some(DOCTOR),
                Method::POST,
                "/fhir/Patient/_search",
                &[],
                Some((
                    "application/x-www-form-urlencoded".to_owned(),
                    traits.as_bytes().to_vec(),
                )),
            )
            .await
            .expect(StatusCode::OK, "POST _search");
        assert_eq!(r.json["total"], 1);
        // A wrong birth date finds nothing (no near match shown).
        let r = w
            .get(
                DOCTOR,
                &format!("/fhir/Patient?identifier={CAFAT}|{MARIE_CAFAT}&birthdate=1985-03-15"),
            )
            .await
            .expect(StatusCode::OK, "no match");
        assert_eq!(r.json["total"], 0);
        // Too few criteria; a patient may not search.
        let r = w.get(DOCTOR, "/fhir/Patient?family=W%C3%A9a").await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, "insufficient_criteria")
        );
        let r = w
            .get(
                PATIENT,
                &format!("/fhir/Patient?identifier={CAFAT}|{MARIE_CAFAT}&birthdate=1985-03-14"),
            )
            .await;
        assert_eq!((r.status, r.issue()), (StatusCode::FORBIDDEN, "forbidden"));
    });
}

#[test]
fn a_professional_creates_an_inactive_record_with_the_identity_rules() {
    on_both(|backend| async move {
        let mut w = FhirWorld::new(backend).await;
        let body = new_patient(
            "555201",
            "Kasovimoin",
            "Louis",
            "1970-05-06",
            "male",
            "98821",
        );
        let r = w
            .post(DOCTOR, "/fhir/Patient", &body)
            .await
            .expect(StatusCode::CREATED, "create");
        let id = r.json["id"].as_str().unwrap().to_owned();
        assert!(r.headers["location"]
            .to_str()
            .unwrap()
            .ends_with(&format!("/fhir/Patient/{id}")));
        let state = r.json["extension"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["url"] == "https://mondrivesante.nc/fhir/StructureDefinition/record-state")
            .unwrap()["valueCode"]
            .clone();
        assert_eq!(state, "inactive");
        let r = w
            .get(
                DOCTOR,
                &format!("/fhir/Patient?identifier={CAFAT}|555201&birthdate=1970-05-06"),
            )
            .await
            .expect(StatusCode::OK, "found");
        assert_eq!(r.json["entry"][0]["resource"]["id"], id.as_str());

        let cases = [
            (
                "duplicate",
                new_patient(
                    "555201",
                    "Kasovimoin",
                    "Louis",
                    "1970-05-06",
                    "male",
                    "98821",
                ),
                StatusCode::CONFLICT,
                "duplicate_cafat",
            ),
            (
                "minor",
                new_patient("555202", "Kasovimoin", "Léo", "2015-05-06", "male", "98821"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "minor",
            ),
            (
                "no attestation",
                {
                    let mut b =
                        new_patient("555203", "Tein", "Anne", "1980-01-01", "female", "98821");
                    b["extension"].as_array_mut().unwrap().pop();
                    b
                },
                StatusCode::UNPROCESSABLE_ENTITY,
                "attestation_missing",
            ),
            (
                "unknown gender",
                new_patient("555204", "Tein", "Anne", "1980-01-01", "unknown", "98821"),
                StatusCode::BAD_REQUEST,
                "invalid_gender",
            ),
            (
                "wrong resourceType",
                json!({ "resourceType": "Practitioner" }),
                StatusCode::BAD_REQUEST,
                "wrong_resource_type",
            ),
        ];
        let mut failures = Vec::new();
        for (name, body, status, code) in cases {
            let r = w.post(DOCTOR, "/fhir/Patient", &body).await;
            if (r.status, r.code()) != (status, code) {
                failures.push(format!("{name}: {} {}", r.status, r.json));
            }
        }
        assert!(failures.is_empty(), "{backend:?}: {failures:#?}");
        // A near identity is held for support review: 202 and an OperationOutcome.
        let near = new_patient(
            "555205",
            "Poigounne",
            "Joseph",
            "1952-07-02",
            "male",
            "98822",
        );
        let r = w
            .post(DOCTOR, "/fhir/Patient", &near)
            .await
            .expect(StatusCode::ACCEPTED, "near");
        assert_eq!(r.json["resourceType"], "OperationOutcome");
        assert_eq!(
            (r.issue(), r.code()),
            ("informational", "near_match_review")
        );
        assert!(r.diagnostics().contains("support"), "{}", r.diagnostics());
        // Patients and assistants do not create records.
        let r = w
            .post(
                PATIENT,
                "/fhir/Patient",
                &new_patient("555206", "Tein", "Paul", "1980-01-01", "male", "98821"),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    });
}

/// Issue 15, item 3: an AMG card number is an identifier of its own system; the same digits
/// under the CAFAT system are another number space (here, Marie's CAFAT number).
#[test]
fn an_amg_identifier_is_created_found_and_fed_under_its_own_system() {
    on_both(|backend| async move {
        let mut w = FhirWorld::new(backend).await;
        let marie = w.world.patient_id(MARIE_CAFAT).await.to_string();
        let mut body = new_patient(
            MARIE_CAFAT,
            "Hnawia",
            "Suzanne",
            "1975-03-09",
            "female",
            "98821",
        );
        body["identifier"] = json!([{ "system": AMG, "value": MARIE_CAFAT }]);
        let r = w
            .post(DOCTOR, "/fhir/Patient", &body)
            .await
            .expect(StatusCode::CREATED, "create with an AMG number");
        let id = r.json["id"].as_str().unwrap().to_owned();
        assert_eq!(r.json["identifier"][0]["system"], AMG);
        assert_eq!(r.json["identifier"][0]["value"], MARIE_CAFAT);

        // (identifier system, birth date, the record found)
        let cases = [
            (AMG, "1975-03-09", Some(id.as_str())),
            (CAFAT, "1975-03-09", None),
            (CAFAT, "1985-03-14", Some(marie.as_str())),
            (AMG, "1985-03-14", None),
        ];
        for (system, birth, expected) in cases {
            let r = w
                .get(
                    DOCTOR,
                    &format!("/fhir/Patient?identifier={system}|{MARIE_CAFAT}&birthdate={birth}"),
                )
                .await
                .expect(StatusCode::OK, "search");
            let found = r.json["entry"][0]["resource"]["id"].as_str();
            assert_eq!(found, expected, "{backend:?}: {system} {birth}");
            if expected.is_some() {
                assert_eq!(
                    r.json["entry"][0]["resource"]["identifier"][0]["system"],
                    system
                );
            }
        }
        // The record named by its AMG identifier in a document search (ITI-67).
        let r = w
            .get(
                DOCTOR,
                &format!("/fhir/DocumentReference?patient.identifier={AMG}|{MARIE_CAFAT}"),
            )
            .await
            .expect(StatusCode::OK, "ITI-67 by AMG identifier");
        assert_eq!(r.json["resourceType"], "Bundle");
        let r = w
            .get(
                DOCTOR,
                &format!("/fhir/Patient?identifier=https://example.org/ridet|{MARIE_CAFAT}&birthdate=1985-03-14"),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, "unknown_identifier_system"),
            "{backend:?}"
        );
        // A second record under the same AMG number is refused.
        let mut again = new_patient(
            MARIE_CAFAT,
            "Wahnyamalla",
            "Rose",
            "1981-11-30",
            "female",
            "98821",
        );
        again["identifier"] = json!([{ "system": AMG, "value": MARIE_CAFAT }]);
        let r = w.post(DOCTOR, "/fhir/Patient", &again).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "duplicate_cafat"),
            "{backend:?}: {}",
            r.json
        );
    });
}
