//! The support console's end-of-life actions on a record (DESIGN.md section 3): record a
//! death, close a record on the patient's request, record an erasure request, each with its
//! consequence stated before the button; the dates of the record's life cycle (archive purge,
//! erasure deadline); and the erasure requests waiting for the retention job.

use crate::shared::form;
use crate::shared::views;
use crate::shared::views::patient_name;
use crate::shell::csrf::Posted;
use crate::shell::error::Page;
use crate::shell::ids::named;
use crate::shell::Web;
use crate::support::records::{done_notice, state_label, Done, HERE};
use crate::support::{page, Support};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::html;
use mds_domain::{AccountState, PatientId};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct DeathForm {
    #[serde(default)]
    died_on: String,
}

#[derive(Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    request: String,
}

fn when(ms: Option<i64>) -> String {
    ms.map_or_else(|| "—".to_owned(), views::instant)
}

/// Support agents. The life cycle of a record and the three end-of-life actions.
pub async fn show(
    State(web): State<Web>,
    Support { s, lang, ip, .. }: Support,
    Path(id): Path<String>,
    Query(d): Query<Done>,
) -> Page {
    let v = web
        .app
        .patient_for_support(&s.actor, &named::<PatientId>(&id), ip, crate::shell::now())
        .await?;
    let p = &v.patient;
    let l = lang;
    let base = format!("{HERE}/{}", p.id);
    let open = matches!(p.record_state.as_str(), "active" | "inactive");
    let erasable = open || p.record_state == AccountState::Closed;
    let days = web.app.settings().erasure_deadline_days;
    let body = html! {
        (done_notice(l, d.done.as_deref()))
        h2 { (patient_name(p)) " — " (views::date(&p.birth_date)) }
        dl.meta {
            dt { (l.t("supx.col.state")) } dd #record-state { (state_label(l, &p.record_state)) }
            dt { (l.t("supx.life.died_on")) } dd { (v.died_on.as_deref().map_or_else(|| "—".to_owned(), views::date)) }
            dt { (l.t("supx.life.closed_at")) } dd { (when(v.closed_at_ms)) }
            dt { (l.t("supx.life.purge_after")) } dd { (when(v.purge_after_ms)) }
            dt { (l.t("supx.life.erasure_requested")) } dd { (when(v.erasure_requested_at_ms)) }
            dt { (l.t("supx.life.erasure_deadline")) } dd { (when(v.erasure_deadline_ms)) }
        }
        h2 { (l.t("supx.death.title")) }
        @if p.deceased {
            p { (l.t("supx.death.recorded")) }
        } @else if p.record_state != AccountState::Erased {
            form method="post" action=(format!("{base}/death")) {
                (form::csrf(&s.csrf))
                p #death-hint { (l.t("supx.death.consequence")) }
                div.field {
                    label for="died_on" { (l.t("supx.life.died_on")) }
                    input #died_on type="date" name="died_on" required aria-describedby="death-hint";
                }
                button type="submit" { (l.t("supx.death.submit")) }
            }
        }
        h2 { (l.t("supx.close.title")) }
        @if open {
            form method="post" action=(format!("{base}/close")) {
                (form::csrf(&s.csrf))
                p #close-hint { (l.t("supx.close.consequence")) }
                div.field {
                    label for="close-request" { (l.t("supx.request")) }
                    input #close-request type="text" name="request" required aria-describedby="close-hint";
                }
                button type="submit" { (l.t("supx.close.submit")) }
            }
        } @else {
            p { (l.t("supx.close.not_open")) }
        }
        h2 { (l.t("supx.erasure.title")) }
        @if v.erasure_deadline_ms.is_some() {
            p { (l.t("supx.erasure.already")) }
        } @else if erasable {
            form method="post" action=(format!("{base}/erasure")) {
                (form::csrf(&s.csrf))
                p #erasure-hint { (l.t("supx.erasure.consequence")) " " (l.t("supx.erasure.deadline")) " " (days) " " (l.t("supx.erasure.days")) }
                div.field {
                    label for="erasure-request" { (l.t("supx.request")) }
                    input #erasure-request type="text" name="request" required aria-describedby="erasure-hint";
                }
                button.secondary type="submit" { (l.t("supx.erasure.submit")) }
            }
        }
        p { a href=(base) { (l.t("supx.record.back")) } }
    };
    let here = format!("{base}/life");
    Ok(page(lang, &s, l.t("supx.life.title"), &here, body))
}

/// Support agents. Records a death: nothing can be added to the record afterwards.
pub async fn death(
    State(web): State<Web>,
    Support { s, .. }: Support,
    Path(id): Path<String>,
    Posted(form): Posted<DeathForm>,
) -> Page {
    web.app
        .record_death(
            &s.actor,
            &named::<PatientId>(&id),
            &form.died_on,
            crate::shell::now(),
        )
        .await?;
    Ok(Redirect::to(&format!("{HERE}/{id}/life?done=death")).into_response())
}

/// Support agents. Closes a record on the patient's request (archived 10 years).
pub async fn close(
    State(web): State<Web>,
    Support { s, .. }: Support,
    Path(id): Path<String>,
    Posted(form): Posted<RequestForm>,
) -> Page {
    web.app
        .close_record_for_patient(
            &s.actor,
            &named::<PatientId>(&id),
            &form.request,
            crate::shell::now(),
        )
        .await?;
    Ok(Redirect::to(&format!("{HERE}/{id}/life?done=close")).into_response())
}

/// Support agents. Records the patient's erasure request (carried out by the retention job).
pub async fn erasure(
    State(web): State<Web>,
    Support { s, .. }: Support,
    Path(id): Path<String>,
    Posted(form): Posted<RequestForm>,
) -> Page {
    web.app
        .request_erasure_for_patient(
            &s.actor,
            &named::<PatientId>(&id),
            &form.request,
            crate::shell::now(),
        )
        .await?;
    Ok(Redirect::to(&format!("{HERE}/{id}/life?done=erasure")).into_response())
}

/// Support agents. Erasure requests waiting for the retention job, soonest deadline first.
pub async fn erasures(State(web): State<Web>, Support { s, lang, .. }: Support) -> Page {
    let rows = web
        .app
        .pending_erasures(&s.actor, crate::shell::now())
        .await?;
    let l = lang;
    let body = html! {
        p.lead { (l.t("supx.erasures.intro")) }
        @if rows.is_empty() {
            p { (l.t("supx.erasures.empty")) }
        } @else {
            div.table-wrap { table {
                caption { (l.t("supx.erasures.title")) " (" (rows.len()) ")" }
                thead { tr {
                    th scope="col" { (l.t("support.col.name")) }
                    th scope="col" { (l.t("supx.life.erasure_requested")) }
                    th scope="col" { (l.t("supx.life.erasure_deadline")) }
                } }
                tbody {
                    @for v in &rows {
                        tr {
                            td { a href=(format!("{HERE}/{}/life", v.patient.id)) { (patient_name(&v.patient)) } }
                            td { (when(v.erasure_requested_at_ms)) }
                            td { (when(v.erasure_deadline_ms)) }
                        }
                    }
                }
            } }
        }
    };
    Ok(page(
        lang,
        &s,
        l.t("supx.erasures.title"),
        "/support/erasures",
        body,
    ))
}
