//! Comparing two identities: exact duplicate, near match to be reviewed by support, or
//! different. Pure and symmetric; it flags, it never merges. The rule is stated in the
//! `identity` module documentation.

use super::name::PersonName;
use super::phonetic::phonetic_key;
use super::traits::IdentityTraits;
use serde::Serialize;

/// How two identities compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MatchKind {
    /// Same five normalized traits: creation is refused as a duplicate.
    Exact,
    /// Same birth date and sex, similar names: creation waits for support review.
    Near {
        reason: NearReason,
    },
    Different,
}

/// Why two identities are a near match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NearReason {
    /// Birth names alike and first first-names alike (each says how).
    SimilarNames {
        birth_name: Likeness,
        first_name: Likeness,
    },
    /// The birth name of one is alike the first first-name of the other, and the reverse.
    SwappedNames,
}

/// How two names are alike, from the closest to the loosest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Likeness {
    /// Same letters once spaces, hyphens and apostrophes are ignored (N'GUYEN, NGUYEN).
    SameLetters,
    /// One typing error: Damerau–Levenshtein distance ≤ 1, or ≤ 2 if both have ≥ 8 letters.
    Typo,
    /// Same phonetic key (GAUTHIER, GOTIER).
    SoundsAlike,
    /// Every part of one compound name is a part of the other (WAMYTAN, WAMYTAN-POIROI).
    PartOf,
}

impl NearReason {
    /// For the support console.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::SimilarNames { .. } => "Même date de naissance et même sexe, noms proches",
            Self::SwappedNames => "Même date de naissance et même sexe, nom et prénom inversés",
        }
    }
}

/// Compares two identities; see the `identity` module documentation for the rule.
pub fn similarity(a: &IdentityTraits, b: &IdentityTraits) -> MatchKind {
    if a.normalized_key() == b.normalized_key() {
        return MatchKind::Exact;
    }
    if a.birth_date != b.birth_date || a.sex != b.sex {
        return MatchKind::Different;
    }
    let (a_birth, b_birth) = (a.birth_name.name(), b.birth_name.name());
    let (a_first, b_first) = (a.first_names.first(), b.first_names.first());
    if let (Some(birth_name), Some(first_name)) =
        (likeness(a_birth, b_birth), likeness(a_first, b_first))
    {
        return MatchKind::Near {
            reason: NearReason::SimilarNames {
                birth_name,
                first_name,
            },
        };
    }
    if likeness(a_birth, b_first).is_some() && likeness(a_first, b_birth).is_some() {
        return MatchKind::Near {
            reason: NearReason::SwappedNames,
        };
    }
    MatchKind::Different
}

/// How two names are alike, if they are (see [`Likeness`]).
pub fn likeness(a: &PersonName, b: &PersonName) -> Option<Likeness> {
    let (a_letters, b_letters) = (a.letters(), b.letters());
    if a_letters == b_letters {
        return Some(Likeness::SameLetters);
    }
    let shorter = a_letters.len().min(b_letters.len());
    let allowed = if shorter >= 8 { 2 } else { 1 };
    if damerau_levenshtein(a_letters.as_bytes(), b_letters.as_bytes()) <= allowed {
        return Some(Likeness::Typo);
    }
    let a_key = phonetic_key(&a_letters);
    if !a_key.is_empty() && a_key == phonetic_key(&b_letters) {
        return Some(Likeness::SoundsAlike);
    }
    if is_part_of(a.normalized(), b.normalized()) || is_part_of(b.normalized(), a.normalized()) {
        return Some(Likeness::PartOf);
    }
    None
}

/// Every space- or hyphen-separated part of `short` is a part of `long`, and `short` has at
/// least 3 letters (so that « LA » is not part of « DE LA FONTAINE »).
fn is_part_of(short: &str, long: &str) -> bool {
    let parts = |name: &str| -> Vec<String> {
        name.split([' ', '-'])
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let letters = short.bytes().filter(u8::is_ascii_alphabetic).count();
    let long_parts = parts(long);
    letters >= 3 && parts(short).iter().all(|p| long_parts.contains(p))
}

/// Damerau–Levenshtein distance in its "optimal string alignment" form: insertions,
/// deletions, substitutions and transpositions of two adjacent letters each count as one edit.
pub fn damerau_levenshtein(a: &[u8], b: &[u8]) -> usize {
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
#[path = "matching_tests.rs"]
mod tests;
