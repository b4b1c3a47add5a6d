//! Sealed objects in S3-compatible object storage (production deployments), through the
//! `object_store` crate (Apache Arrow's): signing, retries with randomised backoff on
//! connection failures, timeouts and 5xx answers, listing with pagination. Stores opaque bytes
//! under `objects/<key>`; must not encrypt or interpret content, must not log credentials, and
//! must not report a missing bucket as a missing object. Creating the bucket, which
//! `object_store` does not do, is one request signed by `object_store`'s own signer
//! (`bucket.rs`).

mod bucket;
mod errors;

use std::sync::Arc;
use std::time::Duration;

use futures::TryStreamExt as _;
use object_store::aws::{AmazonS3, AmazonS3Builder, AwsCredential};
use object_store::path::Path as StorePath;
use object_store::{BackoffConfig, ClientOptions, ObjectStore, PutPayload, RetryConfig};

use crate::seal::check_object_key;
use crate::{ObjectInfo, VaultError};

/// Prefix of the vault's objects in the bucket; anything else in the bucket is not ours.
const PREFIX: &str = "objects/";
/// Prefix of the short-lived objects written by [`S3Store::ping`].
const PROBE_PREFIX: &str = "_mds-probe/";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Generous enough for a 20 MB document over a slow link, short enough to free a stuck worker.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// Retries of one operation: a restarting or briefly overloaded server is waited for, a
/// request never hangs on a dead one for more than [`Retries::within`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retries {
    /// Attempts after the first; 0 disables retries.
    pub max: usize,
    /// No new attempt once this long has passed since the first.
    pub within: Duration,
}

/// The shortest pause between two attempts. `object_store` draws each pause at random between
/// it and the previous pause × 2 (capped at 3 s), so a run of short draws is possible: the
/// number of retries is set so that even pauses all at this minimum span `within`, which is
/// then what bounds the waiting (a restarting server is waited for about as long each time).
const MIN_BACKOFF: Duration = Duration::from_millis(200);

impl Default for Retries {
    fn default() -> Self {
        let within = Duration::from_secs(20);
        Self {
            max: usize::try_from(within.as_millis() / MIN_BACKOFF.as_millis()).unwrap_or(100),
            within,
        }
    }
}

/// Where and how to reach the bucket. `endpoint` is a base URL such as
/// `https://s3.eu-west-3.amazonaws.com` or `http://127.0.0.1:9000`; `path_style` puts the bucket
/// in the path (`endpoint/bucket/key`, needed by most local servers) instead of the host name.
#[derive(Clone)]
pub struct S3Config {
    pub endpoint: String,
    pub region: String,
    pub bucket: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub path_style: bool,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("path_style", &self.path_style)
            .finish()
    }
}

/// An S3 bucket holding sealed objects.
#[derive(Clone)]
pub struct S3Store {
    cfg: Arc<S3Config>,
    /// `scheme://host[:port]` of the endpoint, as errors name it.
    endpoint: String,
    retries: Retries,
    store: Arc<AmazonS3>,
    /// For the bucket's own requests (`bucket.rs`).
    http: reqwest::Client,
}

impl std::fmt::Debug for S3Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Store")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.cfg.bucket)
            .field("path_style", &self.cfg.path_style)
            .finish_non_exhaustive()
    }
}

