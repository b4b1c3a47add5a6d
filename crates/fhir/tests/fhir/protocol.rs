//! The protocol of `/fhir`: the CapabilityStatement, the formats (JSON only; XML answers 406),
//! the errors as `OperationOutcome`, authentication (sessions and structure software).

use axum::http::{Method, StatusCode};
use mds_testkit::fhir::*;
use serde_json::json;

#[test]
fn the_capability_statement_lists_what_is_served_and_the_ihe_actors() {
    on_both(|backend| async move {
        let w = FhirWorld::new(backend).await;
        let r = w
            .send_raw(Method::GET, "/fhir/metadata", &[], None)
            .await
            .expect(StatusCode::OK, "metadata");
        let c = &r.json;
        assert_eq!(c["resourceType"], "CapabilityStatement");
        assert_eq!(c["fhirVersion"], "4.0.1");
        let instantiates: Vec<&str> = c["instantiates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for actor in [
            "IHE.MHD.DocumentRecipient",
            "IHE.MHD.DocumentResponder",
            "IHE.PDQm.Supplier",
        ] {
            assert!(
                instantiates.iter().any(|i| i.contains(actor)),
                "{actor}: {instantiates:?}"
            );
        }
        let types: Vec<&str> = c["rest"][0]["resource"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["type"].as_str().unwrap())
            .collect();
        assert_eq!(
            types,
            [
                "DocumentReference",
                "Binary",
                "Patient",
                "AuditEvent",
                "AllergyIntolerance",
                "MedicationStatement",
                "Immunization",
                "Observation",
                "RelatedPerson"
            ]
        );
        assert_eq!(c["rest"][0]["interaction"][0]["code"], "transaction");
        assert!(r
            .headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("application/fhir+json"));
    });
}

#[test]
fn json_only_errors_as_operation_outcomes() {
    on_both(|backend| async move {
        let mut w = FhirWorld::new(backend).await;
        let get = |uri: &'static str, accept: Option<&'static str>| {
            let headers: Vec<(&str, &str)> = accept.iter().map(|a| ("accept", *a)).collect();
            (uri, headers)
        };
        let cases = [
            (
                get("/fhir/metadata?_format=xml", None),
                StatusCode::NOT_ACCEPTABLE,
                "not-supported",
            ),
            (
                get("/fhir/metadata", Some("application/fhir+xml")),
                StatusCode::NOT_ACCEPTABLE,
                "not-supported",
            ),
            (get("/fhir/metadata?_format=json", None), StatusCode::OK, ""),
            (
                get("/fhir/metadata", Some("application/fhir+json")),
                StatusCode::OK,
                "",
            ),
            (
                get("/fhir/metadata?unknown=1", None),
                StatusCode::BAD_REQUEST,
                "not-supported",
            ),
            (
                get("/fhir/Condition", None),
                StatusCode::NOT_FOUND,
                "not-found",
            ),
            (
                get("/fhir/DocumentReference?patient=x", None),
                StatusCode::UNAUTHORIZED,
                "login",
            ),
        ];
        for ((uri, headers), status, issue) in cases {
            let r = w.send_raw(Method::GET, uri, &headers, None).await;
            assert_eq!(r.status, status, "{uri} {headers:?}: {}", r.json);
            if !issue.is_empty() {
                assert_eq!(r.issue(), issue, "{uri}");
            }
        }
        let r = w
            .send_raw(Method::GET, "/fhir/DocumentReference?patient=x", &[], None)
            .await;
        assert!(r.headers.get("www-authenticate").is_some());
        let r = w.send_raw(Method::PUT, "/fhir/metadata", &[], None).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
        // Signed in: an unknown search parameter is refused, never ignored.
        let marie = w.world.patient_id(MARIE_CAFAT).await;
        let r = w
            .get(
                DOCTOR,
                &format!("/fhir/DocumentReference?patient={marie}&foo=bar"),
            )
            .await;
        assert_eq!(
            (r.status, r.issue()),
            (StatusCode::BAD_REQUEST, "not-supported")
        );
        // A body that is not FHIR JSON.
        let r = w
            .send(
                Some(DOCTOR),
                Method::POST,
                "/fhir",
                &[],
                Some(("application/fhir+xml".to_owned(), b"<Bundle/>".to_vec())),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    });
}

#[test]
fn structure_software_acts_for_a_named_professional() {
    on_both(|backend| async move {
        let mut w = FhirWorld::new(backend).await;
        let doctor = w.world.account_id(DOCTOR).await;
        let structure = mds_store::directory::professional(w.world.app.db(), &doctor)
            .await
            .unwrap()
            .unwrap()
            .structure_ids
            .remove(0);
        let created = w
            .world
            .post(
                SUPPORT,
                &format!("/api/v1/structures/{structure}/software-credentials"),
                json!({ "label": "DPI de test", "ends_on": in_a_year() }),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.json);
        let token = created.json["token"].as_str().unwrap().to_owned();
        let bearer = format!("Bearer {token}");
        // The doctor on the structure's list of authorised professionals (EXI 28).
        let support_token = w.world.token(SUPPORT).await;
        let support = w
            .world
            .app
            .authenticate(&support_token, now())
            .await
            .unwrap();
        w.world
            .app
            .authorise_structure_professional(
                &support,
                &structure,
                doctor.as_str(),
                &in_a_year(),
                now(),
            )
            .await
            .unwrap();
        let marie = w.world.patient_id(MARIE_CAFAT).await;
        let uri = format!("/fhir/DocumentReference?patient={marie}");
        let r = w
            .send_raw(
                Method::GET,
                &uri,
                &[
                    ("authorization", &bearer),
                    ("x-mds-professional", &doctor),
                    ("x-mds-professional-amr", "pwd mfa"),
                ],
                None,
            )
            .await
            .expect(StatusCode::OK, "software search");
        assert_eq!(r.json["resourceType"], "Bundle", "{:?}", r.json);
        // Without the two-factor assertion (EXI 23): refused.
        let r = w
            .send_raw(
                Method::GET,
                &uri,
                &[("authorization", &bearer), ("x-mds-professional", &doctor)],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.json);
        assert_eq!(r.json["resourceType"], "OperationOutcome", "{:?}", r.json);
        let r = w
            .send_raw(Method::GET, &uri, &[("authorization", &bearer)], None)
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNAUTHORIZED, "professional_required")
        );
        assert_eq!(r.json["resourceType"], "OperationOutcome", "{:?}", r.json);
        // A professional outside the credential's structure: refused.
        let nurse = w.world.account_id(NURSE).await;
        let r = w
            .send_raw(
                Method::GET,
                &uri,
                &[
                    ("authorization", &bearer),
                    ("x-mds-professional", &nurse),
                    ("x-mds-professional-amr", "mfa"),
                ],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(r.json["resourceType"], "OperationOutcome", "{:?}", r.json);
    });
}

/// A New Caledonia day a year from now (`AAAA-MM-JJ`), for end dates.
fn in_a_year() -> String {
    let day = (time::OffsetDateTime::now_utc() + time::Duration::days(365)).date();
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}
