//! Birth names and first names, kept as entered and in the normalized form used for matching.
//! Validation and normalization only; comparing names belongs to `matching`.
//!
//! Normalization (idempotent; the result contains only `A`–`Z`, single spaces, `-` and `'`):
//! - letters are upper-cased and their diacritics removed with the folding table below
//!   (`œ` → `OE`, `æ` → `AE`); decomposed input (a letter followed by combining accents
//!   U+0300–U+036F) is folded the same way as precomposed input;
//! - any white space (including no-break spaces) is a space; runs of spaces become one;
//! - `’ ‘ ʼ ʻ` become `'` (ʻ is the glottal stop of Wallisian and Tahitian names);
//!   `‐ ‑ ‒ –` become `-`; spaces next to a hyphen or an apostrophe are dropped
//!   (« Wamytan - Poiroi » → `WAMYTAN-POIROI`), and `--` (the double-name separator used by
//!   civil status between 2005 and 2011) becomes `-`;
//! - a name must start and end with a letter and may not chain `'` with `-` or `''`;
//! - anything else (digits, punctuation, emoji, non-Latin letters) is refused by name.

use super::error::{IdentityError, NameField};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest accepted name, in characters as entered (the INS allows 100).
pub const NAME_MAX_CHARS: usize = 100;

/// Most first names accepted in one list.
pub const FIRST_NAMES_MAX: usize = 20;

/// A name as entered (trimmed) and its normalized form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PersonName {
    entered: String,
    normalized: String,
}

impl PersonName {
    pub fn parse(text: &str, field: NameField) -> Result<Self, IdentityError> {
        let entered = text.trim();
        if entered.is_empty() {
            return Err(IdentityError::NameEmpty { field });
        }
        if entered.chars().count() > NAME_MAX_CHARS {
            return Err(IdentityError::NameTooLong {
                field,
                max: NAME_MAX_CHARS,
            });
        }
        // Accents beyond what any language stacks on one letter would be folded away
        // silently; they are refused instead.
        if crate::text::check_line(entered) == Err(crate::text::TextProblem::StackedMarks) {
            return Err(IdentityError::NameInvalidCharacter {
                field,
                character: '\u{0301}',
            });
        }
        Ok(Self {
            entered: entered.to_owned(),
            normalized: normalize_name(entered, field)?,
        })
    }

    /// As typed by the person who entered it, outer spaces removed.
    pub fn entered(&self) -> &str {
        &self.entered
    }

    /// Upper case, no diacritics, single spaces, hyphen and apostrophe kept.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// Letters only: spaces, hyphens and apostrophes are not significant when comparing.
    pub fn letters(&self) -> String {
        self.normalized
            .chars()
            .filter(char::is_ascii_alphabetic)
            .collect()
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.entered)
    }
}

/// The birth name (nom de naissance). Serialized as the entered string.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BirthName(PersonName);

impl BirthName {
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        PersonName::parse(text, NameField::BirthName).map(Self)
    }

    pub fn name(&self) -> &PersonName {
        &self.0
    }

    pub fn entered(&self) -> &str {
        self.0.entered()
    }

    pub fn normalized(&self) -> &str {
        self.0.normalized()
    }
}

impl TryFrom<String> for BirthName {
    type Error = IdentityError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<BirthName> for String {
    fn from(name: BirthName) -> Self {
        name.0.entered
    }
}

/// The ordered list of first names, at least one. Serialized as an array of entered strings.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
pub struct FirstNames(Vec<PersonName>);

impl FirstNames {
    /// Blank entries are skipped (a form with three first-name boxes, one filled); errors name
    /// the position of the entry as given.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, IdentityError> {
        let mut parsed = Vec::new();
        for (index, name) in names.iter().enumerate() {
            if name.as_ref().trim().is_empty() {
                continue;
            }
            parsed.push(PersonName::parse(
                name.as_ref(),
                NameField::FirstName(index + 1),
            )?);
        }
        if parsed.is_empty() {
            return Err(IdentityError::FirstNamesMissing);
        }
        if parsed.len() > FIRST_NAMES_MAX {
            return Err(IdentityError::FirstNamesTooMany {
                max: FIRST_NAMES_MAX,
            });
        }
        Ok(Self(parsed))
    }

