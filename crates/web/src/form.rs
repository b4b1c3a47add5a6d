//! Posted forms: the body is read once, its `csrf` field checked against the session before
//! anything else is looked at, then the fields are parsed. A handler cannot get the fields of
//! a POST without this check.

use crate::error::WebError;
use crate::session::Session;
use crate::Web;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use serde::de::DeserializeOwned;
use serde::Deserialize;

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// A signed-in POST: the session, and the form's fields once its token was checked.
pub struct Posted<T> {
    pub session: Session,
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<Web> for Posted<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, web: &Web) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, web).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), web)
            .await
            .map_err(|_| WebError::BadRequest)?;
        let sent: CsrfField = serde_urlencoded::from_bytes(&bytes).map_err(|_| WebError::Csrf)?;
        session.check_csrf(&sent.csrf)?;
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|_| WebError::BadRequest)?;
        Ok(Self { session, form })
    }
}

/// Percent-encoding of a query value.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `next` when it is a path of this site (not `//host`, not `/\host`, no scheme, no control
/// characters), else `None`: a login must never send the browser elsewhere.
pub fn local_path(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 1000
        && !next.chars().any(|c| c.is_control() || c == '\\');
    ok.then_some(next)
}

/// An empty field is no filter.
pub fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// A multipart form (a file upload) whose first field is the session's anti-CSRF token,
/// checked before anything else is read: its text fields in order, and the bytes of its one
/// file field (empty when none was sent).
pub struct Upload {
    pub fields: Vec<(String, String)>,
    pub file: Vec<u8>,
}

/// Reads an [`Upload`]; `file_field` names the field that carries the file.
pub async fn read_upload(
    s: &Session,
    mp: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
    file_field: &str,
) -> Result<Upload, WebError> {
    let bad = |_| WebError::BadRequest;
    let mut mp = mp.map_err(|_| WebError::Csrf)?;
    let first = mp
        .next_field()
        .await
        .map_err(|_| WebError::Csrf)?
        .ok_or(WebError::Csrf)?;
    if first.name() != Some("csrf") {
        return Err(WebError::Csrf);
    }
    s.check_csrf(&first.text().await.map_err(|_| WebError::Csrf)?)?;
    let mut up = Upload {
        fields: Vec::new(),
        file: Vec::new(),
    };
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_field {
            up.file = field.bytes().await.map_err(bad)?.to_vec();
        } else {
            up.fields.push((name, field.text().await.map_err(bad)?));
        }
    }
    Ok(up)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        for ok in [
            "/",
            "/pro/patient?cafat=1234567&birth_date=1985-03-14",
            "/patient",
        ] {
            assert_eq!(local_path(ok), Some(ok), "{ok}");
        }
        for bad in [
            "",
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "/ok\\..",
            "javascript:alert(1)",
            "/a\nb",
            "pro",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn encoding_keeps_paths_readable_and_escapes_the_rest() {
        assert_eq!(encode("/pro/patient?x=1&y"), "/pro/patient%3Fx%3D1%26y");
        assert_eq!(encode("é"), "%C3%A9");
    }
}
