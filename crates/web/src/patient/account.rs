//! The patient's account pages: the e-mail preferences per kind of notification (the kinds that
//! are always e-mailed shown with the reason), the export of the whole record (what it holds,
//! then the download), and closing the account — closure or erasure request, explained, with an
//! explicit confirmation — after which the person is signed out and sees a public confirmation.

use crate::patient::{chrome, render, Patient};
use crate::shared::form;
use crate::shell::cookies;
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::layout::{self, Chrome};
use crate::shell::Web;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{html, Markup};
use mds_app::information::notifications::EmailMode;
use mds_app::AppError;
use serde::Deserialize;
use std::collections::HashMap;

/// The kinds a patient can be told about, in the order shown, with their label and, for those
/// always e-mailed, the reason. `depositor_reminder` is a professional's reminder: never a
/// patient's, so it is not offered here.
fn kind_texts(lang: Lang, kind: &str) -> Option<(&'static str, Option<&'static str>)> {
    let l = lang;
    let emergency = Some(l.t("settings.prefs.why.emergency"));
    let account = Some(l.t("settings.prefs.why.account"));
    Some(match kind {
        "document_added" => (l.t("settings.prefs.kind.document_added"), None),
        "document_replaced" => (l.t("settings.prefs.kind.document_replaced"), None),
        "document_withdrawn" => (l.t("settings.prefs.kind.document_withdrawn"), None),
        "first_access" => (l.t("settings.prefs.kind.first_access"), None),
        "access" => (l.t("settings.prefs.kind.access"), None),
        "consent_request" => (l.t("settings.prefs.kind.consent_request"), None),
        "announcement_reminder" => (l.t("settings.prefs.kind.announcement_reminder"), None),
        "break_glass" => (l.t("settings.prefs.kind.break_glass"), emergency),
        "samu" => (l.t("settings.prefs.kind.samu"), emergency),
        "account_activated" => (l.t("settings.prefs.kind.account_activated"), account),
        "account_closed" => (l.t("settings.prefs.kind.account_closed"), account),
        "erasure_done" => (l.t("settings.prefs.kind.erasure_done"), account),
        "sign_in_failures" => (l.t("settings.prefs.kind.sign_in_failures"), account),
        "enrolment_attempt" => (l.t("settings.prefs.kind.enrolment_attempt"), account),
        "password_changed" => (l.t("settings.prefs.kind.password_changed"), account),
        "passkey_changed" => (l.t("settings.prefs.kind.passkey_changed"), account),
        "second_factor_reset" => (l.t("settings.prefs.kind.second_factor_reset"), account),
        "rectification" => (l.t("settings.prefs.kind.rectification"), account),
        "limitation" => (l.t("settings.prefs.kind.limitation"), account),
        "email_changed" => (l.t("settings.prefs.kind.email_changed"), account),
        "representation" => (l.t("settings.prefs.kind.representation"), account),
        _ => return None,
    })
}

#[derive(Deserialize, Default)]
pub struct Done {
    ok: Option<String>,
}

/// A patient. Their e-mail choice for each kind of notification.
pub async fn preferences(
    State(web): State<Web>,
    Patient { s, lang, .. }: Patient,
    Query(done): Query<Done>,
) -> Page {
    let prefs = web.app.notification_preferences(&s.actor).await?;
    let l = lang;
    let notice = (done.ok.as_deref() == Some("saved")).then(|| l.t("settings.prefs.done"));
    let c = chrome(
        lang,
        &s,
        l.t("settings.prefs.title"),
        "/patient/preferences",
    );
    let shown: Vec<_> = prefs
        .iter()
        .filter_map(|p| kind_texts(lang, &p.kind).map(|t| (p, t)))
        .collect();
    render(
        &c,
        html! {
            (form::notice(notice))
            p.lead { (l.t("settings.prefs.intro")) }
            form.stack method="post" action="/patient/preferences" {
                (form::csrf(&s.csrf))
                fieldset {
                    legend { (l.t("settings.prefs.choose")) }
                    @for (p, (label, _)) in shown.iter().filter(|(p, _)| !p.mandatory) {
                        @let id = format!("mode_{}", p.kind);
                        div.field {
                            label for=(id) { (label) }
                            select #(id) name=(id) {
                                @for m in EmailMode::ALL {
                                    option value=(m.as_str()) selected[p.mode == m] { (mode_label(lang, m)) }
                                }
                            }
                        }
                    }
                }
                p.hint #prefs-hint { (l.t("settings.prefs.save.hint")) }
                div.actions { button type="submit" aria-describedby="prefs-hint" { (l.t("settings.prefs.save")) } }
            }
            section aria-labelledby="always-title" {
                h2 #always-title { (l.t("settings.prefs.always")) }
                ul.list {
                    @for (_, (label, why)) in shown.iter().filter(|(p, _)| p.mandatory) {
                        li { strong { (label) } br; span.muted { (why.unwrap_or_default()) } }
                    }
                }
            }
            p { a href="/patient/settings" { (l.t("settings.back")) } }
        },
    )
}

