//! The outermost layer of the whole service (`mds serve` wraps every surface in it): each
//! request gets its id — answered in `x-request-id`, carried by every log line of the request
//! (a `request` span), written by the audit into each event of the request
//! (`mds_observe::request`) — and is counted in the metrics by method, route template and
//! status, with its latency. The route template is the one the surface matched
//! ([`RouteLabel`], set by [`label_route`] or `layers::trace_requests`); a path no surface
//! matched counts as `unmatched`, so no client can create a series.

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use mds_observe::metrics::{HTTP_DURATION, HTTP_REQUESTS};
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument;

/// The header that carries the request id, both ways.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The route template a surface matched, carried on its answer to [`edge`].
#[derive(Clone, Debug)]
pub struct RouteLabel(pub Arc<str>);

/// See the module documentation. A request id sent by the client (a reverse proxy's) is kept
/// when it is short and plain, so one id follows the request across the proxy and the service.
pub async fn edge(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let sent = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok());
    let id = mds_observe::request::id_for(sent);
    let method = method_label(req.method());
    let span = tracing::info_span!("request", request_id = %id);
    let mut response =
        mds_observe::request::scope(id.clone(), next.run(req).instrument(span)).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    let route = response
        .extensions()
        .get::<RouteLabel>()
        .map_or("unmatched", |r| &*r.0);
    let status = response.status();
    HTTP_REQUESTS.inc(&[method, route, status.as_str()]);
    HTTP_DURATION.observe(&[method, route], started.elapsed().as_secs_f64());
    response
}

/// Marks the answer with the route template the router matched, unless an inner surface (a
/// fallback's own router) already did.
pub async fn label_route(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| Arc::<str>::from(p.as_str()));
    let mut response = next.run(req).await;
    if let Some(route) = route {
        if response.extensions().get::<RouteLabel>().is_none() {
            response.extensions_mut().insert(RouteLabel(route));
        }
    }
    response
}

/// Methods are a closed set in the metrics.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}
