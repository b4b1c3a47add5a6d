//! Patients for professionals: find one by traits (birth name, a first name, birth date and
//! sex, optionally the birth place — exact matches only, a handful at most, never a list to browse), and create the
//! `inactive` record of a person present whose identity was checked in person. The use cases
//! hold every rule (identity checks, minors, duplicates, near matches held for support).

use crate::pro::{chrome, render, Pro};
use crate::shared::birth_place;
use crate::shared::form::{self, non_empty};
use crate::shared::upload::{self, field, Part};
use crate::shared::views;
use crate::shared::views::patient_name;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::session::Session;
use crate::shell::Web;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use mds_app::patients::creation::{Creation, NewPatient};
use mds_app::patients::identity::PatientSummary;
use mds_app::patients::search::PatientQuery;
use mds_app::AppError;
use mds_domain::identity::IdentityInput;
use serde::Deserialize;

fn commune_name(code: &str) -> String {
    mds_domain::commune::nc_communes()
        .iter()
        .find(|c| c.code == code)
        .map_or_else(|| code.to_owned(), |c| c.name.to_owned())
}

#[derive(Deserialize, Default)]
pub struct TraitsQuery {
    birth_name: Option<String>,
    first_name: Option<String>,
    birth_date: Option<String>,
    sex: Option<String>,
    birth_place: Option<String>,
}

fn search_page(
    lang: Lang,
    s: &Session,
    q: &TraitsQuery,
    error: Option<&str>,
    found: Option<&[PatientSummary]>,
) -> Result<Response, WebError> {
    let l = lang;
    let c = chrome(lang, s, l.t("prox.search.title"), "/pro/search");
    let d = form::described_by(Some("search-hint"), error.map(|_| "search-error"));
    let d = d.as_deref();
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    render(
        &c,
        html! {
            p.lead #search-hint { (l.t("prox.search.intro")) }
            (form::form_error("search-error", error))
            form.stack method="get" action="/pro/search" role="search" aria-label=(l.t("prox.search.title")) {
                div.field {
                    label for="birth_name" { (l.t("enrol.birth_name")) }
                    input #birth_name type="text" name="birth_name" value=(v(&q.birth_name)) required autocomplete="off" aria-describedby=[d];
                }
                div.field {
                    label for="first_name" { (l.t("prox.search.first_name")) }
                    input #first_name type="text" name="first_name" value=(v(&q.first_name)) required autocomplete="off" aria-describedby=[d];
                }
                div.field {
                    label for="birth_date" { (l.t("pro.find.birth_date")) }
                    input #birth_date type="date" name="birth_date" value=(v(&q.birth_date)) required aria-describedby=[d];
                }
                (form::sex_choice(lang, q.sex.as_deref().unwrap_or_default(), true))
                div.field {
                    label for="birth_place" { (l.t("prox.search.birth_place")) }
                    select #birth_place name="birth_place" aria-describedby=[d] {
                        option value="" { (l.t("prox.search.birth_place.any")) }
                        @for c in mds_domain::commune::nc_communes() {
                            option value=(c.code) selected[q.birth_place.as_deref() == Some(c.code)] { (c.name) }
                        }
                    }
                }
                button type="submit" { (l.t("pro.find.submit")) }
            }
            @if let Some(found) = found {
                @if found.is_empty() {
                    p role="status" { (l.t("prox.search.none")) }
                    p { a href="/pro/patients/new" { (l.t("prox.search.create")) } }
                } @else {
                    h2 { (l.t("prox.search.found")) }
                    p.hint { (l.t("prox.search.check")) }
                    ul.list {
                        @for p in found {
                            li {
                                a href=(format!("/pro/records/{}", p.id)) { (patient_name(p)) }
                                " — " (l.t("pro.record.born")) " " (views::date(&p.birth_date))
                                " — " (commune_name(&p.birth_place))
                            }
                        }
                    }
                }
            }
            p { a href="/pro" { (l.t("prox.search.by_cafat")) } }
        },
    )
}

