//! Support's export of a record (issue 15, item 9), on the record's page: for an inactive
//! record (no portal account), the copy the person asked for after support checked their
//! identity; for a closed record, the legal export for an authority (documents hidden from
//! the patient included). The agent gives the request's reference; the use case
//! `support_export` decides which export it is, refuses an active record (its owner exports
//! it) and audits it. The archive comes back as a download on the answer of the POST.

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
use mds_app::patients::export::SupportExport;
use mds_domain::{AccountState, PatientId};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    reference: String,
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
