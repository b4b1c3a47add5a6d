//! The controls over a record: care team, consent, break-glass and SAMU access, blocking,
//! emergency settings, feeding opposition, masking and hiding documents. Each handler names
//! who may call it; the decision and its audit happen in `mds-app`.

use crate::attestations::ConsentIn;
use crate::error::{ApiError, ErrorBody};
use crate::extract::Path;
use crate::extract::{Auth, ClientIp, Json};
use axum::extract::State;
use axum::http::StatusCode;
use mds_app::record::consent::{ConsentAnswer, ConsentView};
use mds_app::record::controls::CareTeamEntry;
use mds_app::record::emergency::{EmergencyAccess, EmergencyChoices};
use mds_app::App;
use mds_domain::{AccountId, DocumentId, PatientId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

type Pid = Path<PatientId>;
/// A record and a professional of the directory.
type PidPro = Path<(PatientId, AccountId)>;
/// A record and one of its documents.
type PidDoc = Path<(PatientId, DocumentId)>;
/// A record and one of its consents.
type PidConsent = Path<(PatientId, String)>;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CareTeamIn {
    #[schema(value_type = String)]
    pub professional_account_id: AccountId,
    #[serde(default)]
    pub attending_physician: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendingIn {
    /// A care-team member, or null for nobody.
    #[schema(value_type = Option<String>)]
    pub professional_account_id: Option<AccountId>,
}

/// Named apart from the directory's `ProfessionalIn` (a new professional): OpenAPI schemas
/// are keyed by name, and the two once shared one, so the document showed one body for both.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ProfessionalRefIn)]
pub struct ProfessionalIn {
    #[schema(value_type = String)]
    pub professional_account_id: AccountId,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BreakGlassIn {
    /// At least a sentence: why the patient's record is needed now (line breaks and tabs
    /// allowed, no other control character, no pile of accents on one letter).
    #[schema(pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$")]
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SamuIn {
    /// Reference of the regulation call (no control character but line breaks and tabs).
    #[schema(pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$")]
    pub call_reference: String,
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmergencySettingsIo {
    pub oppose_break_glass: bool,
    pub oppose_samu: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeIn {
    pub code: String,
}

#[derive(Serialize, ToSchema)]
pub struct MaskAllOut {
    pub masked: u64,
}

#[derive(Serialize, ToSchema)]
pub struct UnmaskAllOut {
    /// Documents the patient had masked, visible to professionals again.
    pub unmasked: u64,
}

/// The patient (active account) or support (inactive account). The care team.
#[utoipa::path(get, path = "/api/v1/records/{patient_id}/care-team", tag = "record-controls", security(("bearer" = [])),
    responses((status = 200, body = [CareTeamEntry]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn care_team(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path(p): Pid,
) -> Result<axum::Json<Vec<CareTeamEntry>>, ApiError> {
    let team = app.care_team(&a, &p, ip, crate::now()).await?;
    Ok(axum::Json(team.into_iter().collect()))
}

/// The patient (active account) or support (inactive account). Adds a professional with an
/// active account to the care team.
#[utoipa::path(post, path = "/api/v1/records/{patient_id}/care-team", tag = "record-controls", security(("bearer" = [])), request_body = CareTeamIn,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_member(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path(p): Pid,
    Json(b): Json<CareTeamIn>,
) -> Result<StatusCode, ApiError> {
    app.add_to_care_team(
        &a,
        &p,
        &b.professional_account_id,
        b.attending_physician,
        ip,
        crate::now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The patient (active account) or support (inactive account). Removes a care-team member.
#[utoipa::path(delete, path = "/api/v1/records/{patient_id}/care-team/{professional_account_id}", tag = "record-controls", security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_member(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path((p, pro)): PidPro,
) -> Result<StatusCode, ApiError> {
    app.remove_from_care_team(&a, &p, &pro, ip, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The patient (active account) or support (inactive account). Declares the attending
/// physician among the care team (null: nobody).
#[utoipa::path(put, path = "/api/v1/records/{patient_id}/attending-physician", tag = "record-controls", security(("bearer" = [])), request_body = AttendingIn,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn attending(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path(p): Pid,
    Json(b): Json<AttendingIn>,
) -> Result<StatusCode, ApiError> {
    app.declare_attending_physician(&a, &p, b.professional_account_id.as_ref(), ip, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The patient. Blocks a professional, without a reason; overrides every access, emergencies
/// included.
#[utoipa::path(post, path = "/api/v1/records/{patient_id}/blocks", tag = "record-controls", security(("bearer" = [])), request_body = ProfessionalIn,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn block(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path(p): Pid,
    Json(b): Json<ProfessionalIn>,
) -> Result<StatusCode, ApiError> {
    app.block_professional(&a, &p, &b.professional_account_id, ip, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The patient. Lifts a block.
#[utoipa::path(delete, path = "/api/v1/records/{patient_id}/blocks/{professional_account_id}", tag = "record-controls", security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unblock(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path((p, pro)): PidPro,
) -> Result<StatusCode, ApiError> {
    app.unblock_professional(&a, &p, &pro, ip, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The patient. Opposes (or accepts) break-glass and SAMU access, separately.
#[utoipa::path(put, path = "/api/v1/records/{patient_id}/emergency-settings", tag = "record-controls", security(("bearer" = [])), request_body = EmergencySettingsIo,
    responses((status = 200, body = EmergencySettingsIo), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn emergency_settings(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path(p): Pid,
    Json(b): Json<EmergencySettingsIo>,
) -> Result<axum::Json<EmergencySettingsIo>, ApiError> {
    let choices = EmergencyChoices {
        oppose_break_glass: b.oppose_break_glass,
        oppose_samu: b.oppose_samu,
    };
    let c = app
        .set_emergency_settings(&a, &p, choices, ip, crate::now())
        .await?;
    Ok(axum::Json(EmergencySettingsIo {
        oppose_break_glass: c.oppose_break_glass,
        oppose_samu: c.oppose_samu,
    }))
}

/// A health professional. Opens break-glass access (reason of at least a sentence); refused
/// if the patient opposed it. The patient is notified, supervision alerted.
#[utoipa::path(post, path = "/api/v1/records/{patient_id}/break-glass", tag = "record-controls", security(("bearer" = [])), request_body = BreakGlassIn,
    responses((status = 201, body = EmergencyAccess), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn break_glass(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path(p): Pid,
    Json(b): Json<BreakGlassIn>,
) -> Result<(StatusCode, axum::Json<EmergencyAccess>), ApiError> {
    let e = app
        .open_emergency_access(&a, &p, false, &b.reason, ip, crate::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(e)))
}

/// A SAMU regulator. Opens regulation access for a call about the patient; refused if the
/// patient opposed it.
#[utoipa::path(post, path = "/api/v1/records/{patient_id}/samu", tag = "record-controls", security(("bearer" = [])), request_body = SamuIn,
    responses((status = 201, body = EmergencyAccess), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn samu(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path(p): Pid,
    Json(b): Json<SamuIn>,
) -> Result<(StatusCode, axum::Json<EmergencyAccess>), ApiError> {
    let e = app
        .open_emergency_access(&a, &p, true, &b.call_reference, ip, crate::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(e)))
}

/// A professional. Records that the patient opposes being fed by them (no reason is ever
/// recorded).
#[utoipa::path(post, path = "/api/v1/records/{patient_id}/feeding-opposition", tag = "record-controls", security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn oppose_feeding(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path(p): Pid,
) -> Result<StatusCode, ApiError> {
    app.record_feeding_opposition(&a, &p, ip, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A professional. Lifts the patient's opposition to being fed by them.
#[utoipa::path(delete, path = "/api/v1/records/{patient_id}/feeding-opposition", tag = "record-controls", security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn lift_feeding_opposition(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path(p): Pid,
) -> Result<StatusCode, ApiError> {
    app.lift_feeding_opposition(&a, &p, ip, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The patient, or a professional who may read the document (at the patient's request,
/// recorded as such). Masks the document from professionals.
#[utoipa::path(post, path = "/api/v1/records/{patient_id}/documents/{document_id}/mask", tag = "record-controls", security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn mask(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path((p, d)): PidDoc,
) -> Result<StatusCode, ApiError> {
    app.set_document_masked(&a, &p, &d, true, ip, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The patient. Unmasks the document.
#[utoipa::path(delete, path = "/api/v1/records/{patient_id}/documents/{document_id}/mask", tag = "record-controls", security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unmask(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path((p, d)): PidDoc,
) -> Result<StatusCode, ApiError> {
    app.set_document_masked(&a, &p, &d, false, ip, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The patient. Masks every current document from professionals in one action.
#[utoipa::path(post, path = "/api/v1/records/{patient_id}/mask-all", tag = "record-controls", security(("bearer" = [])),
    responses((status = 200, body = MaskAllOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn mask_all(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path(p): Pid,
) -> Result<axum::Json<MaskAllOut>, ApiError> {
    let masked = app.mask_all_documents(&a, &p, ip, crate::now()).await?;
    Ok(axum::Json(MaskAllOut { masked }))
}

/// The patient. Makes the documents they masked visible to professionals again (the
/// counterpart of mask-all; masks set by professionals stay).
#[utoipa::path(post, path = "/api/v1/records/{patient_id}/unmask-all", tag = "record-controls", security(("bearer" = [])),
    responses((status = 200, body = UnmaskAllOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unmask_all(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path(p): Pid,
) -> Result<axum::Json<UnmaskAllOut>, ApiError> {
    let unmasked = app.unmask_all_documents(&a, &p, ip, crate::now()).await?;
    Ok(axum::Json(UnmaskAllOut { unmasked }))
}

/// The depositing professional. Hides the document from the patient until an announcement
/// consultation.
#[utoipa::path(post, path = "/api/v1/records/{patient_id}/documents/{document_id}/hidden-from-patient", tag = "record-controls", security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn hide(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path((p, d)): PidDoc,
) -> Result<StatusCode, ApiError> {
    app.set_hidden_from_patient(&a, &p, &d, true, ip, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The depositing professional. Makes the document visible to the patient.
#[utoipa::path(delete, path = "/api/v1/records/{patient_id}/documents/{document_id}/hidden-from-patient", tag = "record-controls", security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path((p, d)): PidDoc,
) -> Result<StatusCode, ApiError> {
    app.set_hidden_from_patient(&a, &p, &d, false, ip, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A professional. Asks the patient for temporary access, stating the purpose (inactive
/// accounts: attest the in-person consent, granted at once). With the signed attestation:
/// `multipart/form-data` with parts `consent` (this JSON) and `attestation` (PDF, JPEG or
/// PNG, 5 MB at most), stored encrypted and readable by support only.
#[utoipa::path(post, path = "/api/v1/records/{patient_id}/consents", tag = "record-controls", security(("bearer" = [])), request_body = ConsentIn,
    responses((status = 201, body = ConsentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "invalid_purpose, attestation_required, attestation_file_unexpected, unsupported_format, file_too_large")))]
pub async fn request_consent(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path(p): Pid,
    req: axum::extract::Request,
) -> Result<(StatusCode, axum::Json<ConsentView>), ApiError> {
    let (b, file) = crate::attestations::consent_body(&app, req).await?;
    let request = mds_app::record::consent::ConsentRequest {
        purpose: &b.purpose,
        attests_in_person: b.attests_in_person,
        attestation_file: file.as_deref(),
    };
    let c = app
        .request_consent_with(&a, &p, request, ip, crate::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(c)))
}

/// The patient. Consent requests and grants of the record, pending ones with their code.
#[utoipa::path(get, path = "/api/v1/records/{patient_id}/consents", tag = "record-controls", security(("bearer" = [])),
    responses((status = 200, body = [ConsentView]), (status = 404, body = ErrorBody)))]
pub async fn consents(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path(p): Pid,
) -> Result<axum::Json<Vec<ConsentView>>, ApiError> {
    let all = app.consents(&a, &p, ip, crate::now()).await?;
    Ok(axum::Json(all.into_iter().collect()))
}

async fn answer(
    app: &App,
    a: &mds_app::Actor,
    ip: Option<String>,
    p: &PatientId,
    c: &str,
    answer: ConsentAnswer,
) -> Result<axum::Json<ConsentView>, ApiError> {
    let v = app
        .answer_consent(a, p, c, answer, ip, crate::now())
        .await?;
    Ok(axum::Json(v))
}

/// The patient. Approves a pending request.
#[utoipa::path(post, path = "/api/v1/records/{patient_id}/consents/{consent_id}/approve", tag = "record-controls", security(("bearer" = [])),
    responses((status = 200, body = ConsentView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn approve(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path((p, c)): PidConsent,
) -> Result<axum::Json<ConsentView>, ApiError> {
    answer(&app, &a, ip, &p, &c, ConsentAnswer::Approve).await
}

/// The patient. Refuses a pending request.
#[utoipa::path(post, path = "/api/v1/records/{patient_id}/consents/{consent_id}/refuse", tag = "record-controls", security(("bearer" = [])),
    responses((status = 200, body = ConsentView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn refuse(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path((p, c)): PidConsent,
) -> Result<axum::Json<ConsentView>, ApiError> {
    answer(&app, &a, ip, &p, &c, ConsentAnswer::Refuse).await
}

/// The patient. Revokes a request or a grant, at any time.
#[utoipa::path(post, path = "/api/v1/records/{patient_id}/consents/{consent_id}/revoke", tag = "record-controls", security(("bearer" = [])),
    responses((status = 200, body = ConsentView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn revoke(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path((p, c)): PidConsent,
) -> Result<axum::Json<ConsentView>, ApiError> {
    answer(&app, &a, ip, &p, &c, ConsentAnswer::Revoke).await
}

/// The professional who asked. Enters the one-time code the patient read to them.
#[utoipa::path(post, path = "/api/v1/records/{patient_id}/consents/{consent_id}/code", tag = "record-controls", security(("bearer" = [])), request_body = CodeIn,
    responses((status = 200, body = ConsentView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn enter_code(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Path((p, c)): PidConsent,
    Json(b): Json<CodeIn>,
) -> Result<axum::Json<ConsentView>, ApiError> {
    let v = app
        .enter_consent_code(&a, &p, &c, &b.code, ip, crate::now())
        .await?;
    Ok(axum::Json(v))
}
