//! Two `mds serve` on one PostgreSQL and one S3 bucket (issue 16): sessions opened on one
//! instance work on the other; documents deposited through one read back through the other; a
//! suspension decided on one is refused on the other at the next request; one instance is
//! SIGKILLed during a burst of uploads through both, and every upload either instance
//! acknowledged reads back; no e-mail reaches the SMTP server twice; no leased job starts on
//! one instance while the other holds it (their logs give every run); the audit chain and the
//! vault check pass. Runs when the run has PostgreSQL and S3 (the test command starts both).

use crate::binary::*;
use mds_testkit::app::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The product's leased jobs and their intervals in milliseconds (`mds_app::jobs::list`).
const LEASED: [(&str, i64); 6] = [
    ("timers", 60_000),
    ("access_expiry", 60_000),
    ("supervision", 60_000),
    ("housekeeping", 600_000),
    ("retention", 600_000),
    ("structure_tokens", 600_000),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_postgresql_and_one_s3() {
    let (Some(_), Some(endpoint)) = (pg_admin_url(), s3_endpoint()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("s3.secret");
    std::fs::write(&secret, "test-secret\n").unwrap();
    let sink = SmtpSink::start(free_port(), &dir.path().join("mail"));
    let common: Vec<(String, String)> = [
        ("MDS_DATABASE_URL", fresh_postgres_url().await),
        ("MDS_VAULT_BACKEND", "s3".to_owned()),
        ("MDS_VAULT_S3_ENDPOINT", endpoint.to_owned()),
        (
            "MDS_VAULT_S3_BUCKET",
            format!("mds-two-{}", &mds_store::new_id()[..8]),
        ),
        ("MDS_VAULT_S3_ACCESS_KEY_ID", "test".to_owned()),
        (
            "MDS_VAULT_S3_SECRET_ACCESS_KEY_FILE",
            secret.display().to_string(),
        ),
        // The same master key file on every instance (DEPLOYMENT.md).
        (
            "MDS_VAULT_MASTER_KEY_FILE",
            dir.path().join("master.keys").display().to_string(),
        ),
        ("MDS_SMTP_PORT", sink.port.to_string()),
        ("MDS_SMTP_TIMEOUT_SECONDS", "5".to_owned()),
        ("MDS_JOBS_TICK_SECONDS", "1".to_owned()),
        ("MDS_LOG_FORMAT", "json".to_owned()),
        ("MDS_LOG_LEVEL", "warn,mds_app::jobs=debug".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let instance_env = |name: &str| {
        let data = dir.path().join(name);
        std::fs::create_dir_all(&data).unwrap();
        let mut env = base_env(&data);
        env.extend(common.iter().cloned());
        env
    };
    let (env_a, env_b) = (instance_env("a"), instance_env("b"));
    let loaded = mds(&env_a, &["demo", "load"]);
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    let (log_a, log_b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    let a = Server::start_logged(&env_a, &[], &log_a);
    let mut b = Server::start_logged(&env_b, &[], &log_b);
    let (url_a, url_b) = (a.url.clone(), b.url.clone());
    let client = http();

    // Sessions work on any instance.
    let doctor = token(&client, &url_a, DOCTOR).await;
    let patient = token(&client, &url_b, PATIENT).await;
    let nurse = token(&client, &url_b, NURSE).await;
    for url in [&url_a, &url_b] {
        for t in [&doctor, &patient, &nurse] {
            let me = get(&client, &format!("{url}/api/v1/auth/me"), t).await;
            assert_eq!(me.status(), 200, "a session of one instance on {url}");
        }
    }
    let pid = own_record_id(&client, &url_a, &patient).await;

    // Deposits through one instance read back through the other, by the patient.
    let mut acked: Vec<(String, String)> = Vec::new();
    for i in 0..6 {
        let (up, down) = if i % 2 == 0 {
            (&url_a, &url_b)
        } else {
            (&url_b, &url_a)
        };
        let content = format!("Compte rendu alterné {i} {}", mds_store::new_id()).into_bytes();
        let id = deposit(&client, up, &doctor, &pid, &content)
            .await
            .expect("a deposit while both instances run");
        let r = get(
            &client,
            &format!("{down}/api/v1/records/{pid}/documents/{id}/content"),
            &patient,
        )
        .await;
        assert_eq!(r.status(), 200, "document {i} through the other instance");
        assert_eq!(sha(&r.bytes().await.unwrap()), sha(&content));
        acked.push((id, sha(&content)));
    }

    // A suspension decided on A is refused on B at the next request.
    let support = token(&client, &url_a, SUPPORT).await;
    let nurse_id = get(&client, &format!("{url_b}/api/v1/auth/me"), &nurse)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let suspended = client
        .post(format!("{url_a}/api/v1/accounts/{nurse_id}/suspend"))
        .bearer_auth(&support)
        .json(&json!({ "reason": "Contrôle de la carte professionnelle en cours." }))
        .send()
        .await
        .unwrap();
    assert_eq!(suspended.status(), 204);
    let after = get(&client, &format!("{url_b}/api/v1/auth/me"), &nurse).await;
    assert_eq!(
        after.status(),
        401,
        "the suspended session on the other instance"
    );

    // A burst of uploads through both; B is killed in the middle of it.
    let stop = Arc::new(AtomicBool::new(false));
    let burst: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let mut workers = Vec::new();
    for w in 0..4 {
        let url = if w % 2 == 0 {
            url_a.clone()
        } else {
            url_b.clone()
        };
        let (client, doctor, pid, stop, burst) = (
            client.clone(),
            doctor.clone(),
            pid.clone(),
            stop.clone(),
            burst.clone(),
        );
        workers.push(tokio::spawn(async move {
            for i in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let content = format!(
                    "Rafale {w}-{i} {}\n{}",
                    mds_store::new_id(),
                    "x".repeat(4096)
                );
                let Some(id) = deposit(&client, &url, &doctor, &pid, content.as_bytes()).await
                else {
                    break;
                };
                burst.lock().unwrap().push((id, sha(content.as_bytes())));
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    b.child.kill().unwrap(); // SIGKILL, uploads in flight
    let _ = b.child.wait();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, Ordering::SeqCst);
    for w in workers {
        w.await.unwrap();
    }
    drop(b);
    acked.extend(burst.lock().unwrap().iter().cloned());
    assert!(acked.len() > 10, "uploads acknowledged: {}", acked.len());
    assert_reads_back(&client, &url_a, &doctor, &pid, &acked, "after the kill").await;

    // The e-mails of both lives: each Message-ID once at the SMTP server.
    let mails = settled(&sink, Duration::from_secs(4), Duration::from_secs(60));
    assert!(!mails.is_empty(), "the demo's and the deposits' e-mails");
    let mut ids: HashMap<String, usize> = HashMap::new();
    for m in &mails {
        *ids.entry(m["message_id"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert!(
        ids.values().all(|n| *n == 1),
        "an e-mail sent twice: {ids:?}"
    );
    assert_eq!(a.terminate().code(), Some(0));

    // The jobs: every leased job ran, and never again before its interval had passed, on
    // whichever instance; both instances delivered e-mails.
    let runs = job_starts(&[&log_a, &log_b]);
    for (job, every) in LEASED {
        let starts = runs.get(job).cloned().unwrap_or_default();
        assert!(!starts.is_empty(), "{job} never ran: {runs:?}");
        for pair in starts.windows(2) {
            assert!(
                pair[1].0 - pair[0].0 >= every,
                "{job} started twice within its interval: {starts:?}"
            );
        }
    }
    let outbox: Vec<&String> = runs["outbox"].iter().map(|(_, who)| who).collect();
    assert!(
        outbox.iter().any(|w| w.starts_with('a')) && outbox.iter().any(|w| w.starts_with('b')),
        "both instances deliver the outbox"
    );

    let report = json_out(&env_a, &["vault", "check"]);
    assert_eq!(report["missing_or_unreadable"], json!([]));
    assert_eq!(report["digest_mismatch"], json!([]));
    let verify = mds(&env_a, &["audit", "verify"]);
    assert!(
        verify.status.success(),
        "{}{}",
        stdout(&verify),
        stderr(&verify)
    );
}

async fn get(client: &reqwest::Client, url: &str, token: &str) -> reqwest::Response {
    client.get(url).bearer_auth(token).send().await.unwrap()
}

/// The sink's mails once none arrived for `quiet` (at most `limit`).
fn settled(sink: &SmtpSink, quiet: Duration, limit: Duration) -> Vec<Value> {
    let deadline = Instant::now() + limit;
    let mut seen = sink.mails().len();
    let mut since = Instant::now();
    while since.elapsed() < quiet && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(250));
        let now = sink.mails().len();
        if now != seen {
            seen = now;
            since = Instant::now();
        }
    }
    sink.mails()
}

/// Every "job started" line of the JSON logs: per job, `(started_ms, instance log)` sorted by
/// start (the instance is named by its log file: `a.log`, `b.log`).
fn job_starts(logs: &[&Path]) -> BTreeMap<String, Vec<(i64, String)>> {
    let mut runs: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    for log in logs {
        let who = log.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(log).unwrap();
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let f = &v["fields"];
            if f["message"] == "job started" {
                let job = f["job"].as_str().unwrap().to_owned();
                runs.entry(job)
                    .or_default()
                    .push((f["started_ms"].as_i64().unwrap(), who.clone()));
            }
        }
    }
    for starts in runs.values_mut() {
        starts.sort();
    }
    runs
}
