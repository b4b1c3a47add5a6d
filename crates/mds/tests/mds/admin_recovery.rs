//! Account recovery through the real binary: `mds serve` seals the second-factor seeds (none
//! in clear in the database) and makes reset links point at the address it serves;
//! `mds admin reissue-enrolment` removes a lost second factor while the server runs and prints
//! a code that is in no e-mail, with which the account enrols a new authenticator over HTTP.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use crate::binary::*;
use mds_testkit::app::*;
use serde_json::json;

#[tokio::test]
async fn reset_links_sealed_seeds_and_a_reissued_enrolment_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let env = base_env(dir.path());
    let server = Server::start(&env, &["--demo"]);
    let client = http();
    let url = server.url.clone();
    let db = mds_store::Db::connect(&sqlite_url(dir.path()))
        .await
        .unwrap();
    let doctor = mds_store::accounts::by_login(&db, DOCTOR)
        .await
        .unwrap()
        .unwrap();
    let seed = mds_demo::demo_totp_secret(DOCTOR);
    assert!(doctor.totp_key_id.is_some(), "sealed under a master key");
    assert!(!doctor.totp_secret.clone().unwrap().contains(&seed[..8]));

    let r = client
        .post(format!("{url}/api/v1/auth/password/forgotten"))
        .json(&json!({ "login": PATIENT }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let mails = mds_store::outbox::all(&db).await.unwrap();
    let link = mails.iter().find(|m| m.kind == "password_reset").unwrap();
    assert!(
        link.body.contains(&format!("{url}/password/reset?token=")),
        "the link points at the served address {url}: {}",
        link.body
    );

    let session = token(&client, &url, DOCTOR).await;
    let out = mds(
        &env,
        &[
            "admin",
            "reissue-enrolment",
            "--as",
            SUPPORT,
            doctor.id.as_ref(),
            "--evidence",
            "Carte professionnelle vue au guichet",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(printed.contains("second factor removed"), "{printed}");
    let issued = printed.lines().last().unwrap().trim().to_owned();
    assert_eq!(issued.len(), 12, "{printed}");
    let me = client
        .get(format!("{url}/api/v1/auth/me"))
        .bearer_auth(&session)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 401, "the session ended");
    let mails = mds_store::outbox::all(&db).await.unwrap();
    assert!(
        mails.iter().all(|m| !m.body.contains(&issued)),
        "the code is in no e-mail"
    );
    assert!(mails.iter().any(|m| m.kind == "second_factor_reset"));

    let new = "Nouveau-téléphone-2026-Koné";
    let begun: serde_json::Value = client
        .post(format!("{url}/api/v1/auth/enrolment"))
        .json(&json!({ "token": issued, "password": new }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = begun["totp_secret"].as_str().unwrap().to_owned();
    let confirm = client
        .post(format!("{url}/api/v1/auth/enrolment/confirm"))
        .json(&json!({ "token": issued, "totp_code": code(&secret, now()) }))
        .send()
        .await
        .unwrap();
    assert_eq!(confirm.status(), 204);
    db.close().await;
    drop(server);
}
