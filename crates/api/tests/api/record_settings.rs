//! The patient's app reads the record's own settings through REST: `GET …/emergency-settings`
//! beside its PUT, `GET …/blocks` beside its POST and DELETE; a professional is refused, and
//! another patient gets the uniform not-found. Both backends.
#![allow(clippy::unwrap_used)]

use axum::http::StatusCode;
use mds_testkit::api::*;
use serde_json::json;

#[test]
fn the_patient_reads_back_emergency_settings_and_blocks() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let settings = format!("/api/v1/records/{pid}/emergency-settings");
        let blocks = format!("/api/v1/records/{pid}/blocks");

        let first = w.get(PATIENT, &settings).await;
        assert_eq!(
            first.status,
            StatusCode::OK,
            "{backend:?}: {:?}",
            first.json
        );
        assert_eq!(
            first.json,
            json!({ "oppose_break_glass": false, "oppose_samu": false }),
            "{backend:?}: never chosen"
        );
        let chosen = json!({ "oppose_break_glass": false, "oppose_samu": true });
        let put = w.put(PATIENT, &settings, chosen.clone()).await;
        assert_eq!(put.status, StatusCode::OK, "{backend:?}");
        assert_eq!(w.get(PATIENT, &settings).await.json, chosen, "{backend:?}");

        let empty = w.get(PATIENT, &blocks).await;
        assert_eq!(empty.status, StatusCode::OK, "{backend:?}");
        assert_eq!(empty.json, json!([]), "{backend:?}");
        let pharmacist = w.account_id(PHARMACIST).await;
        let b = w
            .post(
                PATIENT,
                &blocks,
                json!({ "professional_account_id": pharmacist }),
            )
            .await;
        assert_eq!(b.status, StatusCode::NO_CONTENT, "{backend:?}");
        let listed = w.get(PATIENT, &blocks).await;
        let items = listed.json.as_array().unwrap();
        assert_eq!(items.len(), 1, "{backend:?}: {:?}", listed.json);
        assert_eq!(items[0]["professional_account_id"], pharmacist.as_str());
        assert_eq!(items[0]["name"], "Claire Leroux");
        assert_eq!(items[0]["profession"], "pharmacien");
        assert!(items[0]["blocked_at_ms"].as_i64().unwrap() > 0);

        // Only the patient: the care team's doctor is refused, another patient sees nothing.
        let by_doctor = w.get(DOCTOR, &settings).await;
        assert_eq!(
            (by_doctor.status, by_doctor.code()),
            (StatusCode::FORBIDDEN, "access_denied"),
            "{backend:?}"
        );
        let by_doctor = w.get(DOCTOR, &blocks).await;
        assert_eq!(by_doctor.status, StatusCode::FORBIDDEN, "{backend:?}");
        let by_other = w.get(OTHER_PATIENT, &blocks).await;
        assert_eq!(
            (by_other.status, by_other.code()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{backend:?}"
        );
        let u = w.delete(PATIENT, &format!("{blocks}/{pharmacist}")).await;
        assert_eq!(u.status, StatusCode::NO_CONTENT, "{backend:?}");
        assert_eq!(w.get(PATIENT, &blocks).await.json, json!([]), "{backend:?}");
    });
}
