//! Sealed objects in S3-compatible object storage (production deployments): PUT/GET/DELETE
//! object, HEAD/create bucket and ListObjectsV2 over reqwest, signed with our own SigV4. Stores
//! opaque bytes under `objects/<key>`; must not encrypt or interpret content, must not log
//! credentials, and must not report a missing bucket as a missing object.

mod sigv4;
mod xml;

use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use zeroize::Zeroizing;

use crate::seal::check_object_key;
use crate::{ObjectInfo, VaultError};

/// Prefix of the vault's objects in the bucket; anything else in the bucket is not ours.
const PREFIX: &str = "objects/";
/// Prefix of the short-lived objects written by [`S3Store::ping`].
const PROBE_PREFIX: &str = "_mds-probe/";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Generous enough for a 20 MB document over a slow link, short enough to free a stuck worker.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

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
    endpoint: String,
    scheme: String,
    authority: String,
    region: String,
    bucket: String,
    access_key_id: String,
    secret_access_key: Arc<Zeroizing<String>>,
    path_style: bool,
    page_size: u32,
    client: reqwest::Client,
}

impl std::fmt::Debug for S3Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Store")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("path_style", &self.path_style)
            .finish_non_exhaustive()
    }
}

impl S3Store {
    /// Checks the configuration and prepares the HTTP client; does not contact the endpoint.
    pub fn new(cfg: S3Config) -> Result<Self, VaultError> {
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
        // Exactly what reqwest sends as `Host` (the port only when not the scheme's default),
        // because the signature covers it.
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
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| bad(format!("cannot build the HTTP client: {e}")))?;
        Ok(S3Store {
            endpoint: format!("{}://{authority}", url.scheme()),
            scheme: url.scheme().to_owned(),
            authority,
            region: cfg.region.clone(),
            bucket: cfg.bucket.clone(),
            access_key_id: cfg.access_key_id.clone(),
            secret_access_key: Arc::new(Zeroizing::new(cfg.secret_access_key.clone())),
            path_style: cfg.path_style,
            page_size: 1000,
            client,
        })
    }

    /// Sets how many keys one ListObjectsV2 request asks for (1 to 1000; S3's own maximum is the
    /// default). Smaller pages exercise pagination in tests.
    pub fn with_list_page_size(mut self, keys: u32) -> Self {
        self.page_size = keys.clamp(1, 1000);
        self
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Creates the bucket when it does not exist yet; an existing bucket we own is fine.
    pub async fn ensure_bucket(&self) -> Result<(), VaultError> {
        if self.bucket_exists().await? {
            return Ok(());
        }
        // Outside us-east-1, S3 requires the region in the body; us-east-1 refuses it.
        let body = if self.region == "us-east-1" {
            Vec::new()
        } else {
            format!(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
                 <LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
                self.region
            )
            .into_bytes()
        };
        let op = "CreateBucket";
        let (status, answer) = self
            .send(op, Method::PUT, &self.bucket_path(), &[], body)
            .await?;
        if status.is_success() {
            tracing::info!(endpoint = %self.endpoint, bucket = %self.bucket, "created S3 bucket");
            return Ok(());
        }
        let err = self.status_error(op, status, &answer);
        match &err {
            VaultError::S3Status { code, .. } if code == "BucketAlreadyOwnedByYou" => Ok(()),
            _ => Err(err),
        }
    }

    async fn bucket_exists(&self) -> Result<bool, VaultError> {
        let op = "HeadBucket";
        let (status, body) = self
            .send(op, Method::HEAD, &self.bucket_path(), &[], Vec::new())
            .await?;
        match status {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(self.status_error(op, status, &body)),
        }
    }

    pub(crate) async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), VaultError> {
        check_object_key(key)?;
        self.put_at(&format!("{PREFIX}{key}"), bytes).await
    }

    async fn put_at(&self, storage_key: &str, bytes: Vec<u8>) -> Result<(), VaultError> {
        let op = "PutObject";
        let (status, body) = self
            .send(op, Method::PUT, &self.object_path(storage_key), &[], bytes)
            .await?;
        if status.is_success() {
            Ok(())
        } else {
            Err(self.status_error(op, status, &body))
        }
    }

    pub(crate) async fn get(&self, key: &str) -> Result<Vec<u8>, VaultError> {
        check_object_key(key)?;
        self.get_at(&format!("{PREFIX}{key}"), key).await
    }

    async fn get_at(&self, storage_key: &str, key: &str) -> Result<Vec<u8>, VaultError> {
        let op = "GetObject";
        let (status, body) = self
            .send(
                op,
                Method::GET,
                &self.object_path(storage_key),
                &[],
                Vec::new(),
            )
            .await?;
        if status.is_success() {
            return Ok(body);
        }
        let err = self.status_error(op, status, &body);
        match &err {
            // Only NoSuchKey means "no such document"; NoSuchBucket is a deployment fault.
            VaultError::S3Status { code, .. } if code == "NoSuchKey" => Err(VaultError::NotFound {
                object_key: key.to_owned(),
            }),
            _ => Err(err),
        }
    }

    pub(crate) async fn delete(&self, key: &str) -> Result<(), VaultError> {
        check_object_key(key)?;
        self.delete_at(&format!("{PREFIX}{key}")).await
    }

    async fn delete_at(&self, storage_key: &str) -> Result<(), VaultError> {
        let op = "DeleteObject";
        let (status, body) = self
            .send(
                op,
                Method::DELETE,
                &self.object_path(storage_key),
                &[],
                Vec::new(),
            )
            .await?;
        if status.is_success() {
            return Ok(());
        }
        let err = self.status_error(op, status, &body);
        match &err {
            // S3 answers 204 for a missing key, some compatible servers 404: both mean "gone".
            VaultError::S3Status { code, .. } if code == "NoSuchKey" => Ok(()),
            _ => Err(err),
        }
    }

    pub(crate) async fn list(&self) -> Result<Vec<ObjectInfo>, VaultError> {
        let op = "ListObjectsV2";
        let page_size = self.page_size.to_string();
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut query = vec![
                ("list-type", "2"),
                ("prefix", PREFIX),
                ("max-keys", page_size.as_str()),
            ];
            if let Some(t) = &token {
                query.push(("continuation-token", t.as_str()));
            }
            let (status, body) = self
                .send(op, Method::GET, &self.bucket_path(), &query, Vec::new())
                .await?;
            if !status.is_success() {
                return Err(self.status_error(op, status, &body));
            }
            let text =
                String::from_utf8(body).map_err(|_| self.protocol(op, "body is not UTF-8"))?;
            let page = xml::parse_list_page(&text).map_err(|e| self.protocol(op, &e))?;
            for (storage_key, modified_ms) in page.objects {
                match storage_key.strip_prefix(PREFIX) {
                    Some(key) if check_object_key(key).is_ok() => out.push(ObjectInfo {
                        key: key.to_owned(),
                        modified_ms,
                    }),
                    _ => {
                        tracing::warn!(bucket = %self.bucket, key = %storage_key, "unexpected object in the vault bucket, ignored")
                    }
                }
            }
            match page.next_token {
                Some(next) if token.as_deref() == Some(next.as_str()) => {
                    return Err(self.protocol(op, "the continuation token did not advance"));
                }
                Some(next) => token = Some(next),
                None => return Ok(out),
            }
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
                message: format!("bucket {} does not exist; create it first", self.bucket),
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

    fn host(&self) -> String {
        if self.path_style {
            self.authority.clone()
        } else {
            format!("{}.{}", self.bucket, self.authority)
        }
    }

    fn bucket_path(&self) -> String {
        if self.path_style {
            format!("/{}", self.bucket)
        } else {
            "/".to_owned()
        }
    }

    fn object_path(&self, storage_key: &str) -> String {
        let key = sigv4::uri_encode(storage_key, true);
        if self.path_style {
            format!("/{}/{key}", self.bucket)
        } else {
            format!("/{key}")
        }
    }

    /// Signs and sends one request; returns the status and the whole body. Transport failures
    /// (refused connection, DNS, TLS, timeout) become `S3Unreachable` naming the endpoint.
    async fn send(
        &self,
        op: &'static str,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<(StatusCode, Vec<u8>), VaultError> {
        let host = self.host();
        let query = sigv4::canonical_query(query);
        let mut url = format!("{}://{host}{path}", self.scheme);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        // Our path and query contain only unreserved characters and %XX, which the URL parser
        // keeps as they are, so what is signed is what is sent.
        let url = reqwest::Url::parse(&url)
            .map_err(|e| self.protocol(op, &format!("cannot build request URL: {e}")))?;
        let payload_hash = sigv4::sha256_hex(&body);
        let amz_date = amz_date(time::OffsetDateTime::now_utc());
        let headers = [
            ("host", host.as_str()),
            ("x-amz-content-sha256", payload_hash.as_str()),
            ("x-amz-date", amz_date.as_str()),
        ];
        let authorization = sigv4::Signer {
            access_key_id: &self.access_key_id,
            secret_access_key: &self.secret_access_key,
            region: &self.region,
            service: "s3",
            amz_date: &amz_date,
        }
        .authorization(&sigv4::Request {
            method: method.as_str(),
            canonical_uri: path,
            canonical_query: &query,
            headers: &headers,
            payload_sha256_hex: &payload_hash,
        });
        let mut request = self
            .client
            .request(method, url)
            .header("x-amz-content-sha256", &payload_hash)
            .header("x-amz-date", &amz_date)
            .header(reqwest::header::AUTHORIZATION, authorization);
        if !body.is_empty() {
            request = request.body(body);
        }
        let response = request.send().await.map_err(|e| self.unreachable(&e))?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| self.unreachable(&e))?;
        Ok((status, bytes.to_vec()))
    }

    fn unreachable(&self, err: &reqwest::Error) -> VaultError {
        VaultError::S3Unreachable {
            endpoint: self.endpoint.clone(),
            detail: error_chain(err),
        }
    }

    fn protocol(&self, op: &'static str, detail: &str) -> VaultError {
        VaultError::S3Protocol {
            endpoint: self.endpoint.clone(),
            op,
            detail: detail.to_owned(),
        }
    }

    fn status_error(&self, op: &'static str, status: StatusCode, body: &[u8]) -> VaultError {
        let text = String::from_utf8_lossy(body);
        let (code, message) = xml::parse_error(&text);
        let code = code.unwrap_or_else(|| match status {
            // HEAD answers carry no body, so the usual code is inferred.
            StatusCode::NOT_FOUND => "NotFound".to_owned(),
            StatusCode::FORBIDDEN => "AccessDenied".to_owned(),
            _ => status.canonical_reason().unwrap_or("Error").to_owned(),
        });
        let message = message.unwrap_or_else(|| {
            let excerpt: String = text.trim().chars().take(200).collect();
            if excerpt.is_empty() {
                format!("(no details; bucket {})", self.bucket)
            } else {
                excerpt
            }
        });
        VaultError::S3Status {
            endpoint: self.endpoint.clone(),
            op,
            status: status.as_u16(),
            code,
            message,
        }
    }
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

fn amz_date(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// reqwest's own message is "error sending request"; the cause ("Connection refused") is in the
/// source chain, which operators need to see.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let msg = cause.to_string();
        if !text.contains(&msg) {
            text.push_str(": ");
            text.push_str(&msg);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(endpoint: &str, bucket: &str) -> S3Config {
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

    #[test]
    fn paths_for_both_addressing_styles() {
        let path = S3Store::new(cfg("https://s3.example.org", "docs")).unwrap();
        assert_eq!(path.host(), "s3.example.org");
        assert_eq!(path.object_path("objects/ab"), "/docs/objects/ab");
        assert_eq!(path.bucket_path(), "/docs");
        let mut c = cfg("https://s3.example.org:8443", "docs");
        c.path_style = false;
        let vhost = S3Store::new(c).unwrap();
        assert_eq!(vhost.host(), "docs.s3.example.org:8443");
        assert_eq!(vhost.object_path("objects/ab"), "/objects/ab");
        assert_eq!(vhost.bucket_path(), "/");
    }

    #[test]
    fn amz_date_format() {
        let t = time::macros::datetime!(2015-08-30 12:36:00 UTC);
        assert_eq!(amz_date(t), "20150830T123600Z");
    }
}
