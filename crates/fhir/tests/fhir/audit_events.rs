//! The patient's history as IHE BALP AuditEvents: their own record only, the same French
//! lines as the history of `/api/v1`, paged, and the read itself audited.

use axum::http::StatusCode;
use mds_testkit::fhir::*;

#[test]
fn the_patient_reads_the_history_as_audit_events() {
    on_both(|backend| async move {
        let mut w = FhirWorld::new(backend).await;
        let marie = w.world.patient_id(MARIE_CAFAT).await.to_string();
        // Some activity: the doctor lists and reads, the nurse is refused.
        w.get(DOCTOR, &format!("/fhir/DocumentReference?patient={marie}"))
            .await
            .expect(StatusCode::OK, "doctor lists");
        w.get(NURSE, &format!("/fhir/DocumentReference?patient={marie}"))
            .await
            .expect(StatusCode::NOT_FOUND, "nurse refused");

        let first = format!("/fhir/AuditEvent?patient=Patient/{marie}&_count=3");
        let r = w
            .get(PATIENT, &first)
            .await
            .expect(StatusCode::OK, "AuditEvent");
        let entries = r.json["entry"].as_array().unwrap().clone();
        assert_eq!(entries.len(), 3);
        // Newest first: the read of the history itself.
        let newest = &entries[0]["resource"];
        assert_eq!(newest["resourceType"], "AuditEvent");
        assert_eq!(newest["subtype"][1]["code"], "history.read");
        assert_eq!(
            newest["agent"][0]["who"]["reference"],
            format!("Patient/{marie}")
        );
        // The same French lines as the REST history.
        let rest = w
            .world
            .get(PATIENT, &format!("/api/v1/records/{marie}/history?limit=4"))
            .await;
        assert_eq!(rest.status, StatusCode::OK);
        let line = |e: &serde_json::Value| {
            e["resource"]["text"]["div"]
                .as_str()
                .unwrap()
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
        };
        // The REST read is newer than the FHIR page: compare from its second line.
        for (i, e) in entries.iter().enumerate().skip(1) {
            let text = rest.json["entries"][i + 1]["text"].as_str().unwrap();
            assert!(line(e).contains(text), "{} / {text}", line(e));
        }
        let denied = entries
            .iter()
            .find(|e| e["resource"]["outcome"] == "4")
            .expect("the nurse's refusal");
        assert!(line(denied).contains("accès refusé"), "{}", line(denied));
        let nurse = w.world.account_id(NURSE).await;
        assert_eq!(
            denied["resource"]["agent"][0]["who"]["identifier"]["value"],
            nurse.as_str()
        );
        // The next page.
        let next = r.json["link"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["relation"] == "next")
            .map(|l| path_of(l["url"].as_str().unwrap()))
            .expect("a next page");
        let r = w
            .get(PATIENT, &next)
            .await
            .expect(StatusCode::OK, "next page");
        let second = r.json["entry"].as_array().unwrap();
        assert!(!second.is_empty());
        let last_seq: i64 = entries[2]["resource"]["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let first_next: i64 = second[0]["resource"]["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(first_next < last_seq);

        // A professional reads no patient history: the same answer as the REST history.
        let fhir = w
            .get(DOCTOR, &format!("/fhir/AuditEvent?patient=Patient/{marie}"))
            .await;
        let rest = w
            .world
            .get(DOCTOR, &format!("/api/v1/records/{marie}/history"))
            .await;
        assert_eq!(fhir.status, rest.status);
        assert!(fhir.status.is_client_error());
    });
}
