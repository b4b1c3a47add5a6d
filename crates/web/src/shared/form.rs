//! The pieces of forms every portal uses: the hidden anti-CSRF field, a form's error and the
//! confirmation after an action (both announced), `aria-describedby` linking hints and errors;
//! empty fields read as "no filter", and a field of several words.

use crate::shell::i18n::Lang;
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

/// The error of a form as a summary at its top (the GOV.UK and DSFR pattern): a heading and
/// the message, linking to the field it concerns when there is one (`#field`). The same
/// message is repeated at the field with [`field_error`]; the page script focuses the
/// summary (`main .error`), so it is read at once.
pub fn error_summary(lang: Lang, text: Option<&str>, field: Option<&str>) -> Markup {
    html! {
        @if let Some(t) = text {
            div.error.error-summary role="alert" {
                h2 { (lang.t("form.error.title")) }
                @match field {
                    Some(f) => { p { a href=(format!("#{f}")) { (t) } } }
                    None => { p { (t) } }
                }
            }
        }
    }
}

/// The message of [`error_summary`] repeated at its field, `id` naming it for the field's
/// `aria-describedby`.
pub fn field_error(id: &str, text: Option<&str>) -> Markup {
    html! {
        @if let Some(t) = text {
            p.field-error #(id) { (t) }
        }
    }
}

/// A file already received in a refused form, kept for the person (`mds_app::held_uploads`):
/// its name and size, the hidden handle `name` sent back, and what choosing another does.
pub fn held_file(lang: Lang, name: &str, held: &mds_app::held_uploads::HeldFile) -> Markup {
    html! {
        p.held-file {
            strong { (lang.t("upload.held")) } " " (held.file_name) " (" (size_text(held.size_bytes)) ")"
        }
        input type="hidden" name=(name) value=(held.id);
    }
}

/// « 120 Ko », « 2,4 Mo ».
pub fn size_text(bytes: i64) -> String {
    if bytes < 1_000_000 {
        format!("{} Ko", (bytes + 999) / 1000)
    } else {
        let tenths = (bytes + 50_000) / 100_000;
        format!("{},{} Mo", tenths / 10, tenths % 10)
    }
}

/// `aria-describedby` of a field: its hint and the form's error, when present.
pub fn described_by(hint: Option<&str>, error: Option<&str>) -> Option<String> {
    let ids: Vec<&str> = [hint, error].into_iter().flatten().collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The hidden anti-CSRF field of every posted form.
/// A required one-line field (text or password): its label, an optional hint and the error
/// shown at it, both linked by `aria-describedby`, the field marked invalid with its error.
pub struct Field<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub hint: Option<&'a str>,
    /// `text` or `password`.
    pub kind: &'a str,
    pub autocomplete: &'a str,
    pub max_chars: Option<usize>,
}

pub fn required_field(f: &Field<'_>, error: Option<&str>) -> Markup {
    let err_id = format!("{}-error", f.id);
    let hint_id = format!("{}-hint", f.id);
    let described = described_by(
        f.hint.map(|_| hint_id.as_str()),
        error.map(|_| err_id.as_str()),
    );
    html! {
        div.field {
            label for=(f.id) { (f.label) }
            @if let Some(h) = f.hint { p.hint #(hint_id) { (h) } }
            (field_error(&err_id, error))
            input #(f.id) name=(f.id) type=(f.kind) required autocomplete=(f.autocomplete)
                maxlength=[f.max_chars] aria-invalid=[error.map(|_| "true")]
                aria-describedby=[described];
        }
    }
}

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
                    input type="radio" id=(format!("sex-{code}")) name="sex" value=(code) required[required] checked[value == code];
                    (lang.t(key))
                }
            }
        }
    }
}

/// The kind of the identifier number typed beside it: CAFAT (checked unless `value` says
/// AMG) or AMG, the provincial free medical aid, for a person without CAFAT cover.
pub fn identifier_kind_choice(lang: crate::shell::i18n::Lang, value: &str) -> Markup {
    let amg = value.trim().eq_ignore_ascii_case("amg");
    html! {
        fieldset.choice {
            legend { (lang.t("identifier.kind")) }
            label {
                input type="radio" id="identifier_kind-cafat" name="identifier_kind" value="cafat" checked[!amg];
                (lang.t("identifier.kind.cafat"))
            }
            label {
                input type="radio" id="identifier_kind-amg" name="identifier_kind" value="amg" checked[amg];
                (lang.t("identifier.kind.amg"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_in_french_units() {
        for (bytes, text) in [
            (1, "1 Ko"),
            (120_000, "120 Ko"),
            (999_999, "1000 Ko"),
            (2_400_000, "2,4 Mo"),
            (20_000_000, "20,0 Mo"),
        ] {
            assert_eq!(super::size_text(bytes), text);
        }
    }
}
