//! The support console's rectification requests (issue 15, item 2): the queue, one request
//! beside the record's current identity, and the decision — apply after describing the
//! evidence compared (a near match found by the duplicate check asks for an explicit
//! confirmation that the records are two people), or refuse with a reason the patient reads.
//! Also, on a record's page, the limitation set or lifted at the patient's request. The use
//! cases (`patients::rectification`) decide, audit and tell the patient.

use crate::shared::form;
use crate::shared::views;
use crate::shell::csrf::Posted;
use crate::shell::error::Page;
use crate::shell::i18n::Lang;
use crate::shell::ids::named;
use crate::shell::session::Session;
use crate::shell::Web;
use crate::support::{page, Support};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use mds_app::patients::rectification::MAX_TEXT_CHARS;
use mds_domain::PatientId;
use serde::Deserialize;

const HERE: &str = "/support/rectifications";

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

#[derive(Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    confirmed_distinct: Option<String>,
}

#[derive(Deserialize)]
pub struct RejectForm {
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
pub struct LimitForm {
    #[serde(default)]
    limited: String,
}

/// Support agents. The requests waiting for a decision, oldest first.
pub async fn list(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Query(d): Query<Done>,
) -> Page {
    let l = lang;
    let queue = web.app.pending_rectifications(&s.actor).await?;
    let notice = match d.done.as_deref() {
        Some("applied") => Some(l.t("supx.rect.done.applied")),
        Some("rejected") => Some(l.t("supx.rect.done.rejected")),
        _ => None,
    };
    let body = html! {
        (form::notice(notice))
        p.lead { (l.t("supx.rect.intro")) }
        @if queue.is_empty() {
            p { (l.t("supx.rect.none")) }
        } @else {
            div.table-wrap { table {
                caption.visually-hidden { (l.t("supx.rect.title")) }
                thead { tr {
                    th scope="col" { (l.t("supx.rect.col.record")) }
                    th scope="col" { (l.t("supx.rect.col.change")) }
                    th scope="col" { (l.t("supx.rect.col.asked")) }
                    th scope="col" { span.visually-hidden { (l.t("supx.rect.open")) } }
                } }
                tbody {
                    @for c in &queue {
                        tr {
                            td { (c.patient.birth_name.to_uppercase()) " " (c.patient.first_names.join(" ")) br; (views::date(&c.patient.birth_date)) }
                            td { strong { (c.request.field_label) } " : « " (c.request.previous_value) " » → « " (c.request.requested_value) " »" }
                            td { (c.request.created_at.to_noumea_display()) }
                            td { a href=(format!("{HERE}/{}", c.request.id)) { (l.t("supx.rect.open")) } }
                        }
                    }
                }
            } }
        }
    };
    Ok(page(lang, &s, l.t("supx.rect.title"), HERE, body))
}

/// Support agents. One request and the forms of its decision.
pub async fn show(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Path(id): Path<String>,
) -> Page {
    let l = lang;
    let c = web.app.rectification_case(&s.actor, &id).await?;
    let r = &c.request;
    let p = &c.patient;
    let base = format!("{HERE}/{}", r.id);
    let body = html! {
        h2 { (p.birth_name.to_uppercase()) " " (p.first_names.join(" ")) }
        dl.meta {
            dt { (l.t("enrol.birth_date")) } dd { (views::date(&p.birth_date)) }
            dt { (l.t("enrol.sex")) } dd { (p.sex) }
            dt { (l.t("enrol.birth_place")) } dd { (crate::shared::views::birth_place(&p.birth_place)) }
            dt { (l.t("supx.rect.col.change")) } dd { strong { (r.field_label) } " : « " (r.previous_value) " » → « " (r.requested_value) " »" }
            dt { (l.t("supx.rect.col.asked")) } dd { (r.created_at.to_noumea_display()) }
            dt { (l.t("supx.rect.message")) } dd { (if r.message.is_empty() { "—" } else { &r.message }) }
        }
        p { a href=(format!("/support/patients/{}", p.id)) { (l.t("supx.record.title")) } }
        @if r.state == "pending" {
            form.stack method="post" action=(format!("{base}/apply")) {
                (form::csrf(&s.csrf))
                div.field {
                    label for="evidence" { (l.t("supx.rect.evidence")) }
                    input #evidence type="text" name="evidence" required maxlength=(MAX_TEXT_CHARS) autocomplete="off" aria-describedby="evidence-hint";
                    p.hint #evidence-hint { (l.t("supx.rect.evidence.hint")) }
                }
                div.check {
                    input #confirmed_distinct type="checkbox" name="confirmed_distinct" value="1";
                    label for="confirmed_distinct" { (l.t("supx.rect.confirm")) }
                }
                p.hint #apply-hint { (l.t("supx.rect.apply.hint")) }
                button type="submit" aria-describedby="apply-hint" { (l.t("supx.rect.apply")) }
            }
            form.stack method="post" action=(format!("{base}/reject")) {
                (form::csrf(&s.csrf))
                div.field {
                    label for="note" { (l.t("supx.rect.note")) }
                    input #note type="text" name="note" required maxlength=(MAX_TEXT_CHARS) autocomplete="off";
                }
                button.secondary type="submit" { (l.t("supx.rect.reject")) }
            }
        } @else {
            p { (r.state) }
        }
        p { a href=(HERE) { (l.t("supx.rect.title")) } }
    };
    Ok(page(lang, &s, l.t("supx.rect.title"), HERE, body))
}

/// Support agents. Applies a request (refusals answer the error page with their reason).
pub async fn apply(
    State(web): State<Web>,
    Support { s, .. }: Support,
    Path(id): Path<String>,
    Posted(form): Posted<ApplyForm>,
) -> Page {
    let confirmed = form.confirmed_distinct.as_deref() == Some("1");
    web.app
        .apply_rectification(
            &s.actor,
            &id,
            &form.evidence,
            confirmed,
            crate::shell::now(),
        )
        .await?;
    Ok(Redirect::to(&format!("{HERE}?done=applied")).into_response())
}

/// Support agents. Refuses a request with its reason.
pub async fn reject(
    State(web): State<Web>,
    Support { s, .. }: Support,
    Path(id): Path<String>,
    Posted(form): Posted<RejectForm>,
) -> Page {
    web.app
        .reject_rectification(&s.actor, &id, &form.note, crate::shell::now())
        .await?;
    Ok(Redirect::to(&format!("{HERE}?done=rejected")).into_response())
}

/// The limitation of a record, on its console page: its state and the form that changes it.
pub fn limitation_section(lang: Lang, s: &Session, limited: bool, base: &str) -> Markup {
    let l = lang;
    html! {
        h2 { (l.t("supx.limit.title")) }
        p #limitation-state { @if limited { (l.t("supx.limit.on")) } @else { (l.t("supx.limit.off")) } }
        form method="post" action=(format!("{base}/limitation")) {
            (form::csrf(&s.csrf))
            input type="hidden" name="limited" value=(if limited { "0" } else { "1" });
            button.secondary type="submit" {
                @if limited { (l.t("supx.limit.lift")) } @else { (l.t("supx.limit.set")) }
            }
        }
    }
}

/// Support agents. Limits a record or lifts its limitation, at the patient's request.
pub async fn limit(
    State(web): State<Web>,
    Support { s, .. }: Support,
    Path(id): Path<String>,
    Posted(form): Posted<LimitForm>,
) -> Page {
    let patient = named::<PatientId>(&id);
    web.app
        .set_limitation(&s.actor, &patient, form.limited == "1", crate::shell::now())
        .await?;
    Ok(Redirect::to(&format!("/support/patients/{id}")).into_response())
}
