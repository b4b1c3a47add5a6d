//! REST benchmarks (issue 4), run by `scripts/bench/rest.sh` against the release binary:
//! listing 50 documents as a care-team professional, reading a 100 KB document and adding
//! 100 KB PDFs, each at 32 concurrent connections, on SQLite or (with `MDS_BENCH_BACKEND=
//! postgres` and `MDS_TEST_PG_URL`) PostgreSQL. Ignored by default: it prints figures and
//! asserts only that requests succeed — a timed assertion would be flaky on shared machines.
#![allow(clippy::unwrap_used)] // a benchmark harness: a failed unwrap is a failed run

use crate::binary::*;
use mds_testkit::app::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn form(content: &[u8]) -> Vec<u8> {
    document_form("Compte rendu (banc d'essai)", "cr.pdf", content)
}

/// A unique PDF of about 100 KB (a one-page PDF padded with comment lines).
fn pdf_100k(n: u64) -> Vec<u8> {
    let mut pdf = mds_demo::drawing::minimal_pdf(
        &format!("Compte rendu {n}"),
        "Banc d'essai : document de 100 Ko.",
    );
    let line = format!("%{n:020} padding for the hundred kilobyte benchmark document\n");
    while pdf.len() < 100 * 1024 {
        pdf.extend_from_slice(line.as_bytes());
    }
    pdf
}

struct Run {
    requests: u64,
    errors: u64,
    seconds: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// Runs `make()`-built requests from `connections` tasks for `duration`.
async fn load<F>(connections: usize, duration: Duration, make: F) -> Run
where
    F: Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let counter = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (make, counter, errors) = (make.clone(), counter.clone(), errors.clone());
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .build()
            .unwrap();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while started.elapsed() < duration {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                match make(&client, n).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let seconds = started.elapsed().as_secs_f64();
    all.sort();
    let pct = |p: f64| {
        let i = ((all.len() as f64 - 1.0) * p).round() as usize;
        all.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Run {
        requests: all.len() as u64,
        errors: errors.load(Ordering::Relaxed),
        seconds,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
    }
}

fn report(name: &str, r: &Run) {
    println!(
        "| {name} | {} | {:.0} | {:.1} | {:.1} | {} |",
        r.requests,
        r.requests as f64 / r.seconds,
        r.p50_ms,
        r.p99_ms,
        r.errors
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run with scripts/bench/rest.sh"]
async fn rest_benchmarks() {
    let dir = tempfile::tempdir().unwrap();
    let mut env = base_env(dir.path());
    env.push(("MDS_LOG_LEVEL".into(), "error".into()));
    let backend = std::env::var("MDS_BENCH_BACKEND").unwrap_or_else(|_| "sqlite".into());
    if backend == "postgres" {
        let url = fresh_postgres_url().await;
        env.push(("MDS_DATABASE_URL".into(), url));
    }
    let seconds: u64 = std::env::var("MDS_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let duration = Duration::from_secs(seconds);
    let connections = 32;
    let server = Server::start(&env, &["--demo"]);
    let client = http();
    let url = server.url.clone();
    let doctor = token(&client, &url, DOCTOR).await;
    let patient = token(&client, &url, PATIENT).await;
    let pid = own_record_id(&client, &url, &patient).await;
    let docs = format!("{url}/api/v1/records/{pid}/documents");
    let upload = |client: &reqwest::Client, body: Vec<u8>| {
        client
            .post(&docs)
            .bearer_auth(&doctor)
            .header("content-type", Multipart::content_type())
            .body(body)
    };
    let mut read_id = String::new();
    for i in 0..50u64 {
        let r = upload(&client, form(&pdf_100k(1_000_000 + i)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let body: serde_json::Value = r.json().await.unwrap();
        read_id = body["id"].as_str().unwrap().to_owned();
    }
    let listed: serde_json::Value = client
        .get(format!("{docs}?limit=50"))
        .bearer_auth(&doctor)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 50);

    println!("\nbackend: {backend}, {connections} connections, {seconds} s per scenario");
    println!("| scenario | requests | requests/s | p50 ms | p99 ms | errors |");
    println!("|---|---|---|---|---|---|");
    let (d, list_uri) = (doctor.clone(), format!("{docs}?limit=50"));
    let r = load(connections, duration, move |c, _| {
        c.get(&list_uri).bearer_auth(&d)
    })
    .await;
    report("list 50 documents (care team)", &r);
    assert_eq!(r.errors, 0);
    let (d, read_uri) = (doctor.clone(), format!("{docs}/{read_id}/content"));
    let r = load(connections, duration, move |c, _| {
        c.get(&read_uri).bearer_auth(&d)
    })
    .await;
    report("read a 100 KB document", &r);
    assert_eq!(r.errors, 0);
    let (d, add_uri) = (doctor.clone(), docs.clone());
    let r = load(connections, duration, move |c, n| {
        c.post(&add_uri)
            .bearer_auth(&d)
            .header("content-type", Multipart::content_type())
            .body(form(&pdf_100k(n)))
    })
    .await;
    report("add a 100 KB PDF", &r);
    assert_eq!(r.errors, 0);
    drop(server);
}
