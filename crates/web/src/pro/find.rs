//! Finding a patient by CAFAT number and birth date: the search form, and the contextual entry
//! `/pro/patient?cafat=…&birth_date=…` that professional software opens (after sign-in when
//! needed: the login keeps this address); one match opens the record.

use crate::pro::{chrome, render, Pro};
use crate::shared::form::{self, non_empty};
use crate::shared::views::{self, patient_name};
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::session::Session;
use crate::shell::Web;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use mds_app::information::history::patients_seen::RecentPatient;
use mds_app::patients::identity::PatientSummary;
use mds_app::patients::search::PatientQuery;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct FindQuery {
    identifier_kind: Option<String>,
    cafat: Option<String>,
    birth_date: Option<String>,
}

fn find_page(
    lang: Lang,
    s: &Session,
    q: &FindQuery,
    error: Option<&str>,
    found: &[PatientSummary],
    recent: &[RecentPatient],
) -> Result<Response, WebError> {
    let l = lang;
    let c = chrome(lang, s, l.t("pro.find.title"), "/pro");
    let described = form::described_by(None, error.map(|_| "find-error"));
    render(
        &c,
        html! {
            p.lead { (l.t("pro.find.intro")) }
            (form::form_error("find-error", error))
            form.stack method="get" action="/pro/patient" role="search" aria-label=(l.t("pro.find.title")) {
                (form::identifier_kind_choice(l, q.identifier_kind.as_deref().unwrap_or_default()))
                div.field {
                    label for="cafat" { (l.t("pro.find.cafat")) }
                    input #cafat type="text" name="cafat" inputmode="numeric" autocomplete="off"
                        value=[q.cafat.as_deref()] required aria-describedby=[described.as_deref()];
                }
                div.field {
                    label for="birth_date" { (l.t("pro.find.birth_date")) }
                    input #birth_date type="date" name="birth_date" value=[q.birth_date.as_deref()]
                        required aria-describedby=[described.as_deref()];
                }
                button type="submit" { (l.t("pro.find.submit")) }
            }
            p { a href="/pro/search" { (l.t("prox.find.by_traits")) } }
            @if !recent.is_empty() {
                section aria-labelledby="recent-title" {
                    h2 #recent-title { (l.t("pro.find.recent")) }
                    ul.list {
                        @for p in recent {
                            li {
                                a href=(format!("/pro/records/{}", p.patient_id)) { (p.name) }
                                " — " (l.t("pro.record.born")) " " (views::date(&p.birth_date))
                                p.hint { (l.t("pro.find.recent.last")) " " (views::instant(p.last_at_ms)) }
                            }
                        }
                    }
                }
            }
            @if found.len() > 1 {
                h2 { (l.t("pro.find.several")) }
                ul.list {
                    @for p in found {
                        li { a href=(format!("/pro/records/{}", p.id)) { (patient_name(p)) } " — " (views::date(&p.birth_date)) }
                    }
                }
            }
        },
    )
}

/// Professionals and assistants. The search form, and the records they opened lately.
pub async fn find(State(web): State<Web>, Pro { s, lang, ip, .. }: Pro) -> Page {
    let recent = web
        .app
        .recent_patients(&s.actor, ip, crate::shell::now())
        .await?;
    find_page(lang, &s, &FindQuery::default(), None, &[], &recent)
}

/// Professionals and assistants. The contextual entry: finds the patient by CAFAT number and
/// birth date and opens the record (after sign-in when needed: the login keeps this address).
pub async fn contextual(
    State(web): State<Web>,
    Pro { s, lang, ip, .. }: Pro,
    Query(q): Query<FindQuery>,
) -> Page {
    let (Some(cafat), Some(birth_date)) = (non_empty(&q.cafat), non_empty(&q.birth_date)) else {
        return find_page(lang, &s, &q, Some(lang.t("pro.find.missing")), &[], &[]);
    };
    let query = PatientQuery::Cafat {
        identifier_kind: q.identifier_kind.clone().unwrap_or_default(),
        cafat,
        birth_date,
    };
    let found = match web
        .app
        .search_patients(&s.actor, query, ip, crate::shell::now())
        .await
    {
        Ok(found) => found,
        Err(e @ mds_app::AppError::Invalid { .. }) => {
            let message = e.public_message_in(lang.into());
            return find_page(lang, &s, &q, Some(&message), &[], &[]);
        }
        Err(e) => return Err(e.into()),
    };
    match found.as_slice() {
        [] => find_page(lang, &s, &q, Some(lang.t("pro.find.none")), &[], &[]),
        [one] => Ok(Redirect::to(&format!("/pro/records/{}", one.id)).into_response()),
        several => find_page(lang, &s, &q, None, several, &[]),
    }
}
