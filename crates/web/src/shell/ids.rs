//! Identifiers read from a portal address or form. A malformed one names nothing
//! (`named`): the use case then refuses it — and audits the refusal — exactly as an
//! identifier that does not exist, so probing with garbage is as visible as any other.

use super::error::WebError;
use mds_domain::{AccountId, DocumentId, PatientId, StructureId};

/// An identifier type a portal address may carry.
pub trait Id: Sized {
    fn named(text: &str) -> Self;
}

macro_rules! id {
    ($($t:ty),*) => {$(
        impl Id for $t {
            fn named(text: &str) -> Self {
                <$t>::named(text)
            }
        }
    )*};
}

id!(AccountId, DocumentId, PatientId, StructureId);

/// The identifier `text` names (the identifier of nothing when it is malformed).
pub fn named<T: Id>(text: &str) -> T {
    T::named(text)
}

/// Identifiers taken from the path (`/pro/records/{pid}/documents/{id}`), typed; a malformed
/// one names nothing (the domain identifiers read themselves that way).
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
