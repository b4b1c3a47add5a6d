//! What a professional does on a record from the portal: add a document (multipart form with
//! its metadata, flags and the first-time information confirmation), ask consent and enter the
//! one-time code, open break-glass with a reason, open a SAMU regulation access, record or
//! lift the patient's opposition to feeding. Each goes
//! through its use case; success redirects to the record (POST → GET), an error is shown in
//! the form it concerns.

use crate::pro::record::{overview, record_page, Shown};
use crate::pro::{chrome, render, Pro};
use crate::shared::form;
use crate::shared::listing::Filters;
use crate::shared::upload::{self, field, Part};
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::ids::named;
use crate::shell::ids::Ids;
use crate::shell::session::Session;
use crate::shell::Web;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use mds_app::held_uploads::HeldFile;
use mds_app::patients::identity::PatientBanner;
use mds_app::record::documents::NewDocument;
use mds_app::AppError;
use mds_domain::{ConsentState, DocumentType, PatientId};
use serde::Deserialize;

/// The fields of the add form, kept to show the form again after an error, with the file
/// already received.
#[derive(Default)]
struct AddFields {
    type_code: String,
    title: String,
    act_date: String,
    confidential: bool,
    hidden_from_patient: bool,
    visible_now: bool,
    informed: bool,
    held: Option<HeldFile>,
}

/// The add form's file field, as named for the held uploads.
const ADD_FILE: &str = "pro.add.file";

/// The field of the add form an error concerns (the summary links to it): from its code, or
/// its rule for a refusal.
fn add_field(e: &AppError) -> Option<&'static str> {
    if let AppError::Denied { rule, .. } = e {
        return (rule == "information_duty.not_confirmed").then_some("informed");
    }
    match e.code() {
        "invalid_title" => Some("title"),
        "invalid_act_date" => Some("act_date"),
        "unknown_document_type" => Some("type_code"),
        "empty_document"
        | "unsupported_format"
        | "xml_doctype_refused"
        | "duplicate_document"
        | "document_too_large" => Some("file"),
        _ => None,
    }
}

fn add_page(
    lang: Lang,
    s: &Session,
    pid: &str,
    banner: Option<&PatientBanner>,
    f: &AddFields,
    error: Option<(Option<&'static str>, &str)>,
) -> Result<Response, WebError> {
    let l = lang;
    let here = format!("/pro/records/{pid}/add");
    let c = chrome(lang, s, l.t("pro.add.title"), &here);
    let field = error.and_then(|(field, _)| field);
    let message = error.map(|(_, m)| m);
    // The message at the field it concerns, or under the summary's link to the form.
    let at = |id: &str| (field == Some(id)).then_some(message).flatten();
    let d = |hint: Option<&str>, id: &str| form::described_by(hint, at(id).map(|_| "add-error"));
    render(
        &c,
        html! {
            @if let Some(b) = banner { (crate::pro::record::banner(lang, &b.patient, b.identifier_kind, &b.cafat)) }
            (form::error_summary(lang, message, field))
            form.stack method="post" action=(here) enctype="multipart/form-data" {
                (form::csrf(&s.csrf))
                div.field {
                    label for="type_code" { (l.t("pro.add.type")) }
                    (form::field_error("add-error", at("type_code")))
                    select #type_code name="type_code" required aria-describedby=[d(None, "type_code")] {
                        option value="" { (l.t("pro.add.type.choose")) }
                        @for t in DocumentType::all() {
                            option value=(t.code()) selected[f.type_code == t.code()] { (t.label(l.into())) }
                        }
                    }
                }
                div.field {
                    label for="title" { (l.t("pro.add.doc_title")) }
                    (form::field_error("add-error", at("title")))
                    input #title type="text" name="title" value=(f.title) required maxlength="200" aria-describedby=[d(None, "title")];
                }
                div.field {
                    label for="act_date" { (l.t("pro.add.act_date")) }
                    (form::field_error("add-error", at("act_date")))
                    input #act_date type="date" name="act_date" value=(f.act_date) required aria-describedby=[d(None, "act_date")];
                }
                // Confirmed before the file is chosen: the duty comes first (issue 18).
                div.check {
                    input #informed type="checkbox" name="confirms_patient_informed" value="1" checked[f.informed] aria-describedby=[d(Some("informed-hint"), "informed")];
                    label for="informed" { (l.t("pro.add.informed")) }
                    p.hint #informed-hint { (l.t("pro.add.informed.hint")) }
                    (form::field_error("add-error", at("informed")))
                }
                div.field {
                    label for="file" { (l.t("pro.add.file")) }
                    (form::field_error("add-error", at("file")))
                    @if let Some(h) = &f.held {
                        (form::held_file(lang, "held_file", h))
                        p.hint #file-hint { (l.t("upload.held.replace")) }
                        input #file type="file" name="file" accept=".pdf,.xml,.txt,.png,.jpg,.jpeg" aria-describedby=[d(Some("file-hint"), "file")];
                    } @else {
                        p.hint #file-hint { (l.t("pro.add.file.hint")) }
                        input #file type="file" name="file" required accept=".pdf,.xml,.txt,.png,.jpg,.jpeg" aria-describedby=[d(Some("file-hint"), "file")];
                    }
                }
                fieldset {
                    legend { (l.t("pro.add.flags")) }
                    div.check {
                        input #hidden_from_patient type="checkbox" name="hidden_from_patient" value="1" checked[f.hidden_from_patient] aria-describedby="hidden-hint";
                        label for="hidden_from_patient" { (l.t("pro.add.hidden")) }
                        p.hint #hidden-hint { (l.t("pro.add.hidden.hint")) }
                    }
                    div.check {
                        input #visible_to_patient_now type="checkbox" name="visible_to_patient_now" value="1" checked[f.visible_now] aria-describedby="visible-now-hint";
                        label for="visible_to_patient_now" { (l.t("pro.add.visible_now")) }
                        p.hint #visible-now-hint { (l.t("pro.add.visible_now.hint")) }
                    }
                    div.check {
                        input #confidential type="checkbox" name="confidential" value="1" checked[f.confidential] aria-describedby="confidential-hint";
                        label for="confidential" { (l.t("pro.add.confidential")) }
                        p.hint #confidential-hint { (l.t("pro.add.confidential.hint")) }
                    }
                }
                div.actions {
                    button type="submit" { (l.t("pro.add.submit")) }
                    a href=(format!("/pro/records/{pid}")) { (l.t("pro.add.cancel")) }
                }
            }
        },
    )
}

