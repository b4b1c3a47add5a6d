//! A record's legal representatives in the support console (issue 15, items 5 and 8): the
//! list on the record's page (who, in which capacity, until when, running or ended, the
//! legal document to download), the form that records one on the document checked (a file
//! field: multipart, no JavaScript) and the button that ends one. A refusal shows the form
//! again with what was typed (the file is to be chosen again) and the reason.

use crate::shared::form;
use crate::shared::upload::{self, field, Part};
use crate::shell::csrf::Posted;
use crate::shell::error::Page;
use crate::shell::i18n::Lang;
use crate::shell::ids::named;
use crate::shell::session::Session;
use crate::shell::Web;
use crate::support::directory_new::{answer, refusal};
use crate::support::Support;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use mds_app::patients::representatives::{RepresentationInput, RepresentationView};
use mds_domain::{PatientId, RepresentationKind};
use serde::Deserialize;

const PARTS: &[Part] = &[
    field("login"),
    field("kind"),
    field("last_day"),
    field("reference"),
    Part::file("document"),
];

/// What was typed in the form (kept when it is shown again).
#[derive(Default)]
pub struct Typed {
    login: String,
    kind: String,
    last_day: String,
    reference: String,
}

/// The record page's section: the representations, then the form.
pub fn section(
    l: Lang,
    s: &Session,
    reps: &[RepresentationView],
    base: &str,
    open: bool,
) -> Markup {
    html! {
        h2 #representatives { (l.t("supx.repr.title")) }
        @if reps.is_empty() {
            p { (l.t("supx.repr.none")) }
        } @else {
            div.table-wrap { table {
                caption.visually-hidden { (l.t("supx.repr.title")) }
                thead { tr {
                    th scope="col" { (l.t("supx.repr.who")) }
                    th scope="col" { (l.t("supx.repr.kind")) }
                    th scope="col" { (l.t("supx.repr.last_day")) }
                    th scope="col" { (l.t("supx.repr.state")) }
                    th scope="col" { (l.t("supx.repr.document")) }
                } }
                tbody {
                    @for r in reps {
                        tr {
                            td { (r.representative_name) br; small { (r.representative_login) } }
                            td { (crate::shared::views::representation_kind(l, r.kind)) }
                            td { (r.last_day) }
                            td {
                                @if r.current {
                                    (l.t("supx.repr.current"))
                                    form.inline method="post" action=(format!("{base}/representatives/{}/end", r.id)) {
                                        (form::csrf(&s.csrf))
                                        " " button.secondary type="submit" { (l.t("supx.repr.end")) span.visually-hidden { " — " (r.representative_name) } }
                                    }
                                } @else {
                                    (l.t("supx.repr.ended"))
                                }
                            }
                            td { a href=(format!("{base}/representatives/{}/document", r.id)) { (l.t("supx.repr.document")) span.visually-hidden { " — " (r.representative_name) } } }
                        }
                    }
                }
            } }
        }
        @if open {
            (add_form(l, s, base, &Typed::default(), None))
        }
    }
}

