//! The support console's page of a structure's software (the DMP's "AIR simplifié"): its
//! credentials with their end dates (at most 3 years), the public keys each credential's
//! software signs its assertions with (register a JWK or JWKS, revoke), and the list of
//! professionals the software may act for, with end dates. Every change is a use case of
//! `mds-app`, audited there; a refusal is shown next to the forms, a new credential's secret
//! only on the answer of the POST.

use crate::shared::form;
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::ids::named;
use crate::shell::session::Session;
use crate::shell::Web;
use crate::support::{page, Support};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use mds_app::structure_access::credentials::NewCredential;
use mds_app::AppError;
use mds_domain::{AccountId, CredentialState, StructureId, Timestamp};
use serde::Deserialize;

const ERROR: &str = "software-error";

fn here(structure: &StructureId) -> String {
    format!("/support/structures/{structure}/software")
}

fn day(ms: i64) -> String {
    // The last day of validity: the instant before the end.
    Timestamp::from_millis(ms - 1)
        .noumea_date()
        .map_or_else(String::new, |d| {
            format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
        })
}

/// A refusal the page can show, in its language, or the error to answer with.
fn refusal(e: AppError, lang: Lang) -> Result<String, WebError> {
    match e {
        e @ (AppError::Invalid { .. } | AppError::Conflict { .. }) => {
            Ok(e.public_message_in(lang.into()))
        }
        e => Err(e.into()),
    }
}

fn state_label(l: Lang, active: bool) -> &'static str {
    if active {
        l.t("swc.state.active")
    } else {
        l.t("swc.state.revoked")
    }
}

