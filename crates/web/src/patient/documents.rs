//! The patient's documents: the list with filters (type, class, act date, author) in pages
//! (`shared::listing`), one document
//! (metadata, the viewer, masking and deletion controls) and its content, as a download or
//! inline for the viewer.

use crate::patient::{chrome, render, Patient};
use crate::shared::form;
use crate::shared::listing::{filter_form, pager, Filters};
use crate::shared::viewer;
use crate::shared::views;
use crate::shell::error::{Page, WebError};
use crate::shell::ids::named;
use crate::shell::Web;
use axum::extract::{OriginalUri, Path, Query, State};
use maud::html;
use mds_app::record::documents::DocumentQuery;
use mds_domain::{AccountId, DocumentId, DocumentSource};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct Done {
    ok: Option<String>,
}

pub fn doc_href(d: &mds_app::record::documents::DocumentView) -> String {
    format!("/patient/documents/{}", d.id)
}

/// A patient. Their documents, filtered by type, act date and author.
pub async fn documents(
    State(web): State<Web>,
    Patient { s, lang, ip, pid }: Patient,
    OriginalUri(uri): OriginalUri,
    q: Result<Query<Filters>, axum::extract::rejection::QueryRejection>,
) -> Page {
    let f = q.map(|q| q.0).map_err(|_| WebError::BadRequest)?;
    let now = crate::shell::now();
    let page = web
        .app
        .list_documents(&s.actor, &pid, f.query(), ip.clone(), now)
        .await?;
    // The author choices come from every visible document, not only the filtered ones.
    let all = if f.active() {
        let q = DocumentQuery {
            limit: 100,
            ..DocumentQuery::default()
        };
        web.app
            .list_documents(&s.actor, &pid, q, ip, now)
            .await?
            .items
    } else {
        page.items.clone()
    };
    let names = views::author_names(&web.app, &s.actor, &all).await;
    let authors: Vec<(AccountId, String)> = names
        .iter()
        .filter(|(_, n)| !n.is_empty())
        .map(|(id, n)| (id.clone(), n.clone()))
        .collect();
    let l = lang;
    let here = uri
        .path_and_query()
        .map_or("/patient/documents", |p| p.as_str());
    let c = chrome(lang, &s, l.t("patient.documents.title"), here);
    let caption = format!("{} : {}", l.t("documents.count"), page.total);
    render(
        &c,
        html! {
            (form::notice(crate::patient::own_documents::notice(lang, f.ok.as_deref())))
            p { a.button href="/patient/documents/add" { (l.t("pdocs.add.link")) } }
            (filter_form(lang, &f, &authors, "/patient/documents"))
            (views::document_table(lang, (&caption, true), &page.items, &names, &doc_href))
            (pager(lang, &f, "/patient/documents", page.total))
            @if page.total > 0 { (crate::patient::controls::mask_all_form(lang, &s.csrf)) }
        },
    )
}

/// A patient. One of their documents: metadata, viewer and download.
pub async fn document(
    State(web): State<Web>,
    Patient { s, lang, ip, pid }: Patient,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Page {
    let id = named::<DocumentId>(&id);
    let (d, content, _) = web
        .app
        .document_for_page(
            &s.actor,
            &pid,
            &id,
            viewer::shown_in_page,
            ip,
            crate::shell::now(),
        )
        .await?;
    let names = views::author_names(&web.app, &s.actor, std::slice::from_ref(&d)).await;
    let here = format!("/patient/documents/{}", d.id);
    let c = chrome(lang, &s, &d.title, &here);
    let href = format!("/patient/documents/{}/content", d.id);
    let view = format!("/patient/documents/{}/view", d.id);
    let shown = viewer::show(lang, &d, content.as_deref(), &view)?;
    let notice = crate::patient::own_documents::notice(lang, done.ok.as_deref());
    render(
        &c,
        html! {
            (form::notice(notice))
            (views::document_details(lang, &d, &names, &href))
            (shown.body)
            (crate::patient::controls::mask_form(lang, &s.csrf, d.id.as_str(), d.confidential, d.source == DocumentSource::Patient))
            (crate::patient::own_documents::delete_section(lang, &d))
            p { a href="/patient/documents" { (lang.t("document.back")) } }
        },
    )
    .map(|page| shown.apply(page))
}

/// A patient. The content of one of their documents, as a download.
pub async fn content(
    State(web): State<Web>,
    Patient { s, ip, pid, .. }: Patient,
    Path(id): Path<String>,
) -> Page {
    let c = web
        .app
        .document_content_for(
            &s.actor,
            &pid,
            &named::<DocumentId>(&id),
            ip,
            crate::shell::now(),
        )
        .await?;
    Ok(views::download(c))
}

/// A patient. The content of one of their documents, inline (for the viewer).
pub async fn inline(
    State(web): State<Web>,
    Patient { s, ip, pid, .. }: Patient,
    Path(id): Path<String>,
) -> Page {
    crate::shared::viewer::inline(&web, &s.actor, &pid, &named::<DocumentId>(&id), ip).await
}
