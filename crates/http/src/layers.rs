//! The layers every HTTP surface wraps its routes in (the REST API, FHIR): one log line per
//! request, and the security headers of answers that are data, not pages (`data_surface`).

use crate::edge::RouteLabel;
use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// Carried from an error answer to [`trace_requests`]: the cause of a 5xx, logged there and
/// never shown to the caller.
#[derive(Clone, Debug)]
pub struct InternalCause(pub String);

/// One structured log line per request (method, route template, status, duration; the request
/// id comes with the span of `edge::edge`), and the route template for the metrics. Query
/// strings and bodies are never logged: search parameters and documents hold personal data.
pub async fn trace_requests(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let route = matched.as_ref().map_or("unmatched", MatchedPath::as_str);
    let mut response = next.run(req).await;
    if let Some(p) = &matched {
        if response.extensions().get::<RouteLabel>().is_none() {
            response
                .extensions_mut()
                .insert(RouteLabel(std::sync::Arc::from(p.as_str())));
        }
    }
    let status = response.status().as_u16();
    let ms = started.elapsed().as_millis();
    if let Some(cause) = response.extensions().get::<InternalCause>() {
        tracing::error!(%method, route, status, ms, cause = %cause.0, "request failed");
    } else {
        tracing::info!(%method, route, status, ms, "request");
    }
    response
}

/// No powerful browser feature, for any answer of the service (the portals' pages too).
pub const PERMISSIONS: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
interest-cohort=()";
const PERMISSIONS_POLICY: HeaderName = HeaderName::from_static("permissions-policy");
const CROSS_ORIGIN_OPENER_POLICY: HeaderName =
    HeaderName::from_static("cross-origin-opener-policy");

/// Headers every data answer carries: nothing is cached, nothing is sniffed, nothing is
/// framed, answers may load nothing and use no browser feature. A header the handler set is
/// kept.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    let set = |h: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
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
    set(h, PERMISSIONS_POLICY, PERMISSIONS);
    set(h, CROSS_ORIGIN_OPENER_POLICY, "same-origin");
    response
}

/// `Strict-Transport-Security` on every answer, portals and APIs alike: added by `mds serve`
/// around the whole service when it serves HTTPS itself or its public address is https (a
/// proxy terminates TLS); never on a plain-HTTP-only configuration, where it would be ignored
/// at best and lock a development host name to HTTPS at worst.
pub async fn strict_transport(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    response.headers_mut().insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000; includeSubDomains"),
    );
    response
}

/// The layers of a data surface (the REST API, FHIR, the token endpoint), outermost first: the
/// request's log line, the security headers, the surface's `options` as an extension (`()` for
/// none), its default body limit. Applied as one stack: axum's `Router::layer` wraps every
/// route in a new box per call, and a request clones each box of its route (ARCHITECTURE.md,
/// http).
pub fn data_surface<S, O>(router: axum::Router<S>, options: O, body_limit: usize) -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    router.layer(
        tower::ServiceBuilder::new()
            .layer(axum::middleware::from_fn(trace_requests))
            .layer(axum::middleware::from_fn(security_headers))
            .layer(axum::Extension(options))
            .layer(axum::extract::DefaultBodyLimit::max(body_limit)),
    )
}
