//! The signed attestation of an in-person consent (issue 4): sent with the consent request as
//! a form, format checked from the content, stored encrypted, committed with the grant and its
//! audit event, and read back by support only — anyone else gets 404 and a denied audit
//! event. Both backends.
#![allow(clippy::unwrap_used)]

use axum::http::StatusCode;
use mds_domain::{FileOwnerKind, FilePurpose};
use mds_testkit::api::*;
use mds_testkit::typed;
use serde_json::{json, Value};

/// A form with the `consent` JSON part and, if given, the `attestation` file part.
fn form(consent: &Value, file: Option<&[u8]>) -> Vec<u8> {
    let form = Multipart::new().text("consent", &consent.to_string());
    match file {
        Some(file) => form.file("attestation", "attestation", file),
        None => form,
    }
    .finish()
}

/// Vault files (encrypted objects) that contain `needle` in clear.
fn clear_copies(dir: &std::path::Path, needle: &[u8]) -> usize {
    let mut found = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found += clear_copies(&path, needle);
        } else if let Ok(bytes) = std::fs::read(&path) {
            found += usize::from(bytes.windows(needle.len()).any(|w| w == needle));
        }
    }
    found
}

async fn attestation_files(w: &World, pid: &str) -> usize {
    mds_store::identity_files::for_owner(w.app.db(), typed::<FileOwnerKind>("patient"), pid)
        .await
        .unwrap()
        .into_iter()
        .filter(|f| f.purpose == typed::<FilePurpose>("consent_attestation"))
        .count()
}

#[test]
fn the_signed_attestation_is_stored_encrypted_and_read_by_support_only() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let joseph = w.patient_id(JOSEPH_CAFAT).await; // inactive account
        let uri = format!("/api/v1/records/{joseph}/consents");
        let consent = json!({ "purpose": "Consultation", "attests_in_person": true });
        let marker = b"Attestation signee par Joseph 7c1e";
        let mut pdf = mds_demo::drawing::minimal_pdf("Attestation", "Consentement recueilli.");
        pdf.extend_from_slice(b"%");
        pdf.extend_from_slice(marker);
        pdf.extend_from_slice(b"\n");

        let before = w.last_seq().await;
        let granted = w
            .post_form(REGULATOR, &uri, form(&consent, Some(&pdf)))
            .await;
        assert_eq!(
            granted.status,
            StatusCode::CREATED,
            "{backend:?}: {:?}",
            granted.json
        );
        assert_eq!(granted.json["state"], "granted", "{backend:?}");
        let cid = granted.json["id"].as_str().unwrap().to_owned();
        let ev = w.only_event_after(before).await;
        assert_eq!(ev.action, "consent.request", "{backend:?}");
        assert!(
            ev.detail["attestation_file_id"].is_string(),
            "{backend:?}: {ev:?}"
        );
        assert_eq!(
            ev.detail["attestation_sha256"].as_str().unwrap().len(),
            64,
            "{backend:?}"
        );
        assert_eq!(attestation_files(&w, &joseph).await, 1, "{backend:?}");
        assert_eq!(
            clear_copies(&w.dir.path().join("vault"), marker),
            0,
            "{backend:?}: the file is stored encrypted"
        );

        let read_uri = format!("/api/v1/records/{joseph}/consents/{cid}/attestation");
        let before = w.last_seq().await;
        let read = w.get(SUPPORT, &read_uri).await;
        assert_eq!(read.status, StatusCode::OK, "{backend:?}: {:?}", read.json);
        assert_eq!(read.bytes, pdf, "{backend:?}: same content back");
        let ev = w.only_event_after(before).await;
        assert_eq!(
            (
                ev.action.as_str(),
                ev.outcome.as_str(),
                ev.actor_kind.as_str()
            ),
            ("consent.attestation.read", "permit", "support"),
            "{backend:?}"
        );
        assert_eq!(
            ev.patient_id.as_deref(),
            Some(joseph.as_str()),
            "{backend:?}"
        );

        // Everyone else: 404, like a record they may not see, and a denied audit event.
        for login in [REGULATOR, DOCTOR, PATIENT] {
            let before = w.last_seq().await;
            let a = w.get(login, &read_uri).await;
            assert_eq!(
                (a.status, a.code()),
                (StatusCode::NOT_FOUND, "not_found"),
                "{backend:?}: {login}"
            );
            let ev = w.only_event_after(before).await;
            assert_eq!(
                (ev.outcome.as_str(), ev.rule.as_deref()),
                ("deny", Some("attestation.support_only")),
                "{backend:?}: {login}"
            );
        }
        // Support naming a consent of another record, or one without attestation: 404.
        let marie = w.patient_id(MARIE_CAFAT).await;
        for uri in [
            format!("/api/v1/records/{marie}/consents/{cid}/attestation"),
            format!("/api/v1/records/{joseph}/consents/not-a-consent/attestation"),
        ] {
            let before = w.last_seq().await;
            let a = w.get(SUPPORT, &uri).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{backend:?}: {uri}");
            let ev = w.only_event_after(before).await;
            assert_eq!(
                ev.rule.as_deref(),
                Some("attestation.unknown"),
                "{backend:?}"
            );
        }
        let plain = w
            .post(
                REGULATOR,
                &uri,
                json!({ "purpose": "Suivi", "attests_in_person": true }),
            )
            .await;
        let plain_id = plain.json["id"].as_str().unwrap().to_owned();
        let none = w
            .get(
                SUPPORT,
                &format!("/api/v1/records/{joseph}/consents/{plain_id}/attestation"),
            )
            .await;
        assert_eq!(
            none.status,
            StatusCode::NOT_FOUND,
            "{backend:?}: no file attached"
        );
        // The support console's list: both consents attested in person, newest first, only the
        // first with its form; support only.
        let support_token = w.token(SUPPORT).await;
        let support = w.app.authenticate(&support_token, now()).await.unwrap();
        let joseph_id: mds_domain::PatientId = typed(joseph.clone());
        let listed = w
            .app
            .attested_consents(&support, &joseph_id, at(0))
            .await
            .unwrap();
        let files: Vec<(&str, bool)> = listed
            .iter()
            .map(|c| (c.consent_id.as_str(), c.has_file))
            .collect();
        assert!(
            files.contains(&(cid.as_str(), true)),
            "{backend:?}: {files:?}"
        );
        assert!(
            files.contains(&(plain_id.as_str(), false)),
            "{backend:?}: {files:?}"
        );
        let doctor_token = w.token(DOCTOR).await;
        let doctor = w.app.authenticate(&doctor_token, now()).await.unwrap();
        let refused = w.app.attested_consents(&doctor, &joseph_id, now()).await;
        assert!(
            matches!(refused, Err(mds_app::AppError::Forbidden)),
            "{backend:?}"
        );
    });
}

