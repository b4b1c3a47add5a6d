//! The support console's corrections of the directory: a professional (names, professional
//! number, profession, structures, SAMU role) and a structure (name, kind, commune; the RIDET
//! number stays). Each form is filled with what the directory says; a refused correction shows
//! the use case's message with what was typed (422); an accepted one returns to the page it
//! came from with a notice. The use cases (`operator::directory_edit`) check and audit.

use crate::shared::form;
use crate::shell::csrf::Posted;
use crate::shell::error::Page;
use crate::shell::i18n::Lang;
use crate::shell::ids::named;
use crate::shell::session::Session;
use crate::shell::Web;
use crate::support::directory_new::{
    answer, professional_fields, refusal, structure_fields, text, Typed, ERROR,
};
use crate::support::Support;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::html;
use mds_app::operator::directory::{ProfessionalRow, StructureRow};
use mds_app::operator::directory_edit::{ProfessionalEdit, StructureEdit};
use mds_domain::{AccountId, StructureId};

fn professional_typed(p: &ProfessionalRow) -> Typed {
    let mut t = vec![
        ("first_name".to_owned(), p.first_name.clone()),
        ("last_name".to_owned(), p.last_name.clone()),
        ("profession".to_owned(), p.profession.slug().to_owned()),
        ("professional_id".to_owned(), p.professional_id.clone()),
    ];
    if p.samu_regulator {
        t.push(("samu_regulator".to_owned(), "1".to_owned()));
    }
    t.extend(
        p.structure_ids
            .iter()
            .map(|s| ("structure_ids".to_owned(), s.to_string())),
    );
    Typed(t)
}

async fn professional_page(
    web: &Web,
    lang: Lang,
    s: &Session,
    id: &str,
    t: &Typed,
    error: Option<&str>,
) -> Page {
    let l = lang;
    let structures = web.app.list_structures(&s.actor).await?;
    let err = error.is_some();
    let here = format!("/support/professionals/{id}/edit");
    let body = html! {
        p.lead { (l.t("supedit.professional.intro")) }
        (form::form_error(ERROR, error))
        form.stack method="post" action=(here) {
            (form::csrf(&s.csrf))
            (text(l, t, "last_name", "text", true, None, err))
            (text(l, t, "first_name", "text", true, None, err))
            (professional_fields(l, t, &structures, err))
            p.hint #edit-consequence { (l.t("supedit.professional.consequence")) }
            button type="submit" aria-describedby="edit-consequence" { (l.t("supedit.save")) }
        }
        p { a href=(format!("/support/professionals/{id}")) { (l.t("supedit.back.professional")) } }
    };
    Ok(answer(
        lang,
        s,
        l.t("supedit.professional.title"),
        &here,
        body,
        err,
    ))
}

/// Support agents. The correction form of a professional, filled with the directory's data.
pub async fn professional_form(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Path(id): Path<String>,
) -> Page {
    let p = web
        .app
        .get_professional(&s.actor, &named::<AccountId>(&id))
        .await?;
    professional_page(&web, lang, &s, &id, &professional_typed(&p), None).await
}

/// Support agents. Corrects a professional.
pub async fn edit_professional(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Path(id): Path<String>,
    Posted(form): Posted<Vec<(String, String)>>,
) -> Page {
    let t = Typed(form);
    let edit = ProfessionalEdit {
        first_name: t.get("first_name").to_owned(),
        last_name: t.get("last_name").to_owned(),
        profession: t.get("profession").to_owned(),
        professional_id: t.get("professional_id").to_owned(),
        structure_ids: t.structure_ids(),
        samu_regulator: t.get("samu_regulator") == "1",
    };
    let account = named::<AccountId>(&id);
    match web
        .app
        .edit_professional(&s.actor, &account, edit, crate::shell::now())
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/support/professionals/{account}?ok=edited")).into_response(),
        ),
        Err(e) => {
            let message = refusal(e, lang)?;
            professional_page(&web, lang, &s, &id, &t, Some(&message)).await
        }
    }
}

fn structure_typed(st: &StructureRow) -> Typed {
    Typed(vec![
        ("name".to_owned(), st.name.clone()),
        ("kind".to_owned(), st.kind.clone()),
        ("commune".to_owned(), st.commune.clone()),
    ])
}

fn structure_page(
    lang: Lang,
    s: &Session,
    st: &StructureRow,
    t: &Typed,
    error: Option<&str>,
) -> Page {
    let l = lang;
    let err = error.is_some();
    let here = format!("/support/structures/{}/edit", st.id);
    let body = html! {
        p.lead { (l.t("supedit.structure.intro")) " " strong { (st.ridet) } }
        (form::form_error(ERROR, error))
        form.stack method="post" action=(here) {
            (form::csrf(&s.csrf))
            (text(l, t, "name", "text", true, None, err))
            (structure_fields(l, t, err))
            button type="submit" { (l.t("supedit.save")) }
        }
        p { a href="/support/structures" { (l.t("supdir.back.structures")) } }
    };
    Ok(answer(
        lang,
        s,
        l.t("supedit.structure.title"),
        &here,
        body,
        err,
    ))
}

async fn structure(web: &Web, s: &Session, id: &str) -> Result<StructureRow, mds_app::AppError> {
    web.app
        .get_structure(&s.actor, &named::<StructureId>(id))
        .await
}

/// Support agents. The correction form of a structure, filled with the directory's data.
pub async fn structure_form(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Path(id): Path<String>,
) -> Page {
    let st = structure(&web, &s, &id).await?;
    structure_page(lang, &s, &st, &structure_typed(&st), None)
}

/// Support agents. Corrects a structure.
pub async fn edit_structure(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Path(id): Path<String>,
    Posted(form): Posted<Vec<(String, String)>>,
) -> Page {
    let st = structure(&web, &s, &id).await?;
    let t = Typed(form);
    let edit = StructureEdit {
        name: t.get("name").to_owned(),
        kind: t.get("kind").to_owned(),
        commune: t.get("commune").to_owned(),
    };
    match web
        .app
        .edit_structure(&s.actor, &st.id, edit, crate::shell::now())
        .await
    {
        Ok(_) => Ok(Redirect::to("/support/structures?ok=edited").into_response()),
        Err(e) => structure_page(lang, &s, &st, &t, Some(&refusal(e, lang)?)),
    }
}
