//! Request extractors that answer in the API's JSON error format: the JSON body (syntax,
//! unknown fields, size), the bearer session, and the client address.

use crate::error::ApiError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use mds_app::{Actor, App};
use std::net::SocketAddr;

/// `axum::Json`, with rejections turned into JSON errors.
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(rejection) => Err(json_error(&rejection)),
        }
    }
}

fn json_error(rejection: &JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::JsonDataError(e) => ApiError::http(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            format!("Contenu JSON invalide : {}", e.body_text()),
        ),
        JsonRejection::JsonSyntaxError(_) => ApiError::http(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "Le corps de la requête n'est pas du JSON valide.",
        ),
        JsonRejection::MissingJsonContentType(_) => ApiError::http(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Envoyez le corps en JSON (Content-Type: application/json).",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::http(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "Le corps de la requête est trop volumineux.",
        ),
        other => ApiError::http(
            other.status(),
            "invalid_body",
            "Corps de requête illisible.",
        ),
    }
}

/// `axum::extract::Multipart`, with rejections turned into JSON errors: a body that is not
/// `multipart/form-data` is 415 (axum's own answer is plain text); an unreadable one is 400
/// where it is read (`uploads`).
pub struct Multipart(pub axum::extract::Multipart);

impl<S> FromRequest<S> for Multipart
where
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Multipart::from_request(req, state)
            .await
            .map(Self)
            .map_err(|e| multipart_rejection(&e))
    }
}

/// axum's only rejection: no `multipart/form-data` content type with a boundary.
pub(crate) fn multipart_rejection(_: &axum::extract::multipart::MultipartRejection) -> ApiError {
    ApiError::http(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "Envoyez le formulaire en multipart/form-data (avec sa limite « boundary »).",
    )
}

/// `axum::extract::Query`, with rejections turned into JSON errors.
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|_| {
                ApiError::http(
                    StatusCode::BAD_REQUEST,
                    "invalid_query",
                    "Paramètres de requête invalides.",
                )
            })
    }
}

/// `axum::extract::Path`, with rejections turned into JSON errors.
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(|_| {
                ApiError::http(StatusCode::NOT_FOUND, "not_found", "Ressource introuvable.")
            })
    }
}

/// The caller's address, when the server knows it (absent in router-level tests).
#[derive(Clone, Debug, Default)]
pub struct ClientIp(pub Option<String>);

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

/// Name of the session cookie. With `Secure`, the `__Host-` prefix also pins it to this host
/// and path `/`.
fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-mds_session"
    } else {
        "mds_session"
    }
}

/// `Set-Cookie` value of a session cookie (`max_age` 0 clears it).
pub fn session_cookie(token: &str, secure: bool, max_age_seconds: i64) -> String {
    let secure_attr = if secure { "; Secure" } else { "" };
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure_attr}",
        cookie_name(secure),
        max_age_seconds.max(0)
    )
}

/// The session cookie; with `secure`, only the `__Host-` cookie counts (a plain one could have
/// been planted by a sibling subdomain).
fn cookie_token(parts: &Parts, secure: bool) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == cookie_name(secure))
        .map(|(_, value)| value.to_owned())
}

/// Constant-time comparison, so that the anti-CSRF check leaks no timing.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// An authenticated caller: `Authorization: Bearer <token>`, or the session cookie of a
/// browser. With the cookie, requests other than GET/HEAD must carry the session's anti-CSRF
/// token in `X-CSRF-Token` (the cookie alone could be sent by another site's form).
pub struct Auth(pub Actor);

impl FromRequestParts<App> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let unauthenticated = || ApiError::App(mds_app::AppError::Unauthenticated);
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned());
        let (token, from_cookie) = match bearer {
            Some(t) => (t, false),
            None => {
                let secure = parts
                    .extensions
                    .get::<crate::ApiOptions>()
                    .is_some_and(|o| o.secure_cookies);
                (
                    cookie_token(parts, secure).ok_or_else(unauthenticated)?,
                    true,
                )
            }
        };
        if token.is_empty() || token.len() > 128 {
            return Err(unauthenticated());
        }
        let actor = app.authenticate(&token, crate::now()).await?;
        if from_cookie && !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !same(sent, &mds_app::accounts::sign_in::csrf_token(&token)) {
                return Err(ApiError::http(
                    StatusCode::FORBIDDEN,
                    "csrf_failed",
                    "Requête refusée : jeton anti-CSRF absent ou invalide. Rechargez la page.",
                ));
            }
        }
        Ok(Self(actor))
    }
}
