//! Support's side of account recovery (issue 15): on a professional's page and on a patient's
//! record, a new activation code after an identity check — a lost second factor (the old one
//! and every session end; the code is read to the person, never e-mailed) or an expired
//! activation code (e-mailed again). The agent describes what was checked; the use case
//! `reissue_enrolment` decides, audits and tells the account.

use crate::shared::form;
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::ids::named;
use crate::shell::session::Session;
use crate::shell::url::local_path;
use crate::shell::Web;
use crate::support::{page, Support};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use maud::{html, Markup};
use mds_app::AppError;
use mds_domain::{AccountId, AccountState};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ReissueForm {
    #[serde(default)]
    evidence: String,
    /// The console page the form was on (a path of the console), to go back to.
    #[serde(default)]
    back: String,
}

/// The form, for an account in `state` (nothing for an account that cannot have one).
/// `patient`: the evidence asked for is an identity document rather than the directory.
pub fn section(
    lang: Lang,
    s: &Session,
    account_id: &AccountId,
    state: AccountState,
    patient: bool,
    back: &str,
) -> Markup {
    let l = lang;
    if !matches!(state, AccountState::Active | AccountState::Pending) {
        return html! {};
    }
    let hint = if patient {
        l.t("supx.reissue.evidence.patient")
    } else {
        l.t("supx.reissue.evidence.professional")
    };
    html! {
        h2 { (l.t("supx.reissue.title")) }
        form method="post" action=(format!("/support/accounts/{account_id}/reissue")) {
            (form::csrf(&s.csrf))
            input type="hidden" name="back" value=(back);
            p #reissue-consequence { (l.t("supx.reissue.consequence")) }
            div.field {
                label for="evidence" { (l.t("supx.reissue.evidence")) }
                p.hint #evidence-hint { (hint) }
                textarea #evidence name="evidence" required rows="3" maxlength="1000"
                    aria-describedby="reissue-consequence evidence-hint" {}
            }
            button type="submit" { (l.t("supx.reissue.submit")) }
        }
    }
}

/// Only paths of the console go back; anything else goes to the console's home.
fn back_path(back: &str) -> &str {
    local_path(back)
        .filter(|p| p.starts_with("/support/"))
        .unwrap_or("/support")
}

/// Support agents. Re-issues an enrolment; the code is shown this once.
pub async fn reissue(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Path(id): Path<String>,
    Posted(f): Posted<ReissueForm>,
) -> Page {
    let l = lang;
    let back = back_path(&f.back);
    let title = l.t("supx.reissue.title");
    let result = web
        .app
        .reissue_enrolment(
            &s.actor,
            &named::<AccountId>(&id),
            &f.evidence,
            crate::shell::now(),
        )
        .await;
    let r = match result {
        Ok(r) => r,
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let status = if matches!(e, AppError::Invalid { .. }) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CONFLICT
            };
            let message = e.public_message_in(lang.into());
            let body = html! {
                (form::form_error("reissue-error", Some(&message)))
                p { a href=(back) { (l.t("supx.reissue.back")) } }
            };
            return Ok((status, page(lang, &s, title, back, body)).into_response());
        }
        Err(e) => return Err(WebError::from(e)),
    };
    let hours = web.app.settings().enrolment_token_hours;
    let body = html! {
        p.notice role="status" {
            @if r.second_factor_removed { (l.t("supx.reissue.done.lost")) " " (r.sessions_ended) }
            @else { (l.t("supx.reissue.done.expired")) }
        }
        p #token-hint { (l.t("code.read")) " " (l.t("code.valid")) " " (hours) " " (l.t("code.hours")) }
        p { code #enrolment-token aria-describedby="token-hint" { (r.enrolment_code) } }
        @if r.code_emailed { p { (l.t("supx.reissue.emailed")) } }
        @else { p { (l.t("supx.reissue.not_emailed")) } }
        p { a href=(back) { (l.t("supx.reissue.back")) } }
    };
    Ok(page(lang, &s, title, back, body))
}