#[test]
fn a_wrong_or_unexpected_attestation_is_refused_and_nothing_is_kept() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let joseph = w.patient_id(JOSEPH_CAFAT).await;
        let uri = format!("/api/v1/records/{joseph}/consents");
        let consent = json!({ "purpose": "Consultation", "attests_in_person": true });
        let cases: [(&str, Vec<u8>, &str); 3] = [
            (
                "not an image",
                b"une simple note".to_vec(),
                "unsupported_format",
            ),
            ("empty file", Vec::new(), "file_missing"),
            (
                "more than 5 MB",
                mds_testkit::files::pdf_of_size("attestation", 5 * 1024 * 1024 + 1),
                "file_too_large",
            ),
        ];
        let mut failing = Vec::new();
        for (name, file, code) in cases {
            let a = w
                .post_form(REGULATOR, &uri, form(&consent, Some(&file)))
                .await;
            if (a.status, a.code()) != (StatusCode::UNPROCESSABLE_ENTITY, code) {
                failing.push(format!("{name}: {} {}", a.status, a.json));
            }
        }
        let png = mds_testkit::files::PNG;
        // The form without its file part.
        let a = w.post_form(REGULATOR, &uri, form(&consent, None)).await;
        if a.code() != "missing_part" {
            failing.push(format!("no file part: {} {}", a.status, a.json));
        }
        // An attestation only goes with an in-person consent for an inactive account.
        let marie = w.patient_id(MARIE_CAFAT).await;
        let a = w
            .post_form(
                MIDWIFE,
                &format!("/api/v1/records/{marie}/consents"),
                form(&json!({ "purpose": "Consultation" }), Some(png)),
            )
            .await;
        if a.code() != "attestation_file_unexpected" {
            failing.push(format!("active account: {} {}", a.status, a.json));
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:#?}");
        assert_eq!(attestation_files(&w, &joseph).await, 0, "{backend:?}");
        assert_eq!(attestation_files(&w, &marie).await, 0, "{backend:?}");

        // A PNG is accepted, and the JSON variant still works without a file.
        let a = w
            .post_form(REGULATOR, &uri, form(&consent, Some(png)))
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{backend:?}: {:?}", a.json);
        assert_eq!(attestation_files(&w, &joseph).await, 1, "{backend:?}");
    });
}
