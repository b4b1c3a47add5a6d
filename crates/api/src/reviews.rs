//! Support's review of patient creations held because of a near match.

use crate::error::{ApiError, ErrorBody};
use crate::extract::Path;
use crate::extract::{Auth, Json};
use axum::extract::State;
use axum::http::StatusCode;
use mds_app::patients::identity::PatientSummary;
use mds_app::patients::reviews::IdentityReview;
use mds_app::App;
use serde::Deserialize;
use utoipa::ToSchema;

/// Support. Creations held because of a near match, oldest first.
#[utoipa::path(get, path = "/api/v1/identity-reviews", tag = "patients", security(("bearer" = [])),
    responses((status = 200, body = [IdentityReview]), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Auth(actor): Auth,
) -> Result<axum::Json<Vec<IdentityReview>>, ApiError> {
    let items = app.list_identity_reviews(&actor, crate::now()).await?;
    Ok(axum::Json(items))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteIn {
    /// What was checked (optional, 1000 characters at most).
    #[serde(default)]
    pub note: String,
}

/// Support. Not the same person: creates the record as the professional submitted it.
#[utoipa::path(post, path = "/api/v1/identity-reviews/{id}/approve", tag = "patients", security(("bearer" = [])), request_body = NoteIn,
    params(("id" = String, Path, description = "review id")),
    responses((status = 201, body = PatientSummary), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn approve(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<String>,
    Json(b): Json<NoteIn>,
) -> Result<(StatusCode, axum::Json<PatientSummary>), ApiError> {
    let p = app
        .approve_identity_review(&actor, &id, &b.note, crate::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(p)))
}

/// Support. The same person as the existing record: nothing is created.
#[utoipa::path(post, path = "/api/v1/identity-reviews/{id}/reject", tag = "patients", security(("bearer" = [])), request_body = NoteIn,
    params(("id" = String, Path, description = "review id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reject(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<String>,
    Json(b): Json<NoteIn>,
) -> Result<StatusCode, ApiError> {
    app.reject_identity_review(&actor, &id, &b.note, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
