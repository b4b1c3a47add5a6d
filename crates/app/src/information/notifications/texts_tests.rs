//! The notifications' texts: every message in both languages, the consent code found.

use super::texts::Message;
use mds_domain::Timestamp;

/// Every message, with plain names (the check looks for French in the English texts).
fn all() -> Vec<Message> {
    let at = Timestamp::from_millis(1_795_318_320_000);
    let pro = "Dr Jean Nea";
    let mut out = vec![
        Message::document_added(),
        Message::document_replaced(),
        Message::document_withdrawn(pro),
        Message::first_access(pro, at),
        Message::access(pro, at),
        Message::announcement_reminder(),
        Message::depositor_reminder(at),
        Message::account_activated(),
        Message::account_closed(at),
        Message::erasure_done(),
        Message::sign_in_failures(),
        Message::password_changed(),
        Message::contact_changed(),
        Message::second_factor_reset(),
        Message::enrolment_attempt(),
        Message::consent_request(pro, "042317", at),
        Message::rectification("date of birth", None),
        Message::rectification("date of birth", Some("No document")),
    ];
    for b in [true, false] {
        out.push(Message::limitation(b));
        out.push(Message::emergency(b, pro, at));
        out.push(Message::passkey_changed(b, "Phone"));
        out.push(Message::representation(b, "Joseph Poigoune", "01/02/2027"));
        out.push(Message::represented(b, "Celine Dupont", "01/02/2027"));
    }
    out
}

#[test]
fn every_message_has_english_texts_without_french() {
    const FRENCH: [&str; 9] = [
        " votre ", " vous ", " le ", " la ", " les ", " des ", " un ", " une ", " est ",
    ];
    for m in all() {
        for text in [&m.en.in_app, &m.en.subject, &m.en.body] {
            assert!(
                !text.trim().is_empty(),
                "{:?}: an English text is empty",
                m.kind
            );
            let plain = format!(
                " {} ",
                text.replace("Mon Drive Santé", "").replace("Nouméa", "")
            );
            assert!(
                !plain.contains(['é', 'è', 'à', 'ç', 'ê', '«']),
                "{:?}: French in the English text {text:?}",
                m.kind
            );
            let lower = plain.to_lowercase();
            assert!(
                !FRENCH.iter().any(|w| lower.contains(w)),
                "{:?}: French words in {text:?}",
                m.kind
            );
        }
        assert_ne!(m.en.in_app, m.in_app, "{:?}", m.kind);
    }
}

#[test]
fn the_code_of_a_consent_request_is_found_in_its_text() {
    let m = Message::consent_request("Dr Jean Néa", "042317", Timestamp::from_millis(0));
    assert_eq!(Message::consent_code_in(&m.in_app), Some("042317"));
    for text in [
        "",
        "ce code : 12",
        "ce code : 12a456",
        "un autre texte 123456",
    ] {
        assert_eq!(Message::consent_code_in(text), None, "{text:?}");
    }
}
