//! Metrics and request ids with the real binary (issue 16 item 5): `/metrics` answers on its
//! own listener only, behind its token, and its text is accepted by the reference Prometheus
//! parser (`prometheus_client`, scripts/prometheus_parse.py) with requests by route template
//! and status, decisions by mode and outcome, audit commits and job runs; a client's path
//! never becomes a label. Every answer carries `x-request-id`, the JSON log lines of the
//! request carry it, and so do the audit events the request wrote.

use crate::binary::*;
use mds_testkit::app::*;
use serde_json::Value;
use std::io::Write as _;
use std::process::{Command, Stdio};

const TOKEN: &str = "metrics-token-0123456789";

#[tokio::test]
async fn metrics_and_request_ids() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("metrics.token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let mut env = base_env(dir.path());
    for (k, v) in [
        ("MDS_METRICS_LISTEN", "127.0.0.1:0".to_owned()),
        ("MDS_METRICS_TOKEN_FILE", token_file.display().to_string()),
        ("MDS_LOG_FORMAT", "json".to_owned()),
        ("MDS_LOG_LEVEL", "info,sqlx=warn".to_owned()),
    ] {
        env.push((k.to_owned(), v));
    }
    let log = dir.path().join("mds.log");
    let server = Server::start_logged(&env, &["--demo"], &log);
    let metrics_url = server
        .banner
        .lines()
        .find_map(|l| l.strip_prefix("Métriques Prometheus sur "))
        .expect("the metrics address in the banner")
        .trim()
        .to_owned();
    let url = server.url.clone();
    let client = http();

    let doctor = token(&client, &url, DOCTOR).await;
    let patient = token(&client, &url, PATIENT).await;
    let pid = own_record_id(&client, &url, &patient).await;
    // A request id sent by a proxy is kept; one is made up otherwise.
    let listed = client
        .get(format!("{url}/api/v1/records/{pid}/documents"))
        .bearer_auth(&doctor)
        .header("x-request-id", "proxy-req-4242")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    assert_eq!(listed.headers()["x-request-id"], "proxy-req-4242");
    let hostile = client
        .get(format!("{url}/api/v1/records/{pid}/documents"))
        .bearer_auth(&doctor)
        .header("x-request-id", "a b\"c")
        .send()
        .await
        .unwrap();
    let made_up = hostile.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        made_up.len(),
        32,
        "a new id replaces a strange one: {made_up}"
    );
    for path in [
        "/",
        "/fhir/metadata",
        "/api/v1/no-such-thing-7f3a9",
        "/healthz",
    ] {
        let r = client.get(format!("{url}{path}")).send().await.unwrap();
        assert!(r.headers().contains_key("x-request-id"), "{path}");
    }
    let public = client.get(format!("{url}/metrics")).send().await.unwrap();
    assert_eq!(public.status(), 404, "no metrics on the public port");

    let anonymous = client.get(&metrics_url).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let wrong = client
        .get(&metrics_url)
        .bearer_auth("metrics-token-0123456780")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let scraped = client
        .get(&metrics_url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);
    assert!(scraped.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = scraped.text().await.unwrap();
    assert!(
        !text.contains("no-such-thing-7f3a9"),
        "a client's path is never a label"
    );
    let samples = parse(&text);
    let value = |name: &str, want: &[(&str, &str)]| -> f64 {
        samples
            .iter()
            .filter(|s| s["name"] == name)
            .filter(|s| want.iter().all(|(k, v)| s["labels"][*k] == *v))
            .map(|s| s["value"].as_f64().unwrap())
            .sum()
    };
    let list_route = "/api/v1/records/{patient_id}/documents";
    assert!(
        value(
            "mds_http_requests_total",
            &[("route", list_route), ("status", "200"), ("method", "GET")]
        ) >= 2.0
    );
    assert!(
        value(
            "mds_http_requests_total",
            &[("route", "unmatched"), ("status", "404")]
        ) >= 1.0
    );
    assert!(
        value("mds_http_requests_total", &[("route", "/")]) >= 1.0,
        "a portal route"
    );
    assert!(value("mds_http_requests_total", &[("route", "/fhir/metadata")]) >= 1.0);
    assert!(
        value(
            "mds_http_request_duration_seconds_count",
            &[("route", list_route)]
        ) >= 2.0
    );
    assert!(
        value(
            "mds_policy_decisions_total",
            &[("mode", "care_team"), ("outcome", "permit")]
        ) >= 1.0
    );
    assert!(value("mds_audit_batch_events_count", &[]) >= 1.0);
    assert!(value("mds_audit_commit_seconds_count", &[]) >= 1.0);
    assert!(value("mds_job_runs_total", &[("job", "timers"), ("result", "ok")]) >= 1.0);
    assert!(value("mds_job_duration_seconds_count", &[("job", "outbox")]) >= 1.0);
    assert!(samples
        .iter()
        .any(|s| s["name"] == "mds_outbox_emails" && s["labels"]["state"] == "pending"));
    assert!(value("mds_process_resident_memory_bytes", &[]) > 1e6);
    for family in [
        "mds_store_errors_total",
        "mds_vault_errors_total",
        "mds_outbox_sent_total",
    ] {
        assert!(
            text.contains(&format!("# TYPE {family} counter")),
            "{family}"
        );
    }
    assert_eq!(server.terminate().code(), Some(0));

    // The audit events of both requests carry their ids; so do their log lines.
    let db = mds_store::Db::connect(&sqlite_url(dir.path()))
        .await
        .unwrap();
    for id in ["proxy-req-4242", made_up.as_str()] {
        let events: Vec<(String, String)> =
            mds_store::Query::new("SELECT action, detail FROM audit_events WHERE detail LIKE $1")
                .bind(format!("%{id}%"))
                .fetch_all(&db)
                .await
                .unwrap();
        assert!(!events.is_empty(), "no audit event of request {id}");
        for (action, detail) in events {
            let detail: Value = serde_json::from_str(&detail).unwrap();
            assert_eq!(detail["request_id"], id, "{action}");
        }
        let logged = std::fs::read_to_string(&log).unwrap();
        assert!(
            logged
                .lines()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .any(|l| l["span"]["request_id"] == id && l["fields"]["message"] == "request"),
            "no log line of request {id}"
        );
    }
}

/// The samples of `text` as the reference parser reads them (it refuses a bad exposition).
fn parse(text: &str) -> Vec<Value> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/prometheus_parse.py"
    );
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 (scripts/services.sh installs prometheus_client)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the Prometheus parser refused the exposition: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}
