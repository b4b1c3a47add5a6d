//! The health profile as FHIR R4 resources (issue 17, item 7): read-only searches by record,
//! each through `App::health_profile` (decided and audited), the entries mapped with LOINC and
//! UCUM where they have codes; an emergency access sees only the emergency sections; what has
//! no resource (conditions, organ donation, directives) appears nowhere. Both backends.

use axum::http::{Method, StatusCode};
use mds_testkit::fhir::*;
use serde_json::{json, Value};

/// The resources of a searchset.
fn resources(bundle: &Value) -> Vec<Value> {
    assert_eq!(bundle["resourceType"], "Bundle", "{bundle}");
    assert_eq!(bundle["type"], "searchset");
    bundle["entry"]
        .as_array()
        .map(|e| e.iter().map(|e| e["resource"].clone()).collect())
        .unwrap_or_default()
}

async fn add(w: &mut FhirWorld, login: &str, patient: &str, entry: Value) {
    let r = w
        .world
        .post(
            login,
            &format!("/api/v1/records/{patient}/profile/entries"),
            entry,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{login}: {}", r.json);
}

#[test]
fn the_care_team_reads_the_health_profile_as_fhir_resources() {
    on_both(|backend| async move {
        let mut w = FhirWorld::new(backend).await;
        let marie = w.world.patient_id(MARIE_CAFAT).await.to_string();
        for entry in [
            json!({"kind": "allergy", "substance": "Pénicilline", "severity": "severe", "reaction": "Œdème de Quincke"}),
            json!({"kind": "treatment", "medication": "Metformine", "dosage": "1 g matin et soir", "since": "2020-01-02"}),
            json!({"kind": "condition", "name": "Diabète de type 2"}),
            json!({"kind": "organ_donation", "position": "accepts"}),
            json!({"kind": "contact", "role": "trusted_person", "name": "Paul Wéa", "relation": "Frère", "phone": "+687 12 34 56"}),
            json!({"kind": "contact", "role": "emergency_contact", "name": "Anne Wéa"}),
            json!({"kind": "vaccination", "vaccine": "Grippe saisonnière", "on": "2024-10-01"}),
        ] {
            add(&mut w, PATIENT, &marie, entry).await;
        }
        for entry in [
            json!({"kind": "measurement", "quantity": "weight", "value": 72.5, "on": "2025-11-30"}),
            json!({"kind": "measurement", "quantity": "blood_pressure", "value": 130, "second": 80, "on": "2025-11-30"}),
            json!({"kind": "measurement", "quantity": "glucose", "value": 1.05, "on": "2025-11-30"}),
            json!({"kind": "vaccination", "vaccine": "DTP", "on": "2025-05-01", "lot": "A12"}),
        ] {
            add(&mut w, DOCTOR, &marie, entry).await;
        }

        let before = w.world.last_seq().await;
        let search = |t: &str| format!("/fhir/{t}?patient=Patient/{marie}");
        let r = w
            .get(DOCTOR, &search("AllergyIntolerance"))
            .await
            .expect(StatusCode::OK, "allergies");
        let events = w.world.events_after(before).await;
        assert_eq!(events.len(), 1, "one audited read");
        assert_eq!(events[0].action, "profile.read");
        let allergies = resources(&r.json);
        assert_eq!(allergies.len(), 1);
        let a = &allergies[0];
        assert_eq!(a["code"]["text"], "Pénicilline");
        assert_eq!(a["criticality"], "high");
        assert_eq!(a["clinicalStatus"]["coding"][0]["code"], "active");
        assert_eq!(a["patient"]["reference"], format!("Patient/{marie}"));
        assert_eq!(a["recorder"]["reference"], format!("Patient/{marie}"));
        assert_eq!(
            a["reaction"][0]["manifestation"][0]["text"],
            "Œdème de Quincke"
        );
        assert_eq!(r.json["total"], 1);

        let r = w
            .get(
                DOCTOR,
                &format!("/fhir/MedicationStatement?patient={marie}"),
            )
            .await
            .expect(StatusCode::OK, "treatments");
        let m = &resources(&r.json)[0];
        assert_eq!(m["medicationCodeableConcept"]["text"], "Metformine");
        assert_eq!(m["effectivePeriod"]["start"], "2020-01-02");
        assert_eq!(m["dosage"][0]["text"], "1 g matin et soir");

        let r = w
            .get(DOCTOR, &search("Immunization"))
            .await
            .expect(StatusCode::OK, "vaccinations");
        let v = resources(&r.json);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0]["occurrenceDateTime"], "2024-10-01");
        assert_eq!(v[0]["primarySource"], false, "the patient's word");
        assert_eq!(v[0]["reportOrigin"]["coding"][0]["code"], "recall");
        assert_eq!(v[1]["primarySource"], true, "recorded by the doctor");
        assert_eq!(v[1]["lotNumber"], "A12");

        let r = w
            .get(DOCTOR, &search("Observation"))
            .await
            .expect(StatusCode::OK, "measurements");
        let o = resources(&r.json);
        let by_code = |code: &str| {
            o.iter()
                .find(|o| o["code"]["coding"][0]["code"] == code)
                .unwrap_or_else(|| panic!("{code}: {o:?}"))
                .clone()
        };
        let weight = by_code("29463-7");
        assert_eq!(weight["code"]["coding"][0]["system"], "http://loinc.org");
        assert_eq!(weight["category"][0]["coding"][0]["code"], "vital-signs");
        assert_eq!(
            weight["valueQuantity"],
            json!({"value": 72.5, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"})
        );
        assert_eq!(weight["effectiveDateTime"], "2025-11-30");
        assert!(weight["performer"][0]["display"].is_string());
        let pressure = by_code("85354-9");
        assert!(pressure.get("valueQuantity").is_none());
        assert_eq!(
            pressure["component"][0]["code"]["coding"][0]["code"],
            "8480-6"
        );
        assert_eq!(pressure["component"][0]["valueQuantity"]["value"], 130.0);
        assert_eq!(
            pressure["component"][1]["code"]["coding"][0]["code"],
            "8462-4"
        );
        assert_eq!(pressure["component"][1]["valueQuantity"]["code"], "mm[Hg]");
        let glucose = by_code("2339-0");
        assert_eq!(glucose["valueQuantity"]["code"], "g/L");
        assert_eq!(glucose["category"][0]["coding"][0]["code"], "laboratory");

        let r = w
            .get(DOCTOR, &search("RelatedPerson"))
            .await
            .expect(StatusCode::OK, "contacts");
        let c = resources(&r.json);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0]["name"][0]["text"], "Paul Wéa");
        assert_eq!(c[0]["relationship"][1]["text"], "Frère");
        assert_eq!(
            c[0]["telecom"][0],
            json!({"system": "phone", "value": "+687 12 34 56"})
        );
        assert_eq!(c[1]["relationship"][0]["coding"][0]["code"], "C");
        assert_eq!(
            c[1]["relationship"][0]["coding"][0]["system"],
            "http://terminology.hl7.org/CodeSystem/v2-0131"
        );

        // Conditions and organ donation have no resource: nothing names them.
        let mut everything = String::new();
        for t in [
            "AllergyIntolerance",
            "MedicationStatement",
            "Immunization",
            "Observation",
            "RelatedPerson",
        ] {
            everything.push_str(&String::from_utf8_lossy(
                &w.get(DOCTOR, &search(t)).await.bytes,
            ));
        }
        assert!(!everything.contains("Diabète"), "{everything}");
        assert!(!everything.contains("organes"), "{everything}");

        // The patient reads their own profile too (the gate decides, as for documents).
        let own = w
            .get(PATIENT, &search("Observation"))
            .await
            .expect(StatusCode::OK, "patient");
        assert_eq!(resources(&own.json).len(), 3);

        // Read by id: the same resource as the search, one audited profile read; under
        // another type, or for someone without access, or unknown, « not found ».
        let id = weight["id"].as_str().unwrap();
        let before = w.world.last_seq().await;
        let one = w
            .get(DOCTOR, &format!("/fhir/Observation/{id}"))
            .await
            .expect(StatusCode::OK, "read by id");
        assert_eq!(one.json, weight);
        let events = w.world.events_after(before).await;
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["profile.read"]);
        for (who, path) in [
            (DOCTOR, format!("/fhir/AllergyIntolerance/{id}")),
            (NURSE, format!("/fhir/Observation/{id}")),
            (
                DOCTOR,
                "/fhir/Observation/00000000-0000-4000-8000-000000000000".to_owned(),
            ),
            (DOCTOR, "/fhir/Observation/not-an-id".to_owned()),
        ] {
            let r = w.get(who, &path).await;
            assert_eq!(
                (r.status, r.issue()),
                (StatusCode::NOT_FOUND, "not-found"),
                "{who} {path}"
            );
        }
        let r = w
            .post(
                DOCTOR,
                "/fhir/Observation",
                &json!({"resourceType": "Observation"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
        let r = w.get(DOCTOR, "/fhir/Observation").await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, "patient_required")
        );
        let r = w
            .get(
                DOCTOR,
                &format!("/fhir/Observation?patient={marie}&code=29463-7"),
            )
            .await;
        assert_eq!(
            (r.status, r.issue()),
            (StatusCode::BAD_REQUEST, "not-supported")
        );
        let r = w
            .send(
                Some(DOCTOR),
                Method::GET,
                &format!("/fhir/Observation?patient={marie}&_format=xml"),
                &[],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_ACCEPTABLE);
    });
}

