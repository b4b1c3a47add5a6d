//! Supervision alerts for support: list (open or reviewed, paginated) and review with a
//! mandatory comment. Suspension is `POST /accounts/{id}/suspend` (directory).

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, Json, Path, Query};
use axum::extract::State;
use mds_app::operator::supervision::AlertView;
use mds_app::App;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct AlertPageOut {
    pub items: Vec<AlertView>,
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
        items: page.items.into_iter().collect(),
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
    responses((status = 200, body = AlertView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<String>,
    Json(b): Json<ReviewIn>,
) -> Result<axum::Json<AlertView>, ApiError> {
    let v = app
        .review_alert(&actor, &id, &b.comment, crate::now())
        .await?;
    Ok(axum::Json(v))
}
