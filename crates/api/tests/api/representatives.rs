//! Legal representatives over REST (issue 15, item 5): support records a representative on a
//! legal document (multipart), lists the representations, reads the document back and ends
//! one; the representative lists the records they represent and reaches the represented record
//! through the record routes with their own session, until the end; a stranger never does;
//! nobody but support reaches the support routes. Both backends.
#![allow(clippy::unwrap_used)]

use axum::http::{header, StatusCode};
use mds_testkit::api::*;
use serde_json::Value;

fn form(login: &str, kind: &str, last_day: &str, document: &[u8]) -> Vec<u8> {
    Multipart::new()
        .text("login", login)
        .text("kind", kind)
        .text("last_day", last_day)
        .text(
            "reference",
            "Demande reçue au guichet de Koné, jugement vérifié",
        )
        .file("document", "jugement.pdf", document)
        .finish()
}

/// The year in Nouméa today.
fn this_year() -> i32 {
    now().noumea_date().unwrap().year()
}

/// Audit events written on `patient_id` since `seq`.
async fn events_on(w: &World, seq: i64, patient_id: &str) -> Vec<mds_audit::AuditRecord> {
    w.events_after(seq)
        .await
        .into_iter()
        .filter(|e| e.patient_id.as_deref() == Some(patient_id))
        .collect()
}

/// A record of a child, written straight into the store: the creation use case refuses
/// minors, whose records are not opened by professionals.
async fn child_record(w: &World, like: &mds_domain::PatientId) -> mds_domain::PatientId {
    let mut p = mds_store::patients::by_id(w.app.db(), like)
        .await
        .unwrap()
        .unwrap();
    p.id = mds_domain::PatientId::parse(&mds_store::new_id()).unwrap();
    p.identifier_number = "9182736".to_owned();
    p.birth_date = format!("{}-01-15", this_year() - 10);
    p.first_names = r#"["Léa"]"#.to_owned();
    p.first_names_norm = "LEA".to_owned();
    (p.email, p.phone) = (None, None);
    mds_store::patients::insert(w.app.db(), &p).await.unwrap();
    p.id
}

