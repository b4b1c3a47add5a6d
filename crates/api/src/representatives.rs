//! Legal representatives over REST (issue 15, item 5): support lists the representations of a
//! record, records one (multipart: the typed fields and the legal document), ends one and
//! reads its document; a patient lists the records they represent. The representative then
//! acts on a represented record through the record routes (`/api/v1/records/{patient_id}/…`)
//! with their own session, where the policy decides. The rules are `mds_app`'s
//! `patients::representatives`; nothing here decides who may do what.

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, ClientIp, Multipart, Path};
use crate::uploads::{json, missing, read_parts, Part};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use mds_app::patients::representatives::{RepresentationInput, RepresentationView, Represented};
use mds_app::App;
use mds_domain::{AccountId, PatientId, RepresentationKind};
use serde::Serialize;
use utoipa::ToSchema;

/// Why the account holder represents the person: a parent (of a minor), a guardian (tutelle,
/// of a minor or an adult) or a curator (curatelle, of an adult).
#[derive(ToSchema)]
#[schema(as = RepresentationKind, rename_all = "snake_case")]
#[allow(dead_code)] // documents `mds_domain::RepresentationKind` for OpenAPI only
pub enum Kind {
    Parent,
    Guardian,
    Curator,
}

/// A representation of the record, as support sees it on the record's page.
#[derive(Serialize, ToSchema)]
pub struct RepresentationOut {
    pub id: String,
    #[schema(value_type = String)]
    pub patient_id: PatientId,
    #[schema(value_type = String)]
    pub representative_account_id: AccountId,
    pub representative_name: String,
    pub representative_login: String,
    #[schema(value_type = Kind)]
    pub kind: RepresentationKind,
    /// The last day included, `JJ/MM/AAAA` in Nouméa.
    pub last_day: String,
    /// When it ends (RFC 3339): the day after the last day, midnight in Nouméa.
    pub ends_at: String,
    /// RFC 3339.
    pub recorded_at: String,
    /// When support ended it early (RFC 3339).
    pub ended_at: Option<String>,
    /// Running now.
    pub current: bool,
}

impl From<RepresentationView> for RepresentationOut {
    fn from(v: RepresentationView) -> Self {
        Self {
            id: v.id,
            patient_id: v.patient_id,
            representative_account_id: v.representative_account_id,
            representative_name: v.representative_name,
            representative_login: v.representative_login,
            kind: v.kind,
            last_day: v.last_day,
            ends_at: v.ends_at.to_rfc3339(),
            recorded_at: v.recorded_at.to_rfc3339(),
            ended_at: v.ended_at.map(|t| t.to_rfc3339()),
            current: v.current,
        }
    }
}

/// The form of `POST /api/v1/patients/{patient_id}/representatives` (`multipart/form-data`).
#[derive(ToSchema)]
#[allow(dead_code)] // documents the form for OpenAPI only
pub struct RepresentationForm {
    /// The representative's login: the e-mail address of their own active patient account.
    login: String,
    kind: Kind,
    /// The last day of the representation, included (`JJ/MM/AAAA` or `AAAA-MM-JJ`): for a
    /// minor, at most the eve of their 18th birthday; for an adult, at most 20 years ahead.
    last_day: String,
    /// The reference of the request (500 characters at most), sealed in the audit.
    reference: String,
    /// The legal document checked (birth certificate, judgment): PDF, JPEG or PNG, 5 MB at
    /// most.
    #[schema(format = Binary, value_type = String)]
    document: Vec<u8>,
}

/// The parts of the form: the texts bounded like JSON, the document by the route's limit.
const FORM: &[Part] = &[
    json("login"),
    json("kind"),
    json("last_day"),
    json("reference"),
    Part::file("document"),
];

/// Support. Every representation of the record, ended ones included, newest first.
#[utoipa::path(get, path = "/api/v1/patients/{patient_id}/representatives", tag = "patients", security(("bearer" = [])),
    responses((status = 200, body = [RepresentationOut]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(patient_id): Path<PatientId>,
) -> Result<axum::Json<Vec<RepresentationOut>>, ApiError> {
    let all = app
        .representations(&actor, &patient_id, crate::now())
        .await?;
    Ok(axum::Json(all.into_iter().map(Into::into).collect()))
}

/// Support. Records that the holder of an active patient account represents the person of the
/// record until the last day given, on the legal document checked (sealed in the vault). Both
/// people are told.
#[utoipa::path(post, path = "/api/v1/patients/{patient_id}/representatives", tag = "patients", security(("bearer" = [])),
    request_body(content = RepresentationForm, content_type = "multipart/form-data"),
    responses((status = 201, body = RepresentationOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "invalid_state, patient_deceased, representation_exists"),
        (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "representative_unknown, representative_is_holder, representation_kind_invalid, representation_end_invalid, representation_end_past, representation_parent_of_adult, representation_curator_of_minor, representation_beyond_majority, representation_too_long, request_reference_required, file_missing, file_too_large, unsupported_format, missing_part")))]
pub async fn record(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Path(patient_id): Path<PatientId>,
    Multipart(m): Multipart,
) -> Result<(StatusCode, axum::Json<RepresentationOut>), ApiError> {
    let mut form = read_parts(m, FORM).await?;
    let document = form
        .take("document")
        .ok_or_else(|| missing("document", "le document légal, PDF, JPEG ou PNG"))?;
    let kind = RepresentationKind::parse(form.text("kind").trim()).ok_or_else(|| {
        mds_app::AppError::invalid(
            "representation_kind_invalid",
            "Indiquez la qualité du représentant : parent, guardian (tuteur) ou curator \
             (curateur).",
        )
    })?;
    let (login, last_day, reference) = (
        form.text("login"),
        form.text("last_day"),
        form.text("reference"),
    );
    let input = RepresentationInput {
        login: login.trim(),
        kind,
        last_day: last_day.trim(),
        reference: &reference,
        document: &document,
    };
    let v = app
        .record_representation(&actor, &patient_id, input, ip, crate::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(v.into())))
}

/// Support. Ends a running representation of the record now; both people are told and the
/// representative's sessions stop acting for the record.
#[utoipa::path(post, path = "/api/v1/patients/{patient_id}/representatives/{representation_id}/end", tag = "patients", security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "representation_ended")))]
pub async fn end(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Path((patient_id, id)): Path<(PatientId, String)>,
) -> Result<StatusCode, ApiError> {
    app.end_representation(&actor, &patient_id, &id, ip, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Support. The legal document of a representation of the record, in its format (audited).
#[utoipa::path(get, path = "/api/v1/patients/{patient_id}/representatives/{representation_id}/document", tag = "patients", security(("bearer" = [])),
    responses((status = 200, description = "The legal document, as sent", content(
            (Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"))),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn document(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Path((patient_id, id)): Path<(PatientId, String)>,
) -> Result<Response, ApiError> {
    let d = app
        .representation_document(&actor, &patient_id, &id, ip, crate::now())
        .await?;
    let mut response = d.content.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(d.format.mime()),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment"),
    );
    Ok(response)
}

/// Patients. The records the account represents now; each is then reached through
/// `/api/v1/records/{patient_id}/…` with the patient's rights.
#[utoipa::path(get, path = "/api/v1/me/represented", tag = "patients", security(("bearer" = [])),
    responses((status = 200, body = [Represented]), (status = 403, body = ErrorBody)))]
pub async fn represented(
    State(app): State<App>,
    Auth(actor): Auth,
) -> Result<axum::Json<Vec<Represented>>, ApiError> {
    Ok(axum::Json(
        app.represented_records(&actor, crate::now()).await?,
    ))
}
