//! Issue 15, item 3 — AMG numbers: a person without CAFAT cover is identified by the number of
//! their free medical aid card, its kind recorded; each kind is its own number space (the same
//! digits may be someone's CAFAT number and someone else's AMG number), both unique. Creation
//! by a professional, self-enrolment, search and the lookup software uses. Both backends.
#![allow(clippy::unwrap_used)]

use mds_app::patients::creation::Creation;
use mds_app::patients::search::PatientQuery;
use mds_app::patients::self_enrolment::SelfEnrolment;
use mds_domain::identity::IdentityInput;
use mds_domain::IdentifierKind;
use mds_testkit::app::*;

/// Marie WÉA's CAFAT number in the demo.
const MARIE_CAFAT: &str = "1234567";

fn amg(number: &str, name: &str, first: &str, birth: &str) -> IdentityInput {
    IdentityInput {
        identifier_kind: "amg".into(),
        ..identity(number, name, first, birth, "F")
    }
}

#[test]
fn an_amg_number_is_its_own_number_space() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let before = last_seq(&f.app).await;
        // The digits of Marie's CAFAT number, as another person's AMG number.
        let p = new_patient(amg(MARIE_CAFAT, "Hnawia", "Suzanne", "1975-03-09"));
        let created = f.app.create_patient(&doctor, p, at(MINUTE)).await.unwrap();
        let Creation::Created { patient } = created else {
            panic!("{backend:?}: not created: {created:?}");
        };
        let row = mds_store::patients::by_id(f.app.db(), &patient.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.identifier_kind, IdentifierKind::Amg, "{backend:?}");
        assert_eq!(row.identifier_number, MARIE_CAFAT, "{backend:?}");

        // A second record under the same AMG number is refused, naming the kind.
        let again = new_patient(amg(MARIE_CAFAT, "Wahnyamalla", "Rose", "1981-11-30"));
        let refused = f.app.create_patient(&doctor, again, at(2 * MINUTE)).await;
        assert_eq!(outcome(&refused), "duplicate_cafat", "{backend:?}");
        let message = refused.unwrap_err().public_message();
        assert!(message.contains("numéro AMG"), "{backend:?}: {message}");

        // An AMG number follows its own length rules (4 to 12 digits).
        let short = new_patient(amg("1234", "Hmaloko", "Eva", "1990-01-02"));
        assert!(matches!(
            f.app.create_patient(&doctor, short, at(3 * MINUTE)).await,
            Ok(Creation::Created { .. })
        ));
        let long = new_patient(amg("1234567890123", "Wenehoua", "Lise", "1990-01-03"));
        let refused = f.app.create_patient(&doctor, long, at(4 * MINUTE)).await;
        assert_eq!(outcome(&refused), "cafat_length", "{backend:?}");

        // The creation's audit records the kind, never the number.
        let events = events_after(&f.app, before).await;
        let create = events
            .iter()
            .find(|e| {
                e.action == "patient.create" && e.patient_id.as_deref() == Some(patient.id.as_str())
            })
            .unwrap();
        assert!(
            !create.detail.to_string().contains(MARIE_CAFAT),
            "{backend:?}"
        );
        assert_chain_intact(&f.app).await;
    });
}

