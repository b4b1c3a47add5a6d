//! Decoding a result row of either driver into Rust and domain types. A value that does not
//! fit its type (an unknown state, a malformed id, a wrong column type) is `Corrupt`: the
//! schema and the code disagree, which no caller can repair.

use crate::StoreError;
use sqlx::{Column, Row as _, TypeInfo, ValueRef};

/// One result row, borrowed from the driver for the time of its decoding.
pub struct Row<'r>(pub(crate) Inner<'r>);

pub(crate) enum Inner<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Pg(&'r sqlx::postgres::PgRow),
}

fn corrupt(i: usize, what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column {i}: {what}"))
}

impl Row<'_> {
    /// Decodes column `i` (0-based).
    pub fn get<T: FromCol>(&self, i: usize) -> Result<T, StoreError> {
        T::from_col(self, i)
    }

    fn int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match &self.0 {
            Inner::Sqlite(r) => match r.get_ref(i).map_err(|e| corrupt(i, e))? {
                rusqlite::types::ValueRef::Null => Ok(None),
                rusqlite::types::ValueRef::Integer(n) => Ok(Some(n)),
                other => Err(corrupt(
                    i,
                    format!("integer expected, {:?}", other.data_type()),
                )),
            },
            Inner::Pg(r) => {
                let raw = r.try_get_raw(i).map_err(|e| corrupt(i, e))?;
                if raw.is_null() {
                    return Ok(None);
                }
                let name = r.column(i).type_info().name().to_owned();
                let n = match name.as_str() {
                    "INT8" => r.try_get::<i64, _>(i),
                    "INT4" => r.try_get::<i32, _>(i).map(i64::from),
                    "INT2" => r.try_get::<i16, _>(i).map(i64::from),
                    "BOOL" => r.try_get::<bool, _>(i).map(i64::from),
                    other => return Err(corrupt(i, format!("integer expected, {other}"))),
                };
                n.map(Some).map_err(|e| corrupt(i, e))
            }
        }
    }

    fn text(&self, i: usize) -> Result<Option<String>, StoreError> {
        self.parse_text(i, |t| Ok(t.to_owned()))
    }

    /// Column `i` as borrowed text, handed to `f` without a copy (enumerations and slugs are
    /// parsed from it, not from an owned string; `text` copies it).
    fn parse_text<T>(
        &self,
        i: usize,
        f: impl FnOnce(&str) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        match &self.0 {
            Inner::Sqlite(r) => match r.get_ref(i).map_err(|e| corrupt(i, e))? {
                rusqlite::types::ValueRef::Null => Ok(None),
                rusqlite::types::ValueRef::Text(t) => {
                    f(std::str::from_utf8(t).map_err(|e| corrupt(i, e))?).map(Some)
                }
                other => Err(corrupt(
                    i,
                    format!("text expected, {:?}", other.data_type()),
                )),
            },
            Inner::Pg(r) => r
                .try_get::<Option<&str>, _>(i)
                .map_err(|e| corrupt(i, e))?
                .map(f)
                .transpose(),
        }
    }

    fn blob(&self, i: usize) -> Result<Option<Vec<u8>>, StoreError> {
        match &self.0 {
            Inner::Sqlite(r) => match r.get_ref(i).map_err(|e| corrupt(i, e))? {
                rusqlite::types::ValueRef::Null => Ok(None),
                rusqlite::types::ValueRef::Blob(b) => Ok(Some(b.to_vec())),
                other => Err(corrupt(
                    i,
                    format!("blob expected, {:?}", other.data_type()),
                )),
            },
            Inner::Pg(r) => r
                .try_get::<Option<Vec<u8>>, _>(i)
                .map_err(|e| corrupt(i, e)),
        }
    }
}

/// A type one column decodes into. `Option<T>` accepts `NULL`; `T` refuses it.
pub trait FromCol: Sized {
    fn from_col(row: &Row<'_>, i: usize) -> Result<Self, StoreError> {
        Self::from_nullable(row, i)?.ok_or_else(|| corrupt(i, "unexpected NULL"))
    }

    fn from_nullable(row: &Row<'_>, i: usize) -> Result<Option<Self>, StoreError>;
}

impl<T: FromCol> FromCol for Option<T> {
    fn from_col(row: &Row<'_>, i: usize) -> Result<Self, StoreError> {
        T::from_nullable(row, i)
    }

