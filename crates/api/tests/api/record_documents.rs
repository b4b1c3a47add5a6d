//! Documents through the REST API (issue 4): add, list and search, metadata and content,
//! new version, delete, duplicates, formats, size limits, information duty, assistants —
//! each on SQLite and PostgreSQL, each request audited with its access mode and rule.
#![allow(clippy::unwrap_used)]

use axum::http::{Method, StatusCode};
use mds_domain::DocumentId;
use mds_testkit::api::*;
use mds_testkit::typed;
use sha2::{Digest, Sha256};

fn sha(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(bytes))
}

#[test]
fn a_care_team_doctor_adds_lists_reads_and_versions_a_document() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let text = "Compte rendu : patiente revue, examen normal.";
        let before = w.last_seq().await;
        let added = w.add_text(DOCTOR, &pid, text).await;
        assert_eq!(
            added.status,
            StatusCode::CREATED,
            "{backend:?}: {:?}",
            added.json
        );
        let ev = w.only_event_after(before).await;
        assert_eq!(ev.action, "document.add", "{backend:?}");
        assert_eq!(ev.outcome.as_str(), "permit", "{backend:?}");
        assert_eq!(ev.access_mode.as_deref(), Some("care_team"), "{backend:?}");
        assert!(
            ev.rule.as_deref().unwrap_or("").starts_with("matrix.add"),
            "{backend:?}: {ev:?}"
        );
        let id = added.json["id"].as_str().unwrap().to_owned();
        assert_eq!(added.json["format"], "text/plain", "{backend:?}");
        assert_eq!(added.json["sha256"], sha(text.as_bytes()), "{backend:?}");

        let list = w
            .get(
                DOCTOR,
                &format!("/api/v1/records/{pid}/documents?type_code=11488-4"),
            )
            .await;
        assert_eq!(list.status, StatusCode::OK, "{backend:?}");
        let ids: Vec<_> = list.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_owned())
            .collect();
        assert!(ids.contains(&id), "{backend:?}: {ids:?}");
        assert!(
            list.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["type_code"] == "11488-4"),
            "{backend:?}"
        );

        let content = w
            .get(
                DOCTOR,
                &format!("/api/v1/records/{pid}/documents/{id}/content"),
            )
            .await;
        assert_eq!(content.status, StatusCode::OK, "{backend:?}");
        assert_eq!(content.bytes, text.as_bytes(), "{backend:?}");
        let meta = w
            .get(PATIENT, &format!("/api/v1/records/{pid}/documents/{id}"))
            .await;
        assert_eq!(
            meta.status,
            StatusCode::OK,
            "{backend:?}: the patient reads the metadata"
        );

        let v2 = w
            .upload(
                DOCTOR,
                &format!("/api/v1/records/{pid}/documents/{id}/versions"),
                &[
                    ("type_code", "11488-4"),
                    ("title", "Compte rendu rectifié"),
                    ("act_date", "2026-11-20"),
                ],
                b"Compte rendu rectifie : examen normal, tension 12/8.",
            )
            .await;
        assert_eq!(v2.status, StatusCode::CREATED, "{backend:?}: {:?}", v2.json);
        assert_eq!(v2.json["version"], 2, "{backend:?}");
        assert_eq!(v2.json["replaces_id"], id.as_str(), "{backend:?}");
        let list = w
            .get(PATIENT, &format!("/api/v1/records/{pid}/documents"))
            .await;
        let ids: Vec<_> = list.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_owned())
            .collect();
        assert!(
            !ids.contains(&id),
            "{backend:?}: the old version leaves the list"
        );
        assert!(
            ids.contains(&v2.json["id"].as_str().unwrap().to_owned()),
            "{backend:?}"
        );
        let old = w
            .get(DOCTOR, &format!("/api/v1/records/{pid}/documents/{id}"))
            .await;
        assert_eq!(old.json["status"], "superseded", "{backend:?}");
    });
}

