//! Patient records: creation by a professional and patient search (professional side), the
//! support actions on a record (activation, care team of inactive records, death, erasure
//! request) and the patient's own actions (closure, erasure request, export).

use crate::error::{ApiError, ErrorBody};
use crate::extract::Path;
use crate::extract::{Auth, ClientIp, Json};
use crate::uploads::{json, read_parts, Form, Part};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use mds_app::patients::creation::{Creation, NewPatient};
use mds_app::patients::export::{HeirRelationship, HeirRequest, SupportExport};
use mds_app::patients::identity::PatientSummary;
use mds_app::patients::life::Activation;
use mds_app::patients::search::PatientQuery;
use mds_app::App;
use mds_domain::identity::IdentityInput;
use mds_domain::{AccountId, PatientId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The identity as entered: identifier number (CAFAT or AMG) and the five traits.
#[derive(Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityIn {
    /// `cafat` (when absent) or `amg`: the kind of the number in `cafat`, each kind its own
    /// number space.
    #[serde(default)]
    pub identifier_kind: Option<String>,
    /// The number, digits only (CAFAT: 6 or 7; AMG: 4 to 12); spaces are ignored.
    pub cafat: String,
    pub birth_name: String,
    /// In order; at least one.
    pub first_names: Vec<String>,
    /// `AAAA-MM-JJ` or `JJ/MM/AAAA`.
    pub birth_date: String,
    /// `F`, `M` or `I` (undetermined).
    pub sex: String,
    /// INSEE commune code (98801–98833 in New Caledonia) or `99xxx` country code.
    pub birth_place: String,
}

impl From<IdentityIn> for IdentityInput {
    fn from(i: IdentityIn) -> Self {
        Self {
            identifier_kind: i.identifier_kind.unwrap_or_default(),
            cafat: i.cafat,
            birth_name: i.birth_name,
            first_names: i.first_names,
            birth_date: i.birth_date,
            sex: i.sex,
            birth_place: i.birth_place,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPatientIn {
    pub identity: IdentityIn,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The identity document (ID card or passport) of the person present was checked.
    pub identity_document_checked: bool,
    /// The CAFAT card was checked.
    pub cafat_card_checked: bool,
    /// The dedicated consent form was signed.
    pub consent_signed: bool,
    /// The person was told what the record is for, their rights and the use of their CAFAT
    /// number (the « Vos droits » notice) before the creation.
    pub informed_of_rights: bool,
    /// Account ids of the professionals of the care team, chosen with the person.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub care_team: Vec<AccountId>,
    /// Leave the creating professional out of the care team (included by default).
    #[serde(default)]
    pub exclude_creator: bool,
}

/// Answer 202: nothing was created, support reviews the submission.
#[derive(Serialize, ToSchema)]
pub struct HeldForReviewOut {
    /// `near_match_review`.
    pub code: String,
    pub message: String,
    pub review_id: String,
}

/// Professional (active account). Creates the `inactive` record of a person present. JSON,
/// or `multipart/form-data` with a `patient` part (this JSON) and an optional `consent_form`
/// file (PDF, JPEG or PNG, 5 MB at most). 201 when created; 202 with code
/// `near_match_review` when a near identity exists (nothing created, support reviews).
#[utoipa::path(post, path = "/api/v1/patients", tag = "patients", security(("bearer" = [])), request_body = NewPatientIn,
    responses((status = 201, body = PatientSummary), (status = 202, body = HeldForReviewOut), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "duplicate_cafat, duplicate_identity"),
        (status = 422, body = ErrorBody, description = "minor, attestation_missing, identity errors")))]
