//! Cross-cutting layers of `/fhir`: one log line per request, and the headers every answer
//! carries.

use crate::error::InternalCause;
use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// One structured log line per request (method, route template, status, duration). Query
/// strings and bodies are never logged: search parameters and documents hold personal data.
pub async fn trace_requests(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "/fhir (unmatched)".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(req).await;
    let status = response.status().as_u16();
    let ms = started.elapsed().as_millis();
    if let Some(cause) = response.extensions().get::<InternalCause>() {
        tracing::error!(%method, route, status, ms, cause = %cause.0, "FHIR request failed");
    } else {
        tracing::info!(%method, route, status, ms, "FHIR request");
    }
    response
}

/// Nothing is cached, nothing is sniffed, nothing is framed, and answers may load nothing.
pub async fn headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: header::HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(h, header::CACHE_CONTROL, "no-store");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; frame-ancestors 'none'",
    );
    response
}
