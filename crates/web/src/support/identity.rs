//! The support console's near-duplicate review (DESIGN.md section 2): each creation held
//! because it resembles an existing record, the two identities side by side, and the
//! decision — different people (the record is created as the professional submitted it) or
//! the same person (nothing is created) — with a note kept with the decision.

use crate::shared::form;
use crate::shared::views;
use crate::shared::views::patient_name;
use crate::shell::csrf::Posted;
use crate::shell::error::Page;
use crate::shell::i18n::Lang;
use crate::shell::session::Session;
use crate::shell::Web;
use crate::support::records::{done_notice, Done};
use crate::support::{page, Support};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use mds_app::patients::reviews::IdentityReview;
use serde::Deserialize;

const HERE: &str = "/support/identity-reviews";

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    note: String,
}

/// A field of the submitted identity, as text (arrays joined).
fn field(identity: &serde_json::Value, key: &str) -> String {
    match &identity[key] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a
            .iter()
            .filter_map(serde_json::Value::as_str)
            .collect::<Vec<_>>()
            .join(" "),
        serde_json::Value::Null => "—".to_owned(),
        other => other.to_string(),
    }
}

fn why(lang: Lang, reason: &serde_json::Value) -> &'static str {
    if reason.to_string().contains("swapped_names") {
        lang.t("supx.review.why.swapped")
    } else {
        lang.t("supx.review.why.similar")
    }
}

