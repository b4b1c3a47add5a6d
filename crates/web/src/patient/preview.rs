//! « Voir mon dossier comme un professionnel » (issue 17, item 1): the patient picks a
//! professional (their care team, or the directory) and a situation, and sees the list that
//! professional would get, each document with the rule in words. A simulation, audited as the
//! patient's own action: nothing is opened for the professional.

use crate::patient::{chrome, render, Patient};
use crate::shared::form;
use crate::shared::views;
use crate::shell::error::Page;
use crate::shell::i18n::Lang;
use crate::shell::Web;
use axum::extract::{Query, State};
use maud::{html, Markup};
use mds_app::record::preview::{Preview, Situation, Subject};
use mds_domain::{AccountState, Profession};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct PreviewQuery {
    professional: Option<String>,
    situation: Option<String>,
    q: Option<String>,
}

/// A choice of professional: account id and « name — profession ».
struct Choice {
    id: String,
    text: String,
}

/// A patient. The form, and what the chosen professional would see.
pub async fn preview(
    State(web): State<Web>,
    Patient { s, lang, ip, pid }: Patient,
    Query(query): Query<PreviewQuery>,
) -> Page {
    let now = crate::shell::now();
    let l = lang;
    let team = web.app.care_team(&s.actor, &pid, ip.clone(), now).await?;
    let mut choices: Vec<Choice> = team
        .iter()
        .map(|m| Choice {
            id: m.professional_account_id.to_string(),
            text: format!("{} — {}", m.name, views::profession_in(lang, &m.profession)),
        })
        .collect();
    let q = form::non_empty(&query.q);
    if let Some(q) = &q {
        let found = web.app.search_professionals(&s.actor, q, 20, 0).await?;
        choices.extend(
            found
                .into_iter()
                .filter(|p| p.state == AccountState::Active)
                .filter(|p| !choices.iter().any(|c| c.id == p.account_id.as_str()))
                .map(|p| Choice {
                    id: p.account_id.to_string(),
                    text: format!(
                        "{} {} — {}",
                        p.first_name,
                        p.last_name,
                        p.profession.label(lang.into())
                    ),
                })
                .collect::<Vec<_>>(),
        );
    }
    let situation = Situation::parse_or_invalid(query.situation.as_deref().unwrap_or_default())?;
    let chosen = form::non_empty(&query.professional);
    let preview = match &chosen {
        Some(choice) => {
            // The select names a professional by account id, or a profession as
            // `profession:<code>`.
            let subject = match choice.strip_prefix("profession:") {
                Some(slug) => Subject::from_request(None, Some(slug))?,
                None => Subject::from_request(Some(choice), None)?,
            };
            Some(
                web.app
                    .preview_record_as(&s.actor, &pid, subject, situation, ip, now)
                    .await?,
            )
        }
        None => None,
    };
    let c = chrome(lang, &s, l.t("preview.title"), "/patient/care-team");
    render(
        &c,
        html! {
            p.lead { (l.t("preview.intro")) }
            (choose(lang, &choices, chosen.as_deref(), situation, q.as_deref()))
            @if let Some(p) = &preview { (result(lang, p)) }
        },
    )
}

fn choose(
    lang: Lang,
    choices: &[Choice],
    chosen: Option<&str>,
    situation: Situation,
    q: Option<&str>,
) -> Markup {
    let l = lang;
    let situations = [
        (Situation::Today, "preview.situation.today"),
        (Situation::BreakGlass, "preview.situation.break_glass"),
        (Situation::Samu, "preview.situation.samu"),
    ];
    html! {
        section aria-labelledby="find-title" {
            h2 #find-title { (l.t("preview.find.title")) }
            form.filters method="get" action="/patient/preview" role="search" aria-label=(l.t("preview.find.title")) {
                div.field {
                    label for="pv-q" { (l.t("team.add.name")) }
                    input #pv-q type="search" name="q" value=[q];
                }
                div.actions { button.secondary type="submit" { (l.t("team.add.search")) } }
            }
            @if q.is_some() && choices.is_empty() { p { (l.t("team.add.none")) } }
        }
        section aria-labelledby="see-title" {
            h2 #see-title { (l.t("preview.see.title")) }
            @if choices.is_empty() { p { (l.t("preview.none")) } }
            {
                form method="get" action="/patient/preview" {
                    @if let Some(q) = q { input type="hidden" name="q" value=(q); }
                    div.field {
                        label for="pv-pro" { (l.t("preview.professional")) }
                        select #pv-pro name="professional" required {
                            optgroup label=(l.t("preview.group.people")) {
                                @for c in choices {
                                    option value=(c.id) selected[chosen == Some(c.id.as_str())] { (c.text) }
                                }
                            }
                            optgroup label=(l.t("preview.group.professions")) {
                                @for p in Profession::all() {
                                    @let value = format!("profession:{}", p.slug());
                                    option value=(value) selected[chosen == Some(value.as_str())] { (p.label(lang.into())) }
                                }
                            }
                        }
                    }
                    fieldset {
                        legend { (l.t("preview.situation")) }
                        @for (value, key) in situations {
                            div.choice {
                                input type="radio" name="situation" id=(format!("pv-s-{}", value.as_str())) value=(value.as_str()) checked[value == situation];
                                label for=(format!("pv-s-{}", value.as_str())) { (l.t(key)) }
                            }
                        }
                    }
                    div.actions { button type="submit" { (l.t("preview.show")) } }
                }
            }
        }
    }
}

fn result(lang: Lang, p: &Preview) -> Markup {
    let l = lang;
    let en = lang == Lang::En;
    let pick = |fr: &str, english: &str| {
        if en {
            english.to_owned()
        } else {
            fr.to_owned()
        }
    };
    let shown = p.lines.iter().filter(|line| line.shown).count();
    html! {
        section aria-labelledby="result-title" {
            h2 #result-title { (l.t("preview.result.title")) " " (p.professional_name) }
            p.hint { (l.t("preview.result.simulation")) }
            @if let (Some(fr), Some(english)) = (&p.emergency, &p.emergency_en) {
                p { strong { (pick(fr, english)) } }
            }
            p { (pick(&p.access, &p.access_en)) }
            p #preview-profile { (pick(&p.profile, &p.profile_en)) }
            p { (format!("{shown} / {} ", p.lines.len())) (l.t("preview.result.count")) }
            @if !p.lines.is_empty() {
                ul.list {
                    @for line in &p.lines {
                        li {
                            @if line.shown { span.tag { (l.t("preview.shown")) } } @else { span.tag.muted { (l.t("preview.hidden")) } }
                            " " strong { (line.document.title) }
                            " — " (views::type_label(lang, &line.document)) ", " (views::date(&line.document.act_date))
                            br;
                            span.muted { (pick(&line.why, &line.why_en)) }
                        }
                    }
                }
            }
            @if !p.remedies.is_empty() {
                h3 { (l.t("preview.remedies")) }
                ul {
                    @for r in &p.remedies { li { (pick(&r.text, &r.text_en)) } }
                }
                p { a href="/patient/settings" { (l.t("settings.nav")) } }
            }
        }
    }
}
