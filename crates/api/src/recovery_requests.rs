//! A lost second factor over REST (issue 15): anyone sends a request (multipart: a `request`
//! JSON part and, for a patient, an `identity_document` scan), answered alike whatever the
//! login; support lists the pending ones, reads a scan and closes a request. The rules are
//! `mds_app`'s `patients::recovery_requests`.

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, ClientIp, Json, Path};
use crate::uploads::{json, missing, multipart_error, read_parts, Part};
use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use mds_app::patients::recovery_requests::{RecoveryRequest, RecoveryRequestView};
use mds_app::App;
use mds_domain::RecoveryState;
use serde::Deserialize;
use utoipa::ToSchema;

/// The `request` part of the form.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryRequestIn {
    /// The account's login (a patient's e-mail address).
    pub login: String,
    /// What happened, and how to reach the person (2000 characters at most).
    pub message: String,
}

/// The form of `POST /api/v1/auth/recovery-requests` (`multipart/form-data`).
#[derive(ToSchema)]
#[allow(dead_code)] // documents the form for OpenAPI only
pub struct RecoveryRequestForm {
    /// JSON text of [`RecoveryRequestIn`].
    request: String,
    /// For a patient: a scan of an identity document (PDF, JPEG or PNG, 5 MB at most).
    #[schema(format = Binary, value_type = Option<String>)]
    identity_document: Option<Vec<u8>>,
}

/// Anyone. Sends support a lost-second-factor request; kept only for an active or pending
/// account (3 a day at most), whose address is told. The same answer whatever the login. An
/// address sends a bounded number of requests an hour: 429 with `Retry-After` past it.
#[utoipa::path(post, path = "/api/v1/auth/recovery-requests", tag = "auth",
    request_body(content = RecoveryRequestForm, content_type = "multipart/form-data"),
    responses((status = 202), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "too_many_attempts: this address's hourly quota")))]
pub async fn submit(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<StatusCode, ApiError> {
    let m = m.map_err(|e| multipart_error(&e))?;
    let mut parts = read_parts(m, &[json("request"), Part::file("identity_document")]).await?;
    let text = parts
        .take("request")
        .ok_or_else(|| missing("request", "identifiant et message, en JSON"))?;
    let body: RecoveryRequestIn = serde_json::from_slice(&text).map_err(|e| {
        ApiError::http(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            format!("Contenu JSON invalide : {e}"),
        )
    })?;
    let r = RecoveryRequest {
        login: body.login,
        message: body.message,
        identity_document: parts.take("identity_document").unwrap_or_default(),
    };
    app.request_recovery(r, ip, crate::now()).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Support. The pending requests, oldest first.
#[utoipa::path(get, path = "/api/v1/recovery-requests", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = [RecoveryRequestView]), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Auth(actor): Auth,
) -> Result<axum::Json<Vec<RecoveryRequestView>>, ApiError> {
    Ok(axum::Json(
        app.list_recovery_requests(&actor, crate::now()).await?,
    ))
}

/// Support. The scan of a pending request (audited).
#[utoipa::path(get, path = "/api/v1/recovery-requests/{id}/scan", tag = "auth", security(("bearer" = [])),
    params(("id" = String, Path, description = "request id")),
    responses((status = 200, content_type = "application/octet-stream"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn scan(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (bytes, format) = app
        .read_recovery_scan(&actor, &id, ip, crate::now())
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, format.mime()),
            (header::CONTENT_DISPOSITION, "attachment"),
        ],
        bytes,
    )
        .into_response())
}

/// How a request is closed.
#[derive(Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CloseOutcome {
    /// The identity was checked and an enrolment re-issued (or nothing was left to do).
    Handled,
    /// The identity could not be confirmed; `note` says why.
    Rejected,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseIn {
    pub outcome: CloseOutcome,
    /// Optional when handled; the reason, told to the person by e-mail, when rejected.
    #[serde(default)]
    pub note: String,
}

/// Support. Closes a pending request; its scan leaves the vault.
#[utoipa::path(post, path = "/api/v1/recovery-requests/{id}/close", tag = "auth", security(("bearer" = [])),
    params(("id" = String, Path, description = "request id")), request_body = CloseIn,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn close(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<String>,
    Json(b): Json<CloseIn>,
) -> Result<StatusCode, ApiError> {
    let state = match b.outcome {
        CloseOutcome::Handled => RecoveryState::Handled,
        CloseOutcome::Rejected => RecoveryState::Rejected,
    };
    app.close_recovery_request(&actor, &id, state, &b.note, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
