//! A lost second factor (issue 15): the public form that sends support a request — the login,
//! what happened and, for a patient, a new scan of an identity document — without
//! JavaScript. The same answer whatever the login; the use case (`request_recovery`) keeps the
//! request only for an account that may have one and tells that account at once. Multipart,
//! bound to the login nonce cookie like the other anonymous forms.

use crate::public::{nonce_ok, page, with_nonce};
use crate::shared::form;
use crate::shared::upload;
use crate::shell::error::WebError;
use crate::shell::i18n::Lang;
use crate::shell::session::{ClientIp, Req};
use crate::shell::Web;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use mds_app::patients::recovery_requests::{RecoveryRequest, MAX_MESSAGE_CHARS};
use mds_app::AppError;
use upload::Part;

const HERE: &str = "/acces-perdu";
const ERROR: &str = "lost-error";

const PARTS: &[Part] = &[
    upload::field("login"),
    upload::field("message"),
    Part::file("identity_document"),
];

/// What was typed, shown again with a refusal (the file is chosen again).
#[derive(Default)]
struct Typed {
    login: String,
    message: String,
}

fn lost_page(lang: Lang, csrf: &str, t: &Typed, error: Option<&str>, sent: bool) -> Markup {
    let l = lang;
    let d = |hint: &str| form::described_by(Some(hint), error.map(|_| ERROR));
    let body = html! {
        (form::notice(sent.then(|| l.t("lost.sent"))))
        p.lead { (l.t("lost.intro")) }
        (form::form_error(ERROR, error))
        form.stack method="post" action=(HERE) enctype="multipart/form-data" {
            (form::csrf(csrf))
            div.field {
                label for="login" { (l.t("recovery.login")) }
                input #login type="text" name="login" value=(t.login) autocomplete="username" required
                    autocapitalize="none" spellcheck="false" maxlength="254"
                    aria-describedby=[form::described_by(None, error.map(|_| ERROR))];
            }
            div.field {
                label for="message" { (l.t("lost.message")) }
                p.hint #message-hint { (l.t("lost.message.hint")) }
                textarea #message name="message" rows="4" required maxlength=(MAX_MESSAGE_CHARS)
                    aria-describedby=[d("message-hint")] { (t.message) }
            }
            div.field {
                label for="identity_document" { (l.t("lost.scan")) " " (l.t("supdir.optional")) }
                p.hint #scan-hint { (l.t("lost.scan.hint")) }
                input #identity_document type="file" name="identity_document"
                    accept="application/pdf,image/jpeg,image/png" aria-describedby=[d("scan-hint")];
            }
            button type="submit" { (l.t("lost.send")) }
        }
        p { a href="/login" { (l.t("login.title")) } }
    };
    page(lang, l.t("lost.title"), HERE, body)
}

/// Anyone. The form.
pub async fn form(State(web): State<Web>, lang: Lang, Req(parts): Req) -> Response {
    with_nonce(&web, &parts, StatusCode::OK, |csrf| {
        lost_page(lang, csrf, &Typed::default(), None, false)
    })
}

/// Anyone. Sends the request; the same answer whatever the login.
pub async fn send(
    State(web): State<Web>,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Req(parts): Req,
    mp: Multipart,
) -> Response {
    let mut up = match upload::read_checked(mp, |t| nonce_ok(&web, &parts, t), PARTS).await {
        Ok(up) => up,
        Err(err) => return err.into_response(),
    };
    let r = RecoveryRequest {
        login: up.text("login"),
        message: up.text("message"),
        identity_document: up.take("identity_document").unwrap_or_default(),
    };
    let typed = Typed {
        login: r.login.clone(),
        message: r.message.clone(),
    };
    match web.app.request_recovery(r, ip, crate::shell::now()).await {
        Ok(()) => with_nonce(&web, &parts, StatusCode::OK, |csrf| {
            lost_page(lang, csrf, &Typed::default(), None, true)
        }),
        Err(e @ AppError::Invalid { .. }) => {
            let msg = e.public_message_in(lang.into());
            with_nonce(&web, &parts, StatusCode::UNPROCESSABLE_ENTITY, |csrf| {
                lost_page(lang, csrf, &typed, Some(&msg), false)
            })
        }
        Err(e) => WebError::from(e).into_response(),
    }
}
