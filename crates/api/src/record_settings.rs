//! What the patient's app reads of the record's own settings: the emergency settings (next to
//! their PUT) and the blocked professionals (next to their POST/DELETE). Each handler names
//! who may call it; the decision and its audit happen in `mds-app`.

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, ClientIp, Path};
use crate::record_controls::EmergencySettingsIo;
use axum::extract::State;
use mds_app::record::patient_settings::BlockedProfessional;
use mds_app::App;
use mds_domain::PatientId;

/// The patient. The current emergency settings (both accepted when never chosen).
#[utoipa::path(get, path = "/api/v1/records/{patient_id}/emergency-settings", tag = "record-controls", security(("bearer" = [])),
    responses((status = 200, body = EmergencySettingsIo), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn emergency_settings(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path(p): Path<PatientId>,
) -> Result<axum::Json<EmergencySettingsIo>, ApiError> {
    let c = app.emergency_settings(&a, &p, ip, crate::now()).await?;
    Ok(axum::Json(EmergencySettingsIo {
        oppose_break_glass: c.oppose_break_glass,
        oppose_samu: c.oppose_samu,
    }))
}

/// The patient. The professionals they blocked, oldest block first.
#[utoipa::path(get, path = "/api/v1/records/{patient_id}/blocks", tag = "record-controls", security(("bearer" = [])),
    responses((status = 200, body = [BlockedProfessional]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn blocks(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path(p): Path<PatientId>,
) -> Result<axum::Json<Vec<BlockedProfessional>>, ApiError> {
    let list = app.blocked_professionals(&a, &p, ip, crate::now()).await?;
    Ok(axum::Json(list.into_iter().collect()))
}
