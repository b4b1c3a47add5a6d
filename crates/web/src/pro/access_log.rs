//! A professional's own access log: what they did on any record (and, for a professional,
//! what their assistants did in their name), newest first, as lines rendered by the app in
//! the page's language; filtered by period and kind of action, older pages through a cursor. Reading it is
//! itself audited by the use case.

use crate::pro::{chrome, render, Pro};
use crate::shared::form::non_empty;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::url::encode;
use crate::shell::Web;
use axum::extract::{OriginalUri, Query, State};
use maud::{html, Markup};
use mds_app::information::history::{parse_date, ActivityKind, HistoryFilter, PageRequest};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct LogQuery {
    from: Option<String>,
    to: Option<String>,
    kind: Option<String>,
    before: Option<i64>,
}

impl LogQuery {
    /// The filter of the query, the lines in `lang`.
    fn filter(&self, lang: Lang) -> Result<HistoryFilter, WebError> {
        let date = |v: &Option<String>| non_empty(v).map(|t| parse_date(&t)).transpose();
        let kind = match non_empty(&self.kind) {
            Some(k) => Some(ActivityKind::parse(&k).ok_or(WebError::BadRequest)?),
            None => None,
        };
        Ok(HistoryFilter {
            from: date(&self.from)?,
            to: date(&self.to)?,
            professional: None,
            kind,
            language: lang.into(),
            ..HistoryFilter::default()
        })
    }

    /// This page's address with `before` set to the next cursor, filters kept.
    fn older(&self, next: i64) -> String {
        let mut url = format!("/pro/access-log?before={next}");
        for (k, v) in [("from", &self.from), ("to", &self.to), ("kind", &self.kind)] {
            if let Some(v) = non_empty(v) {
                url.push_str(&format!("&{k}={}", encode(&v)));
            }
        }
        url
    }
}

fn filter_form(lang: Lang, q: &LogQuery) -> Markup {
    let l = lang;
    html! {
        form.filters method="get" action="/pro/access-log" role="search" aria-label=(l.t("prox.log.filters")) {
            div.field {
                label for="l-from" { (l.t("documents.filter.from")) }
                input #l-from type="date" name="from" value=[q.from.as_deref()];
            }
            div.field {
                label for="l-to" { (l.t("documents.filter.to")) }
                input #l-to type="date" name="to" value=[q.to.as_deref()];
            }
            div.field {
                label for="l-kind" { (l.t("history.kind")) }
                select #l-kind name="kind" {
                    option value="" { (l.t("documents.filter.any")) }
                    @for k in ActivityKind::ALL {
                        option value=(k.as_str()) selected[q.kind.as_deref() == Some(k.as_str())] { (k.label(l.into())) }
                    }
                }
            }
            div.actions {
                button type="submit" { (l.t("documents.filter.apply")) }
                a href="/pro/access-log" { (l.t("documents.filter.reset")) }
            }
        }
    }
}

/// Professionals and assistants. Their own accesses, newest first.
pub async fn log(
    State(web): State<Web>,
    Pro { s, lang, ip, .. }: Pro,
    OriginalUri(uri): OriginalUri,
    q: Result<Query<LogQuery>, axum::extract::rejection::QueryRejection>,
) -> Page {
    let q = q.map(|q| q.0).map_err(|_| WebError::BadRequest)?;
    let filter = q.filter(lang)?;
    let page = PageRequest {
        before: q.before,
        size: 50,
    };
    let h = web
        .app
        .my_access_log(&s.actor, &filter, page, ip, crate::shell::now())
        .await?;
    let l = lang;
    let here = uri
        .path_and_query()
        .map_or("/pro/access-log", |p| p.as_str());
    let c = chrome(lang, &s, l.t("prox.log.title"), here);
    render(
        &c,
        html! {
            p.lead { (l.t("prox.log.intro")) }
            (filter_form(lang, &q))
            @if h.entries.is_empty() { p { (l.t("prox.log.empty")) } }
            ul.list.history {
                @for e in &h.entries {
                    li {
                        @if let (Some(name), Some(pid)) = (&e.patient_name, &e.patient_id) {
                            p.log-patient { a href=(format!("/pro/records/{pid}")) { (name) } }
                        }
                        p { @if e.denied { strong { (l.t("history.denied")) " " } } (e.text) }
                    }
                }
            }
            @if let Some(next) = h.next {
                p { a href=(q.older(next)) { (l.t("history.older")) } }
            }
        },
    )
}
