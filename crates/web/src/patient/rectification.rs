//! The patient's rights on their identity and on the use of their record (issue 15, item 2):
//! ask for the correction of one identity trait — support compares a document and answers, the
//! answer comes as a notification and shows here — and limit the use of the record while a
//! request is examined (professionals then reach it only through an emergency access). Each
//! choice has its consequence written next to it; a refused request keeps what was typed.

use crate::patient::{chrome, render, Patient};
use crate::shared::form;
use crate::shell::csrf::Posted;
use crate::shell::error::Page;
use crate::shell::i18n::Lang;
use crate::shell::session::Session;
use crate::shell::Web;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use maud::{html, Markup};
use mds_app::patients::rectification::{
    Limitation, Rectification, MAX_TEXT_CHARS, MAX_VALUE_CHARS,
};
use mds_app::AppError;
use mds_domain::identity::rectification::TraitField;
use serde::Deserialize;

const HERE: &str = "/patient/rectification";

#[derive(Deserialize, Default)]
pub struct Done {
    ok: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct AskForm {
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
pub struct LimitForm {
    #[serde(default)]
    limited: String,
}

fn field_label(lang: Lang, f: TraitField) -> &'static str {
    match f {
        TraitField::BirthName => lang.t("rect.field.birth_name"),
        TraitField::FirstNames => lang.t("rect.field.first_names"),
        TraitField::BirthDate => lang.t("rect.field.birth_date"),
        TraitField::Sex => lang.t("rect.field.sex"),
        TraitField::BirthPlace => lang.t("rect.field.birth_place"),
    }
}

fn state_label(lang: Lang, state: &str) -> &'static str {
    match state {
        "applied" => lang.t("rect.state.applied"),
        "rejected" => lang.t("rect.state.rejected"),
        _ => lang.t("rect.state.pending"),
    }
}

fn limitation_section(lang: Lang, csrf: &str, l: Limitation) -> Markup {
    let t = |k| lang.t(k);
    html! {
        section.access.ok[!l.limited].no[l.limited] aria-labelledby="limit-title" {
            h2 #limit-title { (t("rect.limit.title")) }
            p { (t("rect.limit.what")) }
            p #limit-state {
                strong { (t("settings.emergency.now")) " : " }
                @if let (true, Some(since)) = (l.limited, l.since) {
                    (t("rect.limit.on")) " " (since.to_noumea_display())
                } @else {
                    (t("rect.limit.off"))
                }
            }
            form method="post" action="/patient/limitation" {
                (form::csrf(csrf))
                @if l.limited {
                    p.hint #limit-hint { (t("rect.limit.lift.hint")) }
                    input type="hidden" name="limited" value="0";
                    button.secondary type="submit" aria-describedby="limit-hint" { (t("rect.limit.lift")) }
                } @else {
                    p.hint #limit-hint { (t("rect.limit.set.hint")) }
                    input type="hidden" name="limited" value="1";
                    button.secondary type="submit" aria-describedby="limit-hint" { (t("rect.limit.set")) }
                }
            }
        }
    }
}

fn ask_form(lang: Lang, csrf: &str, v: &AskForm, error: Option<(&str, &'static str)>) -> Markup {
    let t = |k| lang.t(k);
    let (message, field) = error.map_or((None, None), |(m, f)| (Some(m), Some(f)));
    let at = |name: &str| (field == Some(name)).then_some(()).and(message);
    let described =
        |name: &str, hint: &str| form::described_by(Some(hint), at(name).map(|_| "rect-error"));
    html! {
        section aria-labelledby="ask-title" {
            h2 #ask-title { (t("rect.ask.title")) }
            p { (t("rect.ask.intro")) }
            (form::error_summary(lang, message, field))
            form.stack method="post" action=(HERE) {
                (form::csrf(csrf))
                div.field {
                    label for="field" { (t("rect.ask.field")) }
                    (form::field_error("rect-error", at("field")))
                    select #field name="field" required aria-describedby=[described("field", "field-hint")] {
                        option value="" selected[v.field.is_empty()] { (t("rect.ask.field.choose")) }
                        @for f in TraitField::ALL {
                            option value=(f.as_str()) selected[v.field == f.as_str()] { (field_label(lang, f)) }
                        }
                    }
                    p.hint #field-hint { (t("rect.ask.field.hint")) }
                }
                div.field {
                    label for="value" { (t("rect.ask.value")) }
                    (form::field_error("rect-error", at("value")))
                    input #value type="text" name="value" required maxlength=(MAX_VALUE_CHARS) value=(v.value) aria-describedby=[described("value", "value-hint")];
                    p.hint #value-hint { (t("rect.ask.value.hint")) }
                }
                div.field {
                    label for="message" { (t("rect.ask.message")) }
                    textarea #message name="message" rows="3" maxlength=(MAX_TEXT_CHARS) aria-describedby="message-hint" { (v.message) }
                    p.hint #message-hint { (t("rect.ask.message.hint")) }
                }
                div.actions { button type="submit" { (t("rect.ask.send")) } }
            }
        }
    }
}

