//! Issue 15, item 10: the history lines follow the page's language. With the `mds_lang=en`
//! cookie the patient's history and the professional's access log are written in English
//! (the profession, the document type, the filter's kinds too), with no French line left;
//! without it, in French as before.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use axum::http::StatusCode;
use mds_testkit::web::*;

/// Pieces of the French lines that must not show on an English page.
const FRENCH: [&str; 6] = [
    " a ouvert ",
    "votre dossier",
    "avez consulté",
    "accès en urgence",
    "motif : ",
    "Accès d'urgence",
];

#[test]
fn the_history_is_written_in_the_language_of_the_page() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut nurse = site.browser();
        let ncsrf = nurse.signed_in(NURSE).await;
        let record = nurse.get(MARIE_CONTEXT).await.location().to_owned();
        let reason = "Malaise au dispensaire";
        nurse
            .post(
                &format!("{record}/break-glass"),
                &[("csrf", &ncsrf), ("reason", reason)],
            )
            .await
            .redirects_to(&format!("{record}?ok=break_glass"), "break-glass");

        // Without the cookie: French, word for word as before.
        let mut patient = site.browser();
        patient.signed_in(PATIENT).await;
        assert_eq!(patient.cookies.get("mds_lang"), None);
        let fr = patient
            .get("/patient/history")
            .await
            .expect(StatusCode::OK, "history in French");
        let opened_fr = format!(
            "a ouvert un accès en urgence (bris de glace) à votre dossier, motif : « {reason} »"
        );
        assert!(fr.body.contains(&opened_fr), "{}", fr.body);
        assert!(fr.body.contains("Paul Kaloï, infirmier, "), "{}", fr.body);
        assert!(
            !fr.body.contains("opened an emergency access"),
            "{}",
            fr.body
        );

        // In English: the line, the profession and the filter's kinds.
        patient
            .get("/lang/en?next=/patient/history")
            .await
            .redirects_to("/patient/history", "switch");
        let en = patient
            .get("/patient/history?who=everyone")
            .await
            .expect(StatusCode::OK, "history in English");
        let opened =
            format!("opened an emergency access (break-glass) to your record, reason: “{reason}”");
        assert!(en.body.contains(&opened), "{}", en.body);
        assert!(en.body.contains("Paul Kaloï, nurse, "), "{}", en.body);
        assert!(
            en.body
                .contains("You viewed the activity history of your record"),
            "{}",
            en.body
        );
        assert!(
            en.body.contains(">Emergency accesses</option>"),
            "{}",
            en.body
        );
        for french in FRENCH {
            assert!(!en.body.contains(french), "{french} in {}", en.body);
        }

        // The nurse's own access log, in English too.
        nurse
            .get("/lang/en?next=/pro/access-log")
            .await
            .redirects_to("/pro/access-log", "switch");
        let log = nurse
            .get("/pro/access-log")
            .await
            .expect(StatusCode::OK, "access log in English");
        assert!(
            log.body
                .contains("You opened an emergency access (break-glass) to the patient's record"),
            "{}",
            log.body
        );
        assert!(!log.body.contains("Vous avez"), "{}", log.body);

        // The cookie gone, French again.
        patient.cookies.remove("mds_lang");
        let fr = patient
            .get("/patient/history")
            .await
            .expect(StatusCode::OK, "history in French again");
        assert!(fr.body.contains(&opened_fr), "{}", fr.body);
    });
}
