//! The controls over a record through the REST API (issue 4): care team, consent (portal,
//! one-time code, attestation), break-glass, SAMU, blocking, emergency settings, masking,
//! hiding from the patient, feeding opposition — and their illegal transitions. Both
//! backends; each decision is audited with its access mode and rule.
#![allow(clippy::unwrap_used)]

use axum::http::StatusCode;
use mds_domain::DocumentId;
use mds_testkit::api::*;
use mds_testkit::typed;
use serde_json::json;

#[test]
fn the_patient_manages_the_care_team() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let nurse = w.account_id(NURSE).await;
        assert!(
            !w.lists(NURSE, &pid).await,
            "{backend:?}: not yet in the team"
        );
        let team = format!("/api/v1/records/{pid}/care-team");
        let a = w
            .post(PATIENT, &team, json!({ "professional_account_id": nurse }))
            .await;
        assert_eq!(
            a.status,
            StatusCode::NO_CONTENT,
            "{backend:?}: {:?}",
            a.json
        );
        assert!(
            w.lists(NURSE, &pid).await,
            "{backend:?}: care team member lists"
        );
        let ev = w
            .events_after(0)
            .await
            .into_iter()
            .rev()
            .find(|e| e.action == "document.search")
            .unwrap();
        assert_eq!(ev.access_mode.as_deref(), Some("care_team"), "{backend:?}");
        let listed = w.get(PATIENT, &team).await;
        assert!(
            listed
                .json
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["professional_account_id"] == nurse.as_str()),
            "{backend:?}"
        );

        let by_pro = w
            .post(DOCTOR, &team, json!({ "professional_account_id": nurse }))
            .await;
        assert_eq!(
            (by_pro.status, by_pro.code()),
            (StatusCode::FORBIDDEN, "access_denied"),
            "{backend:?}"
        );
        let unknown = w
            .post(PATIENT, &team, json!({ "professional_account_id": pid }))
            .await;
        assert_eq!(unknown.code(), "unknown_professional", "{backend:?}");

        let attending = format!("/api/v1/records/{pid}/attending-physician");
        let a = w
            .put(
                PATIENT,
                &attending,
                json!({ "professional_account_id": nurse }),
            )
            .await;
        assert_eq!(
            a.status,
            StatusCode::NO_CONTENT,
            "{backend:?}: {:?}",
            a.json
        );
        let listed = w.get(PATIENT, &team).await;
        let flags: Vec<_> = listed
            .json
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["attending_physician"] == true)
            .map(|m| m["professional_account_id"].clone())
            .collect();
        assert_eq!(
            flags,
            vec![json!(nurse)],
            "{backend:?}: one attending physician"
        );

        let r = w.delete(PATIENT, &format!("{team}/{nurse}")).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{backend:?}");
        assert!(
            !w.lists(NURSE, &pid).await,
            "{backend:?}: removed from the team"
        );
    });
}

#[test]
fn consent_by_one_time_code_is_single_use_and_revocable() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        assert!(!w.lists(MIDWIFE, &pid).await, "{backend:?}");
        let asked = w
            .post(
                MIDWIFE,
                &format!("/api/v1/records/{pid}/consents"),
                json!({ "purpose": "Suivi de grossesse" }),
            )
            .await;
        assert_eq!(
            asked.status,
            StatusCode::CREATED,
            "{backend:?}: {:?}",
            asked.json
        );
        assert!(
            asked.json["code"].is_null(),
            "{backend:?}: the professional never sees the code"
        );
        let cid = asked.json["id"].as_str().unwrap().to_owned();
        // The code reaches the patient in their notification (and e-mail), nowhere else.
        let mine = w
            .get(PATIENT, &format!("/api/v1/records/{pid}/consents"))
            .await;
        assert!(mine
            .json
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.get("code").is_none()));
        let inbox = w.get(PATIENT, "/api/v1/me/notifications").await;
        let text = inbox.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["kind"] == "consent_request")
            .unwrap()["text"]
            .as_str()
            .unwrap()
            .to_owned();
        let code = one_time_code(&text);
        assert_eq!(code.len(), 6, "{backend:?}");
        let code_uri = format!("/api/v1/records/{pid}/consents/{cid}/code");
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let bad = w.post(MIDWIFE, &code_uri, json!({ "code": wrong })).await;
        assert_eq!(bad.code(), "consent_code_invalid", "{backend:?}");
        let other = w.post(NURSE, &code_uri, json!({ "code": code })).await;
        assert_eq!(
            other.status,
            StatusCode::NOT_FOUND,
            "{backend:?}: only the requester enters it"
        );
        let ok = w.post(MIDWIFE, &code_uri, json!({ "code": code })).await;
        assert_eq!(
            (ok.status, ok.json["state"].as_str()),
            (StatusCode::OK, Some("granted")),
            "{backend:?}: {:?}",
            ok.json
        );
        assert!(
            w.lists(MIDWIFE, &pid).await,
            "{backend:?}: consented access"
        );
        let ev = w
            .events_after(0)
            .await
            .into_iter()
            .rev()
            .find(|e| e.action == "document.search")
            .unwrap();
        assert_eq!(ev.access_mode.as_deref(), Some("consented"), "{backend:?}");
        let reused = w.post(MIDWIFE, &code_uri, json!({ "code": code })).await;
        assert_eq!(
            reused.code(),
            "consent_code_invalid",
            "{backend:?}: a code is used once"
        );

        let revoked = w
            .post(
                PATIENT,
                &format!("/api/v1/records/{pid}/consents/{cid}/revoke"),
                json!({}),
            )
            .await;
        assert_eq!(
            revoked.json["state"], "revoked",
            "{backend:?}: {:?}",
            revoked.json
        );
        assert!(!w.lists(MIDWIFE, &pid).await, "{backend:?}: revoked");
    });
}

