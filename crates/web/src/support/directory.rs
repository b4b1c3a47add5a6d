//! The support console's directory of professionals: search by name, one page per
//! professional, suspend or reactivate with a reason. Suspension ends every session of the
//! account at once (the use case `set_suspended` decides and audits).

use crate::shared::form;
use crate::shared::views::profession;
use crate::shell::csrf::Posted;
use crate::shell::error::Page;
use crate::shell::i18n::Lang;
use crate::shell::ids::named;
use crate::shell::session::Session;
use crate::shell::url::encode;
use crate::shell::Web;
use crate::support::{page, Support};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::html;
use mds_domain::{AccountId, AccountState};
use serde::Deserialize;

const HERE: &str = "/support/professionals";

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: Option<String>,
}

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    ok: Option<String>,
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

fn state_label(lang: Lang, state: &AccountState) -> &'static str {
    match state {
        AccountState::Active => lang.t("directory.state.active"),
        AccountState::Suspended => lang.t("directory.state.suspended"),
        _ => lang.t("directory.state.pending"),
    }
}

/// Support agents. Professionals whose first or last name starts with the search.
pub async fn list(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Query(q): Query<SearchQuery>,
) -> Page {
    let search = form::non_empty(&q.q).unwrap_or_default();
    let rows = web
        .app
        .search_professionals(&s.actor, &search, 100, 0)
        .await?;
    let l = lang;
    let body = html! {
        p.lead { (l.t("directory.intro")) }
        form.search method="get" action=(HERE) role="search" {
            label for="q" { (l.t("directory.search")) }
            input #q type="search" name="q" value=(search) autocomplete="off";
            button type="submit" { (l.t("directory.search.submit")) }
        }
        @if rows.is_empty() {
            p { (l.t("directory.none")) }
        } @else {
            div.table-wrap {
                table {
                    caption { (l.t("directory.title")) " (" (rows.len()) ")" }
                    thead { tr {
                        th scope="col" { (l.t("support.col.name")) }
                        th scope="col" { (l.t("directory.col.profession")) }
                        th scope="col" { (l.t("directory.col.state")) }
                    } }
                    tbody {
                        @for p in &rows {
                            tr {
                                td { a href=(format!("{HERE}/{}", p.account_id)) {
                                    (p.last_name.to_uppercase()) " " (p.first_name) } }
                                td { (profession(&p.profession)) }
                                td { (state_label(l, &p.state)) }
                            }
                        }
                    }
                }
            }
        }
        p { a href="/support/professionals/new" { (l.t("supdir.professional.link")) } }
    };
    let here = format!("{HERE}?q={}", encode(&search));
    Ok(page(lang, &s, l.t("directory.title"), &here, body))
}

/// Support agents. One professional, with the suspend or reactivate form.
pub async fn show(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Page {
    let p = web
        .app
        .get_professional(&s.actor, &named::<AccountId>(&id))
        .await?;
    let l = lang;
    let name = format!("{} {}", p.last_name.to_uppercase(), p.first_name);
    let suspended = p.state == AccountState::Suspended;
    let (action, consequence, submit) = if suspended {
        (
            "reactivate",
            l.t("directory.reactivate.consequence"),
            l.t("directory.reactivate"),
        )
    } else {
        (
            "suspend",
            l.t("directory.suspend.consequence"),
            l.t("directory.suspend"),
        )
    };
    let body = html! {
        @if done.ok.as_deref() == Some("edited") { p.notice role="status" { (l.t("supedit.done")) } }
        h2 { (name) }
        dl {
            dt { (l.t("directory.col.profession")) } dd { (profession(&p.profession)) }
            dt { (l.t("supdir.field.professional_id")) } dd { (p.professional_id) }
            dt { (l.t("directory.col.state")) } dd #state { (state_label(l, &p.state)) }
        }
        p { a href=(format!("{HERE}/{}/edit", p.account_id)) { (l.t("supedit.professional.link")) } }
        @if p.state == AccountState::Active || suspended {
            form method="post" action=(format!("{HERE}/{}/{action}", p.account_id)) {
                (form::csrf(&s.csrf))
                p #consequence { (consequence) }
                label for="reason" { (l.t("directory.reason")) }
                textarea #reason name="reason" required rows="3" aria-describedby="consequence" {}
                button type="submit" { (submit) }
            }
        }
        (crate::support::recovery::section(l, &s, &p.account_id, p.state, false, &format!("{HERE}/{}", p.account_id)))
        p { a href=(format!("/support/audit?professional={}", p.account_id)) { (l.t("supx.audit.link_professional")) } }
        p { a href=(format!("/support/assistants/new?professional={}", p.account_id)) { (l.t("supdir.assistant.link_for")) } }
        p { a href=(HERE) { (l.t("directory.back")) } }
    };
    let here = format!("{HERE}/{}", p.account_id);
    Ok(page(lang, &s, l.t("directory.title"), &here, body))
}

/// Support agents. Suspends a professional: every session ends now.
pub async fn suspend(
    State(web): State<Web>,
    Support { s, .. }: Support,
    Path(id): Path<String>,
    Posted(form): Posted<ReasonForm>,
) -> Page {
    set(&web, &s, &id, true, &form.reason).await
}

/// Support agents. Reactivates a suspended professional.
pub async fn reactivate(
    State(web): State<Web>,
    Support { s, .. }: Support,
    Path(id): Path<String>,
    Posted(form): Posted<ReasonForm>,
) -> Page {
    set(&web, &s, &id, false, &form.reason).await
}

async fn set(web: &Web, s: &Session, id: &str, suspended: bool, reason: &str) -> Page {
    web.app
        .set_suspended(&s.actor, &named(id), suspended, reason, crate::shell::now())
        .await?;
    Ok(Redirect::to(&format!("{HERE}/{id}")).into_response())
}
