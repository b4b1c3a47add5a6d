//! Which surface answers a request, decided from its path before any router runs.
//!
//! `mds serve` composes three surfaces: FHIR (`/fhir` and below), the portals, and the REST API
//! (`/api/…` and the probes), which the portals' fallback reached after the FHIR router and the
//! portals' own router and layers had each looked at the request. Those steps do nothing for a
//! REST request but cost it a route match, a boxed service clone and a future each (a fifth of
//! a document read's CPU was in routing and layers, docs/PERFORMANCE.md). [`BySurface`] sends a
//! REST path straight to the REST router and every other request to the rest of the service,
//! as before; [`is_rest`] is the one test of a REST path, also used by the portals' fallback.

use axum::extract::Request;
use axum::response::Response;
use axum::routing::future::RouteFuture;
use axum::Router;
use std::convert::Infallible;
use std::task::{Context, Poll};
use tower::Service;

/// Whether `path` is the REST API's: `/api` and below, the two probes and the audit's
/// public keys.
pub fn is_rest(path: &str) -> bool {
    path == "/api"
        || path.starts_with("/api/")
        || path == "/healthz"
        || path == "/readyz"
        || path == "/.well-known/mds-audit-key"
}

/// The service's surfaces: `rest` answers the paths of [`is_rest`], `others` everything else.
#[derive(Clone, Debug)]
pub struct BySurface {
    pub rest: Router,
    pub others: Router,
}

impl Service<Request> for BySurface {
    type Response = Response;
    type Error = Infallible;
    type Future = RouteFuture<Infallible>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // A router is always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request) -> Self::Future {
        if is_rest(req.uri().path()) {
            self.rest.call(req)
        } else {
            self.others.call(req)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    #[test]
    fn rest_paths_are_the_api_the_probes_and_the_audit_keys() {
        let table = [
            ("/api", true),
            ("/api/", true),
            ("/api/v1/records/p/documents", true),
            ("/healthz", true),
            ("/readyz", true),
            ("/.well-known/mds-audit-key", true),
            ("/", false),
            ("/apis", false),
            ("/api-docs", false),
            ("/healthz/", false),
            ("/fhir/metadata", false),
            ("/patient/api/", false),
            ("/pro", false),
            ("/.well-known/other", false),
        ];
        for (path, rest) in table {
            assert_eq!(is_rest(path), rest, "{path}");
        }
    }

    async fn answer(surfaces: BySurface, path: &str) -> String {
        let req = Request::builder().uri(path).body(Body::empty()).unwrap();
        let response = surfaces.oneshot(req).await.unwrap();
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        String::from_utf8(body.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn each_request_reaches_its_surface_only() {
        let surfaces = BySurface {
            rest: Router::new()
                .route("/api/v1/x", get(|| async { "rest" }))
                .fallback(|| async { "rest fallback" }),
            others: Router::new()
                .route("/api/v1/x", get(|| async { "others" }))
                .route("/fhir/metadata", get(|| async { "others" }))
                .fallback(|| async { "others fallback" }),
        };
        assert_eq!(answer(surfaces.clone(), "/api/v1/x").await, "rest");
        assert_eq!(answer(surfaces.clone(), "/api/v1/y").await, "rest fallback");
        assert_eq!(answer(surfaces.clone(), "/healthz").await, "rest fallback");
        assert_eq!(answer(surfaces.clone(), "/fhir/metadata").await, "others");
        assert_eq!(answer(surfaces, "/patient").await, "others fallback");
    }
}