/// The words of a mode in the form.
fn mode_label(lang: Lang, m: EmailMode) -> &'static str {
    match m {
        EmailMode::Immediate => lang.t("settings.prefs.mode.immediate"),
        EmailMode::Digest => lang.t("settings.prefs.mode.digest"),
        EmailMode::Never => lang.t("settings.prefs.mode.never"),
    }
}

/// A patient. Saves how each switchable kind is e-mailed: at once, in the daily digest, never.
pub async fn set_preferences(
    State(web): State<Web>,
    Patient { s, lang, .. }: Patient,
    Posted(form): Posted<HashMap<String, String>>,
) -> Page {
    let prefs = web.app.notification_preferences(&s.actor).await?;
    let mut choices = Vec::new();
    for p in prefs
        .iter()
        .filter(|p| !p.mandatory && kind_texts(lang, &p.kind).is_some())
    {
        // A kind missing from the form keeps its choice; an unknown mode is refused.
        let Some(text) = form.get(&format!("mode_{}", p.kind)) else {
            continue;
        };
        let mode = EmailMode::parse(text).ok_or_else(|| {
            AppError::invalid(
                "notification_mode_unknown",
                lang.t("settings.prefs.mode.unknown"),
            )
        })?;
        choices.push((p.kind.clone(), mode));
    }
    web.app
        .set_notification_preferences(&s.actor, &choices, crate::shell::now())
        .await?;
    Ok(Redirect::to("/patient/preferences?ok=saved").into_response())
}

/// A patient. What the export holds, and its download.
pub async fn export(Patient { s, lang, .. }: Patient) -> Page {
    let l = lang;
    let c = chrome(lang, &s, l.t("settings.export.title"), "/patient/export");
    render(
        &c,
        html! {
            p.lead { (l.t("settings.export.intro")) }
            h2 { (l.t("settings.export.contains")) }
            ul {
                li { (l.t("settings.export.index")) }
                li { (l.t("settings.export.identity")) }
                li { (l.t("settings.export.documents")) }
                li { (l.t("settings.export.care_team")) }
                li { (l.t("settings.export.settings")) }
                li { (l.t("settings.export.history")) }
                li { (l.t("settings.export.proofs")) }
                li { (l.t("settings.export.manifest")) }
            }
            p { (l.t("settings.export.hidden")) }
            p.hint #export-hint { (l.t("settings.export.hint")) }
            p { a.button href="/patient/export/download" download aria-describedby="export-hint" { (l.t("settings.export.download")) } }
            h2 { (l.t("settings.export.verify.title")) }
            p { (l.t("settings.export.verify.why")) }
            p { (l.t("settings.export.verify.how")) " " a href="/.well-known/mds-audit-key" { (l.t("settings.export.verify.keys")) } "." }
            p { a href="/patient/settings" { (l.t("settings.back")) } }
        },
    )
}

/// A patient, or a legal representative acting for one. The whole record as a ZIP archive, as
/// an attachment (audited by the use case).
pub async fn download(State(web): State<Web>, Patient { s, ip, pid, .. }: Patient) -> Page {
    let now = crate::shell::now();
    // Acting for a represented person: their record, as the policy allows.
    let bytes = match s.acting_for {
        Some(_) => {
            web.app
                .export_represented_record(&s.actor, &pid, ip, now)
                .await?
        }
        None => web.app.export_own_record(&s.actor, now).await?,
    };
    let day = now
        .noumea_date()
        .map_or_else(String::new, |d| format!("-{d}"));
    let name = format!("mon-drive-sante{day}.zip");
    Ok(crate::shared::views::attachment(
        "application/zip",
        &name,
        bytes,
    ))
}

