//! Patient identity (identitovigilance, DESIGN.md section 2): the CAFAT number and the five INS
//! traits as validated value types, the refusals made when a record is created (minors,
//! duplicates, near matches), and French error messages. Pure: no I/O, no clock; "today" is the
//! date in Nouméa, passed in.
//!
//! # Traits
//! - Identifier number: a CAFAT number or an AMG (free medical aid) number, its kind recorded
//!   beside it ([`crate::IdentifierKind`]), each kind its own number space; digits only, length
//!   from [`IdentifierRules`] (default CAFAT 6 to 7, AMG 4 to 12), spaces removed.
//! - Birth name and ordered first names (at least one): kept as entered and normalized (upper
//!   case, no diacritics, single spaces, `-` and `'` kept; see [`normalize_name`]).
//! - Birth date: from 1900-01-01 to today. Sex: `F`, `M`, `I` (undetermined).
//! - Birth place: a New Caledonian commune 98801–98833 (looked up in the shipped reference), any
//!   other 5-character INSEE commune code, or a `99xxx` country code.
//!
//! # Majority
//! [`check_adult`]: adult from the 18th birthday, in Nouméa's calendar; a person born on
//! 29 February becomes adult on 1 March (an 18th birthday never falls in a leap year).
//!
//! # Duplicates and near matches ([`similarity`])
//! Names are compared on their normalized form.
//! 1. **Exact** — the five normalized traits are equal ([`IdentityTraits::normalized_key`]):
//!    birth name, first names (whole list in order, joined by spaces), birth date, sex, birth
//!    place. The identifier number is not part of it (a second number for the same person is
//!    still a duplicate; an equal number of the same kind is refused separately).
//! 2. **Different** — otherwise, if the birth dates or the sexes differ (`I` differs from `F`
//!    and `M`).
//! 3. **Near** — same birth date and sex, and either
//!    - the birth names are alike *and* the first first-names are alike
//!      ([`NearReason::SimilarNames`]; this includes identical names with another birth place
//!      or another list of first names), or
//!    - the names are swapped: one's birth name is alike the other's first first-name and the
//!      reverse ([`NearReason::SwappedNames`]).
//! 4. **Different** otherwise.
//!
//! Two names are alike ([`Likeness`]) when, comparing their letters only (spaces, hyphens and
//! apostrophes ignored):
//! - they are the same letters (N'GUYEN, NGUYEN);
//! - or their Damerau–Levenshtein distance (optimal string alignment: insertion, deletion,
//!   substitution, swap of two adjacent letters) is ≤ 1, or ≤ 2 when both names have 8 letters
//!   or more (TEIN, THEIN; MARTIN, MRATIN);
//! - or they have the same non-empty French phonetic key (see the `phonetic` module: GAUTHIER,
//!   GOTIER; PHILIPPE, FILIPE);
//! - or every space/hyphen-separated part of one, of at least 3 letters in all, is a part of
//!   the other (WAMYTAN, WAMYTAN-POIROI; JEAN, JEAN-PIERRE).
//!
//! A near match is only a flag for support review; nothing is merged automatically.

mod birth_date;
mod birth_place;
mod cafat;
mod error;
mod matching;
pub(crate) mod name;
mod phonetic;
pub mod rectification;
mod traits;

pub use birth_date::{adulthood_date, check_adult, check_adult_at, BirthDate, AGE_OF_MAJORITY};
pub use birth_place::{BirthPlace, BirthPlaceKind};
pub use cafat::{CafatNumber, CafatRules, IdentifierRules};
pub use error::{IdentityError, NameField};
pub use matching::{damerau_levenshtein, likeness, similarity, Likeness, MatchKind, NearReason};
pub use name::{
    normalize_name, search_words, BirthName, FirstNames, PersonName, FIRST_NAMES_MAX,
    NAME_MAX_CHARS,
};
pub use phonetic::phonetic_key;
pub use traits::{IdentityInput, IdentityKey, IdentityTraits, Sex};