#[test]
fn search_and_software_lookup_take_the_kind() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let p = new_patient(amg(MARIE_CAFAT, "Hnawia", "Suzanne", "1975-03-09"));
        let Ok(Creation::Created { patient }) = f.app.create_patient(&doctor, p, at(MINUTE)).await
        else {
            panic!("{backend:?}: not created");
        };
        let q = |kind: &str, birth: &str| PatientQuery::Cafat {
            identifier_kind: kind.into(),
            cafat: MARIE_CAFAT.into(),
            birth_date: birth.into(),
        };
        // (kind typed, birth date, who is found)
        let cases = [
            ("amg", "1975-03-09", Some(patient.id.clone())),
            ("AMG", "09/03/1975", Some(patient.id.clone())),
            // The same digits as a CAFAT number with Suzanne's birth date: nobody.
            ("cafat", "1975-03-09", None),
            ("", "1975-03-09", None),
            // As a CAFAT number with Marie's birth date: Marie, not Suzanne.
            (
                "cafat",
                "1985-03-14",
                Some(patient_id_by_cafat(&f.app, MARIE_CAFAT).await),
            ),
            ("amg", "1985-03-14", None),
        ];
        for (kind, birth, expected) in cases {
            let found = f
                .app
                .search_patients(&doctor, q(kind, birth), None, at(2 * MINUTE))
                .await
                .unwrap();
            let ids: Vec<_> = found.iter().map(|s| s.id.clone()).collect();
            assert_eq!(
                ids,
                expected.into_iter().collect::<Vec<_>>(),
                "{backend:?}: {kind} {birth}"
            );
        }
        let refused = f
            .app
            .search_patients(&doctor, q("ridet", "1975-03-09"), None, at(2 * MINUTE))
            .await;
        assert_eq!(outcome(&refused), "identifier_kind_invalid", "{backend:?}");

        // What a structure's software uses (FHIR subject and patient.identifier).
        let lookup = |kind: IdentifierKind, number: &'static str| {
            let (app, doctor) = (&f.app, &doctor);
            async move {
                app.record_of_identifier(doctor, kind, number, "document.add", None, at(3 * MINUTE))
                    .await
            }
        };
        let by_amg = lookup(IdentifierKind::Amg, MARIE_CAFAT).await.unwrap();
        assert_eq!(by_amg, patient.id, "{backend:?}");
        let by_cafat = lookup(IdentifierKind::Cafat, MARIE_CAFAT).await.unwrap();
        assert_ne!(by_cafat, patient.id, "{backend:?}");
        let unknown = lookup(IdentifierKind::Amg, "99887766").await;
        assert_eq!(outcome(&unknown), "not_found", "{backend:?}");
    });
}

#[test]
fn a_person_enrols_with_an_amg_number() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let submission = |email: &str, name: &str| SelfEnrolment {
            identity: amg(MARIE_CAFAT, name, "Léa", "1999-06-12"),
            email: email.into(),
            phone: None,
            password: "Lifou-Wé-Drehu-1999".into(),
            identity_document: mds_testkit::files::PDF.to_vec(),
            cafat_card: mds_testkit::files::PNG.to_vec(),
            informed_of_rights: true,
        };
        f.app
            .submit_self_enrolment(submission("lea.gope@example.nc", "Gope"), None, at(0))
            .await
            .unwrap();
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let queue = f
            .app
            .list_self_enrolments(&support, at(MINUTE))
            .await
            .unwrap();
        let item = queue
            .iter()
            .find(|q| q.patient.birth_name == "Gope")
            .unwrap();
        assert_eq!(
            (item.identifier_kind, item.cafat.as_str()),
            (IdentifierKind::Amg, MARIE_CAFAT),
            "{backend:?}"
        );
        // Another person with the same AMG number gets the same answer as anyone (nothing is
        // disclosed to the sender) but no request: the duplicate is recorded by its kind.
        let duplicates = count(&f.app, "enrolment_duplicates").await;
        f.app
            .submit_self_enrolment(
                submission("rose.wahnyamalla@example.nc", "Wahnyamalla"),
                None,
                at(HOUR),
            )
            .await
            .unwrap();
        assert_eq!(
            count(&f.app, "enrolment_duplicates").await,
            duplicates + 1,
            "{backend:?}"
        );
        let queue = f
            .app
            .list_self_enrolments(&support, at(HOUR + MINUTE))
            .await
            .unwrap();
        assert!(
            !queue.iter().any(|q| q.patient.birth_name == "Wahnyamalla"),
            "{backend:?}"
        );
    });
}
