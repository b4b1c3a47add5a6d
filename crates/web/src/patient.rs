//! The patient portal: home with the latest documents, the documents with filters, one
//! document (metadata and download), the care team, and the consent requests to answer
//! (with the one-time code to read to the professional).

use crate::error::{Answer, WebError};
use crate::form::{non_empty, Posted};
use crate::i18n::Lang;
use crate::layout::{self, Chrome, Portal};
use crate::session::{ClientIp, Session};
use crate::views;
use crate::Web;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{html, Markup};
use mds_app::record::consent::ConsentAnswer;
use mds_app::record::documents::{DocumentFilter, DocumentQuery};
use mds_domain::{AccountKind, DocumentType};
use serde::Deserialize;

pub(crate) fn chrome<'a>(lang: Lang, s: &'a Session, title: &'a str, here: &'a str) -> Chrome<'a> {
    Chrome {
        lang,
        portal: Portal::Patient,
        title,
        here,
        user: Some((&s.actor.display_name, &s.csrf)),
    }
}

pub(crate) fn render(c: &Chrome, body: Markup) -> Result<Response, WebError> {
    Ok(Html(layout::page(c, body).into_string()).into_response())
}

/// The patient's record id.
pub(crate) async fn record_of(web: &Web, s: &Session) -> Result<String, WebError> {
    s.require(AccountKind::Patient)?;
    Ok(web.app.my_record(&s.actor).await?.patient_id)
}

fn doc_href(d: &mds_app::record::documents::DocumentView) -> String {
    format!("/patient/documents/{}", d.id)
}

/// A patient. Home: the latest documents.
pub async fn home(
    State(web): State<Web>,
    lang: Lang,
    s: Session,
    ClientIp(ip): ClientIp,
) -> Answer {
    let r = async {
        let pid = record_of(&web, &s).await?;
        let q = DocumentQuery {
            limit: 5,
            ..DocumentQuery::default()
        };
        let page = web
            .app
            .list_documents(&s.actor, &pid, q, ip, crate::now())
            .await?;
        let names = views::author_names(&web.app, &s.actor, &page.items).await;
        let unread = web.app.notifications(&s.actor, true, 5, 0).await?;
        let l = lang;
        let title = format!("{} {}", l.t("patient.home.hello"), s.actor.display_name);
        let c = chrome(lang, &s, &title, "/patient");
        render(
            &c,
            html! {
                p.lead { (l.t("patient.home.intro")) }
                (crate::patient_notifications::unread_summary(lang, &unread))
                h2 { (l.t("patient.home.latest")) }
                (views::document_table(lang, (l.t("patient.home.latest"), false), &page.items, &names, &doc_href))
                p { a href="/patient/documents" { (l.t("patient.home.all")) " (" (page.total) ")" } }
            },
        )
    }
    .await;
    Answer(lang, r)
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
                author_account_id: non_empty(&self.author),
                ..DocumentFilter::default()
            },
            limit: 100,
            offset: 0,
        }
    }
}

fn filter_form(lang: Lang, f: &Filters, authors: &[(String, String)]) -> Markup {
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
                        option value=(id) selected[sel(&f.author, id)] { (name) }
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
    lang: Lang,
    s: Session,
    ClientIp(ip): ClientIp,
    OriginalUri(uri): OriginalUri,
    q: Result<Query<Filters>, axum::extract::rejection::QueryRejection>,
) -> Answer {
    let r = async {
        let f = q.map(|q| q.0).map_err(|_| WebError::BadRequest)?;
        let pid = record_of(&web, &s).await?;
        let now = crate::now();
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
        let authors: Vec<(String, String)> = names
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
                (layout::notice(crate::patient_documents::notice(lang, f.ok.as_deref())))
                p { a.button href="/patient/documents/add" { (l.t("pdocs.add.link")) } }
                (filter_form(lang, &f, &authors))
                (views::document_table(lang, (&caption, true), &page.items, &names, &doc_href))
                @if page.total > 0 { (crate::patient_controls::mask_all_form(lang, &s.csrf)) }
            },
        )
    }
    .await;
    Answer(lang, r)
}

