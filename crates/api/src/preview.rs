//! « Voir mon dossier comme le Dr X » (issue 17, item 1): the patient asks what a
//! professional would see of their record in a situation. A simulation by `mds-app`, audited
//! as the patient's own action; nothing is opened for the professional.

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, ClientIp, Path, Query};
use axum::extract::State;
use mds_app::record::preview::{Preview, Situation, Subject};
use mds_app::App;
use mds_domain::PatientId;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PreviewParams {
    /// The professional: MDS account id or professional number. Or, instead, `profession`.
    #[param(min_length = 1, max_length = 64)]
    pub professional: Option<String>,
    /// A profession (its code, e.g. `infirmier`): someone of it the record has never met.
    #[param(min_length = 1, max_length = 64)]
    pub profession: Option<String>,
    /// today (the default), break_glass or samu.
    #[param(pattern = "^(today|break_glass|samu)$")]
    pub situation: Option<String>,
}

/// The patient (or their legal representative). What the professional would see of the
/// record in the situation: each document the patient sees, shown or not with the rule in
/// words, the documents hidden from the patient that it would show (a count), and what the
/// patient could do. Nothing is opened; the preview is audited as the patient's action.
#[utoipa::path(get, path = "/api/v1/records/{patient_id}/preview", tag = "record", security(("bearer" = [])),
    params(("patient_id" = String, Path, description = "patient id"), PreviewParams),
    responses((status = 200, body = Preview), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn preview(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Path(patient_id): Path<PatientId>,
    Query(p): Query<PreviewParams>,
) -> Result<axum::Json<Preview>, ApiError> {
    let situation = Situation::parse_or_invalid(p.situation.as_deref().unwrap_or_default())?;
    let subject = Subject::from_request(p.professional.as_deref(), p.profession.as_deref())?;
    let out = app
        .preview_record_as(&actor, &patient_id, subject, situation, ip, crate::now())
        .await?;
    Ok(axum::Json(out))
}
