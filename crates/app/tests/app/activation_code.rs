//! Issue 18, item 9: the activation code support hands over is also e-mailed to the person,
//! through the outbox to a real SMTP server on loopback, in French, without medical content;
//! the code in the e-mail is the one that opens the account. Both backends, fixed clock.
#![allow(clippy::unwrap_used)]

use mds_app::information::outbox::{OutboxDelivery, SmtpSettings};
use mds_testkit::app::*;

const EMAIL: &str = "joseph.poigoune@example.nc";

#[test]
fn issue_18_the_activation_code_is_mailed_and_opens_the_account() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let poigoune = patient_id_by_cafat(&f.app, "7654321").await;
        let activation = f
            .app
            .activate_patient(
                &support,
                &poigoune,
                Some(EMAIL),
                "appel 2026-120",
                at(MINUTE),
            )
            .await
            .unwrap();
        let shown = activation.enrolment_token.clone();
        assert!(shown.chars().count() <= 12, "{shown}");

        let rows = mds_store::outbox::all(f.app.db()).await.unwrap();
        let row = rows
            .iter()
            .find(|r| r.kind == "activation_code")
            .expect("an activation_code row in the outbox");
        assert_eq!(row.recipient, EMAIL, "{backend:?}");

        let sink = SmtpSink::start(free_port(), &f.dir.path().join("mail"));
        let job = OutboxDelivery::new(
            SmtpSettings {
                port: sink.port,
                ..SmtpSettings::default()
            },
            None,
        );
        job.deliver(&f.app, at(2 * MINUTE)).await.unwrap();
        let mails = sink.mails();
        sink.stop();
        let mail = mails
            .iter()
            .find(|m| m["subject"] == "Votre code d'activation Mon Drive Santé")
            .unwrap_or_else(|| panic!("{backend:?}: no activation mail in {mails:?}"));
        assert_eq!(mail["rcpt_tos"][0], EMAIL);
        let body = mail["body"].as_str().unwrap();
        assert!(
            body.contains(&format!("code d'activation Mon Drive Santé : {shown}")),
            "{body}"
        );
        assert!(body.contains("heure de Nouméa"), "{body}");
        assert!(body.contains("Il ne contient aucune information"), "{body}");

        // The code as read in the mail, typed in lower case with spaces, opens the account.
        let typed = shown.replace('-', " ").to_lowercase();
        f.app
            .begin_enrolment(&typed, "Houaïlou-Ponérihouen-52", at(3 * MINUTE))
            .await
            .unwrap();
    });
}
