//! The HL7 FHIR R4 surface of Mon Drive Santé under `/fhir` (JSON): IHE MHD 4.2 (Provide
//! Document Bundle ITI-65, Find Document References ITI-67, Retrieve Document ITI-68), IHE
//! PDQm (ITI-78, and the creation of an inactive record), the patient's history as IHE
//! BALP `AuditEvent`s, and the health profile read-only (`AllergyIntolerance`,
//! `MedicationStatement`, `Immunization`, `Observation`, `RelatedPerson`; `profile`). Like
//! `mds-api`, it translates: every request on a record goes to a use case of `mds-app`,
//! whose gate decides with the policy and audits (denials included); nothing here decides. Errors become `OperationOutcome`s in one place (`error.rs`); logging
//! happens in the middleware. `docs/FHIR.md` documents the endpoints and code systems.

mod audit_events;
pub mod auth;
mod codes;
mod documents;
mod error;
mod format;
mod metadata;
mod model;
mod patients;
pub(crate) mod profile;
mod wire;

pub use error::FhirError;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::routing::{any, get, post};
use axum::Router;
use mds_app::App;

/// Largest body of a request other than a Provide Document Bundle.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Room for the JSON around the contents of a Provide Document Bundle.
const BUNDLE_OVERHEAD: usize = 1024 * 1024;

/// How the FHIR surface is reached by its clients.
#[derive(Clone, Debug, Default)]
pub struct FhirOptions {
    /// Address of the service as clients reach it (`https://mondrivesante.nc`), when a
    /// reverse proxy sits in front; empty: the request's `Host`, with `https` if `tls`.
    pub public_url: String,
    /// The service speaks HTTPS itself.
    pub tls: bool,
}

/// `/fhir` and everything under it (an unknown address under `/fhir` answers a FHIR
/// not-found); other paths are left to the fallback the binary gives it (the portals).
pub fn router(app: App, options: FhirOptions) -> Router {
    // A Bundle carries its contents in base64 (4 bytes for 3): room for two documents of
    // the largest size, which the use case then checks one by one against its own limits.
    let bundle_limit = 2 * (app.settings().max_document_bytes / 3 + 1) * 4 + BUNDLE_OVERHEAD;
    let provide = post(documents::provide::provide).layer(mds_http::BodyLimit(bundle_limit));
    let router = Router::new()
        // `/fhir/` too: clients join the base URL with an empty path.
        .route("/fhir", provide.clone())
        .route("/fhir/", provide)
        .route("/fhir/metadata", get(metadata::capabilities))
        .route("/fhir/DocumentReference", get(documents::search::search))
        .route(
            "/fhir/DocumentReference/_search",
            post(documents::search::search_posted),
        )
        .route(
            "/fhir/DocumentReference/{id}",
            get(documents::search::read).delete(documents::changes::delete),
        )
        .route("/fhir/Binary/{id}", get(documents::retrieve::retrieve))
        .route(
            "/fhir/Patient",
            get(patients::search).post(patients::create),
        )
        .route("/fhir/Patient/_search", post(patients::search_posted))
        .route("/fhir/AuditEvent", get(audit_events::search))
        .route("/fhir/AllergyIntolerance", get(profile::allergies))
        .route("/fhir/MedicationStatement", get(profile::treatments))
        .route("/fhir/Immunization", get(profile::vaccinations))
        .route("/fhir/Observation", get(profile::measurements))
        .route("/fhir/RelatedPerson", get(profile::contacts))
        .route("/fhir/AllergyIntolerance/{id}", get(profile::allergy))
        .route("/fhir/MedicationStatement/{id}", get(profile::treatment))
        .route("/fhir/Immunization/{id}", get(profile::vaccination))
        .route("/fhir/Observation/{id}", get(profile::measurement))
        .route("/fhir/RelatedPerson/{id}", get(profile::contact))
        .route("/fhir/{*rest}", any(error::not_found))
        .method_not_allowed_fallback(error::method_not_allowed);
    mds_http::layers::data_surface(router, options, BODY_LIMIT).with_state(app)
}

/// The current instant, read once per request at the edge.
pub(crate) fn now() -> mds_domain::Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    mds_domain::Timestamp::from_millis(ms)
}

/// The absolute address of `/fhir` for this request (`https://host/fhir`): what links,
/// `fullUrl`s and attachment URLs start with.
#[derive(Clone, Debug)]
pub(crate) struct Base(pub String);

impl Base {
    pub fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.0)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Base {
    type Rejection = FhirError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let options = parts
            .extensions
            .get::<FhirOptions>()
            .cloned()
            .unwrap_or_default();
        let public = options.public_url.trim_end_matches('/');
        if !public.is_empty() {
            return Ok(Self(format!("{public}/fhir")));
        }
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| parts.uri.authority().map(|a| a.as_str()))
            .filter(|h| {
                !h.is_empty()
                    && h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
            })
            .unwrap_or("localhost");
        let scheme = if options.tls { "https" } else { "http" };
        Ok(Self(format!("{scheme}://{host}/fhir")))
    }
}
