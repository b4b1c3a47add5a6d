//! Supervision alerts for support: list (open or reviewed, paginated) and review with a
//! mandatory comment. Suspension is `POST /accounts/{id}/suspend` (directory).

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, Json, Path, Query};
use axum::extract::State;
use mds_app::supervision::AlertView;
use mds_app::App;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct AlertOut {
    pub id: String,
    /// distinct_patients_24h, break_glass_access, break_glass_24h, night_access,
    /// same_birth_name or denied_burst.
    pub rule: String,
    /// The rule in French.
    pub label: String,
    /// The professional concerned (for denied_burst: the actor, possibly a software credential).
    pub subject_id: String,
    pub subject_name: Option<String>,
    /// New Caledonia day (YYYY-MM-DD).
    pub day: String,
    /// The audit event that crossed the threshold.
    pub event_seq: i64,
    pub event_at_ms: i64,
    pub patient_id: Option<String>,
    /// The count that crossed the threshold (1 for single-access rules).
    pub count: i64,
    pub raised_at_ms: i64,
    /// open or reviewed.
    pub state: String,
    pub reviewed_by: Option<String>,
    pub reviewed_at_ms: Option<i64>,
    pub review_comment: Option<String>,
}

impl From<AlertView> for AlertOut {
    fn from(a: AlertView) -> Self {
        Self {
            id: a.id,
            rule: a.rule,
            label: a.label,
            subject_id: a.subject_id,
            subject_name: a.subject_name,
            day: a.day,
            event_seq: a.event_seq,
            event_at_ms: a.event_at_ms,
            patient_id: a.patient_id,
            count: a.count,
            raised_at_ms: a.raised_at_ms,
            state: a.state,
            reviewed_by: a.reviewed_by,
            reviewed_at_ms: a.reviewed_at_ms,
            review_comment: a.review_comment,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AlertPageOut {
    pub items: Vec<AlertOut>,
    /// Alerts matching the filter, all pages together.
    pub total: i64,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AlertParams {
    /// open or reviewed (default: both).
    pub state: Option<String>,
    /// 1–100, default 50.
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Support. Supervision alerts, newest first.
#[utoipa::path(get, path = "/api/v1/supervision/alerts", tag = "supervision", security(("bearer" = [])),
    params(AlertParams),
    responses((status = 200, body = AlertPageOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Auth(actor): Auth,
    Query(p): Query<AlertParams>,
) -> Result<axum::Json<AlertPageOut>, ApiError> {
    let page = app
        .list_alerts(
            &actor,
            p.state.as_deref(),
            p.limit.unwrap_or(50),
            p.offset.unwrap_or(0),
        )
        .await?;
    Ok(axum::Json(AlertPageOut {
        total: page.total,
        items: page.items.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewIn {
    /// What was found (mandatory, 2000 characters at most).
    pub comment: String,
}

/// Support. Marks an open alert reviewed, with a comment; audited.
#[utoipa::path(post, path = "/api/v1/supervision/alerts/{id}/review", tag = "supervision", security(("bearer" = [])),
    request_body = ReviewIn, params(("id" = String, Path, description = "alert id")),
    responses((status = 200, body = AlertOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<String>,
    Json(b): Json<ReviewIn>,
) -> Result<axum::Json<AlertOut>, ApiError> {
    let v = app
        .review_alert(&actor, &id, &b.comment, crate::now())
        .await?;
    Ok(axum::Json(v.into()))
}