/// The closing form: the two choices explained, the confirmation box, the error if any.
fn close_form(lang: Lang, csrf: &str, erasure_days: i64, error: Option<&str>) -> Markup {
    let l = lang;
    let err = error.map(|_| "close-error");
    html! {
        p.lead { (l.t("settings.close.intro")) }
        p { (l.t("settings.close.export_first")) " " a href="/patient/export" { (l.t("settings.export.title")) } }
        (form::form_error("close-error", error))
        form.stack method="post" action="/patient/close" {
            (form::csrf(csrf))
            fieldset {
                legend { (l.t("settings.close.choose")) }
                div.check {
                    input #what-close type="radio" name="what" value="close" checked aria-describedby="what-close-hint";
                    label for="what-close" { (l.t("settings.close.close")) }
                    p.hint #what-close-hint { (l.t("settings.close.close.hint")) }
                }
                div.check {
                    input #what-erase type="radio" name="what" value="erasure" aria-describedby="what-erase-hint";
                    label for="what-erase" { (l.t("settings.close.erasure")) }
                    p.hint #what-erase-hint {
                        (l.t("settings.close.erasure.hint")) " "
                        (l.t("settings.close.erasure.within")) " " (erasure_days) " " (l.t("settings.close.days")) "."
                    }
                }
            }
            div.check {
                input #confirm type="checkbox" name="confirm" value="1" aria-describedby=[form::described_by(Some("confirm-hint"), err)];
                label for="confirm" { (l.t("settings.close.confirm")) }
                p.hint #confirm-hint { (l.t("settings.close.confirm.hint")) }
            }
            div.actions {
                button.danger type="submit" { (l.t("settings.close.submit")) }
                a href="/patient/settings" { (l.t("settings.close.cancel")) }
            }
        }
    }
}

/// A patient. What closing means, and the form to do it.
pub async fn close_page(State(web): State<Web>, Patient { s, lang, .. }: Patient) -> Page {
    let c = chrome(lang, &s, lang.t("settings.close.title"), "/patient/close");
    let days = web.app.settings().erasure_deadline_days;
    render(&c, close_form(lang, &s.csrf, days, None))
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    what: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// A patient. Closes the account (or asks for the erasure of the record, which closes it at
/// once); the sessions end in the use case, the cookie is cleared here, and the person lands
/// on a public confirmation. Without the confirmation box, the form comes back with the error.
pub async fn close(
    State(web): State<Web>,
    Patient { s, lang, .. }: Patient,
    Posted(form): Posted<CloseForm>,
) -> Page {
    let confirm = form.confirm.as_deref() == Some("1");
    let now = crate::shell::now();
    let done = match form.what.as_str() {
        "close" => web.app.close_own_record(&s.actor, confirm, now).await,
        "erasure" => web.app.request_own_erasure(&s.actor, confirm, now).await,
        _ => return Err(WebError::BadRequest),
    };
    match done {
        Ok(_) => {
            let cleared = cookies::session_cookie("", web.options.secure_cookies, 0);
            let to = format!("/patient/closed?what={}", form.what);
            Ok(([(header::SET_COOKIE, cleared)], Redirect::to(&to)).into_response())
        }
        Err(e @ AppError::Invalid { .. }) => {
            let message = e.public_message_in(lang.into());
            let c = chrome(lang, &s, lang.t("settings.close.title"), "/patient/close");
            let days = web.app.settings().erasure_deadline_days;
            let page = layout::page(&c, close_form(lang, &s.csrf, days, Some(&message)));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.into_string())).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct Closed {
    what: Option<String>,
}

/// Anyone (the person was just signed out). The confirmation of a closure or erasure request;
/// it states only what the request means, nothing about any record.
pub async fn closed(State(web): State<Web>, lang: Lang, Query(q): Query<Closed>) -> Response {
    let l = lang;
    let erasure = q.what.as_deref() == Some("erasure");
    let c = Chrome::public(lang, l.t("settings.closed.title"), "/patient/closed");
    let days = web.app.settings().erasure_deadline_days;
    let body = html! {
        p.notice role="status" { (l.t("settings.closed.signed_out")) }
        @if erasure {
            p { (l.t("settings.closed.erasure")) " " (l.t("settings.close.erasure.within")) " " (days) " " (l.t("settings.close.days")) "." }
        } @else {
            p { (l.t("settings.closed.close")) }
        }
        @if !erasure { p { (l.t("settings.closed.email")) } }
        p { a href="/" { (l.t("error.back_home")) } }
    };
    Html(layout::page(&c, body).into_string()).into_response()
}
