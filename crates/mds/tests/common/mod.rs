//! Helpers for end-to-end tests: run the real `mds` binary with its own data directory and
//! environment, and talk to it over loopback.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

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
        let mut args = vec!["serve"];
        args.extend_from_slice(extra);
        let mut child = command(env, &args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
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

/// The current TOTP code of a demo login, at `offset_steps` from now.
pub fn demo_code(login: &str, offset_steps: i64) -> String {
    let secret = mds_app::demo::demo_totp_secret(login);
    let now_ms = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_millis(),
    )
    .expect("ms");
    mds_app::totp::code_at_step(&secret, mds_app::totp::step_at(now_ms) + offset_steps)
        .expect("code")
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

/// A multipart body for `POST /api/v1/records/{id}/documents`: a consultation report with the
/// information-duty confirmation, and the file.
pub fn upload_form(boundary: &str, title: &str, filename: &str, content: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in [
        ("type_code", "11488-4"),
        ("title", title),
        ("act_date", "2026-11-20"),
        ("confirms_patient_informed", "true"),
    ] {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .into_bytes(),
        );
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\r\n")
            .into_bytes(),
    );
    body.extend_from_slice(content);
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    body
}
