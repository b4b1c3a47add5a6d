//! The patient's controls from the portal: masking a document (or all) from professionals,
//! and, on the care team page, removing, blocking a professional or declaring the attending
//! physician. Each form explains its consequence next to its button; each action answers
//! with a redirect to the page it came from.

use crate::patient::Patient;
use crate::shared::form;
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::ids::named;
use crate::shell::Web;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use mds_domain::{AccountId, DocumentId};
use serde::Deserialize;

/// The masking form of one document, with its consequence (`by_patient`: a document the
/// patient added, which no professional deposited).
pub fn mask_form(lang: Lang, csrf: &str, doc_id: &str, masked: bool, by_patient: bool) -> Markup {
    let l = lang;
    let action = format!("/patient/documents/{doc_id}/mask");
    html! {
        form.inline method="post" action=(action) {
            (form::csrf(csrf))
            @if masked {
                p.hint { (l.t("mask.is_masked")) " " (l.t("mask.unmask.hint")) }
                input type="hidden" name="masked" value="0";
                button.secondary type="submit" { (l.t("mask.unmask")) }
            } @else {
                p.hint { (l.t(if by_patient { "pdocs.mask.hint" } else { "mask.hint" })) }
                input type="hidden" name="masked" value="1";
                button.secondary type="submit" { (l.t("mask.mask")) }
            }
        }
    }
}

/// The record-wide masking controls under the documents list: « Masquer tous mes documents »
/// leads to a confirmation page (a heavy action); « Démasquer tous » lifts the patient's own
/// masks at once (it only gives back what they took away, and can be masked again).
pub fn mask_all_form(lang: Lang, csrf: &str) -> Markup {
    let l = lang;
    html! {
        section.danger-zone #mask-all aria-labelledby="mask-all-title" {
            h2 #mask-all-title { (l.t("mask.all.title")) }
            p.hint { (l.t("mask.all.hint")) }
            p { a.button.secondary href="/patient/documents/mask-all" { (l.t("mask.all")) } }
            form.inline #unmask-all method="post" action="/patient/documents/unmask-all" {
                (form::csrf(csrf))
                p.hint { (l.t("mask.unmask_all.hint")) }
                button.secondary type="submit" { (l.t("mask.unmask_all")) }
            }
        }
    }
}

/// A patient. The confirmation page of « Masquer tous mes documents »: what it does, what it
/// does not, and the two ways out.
pub async fn mask_all_confirm(Patient { s, lang, .. }: Patient) -> Page {
    let l = lang;
    let c = crate::patient::chrome(
        lang,
        &s,
        l.t("mask.confirm.title"),
        "/patient/documents/mask-all",
    );
    crate::patient::render(
        &c,
        html! {
            p.lead { (l.t("mask.all.hint")) }
            p { (l.t("mask.confirm.undo")) }
            form.stack method="post" action="/patient/documents/mask-all" {
                (form::csrf(&s.csrf))
                div.actions {
                    button.danger type="submit" { (l.t("mask.confirm.yes")) }
                    a href="/patient/documents" { (l.t("mask.confirm.no")) }
                }
            }
        },
    )
}

#[derive(Deserialize)]
pub struct MaskForm {
    masked: String,
}

/// A patient. Masks one of their documents from professionals, or lifts that.
pub async fn mask(
    State(web): State<Web>,
    Patient { s, ip, pid, .. }: Patient,
    Path(id): Path<String>,
    Posted(form): Posted<MaskForm>,
) -> Page {
    let masked = match form.masked.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(WebError::BadRequest),
    };
    web.app
        .set_document_masked(
            &s.actor,
            &pid,
            &named::<DocumentId>(&id),
            masked,
            ip,
            crate::shell::now(),
        )
        .await?;
    let done = if masked { "masked" } else { "unmasked" };
    Ok(Redirect::to(&format!("/patient/documents/{id}?ok={done}")).into_response())
}

#[derive(Deserialize)]
pub struct NoFields {}

/// A patient. Masks every current document of their record from professionals.
pub async fn mask_all(
    State(web): State<Web>,
    Patient { s, ip, pid, .. }: Patient,
    _: Posted<NoFields>,
) -> Page {
    web.app
        .mask_all_documents(&s.actor, &pid, ip, crate::shell::now())
        .await?;
    Ok(Redirect::to("/patient/documents?ok=masked_all").into_response())
}

