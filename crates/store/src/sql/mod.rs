//! The store's one query interface over both drivers: a statement is written once (with `$n`
//! placeholders, BIGINT milliseconds and 0/1 booleans), bound with [`Query::bind`], and run
//! on whatever [`Ex`] the caller holds — the database (a statement on its own) or a write
//! transaction. Rows are decoded into domain types here ([`FromCol`], [`FromRow`]), so no
//! layer above reads a column by position or compares a state as text.
//!
//! This module knows statements and values, never rules.

mod decode;
mod exec;
pub mod watch;

pub use decode::{FromCol, FromRow, Row};
pub use exec::Ex;

use std::borrow::Cow;

/// The three kinds of values the schema uses (integers also carry booleans and instants).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
    Blob,
}

/// One bound value; `None` is SQL `NULL` of that kind (PostgreSQL needs the kind).
#[derive(Clone, Debug, PartialEq)]
pub enum Arg<'a> {
    Int(Option<i64>),
    Text(Option<Cow<'a, str>>),
    Blob(Option<Cow<'a, [u8]>>),
}

impl Arg<'_> {
    fn null(kind: Kind) -> Self {
        match kind {
            Kind::Int => Self::Int(None),
            Kind::Text => Self::Text(None),
            Kind::Blob => Self::Blob(None),
        }
    }
}

/// A value that can be bound to a placeholder.
pub trait Bind<'a> {
    /// The kind of a `NULL` of this type.
    const KIND: Kind;
    fn into_arg(self) -> Arg<'a>;
}

impl<'a> Bind<'a> for i64 {
    const KIND: Kind = Kind::Int;
    fn into_arg(self) -> Arg<'a> {
        Arg::Int(Some(self))
    }
}

impl<'a> Bind<'a> for &'a i64 {
    const KIND: Kind = Kind::Int;
    fn into_arg(self) -> Arg<'a> {
        Arg::Int(Some(*self))
    }
}

impl<'a> Bind<'a> for u32 {
    const KIND: Kind = Kind::Int;
    fn into_arg(self) -> Arg<'a> {
        Arg::Int(Some(i64::from(self)))
    }
}

/// Booleans are stored as 0/1 on both backends.
impl<'a> Bind<'a> for bool {
    const KIND: Kind = Kind::Int;
    fn into_arg(self) -> Arg<'a> {
        Arg::Int(Some(i64::from(self)))
    }
}

impl<'a> Bind<'a> for &'a bool {
    const KIND: Kind = Kind::Int;
    fn into_arg(self) -> Arg<'a> {
        Arg::Int(Some(i64::from(*self)))
    }
}

impl<'a> Bind<'a> for &'a str {
    const KIND: Kind = Kind::Text;
    fn into_arg(self) -> Arg<'a> {
        Arg::Text(Some(Cow::Borrowed(self)))
    }
}

impl<'a> Bind<'a> for &'a String {
    const KIND: Kind = Kind::Text;
    fn into_arg(self) -> Arg<'a> {
        Arg::Text(Some(Cow::Borrowed(self.as_str())))
    }
}

impl<'a> Bind<'a> for String {
    const KIND: Kind = Kind::Text;
    fn into_arg(self) -> Arg<'a> {
        Arg::Text(Some(Cow::Owned(self)))
    }
}

impl<'a> Bind<'a> for &'a [u8] {
    const KIND: Kind = Kind::Blob;
    fn into_arg(self) -> Arg<'a> {
        Arg::Blob(Some(Cow::Borrowed(self)))
    }
}

impl<'a> Bind<'a> for &'a Vec<u8> {
    const KIND: Kind = Kind::Blob;
    fn into_arg(self) -> Arg<'a> {
        Arg::Blob(Some(Cow::Borrowed(self.as_slice())))
    }
}

impl<'a> Bind<'a> for Vec<u8> {
    const KIND: Kind = Kind::Blob;
    fn into_arg(self) -> Arg<'a> {
        Arg::Blob(Some(Cow::Owned(self)))
    }
}

impl<'a, T: Bind<'a>> Bind<'a> for Option<T> {
    const KIND: Kind = T::KIND;
    fn into_arg(self) -> Arg<'a> {
        match self {
            Some(v) => v.into_arg(),
            None => Arg::null(T::KIND),
        }
    }
}

