//! Domain values written as text in tests: `typed::<AccountId>("a1")`. Identifiers are taken
//! as given (tests may name rows "a1"), closed sets must name one of their values.

use mds_domain::*;

/// A domain value a test may write as text.
pub trait FromText: Sized {
    fn from_text(text: &str) -> Self;
}

macro_rules! ids {
    ($($t:ty),*) => {$(
        impl FromText for $t {
            fn from_text(text: &str) -> Self {
                <$t>::from_uuid_text(text.to_owned())
            }
        }
    )*};
}

ids!(AccountId, PatientId, DocumentId, StructureId);

macro_rules! closed_sets {
    ($($t:ty),*) => {$(
        impl FromText for $t {
            fn from_text(text: &str) -> Self {
                <$t>::parse(text).unwrap_or_else(|| {
                    panic!("{text:?} is not a {}", stringify!($t))
                })
            }
        }
    )*};
}

closed_sets!(
    AccountKind,
    AccountState,
    DocumentStatus,
    DocumentSource,
    DepositorKind,
    Format,
    IdentityStatus,
    ConsentState,
    EmergencyKind,
    EnrolmentState,
    ReviewStatus,
    AlertState,
    CredentialState,
    TimerState,
    FileOwnerKind,
    FilePurpose,
    ActorKind,
    Outcome
);

impl FromText for Profession {
    fn from_text(text: &str) -> Self {
        Profession::from_slug(text).unwrap_or_else(|| panic!("{text:?} is not a profession"))
    }
}

/// `text` as the domain value `T`.
pub fn typed<T: FromText>(text: impl AsRef<str>) -> T {
    T::from_text(text.as_ref())
}