/// The whole page, with `notice` (a created credential's secret) or `error` above the forms.
async fn software_page(
    web: &Web,
    lang: Lang,
    s: &Session,
    structure_id: &StructureId,
    notice: Option<Markup>,
    error: Option<&str>,
) -> Page {
    let l = lang;
    let now = crate::shell::now();
    let structure = web.app.get_structure(&s.actor, structure_id).await?;
    let credentials = web
        .app
        .list_software_credentials(&s.actor, structure_id)
        .await?;
    let keys = web.app.list_structure_keys(&s.actor, structure_id).await?;
    let listed = web
        .app
        .list_structure_professionals(&s.actor, structure_id, now)
        .await?;
    let members: Vec<_> = web
        .app
        .search_professionals(&s.actor, "", 500, 0)
        .await?
        .into_iter()
        .filter(|p| p.structure_ids.contains(structure_id))
        .collect();
    let base = here(structure_id);
    let err = error.is_some();
    let d = |hint: &str| form::described_by(Some(hint), err.then_some(ERROR));
    let live: Vec<_> = credentials
        .iter()
        .filter(|c| c.state == CredentialState::Active && c.expires_at_ms > now.millis())
        .collect();
    let body = html! {
        p.lead { (l.t("swc.intro")) " " strong { (structure.name) } " (" (structure.ridet) ")." }
        @if let Some(n) = notice { (n) }
        (form::form_error(ERROR, error))
        h2 { (l.t("swc.credentials.title")) }
        p { (l.t("swc.credentials.intro")) }
        @if credentials.is_empty() {
            p { (l.t("swc.credentials.empty")) }
        } @else {
            div.table-wrap { table {
                caption.visually-hidden { (l.t("swc.credentials.title")) }
                thead { tr {
                    th scope="col" { (l.t("swc.col.label")) }
                    th scope="col" { (l.t("swc.col.client_id")) }
                    th scope="col" { (l.t("swc.col.until")) }
                    th scope="col" { (l.t("swc.col.state")) }
                    th scope="col" { (l.t("swc.col.action")) }
                } }
                tbody {
                    @for c in &credentials {
                        tr {
                            td { (c.label) }
                            td { code { (c.id) } }
                            td { (day(c.expires_at_ms)) }
                            td { (state_label(l, c.state == CredentialState::Active)) }
                            td { @if c.state == CredentialState::Active {
                                form method="post" action=(format!("{base}/credentials/{}/revoke", c.id)) {
                                    (form::csrf(&s.csrf))
                                    button.secondary type="submit" { (l.t("swc.revoke")) span.visually-hidden { " " (c.label) } }
                                }
                            } }
                        }
                    }
                }
            } }
        }
        h3 { (l.t("swc.credential.new")) }
        form.stack method="post" action=(format!("{base}/credentials")) {
            (form::csrf(&s.csrf))
            div.field {
                label for="label" { (l.t("swc.field.label")) }
                input #label type="text" name="label" required autocomplete="off" aria-describedby=[form::described_by(None, err.then_some(ERROR))];
            }
            div.field {
                label for="credential-until" { (l.t("swc.field.until")) }
                p.hint #credential-until-hint { (l.t("swc.hint.credential_until")) }
                input #credential-until type="date" name="until" required aria-describedby=[d("credential-until-hint")];
            }
            div.check {
                input #with_secret type="checkbox" name="with_secret" value="1" aria-describedby=[d("secret-hint")];
                label for="with_secret" { (l.t("swc.field.with_secret")) }
                p.hint #secret-hint { (l.t("swc.hint.with_secret")) }
            }
            button type="submit" { (l.t("swc.credential.submit")) }
        }
        h2 { (l.t("swc.keys.title")) }
        p { (l.t("swc.keys.intro")) }
        @if keys.is_empty() {
            p { (l.t("swc.keys.empty")) }
        } @else {
            div.table-wrap { table {
                caption.visually-hidden { (l.t("swc.keys.title")) }
                thead { tr {
                    th scope="col" { "kid" }
                    th scope="col" { (l.t("swc.col.alg")) }
                    th scope="col" { (l.t("swc.col.client_id")) }
                    th scope="col" { (l.t("swc.col.thumbprint")) }
                    th scope="col" { (l.t("swc.col.state")) }
                    th scope="col" { (l.t("swc.col.action")) }
                } }
                tbody {
                    @for k in &keys {
                        tr {
                            td { code { (k.kid) } }
                            td { (k.alg) }
                            td { code { (k.credential_id) } }
                            td { code { (k.thumbprint) } }
                            td { (state_label(l, k.state == CredentialState::Active)) }
                            td { @if k.state == CredentialState::Active {
                                form method="post" action=(format!("{base}/keys/{}/revoke", k.id)) {
                                    (form::csrf(&s.csrf))
                                    button.secondary type="submit" { (l.t("swc.revoke")) span.visually-hidden { " " (k.kid) } }
                                }
                            } }
                        }
                    }
                }
            } }
        }
        @if !live.is_empty() {
            h3 { (l.t("swc.key.new")) }
            form.stack method="post" action=(format!("{base}/keys")) {
                (form::csrf(&s.csrf))
                div.field {
                    label for="credential_id" { (l.t("swc.field.credential")) }
                    select #credential_id name="credential_id" required {
                        @for c in &live { option value=(c.id) { (c.label) } }
                    }
                }
                div.field {
                    label for="jwks" { (l.t("swc.field.jwks")) }
                    p.hint #jwks-hint { (l.t("swc.hint.jwks")) }
                    textarea #jwks name="jwks" rows="8" required spellcheck="false" aria-describedby=[d("jwks-hint")] {}
                }
                button type="submit" { (l.t("swc.key.submit")) }
            }
        }
        h2 { (l.t("swc.pros.title")) }
        p { (l.t("swc.pros.intro")) }
        @if listed.is_empty() {
            p { (l.t("swc.pros.empty")) }
        } @else {
            div.table-wrap { table {
                caption.visually-hidden { (l.t("swc.pros.title")) }
                thead { tr {
                    th scope="col" { (l.t("support.col.name")) }
                    th scope="col" { (l.t("swc.col.number")) }
                    th scope="col" { (l.t("swc.col.until")) }
                    th scope="col" { (l.t("swc.col.action")) }
                } }
                tbody {
                    @for a in &listed {
                        tr {
                            td { (a.name) }
                            td { (a.professional_id) }
                            td { (a.ends_on) @if a.ended { " — " (l.t("swc.pros.ended")) } }
                            td {
                                form method="post" action=(format!("{base}/professionals/{}/remove", a.professional_account_id)) {
                                    (form::csrf(&s.csrf))
                                    button.secondary type="submit" { (l.t("swc.remove")) span.visually-hidden { " " (a.name) } }
                                }
                            }
                        }
                    }
                }
            } }
        }
        @if !members.is_empty() {
            h3 { (l.t("swc.pro.new")) }
            form.stack method="post" action=(format!("{base}/professionals")) {
                (form::csrf(&s.csrf))
                div.field {
                    label for="professional" { (l.t("swc.field.professional")) }
                    select #professional name="professional" required {
                        @for p in &members {
                            option value=(p.account_id) { (p.last_name.to_uppercase()) " " (p.first_name) " — " (p.professional_id) }
                        }
                    }
                }
                div.field {
                    label for="pro-until" { (l.t("swc.field.until")) }
                    p.hint #pro-until-hint { (l.t("swc.hint.pro_until")) }
                    input #pro-until type="date" name="until" required aria-describedby=[d("pro-until-hint")];
                }
                button type="submit" { (l.t("swc.pro.submit")) }
            }
        }
        p { a href="/support/structures" { (l.t("supdir.back.structures")) } }
    };
    let mut r = page(lang, s, l.t("swc.title"), "/support/structures", body);
    if err {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

/// Answers an action: back to the page, or the page with the refusal.
async fn after(
    web: &Web,
    lang: Lang,
    s: &Session,
    structure_id: &StructureId,
    result: Result<(), AppError>,
) -> Page {
    match result {
        Ok(()) => Ok(Redirect::to(&here(structure_id)).into_response()),
        Err(e) => {
            let message = refusal(e, lang)?;
            software_page(web, lang, s, structure_id, None, Some(&message)).await
        }
    }
}

/// Support agents. A structure's software: credentials, keys, authorised professionals.
pub async fn show(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Path(id): Path<String>,
) -> Page {
    software_page(&web, lang, &s, &named(&id), None, None).await
}

#[derive(Deserialize)]
pub struct CredentialForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    with_secret: Option<String>,
}

