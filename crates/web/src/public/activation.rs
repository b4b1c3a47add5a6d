//! Activation of a self-enrolled account with the code support hands over after validation:
//! the code and a password, then the authenticator's key and a first code; then sign in.
//! Anonymous forms bound to the login nonce cookie, like the sign-in form.

use crate::public::enrol::TokenForm;
use crate::public::{page, with_nonce, Anonymous};
use crate::shared::form;
use crate::shell::error::WebError;
use crate::shell::i18n::Lang;
use crate::shell::session::Req;
use crate::shell::Web;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use mds_app::AppError;

fn activation_page(lang: Lang, csrf: &str, error: Option<&str>) -> Markup {
    let l = lang;
    let body = html! {
        p.lead { (l.t("activation.intro")) }
        (form::form_error("activation-error", error))
        form.stack method="post" action="/activation" {
            (form::csrf(csrf))
            div.field {
                label for="token" { (l.t("activation.token")) }
                p.hint #token-hint { (l.t("code.hint")) }
                input #token type="text" name="token" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="40" required aria-describedby="token-hint";
            }
            div.field {
                label for="password" { (l.t("activation.password")) }
                p.hint #password-hint { (l.t("enrol.password.hint")) }
                input #password type="password" name="password" autocomplete="new-password" required aria-describedby="password-hint";
            }
            button type="submit" { (l.t("activation.submit")) }
        }
    };
    page(lang, l.t("activation.title"), "/activation", body)
}

/// Anyone. Activation, step 1: the code from support and a password.
pub async fn activation_form(State(web): State<Web>, lang: Lang, Req(parts): Req) -> Response {
    with_nonce(&web, &parts, StatusCode::OK, |csrf| {
        activation_page(lang, csrf, None)
    })
}

fn confirm_page(lang: Lang, csrf: &str, token: &str, secret: &str, error: Option<&str>) -> Markup {
    let l = lang;
    let body = html! {
        (form::form_error("confirm-error", error))
        p { (l.t("activation.secret.intro")) }
        p { code #totp-secret { (secret) } }
        form.stack method="post" action="/activation/confirm" {
            (form::csrf(csrf))
            input type="hidden" name="token" value=(token);
            input type="hidden" name="secret" value=(secret);
            div.field {
                label for="code" { (l.t("login.code")) }
                input #code type="text" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required;
            }
            button type="submit" { (l.t("activation.confirm")) }
        }
    };
    page(lang, l.t("activation.title"), "/activation", body)
}

/// Anyone holding the activation code. Sets the password and shows the new second factor.
pub async fn activation(
    State(web): State<Web>,
    lang: Lang,
    Req(parts): Req,
    Anonymous(f): Anonymous<TokenForm>,
) -> Response {
    let token = f.token.trim();
    match web
        .app
        .begin_enrolment(token, &f.password, crate::shell::now())
        .await
    {
        Ok(t) => with_nonce(&web, &parts, StatusCode::OK, |csrf| {
            confirm_page(lang, csrf, token, &t.totp_secret, None)
        }),
        Err(
            e @ (AppError::Invalid { .. }
            | AppError::Conflict { .. }
            | AppError::Forbidden
            | AppError::NotFound),
        ) => {
            let msg = e.public_message_in(lang.into());
            with_nonce(&web, &parts, StatusCode::UNPROCESSABLE_ENTITY, |csrf| {
                activation_page(lang, csrf, Some(&msg))
            })
        }
        Err(e) => WebError::from(e).into_response(),
    }
}

/// Anyone holding the activation code. Proves the authenticator works; then sign in.
pub async fn confirm(
    State(web): State<Web>,
    lang: Lang,
    Req(parts): Req,
    Anonymous(f): Anonymous<TokenForm>,
) -> Response {
    match web
        .app
        .confirm_enrolment(f.token.trim(), f.code.trim(), crate::shell::now())
        .await
    {
        Ok(()) => Redirect::to("/login").into_response(),
        Err(e @ AppError::Invalid { .. }) => {
            let msg = e.public_message_in(lang.into());
            let secret = f.secret.clone();
            with_nonce(&web, &parts, StatusCode::UNPROCESSABLE_ENTITY, |csrf| {
                confirm_page(lang, csrf, f.token.trim(), &secret, Some(&msg))
            })
        }
        Err(e) => WebError::from(e).into_response(),
    }
}
