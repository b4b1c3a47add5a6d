//! A patient's identifier number: a CAFAT affiliation number or, for a person without CAFAT
//! cover, the number of their provincial free medical aid card (AMG, « aide médicale
//! gratuite »). Each kind is its own number space. Both are opaque strings of digits whose
//! accepted length is policy (no official public format was found for either; 6 or 7 digits are
//! seen in practice for CAFAT).

use super::error::IdentityError;
use crate::IdentifierKind;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Accepted length of a CAFAT number, from configuration. Default: 6 to 7 digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CafatRules {
    pub min_len: usize,
    pub max_len: usize,
}

impl Default for CafatRules {
    fn default() -> Self {
        Self {
            min_len: 6,
            max_len: 7,
        }
    }
}

impl CafatRules {
    /// Longest number ever stored; also bounds what configuration may ask for.
    pub const ABSOLUTE_MAX_LEN: usize = 32;

    /// For checking configuration at start: `1 <= min_len <= max_len <= 32`.
    pub fn is_consistent(&self) -> bool {
        1 <= self.min_len && self.min_len <= self.max_len && self.max_len <= Self::ABSOLUTE_MAX_LEN
    }

    /// Shape only, used when reading back stored values: a number accepted under an earlier
    /// configuration stays readable when the configured length changes.
    pub const STORED: Self = Self {
        min_len: 1,
        max_len: Self::ABSOLUTE_MAX_LEN,
    };
}

impl IdentifierKind {
    /// The kind's name as people know it: « CAFAT », « AMG ».
    pub fn label(self) -> &'static str {
        match self {
            Self::Cafat => "CAFAT",
            Self::Amg => "AMG",
        }
    }

    /// From a form or an API field: `cafat` or `amg` in either case; empty means CAFAT (the
    /// common case, and what every client sent before AMG numbers existed).
    pub fn from_input(text: &str) -> Result<Self, IdentityError> {
        let text = text.trim().to_ascii_lowercase();
        if text.is_empty() {
            return Ok(Self::Cafat);
        }
        Self::parse(&text).ok_or(IdentityError::IdentifierKindInvalid)
    }
}

// `text_enum!` declares the enum with a fixed set of derives: Default is written out.
#[allow(clippy::derivable_impls)]
impl Default for IdentifierKind {
    fn default() -> Self {
        Self::Cafat
    }
}

/// Accepted lengths of each kind of identifier number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IdentifierRules {
    pub cafat: CafatRules,
    pub amg: CafatRules,
}

impl Default for IdentifierRules {
    /// CAFAT 6 to 7 digits; AMG 4 to 12 (no public format: wide enough for any province's
    /// card, still refusing a date or a phone number typed in the wrong field).
    fn default() -> Self {
        Self {
            cafat: CafatRules::default(),
            amg: CafatRules {
                min_len: 4,
                max_len: 12,
            },
        }
    }
}

impl IdentifierRules {
    /// Shape only, for stored values (see [`CafatRules`]).
    pub const STORED: Self = Self {
        cafat: CafatRules::STORED,
        amg: CafatRules::STORED,
    };

    pub fn of(&self, kind: IdentifierKind) -> &CafatRules {
        match kind {
            IdentifierKind::Cafat => &self.cafat,
            IdentifierKind::Amg => &self.amg,
        }
    }
}

/// An identifier number (CAFAT or AMG: the kind is kept beside it). Leading zeros are
/// significant (it is not an integer).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CafatNumber(String);

impl CafatNumber {
    /// A CAFAT number: [`CafatNumber::parse_kind`] with [`IdentifierKind::Cafat`].
    pub fn parse(text: &str, rules: &CafatRules) -> Result<Self, IdentityError> {
        Self::parse_kind(text, IdentifierKind::Cafat, rules)
    }

    /// Removes spaces anywhere (numbers are often written in groups, « 123 456 »), then
    /// requires digits only, with a length allowed by `rules`; errors name the `kind`.
    pub fn parse_kind(
        text: &str,
        kind: IdentifierKind,
        rules: &CafatRules,
    ) -> Result<Self, IdentityError> {
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(IdentityError::CafatNotDigits { kind });
        }
        if !(rules.min_len..=rules.max_len).contains(&digits.len()) {
            return Err(IdentityError::CafatLength {
                kind,
                min: rules.min_len,
                max: rules.max_len,
            });
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CafatNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Deserialization checks the shape only (1 to 32 digits), not the configured length: it is
/// for stored values. Input from people goes through [`CafatNumber::parse`] with the
/// configured rules (see `IdentityInput::validate`).
impl TryFrom<String> for CafatNumber {
    type Error = IdentityError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text, &CafatRules::STORED)
    }
}

