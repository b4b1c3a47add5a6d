//! Support's directory corrections and lost-second-factor queue through the real binary
//! (issue 15, item 8): `mds admin edit-professional` and `edit-structure` (fields not given
//! keep their value), a request sent over HTTP to the running service then listed and closed
//! with `mds admin list-recovery-requests` and `close-recovery-request`.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use crate::binary::*;
use mds_testkit::app::*;

#[tokio::test]
async fn support_corrects_the_directory_and_closes_a_request_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let env = base_env(dir.path());
    let server = Server::start(&env, &["--demo"]);
    let db = mds_store::Db::connect(&sqlite_url(dir.path()))
        .await
        .unwrap();
    let nurse = mds_store::accounts::by_login(&db, NURSE)
        .await
        .unwrap()
        .unwrap()
        .id;
    let out = mds(
        &env,
        &[
            "admin",
            "edit-professional",
            "--as",
            SUPPORT,
            nurse.as_ref(),
            "--last-name",
            "Kaloï-Wema",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Kaloï-Wema, infirmier, 1 structure(s)"),
        "{}",
        stdout(&out)
    );
    let refused = mds(
        &env,
        &[
            "admin",
            "edit-professional",
            "--as",
            SUPPORT,
            nurse.as_ref(),
            "--samu-regulator",
            "true",
        ],
    );
    assert!(!refused.status.success(), "a nurse is no SAMU regulator");
    assert!(
        stderr(&refused).contains("Seul un médecin"),
        "{}",
        stderr(&refused)
    );
    let p = mds_store::directory::professional(&db, &nurse)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (p.last_name.as_str(), p.samu_regulator),
        ("Kaloï-Wema", false)
    );

    let s = mds_store::directory::list_structures(&db)
        .await
        .unwrap()
        .remove(0);
    let out = mds(
        &env,
        &[
            "admin",
            "edit-structure",
            "--as",
            SUPPORT,
            s.id.as_ref(),
            "--name",
            "Nom corrigé",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let after = mds_store::directory::structure_by_id(&db, &s.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            after.name.as_str(),
            after.kind.as_str(),
            after.ridet.as_str()
        ),
        ("Nom corrigé", s.kind.as_str(), s.ridet.as_str())
    );

    let form = mds_testkit::Multipart::new()
        .text(
            "request",
            &serde_json::json!({ "login": PATIENT, "message": "Téléphone perdu." }).to_string(),
        )
        .finish();
    let r = http()
        .post(format!("{}/api/v1/auth/recovery-requests", server.url))
        .header("content-type", mds_testkit::Multipart::content_type())
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let out = mds(&env, &["admin", "list-recovery-requests", "--as", SUPPORT]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(list[0]["login"], PATIENT, "{list}");
    let id = list[0]["id"].as_str().unwrap();
    let out = mds(
        &env,
        &[
            "admin",
            "close-recovery-request",
            "--as",
            SUPPORT,
            id,
            "--outcome",
            "handled",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = mds(&env, &["admin", "list-recovery-requests", "--as", SUPPORT]);
    assert_eq!(stdout(&out).trim(), "[]");
}