/// A patient. Makes the documents they masked visible to professionals again.
pub async fn unmask_all(
    State(web): State<Web>,
    Patient { s, ip, pid, .. }: Patient,
    _: Posted<NoFields>,
) -> Page {
    web.app
        .unmask_all_documents(&s.actor, &pid, ip, crate::shell::now())
        .await?;
    Ok(Redirect::to("/patient/documents?ok=unmasked_all").into_response())
}

/// The forms of one care-team member, each with its consequence.
pub fn member_forms(lang: Lang, csrf: &str, pro_id: &str, attending: bool) -> Markup {
    let l = lang;
    let action = format!("/patient/care-team/{pro_id}");
    html! {
        form.inline method="post" action=(action) {
            (form::csrf(csrf))
            p.hint { (l.t("team.remove.hint")) }
            button.secondary type="submit" name="do" value="remove" { (l.t("team.remove")) }
            p.hint { (l.t("team.block.hint")) }
            button.secondary type="submit" name="do" value="block" { (l.t("team.block")) }
            @if !attending {
                p.hint { (l.t("team.attending.hint")) }
                button.secondary type="submit" name="do" value="attending" { (l.t("team.attending")) }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct MemberForm {
    #[serde(rename = "do")]
    what: String,
}

/// A patient. Removes, blocks, or declares attending physician one professional.
pub async fn member(
    State(web): State<Web>,
    Patient { s, ip, pid, .. }: Patient,
    Path(pro): Path<String>,
    Posted(form): Posted<MemberForm>,
) -> Page {
    let (app, a, now) = (&web.app, &s.actor, crate::shell::now());
    match form.what.as_str() {
        "remove" => {
            app.remove_from_care_team(a, &pid, &named::<AccountId>(&pro), ip, now)
                .await?
        }
        "block" => {
            app.block_professional(a, &pid, &named::<AccountId>(&pro), ip, now)
                .await?
        }
        "attending" => {
            app.declare_attending_physician(a, &pid, Some(&named::<AccountId>(&pro)), ip, now)
                .await?;
        }
        _ => return Err(WebError::BadRequest),
    }
    let ok = form.what;
    Ok(Redirect::to(&format!("/patient/care-team?ok={ok}")).into_response())
}

/// The directory search to add a professional to the care team, and its results (active
/// accounts not already in the team).
pub fn add_section(lang: Lang, csrf: &str, q: Option<&str>, found: &[found::Found]) -> Markup {
    let l = lang;
    html! {
        section aria-labelledby="add-title" {
            h2 #add-title { (l.t("team.add.title")) }
            form.filters method="get" action="/patient/care-team" role="search" aria-label=(l.t("team.add.title")) {
                div.field {
                    label for="t-q" { (l.t("team.add.name")) }
                    input #t-q type="search" name="q" value=[q];
                }
                div.actions { button type="submit" { (l.t("team.add.search")) } }
            }
            @if q.is_some() && found.is_empty() { p { (l.t("team.add.none")) } }
            @if !found.is_empty() {
                p.hint { (l.t("team.add.hint")) }
                ul.list {
                    @for f in found {
                        li {
                            strong { (f.name) } " — " (f.profession)
                            form.inline method="post" action="/patient/care-team/add" {
                                (form::csrf(csrf))
                                input type="hidden" name="pro" value=(f.account_id);
                                button.secondary type="submit" aria-label=(format!("{} : {}", l.t("team.add"), f.name)) { (l.t("team.add")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Local view types of the care team page.
pub mod found {
    /// A professional found in the directory.
    pub struct Found {
        pub account_id: String,
        pub name: String,
        pub profession: String,
    }
}

#[derive(Deserialize)]
pub struct AddForm {
    pro: String,
}

/// A patient. Adds a professional found in the directory to their care team.
pub async fn add(
    State(web): State<Web>,
    Patient { s, ip, pid, .. }: Patient,
    Posted(form): Posted<AddForm>,
) -> Page {
    web.app
        .add_to_care_team(
            &s.actor,
            &pid,
            &named::<AccountId>(&form.pro),
            false,
            ip,
            crate::shell::now(),
        )
        .await?;
    Ok(Redirect::to("/patient/care-team?ok=add").into_response())
}
