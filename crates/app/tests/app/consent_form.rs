//! The signed form of an in-person consent attached after the fact (issue 15, item 7): only
//! the professional who collected the consent, once, with a file that is a real PDF, JPEG or
//! PNG; the record's page stops offering it, support's list shows it attached. Both backends,
//! fixed clock.

use mds_app::record::consent::ConsentRequest;
use mds_app::record::documents::DocumentQuery;
use mds_testkit::app::*;

#[test]
fn the_collector_attaches_the_signed_form_once() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let joseph = patient_id_by_cafat(app, JOSEPH_CAFAT).await; // inactive account
        let regulator = actor(app, REGULATOR, at(0)).await;
        let doctor = actor(app, DOCTOR, at(0)).await;
        let support = actor(app, SUPPORT, at(0)).await;
        let request = ConsentRequest {
            purpose: "Consultation de suivi",
            attests_in_person: true,
            attestation_file: None,
        };
        let consent = app
            .request_consent_with(&regulator, &joseph, request, None, at(MINUTE))
            .await
            .unwrap();
        let joseph_ref = &joseph;
        let missing = |who| async move {
            app.record_overview(
                who,
                joseph_ref,
                DocumentQuery::default(),
                None,
                at(2 * MINUTE),
            )
            .await
            .map(|o| o.consent_forms_missing.len())
        };
        assert_eq!(
            missing(&regulator).await.unwrap(),
            1,
            "{backend:?}: offered to the collector"
        );
        let png = mds_testkit::files::PNG;
        // (who, consent, file, expected)
        let cases = [
            (&doctor, consent.id.as_str(), png, "not_found"),
            (&regulator, "not-a-consent", png, "not_found"),
            (
                &regulator,
                consent.id.as_str(),
                b"not a scan".as_slice(),
                "unsupported_format",
            ),
        ];
        for (who, id, file, expected) in cases {
            let got = app
                .attach_consent_form(who, &joseph, id, file, None, at(3 * MINUTE))
                .await;
            assert_eq!(outcome(&got), expected, "{backend:?}: {id}");
        }
        app.attach_consent_form(&regulator, &joseph, &consent.id, png, None, at(4 * MINUTE))
            .await
            .unwrap();
        assert_eq!(
            missing(&regulator).await.unwrap(),
            0,
            "{backend:?}: no longer offered"
        );
        let again = app
            .attach_consent_form(&regulator, &joseph, &consent.id, png, None, at(5 * MINUTE))
            .await;
        assert_eq!(outcome(&again), "not_found", "{backend:?}: once");
        let listed = app
            .attested_consents(&support, &joseph, at(6 * MINUTE))
            .await
            .unwrap();
        assert!(
            listed
                .iter()
                .any(|c| c.consent_id == consent.id && c.has_file),
            "{backend:?}"
        );
        let file = app
            .consent_attestation(&support, &joseph, &consent.id, None, at(7 * MINUTE))
            .await
            .unwrap();
        assert_eq!(&file.content[..], png, "{backend:?}: the same file back");
        let attached = events_of(app, "consent.attestation.attach").await;
        let outcomes: Vec<_> = attached.iter().map(|e| e.outcome.as_str()).collect();
        assert_eq!(outcomes, ["deny", "deny", "permit", "deny"], "{backend:?}");
    });
}
