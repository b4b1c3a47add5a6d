//! Rectification and limitation (issue 15, item 2). The patient asks for the correction of an
//! identity trait and limits or frees their record's use; support reads the queue and applies
//! or rejects each request, and may limit a record on the patient's request. Each handler
//! names who may call it; the rules, the duplicate check and the audit are `mds-app`'s
//! (`patients::rectification`).

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, Json, Path};
use axum::extract::State;
use axum::http::StatusCode;
use mds_app::patients::identity::PatientSummary;
use mds_app::patients::rectification::{Limitation, Rectification, RectificationCase};
use mds_app::App;
use mds_domain::PatientId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct RectificationOut {
    pub id: String,
    #[schema(value_type = String)]
    pub patient_id: PatientId,
    /// `birth_name`, `first_names`, `birth_date`, `sex` or `birth_place`.
    pub field: String,
    /// The field in French words.
    pub field_label: String,
    pub previous_value: String,
    pub requested_value: String,
    pub message: String,
    /// `pending`, `applied` or `rejected`.
    pub state: String,
    /// RFC 3339.
    pub created_at: String,
    pub decided_at: Option<String>,
    /// Why the request was rejected.
    pub decision_note: Option<String>,
}

impl From<Rectification> for RectificationOut {
    fn from(r: Rectification) -> Self {
        Self {
            id: r.id,
            patient_id: r.patient_id,
            field: r.field,
            field_label: r.field_label,
            previous_value: r.previous_value,
            requested_value: r.requested_value,
            message: r.message,
            state: r.state,
            created_at: r.created_at.to_rfc3339(),
            decided_at: r.decided_at.map(|t| t.to_rfc3339()),
            decision_note: r.decision_note,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RectificationCaseOut {
    pub request: RectificationOut,
    pub patient: PatientSummary,
}

impl From<RectificationCase> for RectificationCaseOut {
    fn from(c: RectificationCase) -> Self {
        Self {
            request: c.request.into(),
            patient: c.patient,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RectificationIn {
    /// `birth_name`, `first_names` (separated by spaces), `birth_date` (AAAA-MM-JJ or
    /// JJ/MM/AAAA), `sex` (F, M, I) or `birth_place` (INSEE code).
    pub field: String,
    #[schema(max_length = 200)]
    pub value: String,
    /// Why, for support (optional).
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub message: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyIn {
    /// The evidence compared (document seen, its date).
    #[schema(max_length = 1000)]
    pub evidence: String,
    /// Support looked at the near match and the two records are different people.
    #[serde(default)]
    pub confirmed_distinct: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectIn {
    /// Why, for the patient.
    #[schema(max_length = 1000)]
    pub note: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitationIo {
    pub limited: bool,
    /// RFC 3339; absent when not limited (ignored on input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
}

impl From<Limitation> for LimitationIo {
    fn from(l: Limitation) -> Self {
        Self {
            limited: l.limited,
            since: l.since.map(|t| t.to_rfc3339()),
        }
    }
}

/// The patient. Their rectification requests, newest first.
#[utoipa::path(get, path = "/api/v1/me/rectifications", tag = "patients", security(("bearer" = [])),
    responses((status = 200, body = [RectificationOut]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn mine(
    State(app): State<App>,
    Auth(a): Auth,
) -> Result<axum::Json<Vec<RectificationOut>>, ApiError> {
    let list = app.my_rectifications(&a).await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

/// The patient (active record). Asks for the correction of one identity trait; the corrected
/// identity must be valid (422 otherwise).
#[utoipa::path(post, path = "/api/v1/me/rectifications", tag = "patients", security(("bearer" = [])), request_body = RectificationIn,
    responses((status = 201, body = RectificationOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn ask(
    State(app): State<App>,
    Auth(a): Auth,
    Json(b): Json<RectificationIn>,
) -> Result<(StatusCode, axum::Json<RectificationOut>), ApiError> {
    let r = app
        .request_rectification(&a, &b.field, &b.value, &b.message, crate::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(r.into())))
}

/// Support. The requests waiting for a decision, oldest first, with their record.
#[utoipa::path(get, path = "/api/v1/rectifications", tag = "patients", security(("bearer" = [])),
    responses((status = 200, body = [RectificationCaseOut]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn queue(
    State(app): State<App>,
    Auth(a): Auth,
) -> Result<axum::Json<Vec<RectificationCaseOut>>, ApiError> {
    let list = app.pending_rectifications(&a).await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

/// Support. One request, decided or not, with its record.
#[utoipa::path(get, path = "/api/v1/rectifications/{id}", tag = "patients", security(("bearer" = [])),
    params(("id" = String, Path, description = "request id")),
    responses((status = 200, body = RectificationCaseOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(app): State<App>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> Result<axum::Json<RectificationCaseOut>, ApiError> {
    Ok(axum::Json(app.rectification_case(&a, &id).await?.into()))
}

/// Support. Applies a request after comparing the evidence; 409 `duplicate_identity` when
/// the corrected identity is another record's, 409 `rectification_near_match` when it is near
/// another record and `confirmed_distinct` is false.
#[utoipa::path(post, path = "/api/v1/rectifications/{id}/apply", tag = "patients", security(("bearer" = [])), request_body = ApplyIn,
    params(("id" = String, Path, description = "request id")),
    responses((status = 200, body = RectificationOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn apply(
    State(app): State<App>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Json(b): Json<ApplyIn>,
) -> Result<axum::Json<RectificationOut>, ApiError> {
    let r = app
        .apply_rectification(&a, &id, &b.evidence, b.confirmed_distinct, crate::now())
        .await?;
    Ok(axum::Json(r.into()))
}

/// Support. Rejects a request with a reason the patient reads.
#[utoipa::path(post, path = "/api/v1/rectifications/{id}/reject", tag = "patients", security(("bearer" = [])), request_body = RejectIn,
    params(("id" = String, Path, description = "request id")),
    responses((status = 200, body = RectificationOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reject(
    State(app): State<App>,
    Auth(a): Auth,
    Path(id): Path<String>,
    Json(b): Json<RejectIn>,
) -> Result<axum::Json<RectificationOut>, ApiError> {
    let r = app
        .reject_rectification(&a, &id, &b.note, crate::now())
        .await?;
    Ok(axum::Json(r.into()))
}

/// The patient. Whether their record's use is limited.
#[utoipa::path(get, path = "/api/v1/me/limitation", tag = "patients", security(("bearer" = [])),
    responses((status = 200, body = LimitationIo), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn my_limitation(
    State(app): State<App>,
    Auth(a): Auth,
) -> Result<axum::Json<LimitationIo>, ApiError> {
    Ok(axum::Json(app.my_limitation(&a).await?.into()))
}

/// The patient (own active record) or support (an open record, on the patient's request).
/// Limits the record's use — professionals may then act only through an emergency access —
/// or lifts the limitation.
#[utoipa::path(put, path = "/api/v1/records/{patient_id}/limitation", tag = "record-controls", security(("bearer" = [])), request_body = LimitationIo,
    params(("patient_id" = String, Path, description = "patient id")),
    responses((status = 200, body = LimitationIo), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_limitation(
    State(app): State<App>,
    Auth(a): Auth,
    Path(p): Path<PatientId>,
    Json(b): Json<LimitationIo>,
) -> Result<axum::Json<LimitationIo>, ApiError> {
    let l = app.set_limitation(&a, &p, b.limited, crate::now()).await?;
    Ok(axum::Json(l.into()))
}
