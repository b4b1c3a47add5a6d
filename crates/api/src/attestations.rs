//! The signed attestation of an in-person consent: sent with the consent request as
//! `multipart/form-data` (parts `consent`, the JSON of the request, and `attestation`, the
//! file), and read back by support.

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, ClientIp, Json, Path};
use crate::uploads::{json, missing, multipart_error, read_parts, Part};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use mds_app::App;
use mds_domain::PatientId;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
/// A consent request (JSON, or the `consent` part beside a signed form).
pub struct ConsentIn {
    /// Why the professional needs access.
    pub purpose: String,
    /// Inactive accounts only: the patient, present, was informed and agreed.
    #[serde(default)]
    pub attests_in_person: bool,
}

/// The consent request, from a JSON body or from a form with the attestation file.
pub(crate) async fn consent_body(
    app: &App,
    req: Request,
) -> Result<(ConsentIn, Option<Vec<u8>>), ApiError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("multipart/form-data"));
    if !multipart {
        let Json(body) = Json::<ConsentIn>::from_request(req, app).await?;
        return Ok((body, None));
    }
    let m = Multipart::from_request(req, app)
        .await
        .map_err(|e| multipart_error(&e))?;
    let mut parts = read_parts(m, &[json("consent"), Part::file("attestation")]).await?;
    let json = parts
        .take("consent")
        .ok_or_else(|| missing("consent", "la demande (JSON)"))?;
    let body = serde_json::from_slice(&json).map_err(|e| {
        ApiError::http(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            format!("Contenu JSON invalide : {e}"),
        )
    })?;
    let file = parts
        .take("attestation")
        .ok_or_else(|| missing("attestation", "l'attestation signée (PDF, JPEG ou PNG)"))?;
    Ok((body, Some(file)))
}

/// Support. Downloads the signed attestation of an in-person consent (identity proof, never
/// medical content); audited. Anyone else gets 404.
#[utoipa::path(get, path = "/api/v1/records/{patient_id}/consents/{consent_id}/attestation", tag = "record-controls", security(("bearer" = [])),
    responses((status = 200, description = "the file (application/pdf, image/jpeg or image/png)"), (status = 404, body = ErrorBody)))]
pub async fn attestation(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Path((p, c)): Path<(PatientId, String)>,
) -> Result<Response, ApiError> {
    let file = app
        .consent_attestation(&actor, &p, &c, ip, crate::now())
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, file.format.mime()),
            (header::CONTENT_DISPOSITION, "attachment"),
        ],
        file.content,
    )
        .into_response())
}
