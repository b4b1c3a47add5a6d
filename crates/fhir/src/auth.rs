//! Who calls `/fhir`: one extractor, [`FhirActor`], over one seam, [`actor_for_bearer`], which
//! turns the bearer token of a request (with its headers) into the `mds_app::Actor` every use
//! case takes. Today it knows two kinds of token:
//!
//! - a session token of a professional, an assistant or a patient (`Authorization: Bearer
//!   <token>`, exactly what `/api/v1` accepts as a bearer; no cookie on `/fhir`, so no
//!   cross-site request can ride on a browser session);
//! - the credential of a structure's software (`Bearer mds-sw-…`) with the professional it
//!   acts for in `X-MDS-Professional: <account id>`.
//!
//! A new kind of token (the access tokens of `POST /fhir/auth/token`) is one more
//! [`BearerKind`] and one more arm in [`actor_for_bearer`]; nothing else changes.

use crate::error::FhirError;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use mds_app::{Actor, App, AppError};
use mds_domain::AccountId;
use std::net::SocketAddr;

/// Header naming the professional a structure's software acts for.
pub const PROFESSIONAL_HEADER: &str = "x-mds-professional";

/// The caller of a request, authenticated.
pub struct FhirActor(pub Actor);

/// The caller's address, when the server knows it (absent in router-level tests).
#[derive(Clone, Debug, Default)]
pub struct ClientIp(pub Option<String>);

/// The kinds of bearer token `/fhir` accepts, told apart by their form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BearerKind {
    /// A structure's software credential (`mds-sw-…`), acting for a named professional.
    SoftwareCredential,
    /// A session of a person (professional, assistant, patient).
    Session,
}

impl BearerKind {
    pub fn of(token: &str) -> Self {
        if token.starts_with(mds_app::software::TOKEN_PREFIX) {
            Self::SoftwareCredential
        } else {
            Self::Session
        }
    }
}

/// The seam: the actor a bearer `token` authenticates, given the request's `headers`.
pub async fn actor_for_bearer(
    app: &App,
    token: &str,
    headers: &HeaderMap,
    ip: Option<String>,
) -> Result<Actor, FhirError> {
    match BearerKind::of(token) {
        BearerKind::SoftwareCredential => {
            let professional = professional_named(headers)?;
            Ok(app
                .authenticate_software(token, &professional, ip, crate::now())
                .await?)
        }
        BearerKind::Session => Ok(app.authenticate(token, crate::now()).await?),
    }
}

/// The professional a structure's software names in `X-MDS-Professional`.
fn professional_named(headers: &HeaderMap) -> Result<AccountId, FhirError> {
    let named = headers
        .get(PROFESSIONAL_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|p| !p.is_empty() && p.len() <= 64);
    match named {
        // A malformed id names nobody: refused (and audited) like an unknown professional.
        Some(p) => Ok(AccountId::named(p)),
        None => Err(FhirError::http(
            StatusCode::UNAUTHORIZED,
            "login",
            "professional_required",
            "Indiquez le professionnel pour lequel agit le logiciel (en-tête X-MDS-Professional).",
        )),
    }
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
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 256)
            .ok_or(FhirError::App(AppError::Unauthenticated))?
            .to_owned();
        let ClientIp(ip) = ClientIp::from_request_parts(parts, app)
            .await
            .unwrap_or_default();
        let actor = actor_for_bearer(app, &token, &parts.headers, ip).await?;
        Ok(Self(actor))
    }
}
