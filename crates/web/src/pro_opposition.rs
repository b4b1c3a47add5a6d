//! The patient's opposition to being fed by this professional, on the record view: recorded
//! at the patient's request, in their presence, never with a reason; while it stands the
//! professional cannot add a document or a new version to the record. Lifted the same way.

use crate::error::{Answer, WebError};
use crate::form::Posted;
use crate::i18n::Lang;
use crate::layout;
use crate::pro::{overview, record_page, require_pro};
use crate::session::{ClientIp, Session};
use crate::Web;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use mds_app::record::overview::RecordOverview;
use mds_app::AppError;
use serde::Deserialize;

/// The notices after recording or lifting an opposition.
pub fn notice_of(lang: Lang, ok: Option<&str>) -> Option<&'static str> {
    Some(match ok? {
        "opposed" => lang.t("prox.opp.done.recorded"),
        "opposition_lifted" => lang.t("prox.opp.done.lifted"),
        _ => return None,
    })
}

/// The control on the record view, for the professionals who may record an opposition.
pub fn control(
    lang: Lang,
    s: &Session,
    pid: &str,
    o: &RecordOverview,
    error: Option<(&str, &str)>,
) -> Markup {
    let l = lang;
    let err = error.filter(|(f, _)| *f == "opposition").map(|(_, m)| m);
    let described = layout::described_by(Some("opp-hint"), err.map(|_| "opp-error"));
    let action = format!("/pro/records/{pid}/opposition");
    html! {
        @if let Some(opposed) = o.feeding_opposed {
            form.stack.card method="post" action=(action) aria-labelledby="opp-title" {
                h2 #opp-title { (l.t("prox.opp.title")) }
                (layout::form_error("opp-error", err))
                (layout::csrf(&s.csrf))
                @if opposed {
                    p { strong { (l.t("prox.opp.standing")) } }
                    p.hint #opp-hint { (l.t("prox.opp.lift.hint")) }
                    input type="hidden" name="opposed" value="0";
                    button type="submit" aria-describedby=[described.as_deref()] { (l.t("prox.opp.lift")) }
                } @else {
                    p.hint #opp-hint { (l.t("prox.opp.record.hint")) }
                    input type="hidden" name="opposed" value="1";
                    button.secondary type="submit" aria-describedby=[described.as_deref()] { (l.t("prox.opp.record")) }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct OppositionForm {
    #[serde(default)]
    opposed: String,
}

/// Professionals. Records (`opposed=1`) or lifts (`opposed=0`) the patient's opposition to
/// being fed by them; back to the record.
pub async fn set(
    State(web): State<Web>,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Path(pid): Path<String>,
    posted: Result<Posted<OppositionForm>, WebError>,
) -> Answer {
    let r = async {
        let Posted { session: s, form } = posted?;
        require_pro(&s)?;
        let now = crate::now();
        let (done, key) = match form.opposed.as_str() {
            "1" => (
                web.app
                    .record_feeding_opposition(&s.actor, &pid, ip.clone(), now)
                    .await,
                "opposed",
            ),
            "0" => (
                web.app
                    .lift_feeding_opposition(&s.actor, &pid, ip.clone(), now)
                    .await,
                "opposition_lifted",
            ),
            _ => return Err(WebError::BadRequest),
        };
        match done {
            Ok(()) => Ok(Redirect::to(&format!("/pro/records/{pid}?ok={key}")).into_response()),
            Err(e @ (AppError::Invalid { .. } | AppError::Denied { .. })) => {
                let (o, names) = overview(&web, &s, &pid, ip).await?;
                let message = e.public_message();
                let mut r = record_page(
                    lang,
                    &s,
                    &pid,
                    &o,
                    None,
                    Some(("opposition", &message)),
                    &names,
                )?;
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                Ok(r)
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    Answer(lang, r)
}
