//! Any signed-in account: its passkeys (issue 15), a second factor that may replace the
//! authenticator's code at sign-in. The page lists them (name, added, last used) with a
//! « Retirer » button each, and a form to add one: a name and the current password; the
//! browser's part (`navigator.credentials.create`) is done by `static/mds.js` from the
//! options carried by the form (`data-passkey-create`), which fills the hidden `credential`
//! field before the form is sent. Without JavaScript the form says that it needs it. Reached
//! from the « Clés d'accès » link next to « Mot de passe ».

use crate::public::home_of;
use crate::shared::form::{csrf, error_summary, notice, required_field, Field};
use crate::shared::views::instant;
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::layout::{self, Nav};
use crate::shell::session::{ClientIp, Session};
use crate::shell::Web;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use maud::{html, Markup};
use mds_app::accounts::passkeys::{PasskeyInfo, MAX_NAME_CHARS};
use mds_app::AppError;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    credential: String,
}

/// A refusal and the field it belongs to.
struct Refusal {
    field: &'static str,
    text: String,
}

/// Any signed-in account. The list and the form to add one.
pub async fn list(State(web): State<Web>, s: Session, lang: Lang, Query(q): Query<Done>) -> Page {
    let done = match q.done.as_deref() {
        Some("added") => Some(lang.t("passkeys.done.added")),
        Some("removed") => Some(lang.t("passkeys.done.removed")),
        _ => None,
    };
    let markup = render(&web, &s, lang, None, done).await?;
    Ok(Html(markup.into_string()).into_response())
}

/// Any signed-in account. Adds the passkey the browser created.
pub async fn add(
    State(web): State<Web>,
    ClientIp(ip): ClientIp,
    s: Session,
    lang: Lang,
    Posted(f): Posted<AddForm>,
) -> Page {
    let now = crate::shell::now();
    let refused = |status, field, text: String| (status, Refusal { field, text });
    let (status, refusal) = if f.credential.trim().is_empty() {
        let text = lang.t("passkeys.no_credential").to_owned();
        refused(StatusCode::UNPROCESSABLE_ENTITY, "name", text)
    } else {
        let added = web
            .app
            .finish_passkey_registration(&s.actor, &f.current, &f.name, &f.credential, ip, now)
            .await;
        match added {
            Ok(_) => return Ok(Redirect::to("/passkeys?done=added").into_response()),
            Err(e @ AppError::Invalid { .. }) => {
                let field = if e.code() == "wrong_password" {
                    "current"
                } else {
                    "name"
                };
                refused(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    field,
                    e.public_message_in(lang.into()),
                )
            }
            Err(e @ AppError::Conflict { .. }) => refused(
                StatusCode::CONFLICT,
                "name",
                e.public_message_in(lang.into()),
            ),
            Err(AppError::Throttled { .. }) => {
                let text = lang.t("password.throttled").to_owned();
                refused(StatusCode::TOO_MANY_REQUESTS, "current", text)
            }
            Err(e) => return Err(WebError::from(e)),
        }
    };
    let markup = render(&web, &s, lang, Some(refusal), None).await?;
    let mut r = Html(markup.into_string()).into_response();
    *r.status_mut() = status;
    Ok(r)
}

/// Any signed-in account. Removes one of its passkeys (another's is « not found »).
pub async fn remove(
    State(web): State<Web>,
    ClientIp(ip): ClientIp,
    s: Session,
    Path(id): Path<String>,
    Posted(_): Posted<serde::de::IgnoredAny>,
) -> Page {
    web.app
        .remove_passkey(&s.actor, &id, ip, crate::shell::now())
        .await?;
    Ok(Redirect::to("/passkeys?done=removed").into_response())
}

async fn render(
    web: &Web,
    s: &Session,
    lang: Lang,
    refusal: Option<Refusal>,
    done: Option<&str>,
) -> Result<Markup, WebError> {
    let keys = web.app.list_passkeys(&s.actor).await?;
    let options = if web.app.passkeys_available() {
        Some(
            web.app
                .start_passkey_registration(&s.actor, crate::shell::now())
                .await?,
        )
    } else {
        None
    };
    Ok(page(s, lang, &keys, options.as_ref(), refusal, done))
}

fn page(
    s: &Session,
    lang: Lang,
    keys: &[PasskeyInfo],
    options: Option<&serde_json::Value>,
    refusal: Option<Refusal>,
    done: Option<&str>,
) -> Markup {
    let l = lang;
    let title = l.t("passkeys.title");
    let c = s.chrome(lang, &Nav::NONE, title, "/passkeys");
    let error_at = |field: &str| {
        refusal
            .as_ref()
            .filter(|r| r.field == field)
            .map(|r| r.text.as_str())
    };
    let summary = refusal.as_ref();
    layout::page(
        &c,
        html! {
            (notice(done))
            (error_summary(l, summary.map(|r| r.text.as_str()), summary.map(|r| r.field)))
            p.lead { (l.t("passkeys.intro")) }
            h2 { (l.t("passkeys.mine")) }
            @if keys.is_empty() {
                p #no-passkey { (l.t("passkeys.none")) }
            } @else {
                table {
                    caption.visually-hidden { (l.t("passkeys.mine")) }
                    thead { tr {
                        th scope="col" { (l.t("passkeys.name")) }
                        th scope="col" { (l.t("passkeys.added")) }
                        th scope="col" { (l.t("passkeys.used")) }
                        th scope="col" { span.visually-hidden { (l.t("passkeys.actions")) } }
                    } }
                    tbody {
                        @for k in keys {
                            tr {
                                td { (k.name) }
                                td { (instant(k.created_at.millis())) }
                                td { (k.last_used_at.map_or_else(|| l.t("passkeys.never").to_owned(), |t| instant(t.millis()))) }
                                td {
                                    form.inline method="post" action=(format!("/passkeys/{}/remove", k.id)) {
                                        (csrf(&s.csrf))
                                        button.secondary type="submit" aria-label=(format!("{} {}", l.t("passkeys.remove"), k.name)) {
                                            (l.t("passkeys.remove"))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { (l.t("passkeys.add.title")) }
            @match options {
                None => p { (l.t("passkeys.unavailable")) },
                Some(options) => {
                    p.hint { (l.t("passkeys.add.hint")) }
                    noscript { p.error { (l.t("passkeys.needs_script")) } }
                    p.error #passkey-error role="alert" hidden { (l.t("passkeys.browser_refused")) }
                    form.stack method="post" action="/passkeys"
                        data-passkey-create=(options.to_string()) data-passkey-error="passkey-error" {
                        (csrf(&s.csrf))
                        input type="hidden" name="credential" value="";
                        (required_field(&Field { id: "name", label: l.t("passkeys.name"), hint: Some(l.t("passkeys.name.hint")), kind: "text", autocomplete: "off", max_chars: Some(MAX_NAME_CHARS) }, error_at("name")))
                        (required_field(&Field { id: "current", label: l.t("password.current"), hint: None, kind: "password", autocomplete: "current-password", max_chars: None }, error_at("current")))
                        button type="submit" { (l.t("passkeys.add.submit")) }
                    }
                }
            }
            p { a href=(home_of(s.actor.kind)) { (l.t("password.back")) } }
        },
    )
}
