//! Issue 17, item 1, through REST: `GET /api/v1/records/{id}/preview` answers the patient what
//! a professional would see (the same list the professional then gets from `…/documents`),
//! refuses a professional and answers another patient the uniform not-found; a bad situation
//! or an unknown professional is a 422 with the French and English message. Both backends.
#![allow(clippy::unwrap_used)]

use axum::http::StatusCode;
use mds_testkit::api::*;
use serde_json::Value;

fn ids(v: &Value, shown: bool) -> Vec<String> {
    v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["shown"] == shown)
        .map(|l| l["document"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_patient_previews_the_list_a_professional_then_gets() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let doctor = w.account_id(DOCTOR).await;
        let preview = format!("/api/v1/records/{pid}/preview?professional={doctor}");
        let p = w.get(PATIENT, &preview).await;
        assert_eq!(p.status, StatusCode::OK, "{backend:?}: {:?}", p.json);
        assert_eq!(p.json["situation"], "today");
        assert!(p.json["access"]
            .as_str()
            .unwrap()
            .contains("équipe de soins"));
        let listed = w
            .get(
                DOCTOR,
                &format!("/api/v1/records/{pid}/documents?limit=100"),
            )
            .await;
        let real: Vec<String> = listed.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_owned())
            .collect();
        assert!(!real.is_empty());
        assert_eq!(ids(&p.json, true), real, "{backend:?}");

        // (case, who, query, status, code)
        let cases = [
            (
                "a professional",
                DOCTOR,
                format!("professional={doctor}"),
                StatusCode::FORBIDDEN,
                "forbidden",
            ),
            (
                "another patient",
                OTHER_PATIENT,
                format!("professional={doctor}"),
                StatusCode::NOT_FOUND,
                "not_found",
            ),
            (
                "unknown situation",
                PATIENT,
                format!("professional={doctor}&situation=tomorrow"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_situation",
            ),
            (
                "unknown professional",
                PATIENT,
                "professional=10009999999".to_owned(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_professional",
            ),
        ];
        let by_profession = w
            .get(
                PATIENT,
                &format!(
                    "/api/v1/records/{pid}/preview?profession=infirmier&situation=break_glass"
                ),
            )
            .await;
        assert_eq!(
            by_profession.status,
            StatusCode::OK,
            "{backend:?}: {:?}",
            by_profession.json
        );
        assert!(by_profession.json["professional_id"].is_null());
        assert_eq!(
            by_profession.json["professional_name"],
            "un professionnel : infirmier"
        );
        let cases = cases.into_iter().chain([
            (
                "both a professional and a profession",
                PATIENT,
                format!("professional={doctor}&profession=infirmier"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "professional_or_profession",
            ),
            (
                "neither",
                PATIENT,
                "situation=today".to_owned(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "professional_or_profession",
            ),
            (
                "unknown profession",
                PATIENT,
                "profession=astronaute".to_owned(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_profession",
            ),
        ]);
        let mut failing = Vec::new();
        for (case, who, query, status, code) in cases {
            let r = w
                .get(who, &format!("/api/v1/records/{pid}/preview?{query}"))
                .await;
            if (r.status, r.code()) != (status, code) {
                failing.push(format!("{case}: {} {}", r.status, r.code()));
            } else if status == StatusCode::UNPROCESSABLE_ENTITY
                && r.json["error"]["message_en"]
                    .as_str()
                    .is_none_or(str::is_empty)
            {
                failing.push(format!("{case}: no English message: {:?}", r.json));
            }
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:#?}");
    });
}