/// A patient. One of their documents: metadata, viewer and download.
pub async fn document(
    State(web): State<Web>,
    lang: Lang,
    s: Session,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Answer {
    let r = async {
        let pid = record_of(&web, &s).await?;
        let d = web
            .app
            .document_metadata(&s.actor, &pid, &id, ip.clone(), crate::now())
            .await?;
        let names = views::author_names(&web.app, &s.actor, std::slice::from_ref(&d)).await;
        let here = format!("/patient/documents/{}", d.id);
        let c = chrome(lang, &s, &d.title, &here);
        let href = format!("/patient/documents/{}/content", d.id);
        let view = format!("/patient/documents/{}/view", d.id);
        let shown = crate::viewer::show(&web, lang, &s.actor, &d, &view, ip).await?;
        let notice = crate::patient_documents::notice(lang, done.ok.as_deref());
        render(
            &c,
            html! {
                (layout::notice(notice))
                (views::document_details(lang, &d, &names, &href))
                (shown.body)
                (crate::patient_controls::mask_form(lang, &s.csrf, &d.id, d.confidential, d.source == "patient"))
                (crate::patient_documents::delete_section(lang, &d))
                p { a href="/patient/documents" { (lang.t("document.back")) } }
            },
        )
        .map(|page| shown.apply(page))
    }
    .await;
    Answer(lang, r)
}

/// A patient. The content of one of their documents, as a download.
pub async fn content(
    State(web): State<Web>,
    lang: Lang,
    s: Session,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> Answer {
    let r = async {
        let pid = record_of(&web, &s).await?;
        let c = web
            .app
            .document_content_for(&s.actor, &pid, &id, ip, crate::now())
            .await?;
        Ok(views::download(c))
    }
    .await;
    Answer(lang, r)
}

/// A patient. The professionals of their care team.
pub async fn care_team(
    State(web): State<Web>,
    lang: Lang,
    s: Session,
    ClientIp(ip): ClientIp,
    Query(done): Query<TeamQuery>,
) -> Answer {
    let r = async {
        let pid = record_of(&web, &s).await?;
        let notice = match done.ok.as_deref() {
            Some("add") => Some(lang.t("team.done.add")),
            Some("remove") => Some(lang.t("team.done.remove")),
            Some("block") => Some(lang.t("team.done.block")),
            Some("attending") => Some(lang.t("team.done.attending")),
            _ => None,
        };
        let team = web.app.care_team(&s.actor, &pid, ip, crate::now()).await?;
        let q = crate::form::non_empty(&done.q);
        let found = match &q {
            Some(q) => web
                .app
                .search_professionals(&s.actor, q, 20, 0)
                .await?
                .into_iter()
                .filter(|p| p.state == "active")
                .filter(|p| !team.iter().any(|m| m.professional_account_id == p.account_id))
                .map(|p| crate::patient_controls::found::Found {
                    name: format!("{} {}", p.first_name, p.last_name),
                    profession: mds_domain::Profession::from_slug(&p.profession)
                        .map_or(p.profession.clone(), |x| x.label_fr().to_owned()),
                    account_id: p.account_id,
                })
                .collect(),
            None => Vec::new(),
        };
        let l = lang;
        let c = chrome(lang, &s, l.t("patient.care_team.title"), "/patient/care-team");
        render(
            &c,
            html! {
                (layout::notice(notice))
                p.lead { (l.t("patient.care_team.intro")) }
                @if team.is_empty() {
                    p { (l.t("patient.care_team.empty")) }
                } @else {
                    ul.list {
                        @for m in &team {
                            li {
                                strong { (m.name) }
                                " — " (mds_domain::Profession::from_slug(&m.profession).map_or(m.profession.as_str(), |p| p.label_fr()))
                                @if m.attending_physician { " " span.tag { (l.t("patient.care_team.attending")) } }
                                br;
                                span.muted { (l.t("patient.care_team.since")) " " (views::instant(m.added_at_ms)) }
                                (crate::patient_controls::member_forms(lang, &s.csrf, &m.professional_account_id, m.attending_physician))
                            }
                        }
                    }
                }
                (crate::patient_controls::add_section(lang, &s.csrf, q.as_deref(), &found))
            },
        )
    }
    .await;
    Answer(lang, r)
}

#[derive(Deserialize, Default)]
pub struct TeamQuery {
    ok: Option<String>,
    q: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct Done {
    ok: Option<String>,
}

/// A patient. Consent requests and the answers (the one-time code travels in the request's
/// notification and e-mail, never stored in clear).
pub async fn consents(
    State(web): State<Web>,
    lang: Lang,
    s: Session,
    ClientIp(ip): ClientIp,
    Query(done): Query<Done>,
) -> Answer {
    let r = async {
        let pid = record_of(&web, &s).await?;
        let now = crate::now();
        let list = web.app.consents(&s.actor, &pid, ip, now).await?;
        let mut names = std::collections::BTreeMap::new();
        for c in &list {
            if !names.contains_key(&c.professional_account_id) {
                let n = match web.app.get_professional(&s.actor, &c.professional_account_id).await {
                    Ok(p) => format!("{} {}", p.first_name, p.last_name),
                    Err(_) => String::new(),
                };
                names.insert(c.professional_account_id.clone(), n);
            }
        }
        let l = lang;
        let notice = match done.ok.as_deref() {
            Some("approve") => Some(l.t("consents.done.approve")),
            Some("refuse") => Some(l.t("consents.done.refuse")),
            Some("revoke") => Some(l.t("consents.done.revoke")),
            _ => None,
        };
        let c = chrome(lang, &s, l.t("patient.consents.title"), "/patient/consents");
        let state_label = |st: &str| match st {
            "requested" => l.t("consents.state.requested"),
            "granted" => l.t("consents.state.granted"),
            "refused" => l.t("consents.state.refused"),
            "revoked" => l.t("consents.state.revoked"),
            _ => l.t("consents.state.expired"),
        };
        render(
            &c,
            html! {
                (layout::notice(notice))
                p.lead { (l.t("patient.consents.intro")) }
                @if list.is_empty() { p { (l.t("patient.consents.empty")) } }
                ul.list {
                    @for cv in &list {
                        li.consent {
                            h2 { (names.get(&cv.professional_account_id).map_or("", String::as_str)) }
                            p { strong { (l.t("consents.purpose")) " : " } (cv.purpose) }
                            p { strong { (l.t("consents.state")) " : " } (state_label(&cv.state))
                                " — " (views::instant(cv.requested_at_ms)) }
                            @if cv.state == "requested" {
                                p.hint { (l.t("consents.code.where")) " "
                                    a href="/patient/notifications" { (l.t("nav.patient.notifications")) } }
                            }
                            @if cv.state == "requested" || cv.state == "granted" {
                                form.inline method="post" action=(format!("/patient/consents/{}/answer", cv.id)) {
                                    (layout::csrf(&s.csrf))
                                    @if cv.state == "requested" {
                                        button type="submit" name="answer" value="approve" { (l.t("consents.approve")) }
                                        " "
                                        button.secondary type="submit" name="answer" value="refuse" { (l.t("consents.refuse")) }
                                    } @else {
                                        p.hint { (l.t("consents.revoke.hint")) }
                                        button.secondary type="submit" name="answer" value="revoke" { (l.t("consents.revoke")) }
                                    }
                                }
                            }
                        }
                    }
                }
            },
        )
    }
    .await;
    Answer(lang, r)
}

#[derive(Deserialize)]
pub struct AnswerForm {
    answer: String,
}

/// A patient. Approves, refuses or revokes a consent.
pub async fn answer_consent(
    State(web): State<Web>,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    posted: Result<Posted<AnswerForm>, WebError>,
) -> Answer {
    let r = async {
        let Posted { session: s, form } = posted?;
        let pid = record_of(&web, &s).await?;
        let (answer, key) = match form.answer.as_str() {
            "approve" => (ConsentAnswer::Approve, "approve"),
            "refuse" => (ConsentAnswer::Refuse, "refuse"),
            "revoke" => (ConsentAnswer::Revoke, "revoke"),
            _ => return Err(WebError::BadRequest),
        };
        web.app
            .answer_consent(&s.actor, &pid, &id, answer, ip, crate::now())
            .await?;
        Ok(Redirect::to(&format!("/patient/consents?ok={key}")).into_response())
    }
    .await;
    Answer(lang, r)
}