/// Support agents. Creates a credential; its secret, if asked for, is shown on this answer
/// only.
pub async fn create_credential(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Path(id): Path<String>,
    Posted(f): Posted<CredentialForm>,
) -> Page {
    let structure: StructureId = named(&id);
    let new = NewCredential {
        label: f.label,
        ends_on: f.until,
        with_secret: f.with_secret.is_some(),
    };
    let created = web
        .app
        .create_software_credential(&s.actor, &structure, &new, crate::shell::now())
        .await;
    match created {
        Ok(c) => {
            let l = lang;
            let notice = html! {
                p.notice role="status" { (l.t("swc.created")) " " code { (c.credential.id) } }
                @if let Some(token) = &c.token {
                    p #secret-once { (l.t("swc.secret.intro")) }
                    p { code #software-secret aria-describedby="secret-once" { (token) } }
                }
            };
            software_page(&web, lang, &s, &structure, Some(notice), None).await
        }
        Err(e) => {
            let message = refusal(e, lang)?;
            software_page(&web, lang, &s, &structure, None, Some(&message)).await
        }
    }
}

#[derive(Deserialize)]
pub struct Empty {}

/// Support agents. Revokes a credential.
pub async fn revoke_credential(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Path((id, credential)): Path<(String, String)>,
    Posted(_): Posted<Empty>,
) -> Page {
    let r = web
        .app
        .revoke_software_credential(&s.actor, &credential, crate::shell::now())
        .await;
    after(&web, lang, &s, &named(&id), r).await
}

#[derive(Deserialize)]
pub struct KeysForm {
    #[serde(default)]
    credential_id: String,
    #[serde(default)]
    jwks: String,
}

/// Support agents. Registers a JWK or a JWKS for a credential's software.
pub async fn register_keys(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Path(id): Path<String>,
    Posted(f): Posted<KeysForm>,
) -> Page {
    let r = web
        .app
        .register_structure_keys(&s.actor, &f.credential_id, &f.jwks, crate::shell::now())
        .await
        .map(|_| ());
    after(&web, lang, &s, &named(&id), r).await
}

/// Support agents. Revokes a key.
pub async fn revoke_key(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Path((id, key)): Path<(String, String)>,
    Posted(_): Posted<Empty>,
) -> Page {
    let r = web
        .app
        .revoke_structure_key(&s.actor, &key, crate::shell::now())
        .await;
    after(&web, lang, &s, &named(&id), r).await
}

#[derive(Deserialize)]
pub struct ProfessionalForm {
    #[serde(default)]
    professional: String,
    #[serde(default)]
    until: String,
}

/// Support agents. Puts a professional on the structure's list, or changes their end date.
pub async fn authorise(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Path(id): Path<String>,
    Posted(f): Posted<ProfessionalForm>,
) -> Page {
    let structure: StructureId = named(&id);
    let r = web
        .app
        .authorise_structure_professional(
            &s.actor,
            &structure,
            &f.professional,
            &f.until,
            crate::shell::now(),
        )
        .await
        .map(|_| ());
    after(&web, lang, &s, &structure, r).await
}

/// Support agents. Takes a professional off the structure's list.
pub async fn remove(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Path((id, professional)): Path<(String, String)>,
    Posted(_): Posted<Empty>,
) -> Page {
    let structure: StructureId = named(&id);
    let professional: AccountId = named(&professional);
    let r = web
        .app
        .remove_structure_professional(&s.actor, &structure, &professional, crate::shell::now())
        .await;
    after(&web, lang, &s, &structure, r).await
}
