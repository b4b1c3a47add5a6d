//! The support console's records: find a record (CAFAT number and birth date, or the traits),
//! one page per record (identity and state, never medical content), the activation of an
//! inactive record on the patient's request (the activation code is shown once, on the answer
//! of the POST, never in an address) and the care team of an inactive record.

use crate::shared::form;
use crate::shared::views;
use crate::shared::views::{patient_name, profession};
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::ids::named;
use crate::shell::Web;
use crate::support::{page, Support};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use mds_app::patients::search::PatientQuery;
use mds_app::AppError;
use mds_domain::{AccountId, AccountState, IdentityStatus, PatientId};
use serde::Deserialize;

pub(crate) const HERE: &str = crate::support::PATIENTS;

/// The state of a record, in words.
pub(crate) fn state_label(lang: Lang, state: &AccountState) -> &'static str {
    match state {
        AccountState::Active => lang.t("supx.state.active"),
        AccountState::Inactive => lang.t("supx.state.inactive"),
        AccountState::Pending => lang.t("supx.state.pending"),
        AccountState::Closed => lang.t("supx.state.closed"),
        AccountState::Suspended | AccountState::Erased => lang.t("supx.state.erased"),
    }
}

/// The status of an identity, in words.
pub(crate) fn identity_label(lang: Lang, status: &IdentityStatus) -> &'static str {
    match status {
        IdentityStatus::Validated => lang.t("supx.identity.validated"),
        IdentityStatus::Provisional => lang.t("supx.identity.provisional"),
    }
}

/// A birth place: the commune's name for New Caledonia, else the code as entered.
/// The activation code on support's answer (shown once): the code in groups, how to read it,
/// its lifetime, and where it was e-mailed.
pub(crate) fn activation_code(
    lang: Lang,
    web: &Web,
    id: &str,
    code: &str,
    emailed_to: Option<&str>,
) -> Markup {
    let l = lang;
    html! {
        p.activation-code { code #(id) { (code) } }
        p { (l.t("code.read")) " " (l.t("code.valid")) " " (web.app.settings().enrolment_token_hours) " " (l.t("code.hours")) }
        @if let Some(to) = emailed_to {
            p { (l.t("code.emailed")) " " strong { (to) } "." }
        }
    }
}

/// A notice after an action, from the `done` parameter of the page.
pub(crate) fn done_notice(lang: Lang, done: Option<&str>) -> Markup {
    let key = match done {
        Some("team") => Some("supx.done.team"),
        Some("death") => Some("supx.done.death"),
        Some("close") => Some("supx.done.close"),
        Some("erasure") => Some("supx.done.erasure"),
        Some("approved") => Some("supx.done.approved"),
        Some("rejected") => Some("supx.done.rejected"),
        Some("repr") => Some("supx.repr.recorded"),
        Some("repr_end") => Some("supx.repr.ended_ok"),
        _ => None,
    };
    form::notice(key.map(|k| lang.t(k)))
}

#[derive(Deserialize)]
pub struct FindQuery {
    #[serde(default)]
    identifier_kind: Option<String>,
    #[serde(default)]
    cafat: Option<String>,
    #[serde(default)]
    birth_date: Option<String>,
    #[serde(default)]
    birth_name: Option<String>,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    sex: Option<String>,
}

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    pub done: Option<String>,
}

#[derive(Deserialize)]
pub struct ActivateForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    request: String,
}

#[derive(Deserialize)]
pub struct TeamForm {
    #[serde(default)]
    add: Option<String>,
    #[serde(default)]
    remove: Option<String>,
    #[serde(default)]
    request: String,
}

