//! The identity of a patient as a whole: identifier number (CAFAT or AMG) plus the five INS traits, the raw input
//! they are validated from, and the normalized key used to detect exact duplicates.

use super::birth_date::BirthDate;
use super::birth_place::BirthPlace;
use super::cafat::{CafatNumber, IdentifierRules};
use super::error::IdentityError;
use super::name::{BirthName, FirstNames};
use crate::IdentifierKind;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::Date;

/// Sex as recorded by the INS: `F`, `M`, or `I` when undetermined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Sex {
    #[serde(rename = "F")]
    Female,
    #[serde(rename = "M")]
    Male,
    #[serde(rename = "I")]
    Undetermined,
}

impl Sex {
    /// Accepts `F`, `M`, `I` in either case, with outer spaces.
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        match text.trim() {
            "F" | "f" => Ok(Self::Female),
            "M" | "m" => Ok(Self::Male),
            "I" | "i" => Ok(Self::Undetermined),
            _ => Err(IdentityError::SexInvalid),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Female => "F",
            Self::Male => "M",
            Self::Undetermined => "I",
        }
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Female => "féminin",
            Self::Male => "masculin",
            Self::Undetermined => "indéterminé",
        }
    }
}

/// A validated identity. Serialized with the entered forms:
/// `{"cafat":"123456","birth_name":"Néa","first_names":["Jean"],"birth_date":"1980-05-01",
/// "sex":"M","birth_place":"98818","identifier_kind":"cafat"}` (`cafat` holds the number of
/// either kind; an absent kind is CAFAT). Deserialization re-validates every trait except the
/// configured number length and "birth date not in the future" (it is for stored values).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityTraits {
    #[serde(default)]
    pub identifier_kind: IdentifierKind,
    pub cafat: CafatNumber,
    pub birth_name: BirthName,
    pub first_names: FirstNames,
    pub birth_date: BirthDate,
    pub sex: Sex,
    pub birth_place: BirthPlace,
}

impl IdentityTraits {
    /// The five normalized traits (not the CAFAT number) that make an exact duplicate.
    pub fn normalized_key(&self) -> IdentityKey {
        IdentityKey {
            birth_name: self.birth_name.normalized().to_owned(),
            first_names: self.first_names.normalized(),
            birth_date: self.birth_date,
            sex: self.sex,
            birth_place: self.birth_place.code().to_owned(),
        }
    }
}

/// The five normalized traits. Two identities with equal keys are the same person for MDS.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IdentityKey {
    pub birth_name: String,
    /// Normalized first names joined by single spaces, in order.
    pub first_names: String,
    pub birth_date: BirthDate,
    pub sex: Sex,
    pub birth_place: String,
}

/// One line, `NEA|JEAN MARIE|1980-05-01|M|98818`, suitable for a unique index: `|` never occurs
/// in a normalized name.
impl fmt::Display for IdentityKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}|{}|{}|{}|{}",
            self.birth_name,
            self.first_names,
            self.birth_date,
            self.sex.as_str(),
            self.birth_place
        )
    }
}

/// Identity as typed in a form or sent to the API, before validation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityInput {
    /// `cafat` (also when empty) or `amg`: the kind of the number in `cafat`.
    #[serde(default)]
    pub identifier_kind: String,
    pub cafat: String,
    pub birth_name: String,
    pub first_names: Vec<String>,
    /// `AAAA-MM-JJ` or `JJ/MM/AAAA`.
    pub birth_date: String,
    pub sex: String,
    pub birth_place: String,
}

impl IdentityInput {
    /// Validates every field and reports every faulty field at once (one error per field, in
    /// form order), so that a form can show them all. `today` is the date in Nouméa. The age of
    /// majority and duplicates are separate checks made at creation.
    pub fn validate(
        &self,
        rules: &IdentifierRules,
        today: Date,
    ) -> Result<IdentityTraits, Vec<IdentityError>> {
        let mut errors = Vec::new();
        let (identifier_kind, cafat) = match IdentifierKind::from_input(&self.identifier_kind) {
            Ok(kind) => (
                kind,
                keep(
                    CafatNumber::parse_kind(&self.cafat, kind, rules.of(kind)),
                    &mut errors,
                ),
            ),
            Err(e) => {
                errors.push(e);
                (IdentifierKind::Cafat, None)
            }
        };
        let birth_name = keep(BirthName::parse(&self.birth_name), &mut errors);
        let first_names = keep(FirstNames::parse(&self.first_names), &mut errors);
        let birth_date = keep(BirthDate::parse(&self.birth_date, today), &mut errors);
        let sex = keep(Sex::parse(&self.sex), &mut errors);
        let birth_place = keep(BirthPlace::parse(&self.birth_place), &mut errors);
        match (cafat, birth_name, first_names, birth_date, sex, birth_place) {
            (
                Some(cafat),
                Some(birth_name),
                Some(first_names),
                Some(birth_date),
                Some(sex),
                Some(birth_place),
            ) => Ok(IdentityTraits {
                identifier_kind,
                cafat,
                birth_name,
                first_names,
                birth_date,
                sex,
                birth_place,
            }),
            _ => Err(errors),
        }
    }
}

