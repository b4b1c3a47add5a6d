//! Cross-patient sweep through `/fhir`: every FHIR interaction on a record or document the
//! caller may not see — another patient's, another record's document, a record of no access,
//! an unknown one — answers a 404 `OperationOutcome` (`not-found`) exactly like what does not
//! exist, and leaves a denied audit event. Both backends.

use crate::bundles::*;
use axum::http::{Method, StatusCode};
use mds_testkit::fhir::*;
use serde_json::Value;

/// One interaction: method, path (`{P}` record, `{C}` its CAFAT number, `{D}` document) and
/// a JSON body (a Bundle template).
/// A transaction Bundle made for record `p` and document `d`.
type MakeBundle = fn(&str, &str) -> Value;

fn interactions() -> Vec<(Method, &'static str, Option<MakeBundle>)> {
    vec![
        (Method::GET, "/fhir/DocumentReference?patient={P}", None),
        (
            Method::GET,
            "/fhir/DocumentReference?patient.identifier=https://mondrivesante.nc/fhir/sid/cafat|{C}",
            None,
        ),
        (Method::GET, "/fhir/DocumentReference/{D}", None),
        (Method::GET, "/fhir/AllergyIntolerance?patient={P}", None),
        (Method::GET, "/fhir/MedicationStatement?patient=Patient/{P}", None),
        (Method::GET, "/fhir/Immunization?patient={P}", None),
        (Method::GET, "/fhir/Observation?patient={P}", None),
        (Method::GET, "/fhir/RelatedPerson?patient={P}", None),
        (Method::GET, "/fhir/Binary/{D}", None),
        (Method::GET, "/fhir/Binary/{D}?_format=json", None),
        (Method::DELETE, "/fhir/DocumentReference/{D}", None),
        (
            Method::POST,
            "/fhir",
            Some(|p, d| {
                let v2 = Doc {
                    replaces: Some(d.to_owned()),
                    ..Doc::text("Remplacement intrus")
                };
                submission(p, &[v2], true)
            }),
        ),
        (
            Method::POST,
            "/fhir",
            Some(|_, d| change(d, "entered-in-error", &[])),
        ),
        (
            Method::POST,
            "/fhir",
            Some(|_, d| change(d, "current", &["MASQUE_PS"])),
        ),
    ]
}

/// Interactions naming a record only (not a document of it).
fn record_only(path: &str, body: bool) -> bool {
    !path.contains("{D}") && !body
}

/// Calls every interaction as `login` on record `p` (CAFAT `c`) and document `d`; returns
/// the failures.
async fn sweep(
    w: &mut FhirWorld,
    login: &str,
    p: &str,
    c: &str,
    d: &str,
    only_documents: bool,
) -> Vec<String> {
    let mut failures = Vec::new();
    for (method, path, body) in interactions() {
        if only_documents && record_only(path, body.is_some()) {
            continue;
        }
        let uri = path.replace("{P}", p).replace("{C}", c).replace("{D}", d);
        let before = w.world.last_seq().await;
        let reply = match body {
            Some(make) => w.post(login, &uri, &make(p, d)).await,
            None => w.send(Some(login), method.clone(), &uri, &[], None).await,
        };
        let denied = w
            .world
            .events_after(before)
            .await
            .into_iter()
            .any(|e| e.outcome.as_str() == "deny" && !e.action.starts_with("auth."));
        if reply.status != StatusCode::NOT_FOUND || reply.issue() != "not-found" || !denied {
            failures.push(format!(
                "{method} {path} {}: {} {} (denial audited: {denied})",
                if body.is_some() { "(bundle)" } else { "" },
                reply.status,
                reply.json
            ));
        }
    }
    failures
}

#[test]
fn every_fhir_interaction_hides_what_the_caller_may_not_see() {
    on_both(|backend| async move {
        let mut w = FhirWorld::new(backend).await;
        let marie = w.world.patient_id(MARIE_CAFAT).await.to_string();
        let celine = w.world.patient_id(CELINE_CAFAT).await.to_string();
        // A document of Céline's record that Dr Néa did not deposit (he may read his own).
        let doctor = w.world.account_id(DOCTOR).await;
        let celine_id = w.world.patient_id(CELINE_CAFAT).await;
        let celine_doc = mds_store::documents::current_for_patient(w.world.app.db(), &celine_id)
            .await
            .unwrap()
            .into_iter()
            .find(|d| d.depositor_account_id.as_ref() != Some(&doctor))
            .unwrap()
            .id
            .to_string();
        let marie_doc = w
            .world
            .document_ids(MARIE_CAFAT)
            .await
            .remove(0)
            .to_string();
        let unknown = "00000000-0000-4000-8000-000000000000";

        let mut failures = Vec::new();
        let mut run = |who: &'static str, f: Vec<String>| {
            failures.extend(f.into_iter().map(|f| format!("{who}: {f}")));
        };
        run(
            "patient on another record",
            sweep(&mut w, PATIENT, &celine, CELINE_CAFAT, &celine_doc, false).await,
        );
        run(
            "patient, other record's document",
            sweep(&mut w, PATIENT, &marie, MARIE_CAFAT, &celine_doc, true).await,
        );
        run(
            "professional without access",
            sweep(&mut w, NURSE, &marie, MARIE_CAFAT, &marie_doc, false).await,
        );
        run(
            "professional, a document of a record of no access",
            sweep(&mut w, DOCTOR, &marie, MARIE_CAFAT, &celine_doc, true).await,
        );
        run(
            "support",
            sweep(&mut w, SUPPORT, &marie, MARIE_CAFAT, &marie_doc, false).await,
        );
        run(
            "unknown record and CAFAT number",
            sweep(&mut w, DOCTOR, unknown, "999999", unknown, false).await,
        );
        run(
            "unknown document",
            sweep(&mut w, PATIENT, &marie, MARIE_CAFAT, unknown, true).await,
        );
        run(
            "malformed ids",
            sweep(&mut w, PATIENT, &marie, "12ab", "pas-un-id", true).await,
        );
        // The history of another patient's record.
        let before = w.world.last_seq().await;
        let r = w
            .get(
                PATIENT,
                &format!("/fhir/AuditEvent?patient=Patient/{celine}"),
            )
            .await;
        let denied = w
            .world
            .events_after(before)
            .await
            .iter()
            .any(|e| e.outcome.as_str() == "deny");
        if r.status != StatusCode::NOT_FOUND || !denied {
            failures.push(format!(
                "AuditEvent of another record: {} {}",
                r.status, r.json
            ));
        }
        assert!(
            failures.is_empty(),
            "{backend:?}: {} failures:\n{}",
            failures.len(),
            failures.join("\n")
        );
    });
}
