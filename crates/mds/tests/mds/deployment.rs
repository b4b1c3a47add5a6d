//! docs/DEPLOYMENT.md's worked example, followed as written (issue 16): its configuration file
//! and its two `mds … serve` command lines are read from the document, with the machine's
//! paths, ports and the run's PostgreSQL and S3 server put in; both instances start on one
//! database and one bucket, answer `/readyz`, and a session opened on one works on the other.
//! A change to the example that no longer runs fails this test.

use crate::binary::*;
use mds_testkit::app::*;
use std::path::Path;

const DOC: &str = include_str!("../../../../docs/DEPLOYMENT.md");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worked_example_runs_as_written() {
    let (Some(_), Some(endpoint)) = (pg_admin_url(), s3_endpoint()) else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let etc = root.path().join("etc");
    let var = root.path().join("var");
    std::fs::create_dir_all(&etc).unwrap();
    let place = |text: &str| {
        text.replace("/etc/mds", &etc.display().to_string())
            .replace("/var/lib/mds", &var.display().to_string())
            .replace("http://127.0.0.1:59000", endpoint)
            .replace("smtp.example.nc", "127.0.0.1")
            .replace("127.0.0.1:8081", "127.0.0.1:0")
            .replace("127.0.0.1:8082", "127.0.0.1:0")
    };
    let toml = between(DOC, "<<'TOML'\n", "\nTOML\n").expect("the example's configuration");
    let toml = place(toml).replace(
        "bucket = \"mds-documents\"",
        &format!("bucket = \"mds-deploy-{}\"", &mds_store::new_id()[..8]),
    );
    std::fs::write(etc.join("mds.toml"), toml).unwrap();
    std::fs::write(etc.join("database.url"), fresh_postgres_url().await).unwrap();
    std::fs::write(etc.join("s3.secret"), "test-secret\n").unwrap();

    let lines: Vec<String> = DOC
        .lines()
        .filter(|l| l.starts_with("MDS_LISTEN="))
        .map(place)
        .collect();
    assert_eq!(lines.len(), 2, "two instances in the example");
    let mut servers = Vec::new();
    for line in &lines {
        let (env, args) = command_line(line, &etc.join("mds.toml"));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(args.first(), Some(&"serve"), "{line}");
        // Server::start adds `serve`; the example's own arguments follow it.
        servers.push(Server::start(&env, &args[1..]));
    }
    let base = |s: &Server| s.url.clone();
    let client = http();
    for s in &servers {
        let r = client
            .get(format!("{}/readyz", base(s)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", base(s));
    }
    let (env, _) = command_line(&lines[0], &etc.join("mds.toml"));
    let config = etc.join("mds.toml").display().to_string();
    let loaded = mds(&env, &["demo", "load", "--config", &config]);
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    let token = token(&client, &base(&servers[0]), DOCTOR).await;
    let me = client
        .get(format!("{}/api/v1/auth/me", base(&servers[1])))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200, "a session of instance 1 on instance 2");
    for s in servers {
        assert_eq!(s.terminate().code(), Some(0));
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

/// `K=V … BINARY ARGS… &` as the environment and the arguments of `mds`.
fn command_line(line: &str, config: &Path) -> (Vec<(String, String)>, Vec<String>) {
    let mut env = Vec::new();
    let mut words = line.split_whitespace().peekable();
    while let Some((k, v)) = words.peek().and_then(|w| w.split_once('=')) {
        env.push((k.to_owned(), v.to_owned()));
        words.next();
    }
    let _binary = words.next();
    let args: Vec<String> = words.take_while(|w| *w != "&").map(str::to_owned).collect();
    assert!(
        args.iter().any(|a| a == &config.display().to_string()),
        "the example names its configuration file: {line}"
    );
    let data = env
        .iter()
        .find(|(k, _)| k == "MDS_DATA_DIR")
        .map(|(_, v)| v.clone())
        .expect("each instance has its data directory");
    std::fs::create_dir_all(&data).unwrap();
    env.push(("MDS_LOG_LEVEL".into(), "warn".into()));
    (env, args)
}