#[test]
fn duplicates_formats_dtds_and_sizes_are_refused() {
    on_both(|backend| async move {
        let settings = mds_app::Settings {
            max_patient_document_bytes: 1000,
            ..mds_app::Settings::default()
        };
        let mut w = World::with_settings(backend, settings).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        assert_eq!(
            w.add_text(DOCTOR, &pid, "Un compte rendu.").await.status,
            StatusCode::CREATED
        );
        let dup = w.add_text(DOCTOR, &pid, "Un compte rendu.").await;
        assert_eq!(
            (dup.status, dup.code()),
            (StatusCode::CONFLICT, "duplicate_document"),
            "{backend:?}"
        );
        let ev = w
            .events_after(0)
            .await
            .into_iter()
            .rev()
            .find(|e| e.action == "document.add")
            .unwrap();
        assert_eq!(
            (ev.outcome.as_str(), ev.detail["error"].as_str()),
            ("failure", Some("duplicate_document")),
            "{backend:?}: a failed deposit is audited"
        );
        let uri = format!("/api/v1/records/{pid}/documents");
        let fields = [
            ("type_code", "11488-4"),
            ("title", "X"),
            ("act_date", "2026-11-20"),
        ];
        let binary = w.upload(DOCTOR, &uri, &fields, &[0, 1, 2, 3, 0xff]).await;
        assert_eq!(binary.code(), "unsupported_format", "{backend:?}");
        let xxe = b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><ClinicalDocument>&e;</ClinicalDocument>";
        let refused = w.upload(DOCTOR, &uri, &fields, xxe).await;
        assert_eq!(refused.code(), "xml_doctype_refused", "{backend:?}");
        let cda = w
            .upload(
                DOCTOR,
                &uri,
                &fields,
                b"<?xml version=\"1.0\"?><ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>",
            )
            .await;
        assert_eq!(
            cda.status,
            StatusCode::CREATED,
            "{backend:?}: {:?}",
            cda.json
        );
        assert_eq!(cda.json["format"], "application/xml", "{backend:?}");
        let big = vec![b'a'; 1001];
        let too_big = w.upload(PATIENT, &uri, &fields, &big).await;
        assert_eq!(
            (too_big.status, too_big.code()),
            (StatusCode::PAYLOAD_TOO_LARGE, "document_too_large"),
            "{backend:?}"
        );
        let bad_type = w
            .upload(
                DOCTOR,
                &uri,
                &[
                    ("type_code", "nope"),
                    ("title", "X"),
                    ("act_date", "2026-11-20"),
                ],
                b"abc",
            )
            .await;
        assert_eq!(bad_type.code(), "unknown_document_type", "{backend:?}");
    });
}

#[test]
fn information_duty_is_confirmed_once_per_pair() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(CELINE_CAFAT).await;
        let uri = format!("/api/v1/records/{pid}/documents");
        let fields = [
            ("type_code", "11488-4"),
            ("title", "Soins"),
            ("act_date", "2026-11-20"),
        ];
        let first = w.upload(NURSE, &uri, &fields, b"Premier soin.").await;
        assert_eq!(
            (first.status, first.code()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "information_duty_required"
            ),
            "{backend:?}"
        );
        let confirmed = w
            .upload(
                NURSE,
                &uri,
                &[
                    fields[0],
                    fields[1],
                    fields[2],
                    ("confirms_patient_informed", "true"),
                ],
                b"Premier soin.",
            )
            .await;
        assert_eq!(
            confirmed.status,
            StatusCode::CREATED,
            "{backend:?}: {:?}",
            confirmed.json
        );
        let again = w.upload(NURSE, &uri, &fields, b"Second soin.").await;
        assert_eq!(
            again.status,
            StatusCode::CREATED,
            "{backend:?}: recorded once per pair"
        );
    });
}