    fn from_nullable(row: &Row<'_>, i: usize) -> Result<Option<Self>, StoreError> {
        T::from_nullable(row, i).map(Some)
    }
}

impl FromCol for i64 {
    fn from_nullable(row: &Row<'_>, i: usize) -> Result<Option<Self>, StoreError> {
        row.int(i)
    }
}

impl FromCol for u64 {
    fn from_nullable(row: &Row<'_>, i: usize) -> Result<Option<Self>, StoreError> {
        row.int(i)?
            .map(|n| u64::try_from(n).map_err(|e| corrupt(i, e)))
            .transpose()
    }
}

/// Booleans are stored as 0/1.
impl FromCol for bool {
    fn from_nullable(row: &Row<'_>, i: usize) -> Result<Option<Self>, StoreError> {
        Ok(row.int(i)?.map(|n| n != 0))
    }
}

impl FromCol for String {
    fn from_nullable(row: &Row<'_>, i: usize) -> Result<Option<Self>, StoreError> {
        row.text(i)
    }
}

impl FromCol for Vec<u8> {
    fn from_nullable(row: &Row<'_>, i: usize) -> Result<Option<Self>, StoreError> {
        row.blob(i)
    }
}

impl FromCol for mds_domain::Timestamp {
    fn from_nullable(row: &Row<'_>, i: usize) -> Result<Option<Self>, StoreError> {
        Ok(row.int(i)?.map(mds_domain::Timestamp::from_millis))
    }
}

/// Identifiers: stored by the server, so a malformed one is corruption, not input.
macro_rules! id_from_text {
    ($($t:ty),* $(,)?) => {$(
        impl FromCol for $t {
            fn from_nullable(row: &Row<'_>, i: usize) -> Result<Option<Self>, StoreError> {
                Ok(row.text(i)?.map(<$t>::from_uuid_text))
            }
        }
    )*};
}

id_from_text!(
    mds_domain::AccountId,
    mds_domain::PatientId,
    mds_domain::DocumentId,
    mds_domain::StructureId,
    mds_domain::ProfileEntryId,
);

/// Enumerations stored as their text: an unknown value is corruption.
macro_rules! enum_from_text {
    ($($t:ty),* $(,)?) => {$(
        impl FromCol for $t {
            fn from_nullable(row: &Row<'_>, i: usize) -> Result<Option<Self>, StoreError> {
                row.parse_text(i, |t| {
                    <$t>::parse(t).ok_or_else(|| {
                        corrupt(i, format!("unknown {} {t:?}", stringify!($t)))
                    })
                })
            }
        }
    )*};
}

enum_from_text!(
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

/// A health profile entry is stored as its JSON (`mds_domain::profile::Entry`): one that does
/// not read back is corruption.
impl FromCol for mds_domain::profile::Entry {
    fn from_nullable(row: &Row<'_>, i: usize) -> Result<Option<Self>, StoreError> {
        row.parse_text(i, |t| {
            serde_json::from_str(t)
                .map_err(|e| corrupt(i, format!("unreadable profile entry: {e}")))
        })
    }
}

/// Professions are stored as their slug (`medecin`, `infirmier`…).
impl FromCol for mds_domain::Profession {
    fn from_nullable(row: &Row<'_>, i: usize) -> Result<Option<Self>, StoreError> {
        row.parse_text(i, |t| {
            mds_domain::Profession::from_slug(t)
                .ok_or_else(|| corrupt(i, format!("unknown profession {t:?}")))
        })
    }
}

/// A type a whole row decodes into (tuples of columns, and the store's row structs).
pub trait FromRow: Sized {
    fn from_row(row: &Row<'_>) -> Result<Self, StoreError>;
}

macro_rules! tuple_from_row {
    ($($n:tt $t:ident),+) => {
        impl<$($t: FromCol),+> FromRow for ($($t,)+) {
            fn from_row(row: &Row<'_>) -> Result<Self, StoreError> {
                Ok(($(row.get::<$t>($n)?,)+))
            }
        }
    };
}

tuple_from_row!(0 A);
tuple_from_row!(0 A, 1 B);
tuple_from_row!(0 A, 1 B, 2 C);
tuple_from_row!(0 A, 1 B, 2 C, 3 D);
tuple_from_row!(0 A, 1 B, 2 C, 3 D, 4 E);
tuple_from_row!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F);
tuple_from_row!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G);
tuple_from_row!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H);
tuple_from_row!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I);
tuple_from_row!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J);
