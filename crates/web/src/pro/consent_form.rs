//! Attaching the signed form of an in-person consent after the fact (issue 15, item 7): the
//! record's page offers, for each in-person consent the professional collected there without
//! its form, a file field (PDF, JPEG or PNG, drawn by `record::consent_forms`); the use case `attach_consent_form` checks and
//! stores it encrypted, for support only. A refusal is shown in that form on the record's page.

use crate::pro::actions::again;
use crate::pro::Pro;
use crate::shared::upload::{self, field, Part};
use crate::shell::error::Page;
use crate::shell::ids::Ids;
use crate::shell::Web;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect};
use mds_domain::PatientId;

const PARTS: &[Part] = &[field("consent_id"), Part::file("file")];

/// The professional who collected the consent. Attaches its signed form; back to the record.
pub async fn attach(
    State(web): State<Web>,
    Pro { s, lang, ip, .. }: Pro,
    Ids(pid): Ids<PatientId>,
    mp: Result<Multipart, MultipartRejection>,
) -> Page {
    let mut up = upload::read(&s, mp, PARTS).await?;
    let consent_id = up.text("consent_id");
    let content = up.take("file").unwrap_or_default();
    let now = crate::shell::now();
    match web
        .app
        .attach_consent_form(&s.actor, &pid, consent_id.trim(), &content, ip.clone(), now)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/pro/records/{pid}?ok=consent_form")).into_response()),
        Err(e) => again(&web, lang, &s, &pid, ip, "consent_form", e).await,
    }
}
