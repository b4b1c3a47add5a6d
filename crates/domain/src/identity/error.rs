//! The one error type of patient identity: a short French message for people, a stable
//! snake_case code and the form field for APIs. Messages never reveal another patient's data.

use crate::IdentifierKind;
use std::fmt;
use thiserror::Error;
use time::Date;

/// Which name an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameField {
    BirthName,
    /// Position in the list of first names, counted from 1 as people do.
    FirstName(usize),
}

impl NameField {
    fn api_field(self) -> &'static str {
        match self {
            Self::BirthName => "birth_name",
            Self::FirstName(_) => "first_names",
        }
    }
}

/// The subject of a French sentence: « Le nom de naissance », « Le prénom n° 2 ».
impl fmt::Display for NameField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BirthName => f.write_str("Le nom de naissance"),
            Self::FirstName(1) => f.write_str("Le premier prénom"),
            Self::FirstName(n) => write!(f, "Le prénom n° {n}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum IdentityError {
    /// The identifier number (CAFAT or AMG, named by `kind`) has something else than digits.
    #[error("Le numéro {} ne doit contenir que des chiffres.", .kind.label())]
    CafatNotDigits { kind: IdentifierKind },

    #[error("{}", cafat_length_message(*.kind, *.min, *.max))]
    CafatLength {
        kind: IdentifierKind,
        min: usize,
        max: usize,
    },

    #[error("Le type de numéro doit être CAFAT ou AMG.")]
    IdentifierKindInvalid,

    #[error("{field} est obligatoire.")]
    NameEmpty { field: NameField },

    #[error(
        "{field} contient un caractère non autorisé : « {} ». Seuls les lettres, l'espace, \
         le trait d'union et l'apostrophe sont acceptés.",
        printable(*.character)
    )]
    NameInvalidCharacter { field: NameField, character: char },

    #[error(
        "{field} doit commencer et finir par une lettre, sans enchaîner deux traits d'union \
         ou apostrophes."
    )]
    NameMisplacedSeparator { field: NameField },

    #[error("{field} ne doit pas dépasser {max} caractères.")]
    NameTooLong { field: NameField, max: usize },

    #[error("Au moins un prénom est obligatoire.")]
    FirstNamesMissing,

    #[error("Au plus {max} prénoms peuvent être saisis.")]
    FirstNamesTooMany { max: usize },

    #[error("La date de naissance doit être une date valide, au format JJ/MM/AAAA.")]
    BirthDateFormat,

    #[error("La date de naissance ne peut pas être dans le futur.")]
    BirthDateInFuture,

    #[error("La date de naissance ne peut pas être antérieure au 01/01/1900.")]
    BirthDateBefore1900,

    #[error("Le sexe doit être F (féminin), M (masculin) ou I (indéterminé).")]
    SexInvalid,

    #[error(
        "Le lieu de naissance doit être un code commune INSEE à 5 caractères (98818 pour \
         Nouméa, par exemple) ou un code pays 99xxx pour une naissance à l'étranger."
    )]
    BirthPlaceFormat,

    #[error(
        "Le code {code} ne correspond à aucune commune de Nouvelle-Calédonie (98801 à 98833)."
    )]
    BirthPlaceUnknownNcCommune { code: String },

    /// Under 18 on the day of creation; `adult_on` is the first day an account may be opened.
    #[error("La personne doit être majeure (18 ans) pour ouvrir un dossier.")]
    Minor { adult_on: Date },

    /// Another record already has this number of this kind (CAFAT or AMG).
    #[error("Un dossier existe déjà pour ce numéro {}.", .kind.label())]
    DuplicateCafat { kind: IdentifierKind },

    /// Another record already has the same five normalized traits.
    #[error("Un dossier existe déjà pour cette identité.")]
    DuplicateIdentity,

    /// A record with a near identity exists: support must review before creation.
    #[error(
        "Une identité proche existe déjà : la création doit être vérifiée par le support \
         avant l'ouverture du dossier."
    )]
    NearMatchToReview,
}