fn requests_list(lang: Lang, list: &[Rectification]) -> Markup {
    let t = |k| lang.t(k);
    html! {
        section aria-labelledby="mine-title" {
            h2 #mine-title { (t("rect.mine.title")) }
            @if list.is_empty() {
                p { (t("rect.mine.none")) }
            } @else {
                ul.list {
                    @for r in list {
                        li {
                            strong { (TraitField::parse(&r.field).map_or(r.field_label.as_str(), |f| field_label(lang, f))) }
                            " — " (state_label(lang, &r.state))
                            br;
                            span.muted {
                                (t("rect.mine.asked")) " " (r.created_at.to_noumea_display()) " : « "
                                (r.previous_value) " » → « " (r.requested_value) " »"
                            }
                            @if let Some(note) = &r.decision_note {
                                br; (t("rect.mine.note")) " " (note)
                            }
                        }
                    }
                }
            }
        }
    }
}

async fn page(
    web: &Web,
    lang: Lang,
    s: &Session,
    notice: Option<&str>,
    v: &AskForm,
    error: Option<(&str, &'static str)>,
) -> Result<Markup, crate::shell::error::WebError> {
    let limitation = web.app.my_limitation(&s.actor).await?;
    let mine = web.app.my_rectifications(&s.actor).await?;
    Ok(html! {
        (form::notice(notice))
        p.lead { (lang.t("rect.intro")) }
        (ask_form(lang, &s.csrf, v, error))
        (requests_list(lang, &mine))
        (limitation_section(lang, &s.csrf, limitation))
        p { a href="/droits" { (lang.t("rect.rights.link")) } }
        p { a href="/patient/settings" { (lang.t("settings.back")) } }
    })
}

/// A patient. Their requests, the form to ask for a correction, and the limitation.
pub async fn show(
    State(web): State<Web>,
    Patient { s, lang, .. }: Patient,
    Query(done): Query<Done>,
) -> Page {
    let notice = match done.ok.as_deref() {
        Some("sent") => Some(lang.t("rect.ask.sent")),
        Some("limited") => Some(lang.t("rect.limit.done.on")),
        Some("lifted") => Some(lang.t("rect.limit.done.off")),
        _ => None,
    };
    let body = page(&web, lang, &s, notice, &AskForm::default(), None).await?;
    render(&chrome(lang, &s, lang.t("rect.title"), HERE), body)
}

/// A patient. Sends a correction request; a refusal shows the form again, as typed.
pub async fn ask(
    State(web): State<Web>,
    Patient { s, lang, .. }: Patient,
    Posted(form): Posted<AskForm>,
) -> Page {
    let now = crate::shell::now();
    let sent = web
        .app
        .request_rectification(&s.actor, &form.field, &form.value, &form.message, now)
        .await;
    let (status, message, field) = match &sent {
        Ok(_) => return Ok(Redirect::to(&format!("{HERE}?ok=sent")).into_response()),
        Err(e @ AppError::Invalid { .. }) => {
            let field = if e.code() == "unknown_field" {
                "field"
            } else {
                "value"
            };
            let message = e.public_message_in(lang.into());
            (StatusCode::UNPROCESSABLE_ENTITY, message, field)
        }
        Err(e @ AppError::Conflict { .. }) => (
            StatusCode::CONFLICT,
            e.public_message_in(lang.into()),
            "field",
        ),
        Err(_) => {
            return Err(sent
                .err()
                .map_or(crate::shell::error::WebError::BadRequest, Into::into))
        }
    };
    let body = page(&web, lang, &s, None, &form, Some((&message, field))).await?;
    let c = chrome(lang, &s, lang.t("rect.title"), HERE);
    let html = crate::shell::layout::page(&c, body);
    Ok((status, Html(html.into_string())).into_response())
}

/// A patient. Limits their record's use, or lifts the limitation.
pub async fn limit(
    State(web): State<Web>,
    Patient { s, pid, .. }: Patient,
    Posted(form): Posted<LimitForm>,
) -> Page {
    let limited = form.limited == "1";
    web.app
        .set_limitation(&s.actor, &pid, limited, crate::shell::now())
        .await?;
    let ok = if limited { "limited" } else { "lifted" };
    Ok(Redirect::to(&format!("{HERE}?ok={ok}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_and_state_has_words_in_both_languages() {
        for lang in [Lang::Fr, Lang::En] {
            for f in TraitField::ALL {
                assert!(!field_label(lang, f).is_empty());
            }
            for s in ["pending", "applied", "rejected"] {
                assert!(!state_label(lang, s).is_empty());
            }
        }
    }
}