#[test]
fn consent_in_the_portal_attested_in_person_or_expired() {
    on_both(|backend| async move {
        let settings = mds_app::Settings {
            consent_code_minutes: 0,
            ..mds_app::Settings::default()
        };
        let mut w = World::with_settings(backend, settings).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let cid = ask(&mut w, &pid).await;
        let expired = w
            .post(
                MIDWIFE,
                &format!("/api/v1/records/{pid}/consents/{cid}/code"),
                json!({ "code": "123456" }),
            )
            .await;
        assert_eq!(
            expired.code(),
            "consent_code_invalid",
            "{backend:?}: expired code"
        );
        let refused = w
            .post(
                PATIENT,
                &format!("/api/v1/records/{pid}/consents/{cid}/refuse"),
                json!({}),
            )
            .await;
        assert_eq!(refused.json["state"], "refused", "{backend:?}");
        let again = w
            .post(
                PATIENT,
                &format!("/api/v1/records/{pid}/consents/{cid}/approve"),
                json!({}),
            )
            .await;
        assert_eq!(again.code(), "consent_not_pending", "{backend:?}");
        let cid = ask(&mut w, &pid).await;
        let approved = w
            .post(
                PATIENT,
                &format!("/api/v1/records/{pid}/consents/{cid}/approve"),
                json!({}),
            )
            .await;
        assert_eq!(
            approved.json["state"], "granted",
            "{backend:?}: {:?}",
            approved.json
        );
        assert!(w.lists(MIDWIFE, &pid).await, "{backend:?}");

        let joseph = w.patient_id(JOSEPH_CAFAT).await;
        let uri = format!("/api/v1/records/{joseph}/consents");
        let no_attestation = w
            .post(REGULATOR, &uri, json!({ "purpose": "Consultation" }))
            .await;
        assert_eq!(no_attestation.code(), "attestation_required", "{backend:?}");
        let attested = w
            .post(
                REGULATOR,
                &uri,
                json!({ "purpose": "Consultation", "attests_in_person": true }),
            )
            .await;
        assert_eq!(
            attested.json["state"], "granted",
            "{backend:?}: {:?}",
            attested.json
        );
        assert!(w.lists(REGULATOR, &joseph).await, "{backend:?}");
    });
}