pub async fn create(
    State(app): State<App>,
    Auth(actor): Auth,
    req: Request,
) -> Result<Response, ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let multipart = content_type.starts_with("multipart/form-data");
    let (body, consent_form) = if multipart {
        let m = Multipart::from_request(req, &app)
            .await
            .map_err(|e| crate::uploads::multipart_error(&e))?;
        let mut parts: Form = read_parts(m, &[json("patient"), Part::file("consent_form")]).await?;
        let json = parts.take("patient").ok_or_else(|| {
            crate::uploads::missing("patient", "les informations du patient (JSON)")
        })?;
        (parse_json(&json)?, parts.take("consent_form"))
    } else {
        if !content_type.starts_with("application/json") {
            return Err(ApiError::http(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Envoyez le corps en JSON (Content-Type: application/json) ou en \
                 multipart/form-data.",
            ));
        }
        // The route accepts large forms; a JSON body keeps the usual limit.
        let bytes = axum::body::to_bytes(req.into_body(), crate::JSON_BODY_LIMIT)
            .await
            .map_err(|_| {
                ApiError::http(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    "Le corps de la requête est trop volumineux.",
                )
            })?;
        (parse_json(&bytes)?, None)
    };
    let input = NewPatient {
        identity: body.identity.into(),
        email: body.email,
        phone: body.phone,
        identity_document_checked: body.identity_document_checked,
        cafat_card_checked: body.cafat_card_checked,
        consent_signed: body.consent_signed,
        informed_of_rights: body.informed_of_rights,
        care_team: body.care_team,
        exclude_creator: body.exclude_creator,
        consent_form,
    };
    match app.create_patient(&actor, input, crate::now()).await? {
        Creation::Created { patient } => {
            Ok((StatusCode::CREATED, axum::Json(patient)).into_response())
        }
        Creation::HeldForReview { review_id } => Ok((
            StatusCode::ACCEPTED,
            axum::Json(HeldForReviewOut {
                code: "near_match_review".to_owned(),
                message: mds_domain::IdentityError::NearMatchToReview.to_string(),
                review_id,
            }),
        )
            .into_response()),
    }
}

fn parse_json(bytes: &[u8]) -> Result<NewPatientIn, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::http(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            format!("Contenu JSON invalide : {e}"),
        )
    })
}

/// Either the identifier number (CAFAT, or AMG with `identifier_kind`) with the birth date, or
/// the birth name, one first name, the birth date and the sex. Sent in a body so that the
/// criteria never appear in URLs or logs.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchIn {
    /// `cafat` (when absent) or `amg`, with `cafat` only.
    pub identifier_kind: Option<String>,
    pub cafat: Option<String>,
    pub birth_name: Option<String>,
    pub first_name: Option<String>,
    pub birth_date: String,
    pub sex: Option<String>,
    /// With the traits only: the INSEE code of the birth place, to narrow the answer.
    pub birth_place: Option<String>,
}

