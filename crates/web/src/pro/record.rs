//! The record view of the professional portal: the access mode and its rule in words, the
//! documents the rules allow, the next steps the policy would permit when access is missing,
//! and one document (metadata, the viewer) with its content.

use crate::pro::document_controls;
use crate::pro::opposition;
use crate::pro::own_documents;
use crate::pro::{chrome, render, Pro};
use crate::shared::form;
use crate::shared::listing::{folded_filter_form, pager, Filters};
use crate::shared::viewer;
use crate::shared::views::{self, patient_name};
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::ids::Ids;
use crate::shell::session::Session;
use crate::shell::Web;
use axum::extract::{Query, State};
use axum::response::Response;
use maud::{html, Markup};
use mds_app::record::documents::DocumentQuery;
use mds_app::record::overview::MissingConsentForm;
use mds_app::record::overview::RecordOverview;
use mds_domain::{AccountId, AccountState, DocumentId, PatientId};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct RecordQuery {
    ok: Option<String>,
}

/// The record view's own address, where the filter form and the pager lead.
fn record_href(pid: &str) -> String {
    format!("/pro/records/{pid}")
}

/// The notice of the record page after an action (its `ok` parameter).
fn notice_of(lang: Lang, ok: Option<&str>) -> Option<&'static str> {
    Some(match ok? {
        "added" => lang.t("pro.done.added"),
        "consent" => lang.t("pro.done.consent"),
        "break_glass" => lang.t("pro.done.break_glass"),
        "samu" => lang.t("pro.done.samu"),
        "deleted" => lang.t("prox.doc.done.deleted"),
        "masked" => lang.t("prox.doc.done.masked"),
        "opposed" => lang.t("prox.opp.done.recorded"),
        "opposition_lifted" => lang.t("prox.opp.done.lifted"),
        "created" => lang.t("prox.create.done"),
        "consent_form" => lang.t("pro.consent_form.done"),
        _ => return None,
    })
}

/// One form per consent waiting for its signed form; `error` is shown in the first.
fn consent_forms(
    lang: Lang,
    s: &Session,
    pid: &str,
    missing: &[MissingConsentForm],
    error: Option<&str>,
) -> Markup {
    let l = lang;
    html! {
        @for (i, m) in missing.iter().enumerate() {
            @let title = format!("consent-form-title-{i}");
            @let err = error.filter(|_| i == 0);
            form.stack.card method="post" action=(format!("/pro/records/{pid}/consent-form"))
                enctype="multipart/form-data" aria-labelledby=(title) {
                (form::csrf(&s.csrf))
                input type="hidden" name="consent_id" value=(m.consent_id);
                h3 #(title) { (l.t("pro.consent_form.title")) }
                p.hint #(format!("consent-form-hint-{i}")) {
                    (l.t("pro.consent_form.hint")) " "
                    (crate::shared::views::instant(m.given_at.millis())) " — « " (m.purpose) " »"
                }
                (form::form_error(&format!("consent-form-error-{i}"), err))
                div.field {
                    label for=(format!("consent-form-file-{i}")) { (l.t("pro.consent_form.file")) }
                    input #(format!("consent-form-file-{i}")) type="file" name="file" required
                        accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
                        aria-describedby=(format!("consent-form-hint-{i}"));
                }
                button type="submit" { (l.t("pro.consent_form.submit")) }
            }
        }
    }
}

