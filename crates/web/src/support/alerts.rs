//! The support console's supervision alerts: the open ones (or the reviewed ones), each with
//! what raised it, and a form to mark an open alert reviewed with a comment (the use case
//! `review_alert` requires the comment and audits the review).

use crate::shared::form;
use crate::shared::views;
use crate::shell::csrf::Posted;
use crate::shell::error::Page;
use crate::shell::Web;
use crate::support::{self, Support};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::html;
use mds_domain::AlertState;
use serde::Deserialize;

const HERE: &str = "/support/alerts";

#[derive(Deserialize)]
pub struct StateQuery {
    #[serde(default)]
    state: Option<String>,
}

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    comment: String,
}

/// Support agents. Open alerts by default, reviewed ones with `?state=reviewed`.
pub async fn list(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Query(q): Query<StateQuery>,
) -> Page {
    let reviewed = q.state.as_deref() == Some("reviewed");
    let state = if reviewed { "reviewed" } else { "open" };
    let page = web.app.list_alerts(&s.actor, Some(state), 100, 0).await?;
    let l = lang;
    let here = format!("{HERE}?state={state}");
    let body = html! {
        p.lead { (l.t("alerts.intro")) }
        ul.nav aria-label=(l.t("alerts.filter")) {
            li { @if reviewed { a href=(format!("{HERE}?state=open")) { (l.t("alerts.open")) } }
                 @else { a href=(format!("{HERE}?state=open")) aria-current="page" { (l.t("alerts.open")) } } }
            li { @if reviewed { a href=(format!("{HERE}?state=reviewed")) aria-current="page" { (l.t("alerts.reviewed")) } }
                 @else { a href=(format!("{HERE}?state=reviewed")) { (l.t("alerts.reviewed")) } } }
        }
        h2 { (if reviewed { l.t("alerts.reviewed") } else { l.t("alerts.open") }) " (" (page.total) ")" }
        @if page.items.is_empty() {
            p { (l.t("alerts.none")) }
        }
        ul.list {
            @for a in &page.items {
                li.alert {
                    p { strong { (a.label) } }
                    p { (l.t("alerts.subject")) " : " (a.subject_name.as_deref().unwrap_or(&a.subject_id)) }
                    p.hint { (l.t("alerts.raised")) " " (views::instant(a.raised_at_ms)) " — " (l.t("alerts.count")) " " (a.count) }
                    @if let Some(comment) = &a.review_comment {
                        p { (l.t("alerts.comment")) " : " (comment) }
                        @if let Some(at) = a.reviewed_at_ms { p.hint { (l.t("alerts.reviewed_at")) " " (views::instant(at)) } }
                    }
                    @if a.state == AlertState::Open {
                        form method="post" action=(format!("{HERE}/{}/review", a.id)) {
                            (form::csrf(&s.csrf))
                            label for=(format!("c-{}", a.id)) { (l.t("alerts.comment")) }
                            textarea id=(format!("c-{}", a.id)) name="comment" required rows="2" {}
                            button type="submit" { (l.t("alerts.review")) }
                        }
                    }
                }
            }
        }
    };
    Ok(support::page(lang, &s, l.t("alerts.title"), &here, body))
}

/// Support agents. Marks an open alert reviewed with its comment.
pub async fn review(
    State(web): State<Web>,
    Support { s, .. }: Support,
    Path(id): Path<String>,
    Posted(form): Posted<CommentForm>,
) -> Page {
    web.app
        .review_alert(&s.actor, &id, &form.comment, crate::shell::now())
        .await?;
    Ok(Redirect::to(&format!("{HERE}?state=reviewed")).into_response())
}
