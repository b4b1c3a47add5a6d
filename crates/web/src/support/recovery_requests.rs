//! The support console's queue of lost second factors (issue 15): each pending request with
//! who sent it, what they wrote and the scan joined (opened in a sandbox, the read audited),
//! a link to the account's page where the enrolment is re-issued after the identity check, and
//! the two ways to close it: handled, or rejected with the reason the person is told.

use crate::shared::form;
use crate::shared::views;
use crate::shell::csrf::Posted;
use crate::shell::error::Page;
use crate::shell::i18n::Lang;
use crate::shell::Web;
use crate::support::{page, Support};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use mds_app::patients::recovery_requests::{RecoveryRequestView, MAX_MESSAGE_CHARS};
use mds_domain::{AccountKind, RecoveryState};
use serde::Deserialize;

const HERE: &str = "/support/recovery-requests";

#[derive(Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    ok: Option<String>,
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

fn kind_label(lang: Lang, kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Patient => lang.t("lostq.kind.patient"),
        AccountKind::Professional => lang.t("lostq.kind.professional"),
        AccountKind::Assistant => lang.t("lostq.kind.assistant"),
        AccountKind::Support => lang.t("lostq.kind.support"),
    }
}

/// Where support re-issues the account's enrolment.
fn account_page(r: &RecoveryRequestView) -> Option<String> {
    match (r.account_kind, &r.patient_id) {
        (AccountKind::Patient, Some(p)) => Some(format!("/support/patients/{p}")),
        (AccountKind::Professional, _) => Some(format!("/support/professionals/{}", r.account_id)),
        _ => None,
    }
}

fn item(lang: Lang, csrf: &str, r: &RecoveryRequestView) -> Markup {
    let l = lang;
    let heading = format!("req-{}", r.id);
    let note = format!("note-{}", r.id);
    html! {
        section.card aria-labelledby=(heading) {
            h2 id=(heading) { (r.display_name) " — " (kind_label(l, r.account_kind)) }
            dl.meta {
                dt { (l.t("recovery.login")) } dd { (r.login) }
                dt { (l.t("lostq.sent_at")) } dd { (views::instant(r.submitted_at_ms)) }
                dt { (l.t("lost.message")) } dd.message { (r.message) }
                dt { (l.t("lost.scan")) } dd {
                    @if r.scan_id.is_some() {
                        a href=(format!("{HERE}/{}/scan", r.id)) target="_blank" rel="noopener" { (l.t("lostq.scan.open")) }
                    } @else { (l.t("lostq.scan.none")) }
                }
            }
            @if let Some(link) = account_page(r) {
                p { a href=(link) { (l.t("lostq.account")) } }
            } @else {
                p { (l.t("lostq.account.cli")) }
            }
            form.stack method="post" action=(format!("{HERE}/{}/close", r.id)) {
                (form::csrf(csrf))
                div.field {
                    label for=(note) { (l.t("lostq.note")) }
                    p.hint id=(format!("{note}-hint")) { (l.t("lostq.note.hint")) }
                    textarea id=(note) name="note" rows="2" maxlength=(MAX_MESSAGE_CHARS)
                        aria-describedby=(format!("{note}-hint")) {}
                }
                div.actions {
                    button type="submit" name="outcome" value="handled" { (l.t("lostq.handled")) }
                    button.secondary type="submit" name="outcome" value="rejected" { (l.t("lostq.rejected")) }
                }
            }
        }
    }
}

/// Support agents. The pending requests, oldest first.
pub async fn list(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Query(done): Query<Done>,
) -> Page {
    let queue = web
        .app
        .list_recovery_requests(&s.actor, crate::shell::now())
        .await?;
    let l = lang;
    let body = html! {
        @if done.ok.as_deref() == Some("closed") { p.notice role="status" { (l.t("lostq.closed")) } }
        p.lead { (l.t("lostq.intro")) }
        @if queue.is_empty() {
            p { (l.t("lostq.empty")) }
        }
        @for r in &queue { (item(l, &s.csrf, r)) }
    };
    Ok(page(lang, &s, l.t("lostq.title"), HERE, body))
}

/// Support agents. The scan of a request, in a sandbox; the read is audited.
pub async fn scan(
    State(web): State<Web>,
    Support { s, ip, .. }: Support,
    Path(id): Path<String>,
) -> Page {
    let (content, format) = web
        .app
        .read_recovery_scan(&s.actor, &id, ip, crate::shell::now())
        .await?;
    Ok(views::scan_response(content, format, "piece-identite"))
}

/// Support agents. Closes a request as handled or rejected (with the reason told).
pub async fn close(
    State(web): State<Web>,
    Support { s, .. }: Support,
    Path(id): Path<String>,
    Posted(f): Posted<CloseForm>,
) -> Page {
    let state = match f.outcome.as_str() {
        "handled" => RecoveryState::Handled,
        "rejected" => RecoveryState::Rejected,
        _ => return Err(crate::shell::error::WebError::BadRequest),
    };
    web.app
        .close_recovery_request(&s.actor, &id, state, &f.note, crate::shell::now())
        .await?;
    Ok(Redirect::to(&format!("{HERE}?ok=closed")).into_response())
}
