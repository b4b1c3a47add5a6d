//! The link that confirms a patient's new e-mail address (issue 15): the page asks for a click
//! (a mail client that opens links ahead spends nothing), the POST applies the change. An
//! anonymous form bound to the login nonce cookie, like sign-in: the link may be opened on a
//! device where the person is not signed in.

use crate::public::{page, with_nonce, Anonymous};
use crate::shared::form;
use crate::shell::error::WebError;
use crate::shell::i18n::Lang;
use crate::shell::session::{ClientIp, Req};
use crate::shell::Web;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup};
use mds_app::AppError;
use serde::Deserialize;

const HERE: &str = "/contact/confirm";

#[derive(Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    token: String,
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
}

impl crate::public::NonceBound for ConfirmForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

fn confirm_page(lang: Lang, csrf: &str, token: &str, error: Option<&str>) -> Markup {
    let l = lang;
    let body = html! {
        (form::form_error("contact-error", error))
        p.lead { (l.t("contact.confirm.intro")) }
        form.stack method="post" action=(HERE) {
            (form::csrf(csrf))
            input type="hidden" name="token" value=(token);
            button type="submit" { (l.t("contact.confirm.submit")) }
        }
    };
    page(lang, l.t("contact.confirm.title"), HERE, body)
}

/// Anyone following a link. The page with the confirmation button.
pub async fn form(
    State(web): State<Web>,
    lang: Lang,
    Req(parts): Req,
    Query(q): Query<LinkQuery>,
) -> Response {
    with_nonce(&web, &parts, StatusCode::OK, |csrf| {
        confirm_page(lang, csrf, q.token.trim(), None)
    })
}

/// Anyone holding a live link. Applies the new address.
pub async fn confirm(
    State(web): State<Web>,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Req(parts): Req,
    Anonymous(f): Anonymous<ConfirmForm>,
) -> Response {
    let token = f.token.trim();
    match web
        .app
        .confirm_email_change(token, ip, crate::shell::now())
        .await
    {
        Ok(email) => {
            let l = lang;
            let body = html! {
                p.notice role="status" { (l.t("contact.confirm.done")) " " strong { (email) } }
                p { a href="/login" { (l.t("contact.confirm.login")) } }
            };
            Html(page(lang, l.t("contact.confirm.title"), HERE, body).into_string()).into_response()
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let status = if matches!(e, AppError::Conflict { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let message = e.public_message_in(lang.into());
            with_nonce(&web, &parts, status, |csrf| {
                confirm_page(lang, csrf, token, Some(&message))
            })
        }
        Err(e) => WebError::from(e).into_response(),
    }
}
