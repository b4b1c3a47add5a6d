//! What the end-to-end tests share: run the real `mds` binary with its own data directory and
//! environment, and talk to it over loopback.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use mds_testkit::app::code_now;

pub const BIN: &str = env!("CARGO_BIN_EXE_mds");

/// Environment for one isolated instance: its data directory, an ephemeral port, quiet logs.
pub fn base_env(data_dir: &Path) -> Vec<(String, String)> {
    vec![
        ("MDS_DATA_DIR".into(), data_dir.display().to_string()),
        ("MDS_LISTEN".into(), "127.0.0.1:0".into()),
        ("MDS_LOG_LEVEL".into(), "warn".into()),
    ]
}

pub fn command(env: &[(String, String)], args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("MDS_") && !k.starts_with("MDS_TEST_") {
            c.env_remove(k);
        }
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

pub fn mds(env: &[(String, String)], args: &[&str]) -> Output {
    command(env, args).output().expect("run mds")
}

/// The JSON an `mds` command prints, asserting it succeeded.
pub fn json_out(env: &[(String, String)], args: &[&str]) -> serde_json::Value {
    let o = mds(env, args);
    assert!(o.status.success(), "{args:?}: {}{}", stdout(&o), stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stdout(&o)))
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A running `mds serve`; killed when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
    pub banner: String,
}

impl Server {
    pub fn start(env: &[(String, String)], extra: &[&str]) -> Server {
        Self::start_with(env, extra, Stdio::inherit())
    }

    /// The same, its log (standard error) written to `log`.
    pub fn start_logged(env: &[(String, String)], extra: &[&str], log: &Path) -> Server {
        let file = std::fs::File::create(log).expect("log file");
        Self::start_with(env, extra, Stdio::from(file))
    }

    fn start_with(env: &[(String, String)], extra: &[&str], stderr: Stdio) -> Server {
        let mut args = vec!["serve"];
        args.extend_from_slice(extra);
        let mut child = command(env, &args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn mds serve");
        let out = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut banner = String::new();
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                banner.push_str(&line);
                banner.push('\n');
                if let Some(rest) = line.split("écoute sur ").nth(1) {
                    let url = rest
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    let _ = tx.send((url, banner.clone()));
                }
            }
        });
        let (url, banner) = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("mds serve did not print its address within 120 s");
        Server { child, url, banner }
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        for _ in 0..300 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("mds serve did not stop within 30 s of SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("http client")
}

/// Signs a demo account in over HTTP with its current code; its bearer token.
pub async fn token(client: &reqwest::Client, url: &str, login: &str) -> String {
    let r = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(
            &serde_json::json!({ "login": login, "password": mds_demo::DEMO_PASSWORD,
            "totp_code": code_now(login) }),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("login {login}: {e}"));
    assert_eq!(r.status(), 200, "login {login}");
    let body: serde_json::Value = r
        .json()
        .await
        .unwrap_or_else(|e| panic!("login {login}: {e}"));
    body["token"]
        .as_str()
        .unwrap_or_else(|| panic!("login {login}: no token in {body}"))
        .to_owned()
}

/// The record id of the signed-in patient whose bearer token is `token`.
pub async fn own_record_id(client: &reqwest::Client, url: &str, token: &str) -> String {
    let mine: serde_json::Value = client
        .get(format!("{url}/api/v1/records/mine"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("records/mine: {e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("records/mine: {e}"));
    mine["patient_id"]
        .as_str()
        .unwrap_or_else(|| panic!("records/mine: no patient_id in {mine}"))
        .to_owned()
}

/// Deposits `content` as a text report into record `pid`; its id once acknowledged (201),
/// `None` otherwise (the instance is gone, or refused it).
pub async fn deposit(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    pid: &str,
    content: &[u8],
) -> Option<String> {
    use mds_testkit::app::{document_form, Multipart};
    let r = client
        .post(format!("{url}/api/v1/records/{pid}/documents"))
        .bearer_auth(token)
        .header("content-type", Multipart::content_type())
        .body(document_form("Compte rendu", "cr.txt", content))
        .send()
        .await
        .ok()?;
    if r.status() != 201 {
        return None;
    }
    let body: serde_json::Value = r.json().await.ok()?;
    Some(body["id"].as_str()?.to_owned())
}

/// Lowercase hex SHA-256 of `bytes`, as the API reports a document's digest.
pub fn sha(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(bytes))
}

/// Every `(document id, SHA-256)` of `acked` reads back from record `pid` through `url` with
/// the same content (`when` names the moment in the messages).
pub async fn assert_reads_back(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    pid: &str,
    acked: &[(String, String)],
    when: &str,
) {
    for (id, digest) in acked {
        let r = client
            .get(format!("{url}/api/v1/records/{pid}/documents/{id}/content"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("document {id} {when}: {e}"));
        assert_eq!(r.status(), 200, "document {id} readable {when}");
        let bytes = r
            .bytes()
            .await
            .unwrap_or_else(|e| panic!("document {id} {when}: {e}"));
        assert_eq!(&sha(&bytes), digest, "same content for {id} {when}");
    }
}

pub fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("mds.db").display())
}

pub fn vault_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(p: &Path, out: &mut Vec<PathBuf>) {
        if let Ok(rd) = std::fs::read_dir(p) {
            for e in rd.flatten() {
                let path = e.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out
}