impl IdentityError {
    /// Stable snake_case code for APIs; never changes once published.
    pub fn code(&self) -> &'static str {
        use NameField::{BirthName, FirstName};
        match self {
            Self::CafatNotDigits { .. } => "cafat_not_digits",
            Self::IdentifierKindInvalid => "identifier_kind_invalid",
            Self::CafatLength { .. } => "cafat_length",
            Self::NameEmpty { field: BirthName } => "birth_name_empty",
            Self::NameEmpty {
                field: FirstName(_),
            } => "first_name_empty",
            Self::NameInvalidCharacter {
                field: BirthName, ..
            } => "birth_name_invalid_character",
            Self::NameInvalidCharacter {
                field: FirstName(_),
                ..
            } => "first_name_invalid_character",
            Self::NameMisplacedSeparator { field: BirthName } => "birth_name_misplaced_separator",
            Self::NameMisplacedSeparator {
                field: FirstName(_),
            } => "first_name_misplaced_separator",
            Self::NameTooLong {
                field: BirthName, ..
            } => "birth_name_too_long",
            Self::NameTooLong {
                field: FirstName(_),
                ..
            } => "first_name_too_long",
            Self::FirstNamesMissing => "first_names_missing",
            Self::FirstNamesTooMany { .. } => "first_names_too_many",
            Self::BirthDateFormat => "birth_date_format",
            Self::BirthDateInFuture => "birth_date_in_future",
            Self::BirthDateBefore1900 => "birth_date_before_1900",
            Self::SexInvalid => "sex_invalid",
            Self::BirthPlaceFormat => "birth_place_format",
            Self::BirthPlaceUnknownNcCommune { .. } => "birth_place_unknown_nc_commune",
            Self::Minor { .. } => "minor",
            Self::DuplicateCafat { .. } => "duplicate_cafat",
            Self::DuplicateIdentity => "duplicate_identity",
            Self::NearMatchToReview => "near_match_to_review",
        }
    }

    /// The input field the error is about (JSON field of `IdentityInput`), for forms.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::CafatNotDigits { .. }
            | Self::CafatLength { .. }
            | Self::DuplicateCafat { .. } => Some("cafat"),
            Self::IdentifierKindInvalid => Some("identifier_kind"),
            Self::NameEmpty { field }
            | Self::NameInvalidCharacter { field, .. }
            | Self::NameMisplacedSeparator { field }
            | Self::NameTooLong { field, .. } => Some(field.api_field()),
            Self::FirstNamesMissing | Self::FirstNamesTooMany { .. } => Some("first_names"),
            Self::BirthDateFormat
            | Self::BirthDateInFuture
            | Self::BirthDateBefore1900
            | Self::Minor { .. } => Some("birth_date"),
            Self::SexInvalid => Some("sex"),
            Self::BirthPlaceFormat | Self::BirthPlaceUnknownNcCommune { .. } => Some("birth_place"),
            Self::DuplicateIdentity | Self::NearMatchToReview => None,
        }
    }
}

fn cafat_length_message(kind: IdentifierKind, min: usize, max: usize) -> String {
    let kind = kind.label();
    if min == max {
        format!("Le numéro {kind} doit comporter {min} chiffres.")
    } else {
        format!("Le numéro {kind} doit comporter de {min} à {max} chiffres.")
    }
}

/// Shows an invisible or control character by its code point rather than as nothing.
fn printable(c: char) -> String {
    if c.is_control() || c.is_whitespace() || ('\u{200b}'..='\u{200f}').contains(&c) {
        format!("U+{:04X}", u32::from(c))
    } else {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_french_sentences() {
        let cases = [
            (
                IdentityError::CafatLength {
                    kind: IdentifierKind::Cafat,
                    min: 6,
                    max: 7,
                },
                "Le numéro CAFAT doit comporter de 6 à 7 chiffres.",
            ),
            (
                IdentityError::CafatLength {
                    kind: IdentifierKind::Cafat,
                    min: 8,
                    max: 8,
                },
                "Le numéro CAFAT doit comporter 8 chiffres.",
            ),
            (
                IdentityError::CafatNotDigits {
                    kind: IdentifierKind::Amg,
                },
                "Le numéro AMG ne doit contenir que des chiffres.",
            ),
            (
                IdentityError::DuplicateCafat {
                    kind: IdentifierKind::Amg,
                },
                "Un dossier existe déjà pour ce numéro AMG.",
            ),
            (
                IdentityError::IdentifierKindInvalid,
                "Le type de numéro doit être CAFAT ou AMG.",
            ),
            (
                IdentityError::NameInvalidCharacter {
                    field: NameField::FirstName(2),
                    character: '3',
                },
                "Le prénom n° 2 contient un caractère non autorisé : « 3 ». Seuls les lettres, \
                 l'espace, le trait d'union et l'apostrophe sont acceptés.",
            ),
            (
                IdentityError::NameEmpty {
                    field: NameField::BirthName,
                },
                "Le nom de naissance est obligatoire.",
            ),
            (
                IdentityError::Minor {
                    adult_on: time::macros::date!(2030 - 01 - 01),
                },
                "La personne doit être majeure (18 ans) pour ouvrir un dossier.",
            ),
        ];
        for (error, message) in cases {
            assert_eq!(error.to_string(), message);
        }
    }

    #[test]
    fn invisible_characters_are_named_by_code_point() {
        let e = IdentityError::NameInvalidCharacter {
            field: NameField::BirthName,
            character: '\u{7}',
        };
        assert!(e.to_string().contains("« U+0007 »"), "{e}");
    }

    #[test]
    fn codes_and_fields_follow_the_name_field() {
        let e = IdentityError::NameTooLong {
            field: NameField::FirstName(1),
            max: 100,
        };
        assert_eq!(e.code(), "first_name_too_long");
        assert_eq!(e.field(), Some("first_names"));
        let e = IdentityError::NameEmpty {
            field: NameField::BirthName,
        };
        assert_eq!(e.code(), "birth_name_empty");
        assert_eq!(e.field(), Some("birth_name"));
        assert_eq!(IdentityError::NearMatchToReview.field(), None);
    }
}
