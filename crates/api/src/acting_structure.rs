//! The structure a professional's session acts from (issue 15): the choices, and the choice,
//! recorded in every later audit event of the session. The rules are `mds_app`'s
//! `accounts::acting_structure`.

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, ClientIp, Json};
use axum::extract::State;
use axum::http::StatusCode;
use mds_app::App;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct StructureChoiceOut {
    pub id: String,
    pub name: String,
    /// The session acts from it now.
    pub current: bool,
}

/// Professionals and assistants (a session, not a structure's software). The structures the
/// session may act from, the current one marked.
#[utoipa::path(get, path = "/api/v1/auth/structures", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = [StructureChoiceOut]), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn choices(
    State(app): State<App>,
    Auth(actor): Auth,
) -> Result<axum::Json<Vec<StructureChoiceOut>>, ApiError> {
    let choices = app.structure_choices(&actor).await?;
    Ok(axum::Json(
        choices
            .into_iter()
            .map(|c| StructureChoiceOut {
                id: c.id.to_string(),
                name: c.name,
                current: c.current,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StructureChoiceIn {
    /// One of the structures of `GET /api/v1/auth/structures`.
    pub structure_id: String,
}

/// Professionals and assistants. Acts from this structure for the rest of the session;
/// audited.
#[utoipa::path(put, path = "/api/v1/auth/structure", tag = "auth", security(("bearer" = [])),
    request_body = StructureChoiceIn,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn choose(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Json(b): Json<StructureChoiceIn>,
) -> Result<StatusCode, ApiError> {
    let structure = mds_domain::StructureId::named(&b.structure_id);
    app.choose_structure(&actor, &structure, ip, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
