//! A patient's health profile in the professional portal, under the patient banner: what the
//! policy lets this professional see of it (the emergency items alone under an emergency
//! access), with the forms to add a vaccination or a measurement in their name, and to remove
//! what they added.

use crate::pro::record::banner;
use crate::pro::{chrome, render, Pro};
use crate::shared::form;
use crate::shared::profile::{sections, View};
use crate::shared::profile_form::{submit, EntryForm, Retry};
use crate::shared::views::patient_name;
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::ids::Ids;
use crate::shell::Web;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::html;
use mds_domain::{PatientId, ProfileEntryId};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct Done {
    ok: Option<String>,
}

fn base(pid: &PatientId) -> String {
    format!("/pro/records/{pid}/profile")
}

async fn page(
    web: &Web,
    pro: &Pro,
    pid: &PatientId,
    notice: Option<&str>,
    retry: Option<Retry<'_>>,
) -> Page {
    let Pro { s, lang, ip, .. } = pro;
    let lang = *lang;
    let profile = web
        .app
        .health_profile(&s.actor, pid, ip.clone(), crate::shell::now())
        .await?;
    let b = profile.banner.as_ref().ok_or(WebError::NotFound)?;
    let here = base(pid);
    let documents = format!("/pro/records/{pid}/documents");
    let view = View {
        lang,
        csrf: &s.csrf,
        base: &here,
        documents: &documents,
        owner: false,
        retry,
        choices: &[],
    };
    let title = format!(
        "{} — {}",
        lang.t("profile.title.pro"),
        patient_name(&b.patient)
    );
    let c = chrome(lang, s, &title, &here);
    render(
        &c,
        html! {
            (form::notice(notice))
            (banner(lang, &b.patient, b.identifier_kind, &b.cafat))
            p.lead { (lang.t("profile.intro.pro")) }
            p { a href=(format!("/pro/records/{pid}")) { (lang.t("profile.back.record")) } }
            (sections(&view, &profile))
        },
    )
}

/// Professionals (a health professional with an access). The patient's health profile.
pub async fn show(
    State(web): State<Web>,
    pro: Pro,
    Ids(pid): Ids<PatientId>,
    Query(done): Query<Done>,
) -> Page {
    let notice = match done.ok.as_deref() {
        Some("added") => Some(pro.lang.t("profile.done.added.pro")),
        Some("removed") => Some(pro.lang.t("profile.done.removed")),
        _ => None,
    };
    page(&web, &pro, &pid, notice, None).await
}

/// Professionals. Adds a vaccination or a measurement in their name.
pub async fn add(
    State(web): State<Web>,
    pro: Pro,
    Ids(pid): Ids<PatientId>,
    Posted(form): Posted<EntryForm>,
) -> Page {
    let section = form.section().ok_or(WebError::BadRequest)?;
    let Some(refused) = submit(&web, &pro.s.actor, &pid, pro.ip.clone(), pro.lang, &form).await?
    else {
        return Ok(Redirect::to(&format!("{}?ok=added", base(&pid))).into_response());
    };
    let retry = Retry {
        section,
        form: &form,
        error: &refused,
    };
    let mut response = page(&web, &pro, &pid, None, Some(retry)).await?;
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// Professionals. Removes an entry they added.
pub async fn remove(
    State(web): State<Web>,
    pro: Pro,
    Ids((pid, id)): Ids<(PatientId, ProfileEntryId)>,
    Posted(_): Posted<serde::de::IgnoredAny>,
) -> Page {
    web.app
        .remove_profile_entry(&pro.s.actor, &pid, &id, pro.ip.clone(), crate::shell::now())
        .await?;
    Ok(Redirect::to(&format!("{}?ok=removed", base(&pid))).into_response())
}