/// What the professional may do next, as the policy would permit it.
pub fn next_steps(
    lang: Lang,
    s: &Session,
    pid: &str,
    o: &RecordOverview,
    error: Option<(&str, &str)>,
) -> Markup {
    let l = lang;
    let n = o.next;
    let err_for = |form: &str| error.filter(|(f, _)| *f == form).map(|(_, m)| m);
    let consent_err = err_for("consent");
    let bg_err = err_for("break_glass");
    let samu_err = err_for("samu");
    let inactive = o.patient.record_state == AccountState::Inactive;
    html! {
        (consent_forms(lang, s, pid, &o.consent_forms_missing, err_for("consent_form")))
        @if n.request_consent || n.break_glass || n.samu {
            section aria-labelledby="next-title" {
                h2 #next-title { (l.t("pro.next.title")) }
                @if n.request_consent {
                    form.stack.card method="post" action=(format!("/pro/records/{pid}/consent")) {
                        h3 { (l.t("pro.next.consent")) }
                        p.hint #consent-hint { (l.t("pro.next.consent.hint")) }
                        (form::form_error("consent-error", consent_err))
                        (form::csrf(&s.csrf))
                        div.field {
                            label for="purpose" { (l.t("pro.next.purpose")) }
                            textarea #purpose name="purpose" rows="2" required maxlength="500"
                                aria-describedby=[form::described_by(Some("consent-hint"), consent_err.map(|_| "consent-error"))] {}
                        }
                        @if inactive {
                            div.check {
                                input #attests type="checkbox" name="attests_in_person" value="1";
                                label for="attests" { (l.t("pro.next.attests")) }
                            }
                        }
                        button type="submit" { (l.t("pro.next.consent.submit")) }
                    }
                }
                @if n.break_glass {
                    form.stack.card method="post" action=(format!("/pro/records/{pid}/break-glass")) {
                        h3 { (l.t("pro.next.break_glass")) }
                        p.hint #bg-hint { (l.t("pro.next.break_glass.hint")) }
                        (form::form_error("bg-error", bg_err))
                        (form::csrf(&s.csrf))
                        div.field {
                            label for="reason" { (l.t("pro.next.reason")) }
                            textarea #reason name="reason" rows="2" required maxlength="500"
                                aria-describedby=[form::described_by(Some("bg-hint"), bg_err.map(|_| "bg-error"))] {}
                        }
                        button.danger type="submit" { (l.t("pro.next.break_glass.submit")) }
                    }
                }
                @if n.samu {
                    form.stack.card method="post" action=(format!("/pro/records/{pid}/samu")) {
                        h3 { (l.t("pro.next.samu")) }
                        p.hint #samu-hint { (l.t("pro.next.samu.hint")) }
                        (form::form_error("samu-error", samu_err))
                        (form::csrf(&s.csrf))
                        div.field {
                            label for="call_reference" { (l.t("pro.next.call_reference")) }
                            input #call_reference type="text" name="call_reference" required maxlength="64"
                                aria-describedby=[form::described_by(Some("samu-hint"), samu_err.map(|_| "samu-error"))];
                        }
                        button.danger type="submit" { (l.t("pro.next.samu.submit")) }
                    }
                }
            }
        }
    }
}

/// What the record page shows of a record: its overview, the names of its documents'
/// authors, and the filters and page its documents were listed with.
pub struct Shown<'a> {
    pub overview: &'a RecordOverview,
    pub names: &'a std::collections::BTreeMap<AccountId, String>,
    pub filters: &'a Filters,
}

/// The record page of an overview (also shown again with a form's error).
pub fn record_page(
    lang: Lang,
    s: &Session,
    pid: &str,
    shown: Shown<'_>,
    notice: Option<&str>,
    error: Option<(&str, &str)>,
) -> Result<Response, WebError> {
    let Shown {
        overview: o,
        names,
        filters,
    } = shown;
    let l = lang;
    let title = patient_name(&o.patient);
    let here = record_href(pid);
    let authors: Vec<(AccountId, String)> = names
        .iter()
        .filter(|(_, n)| !n.is_empty())
        .map(|(id, n)| (id.clone(), n.clone()))
        .collect();
    let c = chrome(lang, s, &title, &here);
    let a = &o.access;
    let href = |d: &mds_app::record::documents::DocumentView| {
        format!("/pro/records/{pid}/documents/{}", d.id)
    };
    let add = o
        .next
        .add_document
        .then(|| format!("/pro/records/{pid}/add"));
    render(
        &c,
        html! {
            (form::notice(notice))
            (banner(lang, &o.patient, o.identifier_kind, &o.cafat))
            section.access.(if a.permitted { "ok" } else { "no" }) aria-labelledby="access-title" {
                h2 #access-title { (l.t("pro.record.access")) " : " (views::mode_label(lang, &a.mode)) }
                p { (mds_domain::Language::from(lang).pick(&a.explanation, &a.explanation_en)) }
                @if let Some(end) = a.ends_at_ms {
                    p { (l.t("pro.record.until")) " " strong { (views::instant(end)) } }
                }
            }
            @if o.profile {
                p { a.button href=(format!("/pro/records/{pid}/profile")) { (l.t("profile.link.pro")) } }
            }
            @if let Some(page) = &o.documents {
                section aria-labelledby="documents-title" {
                    h2 #documents-title { (l.t("pro.record.documents")) }
                    @if let Some(href) = &add {
                        p { a.button href=(href) { (l.t("pro.record.add")) } }
                    }
                    @if page.total > 0 || filters.active() {
                        (folded_filter_form(lang, filters, &authors, &here))
                    }
                    (views::document_table(lang, (&format!("{} : {}", l.t("documents.count"), page.total), true), &page.items, names, &href))
                    (pager(lang, filters, &here, page.total))
                }
            } @else if let Some(href) = &add {
                p { a.button href=(href) { (l.t("pro.record.add")) } }
            }
            (next_steps(lang, s, pid, o, error))
            (opposition::control(lang, s, pid, o, error))
        },
    )
}

