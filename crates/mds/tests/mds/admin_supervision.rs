//! The real `mds` binary for supervision and structure software: a burst of denied requests
//! over HTTP, then `mds admin run-supervision` raises the alert, `list-alerts` shows it and
//! `review-alert` closes it; `create-software-credential` prints a secret the server accepts
//! for a preload, `revoke-software-credential` makes it refused.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use crate::binary::*;
use mds_testkit::app::*;
use serde_json::json;

#[tokio::test]
async fn supervision_and_software_credentials_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let env = base_env(dir.path());
    let server = Server::start(&env, &["--demo"]);
    let client = http();
    let url = server.url.clone();
    let db = mds_store::Db::connect(&sqlite_url(dir.path()))
        .await
        .unwrap();
    let pool = &db;
    let marie = mds_store::patients::by_cafat(pool, "1234567")
        .await
        .unwrap()
        .unwrap()
        .id;
    let structure = mds_store::directory::structure_by_ridet(pool, "0900001.001")
        .await
        .unwrap()
        .unwrap()
        .id;
    let doctor = mds_store::accounts::by_login(pool, "dr.nea@demo.mds.nc")
        .await
        .unwrap()
        .unwrap()
        .id;
    db.close().await;

    let nurse = token(&client, &url, "inf.kaloi@demo.mds.nc").await;
    for _ in 0..11 {
        let r = client
            .get(format!("{url}/api/v1/records/{marie}/documents"))
            .bearer_auth(&nurse)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    }
    json_out(&env, &["admin", "run-supervision"]);
    let alerts = json_out(
        &env,
        &["admin", "list-alerts", "--as", SUPPORT, "--state", "open"],
    );
    let burst = alerts["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["rule"] == "denied_burst")
        .unwrap_or_else(|| panic!("no denied_burst alert: {alerts}"))
        .clone();
    let id = burst["id"].as_str().unwrap();
    let o = mds(
        &env,
        &[
            "admin",
            "review-alert",
            "--as",
            SUPPORT,
            id,
            "--comment",
            "Vu avec le dispensaire.",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let reviewed = json_out(
        &env,
        &[
            "admin",
            "list-alerts",
            "--as",
            SUPPORT,
            "--state",
            "reviewed",
        ],
    );
    assert_eq!(reviewed["items"][0]["id"], id, "{reviewed}");

    let o = mds(
        &env,
        &[
            "admin",
            "create-software-credential",
            "--as",
            SUPPORT,
            "--structure",
            &structure,
            "--label",
            "DPI du cabinet",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let secret = out
        .split_whitespace()
        .find(|w| w.starts_with("mds-sw-"))
        .unwrap()
        .to_owned();
    let listed = json_out(
        &env,
        &[
            "admin",
            "list-software-credentials",
            "--as",
            SUPPORT,
            "--structure",
            &structure,
        ],
    );
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is shown once"
    );
    let credential = listed[0]["id"].as_str().unwrap().to_owned();

    let preload = || async {
        let meta = json!({ "confirms_patient_informed": true, "documents": [
            { "type_code": "11488-4", "title": "Compte rendu", "act_date": "2026-11-20" }] });
        let body = Multipart::new()
            .text("metadata", &meta.to_string())
            .file(
                "file",
                "cr.txt",
                b"Compte rendu transmis par le logiciel du cabinet.",
            )
            .finish();
        client
            .post(format!("{url}/api/v1/software/records/{marie}/preload"))
            .bearer_auth(&secret)
            .header("x-mds-professional", doctor.as_str())
            .header("content-type", Multipart::content_type())
            .body(body)
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(preload().await, 200);
    let o = mds(
        &env,
        &[
            "admin",
            "revoke-software-credential",
            "--as",
            SUPPORT,
            &credential,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(preload().await, 401, "a revoked credential is refused");
    assert!(server.terminate().success());
}
