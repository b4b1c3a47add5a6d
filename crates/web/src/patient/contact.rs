//! The patient's contact data (issue 15, item 2): the e-mail address — also their login —
//! changes once the link sent to the new address is followed (`public::contact_confirm`); the
//! phone changes at once. The current password is asked for either. A refusal shows the page
//! again with its message at the form it concerns.

use crate::patient::{chrome, Patient};
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
use mds_app::AppError;
use serde::Deserialize;

const HERE: &str = "/patient/contact";

#[derive(Deserialize, Default)]
pub struct Done {
    ok: Option<String>,
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
pub struct PhoneForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
}

/// Which form an error belongs to, and its text.
type Refusal<'a> = Option<(&'static str, &'a str)>;

fn body(
    lang: Lang,
    s: &Session,
    current: &(Option<String>, Option<String>),
    notice: Option<&str>,
    refusal: Refusal<'_>,
) -> Markup {
    let l = lang;
    let at = |which: &str| refusal.filter(|(w, _)| *w == which).map(|(_, m)| m);
    html! {
        (form::notice(notice))
        p.lead { (l.t("contact.intro")) }
        section aria-labelledby="email-title" {
            h2 #email-title { (l.t("contact.email.title")) }
            p { (l.t("contact.email.now")) " " strong { (current.0.as_deref().unwrap_or("—")) } }
            (form::form_error("email-error", at("email")))
            form.stack method="post" action="/patient/contact/email" {
                (form::csrf(&s.csrf))
                div.field {
                    label for="email" { (l.t("contact.email.new")) }
                    input #email type="email" name="email" required autocomplete="email" maxlength="254" aria-describedby="email-hint";
                    p.hint #email-hint { (l.t("contact.email.hint")) }
                }
                div.field {
                    label for="email-password" { (l.t("contact.password")) }
                    input #email-password type="password" name="password" required autocomplete="current-password";
                }
                button type="submit" { (l.t("contact.email.submit")) }
            }
        }
        section aria-labelledby="phone-title" {
            h2 #phone-title { (l.t("contact.phone.title")) }
            p { (l.t("contact.phone.now")) " " strong { (current.1.as_deref().unwrap_or("—")) } }
            (form::form_error("phone-error", at("phone")))
            form.stack method="post" action="/patient/contact/phone" {
                (form::csrf(&s.csrf))
                div.field {
                    label for="phone" { (l.t("contact.phone.new")) }
                    input #phone type="tel" name="phone" autocomplete="tel" maxlength="30" aria-describedby="phone-hint";
                    p.hint #phone-hint { (l.t("contact.phone.hint")) }
                }
                div.field {
                    label for="phone-password" { (l.t("contact.password")) }
                    input #phone-password type="password" name="password" required autocomplete="current-password";
                }
                button type="submit" { (l.t("contact.phone.submit")) }
            }
        }
        p { a href="/patient/settings" { (l.t("settings.back")) } }
    }
}

/// A patient. Their contact data and the two forms.
pub async fn show(
    State(web): State<Web>,
    Patient { s, lang, .. }: Patient,
    Query(done): Query<Done>,
) -> Page {
    let current = web.app.my_contact(&s.actor).await?;
    let notice = match done.ok.as_deref() {
        Some("link") => Some(lang.t("contact.email.sent")),
        Some("phone") => Some(lang.t("contact.phone.done")),
        _ => None,
    };
    let c = chrome(lang, &s, lang.t("contact.title"), HERE);
    crate::patient::render(&c, body(lang, &s, &current, notice, None))
}

async fn refused(web: &Web, lang: Lang, s: &Session, which: &'static str, e: AppError) -> Page {
    let status = match &e {
        AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        _ => return Err(e.into()),
    };
    let current = web.app.my_contact(&s.actor).await?;
    let message = e.public_message_in(lang.into());
    let c = chrome(lang, s, lang.t("contact.title"), HERE);
    let page =
        crate::shell::layout::page(&c, body(lang, s, &current, None, Some((which, &message))));
    Ok((status, Html(page.into_string())).into_response())
}

/// A patient. Sends the confirmation link to the new address.
pub async fn email(
    State(web): State<Web>,
    Patient { s, lang, ip, .. }: Patient,
    Posted(f): Posted<EmailForm>,
) -> Page {
    let now = crate::shell::now();
    match web
        .app
        .request_email_change(&s.actor, &f.email, &f.password, ip, now)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("{HERE}?ok=link")).into_response()),
        Err(e) => refused(&web, lang, &s, "email", e).await,
    }
}

/// A patient. Changes the phone number.
pub async fn phone(
    State(web): State<Web>,
    Patient { s, lang, ip, .. }: Patient,
    Posted(f): Posted<PhoneForm>,
) -> Page {
    let now = crate::shell::now();
    match web
        .app
        .change_phone(&s.actor, &f.phone, &f.password, ip, now)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("{HERE}?ok=phone")).into_response()),
        Err(e) => refused(&web, lang, &s, "phone", e).await,
    }
}
