//! The activity history, the professional's access log and the audit extraction through the
//! REST API (issue 5, part 1): who may call them, filters, pages, CSV and JSON, and the audit
//! of every read. Both backends.
#![allow(clippy::unwrap_used)]

use axum::http::StatusCode;
use mds_testkit::api::*;

#[test]
fn the_patient_reads_their_history_filtered_and_paged() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let added = w.add_text(DOCTOR, &pid, "Compte rendu du jour").await;
        assert_eq!(added.status, StatusCode::CREATED, "{:?}", added.json);
        assert!(w.lists(PATIENT, &pid).await);
        let history = format!("/api/v1/records/{pid}/history");

        let a = w.get(PATIENT, &history).await;
        assert_eq!(a.status, StatusCode::OK, "{:?}", a.json);
        let entries = a.json["entries"].as_array().unwrap().clone();
        let first = entries[0]["text"].as_str().unwrap();
        assert!(
            first.ends_with("— Vous avez consulté l'historique d'activité de votre dossier"),
            "{first}"
        );
        let texts: Vec<&str> = entries.iter().filter_map(|e| e["text"].as_str()).collect();
        assert!(
            texts.iter().any(|t| t.contains("Dr Jean Néa, médecin, Centre hospitalier territorial de Nouméa (démo), a ajouté le document")),
            "{texts:#?}"
        );
        assert!(texts
            .iter()
            .any(|t| t.contains("Vous avez recherché des documents de votre dossier")));

        let a = w.get(PATIENT, &format!("{history}?kind=searches")).await;
        let texts: Vec<String> = a.json["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["text"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(texts.len(), 1, "{texts:#?}");
        assert!(
            texts[0].contains("a recherché des documents")
                || texts[0].contains("avez recherché des documents")
        );

        // Whose actions: the patient's own, others', or an unknown value refused.
        let texts = |json: &serde_json::Value| -> Vec<String> {
            json["entries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["text"].as_str().unwrap().to_owned())
                .collect()
        };
        let mine = texts(&w.get(PATIENT, &format!("{history}?who=mine")).await.json);
        assert!(
            !mine.is_empty() && mine.iter().all(|t| t.contains(" — Vous ")),
            "{mine:#?}"
        );
        let others = texts(&w.get(PATIENT, &format!("{history}?who=others")).await.json);
        assert!(
            others.iter().any(|t| t.contains("Dr Jean Néa")),
            "{others:#?}"
        );
        assert!(
            others.iter().all(|t| !t.contains(" — Vous ")),
            "{others:#?}"
        );
        let bad = w.get(PATIENT, &format!("{history}?who=nobody")).await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{:?}",
            bad.json
        );

        let doctor = w.account_id(DOCTOR).await;
        let a = w
            .get(
                PATIENT,
                &format!("{history}?professional={doctor}&kind=changes"),
            )
            .await;
        let n = a.json["entries"].as_array().unwrap().len();
        assert!(n >= 1, "{:?}", a.json);
        assert!(a.json["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["text"].as_str().unwrap().contains("Dr Jean Néa")));

        // Pages of 2 follow the cursor, newest first, without repeating a line.
        let mut seqs = Vec::new();
        let mut uri = format!("{history}?limit=2");
        for _ in 0..50 {
            let a = w.get(PATIENT, &uri).await;
            assert_eq!(a.status, StatusCode::OK, "{:?}", a.json);
            let page = a.json["entries"].as_array().unwrap();
            assert!(page.len() <= 2);
            seqs.extend(page.iter().map(|e| e["seq"].as_i64().unwrap()));
            match a.json["next"].as_i64() {
                Some(next) => uri = format!("{history}?limit=2&before={next}"),
                None => break,
            }
        }
        assert!(seqs.len() > 4, "{seqs:?}");
        assert!(seqs.windows(2).all(|p| p[0] > p[1]), "{seqs:?}");

        for kind in ["nothing", ""] {
            let a = w.get(PATIENT, &format!("{history}?kind={kind}")).await;
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "kind={kind}");
        }
        let a = w.get(PATIENT, &format!("{history}?from=32/13/2026")).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        let a = w
            .get(PATIENT, &format!("{history}?from=2001-01-01&to=2001-01-31"))
            .await;
        assert_eq!(a.json["entries"].as_array().unwrap().len(), 0);
    });
}

