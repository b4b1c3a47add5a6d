//! Identity normalisation and validation on any text: the fields of an identity, one a line
//! (CAFAT or AMG number, birth name, first names separated by `,`, birth date, sex, birth place,
//! then the number's kind).
//! Never panics; normalising is idempotent; a valid identity is an exact match of itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mds_domain::identity::{
    likeness, normalize_name, phonetic_key, similarity, BirthName, IdentifierRules, IdentityInput,
    MatchKind, NameField,
};
use time::macros::date;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.split('\n');
    let mut next = || lines.next().unwrap_or_default().to_owned();
    let input = IdentityInput {
        cafat: next(),
        birth_name: next(),
        first_names: next().split(',').map(str::to_owned).collect(),
        birth_date: next(),
        sex: next(),
        birth_place: next(),
        identifier_kind: next(),
    };
    if let Ok(once) = normalize_name(&input.birth_name, NameField::BirthName) {
        let twice = normalize_name(&once, NameField::BirthName).expect("a normalised name is valid");
        assert_eq!(once, twice, "normalising is idempotent");
    }
    let _ = phonetic_key(&input.birth_name);
    if let (Ok(a), Ok(b)) = (
        BirthName::parse(&input.birth_name),
        BirthName::parse(input.first_names.first().map_or("", String::as_str)),
    ) {
        let _ = likeness(a.name(), b.name());
    }
    if let Ok(traits) = input.validate(&IdentifierRules::default(), date!(2026 - 11 - 22)) {
        assert_eq!(similarity(&traits, &traits), MatchKind::Exact);
        let _ = traits.normalized_key();
    }
});
