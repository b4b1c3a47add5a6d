//! The patient's opposition to being fed by this professional, on the record view: recorded
//! at the patient's request, in their presence, never with a reason; while it stands the
//! professional cannot add a document or a new version to the record. Lifted the same way
//! (the action: `actions::set_opposition`).

use crate::shared::form;
use crate::shell::i18n::Lang;
use crate::shell::session::Session;
use maud::{html, Markup};
use mds_app::record::overview::RecordOverview;

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
    let described = form::described_by(Some("opp-hint"), err.map(|_| "opp-error"));
    let action = format!("/pro/records/{pid}/opposition");
    html! {
        @if let Some(opposed) = o.feeding_opposed {
            form.stack.card method="post" action=(action) aria-labelledby="opp-title" {
                h2 #opp-title { (l.t("prox.opp.title")) }
                (form::form_error("opp-error", err))
                (form::csrf(&s.csrf))
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