/// Professionals, assistants and support. At most 5 records, only what confirms identity;
/// every search is audited.
#[utoipa::path(post, path = "/api/v1/patients/search", tag = "patients", security(("bearer" = [])), request_body = SearchIn,
    responses((status = 200, body = [PatientSummary]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn search(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Json(b): Json<SearchIn>,
) -> Result<axum::Json<Vec<PatientSummary>>, ApiError> {
    let query = match b {
        SearchIn {
            identifier_kind,
            cafat: Some(cafat),
            birth_name: None,
            first_name: None,
            sex: None,
            birth_place: None,
            birth_date,
        } => PatientQuery::Cafat {
            identifier_kind: identifier_kind.unwrap_or_default(),
            cafat,
            birth_date,
        },
        SearchIn {
            identifier_kind: None,
            cafat: None,
            birth_name: Some(birth_name),
            first_name: Some(first_name),
            sex: Some(sex),
            birth_place,
            birth_date,
        } => PatientQuery::Traits {
            birth_name,
            first_name,
            birth_date,
            sex,
            birth_place,
        },
        _ => return Err(ApiError::http(
            StatusCode::UNPROCESSABLE_ENTITY,
            "insufficient_criteria",
            "Recherchez avec le numéro CAFAT ou AMG et la date de naissance, ou avec le nom de \
                 naissance, un prénom, la date de naissance et le sexe.",
        )),
    };
    let found = app.search_patients(&actor, query, ip, crate::now()).await?;
    Ok(axum::Json(found.into_iter().collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivateIn {
    /// The patient's e-mail (login of the account); the one given at creation if absent.
    pub email: Option<String>,
    /// Reference of the patient's request (letter, call, ticket).
    pub request: String,
}

/// Support. Turns an inactive record into an active account on the patient's request.
#[utoipa::path(post, path = "/api/v1/patients/{id}/activate", tag = "patients", security(("bearer" = [])), request_body = ActivateIn,
    params(("id" = String, Path, description = "patient id")),
    responses((status = 200, body = Activation), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "invalid_state, patient_deceased, duplicate_email"), (status = 422, body = ErrorBody)))]
pub async fn activate(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<PatientId>,
    Json(b): Json<ActivateIn>,
) -> Result<axum::Json<Activation>, ApiError> {
    let a = app
        .activate_patient(&actor, &id, b.email.as_deref(), &b.request, crate::now())
        .await?;
    Ok(axum::Json(a))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CareTeamChangeIn {
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub add: Vec<AccountId>,
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub remove: Vec<AccountId>,
    /// Reference of the patient's request.
    pub request: String,
}

#[derive(Serialize, ToSchema)]
pub struct CareTeamMemberOut {
    #[schema(value_type = String)]
    pub professional_account_id: AccountId,
    pub attending_physician: bool,
}

/// Support. Changes the care team of an inactive record on the patient's request.
#[utoipa::path(post, path = "/api/v1/patients/{id}/care-team", tag = "patients", security(("bearer" = [])), request_body = CareTeamChangeIn,
    params(("id" = String, Path, description = "patient id")),
    responses((status = 200, body = [CareTeamMemberOut]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_care_team(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<PatientId>,
    Json(b): Json<CareTeamChangeIn>,
) -> Result<axum::Json<Vec<CareTeamMemberOut>>, ApiError> {
    let team = app
        .change_care_team_for_patient(&actor, &id, &b.add, &b.remove, &b.request, crate::now())
        .await?;
    Ok(axum::Json(
        team.into_iter()
            .map(|m| CareTeamMemberOut {
                professional_account_id: m.professional_account_id,
                attending_physician: m.attending_physician,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeathIn {
    /// `AAAA-MM-JJ` or `JJ/MM/AAAA`.
    pub died_on: String,
}

/// Support. Records the death of a patient; nothing can be added afterwards.
#[utoipa::path(post, path = "/api/v1/patients/{id}/death", tag = "patients", security(("bearer" = [])), request_body = DeathIn,
    params(("id" = String, Path, description = "patient id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_death(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<PatientId>,
    Json(b): Json<DeathIn>,
) -> Result<StatusCode, ApiError> {
    app.record_death(&actor, &id, &b.died_on, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestIn {
    /// Reference of the patient's request.
    pub request: String,
}

#[derive(Serialize, ToSchema)]
pub struct DeadlineOut {
    /// RFC 3339.
    pub deadline: String,
}

/// Support. Records an erasure request received from the patient; carried out by the
/// retention job before the deadline.
#[utoipa::path(post, path = "/api/v1/patients/{id}/erasure", tag = "patients", security(("bearer" = [])), request_body = RequestIn,
    params(("id" = String, Path, description = "patient id")),
    responses((status = 200, body = DeadlineOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn request_erasure(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<PatientId>,
    Json(b): Json<RequestIn>,
) -> Result<axum::Json<DeadlineOut>, ApiError> {
    let deadline = app
        .request_erasure_for_patient(&actor, &id, &b.request, crate::now())
        .await?;
    Ok(axum::Json(DeadlineOut {
        deadline: deadline.to_rfc3339(),
    }))
}

/// Support. Closes a record on the patient's request (e.g. an inactive record, without
/// portal access): archived 10 years, then deleted.
#[utoipa::path(post, path = "/api/v1/patients/{id}/close", tag = "patients", security(("bearer" = [])), request_body = RequestIn,
    params(("id" = String, Path, description = "patient id")),
    responses((status = 200, body = ClosedOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn close(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<PatientId>,
    Json(b): Json<RequestIn>,
) -> Result<axum::Json<ClosedOut>, ApiError> {
    let purge_after = app
        .close_record_for_patient(&actor, &id, &b.request, crate::now())
        .await?;
    Ok(axum::Json(ClosedOut {
        purge_after: purge_after.to_rfc3339(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmIn {
    /// Must be `true`: the person confirms the consequences.
    pub confirm: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ClosedOut {
    /// When the archive is deleted (RFC 3339): 10 years after closure.
    pub purge_after: String,
}

/// Patient (active account). Closes the record: nothing can be added or read by
/// professionals; archived 10 years, then deleted. The session ends.
#[utoipa::path(post, path = "/api/v1/me/record/close", tag = "patients", security(("bearer" = [])), request_body = ConfirmIn,
    responses((status = 200, body = ClosedOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn close_own(
    State(app): State<App>,
    Auth(actor): Auth,
    Json(b): Json<ConfirmIn>,
) -> Result<axum::Json<ClosedOut>, ApiError> {
    let purge_after = app
        .close_own_record(&actor, b.confirm, crate::now())
        .await?;
    Ok(axum::Json(ClosedOut {
        purge_after: purge_after.to_rfc3339(),
    }))
}

/// Patient (active account). Asks for the erasure of the whole record; the account closes
/// at once and the data is deleted before the deadline.
#[utoipa::path(post, path = "/api/v1/me/record/erasure", tag = "patients", security(("bearer" = [])), request_body = ConfirmIn,
    responses((status = 200, body = DeadlineOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn erase_own(
    State(app): State<App>,
    Auth(actor): Auth,
    Json(b): Json<ConfirmIn>,
) -> Result<axum::Json<DeadlineOut>, ApiError> {
    let deadline = app
        .request_own_erasure(&actor, b.confirm, crate::now())
        .await?;
    Ok(axum::Json(DeadlineOut {
        deadline: deadline.to_rfc3339(),
    }))
}

/// Patient (active account). The whole record as a ZIP archive: identity.json,
/// documents.json and documents/, care_team.json, settings.json, history.json, manifest.json
/// (SHA-256 of every file).
#[utoipa::path(get, path = "/api/v1/me/record/export", tag = "patients", security(("bearer" = [])),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export_own(State(app): State<App>, Auth(actor): Auth) -> Result<Response, ApiError> {
    let bytes = app.export_own_record(&actor, crate::now()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"mon-drive-sante.zip\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalExportIn {
    /// Reference of the legal request (requisition, court order…), recorded in the audit.
    pub reference: String,
}

/// Support, on a closed record only. Legal export for an authority (documents hidden from the
/// patient included), as the same ZIP archive as the patient's export; audited with its
/// reference.
#[utoipa::path(post, path = "/api/v1/patients/{id}/legal-export", tag = "patients", security(("bearer" = [])),
    request_body = LegalExportIn, params(("id" = String, Path, description = "patient id")),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn legal_export(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<PatientId>,
    Json(b): Json<LegalExportIn>,
) -> Result<Response, ApiError> {
    let bytes = app
        .legal_export(&actor, &id, &b.reference, crate::now())
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"export-legal-mds.zip\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HeirExportIn {
    /// The heir's name, as on the identity document support checked; sealed in the audit.
    pub heir_name: String,
    pub relationship: HeirRelationship,
    /// The justification checked (affidavit of inheritance…) and the request's reference;
    /// sealed in the audit.
    pub justification: String,
}

/// Support. The legal export of a deceased person's record (documents hidden from the
/// patient included) for an heir, whose name, relationship and justification are recorded in
/// the audit. A person whose death is not recorded: 409 (`not_deceased`); the record's state
/// does not matter (an erased record: 404).
#[utoipa::path(post, path = "/api/v1/patients/{id}/heir-export", tag = "patients", security(("bearer" = [])),
    request_body = HeirExportIn, params(("id" = String, Path, description = "patient id")),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn heir_export(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<PatientId>,
    Json(b): Json<HeirExportIn>,
) -> Result<Response, ApiError> {
    let request = HeirRequest {
        heir_name: b.heir_name,
        relationship: b.relationship,
        justification: b.justification,
    };
    let bytes = app.heir_export(&actor, &id, &request, crate::now()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"export-ayant-droit-mds.zip\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Support. The export a person asks for when they cannot download it themselves: an inactive
/// record (no portal account; identity checked by support, documents hidden from the patient
/// left out), or a closed record's legal export (as `legal-export`). `reference` names the
/// request and how identity was checked; it is recorded in the audit. An active record: 409
/// (`record_active`), its owner exports it. The header `X-MDS-Export` says which export it is
/// (`on_request` or `legal`).
#[utoipa::path(post, path = "/api/v1/patients/{id}/export", tag = "patients", security(("bearer" = [])),
    request_body = LegalExportIn, params(("id" = String, Path, description = "patient id")),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn support_export(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<PatientId>,
    Json(b): Json<LegalExportIn>,
) -> Result<Response, ApiError> {
    let (bytes, kind) = app
        .support_export(&actor, &id, &b.reference, crate::now())
        .await?;
    let (name, kind) = match kind {
        SupportExport::Legal => ("export-legal-mds.zip", "legal"),
        SupportExport::OnRequest => ("export-mds.zip", "on_request"),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (
                header::HeaderName::from_static("x-mds-export"),
                kind.to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}