#[test]
fn an_emergency_access_sees_only_the_emergency_sections() {
    on_both(|backend| async move {
        let mut w = FhirWorld::new(backend).await;
        let celine = w.world.patient_id(CELINE_CAFAT).await.to_string();
        add(
            &mut w,
            OTHER_PATIENT,
            &celine,
            json!({"kind": "allergy", "substance": "Arachide", "severity": "unknown"}),
        )
        .await;
        add(
            &mut w,
            OTHER_PATIENT,
            &celine,
            json!({"kind": "measurement", "quantity": "height", "value": 168, "on": "2025-01-15"}),
        )
        .await;
        let r = w
            .world
            .post(
                REGULATOR,
                &format!("/api/v1/records/{celine}/break-glass"),
                json!({"reason": "Patiente inconsciente aux urgences, antécédents inconnus."}),
            )
            .await;
        assert!(r.status.is_success(), "break-glass: {}", r.json);
        let allergies = w
            .get(
                REGULATOR,
                &format!("/fhir/AllergyIntolerance?patient={celine}"),
            )
            .await
            .expect(StatusCode::OK, "allergies under break-glass");
        let a = resources(&allergies.json);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0]["criticality"], "unable-to-assess");
        let measurements = w
            .get(REGULATOR, &format!("/fhir/Observation?patient={celine}"))
            .await
            .expect(StatusCode::OK, "measurements under break-glass");
        assert!(
            resources(&measurements.json).is_empty(),
            "{}",
            measurements.json
        );
        assert_eq!(measurements.json["total"], 0);
        // Her own view has the measurement.
        let own = w
            .get(
                OTHER_PATIENT,
                &format!("/fhir/Observation?patient={celine}"),
            )
            .await
            .expect(StatusCode::OK, "her own");
        assert_eq!(resources(&own.json).len(), 1);
    });
}