#[test]
fn support_records_a_guardian_who_then_reaches_the_record_until_it_ends() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let joseph = w.patient_id(JOSEPH_CAFAT).await.to_string(); // adult, no account
        let base = format!("/api/v1/patients/{joseph}/representatives");
        let documents = format!("/api/v1/records/{joseph}/documents");
        let pdf = mds_demo::drawing::minimal_pdf("Jugement de tutelle", "Joseph Poigoune");
        let last_day = format!("31/12/{}", this_year() + 1);

        // Refusals by the use case, each audited once on the record.
        let before = w.last_seq().await;
        let parent = form(OTHER_PATIENT, "parent", &last_day, &pdf);
        let a = w.post_form(SUPPORT, &base, parent).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", a.json);
        assert_eq!(a.code(), "representation_parent_of_adult", "{backend:?}");
        let audited = events_on(&w, before, &joseph).await;
        assert_eq!(audited.len(), 1, "{backend:?}: {audited:#?}");
        assert_eq!(audited[0].action, "record.request_refused", "{backend:?}");
        let a = w
            .post_form(
                SUPPORT,
                &base,
                form(OTHER_PATIENT, "tutor", &last_day, &pdf),
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", a.json);
        assert_eq!(a.code(), "representation_kind_invalid");
        let a = w
            .post_form(
                SUPPORT,
                &base,
                form("nobody@example.nc", "guardian", &last_day, &pdf),
            )
            .await;
        assert_eq!(a.code(), "representative_unknown", "{:?}", a.json);
        let no_document = Multipart::new()
            .text("login", OTHER_PATIENT)
            .text("kind", "guardian")
            .text("last_day", &last_day)
            .text("reference", "Demande 12")
            .finish();
        let a = w.post_form(SUPPORT, &base, no_document).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", a.json);
        assert_eq!(a.code(), "missing_part");

        // Céline becomes Joseph's guardian.
        let a = w
            .post_form(
                SUPPORT,
                &base,
                form(OTHER_PATIENT, "guardian", &last_day, &pdf),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{backend:?}: {:?}", a.json);
        let id = a.json["id"].as_str().unwrap().to_owned();
        assert_eq!(a.json["kind"], "guardian");
        assert_eq!(a.json["patient_id"], joseph.as_str());
        assert_eq!(a.json["representative_login"], OTHER_PATIENT);
        assert_eq!(a.json["last_day"], last_day.as_str());
        assert_eq!(a.json["current"], true);
        for at in ["ends_at", "recorded_at"] {
            assert!(a.json[at].is_string(), "{at}, RFC 3339: {:?}", a.json);
        }
        let a = w
            .post_form(
                SUPPORT,
                &base,
                form(OTHER_PATIENT, "guardian", &last_day, &pdf),
            )
            .await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{:?}", a.json);
        assert_eq!(a.code(), "representation_exists");

        let list = w.get(SUPPORT, &base).await;
        assert_eq!(list.status, StatusCode::OK, "{:?}", list.json);
        assert_eq!(
            list.json.as_array().map(Vec::len),
            Some(1),
            "{:?}",
            list.json
        );
        assert_eq!(list.json[0]["id"], id.as_str());
        let document = format!("{base}/{id}/document");
        let d = w.get(SUPPORT, &document).await;
        assert_eq!(d.status, StatusCode::OK, "{backend:?}");
        assert_eq!(d.bytes, pdf, "{backend:?}: the document read back");
        assert_eq!(
            d.headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            Some("application/pdf")
        );

        // Only support reaches the support routes; only patients list what they represent.
        let end = format!("{base}/{id}/end");
        for login in [DOCTOR, PATIENT, OTHER_PATIENT] {
            for uri in [&base, &document] {
                let a = w.get(login, uri).await;
                assert!(
                    matches!(a.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                    "{backend:?}: {login} GET {uri}: {}",
                    a.status
                );
            }
            let a = w.post(login, &end, Value::Null).await;
            assert!(
                matches!(a.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{backend:?}: {login} ends: {}",
                a.status
            );
            let a = w
                .post_form(login, &base, form(PATIENT, "guardian", &last_day, &pdf))
                .await;
            assert!(
                matches!(a.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{backend:?}: {login} records: {}",
                a.status
            );
        }
        let a = w.get(SUPPORT, "/api/v1/me/represented").await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{:?}", a.json);

        // The guardian reaches Joseph's record as his representative; a stranger does not.
        let r = w.get(OTHER_PATIENT, "/api/v1/me/represented").await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.json);
        assert_eq!(r.json.as_array().map(Vec::len), Some(1), "{:?}", r.json);
        assert_eq!(r.json[0]["patient_id"], joseph.as_str());
        assert_eq!(r.json[0]["kind"], "guardian");
        assert_eq!(r.json[0]["last_day"], last_day.as_str());
        let before = w.last_seq().await;
        let l = w.get(OTHER_PATIENT, &documents).await;
        assert_eq!(l.status, StatusCode::OK, "{backend:?}: {:?}", l.json);
        assert!(l.json["total"].as_u64().unwrap() > 0, "{:?}", l.json);
        let audited = events_on(&w, before, &joseph).await;
        assert_eq!(audited.len(), 1, "{backend:?}: {audited:#?}");
        assert_eq!(audited[0].access_mode.as_deref(), Some("representative"));
        let r = w.get(PATIENT, "/api/v1/me/represented").await;
        assert_eq!(r.json, serde_json::json!([]), "{backend:?}");
        let l = w.get(PATIENT, &documents).await;
        assert_eq!(l.status, StatusCode::NOT_FOUND, "{backend:?}: a stranger");
        assert_eq!(l.code(), "not_found");

        // Support ends it: the former guardian gets the uniform not found.
        let unknown = "0b1d6f8e-5a43-4c2e-9d7a-3f0e8c2b1a90";
        let a = w
            .post(SUPPORT, &format!("{base}/{unknown}/end"), Value::Null)
            .await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{:?}", a.json);
        let a = w.get(SUPPORT, &format!("{base}/{unknown}/document")).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{:?}", a.json);
        let a = w.post(SUPPORT, &end, Value::Null).await;
        assert_eq!(
            a.status,
            StatusCode::NO_CONTENT,
            "{backend:?}: {:?}",
            a.json
        );
        let a = w.post(SUPPORT, &end, Value::Null).await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{:?}", a.json);
        assert_eq!(a.code(), "representation_ended");
        let l = w.get(OTHER_PATIENT, &documents).await;
        assert_eq!(l.status, StatusCode::NOT_FOUND, "{backend:?}: ended");
        assert_eq!(l.code(), "not_found");
        let r = w.get(OTHER_PATIENT, "/api/v1/me/represented").await;
        assert_eq!(r.json, serde_json::json!([]), "{backend:?}");
        let list = w.get(SUPPORT, &base).await;
        assert_eq!(list.json[0]["current"], false, "{:?}", list.json);
        assert!(list.json[0]["ended_at"].is_string(), "{:?}", list.json);
    });
}

#[test]
fn a_parent_represents_a_child_until_the_eve_of_majority() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let joseph = w.patient_id(JOSEPH_CAFAT).await;
        let child = child_record(&w, &joseph).await;
        let base = format!("/api/v1/patients/{child}/representatives");
        let pdf = mds_demo::drawing::minimal_pdf("Acte de naissance", "Léa");
        let majority = format!("15/01/{}", this_year() + 8);
        let a = w
            .post_form(
                SUPPORT,
                &base,
                form(OTHER_PATIENT, "parent", &majority, &pdf),
            )
            .await;
        assert_eq!(a.code(), "representation_beyond_majority", "{:?}", a.json);
        let a = w
            .post_form(
                SUPPORT,
                &base,
                form(OTHER_PATIENT, "curator", "31/12/2099", &pdf),
            )
            .await;
        assert_eq!(a.code(), "representation_curator_of_minor", "{:?}", a.json);
        let eve = format!("14/01/{}", this_year() + 8);
        let a = w
            .post_form(SUPPORT, &base, form(OTHER_PATIENT, "parent", &eve, &pdf))
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{backend:?}: {:?}", a.json);
        assert_eq!(a.json["kind"], "parent");
        let r = w.get(OTHER_PATIENT, "/api/v1/me/represented").await;
        assert_eq!(r.json[0]["patient_id"], child.to_string(), "{:?}", r.json);
        let l = w
            .get(OTHER_PATIENT, &format!("/api/v1/records/{child}/documents"))
            .await;
        assert_eq!(l.status, StatusCode::OK, "{backend:?}: {:?}", l.json);
    });
}

/// The form's `kind` is an enumeration in the schema, the one the service parses.
#[test]
fn the_schema_lists_the_kinds_the_service_accepts() {
    let doc: Value = serde_json::from_str(&mds_api::openapi_json()).unwrap();
    let listed = &doc["components"]["schemas"]["RepresentationKind"]["enum"];
    let kinds: Vec<&str> = mds_domain::RepresentationKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(listed, &serde_json::json!(kinds));
    let form = &doc["components"]["schemas"]["RepresentationForm"]["properties"];
    assert_eq!(
        form["kind"]["$ref"],
        "#/components/schemas/RepresentationKind"
    );
}
