//! The use cases of the standards surface (`mds_app::interop`): a submission of several
//! documents stores all or nothing, and refuses exactly the contents `add_document` refuses,
//! with the same codes (its content checks repeat those of the one-document deposit). Both
//! backends.

use mds_app::interop::provide::Submitted;
use mds_app::record::documents::NewDocument;
use mds_testkit::app::*;

fn doc(title: &str, content: &[u8]) -> NewDocument {
    NewDocument {
        type_code: "11488-4".to_owned(),
        title: title.to_owned(),
        act_date: "2026-09-20".to_owned(),
        confirms_patient_informed: true,
        content: content.to_vec(),
        ..NewDocument::default()
    }
}

fn submitted(d: NewDocument) -> Submitted {
    Submitted {
        document: d,
        replaces: None,
    }
}

#[test]
fn a_submission_refuses_what_a_deposit_refuses_with_the_same_code() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let marie = patient_id_by_cafat(&f.app, MARIE_CAFAT).await;
        let existing = b"Compte rendu deja depose".to_vec();
        f.app
            .add_document(&doctor, &marie, doc("Déjà là", &existing), None, at(0))
            .await
            .unwrap();
        let too_big = vec![b'a'; f.app.settings().max_document_bytes + 1];
        let cases: Vec<(&str, NewDocument)> = vec![
            ("binary bytes", doc("Binaire", &[0, 1, 2, 3])),
            (
                "CDA with a DTD",
                doc(
                    "CDA",
                    b"<?xml version=\"1.0\"?><!DOCTYPE x><ClinicalDocument/>",
                ),
            ),
            ("other XML", doc("XML", b"<?xml version=\"1.0\"?><html/>")),
            ("duplicate", doc("Encore", &existing)),
            ("empty", doc("Vide", b"")),
            ("too large", doc("Gros", &too_big)),
            (
                "unknown type",
                NewDocument {
                    type_code: "00000-0".to_owned(),
                    ..doc("Type", b"texte")
                },
            ),
            (
                "bad date",
                NewDocument {
                    act_date: "20/09/2026".to_owned(),
                    ..doc("Date", b"texte 2")
                },
            ),
        ];
        let mut failures = Vec::new();
        for (name, d) in cases {
            let one = f
                .app
                .add_document(&doctor, &marie, d.clone(), None, at(1000))
                .await;
            let many = f
                .app
                .provide_documents(
                    &doctor,
                    &marie,
                    vec![submitted(doc("Bon", name.as_bytes())), submitted(d)],
                    None,
                    at(1000),
                )
                .await;
            let one = outcome(&one);
            let (index, many) = match &many {
                Ok(_) => (None, "ok"),
                Err(e) => (e.index, e.error.code()),
            };
            if one == "ok" || one != many || index != Some(1) {
                failures.push(format!(
                    "{name}: deposit {one}, submission {many} at {index:?}"
                ));
            }
        }
        assert!(failures.is_empty(), "{backend:?}: {failures:#?}");
    });
}

#[test]
fn a_submission_stores_all_or_nothing() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let marie = patient_id_by_cafat(&f.app, MARIE_CAFAT).await;
        let rows = count(&f.app, "documents").await;
        let objects = f.app.vault().list().await.unwrap().len();
        // The third repeats the first: refused, and the first two are not kept.
        let r = f
            .app
            .provide_documents(
                &doctor,
                &marie,
                vec![
                    submitted(doc("Un", b"Premier compte rendu")),
                    submitted(doc("Deux", b"Second compte rendu")),
                    submitted(doc("Trois", b"Premier compte rendu")),
                ],
                None,
                at(0),
            )
            .await;
        let e = r.unwrap_err();
        assert_eq!((e.index, e.error.code()), (Some(2), "duplicate_document"));
        assert_eq!(count(&f.app, "documents").await, rows);
        assert_eq!(f.app.vault().list().await.unwrap().len(), objects);
        // Then all of them, and a new version of one, in one submission.
        let done = f
            .app
            .provide_documents(
                &doctor,
                &marie,
                vec![
                    submitted(doc("Un", b"Premier compte rendu")),
                    submitted(doc("Deux", b"Second compte rendu")),
                ],
                None,
                at(1000),
            )
            .await
            .unwrap();
        assert_eq!(count(&f.app, "documents").await, rows + 2);
        let v2 = f
            .app
            .provide_documents(
                &doctor,
                &marie,
                vec![Submitted {
                    document: doc("Un, version 2", b"Premier compte rendu, corrige"),
                    replaces: Some(done[0].id.clone()),
                }],
                None,
                at(2000),
            )
            .await
            .unwrap();
        assert_eq!(v2[0].version, 2);
        assert_eq!(v2[0].replaces_id.as_ref(), Some(&done[0].id));
        let events = events_of(&f.app, "document.modify").await;
        assert!(events
            .iter()
            .any(|e| e.document_id.as_deref() == Some(v2[0].id.as_str())));
        assert_chain_intact(&f.app).await;
    });
}