fn query_of(q: &FindQuery) -> Option<PatientQuery> {
    let v = |f: &Option<String>| form::non_empty(f);
    if let (Some(cafat), Some(birth_date)) = (v(&q.cafat), v(&q.birth_date)) {
        return Some(PatientQuery::Cafat {
            identifier_kind: q.identifier_kind.clone().unwrap_or_default(),
            cafat,
            birth_date,
        });
    }
    match (
        v(&q.birth_name),
        v(&q.first_name),
        v(&q.birth_date),
        v(&q.sex),
    ) {
        (Some(birth_name), Some(first_name), Some(birth_date), Some(sex)) => {
            Some(PatientQuery::Traits {
                birth_name,
                first_name,
                birth_date,
                sex,
                birth_place: None,
            })
        }
        _ => None,
    }
}

fn input(id: &str, label: &str, kind: &str, value: &Option<String>) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            input #(id) type=(kind) name=(id.split('-').next().unwrap_or(id)) value=(value.clone().unwrap_or_default()) required;
        }
    }
}

/// Support agents. Finds a record by CAFAT number and birth date, or by the traits.
pub async fn find(
    State(web): State<Web>,
    Support { s, lang, ip, .. }: Support,
    Query(q): Query<FindQuery>,
) -> Page {
    let l = lang;
    let (rows, error) = match query_of(&q) {
        None => (None, None),
        Some(query) => match web
            .app
            .search_patients(&s.actor, query, ip, crate::shell::now())
            .await
        {
            Ok(rows) => (Some(rows), None),
            Err(e @ AppError::Invalid { .. }) => (None, Some(e.public_message_in(lang.into()))),
            Err(e) => return Err(e.into()),
        },
    };
    let body = html! {
        p.lead { (l.t("supx.find.intro")) }
        (form::form_error("find-error", error.as_deref()))
        div.side-by-side {
            form method="get" action=(HERE) role="search" aria-labelledby="by-cafat" {
                h2 #by-cafat { (l.t("supx.find.by_cafat")) }
                (form::identifier_kind_choice(lang, q.identifier_kind.as_deref().unwrap_or_default()))
                (input("cafat", l.t("support.col.cafat"), "text", &q.cafat))
                (input("birth_date-1", l.t("enrol.birth_date"), "date", &q.birth_date))
                button type="submit" { (l.t("supx.find.submit")) }
            }
            form method="get" action=(HERE) role="search" aria-labelledby="by-traits" {
                h2 #by-traits { (l.t("supx.find.by_traits")) }
                (input("birth_name", l.t("enrol.birth_name"), "text", &q.birth_name))
                (input("first_name", l.t("supx.find.first_name"), "text", &q.first_name))
                (input("birth_date-2", l.t("enrol.birth_date"), "date", &q.birth_date))
                (form::sex_choice(lang, q.sex.as_deref().unwrap_or_default(), true))
                button type="submit" { (l.t("supx.find.submit")) }
            }
        }
        @if let Some(rows) = &rows {
            @if rows.is_empty() {
                p role="status" { (l.t("supx.find.none")) }
            } @else {
                div.table-wrap {
                    table {
                        caption { (l.t("supx.find.results")) " (" (rows.len()) ")" }
                        thead { tr {
                            th scope="col" { (l.t("support.col.name")) }
                            th scope="col" { (l.t("support.col.birth")) }
                            th scope="col" { (l.t("supx.col.state")) }
                        } }
                        tbody {
                            @for p in rows {
                                tr {
                                    td { a href=(format!("{HERE}/{}", p.id)) { (patient_name(p)) } }
                                    td { (views::date(&p.birth_date)) }
                                    td { (state_label(l, &p.record_state))
                                        @if p.deceased { " — " (l.t("supx.deceased")) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(lang, &s, l.t("supx.find.title"), HERE, body))
}

/// Support agents. One record: identity, state, and what support may do with it.
pub async fn show(
    State(web): State<Web>,
    Support { s, lang, ip, .. }: Support,
    Path(id): Path<String>,
    Query(d): Query<Done>,
) -> Page {
    let now = crate::shell::now();
    let v = web
        .app
        .patient_for_support(&s.actor, &named::<PatientId>(&id), ip.clone(), now)
        .await?;
    let p = &v.patient;
    let inactive = p.record_state == AccountState::Inactive;
    let (team, others) = if inactive {
        let team = web.app.care_team(&s.actor, &p.id, ip, now).await?;
        let all = web.app.search_professionals(&s.actor, "", 500, 0).await?;
        let others: Vec<_> = all
            .into_iter()
            .filter(|o| o.state == AccountState::Active)
            .filter(|o| {
                !team
                    .iter()
                    .any(|m| m.professional_account_id == o.account_id)
            })
            .collect();
        (team, others)
    } else {
        (Vec::new(), Vec::new())
    };
    let attested = web.app.attested_consents(&s.actor, &p.id, now).await?;
    let reps = web.app.representations(&s.actor, &p.id, now).await?;
    let representable = matches!(
        p.record_state,
        AccountState::Active | AccountState::Inactive
    ) && v.died_on.is_none();
    let l = lang;
    let base = format!("{HERE}/{}", p.id);
    let body = html! {
        (done_notice(l, d.done.as_deref()))
        h2 { (patient_name(p)) }
        dl.meta {
            dt { (l.t("enrol.birth_date")) } dd { (views::date(&p.birth_date)) }
            dt { (l.t("enrol.sex")) } dd { (p.sex) }
            dt { (l.t("enrol.birth_place")) } dd { (views::birth_place(&p.birth_place)) }
            dt { (l.t("support.col.cafat")) } dd { (views::identifier(v.identifier_kind, &v.cafat)) }
            dt { (l.t("enrol.email")) } dd { (v.email.as_deref().unwrap_or("—")) }
            dt { (l.t("enrol.phone")) } dd { (v.phone.as_deref().unwrap_or("—")) }
            dt { (l.t("supx.col.identity")) } dd { (identity_label(l, &p.identity_status)) }
            dt { (l.t("supx.col.state")) } dd #record-state { (state_label(l, &p.record_state)) }
            @if let Some(died) = &v.died_on {
                dt { (l.t("supx.life.died_on")) } dd { (views::date(died)) }
            }
        }
        ul.list {
            li { a href=(format!("{base}/life")) { (l.t("supx.life.link")) } }
            li { a href=(format!("/support/audit?patient={}", p.id)) { (l.t("supx.audit.link_patient")) } }
        }
        h2 { (l.t("supx.account.title")) }
        @if inactive && !p.deceased {
            form method="post" action=(format!("{base}/activate")) {
                (form::csrf(&s.csrf))
                p #activate-hint { (l.t("supx.account.activate.consequence")) }
                div.field {
                    label for="email" { (l.t("enrol.email")) }
                    input #email type="email" name="email" value=(v.email.clone().unwrap_or_default()) autocomplete="off" aria-describedby="activate-hint";
                }
                div.field {
                    label for="request" { (l.t("supx.request")) }
                    input #request type="text" name="request" required aria-describedby="activate-hint";
                }
                button type="submit" { (l.t("supx.account.activate")) }
            }
        } @else if p.record_state == AccountState::Active {
            p { (l.t("supx.account.active")) }
            @if let Some(account) = &v.account_id {
                (crate::support::recovery::section(l, &s, account, p.record_state, true, &base))
            }
        } @else {
            p { (l.t("supx.account.none")) }
        }
        @if inactive {
            h2 { (l.t("supx.team.title")) }
            p #team-hint { (l.t("supx.team.consequence")) }
            @if team.is_empty() {
                p { (l.t("supx.team.empty")) }
            } @else {
                div.table-wrap { table {
                    caption.visually-hidden { (l.t("supx.team.title")) }
                    thead { tr {
                        th scope="col" { (l.t("support.col.name")) }
                        th scope="col" { (l.t("directory.col.profession")) }
                        th scope="col" { (l.t("supx.team.remove")) }
                    } }
                    tbody {
                        @for (i, m) in team.iter().enumerate() {
                            tr {
                                td { (m.name) @if m.attending_physician { " — " (l.t("supx.team.attending")) } }
                                td { (profession(&m.profession)) }
                                td {
                                    form.inline method="post" action=(format!("{base}/care-team")) {
                                        (form::csrf(&s.csrf))
                                        input type="hidden" name="remove" value=(m.professional_account_id);
                                        label for=(format!("remove-request-{i}")) { (l.t("supx.request")) }
                                        input #(format!("remove-request-{i}")) type="text" name="request" required aria-describedby="team-hint";
                                        button.secondary type="submit" { (l.t("supx.team.remove")) " " span.visually-hidden { (m.name) } }
                                    }
                                }
                            }
                        }
                    }
                } }
            }
            @if !others.is_empty() {
                form method="post" action=(format!("{base}/care-team")) {
                    (form::csrf(&s.csrf))
                    div.field {
                        label for="add" { (l.t("supx.team.add.who")) }
                        select #add name="add" required aria-describedby="team-hint" {
                            @for o in &others {
                                option value=(o.account_id) { (o.last_name.to_uppercase()) " " (o.first_name) " — " (profession(&o.profession)) }
                            }
                        }
                    }
                    div.field {
                        label for="add-request" { (l.t("supx.request")) }
                        input #add-request type="text" name="request" required aria-describedby="team-hint";
                    }
                    button type="submit" { (l.t("supx.team.add")) }
                }
            }
        }
        @if matches!(p.record_state, AccountState::Active | AccountState::Inactive) {
            (crate::support::rectifications::limitation_section(l, &s, v.limited, &base))
        }
        (crate::support::representatives::section(l, &s, &reps, &base, representable))
        (crate::support::consents::section(l, &attested, &base))
        (crate::support::record_export::section(l, &s, p.record_state, &base))
        @if v.died_on.is_some() && p.record_state != AccountState::Erased {
            (crate::support::record_export::heir_section(l, &s, &base))
        }
        p { a href=(HERE) { (l.t("supx.find.back")) } }
    };
    Ok(page(lang, &s, l.t("supx.record.title"), &base, body))
}

/// Support agents. Activates an inactive record: the activation code is shown on this answer
/// only, for the patient to choose a password and set up the second factor.
pub async fn activate(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Path(id): Path<String>,
    Posted(form): Posted<ActivateForm>,
) -> Page {
    let email = Some(form.email.as_str()).filter(|e| !e.trim().is_empty());
    let done = web
        .app
        .activate_patient(
            &s.actor,
            &named::<PatientId>(&id),
            email,
            &form.request,
            crate::shell::now(),
        )
        .await?;
    let l = lang;
    let body = html! {
        p.notice role="status" { (l.t("supx.account.activated")) }
        dl.meta {
            dt { (l.t("supx.account.login")) } dd { (done.login) }
        }
        p { (l.t("supx.account.token.intro")) }
        (activation_code(l, &web, "activation-token", &done.enrolment_token, Some(&done.login)))
        p { a href=(format!("{HERE}/{id}")) { (l.t("supx.record.back")) } }
    };
    Ok(page(lang, &s, l.t("supx.record.title"), HERE, body))
}

/// Support agents. Adds or removes one professional of an inactive record's care team.
pub async fn care_team(
    State(web): State<Web>,
    Support { s, .. }: Support,
    Path(id): Path<String>,
    Posted(form): Posted<TeamForm>,
) -> Page {
    let ids = |v: &Option<String>| -> Vec<AccountId> {
        form::non_empty(v).map(|a| named(&a)).into_iter().collect()
    };
    let (add, remove) = (ids(&form.add), ids(&form.remove));
    if add.is_empty() && remove.is_empty() {
        return Err(WebError::BadRequest);
    }
    web.app
        .change_care_team_for_patient(
            &s.actor,
            &named::<PatientId>(&id),
            &add,
            &remove,
            &form.request,
            crate::shell::now(),
        )
        .await?;
    Ok(Redirect::to(&format!("{HERE}/{id}?done=team")).into_response())
}
