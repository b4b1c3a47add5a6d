//! The support console's enrolment requests: one page per pending request with the traits
//! and the two scans side by side (images inline, PDF as a download), then validate or
//! reject with a reason. The scans are streamed decrypted by the use case, support only.
//! Validation answers with the enrolment token to hand to the person (shown once, never put
//! in an address): with it the person sets up the second factor of the account.

use crate::shared::form;
use crate::shared::views;
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::session::Session;
use crate::shell::Web;
use crate::support::Support;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use mds_app::patients::enrolment_queue::EnrolmentQueueItem;
use mds_domain::{FilePurpose, Format};
use serde::Deserialize;

const HERE: &str = "/support/enrolments";

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
pub struct NoFields {}

fn page(lang: Lang, s: &Session, here: &str, body: Markup) -> Response {
    crate::support::page(lang, s, lang.t("enrol.support.title"), here, body)
}

async fn pending(web: &Web, s: &Session, rid: &str) -> Result<EnrolmentQueueItem, WebError> {
    Ok(web
        .app
        .self_enrolment(&s.actor, rid, crate::shell::now())
        .await?)
}

fn purpose(lang: Lang, p: &FilePurpose) -> &'static str {
    if *p == FilePurpose::CafatCard {
        lang.t("enrol.scan.cafat")
    } else {
        lang.t("enrol.scan.identity")
    }
}

/// Support agents. One pending request: traits, scans side by side, the decisions.
pub async fn show(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Path(rid): Path<String>,
) -> Page {
    let q = pending(&web, &s, &rid).await?;
    let l = lang;
    let p = &q.patient;
    let base = format!("{HERE}/{}", q.request_id);
    let body = html! {
        p.lead { (l.t("enrol.support.intro")) }
        div.side-by-side {
            section aria-labelledby="traits" {
                h2 #traits { (l.t("enrol.support.traits")) }
                dl {
                    dt { (l.t("enrol.birth_name")) } dd { (p.birth_name.to_uppercase()) }
                    dt { (l.t("enrol.first_names")) } dd { (p.first_names.join(" ")) }
                    dt { (l.t("enrol.birth_date")) } dd { (views::date(&p.birth_date)) }
                    dt { (l.t("enrol.sex")) } dd { (p.sex) }
                    dt { (l.t("enrol.birth_place")) } dd { (crate::shared::views::birth_place(&p.birth_place)) }
                    dt { (l.t("support.col.cafat")) } dd { (crate::shared::views::identifier(q.identifier_kind, &q.cafat)) }
                    dt { (l.t("enrol.email")) } dd { (q.email.as_deref().unwrap_or("—")) }
                    dt { (l.t("enrol.phone")) } dd { (q.phone.as_deref().unwrap_or("—")) }
                    dt { (l.t("support.col.submitted")) } dd { (views::instant(q.submitted_at_ms)) }
                }
                @if q.near_match_patient_id.is_some() {
                    p.warning { strong { (l.t("enrol.support.near")) } }
                }
            }
            @for scan in &q.scans {
                section aria-label=(purpose(l, &scan.purpose)) {
                    h2 { (purpose(l, &scan.purpose)) }
                    @let src = format!("{base}/scans/{}", scan.id);
                    @if matches!(scan.format, Format::Png | Format::Jpeg) {
                        img.scan src=(src) alt=(purpose(l, &scan.purpose));
                    } @else {
                        p { a href=(src) download { (l.t("enrol.support.download_pdf")) } }
                    }
                }
            }
        }
        h2 { (l.t("enrol.support.decide")) }
        form method="post" action=(format!("{base}/validate")) {
            (form::csrf(&s.csrf))
            p #validate-hint { (l.t("enrol.support.validate.consequence")) }
            button type="submit" aria-describedby="validate-hint" { (l.t("enrol.support.validate")) }
        }
        form method="post" action=(format!("{base}/reject")) {
            (form::csrf(&s.csrf))
            p #reject-hint { (l.t("enrol.support.reject.consequence")) }
            label for="reason" { (l.t("enrol.support.reason")) }
            textarea #reason name="reason" required rows="3" aria-describedby="reject-hint" {}
            button.secondary type="submit" { (l.t("enrol.support.reject")) }
        }
        p { a href="/support" { (l.t("enrol.support.back")) } }
    };
    Ok(page(lang, &s, &base, body))
}

/// Support agents. A scan of a request, decrypted: images inline, PDF as a download.
pub async fn scan(
    State(web): State<Web>,
    Support { s, ip, .. }: Support,
    Path((rid, sid)): Path<(String, String)>,
) -> Page {
    let (content, mime) = web
        .app
        .read_enrolment_scan(&s.actor, &rid, &sid, ip, crate::shell::now())
        .await?;
    Ok(crate::shared::views::scan_response(
        content,
        mime,
        &format!("piece-{sid}"),
    ))
}

/// Support agents. Validates: the account becomes active and the enrolment token to hand
/// to the person is shown on this answer only (not a redirect: it must not be in an address).
pub async fn validate(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Path(rid): Path<String>,
    _: Posted<NoFields>,
) -> Page {
    let done = web
        .app
        .validate_self_enrolment(&s.actor, &rid, crate::shell::now())
        .await?;
    let l = lang;
    let body = html! {
        p.notice role="status" { (l.t("enrol.support.validated")) }
        p { (l.t("enrol.support.token.intro")) }
        (crate::support::records::activation_code(l, &web, "enrolment-token", &done.enrolment_token, done.emailed_to.as_deref()))
        p { a href="/support" { (l.t("enrol.support.back")) } }
    };
    Ok(page(lang, &s, "/support", body))
}

/// Support agents. Rejects with a reason the person reads with the status token.
pub async fn reject(
    State(web): State<Web>,
    Support { s, .. }: Support,
    Path(rid): Path<String>,
    Posted(form): Posted<ReasonForm>,
) -> Page {
    web.app
        .reject_self_enrolment(&s.actor, &rid, &form.reason, crate::shell::now())
        .await?;
    Ok(Redirect::to("/support").into_response())
}
