//! The pieces of forms every portal uses: the hidden anti-CSRF field, a form's error and the
//! confirmation after an action (both announced), `aria-describedby` linking hints and errors;
//! empty fields read as "no filter", and a field of several words.

use maud::{html, Markup};

/// An empty field is no filter.
pub fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// The words of a field (first names typed in one field).
pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_owned).collect()
}

/// A confirmation after an action (the GET after the POST), announced politely.
pub fn notice(text: Option<&str>) -> Markup {
    html! {
        @if let Some(t) = text {
            p.notice role="status" { (t) }
        }
    }
}

/// An error in a form, announced at once and named by the fields it concerns.
pub fn form_error(id: &str, text: Option<&str>) -> Markup {
    html! {
        @if let Some(t) = text {
            p.error #(id) role="alert" { (t) }
        }
    }
}

/// `aria-describedby` of a field: its hint and the form's error, when present.
pub fn described_by(hint: Option<&str>, error: Option<&str>) -> Option<String> {
    let ids: Vec<&str> = [hint, error].into_iter().flatten().collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The hidden anti-CSRF field of every posted form.
pub fn csrf(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

/// The sex of an identity as two radio buttons under a legend, neither checked unless `value`
/// says so: a default would be recorded as a fact by whoever does not change it (issue 18).
/// `required` makes the browser ask; the use case refuses an absent value anyway.
pub fn sex_choice(lang: crate::shell::i18n::Lang, value: &str, required: bool) -> Markup {
    html! {
        fieldset.choice {
            legend { (lang.t("enrol.sex")) }
            @for (code, key) in [("F", "enrol.sex.f"), ("M", "enrol.sex.m")] {
                label {
                    input type="radio" name="sex" value=(code) required[required] checked[value == code];
                    (lang.t(key))
                }
            }
        }
    }
}

/// A birth place among the communes of New Caledonia, starting on « Choisissez une commune »
/// (no commune preselected: the first one, Bélep, would otherwise be recorded by default).
pub fn birth_place_select(
    lang: crate::shell::i18n::Lang,
    value: &str,
    described: Option<&str>,
) -> Markup {
    html! {
        select #birth_place name="birth_place" required aria-describedby=[described] {
            option value="" selected[value.is_empty()] { (lang.t("prox.create.birth_place.choose")) }
            @for c in mds_domain::commune::nc_communes() {
                option value=(c.code) selected[value == c.code] { (c.name) }
            }
        }
    }
}
