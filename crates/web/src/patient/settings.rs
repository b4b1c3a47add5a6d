//! The patient's settings hub and the two record settings that decide who reaches the record
//! outside the care team: the emergency accesses (break-glass, SAMU), each explained in plain
//! words with what it allows, who may open it and how it is traced, and the blocked
//! professionals (unblock, or block someone found in the directory). Every button has its
//! consequence written next to it; every action answers with a redirect and a notice.

use crate::patient::{chrome, render, Patient};
use crate::shared::form;
use crate::shared::form::non_empty;
use crate::shared::views;
use crate::shared::views::profession;
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::ids::named;
use crate::shell::Web;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use mds_app::record::emergency::EmergencyChoices;
use mds_domain::{AccountId, AccountState};
use serde::Deserialize;

/// A patient. The settings hub: one card per setting page.
pub async fn hub(Patient { s, lang, .. }: Patient) -> Page {
    let l = lang;
    let c = chrome(lang, &s, l.t("settings.hub.title"), "/patient/settings");
    let card = |href: &str, title: &str, hint: &str| {
        html! { li { a.card href=(href) { strong { (title) } span { (hint) } } } }
    };
    render(
        &c,
        html! {
            p.lead { (l.t("settings.hub.intro")) }
            ul.cards {
                (card("/patient/emergency", l.t("settings.emergency.title"), l.t("settings.hub.emergency")))
                (card("/patient/blocked", l.t("settings.blocked.title"), l.t("settings.hub.blocked")))
                (card("/patient/preferences", l.t("settings.prefs.title"), l.t("settings.hub.prefs")))
                (card("/patient/contact", l.t("contact.title"), l.t("settings.hub.contact")))
                (card("/patient/rectification", l.t("rect.title"), l.t("settings.hub.rectification")))
                (card("/patient/export", l.t("settings.export.title"), l.t("settings.hub.export")))
                (card("/patient/close", l.t("settings.close.title"), l.t("settings.hub.close")))
            }
        },
    )
}

#[derive(Deserialize, Default)]
pub struct Done {
    ok: Option<String>,
    q: Option<String>,
}

/// One emergency access: what it allows, who may open it, for how long, how it is traced,
/// its current state and the form that changes it, with the consequence.
fn emergency_section(lang: Lang, csrf: &str, samu: bool, opposed: bool, hours: i64) -> Markup {
    let l = lang;
    let (id, title, what, who, refuse, refuse_hint, accept, accept_hint) = if samu {
        (
            "samu",
            l.t("settings.samu.title"),
            l.t("settings.samu.what"),
            l.t("settings.samu.who"),
            l.t("settings.samu.refuse"),
            l.t("settings.samu.refuse.hint"),
            l.t("settings.samu.accept"),
            l.t("settings.samu.accept.hint"),
        )
    } else {
        (
            "break_glass",
            l.t("settings.break_glass.title"),
            l.t("settings.break_glass.what"),
            l.t("settings.break_glass.who"),
            l.t("settings.break_glass.refuse"),
            l.t("settings.break_glass.refuse.hint"),
            l.t("settings.break_glass.accept"),
            l.t("settings.break_glass.accept.hint"),
        )
    };
    let heading = format!("{id}-title");
    let hint = format!("{id}-hint");
    html! {
        section.access.ok[!opposed].no[opposed] aria-labelledby=(heading) {
            h2 #(heading) { (title) }
            p #(format!("{id}-state")) {
                strong { (l.t("settings.emergency.now")) " : " }
                @if opposed { (l.t("settings.emergency.refused")) } @else { (l.t("settings.emergency.accepted")) }
            }
            dl.meta {
                dt { (l.t("settings.emergency.what")) } dd { (what) }
                dt { (l.t("settings.emergency.who")) } dd { (who) }
                dt { (l.t("settings.emergency.duration")) } dd { (hours) " " (l.t("settings.emergency.hours")) }
                dt { (l.t("settings.emergency.traced")) } dd { (l.t("settings.emergency.traced.text")) }
            }
            form method="post" action="/patient/emergency" {
                (form::csrf(csrf))
                input type="hidden" name="which" value=(id);
                @if opposed {
                    p.hint #(hint) { (accept_hint) }
                    input type="hidden" name="oppose" value="0";
                    button.secondary type="submit" aria-describedby=(hint) { (accept) }
                } @else {
                    p.hint #(hint) { (refuse_hint) }
                    input type="hidden" name="oppose" value="1";
                    button.secondary type="submit" aria-describedby=(hint) { (refuse) }
                }
            }
        }
    }
}

/// A patient. Their emergency settings, explained, each with its form.
pub async fn emergency(
    State(web): State<Web>,
    Patient { s, lang, ip, pid }: Patient,
    Query(done): Query<Done>,
) -> Page {
    let now = crate::shell::now();
    let current = web.app.emergency_settings(&s.actor, &pid, ip, now).await?;
    let l = lang;
    let notice = match done.ok.as_deref() {
        Some("break_glass") => Some(l.t("settings.emergency.done.break_glass")),
        Some("samu") => Some(l.t("settings.emergency.done.samu")),
        _ => None,
    };
    let settings = web.app.settings();
    let c = chrome(
        lang,
        &s,
        l.t("settings.emergency.title"),
        "/patient/emergency",
    );
    render(
        &c,
        html! {
            (form::notice(notice))
            p.lead { (l.t("settings.emergency.intro")) }
            (emergency_section(lang, &s.csrf, false, current.oppose_break_glass, settings.break_glass_hours))
            (emergency_section(lang, &s.csrf, true, current.oppose_samu, settings.samu_hours))
            p { (l.t("settings.emergency.blocked")) " " a href="/patient/blocked" { (l.t("settings.blocked.title")) } }
            p { a href="/patient/settings" { (l.t("settings.back")) } }
        },
    )
}