/// The patient banner of every page of a record: who this is, so that no one acts on the
/// wrong patient (name, birth date, CAFAT or AMG number; the record's state when it is not
/// active). It stays at the top of the screen while the page scrolls.
pub fn banner(
    lang: Lang,
    p: &mds_app::patients::identity::PatientSummary,
    kind: mds_domain::IdentifierKind,
    cafat: &str,
) -> Markup {
    let l = lang;
    html! {
        div.patient-banner role="region" aria-label=(l.t("pro.banner.label")) {
            strong { (patient_name(p)) }
            span { (l.t("pro.record.born")) " " (views::date(&p.birth_date)) }
            span { (views::identifier(kind, cafat)) }
            @if p.record_state != AccountState::Active { span.tag { (l.t("pro.record.state")) " " (p.record_state) } }
            @if p.deceased { span.tag { (l.t("pro.record.deceased")) } }
        }
    }
}

/// Loads the overview of a record and the names of its documents' authors.
pub async fn overview(
    web: &Web,
    s: &Session,
    pid: &PatientId,
    q: DocumentQuery,
    ip: Option<String>,
) -> Result<
    (
        RecordOverview,
        std::collections::BTreeMap<AccountId, String>,
    ),
    WebError,
> {
    let o = web
        .app
        .record_overview(&s.actor, pid, q, ip, crate::shell::now())
        .await?;
    let docs = o.documents.as_ref().map_or(&[][..], |p| &p.items[..]);
    let names = views::author_names(&web.app, &s.actor, docs).await;
    Ok((o, names))
}

/// Professionals and assistants. The record view.
pub async fn record(
    State(web): State<Web>,
    Pro { s, lang, ip, .. }: Pro,
    Ids(pid): Ids<PatientId>,
    q: Result<Query<Filters>, axum::extract::rejection::QueryRejection>,
) -> Page {
    let f = q.map(|q| q.0).map_err(|_| WebError::BadRequest)?;
    let (o, names) = overview(&web, &s, &pid, f.query(), ip).await?;
    record_page(
        lang,
        &s,
        pid.as_str(),
        Shown {
            overview: &o,
            names: &names,
            filters: &f,
        },
        notice_of(lang, f.ok.as_deref()),
        None,
    )
}

/// Whoever may read the document. Its metadata.
pub async fn document(
    State(web): State<Web>,
    Pro { s, lang, ip, .. }: Pro,
    Ids((pid, id)): Ids<(PatientId, DocumentId)>,
    Query(q): Query<RecordQuery>,
) -> Page {
    let (d, content, patient) = web
        .app
        .document_for_page(
            &s.actor,
            &pid,
            &id,
            viewer::shown_in_page,
            ip,
            crate::shell::now(),
        )
        .await?;
    let names = views::author_names(&web.app, &s.actor, std::slice::from_ref(&d)).await;
    let here = format!("/pro/records/{pid}/documents/{id}");
    let c = chrome(lang, &s, &d.title, &here);
    let href = format!("/pro/records/{pid}/documents/{}/content", d.id);
    let view = format!("/pro/records/{pid}/documents/{}/view", d.id);
    let shown = viewer::show(lang, &d, content.as_deref(), &view)?;
    render(
        &c,
        html! {
            (banner(lang, &patient.patient, patient.identifier_kind, &patient.cafat))
            (form::notice(own_documents::notice_of(lang, q.ok.as_deref()).or(document_controls::notice_of(lang, q.ok.as_deref()))))
            (views::document_details(lang, &d, &names, &href))
            (shown.body)
            (own_documents::own_controls(lang, &s, pid.as_str(), &d))
            (document_controls::controls(lang, &s, pid.as_str(), &d, patient.patient.record_state == AccountState::Inactive))
            p { a href=(format!("/pro/records/{pid}")) { (lang.t("pro.document.back")) } }
        },
    )
    .map(|page| shown.apply(page))
}

/// Whoever may read the document. Its content, as a download.
pub async fn content(
    State(web): State<Web>,
    Pro { s, ip, .. }: Pro,
    Ids((pid, id)): Ids<(PatientId, DocumentId)>,
) -> Page {
    let c = web
        .app
        .document_content_for(&s.actor, &pid, &id, ip, crate::shell::now())
        .await?;
    Ok(views::download(c))
}

/// Whoever may read the document. Its content, inline (for the viewer).
pub async fn inline(
    State(web): State<Web>,
    Pro { s, ip, .. }: Pro,
    Ids((pid, id)): Ids<(PatientId, DocumentId)>,
) -> Page {
    viewer::inline(&web, &s.actor, &pid, &id, ip).await
}
