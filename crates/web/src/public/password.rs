//! Any signed-in account: change the password (issue 15). The current password is asked
//! again, the new one twice; a refusal (wrong current password, too weak, the two entries
//! differ, too many wrong attempts) shows the form again with the message at its field and in
//! the summary, never the passwords; success says that the other sessions were closed and that
//! an e-mail tells the account. Reached from the « Mot de passe » link next to sign-out.

use crate::public::home_of;
use crate::shared::form::{csrf, error_summary, notice, required_field, Field};
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::layout::{self, Nav};
use crate::shell::session::{ClientIp, Session};
use crate::shell::Web;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use maud::html;
use mds_app::AppError;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct Done {
    ended: Option<u64>,
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

/// A refusal and the field it belongs to.
struct Refusal {
    field: &'static str,
    text: String,
}

/// Any signed-in account. The form.
pub async fn form(s: Session, lang: Lang, Query(done): Query<Done>) -> Page {
    Ok(Html(page(&s, lang, None, done.ended).into_string()).into_response())
}

/// Any signed-in account. Changes the password.
pub async fn change(
    State(web): State<Web>,
    ClientIp(ip): ClientIp,
    s: Session,
    lang: Lang,
    Posted(f): Posted<PasswordForm>,
) -> Page {
    let refused = |status: StatusCode, field: &'static str, text: String| {
        let mut r =
            Html(page(&s, lang, Some(Refusal { field, text }), None).into_string()).into_response();
        *r.status_mut() = status;
        r
    };
    if f.new != f.confirm {
        let text = lang.t("password.differ").to_owned();
        return Ok(refused(StatusCode::UNPROCESSABLE_ENTITY, "confirm", text));
    }
    match web
        .app
        .change_password(&s.actor, &f.current, &f.new, ip, crate::shell::now())
        .await
    {
        Ok(ended) => Ok(Redirect::to(&format!("/password?ended={ended}")).into_response()),
        Err(e @ AppError::Invalid { .. }) => {
            let field = if e.code() == "wrong_password" {
                "current"
            } else {
                "new"
            };
            let text = e.public_message_in(lang.into());
            Ok(refused(StatusCode::UNPROCESSABLE_ENTITY, field, text))
        }
        Err(AppError::Throttled { .. }) => {
            let text = lang.t("password.throttled").to_owned();
            Ok(refused(StatusCode::TOO_MANY_REQUESTS, "current", text))
        }
        Err(e) => Err(WebError::from(e)),
    }
}

fn page(s: &Session, lang: Lang, refusal: Option<Refusal>, ended: Option<u64>) -> maud::Markup {
    let l = lang;
    let title = l.t("password.title");
    let c = s.chrome(lang, &Nav::NONE, title, "/password");
    let error_at = |field: &str| {
        refusal
            .as_ref()
            .filter(|r| r.field == field)
            .map(|r| r.text.as_str())
    };
    let done = ended.map(|n| format!("{} {n}", l.t("password.done")));
    let input = |id: &'static str, label: &str, hint: Option<&str>, autocomplete: &str| {
        let f = Field {
            id,
            label,
            hint,
            kind: "password",
            autocomplete,
            max_chars: None,
        };
        required_field(&f, error_at(id))
    };
    layout::page(
        &c,
        html! {
            (notice(done.as_deref()))
            (error_summary(l, refusal.as_ref().map(|r| r.text.as_str()), refusal.as_ref().map(|r| r.field)))
            p.lead { (l.t("password.intro")) }
            form method="post" action="/password" novalidate {
                (csrf(&s.csrf))
                (input("current", l.t("password.current"), None, "current-password"))
                (input("new", l.t("password.new"), Some(l.t("password.new.hint")), "new-password"))
                (input("confirm", l.t("password.confirm"), None, "new-password"))
                button type="submit" { (l.t("password.submit")) }
            }
            p { a href=(home_of(s.actor.kind)) { (l.t("password.back")) } }
        },
    )
}
