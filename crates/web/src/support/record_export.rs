//! Support's export of a record (issue 15, item 9), on the record's page: for an inactive
//! record (no portal account), the copy the person asked for after support checked their
//! identity; for a closed record, the legal export for an authority (documents hidden from
//! the patient included). The agent gives the request's reference; the use case
//! `support_export` decides which export it is, refuses an active record (its owner exports
//! it) and audits it. The archive comes back as a download on the answer of the POST.
//! For a deceased person, a second form records an heir's request (name, relationship, the
//! justification checked) and downloads the legal export for that heir (`heir_export`).

use crate::shared::form;
use crate::shell::csrf::Posted;
use crate::shell::error::Page;
use crate::shell::i18n::Lang;
use crate::shell::ids::named;
use crate::shell::session::Session;
use crate::shell::Web;
use crate::support::Support;
use axum::extract::{Path, State};
use maud::{html, Markup};
use mds_app::patients::export::{HeirRelationship, HeirRequest, SupportExport};
use mds_domain::{AccountState, PatientId};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    reference: String,
}

#[derive(Deserialize)]
pub struct HeirForm {
    #[serde(default)]
    heir_name: String,
    #[serde(default)]
    relationship: String,
    #[serde(default)]
    justification: String,
}

fn relationship_label(lang: Lang, r: HeirRelationship) -> &'static str {
    lang.t(match r {
        HeirRelationship::Spouse => "supx.heir.spouse",
        HeirRelationship::Child => "supx.heir.child",
        HeirRelationship::Parent => "supx.heir.parent",
        HeirRelationship::Sibling => "supx.heir.sibling",
        HeirRelationship::OtherHeir => "supx.heir.other",
    })
}

/// The heir's form, for a deceased person's record.
pub fn heir_section(lang: Lang, s: &Session, base: &str) -> Markup {
    let l = lang;
    html! {
        h2 #heir-title { (l.t("supx.heir.title")) }
        form method="post" action=(format!("{base}/heir-export")) aria-labelledby="heir-title" {
            (form::csrf(&s.csrf))
            p #heir-hint { (l.t("supx.heir.hint")) }
            div.field {
                label for="heir-name" { (l.t("supx.heir.name")) }
                input #heir-name type="text" name="heir_name" required maxlength="200" autocomplete="off";
            }
            div.field {
                label for="heir-relationship" { (l.t("supx.heir.relationship")) }
                select #heir-relationship name="relationship" required {
                    @for r in HeirRelationship::ALL {
                        option value=(r.as_str()) { (relationship_label(l, r)) }
                    }
                }
            }
            div.field {
                label for="heir-justification" { (l.t("supx.heir.justification")) }
                input #heir-justification type="text" name="justification" required maxlength="200" autocomplete="off" aria-describedby="heir-hint";
            }
            button type="submit" { (l.t("supx.heir.submit")) }
        }
    }
}

/// Support agents. The legal export of a deceased person's record for an heir.
pub async fn heir_download(
    State(web): State<Web>,
    Support { s, .. }: Support,
    Path(id): Path<String>,
    Posted(form): Posted<HeirForm>,
) -> Page {
    let now = crate::shell::now();
    let patient = named::<PatientId>(&id);
    let Some(relationship) = HeirRelationship::parse(&form.relationship) else {
        return Err(mds_app::AppError::invalid(
            "invalid_relationship",
            "Choisissez le lien de l'ayant droit avec la personne décédée.",
        )
        .into());
    };
    let request = HeirRequest {
        heir_name: form.heir_name,
        relationship,
        justification: form.justification,
    };
    let bytes = web
        .app
        .heir_export(&s.actor, &patient, &request, now)
        .await?;
    let day = now
        .noumea_date()
        .map_or_else(String::new, |d| format!("-{d}"));
    Ok(crate::shared::views::attachment(
        "application/zip",
        &format!("export-ayant-droit-mds{day}.zip"),
        bytes,
    ))
}

/// The form, for a record in `state` (nothing for a record whose owner exports it).
pub fn section(lang: Lang, s: &Session, state: AccountState, base: &str) -> Markup {
    let l = lang;
    let (hint, label) = match state {
        AccountState::Inactive => (
            "supx.export.inactive.hint",
            "supx.export.inactive.reference",
        ),
        AccountState::Closed => ("supx.export.closed.hint", "supx.export.closed.reference"),
        _ => return html! {},
    };
    html! {
        h2 #export-title { (l.t("supx.export.title")) }
        form method="post" action=(format!("{base}/export")) aria-labelledby="export-title" {
            (form::csrf(&s.csrf))
            p #export-hint { (l.t(hint)) }
            div.field {
                label for="export-reference" { (l.t(label)) }
                input #export-reference type="text" name="reference" required maxlength="200" autocomplete="off" aria-describedby="export-hint";
            }
            button type="submit" { (l.t("supx.export.submit")) }
        }
    }
}

/// Support agents. The export of an inactive or closed record, as a ZIP download.
pub async fn download(
    State(web): State<Web>,
    Support { s, .. }: Support,
    Path(id): Path<String>,
    Posted(form): Posted<ExportForm>,
) -> Page {
    let now = crate::shell::now();
    let patient = named::<PatientId>(&id);
    let (bytes, kind) = web
        .app
        .support_export(&s.actor, &patient, &form.reference, now)
        .await?;
    let day = now
        .noumea_date()
        .map_or_else(String::new, |d| format!("-{d}"));
    let name = match kind {
        SupportExport::Legal => format!("export-legal-mds{day}.zip"),
        SupportExport::OnRequest => format!("export-mds{day}.zip"),
    };
    Ok(crate::shared::views::attachment(
        "application/zip",
        &name,
        bytes,
    ))
}
