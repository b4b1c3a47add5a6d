//! Acting for a represented person (issue 15): a patient account that support recorded as
//! someone's legal representative chooses, from its home page, to act on that person's record
//! for the rest of the session; every page then says so (the layout's banner) and offers the
//! way back. What they may do there is the policy's decision (mode `representative`).

use crate::shared::{form, views};
use crate::shell::csrf::Posted;
use crate::shell::error::Page;
use crate::shell::i18n::Lang;
use crate::shell::ids::named;
use crate::shell::session::{Session, SignedIn};
use crate::shell::Web;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use mds_app::patients::representatives::Represented;
use mds_domain::PatientId;
use serde::Deserialize;

use super::PatientGuard;

#[derive(Deserialize)]
pub struct ActFor {
    /// Empty: back to the account's own record.
    #[serde(default)]
    patient_id: String,
}

/// A patient. Acts for the represented person named (or for themselves again), then goes to
/// the portal's home.
pub async fn act_for(
    State(web): State<Web>,
    SignedIn { s, ip, .. }: SignedIn<PatientGuard>,
    Posted(f): Posted<ActFor>,
) -> Page {
    let target = match f.patient_id.trim() {
        "" => None,
        text => Some(named::<PatientId>(text)),
    };
    web.app
        .act_for(&s.actor, target.as_ref(), ip, crate::shell::now())
        .await?;
    Ok(Redirect::to("/patient").into_response())
}

/// The home page's list of the people the account represents, each with its button.
pub fn section(lang: Lang, s: &Session, people: &[Represented]) -> Markup {
    let l = lang;
    html! {
        @if !people.is_empty() {
            section aria-labelledby="represented-title" {
                h2 #represented-title { (l.t("repr.home.title")) }
                p.hint { (l.t("repr.home.hint")) }
                ul {
                    @for p in people {
                        li {
                            strong { (p.name) } " — " (views::representation_kind(l, p.kind)) ", "
                            (l.t("repr.until")) " " (p.last_day)
                            @if p.acting {
                                " " span.tag { (l.t("repr.acting")) }
                            } @else {
                                form.inline method="post" action="/patient/act-for" {
                                    (form::csrf(&s.csrf))
                                    input type="hidden" name="patient_id" value=(p.patient_id);
                                    " " button.secondary type="submit" { (l.t("repr.act")) " " (p.name) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
