//! The legal representatives of a record through the real binary (issue 15, item 5): `mds admin
//! add-representative` records one on a legal document, `list-representatives` shows it (JSON)
//! and `end-representation` ends it; a term that does not fit the person is refused with the
//! use case's message.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use crate::binary::*;
use mds_testkit::app::*;

#[tokio::test]
async fn support_adds_lists_and_ends_a_representation_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let env = base_env(dir.path());
    let loaded = mds(&env, &["demo", "load"]);
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    let db = mds_store::Db::connect(&sqlite_url(dir.path()))
        .await
        .unwrap();
    let joseph =
        mds_store::patients::by_identifier(&db, mds_domain::IdentifierKind::Cafat, JOSEPH_CAFAT)
            .await
            .unwrap()
            .unwrap()
            .id
            .to_string();
    let document = dir.path().join("jugement.pdf");
    let pdf = mds_demo::drawing::minimal_pdf("Jugement de tutelle", "Joseph Poigoune");
    std::fs::write(&document, &pdf).unwrap();
    let year = now().noumea_date().unwrap().year() + 1;
    let last_day = format!("31/12/{year}");
    let add = |kind: &str| {
        mds(
            &env,
            &[
                "admin",
                "add-representative",
                "--as",
                SUPPORT,
                "--patient",
                &joseph,
                "--login",
                OTHER_PATIENT,
                "--kind",
                kind,
                "--last-day",
                &last_day,
                "--reference",
                "Jugement du tribunal de Koné, vérifié au guichet",
                "--document",
                document.to_str().unwrap(),
            ],
        )
    };
    let refused = add("parent");
    assert!(!refused.status.success(), "a parent of an adult");
    assert!(
        stderr(&refused).contains("Cette personne est majeure"),
        "{}",
        stderr(&refused)
    );
    let out = add("guardian");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("as guardian until {last_day} included")),
        "{}",
        stdout(&out)
    );

    let list = [
        "admin",
        "list-representatives",
        "--as",
        SUPPORT,
        "--patient",
        &joseph,
    ];
    let listed = json_out(&env, &list);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["representative_login"], OTHER_PATIENT);
    assert_eq!(listed[0]["kind"], "guardian");
    assert_eq!(listed[0]["current"], true);
    let id = listed[0]["id"].as_str().unwrap().to_owned();

    let end = [
        "admin",
        "end-representation",
        "--as",
        SUPPORT,
        "--patient",
        &joseph,
        "--id",
        &id,
    ];
    let out = mds(&env, &end);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("ended"), "{}", stdout(&out));
    let again = mds(&env, &end);
    assert!(!again.status.success(), "ended twice");
    let listed = json_out(&env, &list);
    assert_eq!(listed[0]["current"], false, "{listed}");
    assert!(listed[0]["ended_at"].is_number(), "{listed}");
}
