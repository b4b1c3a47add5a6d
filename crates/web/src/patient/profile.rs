//! « Mon profil médical »: the patient fills in their health profile section by section
//! (`shared::profile`), sees the charts of their measurements, removes what they wish; a
//! refused form comes back filled with its message.

use crate::patient::{chrome, render, Patient};
use crate::shared::form;
use crate::shared::profile::{sections, View};
use crate::shared::profile_form::{submit, EntryForm, Retry};
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::ids::Ids;
use crate::shell::session::Session;
use crate::shell::Web;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::html;
use mds_app::record::documents::DocumentQuery;
use mds_domain::{DocumentId, PatientId, ProfileEntryId};
use serde::Deserialize;

const BASE: &str = "/patient/profile";

/// The type of the documents that hold advance directives.
const DIRECTIVES_TYPE: &str = "EXPPAT_3";

#[derive(Deserialize, Default)]
pub struct Done {
    ok: Option<String>,
}

/// The record's documents of advance directives, offered as the directives' pointer.
async fn directive_documents(
    web: &Web,
    s: &Session,
    pid: &PatientId,
    ip: Option<String>,
) -> Result<Vec<(DocumentId, String)>, WebError> {
    let mut q = DocumentQuery::default();
    q.filter.type_code = Some(DIRECTIVES_TYPE.to_owned());
    let page = web
        .app
        .list_documents(&s.actor, pid, q, ip, crate::shell::now())
        .await?;
    Ok(page
        .items
        .into_iter()
        .map(|d| {
            let label = format!("{} ({})", d.title, crate::shared::views::date(&d.act_date));
            (d.id, label)
        })
        .collect())
}

async fn page(web: &Web, p: &Patient, notice: Option<&str>, retry: Option<Retry<'_>>) -> Page {
    let Patient { s, lang, ip, pid } = p;
    let lang: Lang = *lang;
    let now = crate::shell::now();
    let profile = web
        .app
        .health_profile(&s.actor, pid, ip.clone(), now)
        .await?;
    let choices = directive_documents(web, s, pid, ip.clone()).await?;
    let view = View {
        lang,
        csrf: &s.csrf,
        base: BASE,
        documents: "/patient/documents",
        owner: true,
        retry,
        choices: &choices,
    };
    let c = chrome(lang, s, lang.t("profile.title"), BASE);
    render(
        &c,
        html! {
            (form::notice(notice))
            p.lead { (lang.t("profile.intro")) }
            (sections(&view, &profile))
        },
    )
}

/// A patient (or their representative). Their health profile.
pub async fn show(State(web): State<Web>, p: Patient, Query(done): Query<Done>) -> Page {
    let notice = match done.ok.as_deref() {
        Some("added") => Some(p.lang.t("profile.done.added")),
        Some("removed") => Some(p.lang.t("profile.done.removed")),
        _ => None,
    };
    page(&web, &p, notice, None).await
}

/// A patient. Adds an entry; a refused one comes back in its form with the message (422).
pub async fn add(State(web): State<Web>, p: Patient, Posted(form): Posted<EntryForm>) -> Page {
    let section = form.section().ok_or(WebError::BadRequest)?;
    let Some(refused) = submit(&web, &p.s.actor, &p.pid, p.ip.clone(), p.lang, &form).await? else {
        return Ok(Redirect::to(&format!("{BASE}?ok=added")).into_response());
    };
    let retry = Retry {
        section,
        form: &form,
        error: &refused,
    };
    let mut response = page(&web, &p, None, Some(retry)).await?;
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// A patient. Removes an entry of their profile.
pub async fn remove(
    State(web): State<Web>,
    p: Patient,
    Ids(id): Ids<ProfileEntryId>,
    Posted(_): Posted<serde::de::IgnoredAny>,
) -> Page {
    web.app
        .remove_profile_entry(&p.s.actor, &p.pid, &id, p.ip.clone(), crate::shell::now())
        .await?;
    Ok(Redirect::to(&format!("{BASE}?ok=removed")).into_response())
}
