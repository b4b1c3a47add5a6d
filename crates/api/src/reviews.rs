//! Support's review of patient creations held because of a near match.

use crate::error::{ApiError, ErrorBody};
use crate::extract::Path;
use crate::extract::{Auth, Json};
use crate::patients::PatientOut;
use axum::extract::State;
use axum::http::StatusCode;
use mds_app::App;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ReviewOut {
    pub review_id: String,
    /// Account id of the professional who submitted the creation.
    pub submitted_by: String,
    pub submitted_at_ms: i64,
    /// The identity as submitted (entered forms).
    #[schema(value_type = Object)]
    pub identity: serde_json::Value,
    /// The existing record it resembles.
    pub candidate: Option<PatientOut>,
    /// Why the identities are near (`{"kind":"near","reason":{…}}`).
    #[schema(value_type = Object)]
    pub match_reason: serde_json::Value,
}

/// Support. Creations held because of a near match, oldest first.
#[utoipa::path(get, path = "/api/v1/identity-reviews", tag = "patients", security(("bearer" = [])),
    responses((status = 200, body = [ReviewOut]), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Auth(actor): Auth,
) -> Result<axum::Json<Vec<ReviewOut>>, ApiError> {
    let items = app.list_identity_reviews(&actor, crate::now()).await?;
    Ok(axum::Json(
        items
            .into_iter()
            .map(|r| ReviewOut {
                review_id: r.review_id,
                submitted_by: r.submitted_by,
                submitted_at_ms: r.submitted_at_ms,
                identity: r.identity,
                candidate: r.candidate.map(Into::into),
                match_reason: r.match_reason,
            })
            .collect(),
    ))
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
    responses((status = 201, body = PatientOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn approve(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<String>,
    Json(b): Json<NoteIn>,
) -> Result<(StatusCode, axum::Json<PatientOut>), ApiError> {
    let p = app
        .approve_identity_review(&actor, &id, &b.note, crate::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(p.into())))
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
