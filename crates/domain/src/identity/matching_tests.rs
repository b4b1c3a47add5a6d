//! Decision table for `similarity`, plus the distance it relies on.

use super::*;
use crate::identity::{IdentifierRules, IdentityInput, NameField};
use time::macros::date;

/// A person: Jean Néa, male, born 01/05/1980 in Nouméa, CAFAT 123456; each case changes some
/// traits of the second person.
struct P {
    cafat: &'static str,
    birth_name: &'static str,
    first_names: &'static [&'static str],
    birth_date: &'static str,
    sex: &'static str,
    birth_place: &'static str,
}

const JEAN_NEA: P = P {
    cafat: "123456",
    birth_name: "Néa",
    first_names: &["Jean"],
    birth_date: "1980-05-01",
    sex: "M",
    birth_place: "98818",
};

impl P {
    fn traits(&self) -> IdentityTraits {
        IdentityInput {
            identifier_kind: String::new(),
            cafat: self.cafat.into(),
            birth_name: self.birth_name.into(),
            first_names: self.first_names.iter().map(|s| (*s).to_owned()).collect(),
            birth_date: self.birth_date.into(),
            sex: self.sex.into(),
            birth_place: self.birth_place.into(),
        }
        .validate(&IdentifierRules::default(), date!(2026 - 11 - 22))
        .unwrap()
    }
}

