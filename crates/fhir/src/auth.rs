//! Who calls `/fhir`: one extractor, [`FhirActor`], over one seam, [`actor_for_request`],
//! which turns the bearer token of a request (with its headers), or its connection's TLS
//! client certificate, into the `mds_app::Actor` every use case takes. It knows the tokens
//! `/api/v1` knows, told apart by `mds_app` alone:
//!
//! - a session token of a professional, an assistant or a patient (`Authorization: Bearer
//!   <token>`, exactly what `/api/v1` accepts as a bearer; no cookie on `/fhir`, so no
//!   cross-site request can ride on a browser session);
//! - a structure's software: an access token of `POST /fhir/auth/token` (`mds-at-…`) or its
//!   credential secret (`mds-sw-…`), with the professional it acts for in
//!   `X-MDS-Professional` and their two-factor sign-in asserted in `X-MDS-Professional-Amr:
//!   mfa` (the headers read by `mds_http`, as on `/api/v1/software`);
//! - the same software proved, without a bearer token, by the TLS client certificate of its
//!   connection (verified by `mds serve` against `tls.client_ca_file`, registered by support).

use crate::error::FhirError;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, StatusCode};
use mds_app::structure_access::SoftwareProof;
use mds_app::{Actor, App, AppError};
use mds_http::{SoftwareCredential, SoftwareHeaders};
use std::net::SocketAddr;

pub use mds_http::software::{AMR_HEADER, PROFESSIONAL_HEADER};

/// The caller of a request, authenticated.
pub struct FhirActor(pub Actor);

/// The caller's address, when the server knows it (absent in router-level tests).
#[derive(Clone, Debug, Default)]
pub struct ClientIp(pub Option<String>);

/// The seam: the actor a request authenticates, from its `headers` and the `extensions` its
/// connection gave it (a verified TLS client certificate): a person's session token, or a
/// structure's software proved by its token or, without a bearer token, its certificate.
pub async fn actor_for_request(
    app: &App,
    headers: &HeaderMap,
    extensions: &Extensions,
    ip: Option<String>,
) -> Result<Actor, FhirError> {
    if let Some(token) = mds_http::bearer(headers) {
        if !mds_app::structure_access::is_software_token(token) {
            return Ok(app.authenticate(token, crate::now()).await?);
        }
    }
    let call = SoftwareHeaders::read(headers, extensions)
        .ok_or(FhirError::App(AppError::Unauthenticated))?;
    let Some(professional) = call.professional else {
        return Err(FhirError::http(
            StatusCode::UNAUTHORIZED,
            "login",
            "professional_required",
            "Indiquez le professionnel pour lequel agit le logiciel (en-tête \
             X-MDS-Professional : son identifiant MDS ou son numéro professionnel).",
        ));
    };
    let proof = match &call.credential {
        SoftwareCredential::Token(token) => SoftwareProof::Token(token),
        SoftwareCredential::Certificate(sha256) => SoftwareProof::Certificate(sha256),
    };
    Ok(app
        .authenticate_software_call(
            proof,
            &professional,
            call.two_factor_asserted,
            ip,
            crate::now(),
        )
        .await?)
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string()),
        ))
    }
}

impl FromRequestParts<App> for FhirActor {
    type Rejection = FhirError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let ClientIp(ip) = ClientIp::from_request_parts(parts, app)
            .await
            .unwrap_or_default();
        let actor = actor_for_request(app, &parts.headers, &parts.extensions, ip).await?;
        Ok(Self(actor))
    }
}