fn keep<T>(result: Result<T, IdentityError>, errors: &mut Vec<IdentityError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    fn input() -> IdentityInput {
        IdentityInput {
            identifier_kind: String::new(),
            cafat: "123 456".into(),
            birth_name: "Néa".into(),
            first_names: vec!["Jean".into(), "Marie".into()],
            birth_date: "01/05/1980".into(),
            sex: "m".into(),
            birth_place: "98818".into(),
        }
    }

    #[test]
    fn valid_input_gives_traits_and_key() {
        let traits = input()
            .validate(&IdentifierRules::default(), TODAY)
            .unwrap();
        assert_eq!(traits.cafat.as_str(), "123456");
        assert_eq!(traits.sex, Sex::Male);
        assert_eq!(
            traits.normalized_key().to_string(),
            "NEA|JEAN MARIE|1980-05-01|M|98818"
        );
    }

    #[test]
    fn every_faulty_field_is_reported_in_form_order() {
        let bad = IdentityInput {
            identifier_kind: String::new(),
            cafat: "12".into(),
            birth_name: "Néa2".into(),
            first_names: vec![],
            birth_date: "2027-01-01".into(),
            sex: "X".into(),
            birth_place: "98834".into(),
        };
        let codes: Vec<&str> = bad
            .validate(&IdentifierRules::default(), TODAY)
            .unwrap_err()
            .iter()
            .map(IdentityError::code)
            .collect();
        assert_eq!(
            codes,
            [
                "cafat_length",
                "birth_name_invalid_character",
                "first_names_missing",
                "birth_date_in_future",
                "sex_invalid",
                "birth_place_unknown_nc_commune"
            ]
        );
    }

    #[test]
    fn sex_table() {
        let cases = [
            ("upper_f", "F", Ok(Sex::Female)),
            ("lower_m", "m", Ok(Sex::Male)),
            ("undetermined_with_spaces", " I ", Ok(Sex::Undetermined)),
            ("word_refused", "Homme", Err(IdentityError::SexInvalid)),
            ("empty_refused", "", Err(IdentityError::SexInvalid)),
        ];
        let mut failures = Vec::new();
        for (name, text, expected) in cases {
            let got = Sex::parse(text);
            if got != expected {
                failures.push(format!("{name}: expected {expected:?}, got {got:?}"));
            }
        }
        assert!(
            failures.is_empty(),
            "failing cases:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn traits_round_trip_through_json_with_entered_forms() {
        let traits = input()
            .validate(&IdentifierRules::default(), TODAY)
            .unwrap();
        let json = serde_json::to_string(&traits).unwrap();
        assert_eq!(
            json,
            r#"{"identifier_kind":"cafat","cafat":"123456","birth_name":"Néa","first_names":["Jean","Marie"],"birth_date":"1980-05-01","sex":"M","birth_place":"98818"}"#
        );
        let back: IdentityTraits = serde_json::from_str(&json).unwrap();
        assert_eq!(back, traits);
        let input_back: IdentityInput = serde_json::from_str(&json).unwrap();
        assert_eq!(
            input_back.validate(&IdentifierRules::default(), TODAY),
            Ok(traits)
        );
    }

    #[test]
    fn identifier_kind_table() {
        // (name, kind as typed, number as typed, expected kind and number, or error code)
        let cases = [
            (
                "empty_is_cafat",
                "",
                "123456",
                Ok((IdentifierKind::Cafat, "123456")),
            ),
            (
                "cafat_any_case",
                " CAFAT ",
                "1234567",
                Ok((IdentifierKind::Cafat, "1234567")),
            ),
            (
                "amg_short",
                "amg",
                "1234",
                Ok((IdentifierKind::Amg, "1234")),
            ),
            (
                "amg_long",
                "AMG",
                "12 3456 789 012",
                Ok((IdentifierKind::Amg, "123456789012")),
            ),
            (
                "cafat_rules_for_cafat",
                "cafat",
                "1234",
                Err("cafat_length"),
            ),
            ("amg_too_long", "amg", "1234567890123", Err("cafat_length")),
            ("amg_letters", "amg", "A1234", Err("cafat_not_digits")),
            (
                "unknown_kind",
                "ridet",
                "123456",
                Err("identifier_kind_invalid"),
            ),
        ];
        let mut failures = Vec::new();
        for (name, kind, number, expected) in cases {
            let typed = IdentityInput {
                identifier_kind: kind.into(),
                cafat: number.into(),
                ..input()
            };
            let got = match typed.validate(&IdentifierRules::default(), TODAY) {
                Ok(t) => Ok((t.identifier_kind, t.cafat.as_str().to_owned())),
                Err(errors) => Err(errors.first().map(IdentityError::code).unwrap_or("")),
            };
            let expected = expected.map(|(k, n)| (k, n.to_owned()));
            if got != expected {
                failures.push(format!("{name}: expected {expected:?}, got {got:?}"));
            }
        }
        assert!(
            failures.is_empty(),
            "failing cases:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn an_amg_error_names_its_kind_and_a_stored_identity_without_kind_is_cafat() {
        let typed = IdentityInput {
            identifier_kind: "amg".into(),
            cafat: "12".into(),
            ..input()
        };
        let errors = typed
            .validate(&IdentifierRules::default(), TODAY)
            .unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "Le numéro AMG doit comporter de 4 à 12 chiffres."
        );
        let before_amg = r#"{"cafat":"123456","birth_name":"Néa","first_names":["Jean"],
            "birth_date":"1980-05-01","sex":"M","birth_place":"98818"}"#;
        let traits: IdentityTraits = serde_json::from_str(before_amg).unwrap();
        assert_eq!(traits.identifier_kind, IdentifierKind::Cafat);
    }

    #[test]
    fn input_refuses_unknown_fields() {
        let json = r#"{"cafat":"123456","birth_name":"Néa","first_names":["Jean"],
            "birth_date":"1980-05-01","sex":"M","birth_place":"98818","nom_usage":"X"}"#;
        assert!(serde_json::from_str::<IdentityInput>(json).is_err());
    }
}
