//! The REST API under `/api/v1`, plus `/healthz` and `/readyz`. Handlers translate HTTP to
//! use cases of `mds-app` and back; they hold no rules. Errors become JSON
//! `{"error": {"code", "message"}}` in one place (`error.rs`); the OpenAPI document is
//! generated from the handlers' annotations, so it cannot drift from the code.

mod acting_structure;
mod attestations;
mod audit;
mod auth;
mod checkpoints;
mod contact;
mod directory;
mod enrolments;
mod error;
mod extract;
mod health;
mod history;
mod json;
mod notifications;
mod openapi;
mod openapi_complete;
mod patients;
mod preview;
mod profile;
mod profile_schema;
mod record;
mod record_controls;
mod record_settings;
mod recovery;
mod recovery_requests;
mod rectifications;
mod refused;
mod representatives;
mod reviews;
mod software;
mod software_records;
pub mod structure_auth;
mod supervision;
mod uploads;

pub use error::ApiError;
pub use extract::session_cookie;
pub use openapi::openapi_json;

use axum::routing::{delete, get, post, put};
use axum::Router;
use mds_app::App;

/// Largest JSON body accepted (document uploads have their own limit, from the settings).
pub const JSON_BODY_LIMIT: usize = 64 * 1024;

/// Room for the multipart envelope and metadata fields around an uploaded file.
const UPLOAD_OVERHEAD: usize = 256 * 1024;

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
    let upload = mds_http::BodyLimit(app.settings().max_document_bytes + UPLOAD_OVERHEAD);
    let rc = "/records/{patient_id}";
    let doc = "/records/{patient_id}/documents/{document_id}";
    let api = Router::new()
        .route("/records/mine", get(record::mine))
        .route(
            &format!("{rc}/documents"),
            get(record::list).post(record::add).layer(upload),
        )
        .route(doc, get(record::metadata).delete(record::delete))
        .route(&format!("{doc}/content"), get(record::content))
        .route(
            &format!("{doc}/versions"),
            post(record::new_version).layer(upload),
        )
        .route(
            &format!("{doc}/mask"),
            post(record_controls::mask).delete(record_controls::unmask),
        )
        .route(
            &format!("{doc}/hidden-from-patient"),
            post(record_controls::hide).delete(record_controls::show),
        )
        .route(&format!("{rc}/mask-all"), post(record_controls::mask_all))
        .route(
            &format!("{rc}/unmask-all"),
            post(record_controls::unmask_all),
        )
        .route(
            &format!("{rc}/care-team"),
            get(record_controls::care_team).post(record_controls::add_member),
        )
        .route(
            &format!("{rc}/care-team/{{professional_account_id}}"),
            delete(record_controls::remove_member),
        )
        .route(
            &format!("{rc}/attending-physician"),
            put(record_controls::attending),
        )
        .route(&format!("{rc}/blocks"), post(record_controls::block))
        .route(
            &format!("{rc}/blocks/{{professional_account_id}}"),
            delete(record_controls::unblock),
        )
        .route(
            &format!("{rc}/emergency-settings"),
            put(record_controls::emergency_settings),
        )
        .route(
            &format!("{rc}/emergency-settings"),
            get(record_settings::emergency_settings),
        )
        .route(&format!("{rc}/blocks"), get(record_settings::blocks))
        .route(
            &format!("{rc}/break-glass"),
            post(record_controls::break_glass),
        )
        .route(&format!("{rc}/samu"), post(record_controls::samu))
        .route(
            &format!("{rc}/feeding-opposition"),
            post(record_controls::oppose_feeding).delete(record_controls::lift_feeding_opposition),
        )
        .route(
            &format!("{rc}/consents"),
            get(record_controls::consents)
                .post(record_controls::request_consent)
                .layer(mds_http::BodyLimit(uploads::UPLOAD_BODY_LIMIT)),
        )
        .route(
            &format!("{rc}/consents/{{consent_id}}/attestation"),
            get(attestations::attestation),
        )
        .route(
            &format!("{rc}/consents/{{consent_id}}/approve"),
            post(record_controls::approve),
        )
        .route(
            &format!("{rc}/consents/{{consent_id}}/refuse"),
            post(record_controls::refuse),
        )
        .route(
            &format!("{rc}/consents/{{consent_id}}/revoke"),
            post(record_controls::revoke),
        )
        .route(
            &format!("{rc}/consents/{{consent_id}}/code"),
            post(record_controls::enter_code),
        )
        .route("/openapi.json", get(openapi::serve))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/me", get(auth::me))
        .route("/auth/password", post(auth::change_password))
        .route("/auth/structures", get(acting_structure::choices))
        .route("/auth/structure", put(acting_structure::choose))
        .route("/auth/password/forgotten", post(recovery::forgotten))
        .route("/auth/password/reset", post(recovery::reset))
        .route("/auth/contact/confirm", post(contact::confirm))
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
        .route(
            "/professionals/{id}",
            get(directory::get_professional).put(directory::edit_professional),
        )
        .route("/structures/{id}", put(directory::edit_structure))
        .route("/accounts/{id}/suspend", post(directory::suspend))
        .route("/accounts/{id}/reactivate", post(directory::reactivate))
        .route("/accounts/{id}/enrolment", post(recovery::reissue))
        .route("/assistants", post(directory::create_assistant))
        .route("/audit", get(audit::read))
        .route("/audit/checkpoints", get(checkpoints::list))
        .route("/audit/extract", get(history::extract))
        .route(&format!("{rc}/history"), get(history::record_history))
        .route(&format!("{rc}/preview"), get(preview::preview))
        .route(&format!("{rc}/profile"), get(profile::read))
        .route(&format!("{rc}/profile/entries"), post(profile::add))
        .route(
            &format!("{rc}/profile/entries/{{entry_id}}"),
            delete(profile::remove),
        )
        .route("/me/access-log", get(history::access_log))
        .route(
            "/patients",
            post(patients::create).layer(mds_http::BodyLimit(uploads::UPLOAD_BODY_LIMIT)),
        )
        .route("/patients/search", post(patients::search))
        .route("/patients/{id}/activate", post(patients::activate))
        .route("/patients/{id}/care-team", post(patients::change_care_team))
        .route("/patients/{id}/death", post(patients::record_death))
        .route("/patients/{id}/erasure", post(patients::request_erasure))
        .route("/patients/{id}/close", post(patients::close))
        .route("/patients/{id}/legal-export", post(patients::legal_export))
        .route("/patients/{id}/export", post(patients::support_export))
        .route("/patients/{id}/heir-export", post(patients::heir_export))
        .route(
            "/patients/{patient_id}/representatives",
            get(representatives::list)
                .post(representatives::record)
                .layer(mds_http::BodyLimit(uploads::UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/patients/{patient_id}/representatives/{representation_id}/end",
            post(representatives::end),
        )
        .route(
            "/patients/{patient_id}/representatives/{representation_id}/document",
            get(representatives::document),
        )
        .route("/me/represented", get(representatives::represented))
        .route("/me/record/close", post(patients::close_own))
        .route("/me/record/erasure", post(patients::erase_own))
        .route("/me/record/export", get(patients::export_own))
        .route(
            "/me/rectifications",
            get(rectifications::mine).post(rectifications::ask),
        )
        .route("/me/limitation", get(rectifications::my_limitation))
        .route("/me/contact/email", post(contact::email))
        .route("/me/contact/phone", put(contact::phone))
        .route("/rectifications", get(rectifications::queue))
        .route("/rectifications/{id}", get(rectifications::one))
        .route("/rectifications/{id}/apply", post(rectifications::apply))
        .route("/rectifications/{id}/reject", post(rectifications::reject))
        .route(
            "/records/{patient_id}/limitation",
            put(rectifications::set_limitation),
        )
        .route("/me/notifications", get(notifications::list))
        .route(
            "/me/notifications/{id}/read",
            post(notifications::mark_read),
        )
        .route(
            "/me/notification-preferences",
            get(notifications::preferences).put(notifications::set_preferences),
        )
        .route(
            "/enrolments",
            get(enrolments::queue)
                .post(enrolments::submit)
                .layer(mds_http::BodyLimit(uploads::UPLOAD_BODY_LIMIT)),
        )
        .route("/enrolments/status", post(enrolments::status))
        .route(
            "/auth/recovery-requests",
            post(recovery_requests::submit).layer(mds_http::BodyLimit(uploads::UPLOAD_BODY_LIMIT)),
        )
        .route("/recovery-requests", get(recovery_requests::list))
        .route("/recovery-requests/{id}/scan", get(recovery_requests::scan))
        .route(
            "/recovery-requests/{id}/close",
            post(recovery_requests::close),
        )
        .route("/enrolments/{id}/scans/{scan_id}", get(enrolments::scan))
        .route("/enrolments/{id}/validate", post(enrolments::validate))
        .route("/enrolments/{id}/reject", post(enrolments::reject))
        .route("/identity-reviews", get(reviews::list))
        .route("/identity-reviews/{id}/approve", post(reviews::approve))
        .route("/identity-reviews/{id}/reject", post(reviews::reject))
        .route("/supervision/alerts", get(supervision::list))
        .route("/supervision/alerts/{id}/review", post(supervision::review))
        .route(
            "/structures/{id}/software-credentials",
            get(software::list).post(software::create),
        )
        .route("/software-credentials/{id}/revoke", post(software::revoke))
        .route(
            "/software/records/{patient_id}/preload",
            post(software::preload),
        )
        .route(
            "/software/records/{patient_id}/documents",
            get(software_records::list)
                .post(software_records::feed)
                .layer(upload),
        )
        .route(
            "/software/records/{patient_id}/documents/{document_id}/content",
            get(software_records::content),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            app.clone(),
            refused::audit_unrecorded,
        ))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed);
    let router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/.well-known/mds-audit-key", get(checkpoints::keys))
        .nest("/api/v1", api)
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed);
    mds_http::layers::data_surface(router, options, JSON_BODY_LIMIT).with_state(app)
}

/// The current instant, read once per request at the edge; everything below takes it as a
/// parameter.
pub(crate) fn now() -> mds_domain::Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    mds_domain::Timestamp::from_millis(ms)
}
