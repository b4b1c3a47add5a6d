//! The patient's own documents from the portal: adding one (multipart form: file, type, date,
//! title, optional masking, with who will see it explained) and deleting one (the consequence
//! explained, then a confirmation page). Each goes through its use case; success redirects.

use crate::patient::{chrome, render, Patient};
use crate::shared::form;
use crate::shared::upload::{self, field, Part};
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::ids::named;
use crate::shell::session::Session;
use crate::shell::Web;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use mds_app::record::documents::{DocumentView, NewDocument};
use mds_app::AppError;
use mds_domain::{AccountKind, DocumentId, DocumentSource, DocumentType};
use serde::Deserialize;

const ADD: &str = "/patient/documents/add";

/// The fields of the add form, kept to show the form again after an error.
#[derive(Default)]
struct AddFields {
    type_code: String,
    title: String,
    act_date: String,
    masked: bool,
}

fn add_page(
    web: &Web,
    lang: Lang,
    s: &Session,
    f: &AddFields,
    error: Option<&str>,
) -> Result<Response, WebError> {
    let l = lang;
    let c = chrome(lang, s, l.t("pdocs.add.title"), ADD);
    let err_id = error.map(|_| "add-error");
    let d = |hint: Option<&str>| form::described_by(hint, err_id);
    let max_mb = web.app.max_upload_bytes(AccountKind::Patient) / (1024 * 1024);
    render(
        &c,
        html! {
            p.lead #who-sees { (l.t("pdocs.add.who")) }
            (form::form_error("add-error", error))
            form.stack method="post" action=(ADD) enctype="multipart/form-data" {
                (form::csrf(&s.csrf))
                div.field {
                    label for="file" { (l.t("pdocs.add.file")) }
                    p.hint #file-hint { (l.t("pdocs.add.file.hint")) " " (max_mb) " " (l.t("pdocs.add.file.mb")) }
                    input #file type="file" name="file" required accept=".pdf,.xml,.txt,.png,.jpg,.jpeg" aria-describedby=[d(Some("file-hint"))];
                }
                div.field {
                    label for="type_code" { (l.t("pdocs.add.type")) }
                    select #type_code name="type_code" required aria-describedby=[d(None)] {
                        option value="" { (l.t("pdocs.add.type.choose")) }
                        @for t in DocumentType::all() {
                            option value=(t.code()) selected[f.type_code == t.code()] { (t.label(lang.into())) }
                        }
                    }
                }
                div.field {
                    label for="act_date" { (l.t("pdocs.add.date")) }
                    input #act_date type="date" name="act_date" value=(f.act_date) required aria-describedby=[d(None)];
                }
                div.field {
                    label for="title" { (l.t("pdocs.add.doc_title")) }
                    input #title type="text" name="title" value=(f.title) required maxlength="200" aria-describedby=[d(None)];
                }
                div.check {
                    input #masked type="checkbox" name="masked" value="1" checked[f.masked] aria-describedby="masked-hint";
                    label for="masked" { (l.t("pdocs.add.masked")) }
                    p.hint #masked-hint { (l.t("pdocs.add.masked.hint")) }
                }
                div.actions {
                    button type="submit" { (l.t("pdocs.add.submit")) }
                    a href="/patient/documents" { (l.t("pdocs.add.cancel")) }
                }
            }
        },
    )
}

/// A patient. The form to add a document to their record.
pub async fn add_form(State(web): State<Web>, Patient { s, lang, .. }: Patient) -> Page {
    add_page(&web, lang, &s, &AddFields::default(), None)
}

/// The parts of the add form, after its token.
const ADD_PARTS: &[Part] = &[
    Part::file("file"),
    field("type_code"),
    field("title"),
    field("act_date"),
    field("masked"),
];

