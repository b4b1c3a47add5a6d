//! The support console's directory forms: a new care structure, a new professional working in
//! one or more structures, a new assistant acting for one professional. A refused entry shows
//! the use case's message next to the form with what was typed; a created account's one-time
//! enrolment token is shown on the answer of the POST only, never in an address.

use crate::shared::form;
use crate::shared::views::profession;
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::ids::named;
use crate::shell::session::Session;
use crate::shell::Web;
use crate::support::{page, Support};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use mds_app::operator::directory::{NewAssistant, NewProfessional, NewStructure};
use mds_app::AppError;
use mds_domain::commune::nc_communes;
use mds_domain::structure::STRUCTURE_KINDS;
use mds_domain::{Profession, StructureId};
use serde::Deserialize;

const STRUCTURE: &str = "/support/structures/new";
const PROFESSIONAL: &str = "/support/professionals/new";
const ASSISTANT: &str = "/support/assistants/new";
pub(super) const ERROR: &str = "new-error";

/// What was typed in one of the forms, field by field (all text, as posted).
#[derive(Default)]
pub(super) struct Typed(pub(super) Vec<(String, String)>);

impl Typed {
    pub(super) fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The structures chosen in the form's multiple choice.
    pub(super) fn structure_ids(&self) -> Vec<StructureId> {
        self.all("structure_ids")
            .iter()
            .map(|id| named::<StructureId>(id))
            .collect()
    }

    pub(super) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn email(&self) -> Option<String> {
        Some(self.get("email").trim().to_owned()).filter(|e| !e.is_empty())
    }
}

#[derive(Deserialize)]
pub struct Preset {
    #[serde(default)]
    structure: Option<String>,
    #[serde(default)]
    professional: Option<String>,
}

impl Preset {
    fn typed(&self) -> Typed {
        let mut t = Vec::new();
        if let Some(s) = &self.structure {
            t.push(("structure_ids".to_owned(), s.clone()));
        }
        if let Some(p) = &self.professional {
            t.push(("professional_account_id".to_owned(), p.clone()));
        }
        Typed(t)
    }
}

/// A text field with its label and, when given, its hint.
pub(super) fn text(
    l: Lang,
    t: &Typed,
    name: &str,
    kind: &str,
    required: bool,
    hint: Option<&str>,
    err: bool,
) -> Markup {
    let label = l.t(&format!("supdir.field.{name}"));
    let hint_id = format!("{name}-hint");
    let d = form::described_by(hint.map(|_| hint_id.as_str()), err.then_some(ERROR));
    html! {
        div.field {
            label for=(name) { (label) @if !required { " " (l.t("supdir.optional")) } }
            @if let Some(h) = hint { p.hint id=(hint_id) { (h) } }
            input id=(name) type=(kind) name=(name) value=(t.get(name)) required[required] autocomplete="off" aria-describedby=[d];
        }
    }
}

pub(super) fn answer(
    lang: Lang,
    s: &Session,
    title: &str,
    here: &str,
    body: Markup,
    err: bool,
) -> Response {
    let mut r = page(lang, s, title, here, body);
    if err {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// A refusal the form can show, in the page's language, or the error to answer with.
pub(super) fn refusal(e: AppError, lang: Lang) -> Result<String, WebError> {
    match e {
        e @ (AppError::Invalid { .. } | AppError::Conflict { .. }) => {
            Ok(e.public_message_in(lang.into()))
        }
        e => Err(e.into()),
    }
}

/// The kind and commune of a structure (the creation and the correction forms).
pub(super) fn structure_fields(l: Lang, t: &Typed, err: bool) -> Markup {
    let d = form::described_by(None, err.then_some(ERROR));
    html! {
            div.field {
                label for="kind" { (l.t("supdir.field.kind")) }
                select #kind name="kind" required aria-describedby=[d.as_deref()] {
                    @for k in STRUCTURE_KINDS {
                        option value=(k) selected[t.get("kind") == *k] { (l.t(&format!("supx.structure.{k}"))) }
                    }
                }
            }
            div.field {
                label for="commune" { (l.t("supdir.field.commune")) }
                select #commune name="commune" required aria-describedby=[d.as_deref()] {
                    option value="" selected[t.get("commune").is_empty()] { (l.t("prox.create.birth_place.choose")) }
                    @for c in nc_communes() {
                        option value=(c.code) selected[t.get("commune") == c.code] { (c.name) " (" (c.code) ")" }
                    }
                }
            }
    }
}

fn structure_page(lang: Lang, s: &Session, t: &Typed, error: Option<&str>) -> Response {
    let l = lang;
    let err = error.is_some();
    let body = html! {
        p.lead { (l.t("supdir.structure.intro")) }
        (form::form_error(ERROR, error))
        form.stack method="post" action=(STRUCTURE) {
            (form::csrf(&s.csrf))
            (text(l, t, "name", "text", true, None, err))
            (text(l, t, "ridet", "text", true, Some(l.t("supdir.hint.ridet")), err))
            (structure_fields(l, t, err))
            p.hint #structure-consequence { (l.t("supdir.structure.consequence")) }
            button type="submit" aria-describedby="structure-consequence" { (l.t("supdir.structure.submit")) }
        }
        p { a href="/support/structures" { (l.t("supdir.back.structures")) } }
    };
    answer(lang, s, l.t("supdir.structure.title"), STRUCTURE, body, err)
}

