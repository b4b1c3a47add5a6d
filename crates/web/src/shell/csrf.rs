//! Posted forms: the body is read once, its `csrf` field checked against the session before
//! anything else is looked at, then the fields are parsed. A handler cannot get the fields of
//! a POST without this check. (A multipart upload checks its first part the same way:
//! `shared::upload`.)

use crate::shell::error::WebError;
use crate::shell::session::Session;
use crate::shell::Web;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use serde::de::DeserializeOwned;
use serde::Deserialize;

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// The fields of a signed-in POST, once its token was checked against the session (the one
/// the portal's guard found, or looked up here).
pub struct Posted<T>(pub T);

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
        Ok(Self(form))
    }
}
