//! The REST API under `/api/v1`, plus `/healthz` and `/readyz`. Handlers translate HTTP to
//! use cases of `mds-app` and back; they hold no rules. Errors become JSON
//! `{"error": {"code", "message"}}` in one place (`error.rs`); the OpenAPI document is
//! generated from the handlers' annotations, so it cannot drift from the code.

mod audit;
mod auth;
mod directory;
mod enrolments;
mod error;
mod extract;
mod health;
mod middleware;
mod openapi;
mod patients;
mod reviews;
mod uploads;

pub use error::ApiError;
pub use extract::session_cookie;
pub use openapi::openapi_json;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use mds_app::App;

/// Largest JSON body accepted (document uploads, with their own limit, come later).
pub const JSON_BODY_LIMIT: usize = 64 * 1024;

/// Options of the HTTP surface that depend on how the service is deployed.
#[derive(Clone, Copy, Debug, Default)]
pub struct ApiOptions {
    /// Mark session cookies `Secure` (served over TLS, directly or behind a proxy).
    pub secure_cookies: bool,
}

/// The whole HTTP surface of the service, with default options (plain HTTP on loopback).
pub fn router(app: App) -> Router {
    router_with(app, ApiOptions::default())
}

/// The whole HTTP surface of the service.
pub fn router_with(app: App, options: ApiOptions) -> Router {
    let api = Router::new()
        .route("/openapi.json", get(openapi::serve))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/me", get(auth::me))
        .route("/auth/enrolment", post(auth::begin_enrolment))
        .route("/auth/enrolment/confirm", post(auth::confirm_enrolment))
        .route(
            "/structures",
            get(directory::list_structures).post(directory::create_structure),
        )
        .route(
            "/professionals",
            get(directory::search_professionals).post(directory::create_professional),
        )
        .route("/professionals/{id}", get(directory::get_professional))
        .route("/accounts/{id}/suspend", post(directory::suspend))
        .route("/accounts/{id}/reactivate", post(directory::reactivate))
        .route("/assistants", post(directory::create_assistant))
        .route("/audit", get(audit::read))
        .route(
            "/patients",
            post(patients::create).layer(DefaultBodyLimit::max(uploads::UPLOAD_BODY_LIMIT)),
        )
        .route("/patients/search", post(patients::search))
        .route("/patients/{id}/activate", post(patients::activate))
        .route("/patients/{id}/care-team", post(patients::change_care_team))
        .route("/patients/{id}/death", post(patients::record_death))
        .route("/patients/{id}/erasure", post(patients::request_erasure))
        .route("/patients/{id}/close", post(patients::close))
        .route("/me/record/close", post(patients::close_own))
        .route("/me/record/erasure", post(patients::erase_own))
        .route("/me/record/export", get(patients::export_own))
        .route(
            "/enrolments",
            get(enrolments::queue)
                .post(enrolments::submit)
                .layer(DefaultBodyLimit::max(uploads::UPLOAD_BODY_LIMIT)),
        )
        .route("/enrolments/status", post(enrolments::status))
        .route("/enrolments/{id}/scans/{scan_id}", get(enrolments::scan))
        .route("/enrolments/{id}/validate", post(enrolments::validate))
        .route("/enrolments/{id}/reject", post(enrolments::reject))
        .route("/identity-reviews", get(reviews::list))
        .route("/identity-reviews/{id}/approve", post(reviews::approve))
        .route("/identity-reviews/{id}/reject", post(reviews::reject))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed);
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .nest("/api/v1", api)
        .fallback(error::not_found)
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(axum::Extension(options))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(axum::middleware::from_fn(middleware::trace_requests))
        .with_state(app)
}

/// The current instant, read once per request at the edge; everything below takes it as a
/// parameter.
pub(crate) fn now() -> mds_domain::Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    mds_domain::Timestamp::from_millis(ms)
}