/// Professionals and assistants. Finds records by traits (exact matches, at most a few).
pub async fn search(
    State(web): State<Web>,
    Pro { s, lang, ip, .. }: Pro,
    q: Result<Query<TraitsQuery>, axum::extract::rejection::QueryRejection>,
) -> Page {
    let q = q.map(|q| q.0).map_err(|_| WebError::BadRequest)?;
    let fields = (
        non_empty(&q.birth_name),
        non_empty(&q.first_name),
        non_empty(&q.birth_date),
        non_empty(&q.sex),
    );
    let (Some(birth_name), Some(first_name), Some(birth_date), Some(sex)) = fields else {
        let untouched = q.birth_name.is_none() && q.first_name.is_none();
        let error = (!untouched).then(|| lang.t("prox.search.missing"));
        return search_page(lang, &s, &q, error, None);
    };
    let query = PatientQuery::Traits {
        birth_name,
        first_name,
        birth_date,
        sex,
        birth_place: non_empty(&q.birth_place),
    };
    match web
        .app
        .search_patients(&s.actor, query, ip, crate::shell::now())
        .await
    {
        Ok(found) => search_page(lang, &s, &q, None, Some(&found)),
        Err(e @ AppError::Invalid { .. }) => {
            let mut r = search_page(lang, &s, &q, Some(&e.public_message_in(lang.into())), None)?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

/// What the creation form keeps after an error.
#[derive(Default)]
struct Fields {
    identity: IdentityInput,
    email: String,
    phone: String,
    identity_checked: bool,
    cafat_checked: bool,
    consent_signed: bool,
    informed: bool,
    /// What was sent about the birth place (a name to resolve, a choice among several).
    place: birth_place::Typed,
}

fn check(id: &str, name: &str, checked: bool, label: &str) -> Markup {
    html! {
        div.check {
            input id=(id) type="checkbox" name=(name) value="1" checked[checked];
            label for=(id) { (label) }
        }
    }
}

fn create_page(
    lang: Lang,
    s: &Session,
    f: &Fields,
    error: Option<&str>,
) -> Result<Response, WebError> {
    let l = lang;
    let here = "/pro/patients/new";
    let c = chrome(lang, s, l.t("prox.create.title"), here);
    let d = form::described_by(None, error.map(|_| "create-error"));
    let d = d.as_deref();
    let v = &f.identity;
    let text = |id: &str, key: &str, value: &str, auto: &str| {
        html! {
            div.field {
                label for=(id) { (l.t(key)) }
                input id=(id) type="text" name=(id) value=(value) required autocomplete=(auto) aria-describedby=[d];
            }
        }
    };
    render(
        &c,
        html! {
            p.lead { (l.t("prox.create.intro")) }
        p { (l.t("rights.before")) " " a href="/droits" target="_blank" rel="noopener" { (l.t("rights.title")) " " (l.t("rights.new_tab")) } "." }
            p.hint #inactive-hint { (l.t("prox.create.inactive")) }
            (form::form_error("create-error", error))
            form.stack method="post" action=(here) enctype="multipart/form-data" {
                (form::csrf(&s.csrf))
                fieldset {
                    legend { (l.t("prox.create.identity")) }
                    (text("birth_name", "enrol.birth_name", &v.birth_name, "off"))
                    (text("first_names", "enrol.first_names", &v.first_names.join(" "), "off"))
                    div.field {
                        label for="birth_date" { (l.t("enrol.birth_date")) }
                        input #birth_date type="date" name="birth_date" value=(v.birth_date) required aria-describedby=[d];
                    }
                    (form::sex_choice(lang, &v.sex, true))
                    (birth_place::field(lang, &v.birth_place, &f.place, None))
                    (form::identifier_kind_choice(lang, &v.identifier_kind))
                    div.field {
                        label for="cafat" { (l.t("enrol.cafat")) }
                        input #cafat type="text" name="cafat" inputmode="numeric" value=(v.cafat) required autocomplete="off" aria-describedby=[d];
                    }
                }
                fieldset {
                    legend { (l.t("prox.create.contact")) }
                    div.field {
                        label for="email" { (l.t("prox.create.email")) }
                        input #email type="text" inputmode="email" name="email" value=(f.email) autocomplete="off";
                    }
                    div.field {
                        label for="phone" { (l.t("prox.create.phone")) }
                        input #phone type="text" inputmode="tel" name="phone" value=(f.phone) autocomplete="off";
                    }
                }
                fieldset {
                    legend { (l.t("prox.create.checks")) }
                    (check("identity_document_checked", "identity_document_checked", f.identity_checked, l.t("prox.create.check.identity")))
                    (check("cafat_card_checked", "cafat_card_checked", f.cafat_checked, l.t("prox.create.check.cafat")))
                    (check("informed_of_rights", "informed_of_rights", f.informed, l.t("prox.create.check.informed")))
                    (check("consent_signed", "consent_signed", f.consent_signed, l.t("prox.create.check.consent")))
                    div.field {
                        label for="consent_form" { (l.t("prox.create.consent_form")) }
                        p.hint #consent-form-hint { (l.t("prox.create.consent_form.hint")) }
                        input #consent_form type="file" name="consent_form" accept="application/pdf,image/jpeg,image/png" aria-describedby="consent-form-hint";
                    }
                }
                p.hint #team-hint { (l.t("prox.create.team")) }
                div.actions {
                    button type="submit" aria-describedby="inactive-hint team-hint" { (l.t("prox.create.submit")) }
                    a href="/pro" { (l.t("pro.add.cancel")) }
                }
            }
        },
    )
}

/// Professionals. The creation form.
pub async fn create_form(Pro { s, lang, .. }: Pro) -> Page {
    create_page(lang, &s, &Fields::default(), None)
}

/// The parts of the creation form besides the identity, after its token.
const CREATE_PARTS: &[Part] = &[
    Part::file("consent_form"),
    field("email"),
    field("phone"),
    field("identity_document_checked"),
    field("cafat_card_checked"),
    field("consent_signed"),
    field("informed_of_rights"),
];

/// Reads the upload form (its anti-CSRF token first, see `shared::upload`).
async fn read_form(
    s: &Session,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<(Fields, Vec<u8>), WebError> {
    let parts = [&upload::IDENTITY_PARTS[..], CREATE_PARTS].concat();
    let mut up = upload::read(s, mp, &parts).await?;
    let f = Fields {
        identity: upload::identity(&up),
        email: up.text("email"),
        phone: up.text("phone"),
        identity_checked: up.has("identity_document_checked"),
        cafat_checked: up.has("cafat_card_checked"),
        consent_signed: up.has("consent_signed"),
        informed: up.has("informed_of_rights"),
        place: upload::place(&up),
    };
    Ok((f, up.take("consent_form").unwrap_or_default()))
}

fn held_page(lang: Lang, s: &Session) -> Result<Response, WebError> {
    let l = lang;
    let c = chrome(lang, s, l.t("prox.held.title"), "/pro/patients/new");
    render(
        &c,
        html! {
            p.notice role="status" { (l.t("prox.held.text")) }
            p { a href="/pro" { (l.t("prox.held.back")) } }
        },
    )
}

/// Professionals. Creates the inactive record and opens it; a near match is held for the
/// support's review instead (nothing is created).
pub async fn create(
    State(web): State<Web>,
    Pro { s, lang, .. }: Pro,
    mp: Result<Multipart, MultipartRejection>,
) -> Page {
    let (f, scan) = read_form(&s, mp).await?;
    let p = NewPatient {
        identity: f.identity.clone(),
        email: Some(f.email.clone()),
        phone: Some(f.phone.clone()),
        identity_document_checked: f.identity_checked,
        cafat_card_checked: f.cafat_checked,
        consent_signed: f.consent_signed,
        informed_of_rights: f.informed,
        care_team: Vec::new(),
        exclude_creator: false,
        consent_form: (!scan.is_empty()).then_some(scan),
    };
    let created = match birth_place::resolve(&f.place).refusal(lang) {
        Some(err) => Err(err),
        None => {
            web.app
                .create_patient(&s.actor, p, crate::shell::now())
                .await
        }
    };
    match created {
        Ok(Creation::Created { patient }) => {
            Ok(Redirect::to(&format!("/pro/records/{}?ok=created", patient.id)).into_response())
        }
        Ok(Creation::HeldForReview { .. }) => held_page(lang, &s),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let mut r = create_page(lang, &s, &f, Some(&e.public_message_in(lang.into())))?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}