#[test]
fn an_assistant_adds_in_the_doctors_name_but_never_reads() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let added = w
            .add_text(ASSISTANT, &pid, "Courrier saisi par le secrétariat.")
            .await;
        assert_eq!(
            added.status,
            StatusCode::CREATED,
            "{backend:?}: {:?}",
            added.json
        );
        let doctor = w.account_id(DOCTOR).await;
        assert_eq!(
            added.json["depositor_account_id"],
            doctor.as_str(),
            "{backend:?}"
        );
        let id = added.json["id"].as_str().unwrap().to_owned();
        let ev = w
            .events_after(0)
            .await
            .into_iter()
            .rev()
            .find(|e| e.action == "document.add")
            .unwrap();
        assert_eq!(
            ev.on_behalf_of.as_deref(),
            Some(doctor.as_str()),
            "{backend:?}"
        );
        let before = w.last_seq().await;
        for uri in [
            format!("/api/v1/records/{pid}/documents/{id}/content"),
            format!("/api/v1/records/{pid}/documents/{id}"),
            format!("/api/v1/records/{pid}/documents"),
        ] {
            let a = w.get(ASSISTANT, &uri).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{backend:?}: {uri}");
        }
        let evs = w.events_after(before).await;
        assert_eq!(evs.len(), 3, "{backend:?}");
        assert!(
            evs.iter()
                .all(|e| e.outcome.as_str() == "deny"
                    && e.rule.as_deref() == Some("assistant.add_only")),
            "{backend:?}: {evs:#?}"
        );
    });
}

#[test]
fn only_the_depositor_modifies_and_deletion_erases_the_content() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        // Dr Néa and the pharmacist are both in Marie Wéa's care team and both read lab
        // results; only the pharmacist deposited this one.
        let lab = [
            ("type_code", "11502-2"),
            ("title", "Bilan"),
            ("act_date", "2026-11-20"),
            ("confirms_patient_informed", "true"),
        ];
        let docs = format!("/api/v1/records/{pid}/documents");
        let added = w.upload(PHARMACIST, &docs, &lab, b"INR 2,5.").await;
        assert_eq!(
            added.status,
            StatusCode::CREATED,
            "{backend:?}: {:?}",
            added.json
        );
        let id = added.json["id"].as_str().unwrap().to_owned();
        let uri = format!("/api/v1/records/{pid}/documents/{id}/versions");
        w.token(DOCTOR).await;
        let before = w.last_seq().await;
        let refused = w
            .upload(DOCTOR, &uri, &lab, b"Modification interdite.")
            .await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{backend:?}: {:?}",
            refused.json
        );
        let ev = w.only_event_after(before).await;
        assert_eq!(
            (ev.outcome.as_str(), ev.action.as_str()),
            ("deny", "document.modify"),
            "{backend:?}"
        );

        let row = mds_store::documents::by_id(w.app.db(), &typed::<DocumentId>(&id))
            .await
            .unwrap()
            .unwrap();
        let object = row.content.unwrap().object_key;
        let del = w
            .send(
                PHARMACIST,
                Method::DELETE,
                &format!("/api/v1/records/{pid}/documents/{id}"),
                None,
            )
            .await;
        assert_eq!(
            del.status,
            StatusCode::NO_CONTENT,
            "{backend:?}: {:?}",
            del.json
        );
        let row = mds_store::documents::by_id(w.app.db(), &typed::<DocumentId>(&id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.status.as_str(), row.content.is_none()),
            ("deleted", true),
            "{backend:?}"
        );
        assert!(
            w.app
                .vault()
                .list()
                .await
                .unwrap()
                .iter()
                .all(|o| o.key != object),
            "{backend:?}: content erased"
        );
        let gone = w
            .get(
                PHARMACIST,
                &format!("/api/v1/records/{pid}/documents/{id}/content"),
            )
            .await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND, "{backend:?}");
        let evs = w.events_after(0).await;
        assert!(
            evs.iter()
                .any(|e| e.action == "document.delete"
                    && e.document_id.as_deref() == Some(id.as_str())),
            "{backend:?}: the event stays"
        );
    });
}

