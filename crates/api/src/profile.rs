//! The health profile of a record (issue 17, item 7): read it, add an entry, remove one. Each
//! handler names who may call it; the decision, the checks of the entry and the audit happen
//! in `mds-app` (`record::profile`). The body of an addition is `mds_domain::profile::Entry`
//! itself; its published schema is in `profile_schema`.

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, ClientIp, Json, Path};
use crate::profile_schema::ProfileEntryIn;
use axum::extract::State;
use axum::http::StatusCode;
use mds_app::record::profile::{HealthProfile, ProfileEntry};
use mds_app::App;
use mds_domain::profile::Entry;
use mds_domain::{PatientId, ProfileEntryId};

/// The patient, their representative, or a health professional with an access (under an
/// emergency access, the emergency sections only). The profile as the caller may see it.
#[utoipa::path(get, path = "/api/v1/records/{patient_id}/profile", tag = "record", security(("bearer" = [])),
    responses((status = 200, body = HealthProfile), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path(p): Path<PatientId>,
) -> Result<axum::Json<HealthProfile>, ApiError> {
    Ok(axum::Json(
        app.health_profile(&a, &p, ip, crate::now()).await?,
    ))
}

/// The patient or their representative (any section), or a health professional with an
/// access (vaccinations and measurements). Adds one entry, checked (French message on
/// refusal); an organ donation position or advance directives replace the previous one.
#[utoipa::path(post, path = "/api/v1/records/{patient_id}/profile/entries", tag = "record", security(("bearer" = [])), request_body = ProfileEntryIn,
    responses((status = 201, body = ProfileEntry), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path(p): Path<PatientId>,
    Json(entry): Json<Entry>,
) -> Result<(StatusCode, axum::Json<ProfileEntry>), ApiError> {
    let e = app
        .add_profile_entry(&a, &p, entry, ip, crate::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(e)))
}

/// The patient or their representative (any entry), or the professional who added it.
/// Removes the entry; the audit keeps that it happened.
#[utoipa::path(delete, path = "/api/v1/records/{patient_id}/profile/entries/{entry_id}", tag = "record", security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path((p, entry_id)): Path<(PatientId, ProfileEntryId)>,
) -> Result<StatusCode, ApiError> {
    app.remove_profile_entry(&a, &p, &entry_id, ip, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
