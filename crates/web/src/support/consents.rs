//! The support console's consents collected in person (issue 15, item 8), on a record's page:
//! each consent with a signed attestation (who collected it, when, for what, its state) and the
//! attestation itself, downloaded for a dispute or an authority's check. Listing and reading
//! are use cases of `mds-app` (`attested_consents`, `consent_attestation`), audited there.

use crate::shell::error::Page;
use crate::shell::i18n::Lang;
use crate::shell::ids::named;
use crate::shell::Web;
use crate::support::Support;
use axum::extract::{Path, State};
use maud::{html, Markup};
use mds_app::record::attestation::AttestedConsent;
use mds_domain::PatientId;

/// The section of a record's page (nothing when no consent was attested).
pub fn section(lang: Lang, items: &[AttestedConsent], base: &str) -> Markup {
    let l = lang;
    if items.is_empty() {
        return html! {};
    }
    html! {
        h2 #attested-title { (l.t("supx.attested.title")) }
        table aria-labelledby="attested-title" {
            thead { tr {
                th scope="col" { (l.t("supx.attested.when")) }
                th scope="col" { (l.t("supx.attested.who")) }
                th scope="col" { (l.t("supx.attested.state")) }
                th scope="col" { (l.t("supx.attested.file")) }
            } }
            tbody {
                @for c in items {
                    tr {
                        td { (crate::shared::views::instant(c.given_at.millis())) }
                        td { (c.professional) }
                        td { (l.t(&format!("consents.state.{}", c.state))) }
                        td {
                            @if c.has_file {
                                a href=(format!("{base}/consents/{}/attestation", c.consent_id)) {
                                    (l.t("supx.attested.download"))
                                }
                            } @else {
                                (l.t("supx.attested.no_file"))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Support agents. A consent's signed attestation, as a download.
pub async fn attestation(
    State(web): State<Web>,
    Support { s, ip, .. }: Support,
    Path((id, consent)): Path<(String, String)>,
) -> Page {
    let patient = named::<PatientId>(&id);
    let file = web
        .app
        .consent_attestation(&s.actor, &patient, &consent, ip, crate::shell::now())
        .await?;
    let name = format!("attestation-consentement.{}", file.format.extension());
    Ok(crate::shared::views::attachment(
        file.format.mime(),
        &name,
        file.content,
    ))
}
