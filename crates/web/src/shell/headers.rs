//! Security headers of the portals' answers: a strict Content Security Policy (scripts and
//! styles from this origin only, nothing inline, no framing, forms posted here only), no
//! sniffing, no referrer, no powerful browser features.

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use mds_http::layers::PERMISSIONS;

/// The policy of every portal page.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "no-referrer");
    set(HeaderName::from_static("permissions-policy"), PERMISSIONS);
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    // A download sets its own, stricter policy (sandbox); content shown in a viewer's frame
    // may be framed by this site only (`SAMEORIGIN`, `frame-ancestors 'self'`).
    h.entry(header::X_FRAME_OPTIONS)
        .or_insert(HeaderValue::from_static("DENY"));
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CSP));
    // Static files set their own long cache; pages and downloads are never stored.
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}
