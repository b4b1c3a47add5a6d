//! What a professional changes on a document from its page, besides the depositor's own
//! versions (issue 15): the depositor releases a document hidden from the patient once the
//! announcement consultation has taken place (the patient is told that it is there); any
//! professional who may read it masks it from the other professionals at the patient's
//! request, which is recorded as such — for a record without a portal account the only way.
//! The policy decides and the use cases audit; a refusal reads as the document's absence.

use crate::pro::Pro;
use crate::shared::form;
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::ids::Ids;
use crate::shell::session::Session;
use crate::shell::Web;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use mds_app::record::documents::DocumentView;
use mds_app::AppError;
use mds_domain::{AccountKind, DocumentId, DocumentStatus, PatientId};
use serde::Deserialize;

/// The notice on the document's page after a release (its `ok` parameter).
pub fn notice_of(lang: Lang, ok: Option<&str>) -> Option<&'static str> {
    match ok? {
        "released" => Some(lang.t("prox.doc.done.released")),
        "unmasked" => Some(lang.t("prox.doc.done.unmasked")),
        _ => None,
    }
}

/// The forms under a document's details: release (the depositor, a hidden document), mask at
/// the patient's request (a professional, a document not yet masked) and, on an inactive
/// record (whose patient has no portal), unmask at the patient's request.
pub fn controls(lang: Lang, s: &Session, pid: &str, d: &DocumentView, inactive: bool) -> Markup {
    let l = lang;
    let base = format!("/pro/records/{pid}/documents/{}", d.id);
    let professional = s.actor.kind == AccountKind::Professional;
    let own = professional && d.depositor_account_id.as_ref() == Some(&s.actor.account_id);
    let current = d.status == DocumentStatus::Current;
    html! {
        @if own && current && d.hidden_from_patient {
            section.card aria-labelledby="release-title" {
                h2 #release-title { (l.t("prox.doc.release.title")) }
                p #release-hint { (l.t("prox.doc.release.hint")) }
                form method="post" action=(format!("{base}/release")) {
                    (form::csrf(&s.csrf))
                    button type="submit" aria-describedby="release-hint" { (l.t("prox.doc.release.submit")) }
                }
            }
        }
        @if professional && current && !d.confidential {
            section.card aria-labelledby="mask-title" {
                h2 #mask-title { (l.t("prox.doc.mask.title")) }
                p #mask-hint { (l.t("prox.doc.mask.hint")) }
                form method="post" action=(format!("{base}/mask")) {
                    (form::csrf(&s.csrf))
                    div.field {
                        input #asked type="checkbox" name="asked" value="yes" required;
                        label for="asked" { (l.t("prox.doc.mask.asked")) }
                    }
                    button type="submit" aria-describedby="mask-hint" { (l.t("prox.doc.mask.submit")) }
                }
            }
        }
        @if professional && current && d.confidential && inactive {
            section.card aria-labelledby="unmask-title" {
                h2 #unmask-title { (l.t("prox.doc.unmask.title")) }
                p #unmask-hint { (l.t("prox.doc.unmask.hint")) }
                form method="post" action=(format!("{base}/unmask")) {
                    (form::csrf(&s.csrf))
                    div.field {
                        input #unmask-asked type="checkbox" name="asked" value="yes" required;
                        label for="unmask-asked" { (l.t("prox.doc.mask.asked")) }
                    }
                    button type="submit" aria-describedby="unmask-hint" { (l.t("prox.doc.unmask.submit")) }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct MaskForm {
    #[serde(default)]
    asked: String,
}

/// The depositor. Makes a hidden document visible to the patient, who is told.
pub async fn release(
    State(web): State<Web>,
    Pro { s, ip, .. }: Pro,
    Ids((pid, id)): Ids<(PatientId, DocumentId)>,
    _: Posted<serde::de::IgnoredAny>,
) -> Page {
    let done = web
        .app
        .set_hidden_from_patient(&s.actor, &pid, &id, false, ip, crate::shell::now())
        .await;
    match done {
        Ok(()) => Ok(
            Redirect::to(&format!("/pro/records/{pid}/documents/{id}?ok=released")).into_response(),
        ),
        Err(AppError::Denied { .. } | AppError::Forbidden) => Err(WebError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// A professional who may read the document. Masks it at the patient's request (the box
/// saying so must be ticked).
pub async fn mask(
    State(web): State<Web>,
    Pro { s, ip, .. }: Pro,
    Ids((pid, id)): Ids<(PatientId, DocumentId)>,
    Posted(f): Posted<MaskForm>,
) -> Page {
    at_patient_request(&web, &s, ip, (&pid, &id), &f, true).await
}

/// A professional who may read the document, on an inactive record. Unmasks it at the
/// patient's request (the box saying so must be ticked); the policy refuses it on an active
/// record, whose patient unmasks it from their portal.
pub async fn unmask(
    State(web): State<Web>,
    Pro { s, ip, .. }: Pro,
    Ids((pid, id)): Ids<(PatientId, DocumentId)>,
    Posted(f): Posted<MaskForm>,
) -> Page {
    at_patient_request(&web, &s, ip, (&pid, &id), &f, false).await
}

/// Masks (`masked`) or unmasks a document at the patient's request. Masked, it leaves this
/// professional's view unless they deposited it: back to the record; unmasked, back to it.
async fn at_patient_request(
    web: &Web,
    s: &Session,
    ip: Option<String>,
    (pid, id): (&PatientId, &DocumentId),
    f: &MaskForm,
    masked: bool,
) -> Page {
    if f.asked != "yes" {
        return Err(WebError::BadRequest);
    }
    let done = web
        .app
        .set_document_masked(&s.actor, pid, id, masked, ip, crate::shell::now())
        .await;
    let to = if masked {
        format!("/pro/records/{pid}?ok=masked")
    } else {
        format!("/pro/records/{pid}/documents/{id}?ok=unmasked")
    };
    match done {
        Ok(()) => Ok(Redirect::to(&to).into_response()),
        Err(AppError::Denied { .. } | AppError::Forbidden) => Err(WebError::NotFound),
        Err(e) => Err(e.into()),
    }
}
