//! A professional's own documents, from the document page: replace by a new version (the old
//! one leaves the lists) or delete (the content is erased, the history keeps that it
//! happened), each with its consequence said before it is confirmed. Only the depositor is
//! offered these; for anyone else the pages do not exist (uniform not-found), whatever the
//! policy's reason. The use cases decide and audit.

use crate::pro::{chrome, render, Pro};
use crate::shared::form;
use crate::shared::upload::{self, field, Part};
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::ids::Ids;
use crate::shell::session::Session;
use crate::shell::Web;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use mds_app::record::documents::{DocumentView, NewDocument};
use mds_app::AppError;
use mds_domain::{AccountKind, DocumentId, DocumentStatus, DocumentType, PatientId};
use serde::Deserialize;

/// Whether the signed-in professional deposited `d`.
fn is_own(s: &Session, d: &DocumentView) -> bool {
    s.actor.kind == AccountKind::Professional
        && d.depositor_account_id.as_ref() == Some(&s.actor.account_id)
}

/// The notice after a replacement (on the new version's page).
pub fn notice_of(lang: Lang, ok: Option<&str>) -> Option<&'static str> {
    (ok? == "replaced").then(|| lang.t("prox.doc.done.replaced"))
}

/// The depositor's actions under the document's details (nothing for anyone else).
pub fn own_controls(lang: Lang, s: &Session, pid: &str, d: &DocumentView) -> Markup {
    let l = lang;
    let base = format!("/pro/records/{pid}/documents/{}", d.id);
    html! {
        @if is_own(s, d) && d.status == DocumentStatus::Current {
            section.card aria-labelledby="own-title" {
                h2 #own-title { (l.t("prox.doc.own")) }
                p.hint #replace-hint { (l.t("prox.doc.replace.hint")) }
                p { a.button href=(format!("{base}/replace")) aria-describedby="replace-hint" { (l.t("prox.doc.replace")) } }
                p.hint #delete-hint { (l.t("prox.doc.delete.hint")) }
                p { a.button href=(format!("{base}/delete")) aria-describedby="delete-hint" { (l.t("prox.doc.delete")) } }
            }
        }
    }
}

/// The document, when the signed-in professional deposited it; not found otherwise.
async fn own_document(
    web: &Web,
    s: &Session,
    pid: &PatientId,
    id: &DocumentId,
    ip: Option<String>,
) -> Result<DocumentView, WebError> {
    let d = web
        .app
        .document_metadata(&s.actor, pid, id, ip, crate::shell::now())
        .await?;
    if is_own(s, &d) && d.status == DocumentStatus::Current {
        Ok(d)
    } else {
        Err(WebError::NotFound)
    }
}

/// What the replace form keeps after an error.
#[derive(Default)]
struct Fields {
    type_code: String,
    title: String,
    act_date: String,
    hidden_from_patient: bool,
    informed: bool,
}

fn replace_page(
    lang: Lang,
    s: &Session,
    pid: &str,
    d: &DocumentView,
    f: &Fields,
    error: Option<&str>,
) -> Result<Response, WebError> {
    let l = lang;
    let here = format!("/pro/records/{pid}/documents/{}/replace", d.id);
    let c = chrome(lang, s, l.t("prox.doc.replace.title"), &here);
    let err = error.map(|_| "replace-error");
    let by = |hint: Option<&str>| form::described_by(hint, err);
    render(
        &c,
        html! {
            p.lead #replace-intro { (l.t("prox.doc.replace.intro")) " « " (d.title) " » (" (l.t("document.version")) " " (d.version) ")." }
            (form::form_error("replace-error", error))
            form.stack method="post" action=(here) enctype="multipart/form-data" {
                (form::csrf(&s.csrf))
                div.field {
                    label for="type_code" { (l.t("pro.add.type")) }
                    select #type_code name="type_code" required aria-describedby=[by(None)] {
                        @for t in DocumentType::all() {
                            option value=(t.code()) selected[f.type_code == t.code()] { (t.label(l.into())) }
                        }
                    }
                }
                div.field {
                    label for="title" { (l.t("pro.add.doc_title")) }
                    input #title type="text" name="title" value=(f.title) required maxlength="200" aria-describedby=[by(None)];
                }
                div.field {
                    label for="act_date" { (l.t("pro.add.act_date")) }
                    input #act_date type="date" name="act_date" value=(f.act_date) required aria-describedby=[by(None)];
                }
                div.field {
                    label for="file" { (l.t("prox.doc.replace.file")) }
                    p.hint #file-hint { (l.t("pro.add.file.hint")) }
                    input #file type="file" name="file" required accept=".pdf,.xml,.txt,.png,.jpg,.jpeg" aria-describedby=[by(Some("file-hint"))];
                }
                div.check {
                    input #hidden_from_patient type="checkbox" name="hidden_from_patient" value="1" checked[f.hidden_from_patient] aria-describedby="hidden-hint";
                    label for="hidden_from_patient" { (l.t("pro.add.hidden")) }
                    p.hint #hidden-hint { (l.t("pro.add.hidden.hint")) }
                }
                p.hint { (l.t("prox.doc.replace.masking")) }
                div.check {
                    input #informed type="checkbox" name="confirms_patient_informed" value="1" checked[f.informed] aria-describedby="informed-hint";
                    label for="informed" { (l.t("pro.add.informed")) }
                    p.hint #informed-hint { (l.t("pro.add.informed.hint")) }
                }
                div.actions {
                    button type="submit" aria-describedby="replace-intro" { (l.t("prox.doc.replace.submit")) }
                    a href=(format!("/pro/records/{pid}/documents/{}", d.id)) { (l.t("pro.add.cancel")) }
                }
            }
        },
    )
}

