//! Browser sessions of the portals: the server-side sessions of `mds-app` in an `HttpOnly`,
//! `SameSite=Strict` cookie (`__Host-` and `Secure` behind TLS), the same cookie as the REST
//! API's. The anti-CSRF token of a form is derived from the session token (`mds_app::auth::
//! csrf_token`); before sign-in, the login form is bound to a random nonce cookie the same way.

use crate::shell::error::WebError;
use crate::shell::Web;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{header, Method};
use mds_app::Actor;
use mds_domain::AccountKind;

const SESSION: &str = "mds_session";
const SESSION_SECURE: &str = "__Host-mds_session";
const LOGIN_NONCE: &str = "mds_login";
const LOGIN_NONCE_SECURE: &str = "__Host-mds_login";
const PENDING: &str = "mds_signin";
const PENDING_SECURE: &str = "__Host-mds_signin";

fn session_name(secure: bool) -> &'static str {
    if secure {
        SESSION_SECURE
    } else {
        SESSION
    }
}

fn nonce_name(secure: bool) -> &'static str {
    if secure {
        LOGIN_NONCE_SECURE
    } else {
        LOGIN_NONCE
    }
}

/// The value of cookie `name`, if sent.
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_owned())
}

fn set_cookie(name: &str, value: &str, secure: bool, max_age: i64) -> String {
    let secure_attr = if secure { "; Secure" } else { "" };
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure_attr}",
        max_age.max(0)
    )
}

pub fn session_cookie(token: &str, secure: bool, max_age: i64) -> String {
    set_cookie(session_name(secure), token, secure, max_age)
}

pub fn nonce_cookie(nonce: &str, secure: bool, max_age: i64) -> String {
    set_cookie(nonce_name(secure), nonce, secure, max_age)
}

pub fn login_nonce(parts: &Parts, secure: bool) -> Option<String> {
    cookie(parts, nonce_name(secure)).filter(|n| !n.is_empty() && n.len() <= 128)
}

/// The pending sign-in between the password and the code (`mds_app::auth::PendingSignIn`).
pub fn pending_cookie(token: &str, secure: bool, max_age: i64) -> String {
    set_cookie(
        if secure { PENDING_SECURE } else { PENDING },
        token,
        secure,
        max_age,
    )
}

pub fn pending_token(parts: &Parts, secure: bool) -> Option<String> {
    cookie(parts, if secure { PENDING_SECURE } else { PENDING })
        .filter(|t| !t.is_empty() && t.len() <= 128)
}

/// Constant-time comparison, so that the anti-CSRF check leaks no timing.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The path and query of the request, to come back to after signing in (GET only).
fn here(parts: &Parts) -> String {
    if parts.method == Method::GET {
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(&parts.uri, |o| &o.0);
        uri.path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned())
    } else {
        "/".to_owned()
    }
}

/// A signed-in account and the anti-CSRF token of its session.
pub struct Session {
    pub actor: Actor,
    pub csrf: String,
}

impl Session {
    /// This portal is for `kind` only; other accounts go back to their own portal.
    pub fn require(&self, kind: AccountKind) -> Result<(), WebError> {
        if self.actor.kind == kind {
            Ok(())
        } else {
            Err(WebError::WrongPortal)
        }
    }

    pub fn check_csrf(&self, sent: &str) -> Result<(), WebError> {
        if same(sent, &self.csrf) {
            Ok(())
        } else {
            Err(WebError::Csrf)
        }
    }
}

/// The session of the request, if any is alive (no redirect).
pub async fn current(parts: &Parts, web: &Web) -> Result<Option<Session>, WebError> {
    let secure = web.options.secure_cookies;
    let Some(token) = cookie(parts, session_name(secure)).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if token.len() > 128 {
        return Ok(None);
    }
    match web.app.authenticate(&token, crate::shell::now()).await {
        Ok(actor) => Ok(Some(Session {
            actor,
            csrf: mds_app::auth::csrf_token(&token),
        })),
        Err(mds_app::AppError::Unauthenticated) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

impl FromRequestParts<Web> for Session {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, web: &Web) -> Result<Self, Self::Rejection> {
        match current(parts, web).await? {
            Some(s) => Ok(s),
            None => {
                let had_cookie = cookie(parts, session_name(web.options.secure_cookies))
                    .is_some_and(|t| !t.is_empty());
                Err(WebError::Login {
                    next: here(parts),
                    expired: had_cookie,
                })
            }
        }
    }
}

/// The client's address, when the server knows it.
pub fn client_ip(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// Raw request parts, for handlers that read cookies themselves.
pub struct Req(pub Parts);

impl<S: Send + Sync> FromRequestParts<S> for Req {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.clone()))
    }
}

/// The caller's address as an extractor.
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(client_ip(parts)))
    }
}