impl From<CafatNumber> for String {
    fn from(number: CafatNumber) -> Self {
        number.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Case {
        name: &'static str,
        input: &'static str,
        rules: CafatRules,
        expected: Result<&'static str, &'static str>,
    }

    fn case(
        name: &'static str,
        input: &'static str,
        rules: (usize, usize),
        expected: Result<&'static str, &'static str>,
    ) -> Case {
        Case {
            name,
            input,
            rules: CafatRules {
                min_len: rules.0,
                max_len: rules.1,
            },
            expected,
        }
    }

    #[test]
    fn cafat_table() {
        let default = (6, 7);
        let cases = [
            case("six_digits_default", "123456", default, Ok("123456")),
            case("seven_digits_default", "1234567", default, Ok("1234567")),
            case("five_digits_default", "12345", default, Err("cafat_length")),
            case(
                "eight_digits_default",
                "12345678",
                default,
                Err("cafat_length"),
            ),
            case("outer_spaces_trimmed", "  123456 ", default, Ok("123456")),
            case("inner_spaces_removed", "123 4567", default, Ok("1234567")),
            case("leading_zero_kept", "0012345", default, Ok("0012345")),
            case("letter_refused", "12345A", default, Err("cafat_not_digits")),
            case(
                "hyphen_refused",
                "123-456",
                default,
                Err("cafat_not_digits"),
            ),
            case(
                "arabic_indic_digit_refused",
                "12345٦",
                default,
                Err("cafat_not_digits"),
            ),
            case("empty_refused", "", default, Err("cafat_length")),
            case("custom_eight_accepted", "12345678", (8, 9), Ok("12345678")),
            case(
                "custom_seven_refused",
                "1234567",
                (8, 9),
                Err("cafat_length"),
            ),
            case("custom_exact_five", "12345", (5, 5), Ok("12345")),
        ];
        let mut failures = Vec::new();
        for c in cases {
            let got = CafatNumber::parse(c.input, &c.rules)
                .map(|n| n.as_str().to_owned())
                .map_err(|e| e.code());
            let expected = c.expected.map(str::to_owned);
            if got != expected {
                failures.push(format!("{}: expected {expected:?}, got {got:?}", c.name));
            }
        }
        assert!(
            failures.is_empty(),
            "failing cases:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn message_states_the_configured_lengths() {
        let e = CafatNumber::parse("123", &CafatRules::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Le numéro CAFAT doit comporter de 6 à 7 chiffres."
        );
        let rules = CafatRules {
            min_len: 8,
            max_len: 8,
        };
        let e = CafatNumber::parse("123", &rules).unwrap_err();
        assert_eq!(e.to_string(), "Le numéro CAFAT doit comporter 8 chiffres.");
    }

    #[test]
    fn rules_consistency_and_config_shape() {
        assert!(CafatRules::default().is_consistent());
        let backwards = CafatRules {
            min_len: 7,
            max_len: 6,
        };
        assert!(!backwards.is_consistent());
        let partial: CafatRules = serde_json::from_str(r#"{"max_len": 9}"#).unwrap();
        assert_eq!(
            partial,
            CafatRules {
                min_len: 6,
                max_len: 9
            }
        );
        assert!(serde_json::from_str::<CafatRules>(r#"{"length": 9}"#).is_err());
    }

    #[test]
    fn serializes_as_a_string_and_reads_back_any_stored_length() {
        let n = CafatNumber::parse("0123456", &CafatRules::default()).unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), r#""0123456""#);
        let stored: CafatNumber = serde_json::from_str(r#""123456789""#).unwrap();
        assert_eq!(stored.as_str(), "123456789");
        assert!(serde_json::from_str::<CafatNumber>(r#""12a""#).is_err());
        assert!(serde_json::from_str::<CafatNumber>(r#""""#).is_err());
    }
}