/// Reads the upload form (its anti-CSRF token first, see `shared::upload`).
async fn read_add_form(
    s: &Session,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<(AddFields, Vec<u8>), WebError> {
    let mut up = upload::read(s, mp, ADD_PARTS).await?;
    let f = AddFields {
        type_code: up.text("type_code"),
        title: up.text("title"),
        act_date: up.text("act_date"),
        masked: up.has("masked"),
    };
    Ok((f, up.take("file").unwrap_or_default()))
}

/// A patient. Adds the document to their record; then its page.
pub async fn add(
    State(web): State<Web>,
    Patient { s, lang, ip, pid }: Patient,
    mp: Result<Multipart, MultipartRejection>,
) -> Page {
    let (f, content) = read_add_form(&s, mp).await?;
    let d = NewDocument {
        type_code: f.type_code.clone(),
        title: f.title.clone(),
        act_date: f.act_date.clone(),
        confidential: f.masked,
        content,
        ..NewDocument::default()
    };
    match web
        .app
        .add_document(&s.actor, &pid, d, ip, crate::shell::now())
        .await
    {
        Ok(d) => Ok(Redirect::to(&format!("/patient/documents/{}?ok=added", d.id)).into_response()),
        Err(
            e @ (AppError::Invalid { .. }
            | AppError::TooLarge { .. }
            | AppError::Conflict { .. }
            | AppError::Denied { .. }),
        ) => {
            let mut r = add_page(&web, lang, &s, &f, Some(&e.public_message_in(lang.into())))?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

/// The consequence of deleting `d`, in words for its owner.
fn consequence(lang: Lang, d: &DocumentView) -> &'static str {
    if d.source == DocumentSource::Patient {
        lang.t("pdocs.delete.own")
    } else {
        lang.t("pdocs.delete.professional")
    }
}

/// The delete control of a document page: its consequence, and the way to the confirmation.
pub fn delete_section(lang: Lang, d: &DocumentView) -> Markup {
    let l = lang;
    html! {
        section.danger-zone aria-labelledby="delete-title" {
            h2 #delete-title { (l.t("pdocs.delete.heading")) }
            p.hint { (consequence(lang, d)) }
            p { a.button.danger href=(format!("/patient/documents/{}/delete", d.id)) { (l.t("pdocs.delete.start")) } }
        }
    }
}

/// A patient. Confirmation page before deleting one of their documents.
pub async fn delete_form(
    State(web): State<Web>,
    Patient { s, lang, ip, pid }: Patient,
    Path(id): Path<String>,
) -> Page {
    let d = web
        .app
        .document_metadata(
            &s.actor,
            &pid,
            &named::<DocumentId>(&id),
            ip,
            crate::shell::now(),
        )
        .await?;
    let l = lang;
    let here = format!("/patient/documents/{}/delete", d.id);
    let title = format!("{} « {} »", l.t("pdocs.delete.confirm.title"), d.title);
    let c = chrome(lang, &s, &title, &here);
    render(
        &c,
        html! {
            p.lead #delete-hint { (consequence(lang, &d)) }
            p { (l.t("pdocs.delete.trace")) }
            form.stack method="post" action=(here) {
                (form::csrf(&s.csrf))
                div.actions {
                    button.danger type="submit" aria-describedby="delete-hint" { (l.t("pdocs.delete.confirm")) }
                    a href=(format!("/patient/documents/{}", d.id)) { (l.t("pdocs.delete.cancel")) }
                }
            }
        },
    )
}

#[derive(Deserialize)]
pub struct NoFields {}

/// A patient. Deletes one of their documents (content erased; the history keeps the trace).
pub async fn delete(
    State(web): State<Web>,
    Patient { s, ip, pid, .. }: Patient,
    Path(id): Path<String>,
    _: Posted<NoFields>,
) -> Page {
    web.app
        .delete_document(
            &s.actor,
            &pid,
            &named::<DocumentId>(&id),
            ip,
            crate::shell::now(),
        )
        .await?;
    Ok(Redirect::to("/patient/documents?ok=deleted").into_response())
}

/// The confirmation of an action of this module on the documents pages, if any.
pub fn notice(lang: Lang, ok: Option<&str>) -> Option<&'static str> {
    match ok {
        Some("added") => Some(lang.t("pdocs.done.added")),
        Some("deleted") => Some(lang.t("pdocs.done.deleted")),
        Some("masked_all") => Some(lang.t("mask.done.all")),
        Some("unmasked_all") => Some(lang.t("mask.done.unmask_all")),
        Some("masked") => Some(lang.t("mask.done.one")),
        Some("unmasked") => Some(lang.t("mask.done.unmask_one")),
        _ => None,
    }
}