impl S3Store {
    /// Checks the configuration and prepares the client; does not contact the endpoint.
    pub fn new(cfg: S3Config) -> Result<Self, VaultError> {
        let endpoint = check_config(&cfg)?;
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| VaultError::S3Config(format!("cannot build the HTTP client: {e}")))?;
        let retries = Retries::default();
        Ok(S3Store {
            store: Arc::new(build(&cfg, &endpoint, retries)?),
            cfg: Arc::new(cfg),
            endpoint,
            retries,
            http,
        })
    }

    /// The same store with other retries (tests of an unreachable server use none).
    pub fn with_retries(mut self, retries: Retries) -> Result<Self, VaultError> {
        self.store = Arc::new(build(&self.cfg, &self.endpoint, retries)?);
        self.retries = retries;
        Ok(self)
    }

    pub fn bucket(&self) -> &str {
        &self.cfg.bucket
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn credential(&self) -> AwsCredential {
        AwsCredential {
            key_id: self.cfg.access_key_id.clone(),
            secret_key: self.cfg.secret_access_key.clone(),
            token: None,
        }
    }

    pub(crate) async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), VaultError> {
        check_object_key(key)?;
        self.put_at(&format!("{PREFIX}{key}"), bytes).await
    }

    async fn put_at(&self, storage_key: &str, bytes: Vec<u8>) -> Result<(), VaultError> {
        self.store
            .put(&StorePath::from(storage_key), PutPayload::from(bytes))
            .await
            .map_err(|e| self.error("PutObject", None, &e))?;
        Ok(())
    }

    pub(crate) async fn get(&self, key: &str) -> Result<Vec<u8>, VaultError> {
        check_object_key(key)?;
        self.get_at(&format!("{PREFIX}{key}"), key).await
    }

    async fn get_at(&self, storage_key: &str, key: &str) -> Result<Vec<u8>, VaultError> {
        let op = "GetObject";
        let got = self
            .store
            .get(&StorePath::from(storage_key))
            .await
            .map_err(|e| self.error(op, Some(key), &e))?;
        let bytes = got
            .bytes()
            .await
            .map_err(|e| self.error(op, Some(key), &e))?;
        Ok(bytes.to_vec())
    }

    pub(crate) async fn delete(&self, key: &str) -> Result<(), VaultError> {
        check_object_key(key)?;
        self.delete_at(&format!("{PREFIX}{key}")).await
    }

    async fn delete_at(&self, storage_key: &str) -> Result<(), VaultError> {
        match self.store.delete(&StorePath::from(storage_key)).await {
            Ok(()) => Ok(()),
            // S3 answers 204 for a missing key, some compatible servers 404: both mean "gone".
            Err(e) => match self.error("DeleteObject", Some(storage_key), &e) {
                VaultError::NotFound { .. } => Ok(()),
                other => Err(other),
            },
        }
    }

    pub(crate) async fn list(&self) -> Result<Vec<ObjectInfo>, VaultError> {
        let prefix = StorePath::from(PREFIX.trim_end_matches('/'));
        let metas: Vec<object_store::ObjectMeta> = self
            .store
            .list(Some(&prefix))
            .try_collect()
            .await
            .map_err(|e| self.error("ListObjectsV2", None, &e))?;
        let mut out = Vec::with_capacity(metas.len());
        for meta in metas {
            let storage_key = meta.location.to_string();
            match storage_key.strip_prefix(PREFIX) {
                Some(key) if check_object_key(key).is_ok() => out.push(ObjectInfo {
                    key: key.to_owned(),
                    modified_ms: meta.last_modified.timestamp_millis(),
                }),
                _ => {
                    tracing::warn!(bucket = %self.cfg.bucket, key = %storage_key, "unexpected object in the vault bucket, ignored")
                }
            }
        }
        Ok(out)
    }

    /// Keys after `after` in key order (S3 lists in that order), at most `limit`; the listing
    /// stops at `limit` (ListObjectsV2 `start-after`, pages of 1,000).
    pub(crate) async fn keys_after(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<String>, VaultError> {
        let prefix = StorePath::from(PREFIX.trim_end_matches('/'));
        let listing = match after {
            Some(key) => self
                .store
                .list_with_offset(Some(&prefix), &StorePath::from(format!("{PREFIX}{key}"))),
            None => self.store.list(Some(&prefix)),
        };
        let mut listing = listing;
        let mut out = Vec::new();
        while out.len() < limit {
            let Some(meta) = listing
                .try_next()
                .await
                .map_err(|e| self.error("ListObjectsV2", None, &e))?
            else {
                break;
            };
            let storage_key = meta.location.to_string();
            match storage_key.strip_prefix(PREFIX) {
                Some(key) if check_object_key(key).is_ok() => out.push(key.to_owned()),
                _ => {
                    tracing::warn!(bucket = %self.cfg.bucket, key = %storage_key, "unexpected object in the vault bucket, ignored")
                }
            }
        }
        Ok(out)
    }

    /// When the object was last written (milliseconds), or `None` if it is not stored.
    pub(crate) async fn modified_ms(&self, key: &str) -> Result<Option<i64>, VaultError> {
        check_object_key(key)?;
        let storage_key = format!("{PREFIX}{key}");
        match self
            .store
            .head(&StorePath::from(storage_key.as_str()))
            .await
        {
            Ok(meta) => Ok(Some(meta.last_modified.timestamp_millis())),
            Err(e) => match self.error("HeadObject", Some(&storage_key), &e) {
                VaultError::NotFound { .. } => Ok(None),
                other => Err(other),
            },
        }
    }

    /// The bucket exists, and an object can be written, read back and deleted.
    pub(crate) async fn ping(&self) -> Result<(), VaultError> {
        if !self.bucket_exists().await? {
            return Err(VaultError::S3Status {
                endpoint: self.endpoint.clone(),
                op: "HeadBucket",
                status: 404,
                code: "NoSuchBucket".to_owned(),
                message: format!("bucket {} does not exist; create it first", self.cfg.bucket),
            });
        }
        let probe = format!("{PROBE_PREFIX}{}", uuid::Uuid::new_v4().simple());
        let payload = b"mds-vault probe".to_vec();
        self.put_at(&probe, payload.clone()).await?;
        let read = self.get_at(&probe, &probe).await;
        self.delete_at(&probe).await?;
        if read? != payload {
            return Err(self.protocol("GetObject", "the probe object came back different"));
        }
        Ok(())
    }

    fn protocol(&self, op: &'static str, detail: &str) -> VaultError {
        VaultError::S3Protocol {
            endpoint: self.endpoint.clone(),
            op,
            detail: detail.to_owned(),
        }
    }
}

