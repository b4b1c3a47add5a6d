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
