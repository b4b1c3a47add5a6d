//! Slow and idle clients (issue 14, item 1): 1,200 connections from one address that send one
//! header byte and wait, against a server held to 1,024 descriptors, must neither starve a
//! signed-in client from another address nor stay open past the header-read timeout.

use crate::binary::*;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

const IDLE: usize = 1_200;

#[tokio::test]
async fn idle_header_senders_neither_starve_others_nor_stay_open() {
    // This process holds the 1,200 client ends: its own limit must allow them.
    let (_, hard) = nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE)
        .expect("getrlimit");
    nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE, hard, hard)
        .expect("setrlimit");
    assert!(
        hard >= 2 * IDLE as u64,
        "the test needs {} descriptors, hard limit {hard}",
        2 * IDLE
    );

    let dir = tempfile::tempdir().unwrap();
    let mut env = base_env(dir.path());
    env.push((
        "MDS_CONNECTIONS_HEADER_READ_TIMEOUT_SECONDS".into(),
        "3".into(),
    ));
    env.push(("MDS_CONNECTIONS_MAX_PER_ADDRESS".into(), "64".into()));
    let server = Server::start(&env, &["--demo"]);
    // A usual service limit, set after start (the server raises its soft limit to the hard
    // one when it starts; here both are 1,024 from now on).
    let pid = server.child.id().to_string();
    let limited = std::process::Command::new("prlimit")
        .args(["--pid", &pid, "--nofile=1024:1024"])
        .status()
        .expect("prlimit (util-linux)");
    assert!(limited.success(), "prlimit");
    let addr: SocketAddr = server.url.trim_start_matches("http://").parse().unwrap();

    let mut idle = Vec::with_capacity(IDLE);
    for _ in 0..IDLE {
        if let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) {
            let _ = s.write_all(b"G");
            idle.push(s);
        }
    }
    let opened = Instant::now();

    // A signed-in client from another address is answered meanwhile.
    let client = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let code = mds_testkit::app::code_now("dr.nea@demo.mds.nc");
    let r = client
        .post(format!("{}/api/v1/auth/login", server.url))
        .json(&serde_json::json!({
            "login": "dr.nea@demo.mds.nc", "password": "Demo-MDS-2026", "totp_code": code
        }))
        .send()
        .await
        .expect("login answered while 1,200 idle connections are held");
    assert_eq!(r.status(), 200);
    let token = r.json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let me = client
        .get(format!("{}/api/v1/auth/me", server.url))
        .bearer_auth(&token)
        .send()
        .await
        .expect("an authenticated request answered");
    assert_eq!(me.status(), 200);

    // Past the header-read timeout, every idle connection has been closed by the server:
    // those beyond the per-address cap at once, the others by the timeout.
    let wait = Duration::from_secs(6).saturating_sub(opened.elapsed());
    tokio::time::sleep(wait).await;
    let mut still_open = 0;
    for s in &mut idle {
        s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        let mut buf = [0u8; 512];
        match s.read(&mut buf) {
            Ok(_) => {} // EOF, or an error answer then EOF: closed by the server
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                still_open += 1
            }
            Err(_) => {} // reset: closed
        }
    }
    assert_eq!(
        still_open,
        0,
        "of {} idle connections, {still_open} still open",
        idle.len()
    );
}

/// A body that stops arriving ends its request with 408, and nothing is stored.
#[tokio::test]
async fn a_body_that_stops_arriving_is_answered_408() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let mut env = base_env(dir.path());
    env.push((
        "MDS_CONNECTIONS_BODY_IDLE_TIMEOUT_SECONDS".into(),
        "2".into(),
    ));
    let server = Server::start(&env, &[]);
    let addr = server.url.trim_start_matches("http://").to_owned();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: 200\r\n\r\n{{\"login\": \"dr."
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 512];
    let n = tokio::time::timeout(Duration::from_secs(15), tcp.read(&mut answer))
        .await
        .expect("an answer once the body stopped arriving")
        .unwrap();
    let text = String::from_utf8_lossy(&answer[..n]).to_string();
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("request_timeout"), "{text}");
}
