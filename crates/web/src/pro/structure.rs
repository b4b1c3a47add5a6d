//! The structure a professional acts from in this session (issue 15), reached from the name
//! of the structure in the header when they work in several: the choices, the current one
//! checked; the choice goes back to the page the header was on. The use case
//! `choose_structure` checks the structure is theirs and audits the choice.

use crate::pro::{chrome, render, Pro};
use crate::shared::form;
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::ids::named;
use crate::shell::url::local_path;
use crate::shell::Web;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::html;
use mds_domain::StructureId;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct Next {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct Choice {
    #[serde(default)]
    structure: String,
    #[serde(default)]
    next: String,
}

/// Professionals and assistants. The structures they may act from.
pub async fn form(State(web): State<Web>, Pro { s, lang, .. }: Pro, Query(q): Query<Next>) -> Page {
    let choices = web.app.structure_choices(&s.actor).await?;
    let l = lang;
    let next = q.next.as_deref().and_then(local_path).unwrap_or("/pro");
    let c = chrome(lang, &s, l.t("prox.structure.title"), "/pro/structure");
    render(
        &c,
        html! {
            p.lead #structure-intro { (l.t("prox.structure.intro")) }
            form method="post" action="/pro/structure" {
                (form::csrf(&s.csrf))
                input type="hidden" name="next" value=(next);
                fieldset.choice.stacked aria-describedby="structure-intro" {
                    legend { (l.t("prox.structure.legend")) }
                    @for choice in &choices {
                        label {
                            input type="radio" name="structure" value=(choice.id)
                                checked[choice.current] required;
                            (choice.name)
                        }
                    }
                }
                button type="submit" { (l.t("prox.structure.submit")) }
            }
        },
    )
}

/// Professionals and assistants. Acts from the chosen structure; back where they were.
pub async fn choose(
    State(web): State<Web>,
    Pro { s, ip, .. }: Pro,
    Posted(f): Posted<Choice>,
) -> Page {
    let structure = named::<StructureId>(&f.structure);
    match web
        .app
        .choose_structure(&s.actor, &structure, ip, crate::shell::now())
        .await
    {
        Ok(()) => {
            // The header of the next page names the structure now acted from.
            let next = local_path(&f.next).unwrap_or("/pro");
            Ok(Redirect::to(next).into_response())
        }
        Err(mds_app::AppError::Invalid { .. }) => Err(WebError::BadRequest),
        Err(e) => Err(e.into()),
    }
}
