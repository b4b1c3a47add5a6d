//! Rectification and limitation in the portals (issue 15, item 2), in-process on SQLite and
//! PostgreSQL: the patient asks for a correction (a refusal keeps what was typed, in French),
//! limits the record and sees a professional of the care team turned away; support examines
//! the queue, applies the request after describing the evidence, and lifts the limitation at
//! the patient's request. Other portals are sent back.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use axum::http::StatusCode;
use mds_testkit::web::*;

#[test]
fn the_patient_asks_a_correction_support_applies_it_and_the_record_is_limited_then_freed() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let marie = patient_id_by_cafat(&site.app, "1234567").await;
        let mut patient = site.browser();
        let csrf = patient.signed_in(PATIENT).await;
        let hub = patient
            .get("/patient/settings")
            .await
            .expect(StatusCode::OK, "hub");
        assert!(
            hub.body.contains("href=\"/patient/rectification\""),
            "{backend:?}"
        );
        let page = patient
            .get("/patient/rectification")
            .await
            .expect(StatusCode::OK, "rectification page");
        assert!(page.body.contains("Vous n'avez envoyé aucune demande."));

        let refused = patient
            .post(
                "/patient/rectification",
                &[
                    ("csrf", &csrf),
                    ("field", "birth_date"),
                    ("value", "31/13/1985"),
                    ("message", "Erreur de saisie"),
                ],
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "impossible date");
        assert!(refused.body.contains("error-summary"), "{backend:?}");
        assert!(
            refused.body.contains("value=\"31/13/1985\""),
            "kept as typed"
        );
        assert!(refused.body.contains("Erreur de saisie</textarea>"));

        patient
            .post(
                "/patient/rectification",
                &[
                    ("csrf", &csrf),
                    ("field", "birth_place"),
                    ("value", "98818"),
                    ("message", ""),
                ],
            )
            .await
            .redirects_to("/patient/rectification?ok=sent", "sent");
        let mine = patient
            .get("/patient/rectification?ok=sent")
            .await
            .expect(StatusCode::OK, "sent");
        assert!(mine.body.contains("en cours d'examen"), "{backend:?}");

        let mut support = site.browser();
        let scsrf = support.signed_in(SUPPORT).await;
        let queue = support
            .get("/support/rectifications")
            .await
            .expect(StatusCode::OK, "queue");
        let id = queue
            .body
            .split("href=\"/support/rectifications/")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned();
        let one = support
            .get(&format!("/support/rectifications/{id}"))
            .await
            .expect(StatusCode::OK, "one request");
        assert!(one.body.contains("« 98814 » → « 98818 »"), "{}", one.body);
        let no_evidence = support
            .post(
                &format!("/support/rectifications/{id}/apply"),
                &[("csrf", &scsrf), ("evidence", "")],
            )
            .await;
        assert_eq!(
            no_evidence.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );
        support
            .post(
                &format!("/support/rectifications/{id}/apply"),
                &[
                    ("csrf", &scsrf),
                    ("evidence", "Acte de naissance vu au guichet"),
                ],
            )
            .await
            .redirects_to("/support/rectifications?done=applied", "applied");
        let mine = patient
            .get("/patient/rectification")
            .await
            .expect(StatusCode::OK, "answer");
        assert!(mine.body.contains("corrigée"), "{backend:?}");

        let mut doctor = site.browser();
        let dcsrf = doctor.signed_in(DOCTOR).await;
        let record = format!("/pro/records/{marie}");
        doctor
            .get(&record)
            .await
            .expect(StatusCode::OK, "care team");
        patient
            .post("/patient/limitation", &[("csrf", &csrf), ("limited", "1")])
            .await
            .redirects_to("/patient/rectification?ok=limited", "limited");
        let limited = patient
            .get("/patient/rectification?ok=limited")
            .await
            .expect(StatusCode::OK, "limited");
        assert!(limited.body.contains("limitée depuis le"), "{backend:?}");
        let away = doctor
            .get(&record)
            .await
            .expect(StatusCode::OK, "turned away, told why");
        assert!(
            away.body
                .contains("le patient a limité l'utilisation de son dossier"),
            "{backend:?}"
        );
        assert!(
            !away.body.contains("Consultation de suivi"),
            "no document listed"
        );

        let console = support
            .get(&format!("/support/patients/{marie}"))
            .await
            .expect(StatusCode::OK, "record page");
        assert!(console
            .body
            .contains("seuls les accès d'urgence restent possibles"));
        support
            .post(
                &format!("/support/patients/{marie}/limitation"),
                &[("csrf", &scsrf), ("limited", "0")],
            )
            .await
            .redirects_to(&format!("/support/patients/{marie}"), "lifted");
        let back = doctor.get(&record).await.expect(StatusCode::OK, "back");
        assert!(
            back.body.contains("Consultation de suivi"),
            "{backend:?}: listed again"
        );

        doctor
            .post(
                &format!("/support/rectifications/{id}/reject"),
                &[("csrf", &dcsrf), ("note", "x")],
            )
            .await
            .redirects_to("/", "another portal");
    });
}
