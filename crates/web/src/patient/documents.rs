//! The patient's documents: the list with filters (type, act date, author), one document
//! (metadata, the viewer, masking and deletion controls) and its content, as a download or
//! inline for the viewer.

use crate::patient::{chrome, render, Patient};
use crate::shared::form::{self, non_empty};
use crate::shared::viewer;
use crate::shared::views;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::ids::named;
use crate::shell::Web;
use axum::extract::{OriginalUri, Path, Query, State};
use maud::{html, Markup};
use mds_app::record::documents::{DocumentFilter, DocumentQuery};
use mds_domain::{AccountId, DocumentId, DocumentSource, DocumentType};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct Done {
    ok: Option<String>,
}

pub fn doc_href(d: &mds_app::record::documents::DocumentView) -> String {
    format!("/patient/documents/{}", d.id)
}

#[derive(Deserialize, Default)]
pub struct Filters {
    #[serde(rename = "type")]
    type_code: Option<String>,
    from: Option<String>,
    to: Option<String>,
    author: Option<String>,
    ok: Option<String>,
}

impl Filters {
    fn active(&self) -> bool {
        [&self.type_code, &self.from, &self.to, &self.author]
            .iter()
            .any(|v| non_empty(v).is_some())
    }

    fn query(&self) -> DocumentQuery {
        DocumentQuery {
            filter: DocumentFilter {
                type_code: non_empty(&self.type_code),
                act_date_from: non_empty(&self.from),
                act_date_to: non_empty(&self.to),
                author_account_id: non_empty(&self.author).and_then(|a| AccountId::parse(&a)),
                ..DocumentFilter::default()
            },
            limit: 100,
            offset: 0,
        }
    }
}

fn filter_form(lang: Lang, f: &Filters, authors: &[(AccountId, String)]) -> Markup {
    let l = lang;
    let sel = |v: &Option<String>, x: &str| v.as_deref() == Some(x);
    html! {
        form.filters method="get" action="/patient/documents" role="search" aria-label=(l.t("documents.filters")) {
            div.field {
                label for="f-type" { (l.t("documents.filter.type")) }
                select #f-type name="type" {
                    option value="" { (l.t("documents.filter.any")) }
                    @for t in DocumentType::all() {
                        option value=(t.code()) selected[sel(&f.type_code, t.code())] { (t.label_fr()) }
                    }
                }
            }
            div.field {
                label for="f-from" { (l.t("documents.filter.from")) }
                input #f-from type="date" name="from" value=[f.from.as_deref()];
            }
            div.field {
                label for="f-to" { (l.t("documents.filter.to")) }
                input #f-to type="date" name="to" value=[f.to.as_deref()];
            }
            div.field {
                label for="f-author" { (l.t("documents.filter.author")) }
                select #f-author name="author" {
                    option value="" { (l.t("documents.filter.any")) }
                    @for (id, name) in authors {
                        option value=(id) selected[sel(&f.author, id.as_str())] { (name) }
                    }
                }
            }
            div.actions {
                button type="submit" { (l.t("documents.filter.apply")) }
                a href="/patient/documents" { (l.t("documents.filter.reset")) }
            }
        }
    }
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
            (filter_form(lang, &f, &authors))
            (views::document_table(lang, (&caption, true), &page.items, &names, &doc_href))
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