impl<'a, T> Bind<'a> for &'a Option<T>
where
    &'a T: Bind<'a>,
{
    const KIND: Kind = <&'a T as Bind<'a>>::KIND;
    fn into_arg(self) -> Arg<'a> {
        match self {
            Some(v) => v.into_arg(),
            None => Arg::null(Self::KIND),
        }
    }
}

/// Identifiers are stored as their canonical text.
macro_rules! bind_as_text {
    ($($t:ty),* $(,)?) => {$(
        impl<'a> Bind<'a> for &'a $t {
            const KIND: Kind = Kind::Text;
            fn into_arg(self) -> Arg<'a> {
                Arg::Text(Some(Cow::Borrowed(self.as_str())))
            }
        }
    )*};
}

bind_as_text!(
    mds_domain::AccountId,
    mds_domain::PatientId,
    mds_domain::DocumentId,
    mds_domain::StructureId,
    mds_domain::ProfileEntryId,
);

/// Enumerations are stored as their stable text (`as_str`).
macro_rules! bind_enum_as_text {
    ($($t:ty),* $(,)?) => {$(
        impl<'a> Bind<'a> for $t {
            const KIND: Kind = Kind::Text;
            fn into_arg(self) -> Arg<'a> {
                Arg::Text(Some(Cow::Borrowed(self.as_str())))
            }
        }
        impl<'a> Bind<'a> for &'a $t {
            const KIND: Kind = Kind::Text;
            fn into_arg(self) -> Arg<'a> {
                Arg::Text(Some(Cow::Borrowed(self.as_str())))
            }
        }
    )*};
}

bind_enum_as_text!(
    mds_domain::AccountKind,
    mds_domain::AccountState,
    mds_domain::DocumentStatus,
    mds_domain::DocumentSource,
    mds_domain::DepositorKind,
    mds_domain::Format,
    mds_domain::IdentityStatus,
    mds_domain::IdentifierKind,
    mds_domain::RecoveryState,
    mds_domain::RepresentationKind,
    mds_domain::ConsentState,
    mds_domain::EmergencyKind,
    mds_domain::EnrolmentState,
    mds_domain::ReviewStatus,
    mds_domain::AlertState,
    mds_domain::CredentialState,
    mds_domain::FileOwnerKind,
    mds_domain::FilePurpose,
    mds_domain::ActorKind,
    mds_domain::Outcome,
    mds_domain::TimerState,
    mds_domain::profile::Section,
);

/// Professions are stored as their slug.
impl<'a> Bind<'a> for mds_domain::Profession {
    const KIND: Kind = Kind::Text;
    fn into_arg(self) -> Arg<'a> {
        Arg::Text(Some(Cow::Borrowed(self.slug())))
    }
}

/// Instants are stored as milliseconds since the Unix epoch.
impl<'a> Bind<'a> for mds_domain::Timestamp {
    const KIND: Kind = Kind::Int;
    fn into_arg(self) -> Arg<'a> {
        Arg::Int(Some(self.millis()))
    }
}

impl<'a> Bind<'a> for &'a mds_domain::Timestamp {
    const KIND: Kind = Kind::Int;
    fn into_arg(self) -> Arg<'a> {
        Arg::Int(Some(self.millis()))
    }
}

/// A statement and its bound values.
#[derive(Clone, Debug)]
pub struct Query<'a> {
    pub(crate) sql: Cow<'a, str>,
    pub(crate) args: Vec<Arg<'a>>,
}

impl<'a> Query<'a> {
    pub fn new(sql: impl Into<Cow<'a, str>>) -> Self {
        Self {
            sql: sql.into(),
            args: Vec::new(),
        }
    }

    /// Binds the next placeholder (`$1`, then `$2`…).
    #[must_use]
    pub fn bind<T: Bind<'a>>(mut self, value: T) -> Self {
        self.args.push(value.into_arg());
        self
    }

    /// Binds the next placeholder, in place (for statements built in a loop).
    pub fn push<T: Bind<'a>>(&mut self, value: T) {
        self.args.push(value.into_arg());
    }

    /// The number of values bound so far (the next placeholder is `$len+1`).
    pub fn len(&self) -> usize {
        self.args.len()
    }

    pub fn is_empty(&self) -> bool {
        self.args.is_empty()
    }

    /// Appends SQL text (for statements built from optional filters).
    pub fn push_sql(&mut self, text: &str) {
        self.sql.to_mut().push_str(text);
    }
}
