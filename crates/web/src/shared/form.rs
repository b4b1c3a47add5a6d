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
