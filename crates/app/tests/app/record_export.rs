//! Exports (issue 15, item 9): support exports an inactive record on the person's request
//! (identity checked, documents hidden from the patient left out) or a closed record for an
//! authority, never an active one; every export's history holds EVERY event of the record —
//! beyond the audit query's 10,000 cap — newest first, each with its French line, in
//! `history.json` and `history.html`. An heir of a deceased person receives the legal export,
//! whatever the record's state, once support recorded the request (issue 15, item 5), the
//! heir's name and justification sealed in the audit. Fixed clock; both backends.

use crate::export_index::unzip;
use mds_app::patients::export::{HeirRelationship, HeirRequest, SupportExport};
use mds_app::App;
use mds_audit::{ActorKind, AuditQuery, NewEvent, Outcome};
use mds_domain::PatientId;
use mds_testkit::app::*;
use sha2::{Digest, Sha256};

async fn events_of(app: &App, record: &PatientId) -> Vec<mds_audit::AuditRecord> {
    let q = AuditQuery {
        patient_id: Some(record.to_string()),
        limit: 10_000,
        ..AuditQuery::default()
    };
    let mut events = mds_audit::query(app.db(), &q).await.unwrap();
    app.open_audit_texts(&mut events).await.unwrap();
    events
}

#[test]
fn support_exports_an_inactive_record_on_request_and_never_an_active_one() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let support = actor(app, SUPPORT, at(0)).await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let poigoune = patient_id_by_cafat(app, "7654321").await;
        let marie = patient_id_by_cafat(app, "1234567").await;
        let reference = "Demande au guichet, CNI n° 123 vérifiée";

        let cases = [
            ("a professional", &doctor, &poigoune, reference, "forbidden"),
            (
                "no reference",
                &support,
                &poigoune,
                "  ",
                "reference_required",
            ),
            (
                "an active record",
                &support,
                &marie,
                reference,
                "record_active",
            ),
        ];
        for (name, who, record, text, want) in cases {
            let r = app.support_export(who, record, text, at(MINUTE)).await;
            assert_eq!(outcome(&r), want, "{backend:?}: {name}");
        }

        let (zip, kind) = app
            .support_export(&support, &poigoune, reference, at(MINUTE))
            .await
            .unwrap();
        assert_eq!(kind, SupportExport::OnRequest, "{backend:?}");
        let files = unzip(zip);
        let docs: serde_json::Value = serde_json::from_slice(&files["documents.json"]).unwrap();
        assert_eq!(docs.as_array().map(Vec::len), Some(2), "{backend:?}");
        let events = events_of(app, &poigoune).await;
        let audited = events
            .iter()
            .find(|e| e.action == "patient.export.on_request")
            .expect("audited");
        assert_eq!(audited.detail["reference"], reference);
        assert_eq!(audited.actor_kind, ActorKind::Support);

        // Once closed, the same request is the legal export.
        app.close_record_for_patient(&support, &poigoune, "courrier du 21/09", at(MINUTE))
            .await
            .unwrap();
        let (_, kind) = app
            .support_export(&support, &poigoune, "Réquisition n° 12", at(2 * MINUTE))
            .await
            .unwrap();
        assert_eq!(kind, SupportExport::Legal, "{backend:?}");
    });
}