fn add_form(l: Lang, s: &Session, base: &str, t: &Typed, error: Option<&str>) -> Markup {
    let err = error.map(|_| "repr-error");
    html! {
        h3 { (l.t("supx.repr.add")) }
        p.hint #repr-hint { (l.t("supx.repr.hint")) }
        (form::error_summary(l, error, Some("repr-login")))
        form method="post" action=(format!("{base}/representatives")) enctype="multipart/form-data" {
            (form::csrf(&s.csrf))
            (form::field_error("repr-error", error))
            div.field {
                label for="repr-login" { (l.t("supx.repr.login")) }
                input #repr-login type="email" name="login" value=(t.login) required autocomplete="off" aria-describedby=(err.map_or("repr-hint".to_owned(), |e| format!("repr-hint {e}")));
            }
            fieldset {
                legend { (l.t("supx.repr.kind")) }
                @for (value, key) in [("parent", "supx.repr.kind.parent"), ("guardian", "supx.repr.kind.guardian"), ("curator", "supx.repr.kind.curator")] {
                    div.check {
                        input #(format!("repr-kind-{value}")) type="radio" name="kind" value=(value) required checked[t.kind == value];
                        label for=(format!("repr-kind-{value}")) { (l.t(key)) }
                    }
                }
            }
            div.field {
                label for="repr-last-day" { (l.t("supx.repr.last_day")) }
                p.hint #repr-last-day-hint { (l.t("supx.repr.last_day.hint")) }
                input #repr-last-day type="text" name="last_day" value=(t.last_day) required inputmode="numeric" placeholder="JJ/MM/AAAA" aria-describedby="repr-last-day-hint";
            }
            div.field {
                label for="repr-document" { (l.t("supx.repr.file")) }
                input #repr-document type="file" name="document" required accept="application/pdf,image/jpeg,image/png";
            }
            div.field {
                label for="repr-reference" { (l.t("supx.repr.reference")) }
                input #repr-reference type="text" name="reference" value=(t.reference) required autocomplete="off";
            }
            button type="submit" { (l.t("supx.repr.add")) }
        }
    }
}

/// Support agents. Records a legal representative of the record; back to its page, or the
/// form again with the reason (422).
pub async fn record(
    State(web): State<Web>,
    Support { s, lang, ip, .. }: Support,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Page {
    let pid = named::<PatientId>(&id);
    let mut up = upload::read(&s, mp, PARTS).await?;
    let t = Typed {
        login: up.text("login").trim().to_owned(),
        kind: up.text("kind").trim().to_owned(),
        last_day: up.text("last_day").trim().to_owned(),
        reference: up.text("reference").to_owned(),
    };
    let document = up.take("document").unwrap_or_default();
    let base = format!("{}/{}", crate::support::PATIENTS, pid);
    let outcome = match RepresentationKind::parse(&t.kind) {
        Some(kind) => {
            let input = RepresentationInput {
                login: &t.login,
                kind,
                last_day: &t.last_day,
                reference: &t.reference,
                document: &document,
            };
            web.app
                .record_representation(&s.actor, &pid, input, ip, crate::shell::now())
                .await
                .map(|_| ())
        }
        None => Err(mds_app::AppError::invalid(
            "representation_kind_invalid",
            "Choisissez la qualité du représentant : parent, tuteur ou curateur.",
        )),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("{base}?done=repr#representatives")).into_response()),
        Err(e) => {
            let message = refusal(e, lang)?;
            let body = html! {
                (add_form(lang, &s, &base, &t, Some(&message)))
                p { a href=(base) { (lang.t("supx.find.back")) } }
            };
            Ok(answer(lang, &s, lang.t("supx.repr.add"), &base, body, true))
        }
    }
}

#[derive(Deserialize)]
pub struct NoFields {}

/// Support agents. Ends a running representation; back to the record's page.
pub async fn end(
    State(web): State<Web>,
    Support { s, ip, .. }: Support,
    Path((id, rid)): Path<(String, String)>,
    _: Posted<NoFields>,
) -> Page {
    let pid = named::<PatientId>(&id);
    web.app
        .end_representation(&s.actor, &pid, &rid, ip, crate::shell::now())
        .await?;
    let base = format!("{}/{}", crate::support::PATIENTS, pid);
    Ok(Redirect::to(&format!("{base}?done=repr_end#representatives")).into_response())
}

/// Support agents. Downloads a representation's legal document (audited).
pub async fn document(
    State(web): State<Web>,
    Support { s, ip, .. }: Support,
    Path((id, rid)): Path<(String, String)>,
) -> Page {
    let pid = named::<PatientId>(&id);
    let file = web
        .app
        .representation_document(&s.actor, &pid, &rid, ip, crate::shell::now())
        .await?;
    let name = format!("document-representation.{}", file.format.extension());
    Ok(crate::shared::views::attachment(
        file.format.mime(),
        &name,
        file.content,
    ))
}
