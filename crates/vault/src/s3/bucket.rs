//! The bucket's own requests, which `object_store` does not make: HeadBucket and CreateBucket,
//! built here and signed with `object_store`'s SigV4 signer (`AwsAuthorizer`), sent with
//! reqwest.

use super::{errors, S3Store};
use crate::VaultError;
use object_store::aws::AwsAuthorizer;
use object_store::client::{HttpRequest, HttpRequestBody};
use reqwest::StatusCode;

impl S3Store {
    /// Creates the bucket when it does not exist yet; an existing bucket we own is fine.
    pub async fn ensure_bucket(&self) -> Result<(), VaultError> {
        if self.bucket_exists().await? {
            return Ok(());
        }
        // Outside us-east-1, S3 requires the region in the body; us-east-1 refuses it.
        let body = if self.cfg.region == "us-east-1" {
            Vec::new()
        } else {
            format!(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
                 <LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
                self.cfg.region
            )
            .into_bytes()
        };
        let op = "CreateBucket";
        let (status, answer) = self.bucket_request(op, http::Method::PUT, body).await?;
        if status.is_success() {
            tracing::info!(endpoint = %self.endpoint, bucket = %self.cfg.bucket, "created S3 bucket");
            return Ok(());
        }
        let err = self.status_error(op, status, &answer);
        match &err {
            VaultError::S3Status { code, .. } if code == "BucketAlreadyOwnedByYou" => Ok(()),
            _ => Err(err),
        }
    }

    pub(super) async fn bucket_exists(&self) -> Result<bool, VaultError> {
        let op = "HeadBucket";
        let (status, body) = self
            .bucket_request(op, http::Method::HEAD, Vec::new())
            .await?;
        match status {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(self.status_error(op, status, &body)),
        }
    }

    /// The bucket's URL for either addressing style.
    fn bucket_url(&self) -> String {
        let (scheme, authority) = self
            .endpoint
            .split_once("://")
            .unwrap_or(("https", &self.endpoint));
        if self.cfg.path_style {
            format!("{scheme}://{authority}/{}", self.cfg.bucket)
        } else {
            format!("{scheme}://{}.{authority}/", self.cfg.bucket)
        }
    }

    /// One signed request on the bucket; its status and whole body. Transport failures become
    /// `S3Unreachable` naming the endpoint.
    async fn bucket_request(
        &self,
        op: &'static str,
        method: http::Method,
        body: Vec<u8>,
    ) -> Result<(StatusCode, Vec<u8>), VaultError> {
        let url = self.bucket_url();
        let mut signed: HttpRequest = http::Request::builder()
            .method(method.clone())
            .uri(&url)
            .body(HttpRequestBody::from(body.clone()))
            .map_err(|e| self.protocol(op, &format!("cannot build the request: {e}")))?;
        let credential = self.credential();
        AwsAuthorizer::new(&credential, "s3", &self.cfg.region).authorize(&mut signed, None);
        let mut request = self.http.request(method, &url);
        for (name, value) in signed.headers() {
            // reqwest sets Host itself, from the same URL.
            if name != http::header::HOST {
                request = request.header(name, value);
            }
        }
        if !body.is_empty() {
            request = request.body(body);
        }
        let unreachable = |e: reqwest::Error| VaultError::S3Unreachable {
            endpoint: self.endpoint.clone(),
            detail: errors::chain(&e),
        };
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(unreachable)?;
        Ok((status, bytes.to_vec()))
    }

    fn status_error(&self, op: &'static str, status: StatusCode, body: &[u8]) -> VaultError {
        let text = String::from_utf8_lossy(body);
        let code = errors::xml_field(&text, "Code").unwrap_or_else(|| match status {
            // HEAD answers carry no body, so the usual code is inferred.
            StatusCode::NOT_FOUND => "NotFound".to_owned(),
            StatusCode::FORBIDDEN => "AccessDenied".to_owned(),
            _ => status.canonical_reason().unwrap_or("Error").to_owned(),
        });
        let message = errors::xml_field(&text, "Message")
            .unwrap_or_else(|| format!("(no details; bucket {})", self.cfg.bucket));
        VaultError::S3Status {
            endpoint: self.endpoint.clone(),
            op,
            status: status.as_u16(),
            code,
            message,
        }
    }
}
