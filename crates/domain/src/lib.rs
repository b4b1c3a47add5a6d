//! Pure domain types of Mon Drive Santé: identifiers, value types and reference data.
//! No I/O, no async, no clock: time always arrives as a parameter.

pub mod account;
pub mod cda;
pub mod commune;
pub mod contact;
pub mod document_type;
pub mod enrolment_code;
pub mod format;
pub mod identity;
pub mod ids;
pub mod language;
pub mod place;
pub mod profession;
pub mod profile;
pub mod representation;
pub mod states;
pub mod structure;
pub mod text;
pub mod time;

pub use account::{AccountKind, AccountState, Login};
pub use document_type::{DocumentStatus, DocumentType};
pub use enrolment_code::EnrolmentCode;
pub use format::{declares_dtd, Format};
pub use identity::{
    check_adult, similarity, BirthDate, BirthName, BirthPlace, CafatNumber, CafatRules, FirstNames,
    IdentifierRules, IdentityError, IdentityInput, IdentityKey, IdentityTraits, MatchKind, Sex,
};
pub use ids::{AccountId, DocumentId, PatientId, ProfileEntryId, StructureId};
pub use language::Language;
pub use profession::{Profession, ProfessionCategory};
pub use states::{
    ActorKind, AlertState, ConsentState, CredentialState, DepositorKind, DocumentSource,
    EmergencyKind, EnrolmentState, FileOwnerKind, FilePurpose, IdentifierKind, IdentityStatus,
    Outcome, RecoveryState, RepresentationKind, ReviewStatus, TimerState,
};
pub use time::Timestamp;
