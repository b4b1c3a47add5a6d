//! The portals' cookies, read and written: the session (the same cookie as the REST API's),
//! the login nonce that binds the anonymous forms, the pending sign-in between its two steps.
//! All `HttpOnly` and `SameSite=Strict`, with `__Host-` and `Secure` behind TLS.

use axum::http::{header, HeaderMap};

const SESSION: &str = "mds_session";
const SESSION_SECURE: &str = "__Host-mds_session";
const LOGIN_NONCE: &str = "mds_login";
const LOGIN_NONCE_SECURE: &str = "__Host-mds_login";
const PENDING: &str = "mds_signin";
const PENDING_SECURE: &str = "__Host-mds_signin";

pub fn session_name(secure: bool) -> &'static str {
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
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
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

pub fn login_nonce(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookie(headers, nonce_name(secure)).filter(|n| !n.is_empty() && n.len() <= 128)
}

/// The pending sign-in between the password and the code (`mds_app::accounts::two_step::PendingSignIn`).
pub fn pending_cookie(token: &str, secure: bool, max_age: i64) -> String {
    set_cookie(
        if secure { PENDING_SECURE } else { PENDING },
        token,
        secure,
        max_age,
    )
}

pub fn pending_token(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookie(headers, if secure { PENDING_SECURE } else { PENDING })
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