    /// The first first-name, the one compared for near matches.
    pub fn first(&self) -> &PersonName {
        // Never empty: `parse`, the only constructor (serde goes through it), refuses that.
        &self.0[0]
    }

    pub fn iter(&self) -> impl Iterator<Item = &PersonName> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: kept for clippy's `len_without_is_empty`.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The normalized list joined by single spaces, as the INS writes its list of first names:
    /// « Jean Marie » entered as one first name and « Jean », « Marie » give the same text.
    pub fn normalized(&self) -> String {
        let names: Vec<&str> = self.0.iter().map(PersonName::normalized).collect();
        names.join(" ")
    }
}

impl TryFrom<Vec<String>> for FirstNames {
    type Error = IdentityError;
    fn try_from(names: Vec<String>) -> Result<Self, Self::Error> {
        Self::parse(&names)
    }
}

impl From<FirstNames> for Vec<String> {
    fn from(names: FirstNames) -> Self {
        names.0.into_iter().map(|n| n.entered).collect()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Separator {
    Space,
    Hyphen,
    Apostrophe,
}

/// Normalizes a name (see the module documentation). `field` only labels the error.
pub fn normalize_name(text: &str, field: NameField) -> Result<String, IdentityError> {
    let mut out = String::with_capacity(text.len());
    // Separators seen since the last letter; resolved when the next letter arrives.
    let mut pending: Vec<Separator> = Vec::new();
    let mut after_letter = false;
    for c in text.chars() {
        let separator = match c {
            c if c.is_whitespace() => Some(Separator::Space),
            '-' | '\u{2010}'..='\u{2013}' => Some(Separator::Hyphen),
            '\'' | '\u{2018}' | '\u{2019}' | '\u{02bc}' | '\u{02bb}' => Some(Separator::Apostrophe),
            _ => None,
        };
        if let Some(separator) = separator {
            pending.push(separator);
            after_letter = false;
            continue;
        }
        if ('\u{0300}'..='\u{036f}').contains(&c) && after_letter {
            continue; // a combining accent on the letter just written
        }
        let Some((first, second)) = fold_letter(c) else {
            return Err(IdentityError::NameInvalidCharacter {
                field,
                character: c,
            });
        };
        if !pending.is_empty() {
            if out.is_empty() {
                check_outer(&pending, field)?;
            } else {
                out.push(join_separators(&pending, field)?);
            }
            pending.clear();
        }
        out.push(first);
        out.extend(second);
        after_letter = true;
    }
    check_outer(&pending, field)?;
    if out.is_empty() {
        return Err(IdentityError::NameEmpty { field });
    }
    Ok(out)
}

/// Outer spaces are dropped; an outer hyphen or apostrophe is refused.
fn check_outer(run: &[Separator], field: NameField) -> Result<(), IdentityError> {
    if run.iter().all(|s| *s == Separator::Space) {
        Ok(())
    } else {
        Err(IdentityError::NameMisplacedSeparator { field })
    }
}

/// The single character that stands between two letters for a run of separators.
fn join_separators(run: &[Separator], field: NameField) -> Result<char, IdentityError> {
    let marks: Vec<Separator> = run
        .iter()
        .copied()
        .filter(|s| *s != Separator::Space)
        .collect();
    match marks.as_slice() {
        [] => Ok(' '),
        [Separator::Apostrophe] => Ok('\''),
        hyphens if hyphens.iter().all(|s| *s == Separator::Hyphen) => Ok('-'),
        _ => Err(IdentityError::NameMisplacedSeparator { field }),
    }
}

/// The words of a name or of a search as a search compares them: letters folded to their
/// lower-case base (`Kaloï` and `kaloi` alike, `Œ` as `oe`), digits kept, anything else a
/// separator (`Jean-Marc N'Guyen` gives `jean`, `marc`, `n`, `guyen`).
pub fn search_words(text: &str) -> Vec<String> {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        match fold_letter(c) {
            Some((a, b)) => {
                folded.push(a.to_ascii_lowercase());
                if let Some(b) = b {
                    folded.push(b.to_ascii_lowercase());
                }
            }
            None if c.is_ascii_digit() => folded.push(c),
            None => folded.push(' '),
        }
    }
    folded.split_whitespace().map(str::to_owned).collect()
}

/// The upper-case base letter(s) of an accepted letter, `None` for anything else. This is the
/// folding table: the Latin letters of French, of Kanak languages (diaeresis, circumflex,
/// tilde), of Polynesian languages (macron), plus Spanish and Portuguese ones met in New
/// Caledonia. `œ` and `æ` give two letters.
pub(crate) fn fold_letter(c: char) -> Option<(char, Option<char>)> {
    let base = match c {
        'A'..='Z' => c,
        'a'..='z' => c.to_ascii_uppercase(),
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'ā' | 'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' | 'Ā' => {
            'A'
        }
        'ç' | 'Ç' => 'C',
        'è' | 'é' | 'ê' | 'ë' | 'ẽ' | 'ē' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ẽ' | 'Ē' => 'E',
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' => 'I',
        'ñ' | 'Ñ' => 'N',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ō' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Ö' | 'Õ' | 'Ō' | 'Ø' => {
            'O'
        }
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ũ' | 'Ū' => 'U',
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => 'Y',
        'œ' | 'Œ' => return Some(('O', Some('E'))),
        'æ' | 'Æ' => return Some(('A', Some('E'))),
        _ => return None,
    };
    Some((base, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: NameField = NameField::BirthName;

    /// One named case of the normalization table: input, then the normalized form or the code
    /// of the expected error.
    struct Case {
        name: &'static str,
        input: &'static str,
        expected: Result<&'static str, &'static str>,
    }

    fn ok(name: &'static str, input: &'static str, normalized: &'static str) -> Case {
        Case {
            name,
            input,
            expected: Ok(normalized),
        }
    }

    fn refused(name: &'static str, input: &'static str, code: &'static str) -> Case {
        Case {
            name,
            input,
            expected: Err(code),
        }
    }

    #[test]
    fn search_words_fold_accents_case_and_separators() {
        let cases = [
            ("Kaloï", vec!["kaloi"]),
            ("  paul   KALOI ", vec!["paul", "kaloi"]),
            ("Jean-Marc N'Guyen", vec!["jean", "marc", "n", "guyen"]),
            ("Œuvray", vec!["oeuvray"]),
            ("Élise Wéa", vec!["elise", "wea"]),
            ("%_*", vec![]),
        ];
        for (text, expected) in cases {
            assert_eq!(search_words(text), expected, "{text}");
        }
    }

    fn normalization_cases() -> Vec<Case> {
        vec![
            ok("accent_removed_and_upper_case", "Néa", "NEA"),
            ok("apostrophe_kept", "N'GUYEN", "N'GUYEN"),
            ok("typographic_apostrophe_becomes_ascii", "N’Guyen", "N'GUYEN"),
            ok("left_quote_as_apostrophe", "N‘Guyen", "N'GUYEN"),
            ok("okina_as_apostrophe", "Taʻofifenua", "TA'OFIFENUA"),
            ok("hyphen_kept", "Wamytan-Poiroi", "WAMYTAN-POIROI"),
            ok(
                "spaces_around_hyphen_dropped",
                "Wamytan - Poiroi",
                "WAMYTAN-POIROI",
            ),
            ok("en_dash_is_a_hyphen", "Wamytan – Poiroi", "WAMYTAN-POIROI"),
            ok(
                "double_hyphen_of_2005_becomes_one",
                "Dupont--Martin",
                "DUPONT-MARTIN",
            ),
            ok("space_after_apostrophe_dropped", "N' Guyen", "N'GUYEN"),
            ok(
                "double_spaces_collapsed",
                "de  la   Fontaine",
                "DE LA FONTAINE",
            ),
            ok("no_break_space_is_a_space", "De\u{a0}Gaulle", "DE GAULLE"),
            ok("tab_is_a_space", "De\tGaulle", "DE GAULLE"),
            ok("outer_spaces_trimmed", "  Néa  ", "NEA"),
            ok("oe_ligature", "Lœtitia", "LOETITIA"),
            ok("upper_oe_ligature", "ŒUVRARD", "OEUVRARD"),
            ok("ae_ligature", "Lætitia", "LAETITIA"),
            ok("cedilla", "François", "FRANCOIS"),
            ok("french_lower_table", "àâäéèêëîïôöùûüÿç", "AAAEEEEIIOOUUUYC"),
            ok("french_upper_table", "ÀÂÄÉÈÊËÎÏÔÖÙÛÜŸÇ", "AAAEEEEIIOOUUUYC"),
            ok("spanish_tilde", "Muñoz", "MUNOZ"),
            ok("macron_of_polynesian_names", "Tāufaʻāhau", "TAUFA'AHAU"),
            ok("kanak_diaeresis", "Hnëkë", "HNEKE"),
            ok("decomposed_accents", "Ne\u{301}a", "NEA"),
            ok("decomposed_cedilla", "Franc\u{327}ois", "FRANCOIS"),
            ok(
                "already_normalized_unchanged",
                "WAMYTAN-POIROI",
                "WAMYTAN-POIROI",
            ),
            refused("digit_refused", "Néa2", "birth_name_invalid_character"),
            refused("emoji_refused", "Néa 😀", "birth_name_invalid_character"),
            refused("dot_refused", "St. Jean", "birth_name_invalid_character"),
            refused("comma_refused", "Néa, Jean", "birth_name_invalid_character"),
            refused("greek_refused", "Νέα", "birth_name_invalid_character"),
            refused(
                "lone_combining_accent_refused",
                "\u{301}Nea",
                "birth_name_invalid_character",
            ),
            refused(
                "leading_hyphen_refused",
                "-Néa",
                "birth_name_misplaced_separator",
            ),
            refused(
                "trailing_apostrophe_refused",
                "Néa'",
                "birth_name_misplaced_separator",
            ),
            refused(
                "hyphen_then_apostrophe_refused",
                "A-'B",
                "birth_name_misplaced_separator",
            ),
            refused(
                "double_apostrophe_refused",
                "A''B",
                "birth_name_misplaced_separator",
            ),
            refused("only_spaces_refused", "   ", "birth_name_empty"),
            refused("only_hyphen_refused", "-", "birth_name_misplaced_separator"),
        ]
    }

    #[test]
    fn normalization_table() {
        let mut failures = Vec::new();
        for case in normalization_cases() {
            let got = PersonName::parse(case.input, B)
                .map(|n| n.normalized().to_owned())
                .map_err(|e| e.code());
            let expected = case.expected.map(str::to_owned);
            if got != expected {
                failures.push(format!("{}: expected {expected:?}, got {got:?}", case.name));
            }
        }
        assert!(
            failures.is_empty(),
            "failing cases:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn normalize_name_alone_drops_outer_spaces() {
        assert_eq!(normalize_name("  Néa  ", B), Ok("NEA".to_owned()));
        assert_eq!(
            normalize_name("\u{a0}N’Guyen\t", B),
            Ok("N'GUYEN".to_owned())
        );
        assert_eq!(
            normalize_name(" - Néa", B).map_err(|e| e.code()),
            Err("birth_name_misplaced_separator")
        );
        assert_eq!(
            normalize_name("  ", B).map_err(|e| e.code()),
            Err("birth_name_empty")
        );
    }

    #[test]
    fn entered_form_is_kept() {
        let name = BirthName::parse("  N’Guyen  ").unwrap();
        assert_eq!(name.entered(), "N’Guyen");
        assert_eq!(name.normalized(), "N'GUYEN");
        assert_eq!(name.name().letters(), "NGUYEN");
    }

    #[test]
    fn refusal_names_the_character_and_the_field() {
        let error = FirstNames::parse(&["Jean", "Pa3l"]).unwrap_err();
        assert_eq!(
            error,
            IdentityError::NameInvalidCharacter {
                field: NameField::FirstName(2),
                character: '3'
            }
        );
        assert!(error.to_string().starts_with("Le prénom n° 2 contient"));
    }

    #[test]
    fn a_letter_under_a_pile_of_accents_is_refused() {
        let piled = format!("We{}a", "\u{0301}".repeat(60));
        assert_eq!(
            BirthName::parse(&piled).unwrap_err().code(),
            BirthName::parse("We1a").unwrap_err().code()
        );
        assert!(BirthName::parse("We\u{0301}a").is_ok());
    }

    #[test]
    fn too_long_name_refused() {
        let long = "A".repeat(NAME_MAX_CHARS + 1);
        assert_eq!(
            BirthName::parse(&long).unwrap_err().code(),
            "birth_name_too_long"
        );
        assert!(BirthName::parse(&"A".repeat(NAME_MAX_CHARS)).is_ok());
    }

    #[test]
    fn first_names_keep_order_and_skip_blanks() {
        let names = FirstNames::parse(&["Jean-Marie", " ", "Éloïse"]).unwrap();
        assert_eq!(names.len(), 2);
        assert_eq!(names.first().normalized(), "JEAN-MARIE");
        assert_eq!(names.normalized(), "JEAN-MARIE ELOISE");
        let empty: [&str; 2] = ["", "  "];
        assert_eq!(
            FirstNames::parse(&empty).unwrap_err(),
            IdentityError::FirstNamesMissing
        );
        let many = vec!["Jean"; FIRST_NAMES_MAX + 1];
        assert_eq!(
            FirstNames::parse(&many).unwrap_err().code(),
            "first_names_too_many"
        );
    }

    #[test]
    fn names_serialize_as_entered_strings() {
        let names = FirstNames::parse(&["Jean", "Éloïse"]).unwrap();
        let json = serde_json::to_string(&names).unwrap();
        assert_eq!(json, r#"["Jean","Éloïse"]"#);
        let back: FirstNames = serde_json::from_str(&json).unwrap();
        assert_eq!(back, names);
        let birth: BirthName = serde_json::from_str(r#""Néa""#).unwrap();
        assert_eq!(birth.normalized(), "NEA");
        assert!(serde_json::from_str::<BirthName>(r#""N3a""#).is_err());
        assert!(serde_json::from_str::<FirstNames>("[]").is_err());
    }

    proptest::proptest! {
        #[test]
        fn normalization_is_idempotent(text in "\\PC{0,30}") {
            if let Ok(once) = normalize_name(&text, B) {
                proptest::prop_assert_eq!(normalize_name(&once, B), Ok(once.clone()));
                proptest::prop_assert!(once
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c == ' ' || c == '-' || c == '\''));
            }
        }

        #[test]
        fn normalization_is_idempotent_on_name_like_text(
            text in "[a-zA-Zéèêëàâäîïôöûüùÿçœæñ’' \\-]{1,30}"
        ) {
            if let Ok(once) = normalize_name(&text, B) {
                proptest::prop_assert_eq!(normalize_name(&once, B), Ok(once.clone()));
            }
        }
    }
}