#[test]
fn break_glass_needs_a_reason_a_health_professional_and_no_opposition() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(CELINE_CAFAT).await;
        let uri = format!("/api/v1/records/{pid}/break-glass");
        for reason in ["", "urgence", "   "] {
            let a = w.post(NURSE, &uri, json!({ "reason": reason })).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{backend:?}: {reason:?}");
        }
        let ev = w
            .events_after(0)
            .await
            .into_iter()
            .rev()
            .find(|e| e.action == "record.break_glass.open")
            .unwrap();
        assert_eq!(
            (ev.outcome.as_str(), ev.rule.as_deref()),
            ("deny", Some("break_glass.reason_insufficient")),
            "{backend:?}"
        );
        let psy = w
            .post(
                PSYCHOLOGIST,
                &uri,
                json!({ "reason": "Patiente inconsciente aux urgences, antécédents inconnus." }),
            )
            .await;
        assert_eq!(
            psy.status,
            StatusCode::FORBIDDEN,
            "{backend:?}: {:?}",
            psy.json
        );

        let settings = format!("/api/v1/records/{pid}/emergency-settings");
        let by_pro = w
            .put(
                NURSE,
                &settings,
                json!({ "oppose_break_glass": false, "oppose_samu": false }),
            )
            .await;
        assert_eq!(by_pro.status, StatusCode::FORBIDDEN, "{backend:?}");
        let opposed = w
            .put(
                OTHER_PATIENT,
                &settings,
                json!({ "oppose_break_glass": true, "oppose_samu": false }),
            )
            .await;
        assert_eq!(
            opposed.status,
            StatusCode::OK,
            "{backend:?}: {:?}",
            opposed.json
        );
        let reason =
            json!({ "reason": "Patiente inconsciente aux urgences, antécédents inconnus." });
        let refused = w.post(NURSE, &uri, reason.clone()).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{backend:?}");
        let ev = w
            .events_after(0)
            .await
            .into_iter()
            .rev()
            .find(|e| e.action == "record.break_glass.open")
            .unwrap();
        assert_eq!(
            ev.rule.as_deref(),
            Some("break_glass.opposed"),
            "{backend:?}"
        );

        w.put(
            OTHER_PATIENT,
            &settings,
            json!({ "oppose_break_glass": false, "oppose_samu": false }),
        )
        .await;
        let opened = w.post(NURSE, &uri, reason).await;
        assert_eq!(
            opened.status,
            StatusCode::CREATED,
            "{backend:?}: {:?}",
            opened.json
        );
        assert!(w.lists(NURSE, &pid).await, "{backend:?}");
        let ev = w
            .events_after(0)
            .await
            .into_iter()
            .rev()
            .find(|e| e.action == "document.search")
            .unwrap();
        assert_eq!(
            ev.access_mode.as_deref(),
            Some("break_glass"),
            "{backend:?}"
        );
    });
}

#[test]
fn samu_access_is_for_regulators_with_a_call_reference() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(CELINE_CAFAT).await;
        let uri = format!("/api/v1/records/{pid}/samu");
        let not_regulator = w
            .post(
                DOCTOR,
                &uri,
                json!({ "call_reference": "APP-2026-1122-0042" }),
            )
            .await;
        assert_eq!(not_regulator.status, StatusCode::FORBIDDEN, "{backend:?}");
        let ev = w
            .events_after(0)
            .await
            .into_iter()
            .rev()
            .find(|e| e.action == "record.samu.open")
            .unwrap();
        assert_eq!(
            ev.rule.as_deref(),
            Some("samu.not_regulator"),
            "{backend:?}"
        );
        let blank = w
            .post(REGULATOR, &uri, json!({ "call_reference": " " }))
            .await;
        assert_eq!(blank.status, StatusCode::FORBIDDEN, "{backend:?}");
        let settings = format!("/api/v1/records/{pid}/emergency-settings");
        w.put(
            OTHER_PATIENT,
            &settings,
            json!({ "oppose_break_glass": false, "oppose_samu": true }),
        )
        .await;
        let opposed = w
            .post(
                REGULATOR,
                &uri,
                json!({ "call_reference": "APP-2026-1122-0042" }),
            )
            .await;
        assert_eq!(opposed.status, StatusCode::FORBIDDEN, "{backend:?}");
        w.put(
            OTHER_PATIENT,
            &settings,
            json!({ "oppose_break_glass": false, "oppose_samu": false }),
        )
        .await;
        let opened = w
            .post(
                REGULATOR,
                &uri,
                json!({ "call_reference": "APP-2026-1122-0042" }),
            )
            .await;
        assert_eq!(
            opened.status,
            StatusCode::CREATED,
            "{backend:?}: {:?}",
            opened.json
        );
        assert!(w.lists(REGULATOR, &pid).await, "{backend:?}");
    });
}

