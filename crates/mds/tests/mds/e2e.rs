//! End-to-end tests of the real `mds` binary: serve with demo data, probes, API login with
//! TOTP (wrong and replayed codes refused), graceful shutdown, idempotent demo data, audit
//! verification after tampering, configuration errors, TLS, and the production backends
//! (PostgreSQL + S3, when the run has both).
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use crate::binary::*;
use mds_testkit::app::*;
use serde_json::json;

async fn login(client: &reqwest::Client, url: &str, login: &str, code: &str) -> reqwest::Response {
    client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({ "login": login, "password": mds_demo::DEMO_PASSWORD, "totp_code": code }))
        .send()
        .await
        .expect("login request")
}

#[tokio::test]
async fn serve_demo_answers_probes_and_a_professional_logs_in_with_totp() {
    let dir = tempfile::tempdir().unwrap();
    let env = base_env(dir.path());
    let server = Server::start(&env, &["--demo"]);
    assert!(
        server.banner.contains("dr.nea@demo.mds.nc"),
        "{}",
        server.banner
    );
    assert!(server.banner.contains("Demo-MDS-2026"), "{}", server.banner);
    assert!(dir.path().join("master.keys").exists());
    let client = http();
    let url = server.url.clone();
    for probe in ["healthz", "readyz"] {
        let r = client.get(format!("{url}/{probe}")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{probe}");
        assert!(
            !r.headers().contains_key("strict-transport-security"),
            "no HSTS on plain HTTP with an http public address"
        );
    }

    // Each surface answers its own paths in the composed server: the token endpoint of
    // structure software (an OAuth error, not a FHIR one), FHIR, REST and the portals.
    let token_endpoint = client
        .post(format!("{url}/fhir/auth/token"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(token_endpoint.status(), 400);
    let oauth: serde_json::Value = token_endpoint.json().await.unwrap();
    assert!(oauth["error"].is_string(), "{oauth}");
    let metadata = client
        .get(format!("{url}/fhir/metadata"))
        .send()
        .await
        .unwrap();
    assert_eq!(metadata.status(), 200);
    let metadata: serde_json::Value = metadata.json().await.unwrap();
    assert_eq!(metadata["resourceType"], "CapabilityStatement");
    let openapi = client
        .get(format!("{url}/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(openapi.status(), 200);
    let home = client.get(format!("{url}/")).send().await.unwrap();
    assert!(home.status().is_success() || home.status().is_redirection());

    let pro = "dr.nea@demo.mds.nc";
    let wrong = login(&client, &url, pro, "000000").await;
    assert_eq!(wrong.status(), 401);
    let code = code_now(pro);
    let ok = login(&client, &url, pro, &code).await;
    assert_eq!(ok.status(), 200);
    let body: serde_json::Value = ok.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    let replay = login(&client, &url, pro, &code).await;
    assert_eq!(replay.status(), 401, "a TOTP code is accepted once");
    let err: serde_json::Value = replay.json().await.unwrap();
    assert_eq!(err["error"]["code"], "invalid_credentials");

    let me = client
        .get(format!("{url}/api/v1/auth/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    assert_eq!(
        me.json::<serde_json::Value>().await.unwrap()["kind"],
        "professional"
    );

    let status = server.terminate();
    assert!(
        status.success(),
        "graceful shutdown exit status: {status:?}"
    );
}

#[test]
fn demo_data_loads_once_and_the_audit_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let env = base_env(dir.path());
    let first = mds(&env, &["demo", "load"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        !stdout(&first).contains(" 0 éléments créés"),
        "{}",
        stdout(&first)
    );
    let second = mds(&env, &["demo", "load"]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stdout(&second).contains(" 0 éléments créés"),
        "{}",
        stdout(&second)
    );

    let verify = mds(&env, &["audit", "verify"]);
    assert!(
        verify.status.success(),
        "{}{}",
        stdout(&verify),
        stderr(&verify)
    );
    assert!(
        stdout(&verify).contains("audit intact"),
        "{}",
        stdout(&verify)
    );
    let report = json_out(&env, &["vault", "check"]);
    assert_eq!(report["checked"], 9);
}

#[tokio::test]
async fn audit_verify_names_an_altered_event() {
    let dir = tempfile::tempdir().unwrap();
    let env = base_env(dir.path());
    assert!(mds(&env, &["demo", "load"]).status.success());
    let db = mds_store::Db::connect(&sqlite_url(dir.path()))
        .await
        .unwrap();
    db.execute_script("DROP TRIGGER audit_events_no_update; UPDATE audit_events SET action = 'document.read' WHERE seq = 7;")
        .await
        .unwrap();
    db.close().await;
    let verify = mds(&env, &["audit", "verify"]);
    assert_eq!(verify.status.code(), Some(1), "{}", stdout(&verify));
    assert!(stdout(&verify).contains("event 7"), "{}", stdout(&verify));
}

#[test]
fn configuration_errors_are_named_and_nothing_starts() {
    let dir = tempfile::tempdir().unwrap();
    let mut env = base_env(dir.path());
    let cfg = dir.path().join("mds.toml");
    std::fs::write(&cfg, "[vault]\nbakend = \"s3\"\n").unwrap();
    let out = mds(&env, &["serve", "--config", cfg.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("bakend"), "{}", stderr(&out));

    env.push((
        "MDS_DATABASE_URL".into(),
        "mysql://root@127.0.0.1/mds".into(),
    ));
    let out = mds(&env, &["demo", "load"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("unsupported database URL"),
        "{}",
        stderr(&out)
    );
    env.pop();

    env.push(("MDS_UNKNOWN_THING".into(), "1".into()));
    let out = mds(&env, &["demo", "load"]);
    assert!(
        stderr(&out).contains("MDS_UNKNOWN_THING"),
        "{}",
        stderr(&out)
    );
    env.pop();

    // A master key readable by others is refused, with the fix in the message.
    assert!(mds(&env, &["demo", "load"]).status.success());
    let key = dir.path().join("master.keys");
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let out = mds(&env, &["vault", "check"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("master.keys"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn built_in_tls_serves_https() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    let gen = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is needed to make a test certificate");
    assert!(gen.status.success(), "{}", stderr(&gen));
    let mut env = base_env(dir.path());
    env.push(("MDS_TLS_CERT_FILE".into(), cert.display().to_string()));
    env.push(("MDS_TLS_KEY_FILE".into(), key.display().to_string()));
    let server = Server::start(&env, &[]);
    assert!(server.url.starts_with("https://"), "{}", server.url);
    let client = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let r = client
        .get(format!("{}/healthz", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000; includeSubDomains"),
        "HSTS when mds serves HTTPS itself"
    );
    let page = client
        .get(format!("{}/login", server.url))
        .send()
        .await
        .unwrap();
    assert!(
        page.headers().contains_key("strict-transport-security"),
        "HSTS on the portals too"
    );
    // The client's connections close with it; its HTTP/2 connection answers the server's
    // GOAWAY on a worker thread while this one waits for the exit.
    drop(client);
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn production_backends_postgresql_and_s3() {
    // Both production backends, or nothing to test (the test kit says which ran).
    let (Some(_), Some(endpoint)) = (pg_admin_url(), s3_endpoint()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let pg = fresh_postgres_url().await;
    let secret = dir.path().join("s3.secret");
    std::fs::write(&secret, "test-secret\n").unwrap();
    let bucket = format!("mds-e2e-{}", &mds_store::new_id()[..8]);
    let mut env = base_env(dir.path());
    for (k, v) in [
        ("MDS_DATABASE_URL", pg.as_str()),
        ("MDS_VAULT_BACKEND", "s3"),
        ("MDS_VAULT_S3_ENDPOINT", endpoint),
        ("MDS_VAULT_S3_BUCKET", bucket.as_str()),
        ("MDS_VAULT_S3_ACCESS_KEY_ID", "test"),
        (
            "MDS_VAULT_S3_SECRET_ACCESS_KEY_FILE",
            secret.to_str().unwrap(),
        ),
    ] {
        env.push((k.into(), v.into()));
    }
    let server = Server::start(&env, &["--demo"]);
    let client = http();
    let r = client
        .get(format!("{}/readyz", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let code = code_now("support@demo.mds.nc");
    let ok = login(&client, &server.url, "support@demo.mds.nc", &code).await;
    assert_eq!(ok.status(), 200);
    drop(server);
    let report = json_out(&env, &["vault", "check"]);
    assert_eq!(report["checked"], 9, "documents stored in S3 and readable");
    assert!(
        !dir.path().join("vault").exists(),
        "the local vault must not be used with s3"
    );
}

#[tokio::test]
async fn browser_sessions_use_a_strict_http_only_cookie_and_csrf_token() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&base_env(dir.path()), &["--demo"]);
    let client = http();
    let url = &server.url;
    let login = "marie.wea@demo.mds.nc";
    let r = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({ "login": login, "password": mds_demo::DEMO_PASSWORD, "totp_code": code_now(login), "cookie": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let set_cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attr in ["mds_session=", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(attr), "{set_cookie}");
    }
    assert!(
        !set_cookie.contains("Secure"),
        "plain HTTP on loopback: {set_cookie}"
    );
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(
        body.get("token").is_none(),
        "the token stays in the HttpOnly cookie: {body}"
    );
    let csrf = body["csrf_token"].as_str().unwrap().to_owned();
    let cookie = set_cookie.split(';').next().unwrap().to_owned();

    let me = client
        .get(format!("{url}/api/v1/auth/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let forged = client
        .post(format!("{url}/api/v1/auth/logout"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        forged.status(),
        403,
        "a cookie alone may not change anything"
    );
    let out = client
        .post(format!("{url}/api/v1/auth/logout"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    assert!(out.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let after = client
        .get(format!("{url}/api/v1/auth/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401, "the session ended server-side");
}

#[test]
fn master_key_rotation_rewraps_every_document_key() {
    let dir = tempfile::tempdir().unwrap();
    let env = base_env(dir.path());
    assert!(mds(&env, &["demo", "load"]).status.success());
    let key_file = dir.path().join("master.keys");
    let before = std::fs::read_to_string(&key_file).unwrap();
    let rotate = mds(&env, &["keys", "rotate"]);
    assert!(rotate.status.success(), "{}", stderr(&rotate));
    // 9 demo documents, and 3 identity files of the support console's demo cases (two
    // enrolment scans, a consent form held with a review).
    assert!(
        stdout(&rotate).contains("12 document keys re-wrapped"),
        "{}",
        stdout(&rotate)
    );
    let old_id = before
        .lines()
        .find(|l| l.starts_with("mk-"))
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    assert!(
        std::fs::read_to_string(&key_file).unwrap().contains(old_id),
        "kept until retired"
    );
    let retire = mds(&env, &["keys", "retire"]);
    assert!(retire.status.success(), "{}", stderr(&retire));
    assert!(stdout(&retire).contains(old_id), "{}", stdout(&retire));
    assert!(
        !std::fs::read_to_string(&key_file).unwrap().contains(old_id),
        "the old key, no longer used, is retired"
    );
    let check = mds(&env, &["vault", "check"]);
    assert!(check.status.success(), "{}", stdout(&check));
}

#[test]
fn an_unreachable_s3_endpoint_is_named_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut env = base_env(dir.path());
    env.push(("MDS_VAULT_BACKEND".into(), "s3".into()));
    env.push(("MDS_VAULT_S3_ENDPOINT".into(), "http://127.0.0.1:9".into()));
    env.push(("MDS_VAULT_S3_ACCESS_KEY_ID".into(), "test".into()));
    let secret = dir.path().join("s3.secret");
    std::fs::write(&secret, "test").unwrap();
    env.push((
        "MDS_VAULT_S3_SECRET_ACCESS_KEY_FILE".into(),
        secret.display().to_string(),
    ));
    let out = mds(&env, &["serve"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("http://127.0.0.1:9"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn an_anchor_file_catches_a_truncation_with_a_forged_head() {
    let dir = tempfile::tempdir().unwrap();
    let env = base_env(dir.path());
    assert!(mds(&env, &["demo", "load"]).status.success());
    let anchors = dir.path().join("anchors.txt");
    let anchors_arg = anchors.to_str().unwrap();
    let first = mds(&env, &["audit", "verify", "--anchor-file", anchors_arg]);
    assert!(first.status.success(), "{}", stdout(&first));
    assert_eq!(
        std::fs::read_to_string(&anchors).unwrap().lines().count(),
        1
    );

    // An attacker removes the last events and rewinds the head row to match.
    let db = mds_store::Db::connect(&sqlite_url(dir.path()))
        .await
        .unwrap();
    db.execute_script(
        "DROP TRIGGER audit_events_no_delete; \
         DELETE FROM audit_events WHERE seq > 20; \
         UPDATE audit_head SET seq = 20, hash = (SELECT hash FROM audit_events WHERE seq = 20);",
    )
    .await
    .unwrap();
    db.close().await;
    let plain = mds(&env, &["audit", "verify"]);
    assert!(
        plain.status.success(),
        "without an anchor the forged head looks consistent"
    );
    let anchored = mds(&env, &["audit", "verify", "--anchor-file", anchors_arg]);
    assert_eq!(anchored.status.code(), Some(1), "{}", stdout(&anchored));
    assert!(
        stdout(&anchored).contains("BROKEN"),
        "{}",
        stdout(&anchored)
    );
}

/// Behind a proxy that terminates TLS (`public_url` https), every answer carries HSTS.
#[tokio::test]
async fn an_https_public_address_sends_hsts_on_every_surface() {
    let dir = tempfile::tempdir().unwrap();
    let mut env = base_env(dir.path());
    env.push(("MDS_PUBLIC_URL".into(), "https://mds.example.nc".into()));
    let server = Server::start(&env, &[]);
    let client = http();
    for path in [
        "/healthz",
        "/api/v1/openapi.json",
        "/fhir/metadata",
        "/login",
    ] {
        let r = client
            .get(format!("{}{path}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.headers()
                .get("strict-transport-security")
                .and_then(|v| v.to_str().ok()),
            Some("max-age=31536000; includeSubDomains"),
            "{path}"
        );
    }
}

/// A body announced larger than its route accepts is refused before it is read: 413, never
/// `100 Continue` (issue 14), on the REST upload, the portals' upload and the FHIR Bundle.
#[tokio::test]
async fn an_announced_oversized_body_is_refused_before_100_continue() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&base_env(dir.path()), &[]);
    let addr = server.url.trim_start_matches("http://").to_owned();
    for path in [
        "/api/v1/records/00000000-0000-4000-8000-000000000000/documents",
        "/patient/documents/add",
        "/fhir",
    ] {
        let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary=x\r\n\
             Content-Length: 104857600\r\nExpect: 100-continue\r\n\r\n"
        );
        tcp.write_all(head.as_bytes()).await.unwrap();
        let mut answer = vec![0u8; 256];
        let n = tokio::time::timeout(std::time::Duration::from_secs(10), tcp.read(&mut answer))
            .await
            .expect("an answer without sending the body")
            .unwrap();
        let text = String::from_utf8_lossy(&answer[..n]).to_string();
        assert!(text.starts_with("HTTP/1.1 413"), "{path}: {text}");
    }
}
