//! The patient's care team: its members (remove, block, declare the attending physician:
//! `controls`) and a directory search to add a professional.

use crate::patient::{chrome, render, Patient};
use crate::shared::form;
use crate::shared::views;
use crate::shell::error::Page;
use crate::shell::Web;
use axum::extract::{Query, State};
use maud::html;
use mds_domain::AccountState;
use serde::Deserialize;

/// A patient. The professionals of their care team.
pub async fn care_team(
    State(web): State<Web>,
    Patient { s, lang, ip, pid }: Patient,
    Query(done): Query<TeamQuery>,
) -> Page {
    let notice = match done.ok.as_deref() {
        Some("add") => Some(lang.t("team.done.add")),
        Some("remove") => Some(lang.t("team.done.remove")),
        Some("block") => Some(lang.t("team.done.block")),
        Some("attending") => Some(lang.t("team.done.attending")),
        _ => None,
    };
    let team = web
        .app
        .care_team(&s.actor, &pid, ip, crate::shell::now())
        .await?;
    let q = form::non_empty(&done.q);
    let found = match &q {
        Some(q) => web
            .app
            .search_professionals(&s.actor, q, 20, 0)
            .await?
            .into_iter()
            .filter(|p| p.state == AccountState::Active)
            .filter(|p| {
                !team
                    .iter()
                    .any(|m| m.professional_account_id == p.account_id)
            })
            .map(|p| crate::patient::controls::found::Found {
                name: format!("{} {}", p.first_name, p.last_name),
                profession: p.profession.label(lang.into()).to_owned(),
                account_id: p.account_id.to_string(),
            })
            .collect(),
        None => Vec::new(),
    };
    let l = lang;
    let c = chrome(
        lang,
        &s,
        l.t("patient.care_team.title"),
        "/patient/care-team",
    );
    render(
        &c,
        html! {
            (form::notice(notice))
            @if done.ok.as_deref() == Some("block") {
                p { a href="/patient/blocked" { (lang.t("team.done.block.undo")) } }
            }
            p.lead { (l.t("patient.care_team.intro")) }
            p { a href="/patient/preview" { (l.t("preview.link")) } }
            @if team.is_empty() {
                p { (l.t("patient.care_team.empty")) }
            } @else {
                ul.list {
                    @for m in &team {
                        li {
                            strong { (m.name) }
                            " — " (views::profession_in(lang, &m.profession))
                            @if m.attending_physician { " " span.tag { (l.t("patient.care_team.attending")) } }
                            br;
                            span.muted { (l.t("patient.care_team.since")) " " (views::instant(m.added_at_ms)) }
                            (crate::patient::controls::member_forms(lang, &s.csrf, m.professional_account_id.as_str(), m.attending_physician))
                            p { a href=(format!("/patient/preview?professional={}", m.professional_account_id)) aria-label=(format!("{} : {}", l.t("preview.link.member"), m.name)) { (l.t("preview.link.member")) } }
                        }
                    }
                }
            }
            (crate::patient::controls::add_section(lang, &s.csrf, q.as_deref(), &found))
        },
    )
}

#[derive(Deserialize, Default)]
pub struct TeamQuery {
    ok: Option<String>,
    q: Option<String>,
}