fn named(birth_name: &'static str, first_names: &'static [&'static str]) -> P {
    P {
        birth_name,
        first_names,
        ..JEAN_NEA
    }
}

fn similar(birth_name: Likeness, first_name: Likeness) -> MatchKind {
    MatchKind::Near {
        reason: NearReason::SimilarNames {
            birth_name,
            first_name,
        },
    }
}

#[test]
fn similarity_table() {
    use Likeness::*;
    let swapped = MatchKind::Near {
        reason: NearReason::SwappedNames,
    };
    #[rustfmt::skip]
    let cases: Vec<(&str, P, P, MatchKind)> = vec![
        ("same_person_retyped", JEAN_NEA, P { birth_name: "NEA", first_names: &["jean"], ..JEAN_NEA }, MatchKind::Exact),
        ("exact_despite_other_cafat", JEAN_NEA, P { cafat: "7654321", ..JEAN_NEA }, MatchKind::Exact),
        ("exact_with_typographic_apostrophe", named("N'Guyen", &["Van"]), named("N’GUYEN", &["Van"]), MatchKind::Exact),
        ("one_first_name_with_space_equals_two", named("Néa", &["Jean Marie"]), named("Néa", &["Jean", "Marie"]), MatchKind::Exact),
        ("other_birth_place_same_names", JEAN_NEA, P { birth_place: "98817", ..JEAN_NEA }, similar(SameLetters, SameLetters)),
        ("extra_first_name", JEAN_NEA, named("Néa", &["Jean", "Paul"]), similar(SameLetters, SameLetters)),
        ("apostrophe_missing", named("N'Guyen", &["Van"]), named("Nguyen", &["Van"]), similar(SameLetters, SameLetters)),
        ("one_typo_in_birth_name", named("Wamytan", &["Jean"]), named("Wamytam", &["Jean"]), similar(Typo, SameLetters)),
        ("swapped_letters", named("Martin", &["Jean"]), named("Mratin", &["Jean"]), similar(Typo, SameLetters)),
        ("tein_thein", named("Tein", &["Jean"]), named("Thein", &["Jean"]), similar(Typo, SameLetters)),
        ("two_typos_long_name", named("Wamytan-Poiroi", &["Jean"]), named("Wamitan-Poiroy", &["Jean"]), similar(Typo, SameLetters)),
        ("two_typos_short_name", named("Martin", &["Jean"]), named("Merlin", &["Jean"]), MatchKind::Different),
        ("sounds_alike_birth_name", named("Gauthier", &["Jean"]), named("Gotier", &["Jean"]), similar(SoundsAlike, SameLetters)),
        ("sounds_alike_first_name", named("Néa", &["Philippe"]), named("Néa", &["Filipe"]), similar(SameLetters, SoundsAlike)),
        ("kanak_w_ou", named("Wamytan", &["Jean"]), named("Ouamytan", &["Jean"]), similar(SoundsAlike, SameLetters)),
        ("compound_birth_name_shortened", named("Wamytan-Poiroi", &["Jean"]), named("Wamytan", &["Jean"]), similar(PartOf, SameLetters)),
        ("compound_first_name_shortened", named("Néa", &["Jean-Pierre"]), named("Néa", &["Jean"]), similar(SameLetters, PartOf)),
        ("swapped_names", named("Néa", &["Jean"]), named("Jean", &["Néa"]), swapped),
        ("swapped_names_with_a_typo", named("Wamytan", &["Joseph"]), named("Josef", &["Wamitan"]), swapped),
        ("different_first_name_twins", named("Néa", &["Jean"]), named("Néa", &["Paul"]), MatchKind::Different),
        ("different_birth_name", named("Néa", &["Jean"]), named("Gope", &["Jean"]), MatchKind::Different),
        ("different_sex", JEAN_NEA, P { sex: "F", ..JEAN_NEA }, MatchKind::Different),
        ("undetermined_sex_is_different", JEAN_NEA, P { sex: "I", ..JEAN_NEA }, MatchKind::Different),
        ("different_birth_date", JEAN_NEA, P { birth_date: "1980-05-02", ..JEAN_NEA }, MatchKind::Different),
        ("different_birth_date_and_typo", JEAN_NEA, P { birth_name: "Nea", birth_date: "1981-05-01", ..JEAN_NEA }, MatchKind::Different),
        ("short_part_not_enough", named("De La Fontaine", &["Jean"]), named("La", &["Jean"]), MatchKind::Different),
    ];
    let mut failures = Vec::new();
    for (name, a, b, expected) in cases {
        let (a, b) = (a.traits(), b.traits());
        let forward = similarity(&a, &b);
        let backward = similarity(&b, &a);
        if forward != expected || backward != expected {
            failures.push(format!(
                "{name}: expected {expected:?}, got {forward:?} (reversed: {backward:?})"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "failing cases:\n{}",
        failures.join("\n")
    );
}

#[test]
fn distance_table() {
    let cases = [
        ("equal", "NEA", "NEA", 0),
        ("one_substitution", "WAMYTAN", "WAMYTAM", 1),
        ("one_insertion", "TEIN", "THEIN", 1),
        ("one_deletion", "THEIN", "TEIN", 1),
        ("adjacent_swap", "MARTIN", "MRATIN", 1),
        ("two_substitutions", "MARTIN", "MERLIN", 2),
        ("empty_left", "", "ABC", 3),
        ("empty_right", "ABC", "", 3),
        ("osa_not_unrestricted", "CA", "ABC", 3),
    ];
    let mut failures = Vec::new();
    for (name, a, b, expected) in cases {
        let got = damerau_levenshtein(a.as_bytes(), b.as_bytes());
        if got != expected {
            failures.push(format!("{name}: expected {expected}, got {got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "failing cases:\n{}",
        failures.join("\n")
    );
}

#[test]
fn likeness_ignores_separators_and_needs_three_letters_for_parts() {
    let name = |s| PersonName::parse(s, NameField::BirthName).unwrap();
    assert_eq!(
        likeness(&name("Le Mont-Dore"), &name("Lemontdore")),
        Some(Likeness::SameLetters)
    );
    assert_eq!(
        likeness(&name("Fontaine"), &name("De La Fontaine")),
        Some(Likeness::PartOf)
    );
    assert_eq!(likeness(&name("Néa"), &name("Gope")), None);
}

#[test]
fn match_kind_serializes_for_the_support_console() {
    let kind = similar(Likeness::Typo, Likeness::SameLetters);
    assert_eq!(
        serde_json::to_string(&kind).unwrap(),
        r#"{"kind":"near","reason":{"type":"similar_names","birth_name":"typo","first_name":"same_letters"}}"#
    );
    assert_eq!(
        serde_json::to_string(&MatchKind::Exact).unwrap(),
        r#"{"kind":"exact"}"#
    );
}
