//! Identifiers read from a portal address. A malformed one is the uniform "not found", like
//! an identifier the actor may not see.

use super::error::WebError;
use mds_domain::{AccountId, DocumentId, PatientId, StructureId};

/// An identifier type a portal address may carry.
pub trait Id: Sized {
    fn from_text(text: &str) -> Option<Self>;
}

macro_rules! id {
    ($($t:ty),*) => {$(
        impl Id for $t {
            fn from_text(text: &str) -> Option<Self> {
                <$t>::parse(text)
            }
        }
    )*};
}

id!(AccountId, DocumentId, PatientId, StructureId);

/// The identifier in `text`, or the not-found page.
pub fn parse<T: Id>(text: &str) -> Result<T, WebError> {
    T::from_text(text).ok_or(WebError::NotFound)
}

/// Identifiers taken from the path (`/pro/records/{pid}/documents/{id}`), typed: a malformed
/// one answers the not-found page, like one the actor may not see.
pub struct Ids<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for Ids<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, WebError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(|_| WebError::NotFound)
    }
}
