//! The support console's landing page: the self-enrolment queue and the identity reviews
//! waiting, then a link to each task of the console.

use crate::shared::views;
use crate::shell::error::Page;
use crate::shell::Web;
use crate::support::{page, Support};
use axum::extract::State;
use maud::html;

/// Support agents. The enrolment queue and the reviews waiting.
pub async fn home(State(web): State<Web>, Support { s, lang, .. }: Support) -> Page {
    let now = crate::shell::now();
    let queue = web.app.list_self_enrolments(&s.actor, now).await?;
    let reviews = web.app.list_identity_reviews(&s.actor, now).await?;
    let l = lang;
    let body = html! {
        p.lead { (l.t("support.intro")) }
        h2 { (l.t("support.queue")) " (" (queue.len()) ")" }
        @if queue.is_empty() {
            p { (l.t("support.queue.empty")) }
        } @else {
            div.table-wrap {
                table {
                    caption { (l.t("support.queue")) }
                    thead { tr {
                        th scope="col" { (l.t("support.col.submitted")) }
                        th scope="col" { (l.t("support.col.name")) }
                        th scope="col" { (l.t("support.col.birth")) }
                        th scope="col" { (l.t("support.col.cafat")) }
                        th scope="col" { (l.t("support.col.scans")) }
                        th scope="col" { (l.t("support.col.near")) }
                    } }
                    tbody {
                        @for q in &queue {
                            tr {
                                td { (views::instant(q.submitted_at_ms)) }
                                td { a href=(format!("/support/enrolments/{}", q.request_id)) { (q.patient.birth_name.to_uppercase()) " " (q.patient.first_names.join(" ")) } }
                                td { (views::date(&q.patient.birth_date)) }
                                td { (views::identifier(q.identifier_kind, &q.cafat)) }
                                td { (q.scans.len()) }
                                td { @if q.near_match_patient_id.is_some() { (l.t("support.near.yes")) } @else { (l.t("support.near.no")) } }
                            }
                        }
                    }
                }
            }
        }
        h2 { (l.t("support.reviews")) " (" (reviews.len()) ")" }
        @if reviews.is_empty() {
            p { (l.t("support.reviews.empty")) }
        } @else {
            ul.list {
                @for r in &reviews {
                    li { a href="/support/identity-reviews" { (views::instant(r.submitted_at_ms)) " — "
                        (r.candidate.as_ref().map(|c| format!("{} {}", c.birth_name.to_uppercase(), c.first_names.join(" "))).unwrap_or_default()) } }
                }
            }
        }
        h2 { (l.t("supx.home.tasks")) }
        ul.list {
            li { a href="/support/patients" { (l.t("supx.home.patients")) } }
            li { a href="/support/identity-reviews" { (l.t("supx.home.reviews")) } }
            li { a href="/support/erasures" { (l.t("supx.home.erasures")) } }
            li { a href="/support/audit" { (l.t("supx.home.audit")) } }
            li { a href="/support/professionals" { (l.t("supx.home.directory")) } }
            li { a href="/support/alerts" { (l.t("supx.home.alerts")) } }
            li { a href="/support/structures" { (l.t("supx.home.structures")) } }
        }
    };
    Ok(page(lang, &s, l.t("support.title"), "/support", body))
}
