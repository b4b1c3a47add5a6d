//! Self-enrolment of a patient (anonymous, with scans) and its handling by support.

use crate::error::{ApiError, ErrorBody};
use crate::extract::Path;
use crate::extract::{Auth, ClientIp, Json};
use crate::patients::IdentityIn;
use mds_app::patients::enrolment_queue::{EnrolmentQueueItem, EnrolmentValidated};
use mds_app::patients::self_enrolment::{EnrolmentReceipt, EnrolmentStatus};

use crate::uploads::{json, missing, multipart_error, read_parts, Part};
use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use mds_app::patients::self_enrolment::SelfEnrolment;
use mds_app::App;
use serde::Deserialize;
use utoipa::ToSchema;

/// The `enrolment` part of the form.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentIn {
    pub identity: IdentityIn,
    pub email: String,
    pub phone: Option<String>,
    /// At least 12 characters.
    pub password: String,
    /// The person read the « Vos droits » notice (what the record is for, their rights, the
    /// use of the CAFAT number) before sending: must be `true`.
    pub informed_of_rights: bool,
}

/// The form of `POST /api/v1/enrolments` (`multipart/form-data`).
#[derive(ToSchema)]
#[allow(dead_code)] // documents the form for OpenAPI only
pub struct EnrolmentForm {
    /// JSON text of [`EnrolmentIn`].
    enrolment: String,
    /// Scan of the identity document (ID card or passport): PDF, JPEG or PNG, 5 MB at most.
    #[schema(format = Binary, value_type = String)]
    identity_document: Vec<u8>,
    /// Scan of the CAFAT card: PDF, JPEG or PNG, 5 MB at most.
    #[schema(format = Binary, value_type = String)]
    cafat_card: Vec<u8>,
}

/// Anyone. Self-enrolment: the account is `pending` until support checks the scans. Every
/// well-formed submission gets the same receipt, whether or not it names an existing account
/// or record (support is told of those, and so is the existing address). Quotas per client
/// address and on the requests waiting are checked before the form is read: 429 with
/// `Retry-After`.
#[utoipa::path(post, path = "/api/v1/enrolments", tag = "enrolments",
    request_body(content = EnrolmentForm, content_type = "multipart/form-data"),
    responses((status = 202, body = EnrolmentReceipt), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "too_many_attempts: this address's hourly quota, or too many requests waiting")))]
pub async fn submit(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, axum::Json<EnrolmentReceipt>), ApiError> {
    let now = crate::now();
    let admission = app.admit_self_enrolment(ip.as_deref(), now).await?;
    let m = m.map_err(|e| multipart_error(&e))?;
    let mut parts = read_parts(
        m,
        &[
            json("enrolment"),
            Part::file("identity_document"),
            Part::file("cafat_card"),
        ],
    )
    .await?;
    let json = parts
        .take("enrolment")
        .ok_or_else(|| missing("enrolment", "identité et contact, en JSON"))?;
    let body: EnrolmentIn = serde_json::from_slice(&json).map_err(|e| {
        ApiError::http(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            format!("Contenu JSON invalide : {e}"),
        )
    })?;
    let e = SelfEnrolment {
        identity: body.identity.into(),
        email: body.email,
        phone: body.phone,
        password: body.password,
        identity_document: parts
            .take("identity_document")
            .ok_or_else(|| missing("identity_document", "scan de la pièce d'identité"))?,
        cafat_card: parts
            .take("cafat_card")
            .ok_or_else(|| missing("cafat_card", "scan de la carte CAFAT"))?,
        informed_of_rights: body.informed_of_rights,
    };
    let r = app.submit_admitted_enrolment(admission, e, ip, now).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(r)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusIn {
    pub status_token: String,
}

/// Anyone holding the status token given at enrolment.
#[utoipa::path(post, path = "/api/v1/enrolments/status", tag = "enrolments", request_body = StatusIn,
    responses((status = 200, body = EnrolmentStatus), (status = 404, body = ErrorBody)))]
pub async fn status(
    State(app): State<App>,
    Json(b): Json<StatusIn>,
) -> Result<axum::Json<EnrolmentStatus>, ApiError> {
    let s = app.self_enrolment_status(&b.status_token).await?;
    Ok(axum::Json(s))
}

/// Support. Self-enrolments waiting for verification, oldest first.
#[utoipa::path(get, path = "/api/v1/enrolments", tag = "enrolments", security(("bearer" = [])),
    responses((status = 200, body = [EnrolmentQueueItem]), (status = 403, body = ErrorBody)))]
pub async fn queue(
    State(app): State<App>,
    Auth(actor): Auth,
) -> Result<axum::Json<Vec<EnrolmentQueueItem>>, ApiError> {
    let items = app.list_self_enrolments(&actor, crate::now()).await?;
    Ok(axum::Json(items))
}

/// Support. Downloads a scan of a request (identity, never medical content); audited.
#[utoipa::path(get, path = "/api/v1/enrolments/{id}/scans/{scan_id}", tag = "enrolments", security(("bearer" = [])),
    params(("id" = String, Path, description = "request id"), ("scan_id" = String, Path, description = "scan id")),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn scan(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Path((id, scan_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (bytes, mime) = app
        .read_enrolment_scan(&actor, &id, &scan_id, ip, crate::now())
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, mime.mime()),
            (header::CONTENT_DISPOSITION, "attachment"),
        ],
        bytes,
    )
        .into_response())
}

/// Support. The scans match: identity validated from scans, account active.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/validate", tag = "enrolments", security(("bearer" = [])),
    params(("id" = String, Path, description = "request id")),
    responses((status = 200, body = EnrolmentValidated), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn validate(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<String>,
) -> Result<axum::Json<EnrolmentValidated>, ApiError> {
    let v = app
        .validate_self_enrolment(&actor, &id, crate::now())
        .await?;
    Ok(axum::Json(v))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectIn {
    /// Shown to the person: say what to correct.
    pub reason: String,
}

/// Support. Rejects with a reason the person reads with the status token.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/reject", tag = "enrolments", security(("bearer" = [])), request_body = RejectIn,
    params(("id" = String, Path, description = "request id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reject(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<String>,
    Json(b): Json<RejectIn>,
) -> Result<StatusCode, ApiError> {
    app.reject_self_enrolment(&actor, &id, &b.reason, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