#[test]
fn search_filters_and_pages() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        for i in 0..5 {
            let a = w.add_text(DOCTOR, &pid, &format!("Note {i}")).await;
            assert_eq!(a.status, StatusCode::CREATED);
        }
        let page = w
            .get(
                PATIENT,
                &format!("/api/v1/records/{pid}/documents?limit=3&offset=0"),
            )
            .await;
        assert_eq!(
            page.json["items"].as_array().unwrap().len(),
            3,
            "{backend:?}"
        );
        let total = page.json["total"].as_u64().unwrap();
        assert!(
            total >= 9,
            "{backend:?}: demo documents and 5 notes: {total}"
        );
        let doctor = w.account_id(DOCTOR).await;
        let by_author = w.get(PATIENT, &format!("/api/v1/records/{pid}/documents?author_account_id={doctor}&from=2026-11-01&to=2026-11-30")).await;
        let items = by_author.json["items"].as_array().unwrap();
        assert_eq!(items.len(), 5, "{backend:?}: {items:?}");
        let labs = w
            .get(
                PATIENT,
                &format!("/api/v1/records/{pid}/documents?type_code=11502-2"),
            )
            .await;
        assert_eq!(labs.json["total"], 1, "{backend:?}");
        let evs = w.events_after(0).await;
        assert!(
            evs.iter().filter(|e| e.action == "document.search").count() >= 3,
            "{backend:?}: every search recorded"
        );
    });
}

/// A list is chosen and counted by the store under the policy's list scope: for each actor,
/// `total` is exactly the number of documents it is shown, and pages of two walk the same
/// documents in the same order. The record holds a masked document deposited by the
/// pharmacist, one hidden from the patient, and types the pharmacist is not habilitated for.
#[test]
fn list_totals_count_exactly_what_each_actor_is_shown() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let docs = format!("/api/v1/records/{pid}/documents");
        for i in 0..3 {
            let a = w.add_text(DOCTOR, &pid, &format!("Note {i}")).await;
            assert_eq!(a.status, StatusCode::CREATED, "{backend:?}: {:?}", a.json);
        }
        let own = w.add_text(PHARMACIST, &pid, "Conseil officinal.").await;
        assert_eq!(
            own.status,
            StatusCode::CREATED,
            "{backend:?}: {:?}",
            own.json
        );
        let own = format!("{docs}/{}", own.json["id"].as_str().unwrap());
        let masked = w
            .post(PATIENT, &format!("{own}/mask"), serde_json::json!({}))
            .await;
        assert_eq!(masked.status, StatusCode::NO_CONTENT, "{backend:?}");
        let hidden = w
            .upload(
                DOCTOR,
                &docs,
                &[
                    ("type_code", "11488-4"),
                    ("title", "Résultat à annoncer"),
                    ("act_date", "2026-11-20"),
                    ("confirms_patient_informed", "true"),
                    ("hidden_from_patient", "true"),
                ],
                b"Compte rendu a annoncer en consultation.",
            )
            .await;
        assert_eq!(
            hidden.status,
            StatusCode::CREATED,
            "{backend:?}: {:?}",
            hidden.json
        );

        let mut shown_counts = Vec::new();
        for who in [DOCTOR, PATIENT, PHARMACIST] {
            let all = w.get(who, &format!("{docs}?limit=100")).await;
            assert_eq!(
                all.status,
                StatusCode::OK,
                "{backend:?} {who}: {:?}",
                all.json
            );
            let ids: Vec<String> = all.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["id"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(
                all.json["total"].as_u64(),
                Some(ids.len() as u64),
                "{backend:?} {who}: total against items"
            );
            let mut walked = Vec::new();
            for offset in (0..ids.len() + 2).step_by(2) {
                let page = w.get(who, &format!("{docs}?limit=2&offset={offset}")).await;
                assert_eq!(
                    page.json["total"].as_u64(),
                    Some(ids.len() as u64),
                    "{backend:?} {who}"
                );
                walked.extend(
                    page.json["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|d| d["id"].as_str().unwrap().to_owned()),
                );
            }
            assert_eq!(walked, ids, "{backend:?} {who}: pages of two");
            shown_counts.push((who, ids.len()));
        }
        // Habilitation and masking narrow the pharmacist's list: the scope is not a no-op.
        let (doctor, pharmacist) = (shown_counts[0].1, shown_counts[2].1);
        assert_ne!(doctor, pharmacist, "{backend:?}: {shown_counts:?}");
    });
}
