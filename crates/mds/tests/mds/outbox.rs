//! The durable outbox with the real binary (issue 5): an action that causes an e-mail, then
//! SIGKILL before any delivery could succeed (no SMTP server yet); after the SMTP server starts
//! and `mds serve` restarts, the e-mail is delivered exactly once, and so is every other queued
//! e-mail. The server is a real SMTP server on loopback (aiosmtpd).
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use crate::binary::*;
use mds_testkit::app::*;
use serde_json::json;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The titles of the demo documents (`crates/demo/src/data.rs`).
const DEMO_TITLES: [&str; 9] = [
    "Consultation de suivi",
    "Ordonnance — traitement antihypertenseur",
    "Bilan biologique",
    "Dispensation — amlodipine",
    "Consultation prénatale",
    "anatomo-cytopathologie",
    "Compte rendu d'hospitalisation",
    "Vaccination antigrippale",
    "Suivi de soins infirmiers",
];

#[tokio::test]
async fn an_email_queued_before_a_crash_is_delivered_exactly_once_after_restart() {
    for backend in backends() {
        let database_url = match backend {
            TestBackend::Sqlite => None,
            TestBackend::Postgres => Some(fresh_postgres_url().await),
        };
        crash_then_deliver(database_url).await;
    }
}

/// The scenario on SQLite (`None`) or on the PostgreSQL database at `database_url`.
async fn crash_then_deliver(database_url: Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut env = base_env(dir.path());
    if let Some(url) = database_url {
        env.push(("MDS_DATABASE_URL".to_owned(), url));
    }
    for (k, v) in [
        ("MDS_SMTP_PORT", port.to_string()),
        ("MDS_SMTP_BACKOFF_BASE_SECONDS", "1".to_owned()),
        ("MDS_SMTP_BACKOFF_MAX_SECONDS", "2".to_owned()),
        ("MDS_SMTP_TIMEOUT_SECONDS", "5".to_owned()),
        ("MDS_JOBS_TICK_SECONDS", "1".to_owned()),
    ] {
        env.push((k.to_owned(), v));
    }
    assert!(mds(&env, &["demo", "load"]).status.success());

    // First life: nothing listens on the SMTP port; the break-glass e-mail is queued with the
    // action, delivery attempts fail, then the process is killed.
    let server = Server::start(&env, &[]);
    let client = http();
    let celine = token(&client, &server.url, "celine.dk@demo.mds.nc").await;
    let pid = own_record_id(&client, &server.url, &celine).await;
    let nurse = token(&client, &server.url, "inf.kaloi@demo.mds.nc").await;
    let opened = client
        .post(format!("{}/api/v1/records/{pid}/break-glass", server.url))
        .bearer_auth(&nurse)
        .json(&json!({ "reason": "Patiente inconsciente aux urgences, antécédents inconnus." }))
        .send()
        .await
        .unwrap();
    assert!(opened.status().is_success(), "{}", opened.status());
    std::thread::sleep(Duration::from_secs(2)); // a few failed delivery attempts
    let mut server = server;
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    drop(server);

    // Second life: the SMTP server is up; the restarted service delivers what was queued.
    let sink = SmtpSink::start(port, &dir.path().join("mail"));
    let server = Server::start(&env, &[]);
    let emergency = |mails: &[serde_json::Value]| {
        mails
            .iter()
            .filter(|m| {
                m["rcpt_tos"][0] == "celine.dk@demo.mds.nc"
                    && m["body"].as_str().unwrap_or("").contains("bris de glace")
            })
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(90);
    while emergency(&sink.mails()) == 0 {
        assert!(
            Instant::now() < deadline,
            "the break-glass e-mail was not delivered"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Several more passes of the runner: nothing is sent twice.
    std::thread::sleep(Duration::from_secs(4));
    let mails = sink.mails();
    assert_eq!(emergency(&mails), 1, "exactly once");
    let mut ids: HashMap<String, usize> = HashMap::new();
    for m in &mails {
        *ids.entry(m["message_id"].as_str().unwrap().to_owned())
            .or_default() += 1;
        let text = format!("{} {}", m["subject"], m["body"]);
        assert!(
            !text.contains("inconsciente"),
            "no emergency reason in an e-mail"
        );
        for title in DEMO_TITLES {
            assert!(
                !text.contains(title),
                "no document title in an e-mail: {title}"
            );
        }
    }
    assert!(
        ids.values().all(|n| *n == 1),
        "a Message-ID delivered twice: {ids:?}"
    );
    assert!(
        mails.len() >= 2,
        "the demo's queued e-mails too: {}",
        mails.len()
    );
    let status = server.terminate();
    assert!(
        status.success(),
        "graceful stop with the job runner: {status}"
    );
}