/// Two traits differ once case and spacing are set aside (a capital letter is no difference
/// for support; an accent is, as it was typed).
fn differs(a: &str, b: &str) -> bool {
    let norm = |t: &str| -> String {
        t.to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    norm(a) != norm(b)
}

/// A trait's value, marked « diffère » (in words, not only in colour) when `differs`.
fn trait_value(lang: Lang, value: &str, differs: bool) -> Markup {
    html! {
        @if differs {
            dd.differs { (value) " " strong.tag { (lang.t("supx.review.differs")) } }
        } @else {
            dd { (value) }
        }
    }
}

fn review(lang: Lang, s: &Session, r: &IdentityReview, by: &str) -> Markup {
    let l = lang;
    let id = &r.identity;
    let base = format!("{HERE}/{}", r.review_id);
    let heading = format!("review-{}", r.review_id);
    let submitted = [
        field(id, "birth_name").to_uppercase(),
        field(id, "first_names"),
        views::date(&field(id, "birth_date")),
        field(id, "sex"),
        views::birth_place(&field(id, "birth_place")),
        views::identifier(
            mds_domain::IdentifierKind::from_input(&field(id, "identifier_kind"))
                .unwrap_or_default(),
            &field(id, "cafat"),
        ),
    ];
    let existing = r.candidate.as_ref().map(|c| {
        [
            c.birth_name.to_uppercase(),
            c.first_names.join(" "),
            views::date(&c.birth_date),
            c.sex.clone(),
            views::birth_place(&c.birth_place),
            r.candidate_cafat.clone().unwrap_or_default(),
        ]
    });
    let labels = [
        l.t("enrol.birth_name"),
        l.t("enrol.first_names"),
        l.t("enrol.birth_date"),
        l.t("enrol.sex"),
        l.t("enrol.birth_place"),
        l.t("support.col.cafat"),
    ];
    let diff = |i: usize| {
        existing
            .as_ref()
            .is_some_and(|e| differs(&submitted[i], &e[i]))
    };
    html! {
        section.review aria-labelledby=(heading) {
            h2 #(heading) { (field(id, "birth_name").to_uppercase()) " " (field(id, "first_names")) }
            p { (l.t("supx.review.submitted")) " " (by) ", " (views::instant(r.submitted_at_ms)) ". " (why(l, &r.match_reason)) }
            @if existing.is_some() {
                p.hint { (l.t("supx.review.compare")) }
            }
            div.side-by-side {
                div {
                    h3 { (l.t("supx.review.submitted_identity")) }
                    dl.meta {
                        @for (i, label) in labels.iter().enumerate() {
                            dt { (label) } (trait_value(l, &submitted[i], diff(i)))
                        }
                    }
                }
                div {
                    h3 { (l.t("supx.review.existing")) }
                    @if let (Some(c), Some(e)) = (&r.candidate, &existing) {
                        dl.meta {
                            @for (i, label) in labels.iter().enumerate() {
                                dt { (label) } (trait_value(l, &e[i], diff(i)))
                            }
                            dt { (l.t("supx.record.title")) } dd { a href=(format!("/support/patients/{}", c.id)) { (patient_name(c)) } }
                        }
                    } @else {
                        p { (l.t("supx.review.no_candidate")) }
                    }
                }
            }
            div.side-by-side {
                form method="post" action=(format!("{base}/reject")) {
                    (form::csrf(&s.csrf))
                    p #(format!("reject-hint-{}", r.review_id)) { (l.t("supx.review.reject.consequence")) }
                    div.field {
                        label for=(format!("reject-note-{}", r.review_id)) { (l.t("supx.review.reason")) }
                        textarea #(format!("reject-note-{}", r.review_id)) name="note" rows="2" required aria-describedby=(format!("reject-hint-{}", r.review_id)) {}
                    }
                    button type="submit" { (l.t("supx.review.reject")) }
                }
                form method="post" action=(format!("{base}/approve")) {
                    (form::csrf(&s.csrf))
                    p #(format!("approve-hint-{}", r.review_id)) { (l.t("supx.review.approve.consequence")) }
                    div.field {
                        label for=(format!("approve-note-{}", r.review_id)) { (l.t("supx.review.note")) }
                        textarea #(format!("approve-note-{}", r.review_id)) name="note" rows="2" aria-describedby=(format!("approve-hint-{}", r.review_id)) {}
                    }
                    button.secondary type="submit" { (l.t("supx.review.approve")) }
                }
            }
        }
    }
}

/// Support agents. The creations waiting for review, oldest first.
pub async fn list(
    State(web): State<Web>,
    Support { s, lang, .. }: Support,
    Query(d): Query<Done>,
) -> Page {
    let rows = web
        .app
        .list_identity_reviews(&s.actor, crate::shell::now())
        .await?;
    let mut by = Vec::new();
    for r in &rows {
        let name = match web.app.get_professional(&s.actor, &r.submitted_by).await {
            Ok(p) => format!("{} {}", p.first_name, p.last_name),
            Err(_) => String::new(),
        };
        by.push(name);
    }
    let l = lang;
    let body = html! {
        (done_notice(l, d.done.as_deref()))
        p.lead { (l.t("supx.review.intro")) }
        @if rows.is_empty() {
            p { (l.t("support.reviews.empty")) }
        }
        @for (r, name) in rows.iter().zip(&by) {
            (review(l, &s, r, name))
        }
    };
    Ok(page(lang, &s, l.t("supx.review.title"), HERE, body))
}

/// Support agents. Different people: the record is created as submitted.
pub async fn approve(
    State(web): State<Web>,
    Support { s, .. }: Support,
    Path(id): Path<String>,
    Posted(form): Posted<NoteForm>,
) -> Page {
    web.app
        .approve_identity_review(&s.actor, &id, &form.note, crate::shell::now())
        .await?;
    Ok(Redirect::to(&format!("{HERE}?done=approved")).into_response())
}

/// Support agents. The same person as the existing record: nothing is created.
pub async fn reject(
    State(web): State<Web>,
    Support { s, .. }: Support,
    Path(id): Path<String>,
    Posted(form): Posted<NoteForm>,
) -> Page {
    web.app
        .reject_identity_review(&s.actor, &id, &form.note, crate::shell::now())
        .await?;
    Ok(Redirect::to(&format!("{HERE}?done=rejected")).into_response())
}