#[test]
fn a_block_overrides_the_care_team_until_lifted() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let doctor = w.account_id(DOCTOR).await;
        let blocks = format!("/api/v1/records/{pid}/blocks");
        let by_pro = w
            .post(
                PHARMACIST,
                &blocks,
                json!({ "professional_account_id": doctor }),
            )
            .await;
        assert_eq!(by_pro.status, StatusCode::FORBIDDEN, "{backend:?}");
        let b = w
            .post(
                PATIENT,
                &blocks,
                json!({ "professional_account_id": doctor }),
            )
            .await;
        assert_eq!(
            b.status,
            StatusCode::NO_CONTENT,
            "{backend:?}: {:?}",
            b.json
        );
        assert!(!w.lists(DOCTOR, &pid).await, "{backend:?}: blocked");
        let add = w.add_text(DOCTOR, &pid, "Refusé.").await;
        assert_eq!(
            add.status,
            StatusCode::FORBIDDEN,
            "{backend:?}: {:?}",
            add.json
        );
        let bg = w
            .post(
                DOCTOR,
                &format!("/api/v1/records/{pid}/break-glass"),
                json!({ "reason": "Patiente inconsciente aux urgences, antécédents inconnus." }),
            )
            .await;
        assert_eq!(
            (bg.status, bg.code()),
            (StatusCode::FORBIDDEN, "access_denied"),
            "{backend:?}: a block overrides emergencies"
        );
        assert!(
            !w.lists(DOCTOR, &pid).await,
            "{backend:?}: blocked overrides emergencies"
        );
        let u = w.delete(PATIENT, &format!("{blocks}/{doctor}")).await;
        assert_eq!(u.status, StatusCode::NO_CONTENT, "{backend:?}");
        assert!(w.lists(DOCTOR, &pid).await, "{backend:?}: unblocked");
    });
}

#[test]
fn masking_and_hiding_documents() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let added = w.add_text(PHARMACIST, &pid, "Conseil officinal.").await;
        assert_eq!(
            added.status,
            StatusCode::CREATED,
            "{backend:?}: {:?}",
            added.json
        );
        let id = added.json["id"].as_str().unwrap().to_owned();
        let doc = format!("/api/v1/records/{pid}/documents/{id}");
        // Habilitation: the doctor reads consultation reports; the pharmacist deposited it.
        assert_eq!(
            w.get(DOCTOR, &doc).await.status,
            StatusCode::OK,
            "{backend:?}"
        );
        let m = w.post(PATIENT, &format!("{doc}/mask"), json!({})).await;
        assert_eq!(
            m.status,
            StatusCode::NO_CONTENT,
            "{backend:?}: {:?}",
            m.json
        );
        assert_eq!(
            w.get(DOCTOR, &doc).await.status,
            StatusCode::NOT_FOUND,
            "{backend:?}: masked"
        );
        assert_eq!(
            w.get(PHARMACIST, &doc).await.status,
            StatusCode::OK,
            "{backend:?}: depositor still reads"
        );
        let un = w.delete(DOCTOR, &format!("{doc}/mask")).await;
        assert_eq!(un.status, StatusCode::NOT_FOUND, "{backend:?}");
        let un = w.delete(PATIENT, &format!("{doc}/mask")).await;
        assert_eq!(un.status, StatusCode::NO_CONTENT, "{backend:?}");
        let at_request = w.post(DOCTOR, &format!("{doc}/mask"), json!({})).await;
        assert_eq!(
            at_request.status,
            StatusCode::NO_CONTENT,
            "{backend:?}: {:?}",
            at_request.json
        );
        let (by, req) = mds_store::documents::masking(w.app.db(), &typed::<DocumentId>(&id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (by, req),
            (Some(w.account_id(DOCTOR).await), true),
            "{backend:?}: recorded as at the patient's request"
        );

        let all = w
            .post(
                PATIENT,
                &format!("/api/v1/records/{pid}/mask-all"),
                json!({}),
            )
            .await;
        assert!(
            all.json["masked"].as_u64().unwrap() >= 4,
            "{backend:?}: {:?}",
            all.json
        );
        let listed = w
            .get(DOCTOR, &format!("/api/v1/records/{pid}/documents"))
            .await;
        let doctor = w.account_id(DOCTOR).await;
        assert!(
            listed.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["depositor_account_id"] == doctor.as_str()),
            "{backend:?}: only his own"
        );

        // Unmask-all lifts the patient's own masks only: the one set at her request stays.
        let doctor_cannot = w
            .post(
                DOCTOR,
                &format!("/api/v1/records/{pid}/unmask-all"),
                json!({}),
            )
            .await;
        assert_eq!(
            doctor_cannot.status,
            StatusCode::FORBIDDEN,
            "{backend:?}: {:?}",
            doctor_cannot.json
        );
        let back = w
            .post(
                PATIENT,
                &format!("/api/v1/records/{pid}/unmask-all"),
                json!({}),
            )
            .await;
        assert_eq!(
            back.json["unmasked"].as_u64(),
            all.json["masked"].as_u64(),
            "{backend:?}: {:?}",
            back.json
        );
        assert_eq!(
            mds_store::documents::masking(w.app.db(), &typed::<DocumentId>(&id))
                .await
                .unwrap()
                .unwrap(),
            (Some(w.account_id(DOCTOR).await), true),
            "{backend:?}: the mask set at her request stays"
        );
        let listed_again = w
            .get(DOCTOR, &format!("/api/v1/records/{pid}/documents"))
            .await;
        assert!(
            listed_again.json["items"].as_array().unwrap().len()
                > listed.json["items"].as_array().unwrap().len(),
            "{backend:?}: the doctor lists the unmasked documents again"
        );

        let hidden = w.add_text(DOCTOR, &pid, "Résultat à annoncer.").await;
        let hid = hidden.json["id"].as_str().unwrap().to_owned();
        let hdoc = format!("/api/v1/records/{pid}/documents/{hid}");
        let not_depositor = w
            .post(
                PHARMACIST,
                &format!("{hdoc}/hidden-from-patient"),
                json!({}),
            )
            .await;
        assert_ne!(not_depositor.status, StatusCode::NO_CONTENT, "{backend:?}");
        let h = w
            .post(DOCTOR, &format!("{hdoc}/hidden-from-patient"), json!({}))
            .await;
        assert_eq!(
            h.status,
            StatusCode::NO_CONTENT,
            "{backend:?}: {:?}",
            h.json
        );
        assert_eq!(
            w.get(PATIENT, &hdoc).await.status,
            StatusCode::NOT_FOUND,
            "{backend:?}: hidden from the patient"
        );
        let shown = w
            .delete(DOCTOR, &format!("{hdoc}/hidden-from-patient"))
            .await;
        assert_eq!(shown.status, StatusCode::NO_CONTENT, "{backend:?}");
        assert_eq!(
            w.get(PATIENT, &hdoc).await.status,
            StatusCode::OK,
            "{backend:?}"
        );
    });
}

