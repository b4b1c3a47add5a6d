//! The patient's activity history: the record's audit trail as lines rendered by the app in
//! the page's language, filtered by period, kind of action and professional, older pages
//! through a cursor.

use crate::patient::{chrome, render, Patient};
use crate::shared::form::non_empty;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::url::encode;
use crate::shell::Web;
use axum::extract::{OriginalUri, Query, State};
use maud::{html, Markup};
use mds_app::information::history::{parse_date, ActivityKind, HistoryFilter, PageRequest, Who};
use mds_domain::AccountId;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct HistoryQuery {
    from: Option<String>,
    to: Option<String>,
    kind: Option<String>,
    pro: Option<String>,
    /// Whose actions: others' by default (« qui a consulté mon dossier ? »).
    who: Option<String>,
    before: Option<i64>,
}

impl HistoryQuery {
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
            professional: non_empty(&self.pro),
            kind,
            who: self.who()?,
            language: lang.into(),
        })
    }

    fn who(&self) -> Result<Who, WebError> {
        match non_empty(&self.who) {
            Some(w) => Who::parse(&w).ok_or(WebError::BadRequest),
            None => Ok(Who::Others),
        }
    }

    /// This page's address with `before` set to the next cursor.
    fn older(&self, next: i64) -> String {
        let mut url = format!("/patient/history?before={next}");
        for (k, v) in [
            ("from", &self.from),
            ("to", &self.to),
            ("kind", &self.kind),
            ("pro", &self.pro),
            ("who", &self.who),
        ] {
            if let Some(v) = non_empty(v) {
                url.push_str(&format!("&{k}={}", encode(&v)));
            }
        }
        url
    }
}

fn filter_form(lang: Lang, q: &HistoryQuery, pros: &[(AccountId, String)]) -> Markup {
    let l = lang;
    let sel = |v: &Option<String>, x: &str| v.as_deref() == Some(x);
    let who = q.who().unwrap_or(Who::Others);
    // Folded unless a filter is in use: on a phone the lines come first.
    let filtered = [&q.from, &q.to, &q.kind, &q.pro, &q.who]
        .iter()
        .any(|v| non_empty(v).is_some());
    html! {
        details.filter-box open[filtered] {
        summary { (l.t("history.filters")) }
        form.filters method="get" action="/patient/history" role="search" aria-label=(l.t("history.filters")) {
            div.field {
                label for="h-who" { (l.t("history.who")) }
                select #h-who name="who" {
                    @for w in Who::ALL {
                        option value=(w.as_str()) selected[w == who] { (l.t(who_key(w))) }
                    }
                }
            }
            div.field {
                label for="h-from" { (l.t("documents.filter.from")) }
                input #h-from type="date" name="from" value=[q.from.as_deref()];
            }
            div.field {
                label for="h-to" { (l.t("documents.filter.to")) }
                input #h-to type="date" name="to" value=[q.to.as_deref()];
            }
            div.field {
                label for="h-kind" { (l.t("history.kind")) }
                select #h-kind name="kind" {
                    option value="" { (l.t("documents.filter.any")) }
                    @for k in ActivityKind::ALL {
                        option value=(k.as_str()) selected[sel(&q.kind, k.as_str())] { (k.label(l.into())) }
                    }
                }
            }
            div.field {
                label for="h-pro" { (l.t("history.professional")) }
                select #h-pro name="pro" {
                    option value="" { (l.t("documents.filter.any")) }
                    @for (id, name) in pros {
                        option value=(id) selected[sel(&q.pro, id.as_str())] { (name) }
                    }
                }
            }
            div.actions {
                button type="submit" { (l.t("documents.filter.apply")) }
                a href="/patient/history" { (l.t("documents.filter.reset")) }
            }
        }
        }
    }
}

fn who_key(w: Who) -> &'static str {
    match w {
        Who::Others => "history.who.others",
        Who::Mine => "history.who.mine",
        Who::Everyone => "history.who.everyone",
    }
}

/// A patient. Their record's activity, newest first: others' actions unless asked, a
/// professional's reads of one day on one line.
pub async fn history(
    State(web): State<Web>,
    Patient { s, lang, ip, pid }: Patient,
    OriginalUri(uri): OriginalUri,
    q: Result<Query<HistoryQuery>, axum::extract::rejection::QueryRejection>,
) -> Page {
    let q = q.map(|q| q.0).map_err(|_| WebError::BadRequest)?;
    let filter = q.filter(lang)?;
    let now = crate::shell::now();
    let page = PageRequest {
        before: q.before,
        size: 100,
    };
    let pros: Vec<(AccountId, String)> = web
        .app
        .care_team(&s.actor, &pid, ip.clone(), now)
        .await?
        .into_iter()
        .map(|m| (m.professional_account_id, m.name))
        .collect();
    let h = web
        .app
        .record_history_by_day(&s.actor, &pid, &filter, page, ip, now)
        .await?;
    let l = lang;
    let here = uri
        .path_and_query()
        .map_or("/patient/history", |p| p.as_str());
    let c = chrome(lang, &s, l.t("patient.history.title"), here);
    render(
        &c,
        html! {
            p.lead { (l.t("patient.history.intro")) }
            (filter_form(lang, &q, &pros))
            @if h.entries.is_empty() { p { (l.t("patient.history.empty")) } }
            ul.list.history {
                @for e in &h.entries {
                    li {
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
