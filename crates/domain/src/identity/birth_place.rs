//! Birth place codes: an INSEE commune code (New Caledonia's are checked against the reference
//! list) or an INSEE 99xxx country code for people born abroad. Codes only; no place names are
//! guessed for communes outside New Caledonia.

use super::error::IdentityError;
use crate::commune::{find_nc_commune, Commune};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a birth place code designates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BirthPlaceKind {
    /// One of the 33 communes (98801 to 98833).
    NewCaledonia(&'static Commune),
    /// Any other French commune (5 digits, or 2A/2B + 3 digits in Corsica). The code is not
    /// checked against the national list, which is not shipped.
    OtherFrenchCommune,
    /// Born abroad: INSEE country code 99xxx.
    Abroad,
}

/// A validated birth place code, upper case (`2A004`). Serialized as the code string.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BirthPlace(String);

impl BirthPlace {
    /// Rules, on the trimmed, upper-cased text:
    /// - `988xx`: must be one of New Caledonia's communes (98834 is refused);
    /// - `99` + 3 digits: a country code;
    /// - 5 digits, or `2A`/`2B` + 3 digits: another French commune.
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        let code = text.trim().to_ascii_uppercase();
        let bytes = code.as_bytes();
        let digits_from = |start: usize| bytes[start..].iter().all(u8::is_ascii_digit);
        let well_formed = bytes.len() == 5
            && (digits_from(0)
                || (code.starts_with("2A") || code.starts_with("2B")) && digits_from(2));
        if !well_formed {
            return Err(IdentityError::BirthPlaceFormat);
        }
        if code.starts_with("988") && find_nc_commune(&code).is_none() {
            return Err(IdentityError::BirthPlaceUnknownNcCommune { code });
        }
        Ok(Self(code))
    }

    pub fn code(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> BirthPlaceKind {
        if let Some(commune) = find_nc_commune(&self.0) {
            BirthPlaceKind::NewCaledonia(commune)
        } else if self.0.starts_with("99") {
            BirthPlaceKind::Abroad
        } else {
            BirthPlaceKind::OtherFrenchCommune
        }
    }

    /// The New Caledonian commune, with its name and province, if the person was born there.
    pub fn nc_commune(&self) -> Option<&'static Commune> {
        match self.kind() {
            BirthPlaceKind::NewCaledonia(commune) => Some(commune),
            _ => None,
        }
    }
}

impl fmt::Display for BirthPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for BirthPlace {
    type Error = IdentityError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<BirthPlace> for String {
    fn from(place: BirthPlace) -> Self {
        place.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commune::Province;

    /// Expected outcome: the kind, with name and province for New Caledonia, or an error code.
    #[derive(Debug, PartialEq)]
    enum Expect {
        Nc(&'static str, Province),
        French,
        Abroad,
        Refused(&'static str),
    }

    fn outcome(input: &str) -> Expect {
        match BirthPlace::parse(input) {
            Err(e) => Expect::Refused(e.code()),
            Ok(place) => match place.kind() {
                BirthPlaceKind::NewCaledonia(c) => Expect::Nc(c.name, c.province),
                BirthPlaceKind::OtherFrenchCommune => Expect::French,
                BirthPlaceKind::Abroad => Expect::Abroad,
            },
        }
    }

    #[test]
    fn birth_place_table() {
        use Expect::*;
        let cases = [
            ("noumea", "98818", Nc("Nouméa", Province::Sud)),
            ("lifou", "98814", Nc("Lifou", Province::IlesLoyaute)),
            ("first_nc_commune", "98801", Nc("Bélep", Province::Nord)),
            ("last_nc_commune", "98833", Nc("Kouaoua", Province::Nord)),
            (
                "after_last_nc_commune",
                "98834",
                Refused("birth_place_unknown_nc_commune"),
            ),
            (
                "nc_zero",
                "98800",
                Refused("birth_place_unknown_nc_commune"),
            ),
            ("paris", "75056", French),
            ("wallis_uvea", "98613", French),
            ("ajaccio_2a", "2A004", French),
            ("bastia_2b_lower_case", "2b033", French),
            ("vanuatu", "99514", Abroad),
            ("abroad_99134", "99134", Abroad),
            ("outer_spaces", " 98818 ", Nc("Nouméa", Province::Sud)),
            (
                "letter_in_country_code",
                "9A123",
                Refused("birth_place_format"),
            ),
            (
                "corsica_letter_elsewhere",
                "2C004",
                Refused("birth_place_format"),
            ),
            ("four_digits", "9881", Refused("birth_place_format")),
            ("six_digits", "988181", Refused("birth_place_format")),
            (
                "name_instead_of_code",
                "Nouméa",
                Refused("birth_place_format"),
            ),
            ("empty", "", Refused("birth_place_format")),
        ];
        let mut failures = Vec::new();
        for (name, input, expected) in cases {
            let got = outcome(input);
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
    fn unknown_nc_code_is_named_in_the_message() {
        let e = BirthPlace::parse("98834").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Le code 98834 ne correspond à aucune commune de Nouvelle-Calédonie (98801 à 98833)."
        );
    }

    #[test]
    fn serializes_as_the_code() {
        let place = BirthPlace::parse("2a004").unwrap();
        assert_eq!(serde_json::to_string(&place).unwrap(), r#""2A004""#);
        let back: BirthPlace = serde_json::from_str(r#""98818""#).unwrap();
        assert_eq!(back.nc_commune().map(|c| c.name), Some("Nouméa"));
        assert!(serde_json::from_str::<BirthPlace>(r#""98834""#).is_err());
    }
}
