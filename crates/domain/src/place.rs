//! Birth places in words: every current French commune (INSEE code, official name, department
//! or overseas collectivity; `reference/fr-communes.csv`, from the INSEE Code officiel
//! géographique through `scripts/reference/fr-communes.py`), embedded at build time. Lookup
//! and search only: a birth place CODE is validated by `identity::BirthPlace`, which also
//! accepts the codes of communes that no longer exist (a person keeps the code of their
//! commune of birth) and the INSEE 99xxx country codes. The names of the countries are not
//! shipped: no packaged copy of INSEE's country list was reachable when this was written, so a
//! country is given by its code.

use crate::identity::name::fold_letter;
use std::sync::OnceLock;

const COMMUNES_CSV: &str = include_str!("../../../reference/fr-communes.csv");

/// One commune of the embedded list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub code: &'static str,
    pub name: &'static str,
    /// The department (`75`, `2A`, `974`) or overseas collectivity (`988`).
    pub area: &'static str,
}

impl Place {
    /// How people read it: « Paris (75) », « Nouméa (988) ».
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, self.area)
    }
}

struct Index {
    /// Sorted by code.
    places: Vec<Place>,
    /// The search key of each place's name, in the order of `places`.
    keys: Vec<String>,
}

fn parse(csv: &'static str, out: &mut Vec<Place>) {
    for line in csv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let mut parts = line.split(',');
        let (Some(code), Some(name)) = (parts.next(), parts.next()) else {
            continue;
        };
        let area = parts.next().unwrap_or("");
        out.push(Place { code, name, area });
    }
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut places = Vec::with_capacity(36_000);
        parse(COMMUNES_CSV, &mut places);
        places.sort_by_key(|p| p.code);
        let keys = places.iter().map(|p| search_key(p.name)).collect();
        Index { places, keys }
    })
}

/// Letters folded to upper-case base letters (`é` → `E`, `œ` → `OE`), digits kept, every run
/// of anything else (spaces, hyphens, apostrophes) one space: « Saint-Denis » and « st denis »
/// compare by `SAINT DENIS` and `ST DENIS`.
pub fn search_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let folded = if c.is_ascii_digit() {
            Some((c, None))
        } else {
            fold_letter(c)
        };
        match folded {
            Some((a, b)) => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(a);
                out.extend(b);
            }
            None => space = true,
        }
    }
    out
}

/// The place of a code, if it is in the lists.
pub fn place_by_code(code: &str) -> Option<&'static Place> {
    let code = code.trim().to_ascii_uppercase();
    let idx = index();
    idx.places
        .binary_search_by(|p| p.code.cmp(code.as_str()))
        .ok()
        .map(|i| &idx.places[i])
}

/// The label of a birth place code (« Paris (75) »), or the code itself when it is not in the
/// list (a former commune, a country).
pub fn birth_place_label(code: &str) -> String {
    place_by_code(code).map_or_else(|| code.to_owned(), Place::label)
}

/// The places whose name matches `query`, at most `limit`: a code typed as such first, then
/// names equal to the query, then names starting with it, then names with a word starting
/// with it; within each, New Caledonia first, then by name. Empty for a query of fewer than
/// two letters.
pub fn search(query: &str, limit: usize) -> Vec<&'static Place> {
    let idx = index();
    if let Some(p) = place_by_code(query) {
        return vec![p];
    }
    let q = search_key(query);
    if q.chars().count() < 2 {
        return Vec::new();
    }
    let word = format!(" {q}");
    let mut found: Vec<(u8, bool, &'static Place)> = idx
        .places
        .iter()
        .zip(&idx.keys)
        .filter_map(|(p, k)| {
            let rank = if *k == q {
                0
            } else if k.starts_with(&q) {
                1
            } else if k.contains(&word) {
                2
            } else {
                return None;
            };
            Some((rank, p.area != "988", p))
        })
        .collect();
    found.sort_by(|a, b| (a.0, a.1, a.2.name, a.2.code).cmp(&(b.0, b.1, b.2.name, b.2.code)));
    found.into_iter().take(limit).map(|(_, _, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_every_current_commune() {
        let idx = index();
        assert!(idx.places.len() > 34_000, "{}", idx.places.len());
        let nc = idx.places.iter().filter(|p| p.area == "988").count();
        assert_eq!(nc, 33, "the 33 communes of New Caledonia");
        assert!(
            idx.places.windows(2).all(|w| w[0].code < w[1].code),
            "codes unique"
        );
        for (code, label) in [
            ("98818", "Nouméa (988)"),
            ("75056", "Paris (75)"),
            ("2A004", "Ajaccio (2A)"),
            ("2a004", "Ajaccio (2A)"),
            ("97411", "Saint-Denis (974)"),
        ] {
            assert_eq!(
                place_by_code(code).map(Place::label).as_deref(),
                Some(label)
            );
        }
        assert_eq!(
            birth_place_label("12345"),
            "12345",
            "a former commune keeps its code"
        );
    }

    #[test]
    fn search_decision_table() {
        // (query, expected first code, at least this many results)
        let cases = [
            ("Nouméa", "98818", 1),
            ("noumea", "98818", 1),
            ("98818", "98818", 1),
            ("saint denis", "", 5),
            ("Saint-Denis", "", 5),
            ("ajaccio", "2A004", 1),
            ("Koné", "98811", 1),
        ];
        for (q, first, at_least) in cases {
            let found = search(q, 50);
            assert!(found.len() >= at_least, "{q}: {found:?}");
            if !first.is_empty() {
                assert_eq!(found[0].code, first, "{q}");
            }
        }
        let denis: Vec<_> = search("saint denis", 50).iter().map(|p| p.code).collect();
        assert!(
            denis.contains(&"97411") && denis.contains(&"93066"),
            "{denis:?}"
        );
        assert!(search("x", 50).is_empty(), "too short");
        assert!(search("zzzzqqq", 50).is_empty());
        assert_eq!(search("saint", 10).len(), 10, "limited");
    }

    #[test]
    fn search_keys_fold_accents_and_separators() {
        assert_eq!(
            search_key("L'Abergement-Clémenciat"),
            "L ABERGEMENT CLEMENCIAT"
        );
        assert_eq!(search_key("  st  denis "), "ST DENIS");
        assert_eq!(search_key("Œuilly"), "OEUILLY");
    }
}