async fn professional_page(
    web: &Web,
    lang: Lang,
    s: &Session,
    t: &Typed,
    error: Option<&str>,
) -> Result<Response, WebError> {
    let l = lang;
    let structures = web.app.list_structures(&s.actor).await?;
    let err = error.is_some();
    let body = html! {
        p.lead { (l.t("supdir.professional.intro")) }
        (form::form_error(ERROR, error))
        form.stack method="post" action=(PROFESSIONAL) {
            (form::csrf(&s.csrf))
            (text(l, t, "last_name", "text", true, None, err))
            (text(l, t, "first_name", "text", true, None, err))
            (text(l, t, "login", "text", true, Some(l.t("supdir.hint.login")), err))
            (text(l, t, "email", "email", false, None, err))
            (professional_fields(l, t, &structures, err))
            p.hint #professional-consequence { (l.t("supdir.account.consequence")) }
            button type="submit" aria-describedby="professional-consequence" { (l.t("supdir.professional.submit")) }
        }
        p { a href="/support/professionals" { (l.t("supdir.back.professionals")) } }
    };
    Ok(answer(
        lang,
        s,
        l.t("supdir.professional.title"),
        PROFESSIONAL,
        body,
        err,
    ))
}

/// What the directory says of a professional's practice (the creation and the correction
/// forms): profession, professional number, structures, SAMU role.
pub(super) fn professional_fields(
    l: Lang,
    t: &Typed,
    structures: &[mds_app::operator::directory::StructureRow],
    err: bool,
) -> Markup {
    let chosen = t.all("structure_ids");
    let d = |hint: &str| form::described_by(Some(hint), err.then_some(ERROR));
    html! {
            div.field {
                label for="profession" { (l.t("supdir.field.profession")) }
                select #profession name="profession" required aria-describedby=[form::described_by(None, err.then_some(ERROR))] {
                    @for p in Profession::all().iter().filter(|p| p.slug() != "assistant") {
                        option value=(p.slug()) selected[t.get("profession") == p.slug()] { (p.label_fr()) }
                    }
                }
            }
            (text(l, t, "professional_id", "text", true, Some(l.t("supdir.hint.professional_id")), err))
            div.field {
                label for="structure_ids" { (l.t("supdir.field.structure_ids")) }
                p.hint #structure_ids-hint { (l.t("supdir.hint.structure_ids")) }
                select #structure_ids name="structure_ids" multiple required size="4" aria-describedby=[d("structure_ids-hint")] {
                    @for st in structures {
                        option value=(st.id) selected[chosen.iter().any(|c| c == st.id.as_str())] { (st.name) }
                    }
                }
            }
            div.check {
                input #samu_regulator type="checkbox" name="samu_regulator" value="1" checked[t.get("samu_regulator") == "1"] aria-describedby=[d("samu-hint")];
                label for="samu_regulator" { (l.t("supdir.field.samu_regulator")) }
                p.hint #samu-hint { (l.t("supdir.hint.samu_regulator")) }
            }
    }
}

async fn assistant_page(
    web: &Web,
    lang: Lang,
    s: &Session,
    t: &Typed,
    error: Option<&str>,
) -> Result<Response, WebError> {
    let l = lang;
    let pros = web.app.search_professionals(&s.actor, "", 100, 0).await?;
    let err = error.is_some();
    let chosen = t.get("professional_account_id");
    let d = form::described_by(Some("for-hint"), err.then_some(ERROR));
    let body = html! {
        p.lead { (l.t("supdir.assistant.intro")) }
        (form::form_error(ERROR, error))
        form.stack method="post" action=(ASSISTANT) {
            (form::csrf(&s.csrf))
            div.field {
                label for="professional_account_id" { (l.t("supdir.field.professional_account_id")) }
                p.hint #for-hint { (l.t("supdir.hint.professional_account_id")) }
                select #professional_account_id name="professional_account_id" required aria-describedby=[d] {
                    @for p in &pros {
                        option value=(p.account_id) selected[chosen == p.account_id.as_str()] {
                            (p.last_name.to_uppercase()) " " (p.first_name) " — " (profession(&p.profession)) }
                    }
                }
            }
            (text(l, t, "last_name", "text", true, None, err))
            (text(l, t, "first_name", "text", true, None, err))
            (text(l, t, "login", "text", true, Some(l.t("supdir.hint.login")), err))
            (text(l, t, "email", "email", false, None, err))
            p.hint #assistant-consequence { (l.t("supdir.account.consequence")) }
            button type="submit" aria-describedby="assistant-consequence" { (l.t("supdir.assistant.submit")) }
        }
        p { a href="/support/structures" { (l.t("supdir.back.structures")) } }
    };
    Ok(answer(
        lang,
        s,
        l.t("supdir.assistant.title"),
        ASSISTANT,
        body,
        err,
    ))
}

