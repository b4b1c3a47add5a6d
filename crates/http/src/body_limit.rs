//! A route's body limit, enforced before the body is read. axum's `DefaultBodyLimit` bounds
//! what an extractor reads, but only while reading: a client announcing 100 MB with
//! `Expect: 100-continue` was told `100 Continue` (hyper sends it when the body is first
//! polled) and then streamed up to the limit. [`BodyLimit`] sets the same limit for the
//! extractors and answers 413 at once when `Content-Length` already exceeds it, before
//! anything polls the body. Used on each route that accepts more than its router's default;
//! the router's default is checked the same way by an outer [`BodyLimit`] of the largest
//! limit any of its routes has (a route's own limit sits inside it).

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use tower::{Layer, Service};

/// The layer: `max` bytes at most, announced or read.
#[derive(Clone, Copy, Debug)]
pub struct BodyLimit(pub usize);

impl<S> Layer<S> for BodyLimit {
    type Service = BodyLimited<<DefaultBodyLimit as Layer<S>>::Service>;

    fn layer(&self, inner: S) -> Self::Service {
        BodyLimited {
            max: self.0,
            inner: DefaultBodyLimit::max(self.0).layer(inner),
        }
    }
}

#[derive(Clone, Debug)]
pub struct BodyLimited<S> {
    max: usize,
    inner: S,
}

impl<S> Service<Request> for BodyLimited<S>
where
    S: Service<Request, Response = Response> + Send,
    S::Error: Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        if announced(&req).is_some_and(|n| n > self.max as u64) {
            return Box::pin(std::future::ready(Ok(too_large(self.max))));
        }
        Box::pin(self.inner.call(req))
    }
}

/// The body size the client announced, if any.
fn announced(req: &Request) -> Option<u64> {
    req.headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The answer, in JSON (the portals' browsers never announce more than their forms allow;
/// a person would see the page of the route's own limit, checked while reading). The
/// connection is closed: the unread body is not worth reading.
fn too_large(max: usize) -> Response {
    let body = format!(
        "{{\"error\":{{\"code\":\"body_too_large\",\"message\":\"Le corps de la requête est trop volumineux ({} octets au plus).\"}}}}",
        max
    );
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}