/// The depositor. The form of a new version, filled with the current metadata.
pub async fn replace_form(
    State(web): State<Web>,
    Pro { s, lang, ip, .. }: Pro,
    Ids((pid, id)): Ids<(PatientId, DocumentId)>,
) -> Page {
    let d = own_document(&web, &s, &pid, &id, ip).await?;
    let f = Fields {
        type_code: d.type_code.clone(),
        title: d.title.clone(),
        act_date: d.act_date.clone(),
        hidden_from_patient: d.hidden_from_patient,
        informed: false,
    };
    replace_page(lang, &s, pid.as_str(), &d, &f, None)
}

/// The parts of the replace form, after its token.
const REPLACE_PARTS: &[Part] = &[
    Part::file("file"),
    field("type_code"),
    field("title"),
    field("act_date"),
    field("hidden_from_patient"),
    field("confirms_patient_informed"),
];

/// Reads the upload form (its anti-CSRF token first, see `shared::upload`).
async fn read_form(
    s: &Session,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<(Fields, Vec<u8>), WebError> {
    let mut up = upload::read(s, mp, REPLACE_PARTS).await?;
    let f = Fields {
        type_code: up.text("type_code"),
        title: up.text("title"),
        act_date: up.text("act_date"),
        hidden_from_patient: up.has("hidden_from_patient"),
        informed: up.has("confirms_patient_informed"),
    };
    Ok((f, up.take("file").unwrap_or_default()))
}

/// The depositor. Deposits the new version; on to its page.
pub async fn replace(
    State(web): State<Web>,
    Pro { s, lang, ip, .. }: Pro,
    Ids((pid, id)): Ids<(PatientId, DocumentId)>,
    mp: Result<Multipart, MultipartRejection>,
) -> Page {
    let (f, content) = read_form(&s, mp).await?;
    let d = own_document(&web, &s, &pid, &id, ip.clone()).await?;
    let new = NewDocument {
        type_code: f.type_code.clone(),
        title: f.title.clone(),
        act_date: f.act_date.clone(),
        structure_id: None,
        confidential: false,
        hidden_from_patient: f.hidden_from_patient,
        // A new version of a document the patient may already have read: no announcement
        // delay (hiding it stays the depositor's choice above).
        visible_to_patient_now: true,
        confirms_patient_informed: f.informed,
        content,
    };
    match web
        .app
        .modify_document(&s.actor, &pid, &id, new, ip, crate::shell::now())
        .await
    {
        Ok(v) => Ok(Redirect::to(&format!(
            "/pro/records/{pid}/documents/{}?ok=replaced",
            v.id
        ))
        .into_response()),
        Err(
            e @ (AppError::Invalid { .. }
            | AppError::TooLarge { .. }
            | AppError::Conflict { .. }
            | AppError::Denied { .. }),
        ) => {
            let mut r = replace_page(
                lang,
                &s,
                pid.as_str(),
                &d,
                &f,
                Some(&e.public_message_in(lang.into())),
            )?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

/// The depositor. What deleting means, and the button that does it.
pub async fn delete_form(
    State(web): State<Web>,
    Pro { s, lang, ip, .. }: Pro,
    Ids((pid, id)): Ids<(PatientId, DocumentId)>,
) -> Page {
    let d = own_document(&web, &s, &pid, &id, ip).await?;
    let l = lang;
    let here = format!("/pro/records/{pid}/documents/{id}/delete");
    let c = chrome(lang, &s, l.t("prox.doc.delete.title"), &here);
    render(
        &c,
        html! {
            p.lead { (l.t("prox.doc.delete.about")) " « " (d.title) " »." }
            p #delete-consequence { (l.t("prox.doc.delete.consequence")) }
            form.stack method="post" action=(here) {
                (form::csrf(&s.csrf))
                div.actions {
                    button.danger type="submit" aria-describedby="delete-consequence" { (l.t("prox.doc.delete.submit")) }
                    a href=(format!("/pro/records/{pid}/documents/{id}")) { (l.t("pro.add.cancel")) }
                }
            }
        },
    )
}

#[derive(Deserialize)]
pub struct Nothing {}

/// The depositor. Deletes the document (and the versions it replaced); back to the record.
/// Anyone else, whatever the policy's reason, gets the not-found page.
pub async fn delete(
    State(web): State<Web>,
    Pro { s, ip, .. }: Pro,
    Ids((pid, id)): Ids<(PatientId, DocumentId)>,
    _: Posted<Nothing>,
) -> Page {
    match web
        .app
        .delete_document(&s.actor, &pid, &id, ip, crate::shell::now())
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/pro/records/{pid}?ok=deleted")).into_response()),
        Err(AppError::Denied { .. } | AppError::Forbidden) => Err(WebError::NotFound),
        Err(e) => Err(e.into()),
    }
}
