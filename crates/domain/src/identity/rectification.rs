//! Rectification of an identity (issue 15): the patient asks for the correction of ONE trait;
//! support compares the evidence and applies it or not. The corrected identity goes through the
//! same checks as a creation — every trait valid, and the duplicate check against the other
//! records — and [`outcome`] says what support's decision does with that check. Pure.

use super::traits::IdentityInput;

/// The traits a patient may ask to correct. The CAFAT number is not one: it comes from the
/// CAFAT, and a wrong one is a different record (support's identity review).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraitField {
    BirthName,
    FirstNames,
    BirthDate,
    Sex,
    BirthPlace,
}

impl TraitField {
    pub const ALL: [TraitField; 5] = [
        TraitField::BirthName,
        TraitField::FirstNames,
        TraitField::BirthDate,
        TraitField::Sex,
        TraitField::BirthPlace,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TraitField::BirthName => "birth_name",
            TraitField::FirstNames => "first_names",
            TraitField::BirthDate => "birth_date",
            TraitField::Sex => "sex",
            TraitField::BirthPlace => "birth_place",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == text)
    }

    /// French words, as in « votre {label} ».
    pub fn label_fr(self) -> &'static str {
        match self {
            TraitField::BirthName => "nom de naissance",
            TraitField::FirstNames => "prénoms",
            TraitField::BirthDate => "date de naissance",
            TraitField::Sex => "sexe",
            TraitField::BirthPlace => "lieu de naissance",
        }
    }

    /// The value of this trait in `input`, as a person types it (first names separated by
    /// spaces).
    pub fn value_in(self, input: &IdentityInput) -> String {
        match self {
            TraitField::BirthName => input.birth_name.clone(),
            TraitField::FirstNames => input.first_names.join(" "),
            TraitField::BirthDate => input.birth_date.clone(),
            TraitField::Sex => input.sex.clone(),
            TraitField::BirthPlace => input.birth_place.clone(),
        }
    }

    /// `input` with this trait replaced by `value` (validated by the caller, with the rest).
    pub fn replaced(self, input: &IdentityInput, value: &str) -> IdentityInput {
        let mut out = input.clone();
        match self {
            TraitField::BirthName => out.birth_name = value.to_owned(),
            TraitField::FirstNames => {
                out.first_names = value.split_whitespace().map(str::to_owned).collect();
            }
            TraitField::BirthDate => out.birth_date = value.to_owned(),
            TraitField::Sex => out.sex = value.to_owned(),
            TraitField::BirthPlace => out.birth_place = value.to_owned(),
        }
        out
    }
}

/// The duplicate check of the corrected identity against the OTHER records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DuplicateCheck {
    /// No other record alike.
    Clear,
    /// Another record is a near match (same birth date and sex, names alike).
    Near,
    /// Another record has the same five traits.
    Exact,
}

/// What applying a rectification does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Apply,
    /// Not applied: support must first look at the near match and say that the two records
    /// are different people (`confirmed_distinct`), or merge them through identity review.
    HoldForNearMatch,
    /// Not applied: the corrected identity would be another record's.
    RefuseDuplicate,
}

/// What support's "apply" does, given the duplicate check and whether support confirmed that a
/// near match is a different person.
pub fn outcome(check: DuplicateCheck, confirmed_distinct: bool) -> Outcome {
    match (check, confirmed_distinct) {
        (DuplicateCheck::Exact, _) => Outcome::RefuseDuplicate,
        (DuplicateCheck::Near, false) => Outcome::HoldForNearMatch,
        (DuplicateCheck::Near, true) | (DuplicateCheck::Clear, _) => Outcome::Apply,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rectification_outcome_decision_table() {
        use DuplicateCheck::{Clear, Exact, Near};
        // (name, check, confirmed distinct, expected)
        let cases = [
            ("no other record alike", Clear, false, Outcome::Apply),
            (
                "clear, confirmation not needed",
                Clear,
                true,
                Outcome::Apply,
            ),
            (
                "near match, not looked at",
                Near,
                false,
                Outcome::HoldForNearMatch,
            ),
            ("near match, different people", Near, true, Outcome::Apply),
            (
                "another record's identity",
                Exact,
                false,
                Outcome::RefuseDuplicate,
            ),
            (
                "exact, confirmation changes nothing",
                Exact,
                true,
                Outcome::RefuseDuplicate,
            ),
        ];
        let failing: Vec<_> = cases
            .iter()
            .filter(|(_, check, confirmed, want)| outcome(*check, *confirmed) != *want)
            .map(|c| c.0)
            .collect();
        assert!(failing.is_empty(), "failing cases: {failing:?}");
    }

    #[test]
    fn a_trait_is_replaced_alone() {
        let input = IdentityInput {
            identifier_kind: String::new(),
            cafat: "1234567".to_owned(),
            birth_name: "WEA".to_owned(),
            first_names: vec!["Marie".to_owned(), "Jeanne".to_owned()],
            birth_date: "1980-04-12".to_owned(),
            sex: "F".to_owned(),
            birth_place: "98818".to_owned(),
        };
        let changed = TraitField::FirstNames.replaced(&input, "  Marie   Josée ");
        assert_eq!(changed.first_names, ["Marie", "Josée"]);
        assert_eq!(changed.birth_name, "WEA");
        assert_eq!(TraitField::FirstNames.value_in(&input), "Marie Jeanne");
        for f in TraitField::ALL {
            assert_eq!(TraitField::parse(f.as_str()), Some(f));
            assert_eq!(
                f.replaced(&input, &f.value_in(&input)).first_names,
                input.first_names
            );
        }
        assert_eq!(
            TraitField::parse("cafat"),
            None,
            "the CAFAT number is not rectified"
        );
    }
}
