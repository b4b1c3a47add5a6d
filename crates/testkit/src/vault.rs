//! Vaults for the tests: a local directory vault, and the S3 settings of the run's S3-compatible
//! server (`MDS_TEST_S3_ENDPOINT`) with a fresh bucket per call.

pub use crate::base::*;
use mds_vault::{Backend, KeyRing, LocalDir, S3Config, S3Store, Vault};
use std::path::Path;

/// A local vault under `dir`: content in `dir/vault`, a key file created at `dir/master.keys`
/// (where `mds` keeps them in its data directory).
pub fn local_vault(dir: &Path) -> Vault {
    let (keys, _) = KeyRing::load_or_create(&dir.join("master.keys"))
        .unwrap_or_else(|e| panic!("vault keys: {e}"));
    let local =
        LocalDir::open(&dir.join("vault")).unwrap_or_else(|e| panic!("vault directory: {e}"));
    Vault::new(Backend::Local(local), keys)
}

/// The settings of a bucket on the test S3 server (any credentials are accepted there).
pub fn s3_config(endpoint: &str, bucket: &str) -> S3Config {
    S3Config {
        endpoint: endpoint.to_owned(),
        region: "us-east-1".to_owned(),
        bucket: bucket.to_owned(),
        access_key_id: "mds-test".to_owned(),
        secret_access_key: "mds-test-secret".to_owned(),
        path_style: true,
    }
}

/// A bucket name no other test uses.
pub fn fresh_bucket_name() -> String {
    format!(
        "mds-test-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..20]
    )
}

/// A fresh bucket on the run's S3 server, created through the vault's own `ensure_bucket`;
/// `None` when S3 is not selected. Fails loudly when it is selected but does not answer.
pub async fn fresh_s3_store() -> Option<S3Store> {
    let endpoint = s3_endpoint()?;
    let bucket = fresh_bucket_name();
    let store = S3Store::new(s3_config(endpoint, &bucket))
        .unwrap_or_else(|e| panic!("S3 settings for {endpoint}: {e}"));
    store.ensure_bucket().await.unwrap_or_else(|e| {
        panic!(
            "MDS_TEST_S3_ENDPOINT={endpoint} is set, but the S3 server did not create bucket \
             {bucket}: {e}. Start it with `eval \"$(scripts/services.sh start)\"`, or unset \
             MDS_TEST_S3_ENDPOINT to test the local vault alone."
        )
    });
    Some(store)
}

/// A TCP forwarder on a loopback port to the run's S3 server (scripts/tcp_proxy.py): stopping
/// it and starting it again on the same port is, for a client, the server going away and
/// coming back.
pub struct TcpProxy {
    pub port: u16,
    target: String,
    child: Option<std::process::Child>,
}

impl TcpProxy {
    /// A forwarder to `target` (`host:port`) on a free port.
    pub fn start(target: &str) -> Self {
        let port = crate::smtp::free_port();
        let mut proxy = Self {
            port,
            target: target.to_owned(),
            child: None,
        };
        proxy.resume();
        proxy
    }

    /// Starts the forwarder again on its port; returns once it listens.
    pub fn resume(&mut self) {
        use std::io::BufRead as _;
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/tcp_proxy.py");
        let mut child = std::process::Command::new("python3")
            .arg(script)
            .arg(self.port.to_string())
            .arg(&self.target)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("python3 {script}: {e}"));
        let out = child
            .stdout
            .take()
            .unwrap_or_else(|| panic!("proxy stdout"));
        let mut line = String::new();
        std::io::BufReader::new(out)
            .read_line(&mut line)
            .unwrap_or_else(|e| panic!("proxy: {e}"));
        assert_eq!(line.trim(), "ready", "the TCP proxy did not start");
        self.child = Some(child);
    }

    /// Kills the forwarder: new connections are refused, open ones are cut.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.stop();
    }
}
