//! The patient portal's home: the latest documents and the unread notifications.

use crate::patient::documents::doc_href;
use crate::patient::{chrome, render, Patient};
use crate::shared::views;
use crate::shell::error::Page;
use crate::shell::Web;
use axum::extract::State;
use maud::html;
use mds_app::record::documents::DocumentQuery;

/// A patient. Home: the latest documents.
pub async fn home(State(web): State<Web>, Patient { s, lang, ip, pid }: Patient) -> Page {
    let q = DocumentQuery {
        limit: 5,
        ..DocumentQuery::default()
    };
    let page = web
        .app
        .list_documents(&s.actor, &pid, q, ip, crate::shell::now())
        .await?;
    let names = views::author_names(&web.app, &s.actor, &page.items).await;
    let unread = web.app.notifications(&s.actor, true, 20, 0).await?;
    let represented = web
        .app
        .represented_records(&s.actor, crate::shell::now())
        .await?;
    let l = lang;
    let title = format!("{} {}", l.t("patient.home.hello"), s.actor.display_name);
    let c = chrome(lang, &s, &title, "/patient");
    render(
        &c,
        html! {
            (crate::patient::notifications::unread_summary(lang, &unread))
            p.lead { (l.t("patient.home.intro")) }
            h2 { (l.t("patient.home.latest")) }
            (views::document_table(lang, (l.t("patient.home.latest"), false), &page.items, &names, &doc_href))
            p { a href="/patient/documents" { (l.t("patient.home.all")) " (" (page.total) ")" } }
            (crate::patient::representation::section(lang, &s, &represented))
        },
    )
}
