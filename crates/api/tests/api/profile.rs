//! The health profile through REST (issue 17, item 7): the patient adds and reads, the care
//! team's doctor reads and adds a measurement (not an allergy), a professional without access
//! gets the uniform not-found, a bad entry is refused with its French message (and audited
//! once), an entry is removed. Both backends.

use axum::http::StatusCode;
use mds_testkit::api::*;
use serde_json::{json, Value};

fn section<'a>(profile: &'a Value, name: &str) -> &'a Vec<Value> {
    profile["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["section"] == name)
        .unwrap_or_else(|| panic!("section {name}: {profile}"))["entries"]
        .as_array()
        .unwrap()
}

#[test]
fn the_patient_and_the_care_team_keep_the_health_profile() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let profile = format!("/api/v1/records/{pid}/profile");
        let entries = format!("{profile}/entries");

        let empty = w.get(PATIENT, &profile).await;
        assert_eq!(
            empty.status,
            StatusCode::OK,
            "{backend:?}: {:?}",
            empty.json
        );
        assert_eq!(empty.json["scope"], "full");
        assert_eq!(empty.headers["cache-control"], "no-store");
        assert!(section(&empty.json, "allergies").is_empty());

        // The patient adds an allergy.
        let allergy =
            json!({"kind": "allergy", "substance": " Pénicilline ", "severity": "severe"});
        let added = w.post(PATIENT, &entries, allergy).await;
        assert_eq!(
            added.status,
            StatusCode::CREATED,
            "{backend:?}: {:?}",
            added.json
        );
        assert_eq!(added.json["entry"]["substance"], "Pénicilline", "trimmed");
        assert_eq!(added.json["mine"], true);
        assert_eq!(added.json["by_professional"], false);
        let allergy_id = added.json["id"].as_str().unwrap().to_owned();

        // The care team's doctor reads it and adds a measurement, not an allergy.
        let read = w.get(DOCTOR, &profile).await;
        assert_eq!(read.status, StatusCode::OK, "{backend:?}");
        let allergies = section(&read.json, "allergies");
        assert_eq!(allergies.len(), 1);
        assert_eq!(allergies[0]["mine"], false);
        let weight = json!({"kind": "measurement", "quantity": "weight", "value": 72.54, "on": "2025-11-30"});
        let m = w.post(DOCTOR, &entries, weight).await;
        assert_eq!(m.status, StatusCode::CREATED, "{backend:?}: {:?}", m.json);
        assert_eq!(m.json["entry"]["value"], 72.5, "rounded to its precision");
        assert_eq!(m.json["by_professional"], true);
        let by_doctor = w
            .post(
                DOCTOR,
                &entries,
                json!({"kind": "allergy", "substance": "Latex", "severity": "mild"}),
            )
            .await;
        assert_eq!(by_doctor.status, StatusCode::FORBIDDEN, "{backend:?}");
        let mine = w.get(PATIENT, &profile).await;
        let measurements = section(&mine.json, "measurements");
        assert_eq!(measurements.len(), 1, "{backend:?}");
        assert_eq!(measurements[0]["author_name"], m.json["author_name"]);

        // A professional without access: the uniform not-found, for reading and adding.
        let outsider = w.get(NURSE, &profile).await;
        assert_eq!(
            (outsider.status, outsider.code()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{backend:?}"
        );
        let outsider = w
            .post(
                NURSE,
                &entries,
                json!({"kind": "vaccination", "vaccine": "Grippe", "on": "2025-10-01"}),
            )
            .await;
        assert_eq!(outsider.status, StatusCode::NOT_FOUND, "{backend:?}");
        let other_patient = w.get(OTHER_PATIENT, &profile).await;
        assert_eq!(other_patient.status, StatusCode::NOT_FOUND, "{backend:?}");

        // Bad entries: a value out of range (French message), a field no kind has, no JSON.
        let out_of_range = w
            .post(
                PATIENT,
                &entries,
                json!({"kind": "measurement", "quantity": "weight", "value": 900, "on": "2025-11-30"}),
            )
            .await;
        assert_eq!(
            (out_of_range.status, out_of_range.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "profile_entry_invalid"),
            "{backend:?}: {:?}",
            out_of_range.json
        );
        assert_eq!(
            out_of_range.json["error"]["message"],
            "Poids : la valeur doit être comprise entre 0,3 et 400 kg."
        );
        let before = w.last_seq().await;
        let unknown_field = w
            .post(
                PATIENT,
                &entries,
                json!({"kind": "allergy", "substance": "Latex", "severity": "mild", "color": "red"}),
            )
            .await;
        assert_eq!(
            (unknown_field.status, unknown_field.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
            "{backend:?}"
        );
        assert!(unknown_field.json["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Contenu JSON invalide"));
        let audited = w.events_after(before).await;
        assert_eq!(audited.len(), 1, "{backend:?}: one event");
        assert_eq!(audited[0].action, "record.request_refused");
        let token = w.token(PATIENT).await;
        let req = axum::http::Request::post(&entries)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(axum::body::Body::from("{\"kind\":"))
            .unwrap();
        let malformed = w.call(req).await;
        assert_eq!(
            (malformed.status, malformed.code()),
            (StatusCode::BAD_REQUEST, "malformed_json"),
            "{backend:?}"
        );

        // Removing: the doctor may not remove the patient's allergy, the patient may.
        let theirs = w.delete(DOCTOR, &format!("{entries}/{allergy_id}")).await;
        assert_eq!(theirs.status, StatusCode::FORBIDDEN, "{backend:?}");
        let gone = w.delete(PATIENT, &format!("{entries}/{allergy_id}")).await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT, "{backend:?}");
        let again = w.delete(PATIENT, &format!("{entries}/{allergy_id}")).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND, "{backend:?}");
        let after = w.get(PATIENT, &profile).await;
        assert!(section(&after.json, "allergies").is_empty(), "{backend:?}");
        assert_eq!(section(&after.json, "measurements").len(), 1);
    });
}