/// The answer of a created account: its enrolment token, shown this once.
fn created_page(
    lang: Lang,
    s: &Session,
    title: &str,
    here: &str,
    name: &str,
    token: &str,
    link: (&str, &str),
) -> Response {
    let l = lang;
    let body = html! {
        p.notice role="status" { (l.t("supdir.created")) " " (name) }
        p #token-hint { (l.t("supdir.token.intro")) }
        p { code #enrolment-token aria-describedby="token-hint" { (token) } }
        p { a href=(link.0) { (link.1) } }
    };
    page(lang, s, title, here, body)
}

/// Support agents. The new structure form.
pub async fn structure_form(Support { s, lang, .. }: Support) -> Page {
    Ok(structure_page(lang, &s, &Typed::default(), None))
}

/// Support agents. Creates a structure.
pub async fn create_structure(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Posted(form): Posted<Vec<(String, String)>>,
) -> Page {
    let t = Typed(form);
    let new = NewStructure {
        name: t.get("name").to_owned(),
        ridet: t.get("ridet").to_owned(),
        kind: t.get("kind").to_owned(),
        commune: t.get("commune").to_owned(),
    };
    match web
        .app
        .create_structure(&s.actor, new, crate::shell::now())
        .await
    {
        Ok(row) => {
            let l = lang;
            let body = html! {
                p.notice role="status" { (l.t("supdir.structure.created")) " " (row.name) " (" (row.ridet) ")" }
                ul.list {
                    li { a href=(format!("{PROFESSIONAL}?structure={}", row.id)) { (l.t("supdir.structure.add_professional")) } }
                    li { a href="/support/structures" { (l.t("supdir.back.structures")) } }
                }
            };
            Ok(page(
                lang,
                &s,
                l.t("supdir.structure.title"),
                STRUCTURE,
                body,
            ))
        }
        Err(e) => Ok(structure_page(lang, &s, &t, Some(&refusal(e, lang)?))),
    }
}

/// Support agents. The new professional form (`?structure=` preselects a structure).
pub async fn professional_form(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Query(p): Query<Preset>,
) -> Page {
    professional_page(&web, lang, &s, &p.typed(), None).await
}

/// Support agents. Creates a professional; the enrolment token is shown once.
pub async fn create_professional(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Posted(form): Posted<Vec<(String, String)>>,
) -> Page {
    let t = Typed(form);
    let new = NewProfessional {
        login: t.get("login").to_owned(),
        email: t.email(),
        first_name: t.get("first_name").to_owned(),
        last_name: t.get("last_name").to_owned(),
        profession: t.get("profession").to_owned(),
        professional_id: t.get("professional_id").to_owned(),
        structure_ids: t.structure_ids(),
        samu_regulator: t.get("samu_regulator") == "1",
    };
    match web
        .app
        .create_professional(&s.actor, new, crate::shell::now())
        .await
    {
        Ok(c) => {
            let l = lang;
            let p = &c.item;
            let name = format!("{} {}", p.last_name.to_uppercase(), p.first_name);
            let link = format!("/support/professionals/{}", p.account_id);
            Ok(created_page(
                lang,
                &s,
                l.t("supdir.professional.title"),
                PROFESSIONAL,
                &name,
                &c.enrolment_token,
                (&link, l.t("supdir.professional.open")),
            ))
        }
        Err(e) => {
            let message = refusal(e, lang)?;
            professional_page(&web, lang, &s, &t, Some(&message)).await
        }
    }
}

/// Support agents. The new assistant form (`?professional=` preselects the professional).
pub async fn assistant_form(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Query(p): Query<Preset>,
) -> Page {
    assistant_page(&web, lang, &s, &p.typed(), None).await
}

/// Support agents. Creates an assistant; the enrolment token is shown once.
pub async fn create_assistant(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Posted(form): Posted<Vec<(String, String)>>,
) -> Page {
    let t = Typed(form);
    let new = NewAssistant {
        login: t.get("login").to_owned(),
        email: t.email(),
        first_name: t.get("first_name").to_owned(),
        last_name: t.get("last_name").to_owned(),
        professional_account_id: named(t.get("professional_account_id")),
    };
    match web
        .app
        .create_assistant(&s.actor, new, crate::shell::now())
        .await
    {
        Ok(c) => {
            let l = lang;
            let a = &c.item;
            let name = format!("{} {}", a.last_name.to_uppercase(), a.first_name);
            Ok(created_page(
                lang,
                &s,
                l.t("supdir.assistant.title"),
                ASSISTANT,
                &name,
                &c.enrolment_token,
                ("/support/structures", l.t("supdir.assistant.open")),
            ))
        }
        Err(e) => {
            let message = refusal(e, lang)?;
            assistant_page(&web, lang, &s, &t, Some(&message)).await
        }
    }
}