#[derive(Deserialize)]
pub struct EmergencyForm {
    which: String,
    oppose: String,
}

/// A patient. Refuses or accepts again one emergency access; the other stays as it is.
pub async fn set_emergency(
    State(web): State<Web>,
    Patient { s, ip, pid, .. }: Patient,
    Posted(form): Posted<EmergencyForm>,
) -> Page {
    let oppose = match form.oppose.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(WebError::BadRequest),
    };
    let now = crate::shell::now();
    let current = web
        .app
        .emergency_settings(&s.actor, &pid, ip.clone(), now)
        .await?;
    let (choices, key) = match form.which.as_str() {
        "break_glass" => (
            EmergencyChoices {
                oppose_break_glass: oppose,
                ..current
            },
            "break_glass",
        ),
        "samu" => (
            EmergencyChoices {
                oppose_samu: oppose,
                ..current
            },
            "samu",
        ),
        _ => return Err(WebError::BadRequest),
    };
    web.app
        .set_emergency_settings(&s.actor, &pid, choices, ip, now)
        .await?;
    Ok(Redirect::to(&format!("/patient/emergency?ok={key}")).into_response())
}

/// A patient. The professionals they blocked (unblock each), and a directory search to block
/// another one.
pub async fn blocked(
    State(web): State<Web>,
    Patient { s, lang, ip, pid }: Patient,
    Query(done): Query<Done>,
) -> Page {
    let list = web
        .app
        .blocked_professionals(&s.actor, &pid, ip, crate::shell::now())
        .await?;
    let q = non_empty(&done.q);
    let found = match &q {
        Some(q) => web
            .app
            .search_professionals(&s.actor, q, 20, 0)
            .await?
            .into_iter()
            .filter(|p| p.state == AccountState::Active)
            .filter(|p| {
                !list
                    .iter()
                    .any(|b| b.professional_account_id == p.account_id)
            })
            .collect(),
        None => Vec::new(),
    };
    let l = lang;
    let notice = match done.ok.as_deref() {
        Some("block") => Some(l.t("team.done.block")),
        Some("unblock") => Some(l.t("settings.blocked.done.unblock")),
        _ => None,
    };
    let c = chrome(lang, &s, l.t("settings.blocked.title"), "/patient/blocked");
    render(
        &c,
        html! {
            (form::notice(notice))
            p.lead { (l.t("settings.blocked.intro")) }
            @if list.is_empty() {
                p #blocked-none { (l.t("settings.blocked.none")) }
            } @else {
                ul.list #blocked-list {
                    @for b in &list {
                        li {
                            strong { (b.name) } " — " (profession(&b.profession))
                            br;
                            span.muted { (l.t("settings.blocked.since")) " " (views::instant(b.blocked_at_ms)) }
                            form method="post" action="/patient/blocked" {
                                (form::csrf(&s.csrf))
                                input type="hidden" name="pro" value=(b.professional_account_id);
                                p.hint { (l.t("settings.blocked.unblock.hint")) }
                                button.secondary type="submit" name="do" value="unblock"
                                    aria-label=(format!("{} : {}", l.t("settings.blocked.unblock"), b.name)) {
                                    (l.t("settings.blocked.unblock"))
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="block-title" {
                h2 #block-title { (l.t("settings.blocked.search.title")) }
                form.filters method="get" action="/patient/blocked" role="search" aria-label=(l.t("settings.blocked.search.title")) {
                    div.field {
                        label for="b-q" { (l.t("team.add.name")) }
                        input #b-q type="search" name="q" value=[q.as_deref()];
                    }
                    div.actions { button type="submit" { (l.t("team.add.search")) } }
                }
                @if q.is_some() && found.is_empty() { p { (l.t("settings.blocked.search.none")) } }
                @if !found.is_empty() {
                    p.hint { (l.t("team.block.hint")) }
                    ul.list {
                        @for p in &found {
                            @let name = format!("{} {}", p.first_name, p.last_name);
                            li {
                                strong { (name) } " — " (profession(&p.profession))
                                form.inline method="post" action="/patient/blocked" {
                                    (form::csrf(&s.csrf))
                                    input type="hidden" name="pro" value=(p.account_id);
                                    " "
                                    button.secondary type="submit" name="do" value="block"
                                        aria-label=(format!("{} : {}", l.t("settings.blocked.block"), name)) {
                                        (l.t("settings.blocked.block"))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            p { a href="/patient/settings" { (l.t("settings.back")) } }
        },
    )
}

#[derive(Deserialize)]
pub struct BlockForm {
    pro: String,
    #[serde(rename = "do")]
    what: String,
}

/// A patient. Blocks or unblocks one professional.
pub async fn set_blocked(
    State(web): State<Web>,
    Patient { s, ip, pid, .. }: Patient,
    Posted(form): Posted<BlockForm>,
) -> Page {
    let (app, a, now) = (&web.app, &s.actor, crate::shell::now());
    match form.what.as_str() {
        "block" => {
            app.block_professional(a, &pid, &named::<AccountId>(&form.pro), ip, now)
                .await?
        }
        "unblock" => {
            app.unblock_professional(a, &pid, &named::<AccountId>(&form.pro), ip, now)
                .await?
        }
        _ => return Err(WebError::BadRequest),
    }
    Ok(Redirect::to(&format!("/patient/blocked?ok={}", form.what)).into_response())
}
