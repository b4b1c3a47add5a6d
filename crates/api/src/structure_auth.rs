//! The token endpoint of structure authentication, `POST /fhir/auth/token` (SMART Backend
//! Services style, RFC 6749 client credentials with a RFC 7523 JWT assertion), and how a
//! call made with its access token is authenticated (`StructureSoftware`, shared with the
//! FHIR surface).
//!
//! Mounting: [`router`] answers only `/fhir/auth/token` and has no fallback, so the binary
//! merges it with the REST router (or with the FHIR router, which answers the rest of
//! `/fhir`). Errors here are OAuth errors, `{"error", "error_description"}` (RFC 6749
//! section 5.2), not the REST JSON errors nor FHIR `OperationOutcome`s: token clients
//! expect them.

use crate::extract::ClientIp;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};
use mds_app::structure_access::token::{Audience, TokenRequest};
use mds_app::structure_access::{SoftwareProof, TOKEN_PATH};
use mds_app::{Actor, App, AppError};
use mds_http::SoftwareCredential;
use serde::Deserialize;

pub use mds_http::software::{AMR_HEADER, PROFESSIONAL_HEADER};
/// Largest token request body (an assertion is a few kilobytes).
const TOKEN_BODY_LIMIT: usize = 32 * 1024;

/// The state of the token endpoint.
#[derive(Clone)]
struct Endpoint {
    app: App,
    audience: Audience,
}

/// The token endpoint alone, with its state and layers: `POST /fhir/auth/token`.
/// `public_url` is the address people and software reach the service at (`public_url` of
/// the configuration, e.g. `https://mondrivesante.nc`): assertions must name
/// `<public_url>/fhir/auth/token` as their `aud`. Without one, any origin is accepted for
/// that path (development and tests).
pub fn router(app: App, public_url: Option<&str>) -> Router {
    let audience = match public_url.map(|u| u.trim_end_matches('/')) {
        Some(u) if !u.is_empty() => Audience::Url(format!("{u}{TOKEN_PATH}")),
        _ => Audience::AnyOrigin,
    };
    let router = Router::new().route(TOKEN_PATH, post(token));
    mds_http::layers::data_surface(router, (), TOKEN_BODY_LIMIT)
        .with_state(Endpoint { app, audience })
}

/// The form of a token request; unknown fields are ignored, as OAuth requires.
#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    grant_type: String,
    #[serde(default)]
    client_assertion_type: String,
    #[serde(default)]
    client_assertion: String,
    scope: Option<String>,
}

/// An OAuth error answer.
fn oauth_error(status: StatusCode, code: &str, description: &str) -> Response {
    let body = serde_json::json!({ "error": code, "error_description": description });
    no_store((status, axum::Json(body)).into_response())
}

fn no_store(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    r
}

/// Structure software (anyone may ask; the assertion decides). Exchanges a signed
/// assertion for an access token of 5 minutes: `grant_type=client_credentials`,
/// `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`,
/// `client_assertion=<JWT>` (ES256, ES384 or RS384; `iss` = `sub` = the client id, `aud` =
/// this URL, `exp` ≤ 5 min, a single-use `jti`, `kid` naming a registered key), optional
/// `scope`. Answers `{"access_token", "token_type": "bearer", "expires_in", "scope"}`.
async fn token(
    State(e): State<Endpoint>,
    ClientIp(ip): ClientIp,
    form: Result<Form<TokenForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(f)) = form else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Requête de jeton illisible : un formulaire application/x-www-form-urlencoded est \
             attendu.",
        );
    };
    let req = TokenRequest {
        grant_type: f.grant_type,
        client_assertion_type: f.client_assertion_type,
        client_assertion: f.client_assertion,
        scope: f.scope,
    };
    match e
        .app
        .issue_structure_token(&req, &e.audience, ip, crate::now())
        .await
    {
        Ok(t) => no_store(axum::Json(t).into_response()),
        Err(err) => {
            let message = err.public_message();
            match err.code() {
                "invalid_client" => {
                    oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", &message)
                }
                code @ ("invalid_request" | "unsupported_grant_type" | "invalid_scope") => {
                    oauth_error(StatusCode::BAD_REQUEST, code, &message)
                }
                _ => {
                    tracing::error!(error = %err, "token request failed");
                    oauth_error(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "server_error",
                        "Une erreur interne est survenue. Réessayez plus tard.",
                    )
                }
            }
        }
    }
}

/// What a structure's software call carries (read by `mds_http`).
pub use mds_http::SoftwareHeaders;

/// Authenticates a software call: the actor the record's gate decides for (the named
/// professional, carried by the structure's software).
pub async fn authenticate(
    headers: &SoftwareHeaders,
    app: &App,
    ip: Option<String>,
    now: mds_domain::Timestamp,
) -> Result<Actor, AppError> {
    let Some(professional) = &headers.professional else {
        return Err(AppError::invalid(
            "professional_required",
            "Indiquez le professionnel pour lequel agit le logiciel (en-tête \
             X-MDS-Professional : son identifiant MDS ou son numéro professionnel).",
        ));
    };
    let proof = match &headers.credential {
        SoftwareCredential::Token(token) => SoftwareProof::Token(token),
        SoftwareCredential::Certificate(sha256) => SoftwareProof::Certificate(sha256),
    };
    app.authenticate_software_call(proof, professional, headers.two_factor_asserted, ip, now)
        .await
}
/// A structure's software acting for a professional of its structure, on the REST API:
/// `Authorization: Bearer <access token or credential secret>` (or, without it, a registered
/// TLS client certificate), `X-MDS-Professional` and `X-MDS-Professional-Amr: mfa`.
pub struct StructureSoftware(pub Actor);

impl FromRequestParts<App> for StructureSoftware {
    type Rejection = crate::ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let headers = SoftwareHeaders::read(&parts.headers, &parts.extensions)
            .ok_or(crate::ApiError::App(AppError::Unauthenticated))?;
        let ip = ClientIp::from_request_parts(parts, app)
            .await
            .unwrap_or_default()
            .0;
        match authenticate(&headers, app, ip, crate::now()).await {
            Ok(actor) => Ok(Self(actor)),
            Err(e) if e.code() == "professional_required" => Err(crate::ApiError::http(
                StatusCode::UNAUTHORIZED,
                "professional_required",
                e.public_message(),
            )),
            Err(e) => Err(e.into()),
        }
    }
}
