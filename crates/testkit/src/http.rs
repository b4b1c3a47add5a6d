//! What the REST client and the portals' browser share: building a request and reading the
//! router's whole answer.

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A request with the given headers and body (`content_type` with it, when given).
pub(crate) fn build_request(
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<(String, Vec<u8>)>,
) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        b = b.header(*name, *value);
    }
    let body = match body {
        Some((content_type, bytes)) => {
            b = b.header(header::CONTENT_TYPE, content_type);
            Body::from(bytes)
        }
        None => Body::empty(),
    };
    b.body(body)
        .unwrap_or_else(|e| panic!("request {uri}: {e}"))
}

/// A multipart body for `build_request`.
pub(crate) fn multipart_body(form: Vec<u8>) -> (String, Vec<u8>) {
    (crate::Multipart::content_type(), form)
}

/// Sends one request through `router` in-process and reads the whole answer.
pub(crate) async fn oneshot(
    router: &Router,
    req: Request<Body>,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let what = format!("{} {}", req.method(), req.uri());
    let response = router
        .clone()
        .oneshot(req)
        .await
        .unwrap_or_else(|e| match e {});
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap_or_else(|e| panic!("{what}: body: {e}"))
        .to_bytes()
        .to_vec();
    (status, headers, body)
}
