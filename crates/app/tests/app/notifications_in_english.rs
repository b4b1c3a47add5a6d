//! Issue 15, item 10 — notifications and e-mails in the account's language: an account that
//! chose English gets its e-mails in English (subject and body, the digest too) and its
//! in-app notifications carry their English text; an account that did not keeps French. Both
//! backends.

use mds_demo::DEMO_PASSWORD;
use mds_domain::Language;
use mds_store::outbox;
use mds_testkit::app::*;

const NEW_PASSWORD: &str = "Un-nouveau-mot-de-passe-2026";

#[test]
fn an_account_that_chose_english_is_told_in_english() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let marie = actor(&f.app, PATIENT, at(0)).await;
        let celine = actor(&f.app, OTHER_PATIENT, at(0)).await;
        f.app.set_language(&marie, Language::En).await.unwrap();
        let before = outbox::all(f.app.db()).await.unwrap().len();

        f.app
            .change_password(&marie, DEMO_PASSWORD, NEW_PASSWORD, None, at(MINUTE))
            .await
            .unwrap();
        f.app
            .change_password(&celine, DEMO_PASSWORD, NEW_PASSWORD, None, at(MINUTE))
            .await
            .unwrap();
        let mails = outbox::all(f.app.db()).await.unwrap();
        let new: Vec<_> = mails.iter().skip(before).collect();
        let to_marie = new
            .iter()
            .find(|m| m.recipient == PATIENT)
            .expect("Marie is told");
        assert_eq!(
            to_marie.subject, "Password changed on your Mon Drive Santé account",
            "{backend:?}"
        );
        assert!(
            to_marie.body.starts_with(
                "Hello,\n\nThe password of your Mon Drive Santé account was just changed"
            ),
            "{}",
            to_marie.body
        );
        assert!(
            to_marie
                .body
                .contains("It contains no medical information."),
            "English footer"
        );
        let to_celine = new
            .iter()
            .find(|m| m.recipient == OTHER_PATIENT)
            .expect("Céline is told");
        assert_eq!(
            to_celine.subject, "Mot de passe changé sur votre compte Mon Drive Santé",
            "{backend:?}: French by default"
        );
        assert!(to_celine.body.starts_with("Bonjour,"));

        // In the portal, the notification has both texts; the page's language picks one.
        let inbox = f.app.notifications(&marie, false, 10, 0).await.unwrap();
        let n = inbox
            .items
            .iter()
            .find(|n| n.kind == "password_changed")
            .unwrap();
        assert!(
            n.text.starts_with("Le mot de passe de votre compte"),
            "{backend:?}"
        );
        assert!(n
            .text_in(Language::En)
            .starts_with("The password of your Mon Drive Santé account"));
        assert_eq!(n.text_in(Language::Fr), n.text);
    });
}

#[test]
fn the_digest_is_written_in_the_accounts_language() {
    let lines =
        vec!["22/11/2026 14:32 — A professional read your Mon Drive Santé record".to_owned()];
    let (subject, body) = mds_app::information::digest::digest_email_in(Language::En, &lines);
    assert_eq!(subject, "Your daily summary — Mon Drive Santé");
    assert!(body.starts_with("Hello,\n\nHere is what happened in your Mon Drive Santé record since your last summary (1 event):"), "{body}");
    assert!(
        !body.contains("Bonjour") && !body.contains("Connectez-vous"),
        "{body}"
    );
    let (subject, body) = mds_app::information::digest::digest_email_in(Language::Fr, &lines);
    assert_eq!(subject, "Votre résumé du jour — Mon Drive Santé");
    assert!(body.contains("(1 événement)"));
}
