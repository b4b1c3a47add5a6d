//! The patient's notifications: the unread ones on the home page, the full list with
//! "mark as read". The texts come from the use cases (French, no medical content); a consent
//! request's notification carries the one-time code to read to the professional.

use crate::patient::{chrome, render, Patient};
use crate::shared::views;
use crate::shell::csrf::Posted;
use crate::shell::error::Page;
use crate::shell::i18n::Lang;
use crate::shell::url::encode;
use crate::shell::Web;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use mds_app::information::notifications::inbox::{
    grouped, NotificationGroup, NotificationPage, NotificationView,
};
use serde::Deserialize;

/// What a notification (or a group of repeats) says and where it leads: a document added
/// names its kind and who deposited it and opens it; repeats are counted and lead to that
/// professional's documents; an emergency access leads to the history's emergencies.
fn line(lang: Lang, g: &NotificationGroup) -> Markup {
    let l = lang;
    let n = g.first;
    let (text, href) = match (n.kind.as_str(), g.count, &n.document_id) {
        ("document_added", count, _) if count > 1 => {
            let who = n.who.as_deref().unwrap_or(l.t("notifications.someone"));
            let href = n
                .actor_id
                .as_ref()
                .map(|a| format!("/patient/documents?author={}", encode(a)));
            (
                format!("{count} {} {who}", l.t("notifications.many_documents")),
                href,
            )
        }
        ("document_added", _, Some(id)) => {
            let kind = n.document_kind.as_deref().unwrap_or_default();
            let text = match &n.who {
                Some(who) => format!(
                    "{} {kind}, {} {who}",
                    l.t("notifications.new_document"),
                    l.t("notifications.deposited_by")
                ),
                None => format!("{} {kind}", l.t("notifications.new_document")),
            };
            (text, Some(format!("/patient/documents/{}", encode(id))))
        }
        ("document_replaced", _, Some(id)) => (
            n.text_in(lang.into()).to_owned(),
            Some(format!("/patient/documents/{}", encode(id))),
        ),
        ("document_withdrawn", _, _) => (
            n.text_in(lang.into()).to_owned(),
            Some("/patient/history?kind=changes&who=others".to_owned()),
        ),
        ("break_glass" | "samu", _, _) => (
            n.text_in(lang.into()).to_owned(),
            Some("/patient/history?kind=emergency&who=others".to_owned()),
        ),
        _ => (n.text_in(lang.into()).to_owned(), None),
    };
    html! {
        p.notification-text {
            @match href {
                Some(h) => { a href=(h) { (text) } }
                None => { (text) }
            }
        }
    }
}

/// The unread notifications shown on the home page (nothing when there are none), and first
/// an alert card for each unread emergency access with what to do.
pub fn unread_summary(lang: Lang, page: &NotificationPage) -> Markup {
    let l = lang;
    let emergencies: Vec<_> = page
        .items
        .iter()
        .filter(|n| matches!(n.kind.as_str(), "break_glass" | "samu"))
        .collect();
    let others: Vec<NotificationView> = page
        .items
        .iter()
        .filter(|n| !matches!(n.kind.as_str(), "break_glass" | "samu"))
        .cloned()
        .collect();
    html! {
        @for n in &emergencies {
            section.alert-card role="alert" aria-labelledby=(format!("alert-{}", n.id)) {
                h2 id=(format!("alert-{}", n.id)) { (l.t("notifications.alert.title")) }
                p { (n.text_in(lang.into())) }
                p { (l.t("notifications.alert.what")) }
                ul {
                    li { a href="/patient/history?kind=emergency&who=others" { (l.t("notifications.alert.history")) } }
                    li { a href="/patient/care-team" { (l.t("notifications.alert.block")) } }
                    li { a href="/patient/settings" { (l.t("notifications.alert.oppose")) } }
                    li { (l.t("notifications.alert.support")) }
                }
            }
        }
        @if !others.is_empty() {
            section.notifications aria-labelledby="unread-title" {
                h2 #unread-title { (l.t("notifications.home.title")) " (" (page.unread) ")" }
                ul.list {
                    @for g in grouped(&others) {
                        li { (line(lang, &g)) p.hint { (views::instant(g.first.created_at_ms)) } }
                    }
                }
                p { a href="/patient/notifications" { (l.t("notifications.home.all")) } }
            }
        }
    }
}

/// A patient. Every notification, newest first, unread ones marked, repeats grouped.
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
            @if page.unread > 0 {
                form.inline method="post" action="/patient/notifications/read-all" {
                    (crate::shared::form::csrf(&s.csrf))
                    button.secondary type="submit" { (l.t("notifications.mark_all_read")) }
                }
            }
            ul.list {
                @for g in grouped(&page.items) {
                    li.notification {
                        @if g.first.read_at_ms.is_none() {
                            p { strong { (l.t("notifications.unread")) } }
                        }
                        (line(lang, &g))
                        p.hint { (views::instant(g.first.created_at_ms)) }
                        @if g.first.read_at_ms.is_none() && g.count == 1 {
                            form.inline method="post" action=(format!("/patient/notifications/{}/read", g.first.id)) {
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

/// A patient. Marks all their notifications read.
pub async fn mark_all_read(
    State(web): State<Web>,
    Patient { s, .. }: Patient,
    _: Posted<NoFields>,
) -> Page {
    web.app
        .mark_all_notifications_read(&s.actor, crate::shell::now())
        .await?;
    Ok(Redirect::to("/patient/notifications").into_response())
}