#[test]
fn the_history_of_an_export_holds_every_event_beyond_ten_thousand_in_words() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let patient = actor(app, PATIENT, at(0)).await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let marie = patient_id_by_cafat(app, "1234567").await;
        let before = events_of(app, &marie).await.len();
        const ADDED: usize = 10_050;
        let mut tx = app.db().begin().await.unwrap();
        let batch: Vec<_> = (0..ADDED)
            .map(|i| {
                let ev = NewEvent {
                    actor_id: Some(doctor.account_id.to_string()),
                    patient_id: Some(marie.to_string()),
                    ..NewEvent::new(ActorKind::Professional, "document.search", Outcome::Success)
                };
                (ev, at(MINUTE).millis() + i as i64)
            })
            .collect();
        mds_audit::append_batch(&mut tx, batch).await.unwrap();
        tx.commit().await.unwrap();

        let files = unzip(app.export_own_record(&patient, at(HOUR)).await.unwrap());
        let history: serde_json::Value = serde_json::from_slice(&files["history.json"]).unwrap();
        let history = history.as_array().unwrap();
        assert_eq!(history.len(), before + ADDED, "{backend:?}: nothing cut");
        let newest = &history[0];
        assert_eq!(
            newest["at"],
            mds_domain::Timestamp::from_millis(at(MINUTE).millis() + ADDED as i64 - 1).to_rfc3339(),
            "{backend:?}: newest first"
        );
        for item in history {
            let line = item["line"].as_str().unwrap();
            assert!(
                !line.is_empty() && !line.contains("document.search"),
                "{line}"
            );
        }
        assert!(
            newest["line"].as_str().unwrap().contains("Néa"),
            "{backend:?}: {}",
            newest["line"]
        );
        let html = String::from_utf8(files["history.html"].clone()).unwrap();
        assert_eq!(html.matches("<li>").count(), history.len(), "{backend:?}");
        let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
        for name in ["history.json", "history.html"] {
            let entry = manifest["files"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["path"] == name)
                .unwrap();
            let digest = data_encoding::HEXLOWER.encode(&Sha256::digest(&files[name]));
            assert_eq!(entry["sha256"], digest.as_str(), "{backend:?}: {name}");
            assert_eq!(entry["size"], files[name].len(), "{backend:?}: {name}");
        }
    });
}

#[test]
fn an_heir_receives_the_legal_export_of_a_deceased_persons_record() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let support = actor(app, SUPPORT, at(0)).await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let marie = patient_id_by_cafat(app, "1234567").await;
        let request = |name: &str| HeirRequest {
            heir_name: name.to_owned(),
            relationship: HeirRelationship::Child,
            justification: "Acte de notoriété n° 2026-514 du 02/12/2026, CNI vue".to_owned(),
        };
        let heir = request("Paul Wéa");
        // (who, the request, expected) before the death is recorded, then after.
        let before = [
            (&doctor, heir.clone(), "forbidden"),
            (&support, heir.clone(), "not_deceased"),
        ];
        for (who, r, expected) in before {
            let got = app.heir_export(who, &marie, &r, at(MINUTE)).await;
            assert_eq!(outcome(&got), expected, "{backend:?}");
        }
        app.record_death(&support, &marie, "2026-09-01", at(2 * MINUTE))
            .await
            .unwrap();
        for (r, expected) in [
            (request(" "), "heir_name_required"),
            (
                HeirRequest {
                    justification: String::new(),
                    ..heir.clone()
                },
                "reference_required",
            ),
        ] {
            let got = app.heir_export(&support, &marie, &r, at(3 * MINUTE)).await;
            assert_eq!(outcome(&got), expected, "{backend:?}");
        }
        let denied = app
            .heir_export(&doctor, &marie, &heir, at(3 * MINUTE))
            .await;
        assert_eq!(outcome(&denied), "forbidden", "{backend:?}");
        // An active record: the death does not block the heir's path.
        let zip = app
            .heir_export(&support, &marie, &heir, at(3 * MINUTE))
            .await
            .unwrap();
        let files = unzip(zip);
        assert!(files.contains_key("documents.json") && files.contains_key("history.json"));
        let opened = events_of(app, &marie).await;
        let ev = opened
            .iter()
            .find(|e| e.action == "patient.export.heir")
            .expect("audited");
        assert_eq!(ev.detail["heir"], "Paul Wéa", "{backend:?}");
        assert_eq!(ev.detail["relationship"], "child");
        assert_eq!(ev.actor_kind, ActorKind::Support);
        let stored = stored_events_after(app, ev.seq - 1).await;
        let raw = stored.iter().find(|e| e.seq == ev.seq).unwrap();
        assert!(
            raw.detail["heir"]["sealed"].is_string(),
            "{backend:?}: the name is sealed"
        );
        assert!(!raw.detail.to_string().contains("notoriété"));
    });
}
