//! The export of a record by support through the real binary (issue 15, item 9): `mds admin
//! export-record` writes an inactive record's export into a new file readable by its owner
//! only, never over an existing one, and refuses an active record; REST
//! `POST /api/v1/patients/{id}/export` answers the same archive to a support session. An heir
//! of a deceased person receives the legal export through `mds admin heir-export` and REST
//! `POST /api/v1/patients/{id}/heir-export`, refused while the death is not recorded.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use crate::binary::*;
use mds_testkit::app::*;
use serde_json::json;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;

/// The demo service started on a fresh data directory, and its database opened beside it.
async fn demo_service(dir: &std::path::Path) -> (Vec<(String, String)>, Server, mds_store::Db) {
    let env = base_env(dir);
    let server = Server::start(&env, &["--demo"]);
    let db = mds_store::Db::connect(&sqlite_url(dir)).await.unwrap();
    (env, server, db)
}

/// The id of the demo record with this CAFAT number.
async fn record(db: &mds_store::Db, cafat: &str) -> mds_domain::PatientId {
    mds_store::patients::by_identifier(db, mds_domain::IdentifierKind::Cafat, cafat)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// How many `action` events the record has in the audit.
async fn audited(db: &mds_store::Db, record: &mds_domain::PatientId, action: &str) -> usize {
    let q = mds_audit::AuditQuery {
        patient_id: Some(record.to_string()),
        actions: vec![action.to_owned()],
        limit: 10,
        ..Default::default()
    };
    mds_audit::query(db, &q).await.unwrap().len()
}

#[tokio::test]
async fn support_exports_an_inactive_record_from_the_command_line_and_over_rest() {
    let dir = tempfile::tempdir().unwrap();
    let (env, server, db) = demo_service(dir.path()).await;
    let (poigoune, marie) = (record(&db, "7654321").await, record(&db, "1234567").await);
    let out_file = dir.path().join("export-poigoune.zip");
    let out_arg = out_file.to_str().unwrap();
    let export = |id: &str, out: &str| {
        mds(
            &env,
            &[
                "admin",
                "export-record",
                "--as",
                SUPPORT,
                id,
                "--reference",
                "Guichet de Koné, CNI vérifiée",
                "--out",
                out,
            ],
        )
    };
    let done = export(poigoune.as_ref(), out_arg);
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(
        stdout(&done).contains("export on the person's request"),
        "{}",
        stdout(&done)
    );
    let mode = std::fs::metadata(&out_file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out_file).unwrap()).unwrap();
    let mut html = String::new();
    zip.by_name("history.html")
        .unwrap()
        .read_to_string(&mut html)
        .unwrap();
    assert!(html.contains("<li>"), "{html}");

    let again = export(poigoune.as_ref(), out_arg);
    assert!(!again.status.success(), "never over an existing file");
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    let active = export(marie.as_ref(), dir.path().join("m.zip").to_str().unwrap());
    assert!(!active.status.success());
    assert!(
        stderr(&active).contains("exporte elle-même"),
        "{}",
        stderr(&active)
    );
    assert!(
        !dir.path().join("m.zip").exists(),
        "no file for a refused export"
    );

    let client = http();
    let url = server.url.clone();
    let session = token(&client, &url, SUPPORT).await;
    let r = client
        .post(format!("{url}/api/v1/patients/{poigoune}/export"))
        .bearer_auth(&session)
        .json(&json!({ "reference": "Courrier du 02/12, CNI jointe" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-mds-export"], "on_request");
    assert_eq!(r.headers()["content-type"], "application/zip");
    let bytes = r.bytes().await.unwrap();
    assert!(zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).is_ok());
    let doctor = token(&client, &url, DOCTOR).await;
    let r = client
        .post(format!("{url}/api/v1/patients/{poigoune}/export"))
        .bearer_auth(&doctor)
        .json(&json!({ "reference": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "support only");
    assert_eq!(
        audited(&db, &poigoune, "patient.export.on_request").await,
        2,
        "both exports audited"
    );
}

#[tokio::test]
async fn an_heir_receives_a_deceased_persons_record_from_the_command_line_and_over_rest() {
    let dir = tempfile::tempdir().unwrap();
    let (env, server, db) = demo_service(dir.path()).await;
    let marie = record(&db, "1234567").await;
    let out = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let heir_export = |file: &str| {
        mds(
            &env,
            &[
                "admin",
                "heir-export",
                "--as",
                SUPPORT,
                marie.as_ref(),
                "--heir",
                "Paul Wéa",
                "--relationship",
                "child",
                "--justification",
                "Acte de notoriété n° 514",
                "--out",
                file,
            ],
        )
    };
    let alive = heir_export(&out("alive.zip"));
    assert!(!alive.status.success());
    assert!(
        stderr(&alive).contains("n'est pas enregistré"),
        "{}",
        stderr(&alive)
    );
    let death = mds(
        &env,
        &[
            "admin",
            "record-death",
            "--as",
            SUPPORT,
            marie.as_ref(),
            "--date",
            "2026-11-30",
        ],
    );
    assert!(death.status.success(), "{}", stderr(&death));
    let done = heir_export(&out("heir.zip"));
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(stdout(&done).contains("for an heir"), "{}", stdout(&done));
    let mode = std::fs::metadata(out("heir.zip"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "readable by its owner only");

    let client = http();
    let url = server.url.clone();
    let session = token(&client, &url, SUPPORT).await;
    let body = json!({ "heir_name": "Léa Wéa", "relationship": "sibling", "justification": "Livret de famille vu" });
    let r = client
        .post(format!("{url}/api/v1/patients/{marie}/heir-export"))
        .bearer_auth(&session)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    assert!(zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).is_ok());
    let wrong = json!({ "heir_name": "Léa Wéa", "relationship": "cousin", "justification": "x" });
    let r = client
        .post(format!("{url}/api/v1/patients/{marie}/heir-export"))
        .bearer_auth(&session)
        .json(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "an unknown relationship");
    assert_eq!(
        audited(&db, &marie, "patient.export.heir").await,
        2,
        "both exports audited"
    );
}

#[tokio::test]
async fn support_limits_a_record_and_reads_the_rectification_queue_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let (env, _server, db) = demo_service(dir.path()).await;
    let marie = record(&db, "1234567").await;
    let queue = mds(&env, &["admin", "list-rectifications", "--as", SUPPORT]);
    assert!(queue.status.success(), "{}", stderr(&queue));
    assert_eq!(stdout(&queue).trim(), "[]");
    let limit = |extra: &[&str]| {
        let mut args = vec!["admin", "limit-record", "--as", SUPPORT, marie.as_ref()];
        args.extend_from_slice(extra);
        mds(&env, &args)
    };
    let out = limit(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(": limited"), "{}", stdout(&out));
    let since = mds_store::rectifications::limited_since(&db, &marie)
        .await
        .unwrap();
    assert!(since.is_some());
    let out = limit(&["--lift"]);
    assert!(stdout(&out).contains("not limited"), "{}", stdout(&out));
    let since = mds_store::rectifications::limited_since(&db, &marie)
        .await
        .unwrap();
    assert!(since.is_none());
    let refused = mds(
        &env,
        &["admin", "limit-record", "--as", DOCTOR, marie.as_ref()],
    );
    assert!(!refused.status.success(), "support only");
}
