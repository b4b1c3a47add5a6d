//! The patient's notifications: the unread ones on the home page, the full list with
//! "mark as read". The texts come from the use cases (French, no medical content); a consent
//! request's notification carries the one-time code to read to the professional.

use crate::patient::{chrome, render, Patient};
use crate::shared::views;
use crate::shell::csrf::Posted;
use crate::shell::error::Page;
use crate::shell::i18n::Lang;
use crate::shell::Web;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use mds_app::information::notifications::inbox::NotificationPage;
use serde::Deserialize;

/// The unread notifications shown on the home page (nothing when there are none).
pub fn unread_summary(lang: Lang, page: &NotificationPage) -> Markup {
    let l = lang;
    html! {
        @if !page.items.is_empty() {
            section.notifications aria-labelledby="unread-title" {
                h2 #unread-title { (l.t("notifications.home.title")) " (" (page.unread) ")" }
                ul.list {
                    @for n in &page.items {
                        li { p { (n.text) } p.hint { (views::instant(n.created_at_ms)) } }
                    }
                }
                p { a href="/patient/notifications" { (l.t("notifications.home.all")) } }
            }
        }
    }
}

/// A patient. Every notification, newest first, unread ones marked.
pub async fn list(State(web): State<Web>, Patient { s, lang, .. }: Patient) -> Page {
    let page = web.app.notifications(&s.actor, false, 100, 0).await?;
    let l = lang;
    let c = chrome(
        lang,
        &s,
        l.t("notifications.title"),
        "/patient/notifications",
    );
    render(
        &c,
        html! {
            p.lead { (l.t("notifications.intro")) }
            @if page.items.is_empty() { p { (l.t("notifications.empty")) } }
            ul.list {
                @for n in &page.items {
                    li.notification {
                        @if n.read_at_ms.is_none() {
                            p { strong { (l.t("notifications.unread")) } }
                        }
                        p.notification-text { (n.text) }
                        p.hint { (views::instant(n.created_at_ms)) }
                        @if n.read_at_ms.is_none() {
                            form.inline method="post" action=(format!("/patient/notifications/{}/read", n.id)) {
                                (crate::shared::form::csrf(&s.csrf))
                                button.secondary type="submit" { (l.t("notifications.mark_read")) }
                            }
                        }
                    }
                }
            }
        },
    )
}

#[derive(Deserialize)]
pub struct NoFields {}

/// A patient. Marks one notification read.
pub async fn mark_read(
    State(web): State<Web>,
    Patient { s, .. }: Patient,
    Path(id): Path<String>,
    _: Posted<NoFields>,
) -> Page {
    web.app
        .mark_notification_read(&s.actor, &id, crate::shell::now())
        .await?;
    Ok(Redirect::to("/patient/notifications").into_response())
}
