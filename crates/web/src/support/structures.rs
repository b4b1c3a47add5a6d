//! The support console's directory beyond professionals: the care structures (name, RIDET,
//! kind, commune) and the assistants with the professional each acts for, with links to the
//! forms that create them (`support_directory_new`).

use crate::shared::form;
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::i18n::Lang;
use crate::shell::ids::named;
use crate::shell::Web;
use crate::support::{page, Support};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::html;
use mds_domain::commune::find_nc_commune;
use mds_domain::StructureId;
use serde::Deserialize;
use std::collections::BTreeMap;

const HERE: &str = "/support/structures";

fn kind_label(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "hospital" => lang.t("supx.structure.hospital"),
        "clinic" => lang.t("supx.structure.clinic"),
        "dispensary" => lang.t("supx.structure.dispensary"),
        "medical_centre" => lang.t("supx.structure.medical_centre"),
        "practice" => lang.t("supx.structure.practice"),
        "pharmacy" => lang.t("supx.structure.pharmacy"),
        "laboratory" => lang.t("supx.structure.laboratory"),
        "samu" => lang.t("supx.structure.samu"),
        _ => lang.t("supx.structure.other"),
    }
}

#[derive(Deserialize, Default)]
pub struct Done {
    ok: Option<String>,
}

/// Support agents. The structures and the assistants.
pub async fn list(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Page {
    let structures = web.app.list_structures(&s.actor).await?;
    let mut idle = BTreeMap::new();
    for st in &structures {
        idle.insert(
            st.id.to_string(),
            web.app.structure_session_idle(&s.actor, &st.id).await?,
        );
    }
    let (min, max, default) = {
        let set = web.app.settings();
        (
            set.session_idle_min_minutes,
            set.session_idle_max_minutes,
            set.session_idle_minutes,
        )
    };
    let assistants = web.app.list_assistants(&s.actor).await?;
    let mut pros = BTreeMap::new();
    for a in &assistants {
        if pros.contains_key(&a.professional_account_id) {
            continue;
        }
        let name = match web
            .app
            .get_professional(&s.actor, &a.professional_account_id)
            .await
        {
            Ok(p) => format!("{} {}", p.first_name, p.last_name),
            Err(_) => String::new(),
        };
        pros.insert(a.professional_account_id.clone(), name);
    }
    let l = lang;
    let body = html! {
        @if done.ok.as_deref() == Some("idle") { p.notice role="status" { (l.t("supx.idle.done")) } }
        @if done.ok.as_deref() == Some("edited") { p.notice role="status" { (l.t("supedit.done")) } }
        p.lead { (l.t("supx.structures.intro")) }
        ul.list {
            li { a href="/support/structures/new" { (l.t("supdir.structure.link")) } }
            li { a href="/support/professionals/new" { (l.t("supdir.professional.link")) } }
            li { a href="/support/assistants/new" { (l.t("supdir.assistant.link")) } }
        }
        h2 { (l.t("supx.structures.title")) " (" (structures.len()) ")" }
        div.table-wrap { table {
            caption.visually-hidden { (l.t("supx.structures.title")) }
            thead { tr {
                th scope="col" { (l.t("support.col.name")) }
                th scope="col" { "RIDET" }
                th scope="col" { (l.t("supx.structures.kind")) }
                th scope="col" { (l.t("supx.structures.commune")) }
                th scope="col" { (l.t("swc.col.software")) }
                th scope="col" { (l.t("supx.idle.col")) }
            } }
            tbody {
                @for st in &structures {
                    tr {
                        td { a href=(format!("/support/structures/{}/edit", st.id)) {
                            (st.name) span.visually-hidden { " — " (l.t("supedit.structure.link")) } } }
                        td { (st.ridet) }
                        td { (kind_label(l, &st.kind)) }
                        td { (find_nc_commune(&st.commune).map_or(st.commune.as_str(), |c| c.name)) }
                        td { a href=(format!("/support/structures/{}/software", st.id)) {
                            (l.t("swc.link")) span.visually-hidden { " " (st.name) } } }
                        td {
                            form.inline method="post" action=(format!("/support/structures/{}/session-idle", st.id)) {
                                (form::csrf(&s.csrf))
                                label for=(format!("idle-{}", st.id)) {
                                    (l.t("supx.idle.label")) span.visually-hidden { " " (st.name) }
                                }
                                input.short id=(format!("idle-{}", st.id)) type="number" name="minutes"
                                    min=(min) max=(max) placeholder=(default)
                                    value=[idle.get(&st.id.to_string()).copied().flatten()];
                                button.secondary type="submit" { (l.t("supx.idle.save")) span.visually-hidden { " " (st.name) } }
                            }
                        }
                    }
                }
            }
        } }
        h2 { (l.t("supx.assistants.title")) " (" (assistants.len()) ")" }
        @if assistants.is_empty() {
            p { (l.t("supx.assistants.empty")) }
        } @else {
            div.table-wrap { table {
                caption.visually-hidden { (l.t("supx.assistants.title")) }
                thead { tr {
                    th scope="col" { (l.t("support.col.name")) }
                    th scope="col" { (l.t("supx.assistants.for")) }
                } }
                tbody {
                    @for a in &assistants {
                        tr {
                            td { (a.last_name.to_uppercase()) " " (a.first_name) }
                            td { a href=(format!("/support/professionals/{}", a.professional_account_id)) {
                                (pros.get(&a.professional_account_id).map_or("", String::as_str)) } }
                        }
                    }
                }
            } }
        }
    };
    Ok(page(lang, &s, l.t("supx.structures.page"), HERE, body))
}

#[derive(Deserialize)]
pub struct IdleForm {
    #[serde(default)]
    minutes: String,
}

/// Support agents. Sets a structure's idle timeout (empty: the service's default).
pub async fn set_idle(
    State(web): State<Web>,
    Support { s, .. }: Support,
    Path(id): Path<String>,
    Posted(f): Posted<IdleForm>,
) -> Page {
    let minutes = match f.minutes.trim() {
        "" => None,
        m => Some(m.parse::<i64>().map_err(|_| WebError::BadRequest)?),
    };
    web.app
        .set_structure_session_idle(
            &s.actor,
            &named::<StructureId>(&id),
            minutes,
            crate::shell::now(),
        )
        .await?;
    Ok(Redirect::to("/support/structures?ok=idle").into_response())
}
