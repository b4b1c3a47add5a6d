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