/// The configuration's checks; the endpoint as `scheme://host[:port]`.
fn check_config(cfg: &S3Config) -> Result<String, VaultError> {
    let bad = |msg: String| VaultError::S3Config(msg);
    let url = reqwest::Url::parse(cfg.endpoint.trim())
        .map_err(|e| bad(format!("endpoint {:?} is not a URL: {e}", cfg.endpoint)))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(format!(
            "endpoint {url} must start with http:// or https://"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "the endpoint URL must not contain credentials".to_owned()
        ));
    }
    if url.path() != "/" || url.query().is_some() {
        return Err(bad(format!("endpoint {url} must not have a path or query")));
    }
    let host = url
        .host_str()
        .ok_or_else(|| bad(format!("endpoint {url} has no host")))?;
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    if !valid_bucket(&cfg.bucket) {
        return Err(bad(format!(
            "bucket name {:?} is invalid (3 to 63 characters: a-z 0-9 . -)",
            cfg.bucket
        )));
    }
    if cfg.region.is_empty()
        || !cfg
            .region
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'/')
    {
        return Err(bad(format!("region {:?} is invalid", cfg.region)));
    }
    if cfg.access_key_id.is_empty() || cfg.secret_access_key.is_empty() {
        return Err(bad(
            "access key id and secret access key are required".to_owned()
        ));
    }
    Ok(format!("{}://{authority}", url.scheme()))
}

/// The `object_store` client of `cfg`, with these retries.
fn build(cfg: &S3Config, endpoint: &str, retries: Retries) -> Result<AmazonS3, VaultError> {
    let retry = RetryConfig {
        backoff: BackoffConfig {
            init_backoff: MIN_BACKOFF,
            max_backoff: Duration::from_secs(3),
            base: 2.0,
        },
        max_retries: retries.max,
        retry_timeout: retries.within,
    };
    AmazonS3Builder::new()
        .with_endpoint(endpoint)
        .with_region(&cfg.region)
        .with_bucket_name(&cfg.bucket)
        .with_access_key_id(&cfg.access_key_id)
        .with_secret_access_key(&cfg.secret_access_key)
        .with_virtual_hosted_style_request(!cfg.path_style)
        .with_allow_http(endpoint.starts_with("http://"))
        .with_retry(retry)
        .with_client_options(
            ClientOptions::new()
                .with_allow_http(endpoint.starts_with("http://"))
                .with_connect_timeout(CONNECT_TIMEOUT)
                .with_timeout(REQUEST_TIMEOUT),
        )
        .build()
        .map_err(|e| VaultError::S3Config(errors::chain(&e)))
}

fn valid_bucket(name: &str) -> bool {
    let edge_ok = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && edge_ok(name.bytes().next())
        && edge_ok(name.bytes().last())
        && !name.contains("..")
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn cfg(endpoint: &str, bucket: &str) -> S3Config {
        S3Config {
            endpoint: endpoint.to_owned(),
            region: "us-east-1".to_owned(),
            bucket: bucket.to_owned(),
            access_key_id: "AKID".to_owned(),
            secret_access_key: "super-secret".to_owned(),
            path_style: true,
        }
    }

    #[test]
    fn config_is_checked_and_secret_never_shown() {
        let store = S3Store::new(cfg("http://127.0.0.1:59000", "mds-docs")).unwrap();
        assert_eq!(store.endpoint(), "http://127.0.0.1:59000");
        assert!(!format!("{store:?}").contains("super-secret"));
        assert!(!format!("{:?}", cfg("http://x", "b")).contains("super-secret"));
        for (endpoint, bucket) in [
            ("127.0.0.1:59000", "mds-docs"),
            ("ftp://host", "mds-docs"),
            ("http://host/sub", "mds-docs"),
            ("http://user:pw@host", "mds-docs"),
            ("http://host", "Upper"),
            ("http://host", "ab"),
            ("http://host", "-abc"),
            ("http://host", "a/b"),
        ] {
            assert!(
                S3Store::new(cfg(endpoint, bucket)).is_err(),
                "{endpoint} {bucket}"
            );
        }
    }
}
