//! Crash safety of uploads through the REST API (issue 4): SIGKILL the server during a burst
//! of concurrent uploads; after a restart every upload the server acknowledged (201) reads
//! back with the same SHA-256, the vault check finds nothing missing, and the audit chain
//! verifies. On every backend of the run (SQLite, and PostgreSQL when selected).
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use crate::binary::*;
use mds_testkit::app::*;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn form(content: &[u8]) -> Vec<u8> {
    document_form("Compte rendu (rafale)", "cr.txt", content)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_uploads_keeps_every_acknowledged_document() {
    for backend in backends() {
        kill_during_uploads(backend).await;
    }
}

async fn kill_during_uploads(backend: TestBackend) {
    let dir = tempfile::tempdir().unwrap();
    let mut env = base_env(dir.path());
    if backend == TestBackend::Postgres {
        env.push(("MDS_DATABASE_URL".into(), fresh_postgres_url().await));
    }
    let mut server = Server::start(&env, &["--demo"]);
    let client = http();
    let url = server.url.clone();
    let doctor = token(&client, &url, DOCTOR).await;
    let patient = token(&client, &url, PATIENT).await;
    let pid = own_record_id(&client, &url, &patient).await;

    let acknowledged: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let mut tasks = Vec::new();
    for worker in 0..4 {
        let (client, url, doctor, pid, acked) = (
            client.clone(),
            url.clone(),
            doctor.clone(),
            pid.clone(),
            acknowledged.clone(),
        );
        tasks.push(tokio::spawn(async move {
            for i in 0.. {
                let content = format!(
                    "Compte rendu {worker}-{i} {}\n{}",
                    uuid_like(worker, i),
                    "x".repeat(2048)
                )
                .into_bytes();
                let sent = client
                    .post(format!("{url}/api/v1/records/{pid}/documents"))
                    .bearer_auth(&doctor)
                    .header("content-type", Multipart::content_type())
                    .body(form(&content))
                    .send()
                    .await;
                let Ok(r) = sent else { break };
                if r.status() != 201 {
                    break;
                }
                let Ok(body) = r.json::<serde_json::Value>().await else {
                    break;
                };
                assert_eq!(body["sha256"], sha(&content).as_str());
                acked
                    .lock()
                    .unwrap()
                    .push((body["id"].as_str().unwrap().to_owned(), sha(&content)));
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    server.child.kill().unwrap(); // SIGKILL, uploads in flight
    let _ = server.child.wait();
    for t in tasks {
        t.await.unwrap();
    }
    drop(server);
    let acked = acknowledged.lock().unwrap().clone();
    assert!(
        acked.len() > 3,
        "{backend:?}: uploads were acknowledged before the kill: {}",
        acked.len()
    );

    let server = Server::start(&env, &[]);
    let url = server.url.clone();
    let when = format!("after the restart ({backend:?})");
    assert_reads_back(&client, &url, &doctor, &pid, &acked, &when).await;
    assert_eq!(server.terminate().code(), Some(0));

    let report = json_out(&env, &["vault", "check"]);
    assert_eq!(report["missing_or_unreadable"], json!([]));
    assert_eq!(report["digest_mismatch"], json!([]));
    let verify = mds(&env, &["audit", "verify"]);
    assert!(
        verify.status.success(),
        "{backend:?}: {}{}",
        stdout(&verify),
        stderr(&verify)
    );
}

/// Distinct content per upload without a random generator.
fn uuid_like(worker: usize, i: usize) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{worker:02}{i:08}{nanos}")
}
