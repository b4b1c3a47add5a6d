//! The birth place field of the identity forms (self-enrolment, a record created by a
//! professional), without JavaScript: the communes of New Caledonia in a list, and « ailleurs »
//! with a text field for any French commune or foreign country, by name or INSEE code. The
//! server resolves the text (`mds_domain::place::search`): one place is taken; several are
//! offered as a choice in the form shown again; none is refused with a French message.

use crate::shell::i18n::Lang;
use maud::{html, Markup};
use mds_app::AppError;
use mds_domain::place::{self, Place};

/// The list's value for « somewhere else ».
pub const OTHER: &str = "other";
/// Places offered when a name is ambiguous, at most.
const CANDIDATES: usize = 30;

/// What the form sent about the birth place.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Typed {
    /// The list: a New Caledonian commune's code, [`OTHER`] or empty.
    pub select: String,
    /// The text typed for another place.
    pub other: String,
    /// The place chosen among several offered.
    pub choice: String,
}

/// The place the form designates.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved {
    /// A code, to validate with the rest of the identity.
    Code(String),
    /// The text matches several places: the person chooses.
    Ambiguous(Vec<&'static Place>),
    /// The text matches no place.
    Unknown,
    /// Nothing chosen nor typed (the identity's own check refuses it).
    Empty,
}

/// Resolves what the form sent: a choice among the places offered, else a commune of the
/// list, else the text typed.
pub fn resolve(t: &Typed) -> Resolved {
    let choice = t.choice.trim();
    if !choice.is_empty() {
        return Resolved::Code(choice.to_owned());
    }
    let select = t.select.trim();
    if !select.is_empty() && select != OTHER {
        return Resolved::Code(select.to_owned());
    }
    let other = t.other.trim();
    if other.is_empty() {
        return Resolved::Empty;
    }
    // A well-formed INSEE code is taken as it is, even when it is in no list (the commune of
    // birth since merged, a country code).
    if let Ok(code) = mds_domain::identity::BirthPlace::parse(other) {
        return Resolved::Code(code.code().to_owned());
    }
    match place::search(other, CANDIDATES).as_slice() {
        [] => Resolved::Unknown,
        [one] => Resolved::Code(one.code.to_owned()),
        many => Resolved::Ambiguous(many.to_vec()),
    }
}

impl Resolved {
    /// The code for the identity (empty unless one place is designated).
    pub fn code(&self) -> String {
        match self {
            Resolved::Code(c) => c.clone(),
            _ => String::new(),
        }
    }

    /// The refusal to show, when the text designates no single place.
    pub fn refusal(&self, lang: Lang) -> Option<AppError> {
        match self {
            Resolved::Ambiguous(_) => Some(AppError::invalid(
                "birth_place_ambiguous",
                lang.t("place.ambiguous"),
            )),
            Resolved::Unknown => Some(AppError::invalid(
                "birth_place_unknown",
                lang.t("place.unknown"),
            )),
            _ => None,
        }
    }
}

/// The field: the list (a New Caledonian commune, or « ailleurs »), the text for another
/// place, and the places to choose from when the text named several. `code` is the place
/// designated so far (kept when the form comes back for another reason).
pub fn field(lang: Lang, code: &str, typed: &Typed, error: Option<&str>) -> Markup {
    let l = lang;
    let nc = mds_domain::commune::find_nc_commune(code).is_some();
    let other_chosen =
        !nc && (!code.is_empty() || typed.select == OTHER || !typed.other.is_empty());
    let other_text = if !nc && !code.is_empty() && typed.other.trim().is_empty() {
        place::birth_place_label(code)
    } else {
        typed.other.clone()
    };
    let candidates = match resolve(typed) {
        Resolved::Ambiguous(places) => places,
        _ => Vec::new(),
    };
    let described = error.map(|_| "birth_place-error");
    html! {
        div.field {
            label for="birth_place" { (l.t("enrol.birth_place")) }
            (crate::shared::form::field_error("birth_place-error", error))
            select #birth_place name="birth_place" required aria-describedby=[described] {
                option value="" selected[code.is_empty() && !other_chosen] { (l.t("prox.create.birth_place.choose")) }
                @for c in mds_domain::commune::nc_communes() {
                    option value=(c.code) selected[code == c.code] { (c.name) }
                }
                option value=(OTHER) selected[other_chosen] { (l.t("place.other.option")) }
            }
        }
        div.field {
            label for="birth_place_other" { (l.t("place.other.label")) }
            p.hint #birth_place_other-hint { (l.t("place.other.hint")) }
            input #birth_place_other type="text" name="birth_place_other" value=(other_text) autocomplete="off" maxlength="100" aria-describedby="birth_place_other-hint";
        }
        @if !candidates.is_empty() {
            fieldset.choice #birth_place_choice {
                legend { (l.t("place.choose")) }
                @for (i, p) in candidates.iter().enumerate() {
                    label {
                        input type="radio" id=(format!("birth_place_choice-{i}")) name="birth_place_choice" value=(p.code) required;
                        (p.label())
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(select: &str, other: &str, choice: &str) -> Typed {
        Typed {
            select: select.to_owned(),
            other: other.to_owned(),
            choice: choice.to_owned(),
        }
    }

    #[test]
    fn resolution_decision_table() {
        let code = |c: &str| Resolved::Code(c.to_owned());
        // (name, typed, expected)
        let cases = [
            (
                "a commune of the list",
                typed("98818", "", ""),
                code("98818"),
            ),
            (
                "the list wins over a stray text",
                typed("98818", "Paris", ""),
                code("98818"),
            ),
            (
                "another place by name",
                typed(OTHER, "Ajaccio", ""),
                code("2A004"),
            ),
            (
                "another place by code",
                typed(OTHER, "75056", ""),
                code("75056"),
            ),
            (
                "a text without the list",
                typed("", "Ajaccio", ""),
                code("2A004"),
            ),
            (
                "a choice among several",
                typed(OTHER, "Saint-Denis", "97411"),
                code("97411"),
            ),
            ("nothing", typed("", "", ""), Resolved::Empty),
            (
                "other, nothing typed",
                typed(OTHER, "  ", ""),
                Resolved::Empty,
            ),
            (
                "no such place",
                typed(OTHER, "Zzyzx", ""),
                Resolved::Unknown,
            ),
        ];
        let failing: Vec<_> = cases
            .iter()
            .filter(|(_, t, want)| resolve(t) != *want)
            .map(|c| c.0)
            .collect();
        assert!(failing.is_empty(), "failing cases: {failing:?}");
        match resolve(&typed(OTHER, "saint denis", "")) {
            Resolved::Ambiguous(places) => {
                assert!(places.iter().any(|p| p.code == "97411"), "{places:?}");
                assert!(places.len() <= CANDIDATES);
            }
            other => panic!("{other:?}"),
        }
    }
}