#[test]
fn nobody_else_reads_a_patients_history_and_the_attempt_is_audited() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let history = format!("/api/v1/records/{pid}/history");
        let cases = [
            (DOCTOR, StatusCode::FORBIDDEN),
            (NURSE, StatusCode::FORBIDDEN),
            (SUPPORT, StatusCode::NOT_FOUND),
            (OTHER_PATIENT, StatusCode::NOT_FOUND),
        ];
        for (login, status) in cases {
            let seq = w.last_seq().await;
            let a = w.get(login, &history).await;
            assert_eq!(a.status, status, "{login}: {:?}", a.json);
            let ev = w.only_event_after(seq).await;
            assert_eq!(ev.action, "history.read", "{login}");
            assert_eq!(ev.outcome, mds_audit::Outcome::Deny, "{login}");
        }
        let a = w.get(PATIENT, &format!("{history}?kind=denied")).await;
        let texts: Vec<&str> = a.json["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["text"].as_str())
            .collect();
        assert!(texts.iter().any(|t| t.contains(
            "Dr Jean Néa, médecin, Centre hospitalier territorial de Nouméa (démo), a tenté de consulter l'historique d'activité de votre dossier : accès refusé"
        )), "{texts:#?}");
        assert!(a.json["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["denied"] == true));
    });
}

#[test]
fn a_professional_reads_their_access_log() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        assert!(w.lists(DOCTOR, &pid).await);
        let a = w.get(DOCTOR, "/api/v1/me/access-log?limit=5").await;
        assert_eq!(a.status, StatusCode::OK, "{:?}", a.json);
        let entries = a.json["entries"].as_array().unwrap();
        assert!(entries[0]["text"]
            .as_str()
            .unwrap()
            .ends_with("— Vous avez consulté votre journal d'accès"));
        assert!(entries.iter().any(|e| e["patient_id"] == pid.as_str()
            && e["text"].as_str().unwrap().contains(
                "Vous avez recherché des documents du dossier du patient (accès en tant que membre de l'équipe de soins)"
            )), "{entries:#?}");
        for login in [PATIENT, SUPPORT] {
            let a = w.get(login, "/api/v1/me/access-log").await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{login}");
        }
    });
}

#[test]
fn support_extracts_an_audit_trail_as_csv_or_json() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        assert!(w.lists(DOCTOR, &pid).await);
        let reason = "Requisition-2026-118";
        let uri = format!("/api/v1/audit/extract?patient_id={pid}&format=csv&reason={reason}");
        let a = w.get(SUPPORT, &uri).await;
        assert_eq!(
            a.status,
            StatusCode::OK,
            "{:?}",
            String::from_utf8_lossy(&a.bytes)
        );
        let body = String::from_utf8(a.bytes.clone()).unwrap();
        assert!(body.starts_with("seq,id,at,at_noumea,actor_kind,actor_id,on_behalf_of,structure_id,action,patient_id,document_id,access_mode,outcome,rule,detail,ip,prev_hash,hash,text\r\n"));
        let rows = body.matches("\r\n").count() - 1;
        let events = w
            .events_after(0)
            .await
            .into_iter()
            .filter(|e| e.patient_id.as_deref() == Some(pid.as_str()))
            .count();
        assert_eq!(
            rows, events,
            "every event of the record, the extraction included"
        );
        assert!(body.contains(",document.search,"));
        assert!(body.trim_end().ends_with("Le support Mon Drive Santé a extrait le journal d'audit du dossier du patient pour une autorité"));
        let ev = w.events_after(0).await.pop().unwrap();
        assert_eq!(ev.action, "audit.extract");
        assert_eq!(ev.detail["reason"], reason);

        let doctor = w.account_id(DOCTOR).await;
        let a = w
            .get(
                SUPPORT,
                &format!("/api/v1/audit/extract?professional_id={doctor}&reason={reason}"),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK);
        let items = a.json.as_array().unwrap();
        assert!(!items.is_empty());
        assert!(items
            .iter()
            .all(|e| e["actor_id"] == doctor.as_str() || e["on_behalf_of"] == doctor.as_str()));
        assert!(items
            .iter()
            .all(|e| e["text"].as_str().is_some_and(|t| !t.is_empty())));

        let seq = w.last_seq().await;
        let a = w.get(DOCTOR, &uri).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        let ev = w.only_event_after(seq).await;
        assert_eq!(
            (ev.action.as_str(), ev.outcome),
            ("audit.extract", mds_audit::Outcome::Deny)
        );

        let both = format!(
            "/api/v1/audit/extract?patient_id={pid}&professional_id={doctor}&reason={reason}"
        );
        assert_eq!(w.get(SUPPORT, &both).await.code(), "invalid_target");
        let short = format!("/api/v1/audit/extract?patient_id={pid}&reason=x");
        assert_eq!(w.get(SUPPORT, &short).await.code(), "reason_required");
        let csv = format!("/api/v1/audit/extract?patient_id={pid}&format=xml&reason={reason}");
        assert_eq!(w.get(SUPPORT, &csv).await.code(), "invalid_format");
        let unknown = format!(
            "/api/v1/audit/extract?patient_id=00000000-0000-4000-8000-000000000000&reason={reason}"
        );
        assert_eq!(w.get(SUPPORT, &unknown).await.status, StatusCode::NOT_FOUND);
        let nobody = format!("/api/v1/audit/extract?professional_id=00000000-0000-4000-8000-000000000000&reason={reason}");
        assert_eq!(w.get(SUPPORT, &nobody).await.status, StatusCode::NOT_FOUND);
    });
}
