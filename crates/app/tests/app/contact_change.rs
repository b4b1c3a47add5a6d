//! A patient's contact data (issue 15, item 2): the current password asked for; a new e-mail
//! address (also the login) taken only through the link sent to it — single use, 24 hours, a
//! newer request spending the older link, an address of another account refused — with the
//! former address told; the phone changed at once. Fixed clock; both backends.

use mds_app::App;
use mds_store::outbox;
use mds_testkit::app::*;

const NEW: &str = "marie.wea.nouvelle@example.nc";
const PASSWORD: &str = "Demo-MDS-2026";

/// The token of the last confirmation link e-mailed to `to`.
async fn link_token(app: &App, to: &str) -> String {
    let mails = outbox::all(app.db()).await.unwrap();
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.recipient == to && m.kind == "email_change_link")
        .expect("a link was sent");
    let at = mail.body.find("token=").unwrap() + "token=".len();
    mail.body[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn a_new_address_is_taken_only_through_the_link_sent_to_it() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let patient = actor(app, PATIENT, at(0)).await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        // (name, who, address, password, expected refusal)
        let refused = [
            ("a professional", &doctor, NEW, PASSWORD, "forbidden"),
            (
                "a wrong password",
                &patient,
                NEW,
                "not-the-password",
                "wrong_password",
            ),
            (
                "not an address",
                &patient,
                "marie@",
                PASSWORD,
                "invalid_email",
            ),
            (
                "the same address",
                &patient,
                PATIENT,
                PASSWORD,
                "same_email",
            ),
            (
                "another account's",
                &patient,
                "celine.dk@demo.mds.nc",
                PASSWORD,
                "email_taken",
            ),
        ];
        for (name, who, address, password, code) in refused {
            let r = app
                .request_email_change(who, address, password, None, at(MINUTE))
                .await;
            assert_eq!(outcome(&r), code, "{backend:?}: {name}");
        }

        app.request_email_change(&patient, NEW, PASSWORD, None, at(MINUTE))
            .await
            .unwrap();
        let first = link_token(app, NEW).await;
        let mails = outbox::all(app.db()).await.unwrap();
        assert!(
            mails
                .iter()
                .any(|m| m.recipient == PATIENT && m.kind == "email_change_notice"),
            "{backend:?}: the current address is told"
        );
        let account = mds_store::accounts::by_login(app.db(), PATIENT)
            .await
            .unwrap();
        assert!(
            account.is_some(),
            "{backend:?}: nothing changed before the link"
        );

        // A newer request spends the older link.
        app.request_email_change(&patient, NEW, PASSWORD, None, at(2 * MINUTE))
            .await
            .unwrap();
        let second = link_token(app, NEW).await;
        assert_ne!(first, second);
        let old = app.confirm_email_change(&first, None, at(3 * MINUTE)).await;
        assert_eq!(outcome(&old), "invalid_contact_link", "{backend:?}");
        let late = app
            .confirm_email_change(&second, None, at(2 * MINUTE + 24 * HOUR))
            .await;
        assert_eq!(
            outcome(&late),
            "invalid_contact_link",
            "{backend:?}: 24 hours"
        );

        let done = app
            .confirm_email_change(&second, None, at(HOUR))
            .await
            .unwrap();
        assert_eq!(done, NEW);
        let again = app.confirm_email_change(&second, None, at(HOUR)).await;
        assert_eq!(
            outcome(&again),
            "invalid_contact_link",
            "{backend:?}: single use"
        );
        let account = mds_store::accounts::by_login(app.db(), NEW)
            .await
            .unwrap()
            .expect("the new address is the login");
        assert_eq!(account.email.as_deref(), Some(NEW));
        assert!(mds_store::accounts::by_login(app.db(), PATIENT)
            .await
            .unwrap()
            .is_none());
        let marie = patient_id_by_cafat(app, "1234567").await;
        let record = mds_store::patients::by_id(app.db(), &marie)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(record.email.as_deref(), Some(NEW), "{backend:?}");
        let mails = outbox::all(app.db()).await.unwrap();
        assert!(mails
            .iter()
            .any(|m| m.recipient == PATIENT && m.kind == "email_changed"));
        let events = events_after(app, 0).await;
        let changed = events
            .iter()
            .find(|e| e.action == "account.email_change")
            .expect("audited");
        assert!(
            !changed.detail.to_string().contains("example.nc"),
            "no address in the audit"
        );
    });
}

#[test]
fn the_phone_changes_at_once_with_the_current_password() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let patient = actor(app, PATIENT, at(0)).await;
        let wrong = app
            .change_phone(&patient, "76 12 34", "nope", None, at(MINUTE))
            .await;
        assert_eq!(outcome(&wrong), "wrong_password", "{backend:?}");
        let bad = app
            .change_phone(&patient, "not a phone", PASSWORD, None, at(MINUTE))
            .await;
        assert_eq!(outcome(&bad), "invalid_phone", "{backend:?}");
        let set = app
            .change_phone(&patient, "76 12 34", PASSWORD, None, at(MINUTE))
            .await
            .unwrap();
        assert!(set.is_some());
        let (_, phone) = app.my_contact(&patient).await.unwrap();
        assert_eq!(phone, set, "{backend:?}");
        let removed = app
            .change_phone(&patient, " ", PASSWORD, None, at(MINUTE))
            .await
            .unwrap();
        assert_eq!(removed, None);
    });
}
