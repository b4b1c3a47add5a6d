//! The patient's consent requests and their answers (approve, refuse, revoke); the one-time
//! code to read to the professional travels in the request's notification.

use crate::patient::{chrome, render, Patient};
use crate::shared::form;
use crate::shared::views;
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::Web;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::html;
use mds_app::information::notifications::Message;
use mds_app::record::consent::ConsentAnswer;
use mds_domain::ConsentState;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct Done {
    ok: Option<String>,
}

/// A patient. Consent requests and the answers (the one-time code travels in the request's
/// notification and e-mail, never stored in clear).
pub async fn consents(
    State(web): State<Web>,
    Patient { s, lang, ip, pid }: Patient,
    Query(done): Query<Done>,
) -> Page {
    let now = crate::shell::now();
    let list = web.app.consents(&s.actor, &pid, ip, now).await?;
    // Who asks: name, profession and structure; and the one-time code of each pending
    // request, from its notification (the code is never stored in clear anywhere else).
    let structures: std::collections::BTreeMap<_, _> = web
        .app
        .list_structures(&s.actor)
        .await?
        .into_iter()
        .map(|st| (st.id, st.name))
        .collect();
    let mut names = std::collections::BTreeMap::new();
    for c in &list {
        if !names.contains_key(&c.professional_account_id) {
            let n = match web
                .app
                .get_professional(&s.actor, &c.professional_account_id)
                .await
            {
                Ok(p) => {
                    let profession = p.profession.label(lang.into()).to_lowercase();
                    match p.structure_ids.first().and_then(|id| structures.get(id)) {
                        Some(st) => {
                            format!("{} {} — {profession}, {st}", p.first_name, p.last_name)
                        }
                        None => format!("{} {} — {profession}", p.first_name, p.last_name),
                    }
                }
                Err(_) => String::new(),
            };
            names.insert(c.professional_account_id.clone(), n);
        }
    }
    let notes = web.app.notifications(&s.actor, false, 100, 0).await?;
    let code_of = |cv: &mds_app::record::consent::ConsentView| {
        notes
            .items
            .iter()
            .filter(|n| {
                n.kind == "consent_request"
                    && n.actor_id.as_deref() == Some(cv.professional_account_id.as_str())
                    && n.created_at_ms >= cv.requested_at_ms
            })
            .find_map(|n| Message::consent_code_in(&n.text))
            .map(str::to_owned)
    };
    let hours = web.app.settings().consent_hours;
    let l = lang;
    let notice = match done.ok.as_deref() {
        Some("approve") => Some(l.t("consents.done.approve")),
        Some("refuse") => Some(l.t("consents.done.refuse")),
        Some("revoke") => Some(l.t("consents.done.revoke")),
        _ => None,
    };
    let c = chrome(lang, &s, l.t("patient.consents.title"), "/patient/consents");
    let state_label = |st: &ConsentState| match st {
        ConsentState::Requested => l.t("consents.state.requested"),
        ConsentState::Granted => l.t("consents.state.granted"),
        ConsentState::Refused => l.t("consents.state.refused"),
        ConsentState::Revoked => l.t("consents.state.revoked"),
        ConsentState::Expired => l.t("consents.state.expired"),
    };
    render(
        &c,
        html! {
            (form::notice(notice))
            p.lead { (l.t("patient.consents.intro")) }
            @if list.is_empty() { p { (l.t("patient.consents.empty")) } }
            ul.list {
                @for cv in &list {
                    li.consent {
                        h2 { (names.get(&cv.professional_account_id).map_or("", String::as_str)) }
                        p { strong { (l.t("consents.purpose")) " : " } (cv.purpose) }
                        p { strong { (l.t("consents.state")) " : " } (state_label(&cv.state))
                            " — " (views::instant(cv.requested_at_ms)) }
                        @if cv.state == ConsentState::Requested {
                            p { (l.t("consents.length")) " " strong { (hours) " " (l.t("consents.hours")) } " " (l.t("consents.length.after")) }
                            @match code_of(cv) {
                                Some(code) => {
                                    p.consent-code { (l.t("consents.code.here")) " " strong { code { (code) } } }
                                }
                                None => {
                                    p.hint { (l.t("consents.code.where")) " "
                                        a href="/patient/notifications" { (l.t("nav.patient.notifications")) } }
                                }
                            }
                        }
                        @if cv.state == ConsentState::Granted {
                            @if let Some(end) = cv.expires_at_ms {
                                p { (l.t("pro.record.until")) " " strong { (views::instant(end)) } }
                            }
                        }
                        @if cv.state == ConsentState::Requested || cv.state == ConsentState::Granted {
                            form.inline method="post" action=(format!("/patient/consents/{}/answer", cv.id)) {
                                (form::csrf(&s.csrf))
                                @if cv.state == ConsentState::Requested {
                                    button type="submit" name="answer" value="approve" { (l.t("consents.approve")) }
                                    " "
                                    button.secondary type="submit" name="answer" value="refuse" { (l.t("consents.refuse")) }
                                } @else {
                                    p.hint { (l.t("consents.revoke.hint")) }
                                    button.secondary type="submit" name="answer" value="revoke" { (l.t("consents.revoke")) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

#[derive(Deserialize)]
pub struct AnswerForm {
    answer: String,
}

/// A patient. Approves, refuses or revokes a consent.
pub async fn answer_consent(
    State(web): State<Web>,
    Patient { s, ip, pid, .. }: Patient,
    Path(id): Path<String>,
    Posted(form): Posted<AnswerForm>,
) -> Page {
    let (answer, key) = match form.answer.as_str() {
        "approve" => (ConsentAnswer::Approve, "approve"),
        "refuse" => (ConsentAnswer::Refuse, "refuse"),
        "revoke" => (ConsentAnswer::Revoke, "revoke"),
        _ => return Err(WebError::BadRequest),
    };
    web.app
        .answer_consent(&s.actor, &pid, &id, answer, ip, crate::shell::now())
        .await?;
    Ok(Redirect::to(&format!("/patient/consents?ok={key}")).into_response())
}
