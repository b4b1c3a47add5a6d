//! A forgotten password (issue 15), for every kind of account: the login asks for a link
//! (the same answer whatever was typed), the link from the e-mail opens the form that sets a
//! new password with a current code of the second factor, then sign-in. Anonymous forms bound
//! to the login nonce cookie, like sign-in. A lost phone is support's work: the pages say so.

use crate::public::{page, with_nonce, Anonymous};
use crate::shared::form;
use crate::shell::error::WebError;
use crate::shell::i18n::Lang;
use crate::shell::session::{ClientIp, Req};
use crate::shell::Web;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use mds_app::AppError;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    login: String,
}

#[derive(Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    token: String,
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    code: String,
}

fn request_page(lang: Lang, csrf: &str, error: Option<&str>, sent: bool) -> Markup {
    let l = lang;
    let described = form::described_by(None, error.map(|_| "recovery-error"));
    let body = html! {
        (form::notice(sent.then(|| l.t("recovery.sent"))))
        p.lead { (l.t("recovery.intro")) }
        (form::form_error("recovery-error", error))
        form.stack method="post" action="/password/forgotten" {
            (form::csrf(csrf))
            div.field {
                label for="login" { (l.t("recovery.login")) }
                input #login type="text" name="login" autocomplete="username" required
                    autocapitalize="none" spellcheck="false" maxlength="254"
                    aria-describedby=[described.as_deref()];
            }
            button type="submit" { (l.t("recovery.send")) }
        }
        p { (l.t("recovery.lost_phone")) " " a href="/acces-perdu" { (l.t("lost.link")) } }
        p { a href="/login" { (l.t("login.title")) } }
    };
    page(lang, l.t("recovery.title"), "/password/forgotten", body)
}

/// Anyone. The form asking for a link.
pub async fn request_form(State(web): State<Web>, lang: Lang, Req(parts): Req) -> Response {
    with_nonce(&web, &parts, StatusCode::OK, |csrf| {
        request_page(lang, csrf, None, false)
    })
}

/// Anyone. Sends a link when the login names an account that may have one; says the same
/// in every case.
pub async fn request(
    State(web): State<Web>,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Req(parts): Req,
    Anonymous(f): Anonymous<RequestForm>,
) -> Response {
    match web
        .app
        .request_password_reset(&f.login, ip, crate::shell::now())
        .await
    {
        Ok(()) => with_nonce(&web, &parts, StatusCode::OK, |csrf| {
            request_page(lang, csrf, None, true)
        }),
        Err(e @ AppError::Invalid { .. }) => {
            let msg = e.public_message_in(lang.into());
            with_nonce(&web, &parts, StatusCode::UNPROCESSABLE_ENTITY, |csrf| {
                request_page(lang, csrf, Some(&msg), false)
            })
        }
        Err(e) => WebError::from(e).into_response(),
    }
}

/// A refusal and the field it belongs to (`link`: the link itself is no longer good).
struct Refusal {
    field: &'static str,
    text: String,
}

fn reset_page(lang: Lang, csrf: &str, token: &str, refusal: Option<&Refusal>) -> Markup {
    let l = lang;
    let error_at = |field: &str| {
        refusal
            .filter(|r| r.field == field)
            .map(|r| r.text.as_str())
    };
    let input = |id: &'static str, label: &str, hint: Option<&str>| {
        let f = form::Field {
            id,
            label,
            hint,
            kind: "password",
            autocomplete: "new-password",
            max_chars: None,
        };
        form::required_field(&f, error_at(id))
    };
    let code_error = error_at("code");
    let body = html! {
        (form::error_summary(l, refusal.map(|r| r.text.as_str()), refusal.map(|r| r.field).filter(|f| *f != "link")))
        @if error_at("link").is_some() {
            p { a href="/password/forgotten" { (l.t("recovery.again")) } }
        } @else {
            p.lead { (l.t("recovery.reset.intro")) }
            form method="post" action="/password/reset" novalidate {
                (form::csrf(csrf))
                input type="hidden" name="token" value=(token);
                (input("new", l.t("password.new"), Some(l.t("password.new.hint"))))
                (input("confirm", l.t("password.confirm"), None))
                div.field {
                    label for="code" { (l.t("login.code")) }
                    (form::field_error("code-error", code_error))
                    input #code type="text" name="code" inputmode="numeric" autocomplete="one-time-code"
                        pattern="[0-9]{6}" maxlength="6" required
                        aria-invalid=[code_error.map(|_| "true")]
                        aria-describedby=[code_error.map(|_| "code-error")];
                }
                button type="submit" { (l.t("recovery.reset.submit")) }
            }
            p { (l.t("recovery.lost_phone")) }
        }
    };
    page(lang, l.t("recovery.reset.title"), "/password/reset", body)
}

/// Anyone following a link. The form for the new password (the link is checked on submit).
pub async fn reset_form(
    State(web): State<Web>,
    lang: Lang,
    Req(parts): Req,
    Query(q): Query<LinkQuery>,
) -> Response {
    with_nonce(&web, &parts, StatusCode::OK, |csrf| {
        reset_page(lang, csrf, q.token.trim(), None)
    })
}

/// Anyone holding a live link and the second factor. Sets the password, then sign-in.
pub async fn reset(
    State(web): State<Web>,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Req(parts): Req,
    Anonymous(f): Anonymous<ResetForm>,
) -> Response {
    let token = f.token.trim();
    let refused = |field: &'static str, text: String| {
        let r = Refusal { field, text };
        with_nonce(&web, &parts, StatusCode::UNPROCESSABLE_ENTITY, |csrf| {
            reset_page(lang, csrf, token, Some(&r))
        })
    };
    if f.new != f.confirm {
        return refused("confirm", lang.t("password.differ").to_owned());
    }
    match web
        .app
        .reset_password(token, &f.new, &f.code, ip, crate::shell::now())
        .await
    {
        Ok(()) => Redirect::to("/login?reset=1").into_response(),
        Err(e @ AppError::Invalid { .. }) => {
            let field = match e.code() {
                "invalid_reset_link" => "link",
                "invalid_code" => "code",
                _ => "new",
            };
            refused(field, e.public_message_in(lang.into()))
        }
        Err(e) => WebError::from(e).into_response(),
    }
}

impl crate::public::NonceBound for RequestForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

impl crate::public::NonceBound for ResetForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}
