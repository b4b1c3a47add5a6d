//! The real `mds` binary for supervision and structure software: a burst of denied requests
//! over HTTP, then `mds admin run-supervision` raises the alert, `list-alerts` shows it and
//! `review-alert` closes it; `create-software-credential` prints a secret the server accepts
//! for a call in an authorised doctor's name (`authorise-professional`),
//! `revoke-software-credential` makes it refused.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use crate::binary::*;
use mds_testkit::app::*;

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
    let marie =
        mds_store::patients::by_identifier(pool, mds_domain::IdentifierKind::Cafat, "1234567")
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
            "--until",
            &in_a_year(),
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

    // The doctor on the structure's list of authorised professionals (EXI 28).
    let o = mds(
        &env,
        &[
            "admin",
            "authorise-professional",
            "--as",
            SUPPORT,
            "--structure",
            &structure,
            "--professional",
            doctor.as_str(),
            "--until",
            &in_a_year(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // A call of the software in the doctor's name, who signed in to it with two factors.
    let call = || async {
        client
            .get(format!("{url}/api/v1/software/records/{marie}/documents"))
            .bearer_auth(&secret)
            .header("x-mds-professional", doctor.as_str())
            .header("x-mds-professional-amr", "mfa")
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(call().await, 200);
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
    assert_eq!(call().await, 401, "a revoked credential is refused");
    assert!(server.terminate().success());
}

/// A New Caledonia day a year from now (`AAAA-MM-JJ`): end dates are at most 3 years ahead.
fn in_a_year() -> String {
    let day = (time::OffsetDateTime::now_utc() + time::Duration::days(365)).date();
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}