/// Professionals and assistants. The form to add a document, under the patient banner.
pub async fn add_form(
    State(web): State<Web>,
    Pro { s, lang, ip, .. }: Pro,
    Ids(pid): Ids<PatientId>,
) -> Page {
    let banner = web
        .app
        .record_banner(&s.actor, &pid, ip, crate::shell::now())
        .await?;
    add_page(
        lang,
        &s,
        pid.as_str(),
        Some(&banner),
        &AddFields::default(),
        None,
    )
}

/// The parts of the add form, after its token.
const ADD_PARTS: &[Part] = &[
    Part::file("file"),
    field("type_code"),
    field("title"),
    field("act_date"),
    field("confidential"),
    field("hidden_from_patient"),
    field("visible_to_patient_now"),
    field("confirms_patient_informed"),
    field("held_file"),
];

/// Reads the upload form (its anti-CSRF token first, see `shared::upload`).
async fn read_add_form(
    s: &Session,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<(AddFields, upload::Chosen), WebError> {
    let mut up = upload::read(s, mp, ADD_PARTS).await?;
    let f = AddFields {
        type_code: up.text("type_code"),
        title: up.text("title"),
        act_date: up.text("act_date"),
        confidential: up.has("confidential"),
        hidden_from_patient: up.has("hidden_from_patient"),
        visible_now: up.has("visible_to_patient_now"),
        informed: up.has("confirms_patient_informed"),
        held: None,
    };
    let file = upload::Chosen::take(&mut up, "file", "held_file", ADD_FILE);
    Ok((f, file))
}

/// Professionals and assistants. Adds the document; back to the record. A refused form is
/// shown again with what was typed and the file kept (« fichier déjà reçu »).
pub async fn add(
    State(web): State<Web>,
    Pro { s, lang, ip, .. }: Pro,
    Ids(pid): Ids<PatientId>,
    mp: Result<Multipart, MultipartRejection>,
) -> Page {
    let (mut f, file) = read_add_form(&s, mp).await?;
    let holder = s.actor.session_hash.clone();
    let file = file.resolve(&web, &holder).await?;
    let d = NewDocument {
        type_code: f.type_code.clone(),
        title: f.title.clone(),
        act_date: f.act_date.clone(),
        structure_id: None,
        confidential: f.confidential,
        hidden_from_patient: f.hidden_from_patient,
        visible_to_patient_now: f.visible_now,
        confirms_patient_informed: f.informed,
        content: file.content(),
    };
    let now = crate::shell::now();
    match web.app.add_document(&s.actor, &pid, d, ip, now).await {
        Ok(_) => {
            file.release(&web, &holder).await;
            Ok(Redirect::to(&format!("/pro/records/{pid}?ok=added")).into_response())
        }
        Err(
            e @ (AppError::Invalid { .. }
            | AppError::TooLarge { .. }
            | AppError::Conflict { .. }
            | AppError::Denied { .. }),
        ) => {
            if !matches!(e, AppError::TooLarge { .. }) {
                f.held = file.keep(&web, &holder).await?;
            }
            let message = e.public_message_in(lang.into());
            let banner = web
                .app
                .record_banner_after_refusal(&s.actor, &pid, now)
                .await?;
            let mut r = add_page(
                lang,
                &s,
                pid.as_str(),
                banner.as_ref(),
                &f,
                Some((add_field(&e), &message)),
            )?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

/// The record page again, with `error` shown in the form `form`.
pub(crate) async fn again(
    web: &Web,
    lang: Lang,
    s: &Session,
    pid: &PatientId,
    ip: Option<String>,
    form: &str,
    e: AppError,
) -> Result<Response, WebError> {
    if !matches!(
        e,
        AppError::Invalid { .. } | AppError::Denied { .. } | AppError::Conflict { .. }
    ) {
        return Err(e.into());
    }
    let (o, names) = overview(web, s, pid, Filters::default().query(), ip).await?;
    let message = e.public_message_in(lang.into());
    let mut r = record_page(
        lang,
        s,
        pid.as_str(),
        Shown {
            overview: &o,
            names: &names,
            filters: &Filters::default(),
        },
        None,
        Some((form, &message)),
    )?;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

#[derive(Deserialize)]
pub struct ConsentForm {
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    attests_in_person: Option<String>,
}

/// Professionals. Asks the patient's consent; then the one-time code page.
pub async fn request_consent(
    State(web): State<Web>,
    Pro { s, lang, ip, .. }: Pro,
    Ids(pid): Ids<PatientId>,
    Posted(form): Posted<ConsentForm>,
) -> Page {
    let attests = form.attests_in_person.is_some();
    match web
        .app
        .request_consent(
            &s.actor,
            &pid,
            &form.purpose,
            attests,
            ip.clone(),
            crate::shell::now(),
        )
        .await
    {
        Ok(c) if c.state == ConsentState::Granted => {
            Ok(Redirect::to(&format!("/pro/records/{pid}?ok=consent")).into_response())
        }
        Ok(c) => Ok(Redirect::to(&format!("/pro/records/{pid}/consents/{}", c.id)).into_response()),
        Err(e) => again(&web, lang, &s, &pid, ip, "consent", e).await,
    }
}

fn code_page(
    lang: Lang,
    s: &Session,
    pid: &str,
    cid: &str,
    error: Option<&str>,
) -> Result<Response, WebError> {
    let l = lang;
    let here = format!("/pro/records/{pid}/consents/{cid}");
    let c = chrome(lang, s, l.t("pro.code.title"), &here);
    let described = form::described_by(Some("code-hint"), error.map(|_| "code-error"));
    render(
        &c,
        html! {
            p.lead #code-hint { (l.t("pro.code.intro")) }
            (form::form_error("code-error", error))
            form.stack method="post" action=(here) {
                (form::csrf(&s.csrf))
                div.field {
                    label for="code" { (l.t("pro.code.code")) }
                    input #code type="text" name="code" inputmode="numeric" autocomplete="one-time-code"
                        pattern="[0-9]{6}" maxlength="6" required aria-describedby=[described.as_deref()];
                }
                div.actions {
                    button type="submit" { (l.t("pro.code.submit")) }
                    a href=(format!("/pro/records/{pid}")) { (l.t("pro.code.back")) }
                }
            }
        },
    )
}

/// The professional who asked. The page to enter the code the patient reads to them.
pub async fn code_form(Pro { s, lang, .. }: Pro, Path((pid, cid)): Path<(String, String)>) -> Page {
    code_page(lang, &s, &pid, &cid, None)
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// The professional who asked. Enters the code; the record opens when it is right.
pub async fn enter_code(
    State(web): State<Web>,
    Pro { s, lang, ip, .. }: Pro,
    Path((pid, cid)): Path<(String, String)>,
    Posted(form): Posted<CodeForm>,
) -> Page {
    match web
        .app
        .enter_consent_code(
            &s.actor,
            &named::<PatientId>(&pid),
            &cid,
            &form.code,
            ip,
            crate::shell::now(),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/pro/records/{pid}?ok=consent")).into_response()),
        Err(e @ AppError::Invalid { .. }) => {
            let mut r = code_page(
                lang,
                &s,
                &pid,
                &cid,
                Some(&e.public_message_in(lang.into())),
            )?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    call_reference: String,
}

async fn emergency(
    web: Web,
    Pro { s, lang, ip, .. }: Pro,
    pid: PatientId,
    samu: bool,
    form: ReasonForm,
) -> Page {
    let (text, key) = if samu {
        (form.call_reference, "samu")
    } else {
        (form.reason, "break_glass")
    };
    match web
        .app
        .open_emergency_access(&s.actor, &pid, samu, &text, ip.clone(), crate::shell::now())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/pro/records/{pid}?ok={key}")).into_response()),
        Err(e) => again(&web, lang, &s, &pid, ip, key, e).await,
    }
}

/// Health professionals. Opens break-glass access with its written reason.
pub async fn break_glass(
    State(web): State<Web>,
    pro: Pro,
    Ids(pid): Ids<PatientId>,
    Posted(form): Posted<ReasonForm>,
) -> Page {
    emergency(web, pro, pid, false, form).await
}

/// SAMU regulators. Opens a regulation access with the call reference.
pub async fn samu(
    State(web): State<Web>,
    pro: Pro,
    Ids(pid): Ids<PatientId>,
    Posted(form): Posted<ReasonForm>,
) -> Page {
    emergency(web, pro, pid, true, form).await
}

#[derive(Deserialize)]
pub struct OppositionForm {
    #[serde(default)]
    opposed: String,
}

/// Professionals. Records (`opposed=1`) or lifts (`opposed=0`) the patient's opposition to
/// being fed by them; back to the record.
pub async fn set_opposition(
    State(web): State<Web>,
    Pro { s, lang, ip, .. }: Pro,
    Ids(pid): Ids<PatientId>,
    Posted(form): Posted<OppositionForm>,
) -> Page {
    let now = crate::shell::now();
    let (done, key) = match form.opposed.as_str() {
        "1" => (
            web.app
                .record_feeding_opposition(&s.actor, &pid, ip.clone(), now)
                .await,
            "opposed",
        ),
        "0" => (
            web.app
                .lift_feeding_opposition(&s.actor, &pid, ip.clone(), now)
                .await,
            "opposition_lifted",
        ),
        _ => return Err(WebError::BadRequest),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/pro/records/{pid}?ok={key}")).into_response()),
        Err(e @ (AppError::Invalid { .. } | AppError::Denied { .. })) => {
            let (o, names) = overview(&web, &s, &pid, Filters::default().query(), ip).await?;
            let message = e.public_message_in(lang.into());
            let mut r = record_page(
                lang,
                &s,
                pid.as_str(),
                Shown {
                    overview: &o,
                    names: &names,
                    filters: &Filters::default(),
                },
                None,
                Some(("opposition", &message)),
            )?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::add_field;
    use mds_app::AppError;

    #[test]
    fn each_refusal_of_the_add_form_points_at_its_field() {
        let denied = |rule: &str| AppError::Denied {
            rule: rule.to_owned(),
            message: "",
        };
        let table = [
            (AppError::invalid("invalid_title", ""), Some("title")),
            (AppError::invalid("invalid_act_date", ""), Some("act_date")),
            (
                AppError::invalid("unknown_document_type", ""),
                Some("type_code"),
            ),
            (AppError::invalid("empty_document", ""), Some("file")),
            (AppError::invalid("unsupported_format", ""), Some("file")),
            (AppError::conflict("duplicate_document", ""), Some("file")),
            (AppError::TooLarge { max_bytes: 1 }, Some("file")),
            (denied("information_duty.not_confirmed"), Some("informed")),
            (denied("blocked"), None),
            (AppError::invalid("something_else", ""), None),
        ];
        for (e, field) in table {
            assert_eq!(add_field(&e), field, "{e:?}");
        }
    }
}