#[test]
fn an_opposition_to_feeding_refuses_additions_until_lifted() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let uri = format!("/api/v1/records/{pid}/feeding-opposition");
        let o = w.post(DOCTOR, &uri, json!({})).await;
        assert_eq!(
            o.status,
            StatusCode::NO_CONTENT,
            "{backend:?}: {:?}",
            o.json
        );
        let add = w.add_text(DOCTOR, &pid, "Refusé par opposition.").await;
        assert_eq!(add.status, StatusCode::FORBIDDEN, "{backend:?}");
        let ev = w
            .events_after(0)
            .await
            .into_iter()
            .rev()
            .find(|e| e.action == "document.add")
            .unwrap();
        assert_eq!(
            ev.rule.as_deref(),
            Some("opposition.feeding"),
            "{backend:?}"
        );
        let by_patient = w.post(PATIENT, &uri, json!({})).await;
        assert_eq!(by_patient.status, StatusCode::FORBIDDEN, "{backend:?}");
        let l = w.delete(DOCTOR, &uri).await;
        assert_eq!(l.status, StatusCode::NO_CONTENT, "{backend:?}");
        assert_eq!(
            w.add_text(DOCTOR, &pid, "Accepté.").await.status,
            StatusCode::CREATED,
            "{backend:?}"
        );
        let columns: Vec<(String,)> = match backend {
            TestBackend::Sqlite => sqlx_columns_sqlite(&w).await,
            TestBackend::Postgres => sqlx_columns_pg(&w).await,
        };
        assert!(
            columns.iter().all(|c| !c.0.contains("reason")),
            "{backend:?}: {columns:?}"
        );
    });
}

async fn ask(w: &mut World, pid: &str) -> String {
    let uri = format!("/api/v1/records/{pid}/consents");
    let a = w.post(MIDWIFE, &uri, json!({ "purpose": "Avis" })).await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.json);
    a.json["id"].as_str().unwrap().to_owned()
}

async fn sqlx_columns_sqlite(w: &World) -> Vec<(String,)> {
    mds_store::Query::new("SELECT name FROM pragma_table_info('feeding_oppositions')")
        .fetch_all(w.app.db())
        .await
        .unwrap()
}

async fn sqlx_columns_pg(w: &World) -> Vec<(String,)> {
    mds_store::Query::new("SELECT column_name::text FROM information_schema.columns WHERE table_name = 'feeding_oppositions'")
        .fetch_all(w.app.db())
        .await
        .unwrap()
}
