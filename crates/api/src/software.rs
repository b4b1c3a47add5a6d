//! Structure software (DESIGN.md 7): credentials managed by support, and the preload of
//! several documents into one record by a structure's software acting for a named
//! professional. The software authenticates with `Authorization: Bearer mds-sw-…` (its
//! credential, distinct from session tokens) and names the professional in
//! `X-MDS-Professional: <account id>`; only the preload route accepts it.

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, ClientIp, Json, Path};
use mds_app::record::documents::DocumentView;
use mds_domain::{AccountId, PatientId, StructureId};

use crate::uploads::{json, Part, ReadError};
use axum::extract::{FromRequestParts, Multipart, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use mds_app::accounts::software::CredentialView;
use mds_app::record::documents::NewDocument;
use mds_app::{Actor, App, AppError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Header naming the professional a structure's software acts for.
pub const PROFESSIONAL_HEADER: &str = "x-mds-professional";

/// A structure's software, authenticated by its credential, acting for a professional.
pub struct SoftwareAuth(pub Actor);

impl FromRequestParts<App> for SoftwareAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let unauthenticated = || ApiError::App(AppError::Unauthenticated);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 128)
            .ok_or_else(unauthenticated)?
            .to_owned();
        let professional = parts
            .headers
            .get(PROFESSIONAL_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|p| !p.is_empty() && p.len() <= 64)
            .map(|p| AccountId::parse(p).ok_or(ApiError::App(mds_app::AppError::Forbidden)))
            .transpose()?;
        let ip = ClientIp::from_request_parts(parts, app)
            .await
            .unwrap_or_default()
            .0;
        let Some(professional) = professional else {
            return Err(ApiError::http(
                StatusCode::UNAUTHORIZED,
                "professional_required",
                "Indiquez le professionnel pour lequel agit le logiciel (en-tête X-MDS-Professional).",
            ));
        };
        let actor = app
            .authenticate_software(&token, &professional, ip, crate::now())
            .await?;
        Ok(Self(actor))
    }
}

#[derive(Serialize, ToSchema)]
pub struct CreatedCredentialOut {
    pub credential: CredentialView,
    /// The secret (`mds-sw-…`), shown once: only its hash is kept.
    pub token: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CredentialIn {
    /// What the software is, e.g. « DPI du CHT Gaston-Bourret ».
    pub label: String,
}

/// Support. Creates a credential for a structure's software; the secret is shown once.
#[utoipa::path(post, path = "/api/v1/structures/{id}/software-credentials", tag = "software", security(("bearer" = [])),
    request_body = CredentialIn, params(("id" = String, Path, description = "structure id")),
    responses((status = 201, body = CreatedCredentialOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<StructureId>,
    Json(b): Json<CredentialIn>,
) -> Result<(StatusCode, axum::Json<CreatedCredentialOut>), ApiError> {
    let c = app
        .create_software_credential(&actor, &id, &b.label, crate::now())
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(CreatedCredentialOut {
            credential: c.credential,
            token: c.token,
        }),
    ))
}

/// Support. The software credentials of a structure (never their secrets).
#[utoipa::path(get, path = "/api/v1/structures/{id}/software-credentials", tag = "software", security(("bearer" = [])),
    params(("id" = String, Path, description = "structure id")),
    responses((status = 200, body = [CredentialView]), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<StructureId>,
) -> Result<axum::Json<Vec<CredentialView>>, ApiError> {
    Ok(axum::Json(
        app.list_software_credentials(&actor, &id).await?,
    ))
}

/// Support. Revokes a credential: the software is refused from its next request.
#[utoipa::path(post, path = "/api/v1/software-credentials/{id}/revoke", tag = "software", security(("bearer" = [])),
    params(("id" = String, Path, description = "credential id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn revoke(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    app.revoke_software_credential(&actor, &id, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Metadata of one preloaded document, in the order of the `file` parts.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreloadDocumentIn {
    /// LOINC or CI-SIS code (`reference/document-types.csv`).
    pub type_code: String,
    pub title: String,
    /// YYYY-MM-DD
    pub act_date: String,
    #[serde(default)]
    pub confidential: bool,
    #[serde(default)]
    pub hidden_from_patient: bool,
}

/// The `metadata` part of a preload.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreloadMetadata {
    /// Required `true` the first time the professional feeds this record.
    #[serde(default)]
    pub confirms_patient_informed: bool,
    pub documents: Vec<PreloadDocumentIn>,
}

/// The multipart form of a preload (for the OpenAPI document; parsed by hand).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PreloadForm {
    /// JSON, see `PreloadMetadata`.
    #[schema(value_type = PreloadMetadata)]
    pub metadata: String,
    /// One part per document, repeated, in the order of `metadata.documents` (10 at most).
    #[schema(value_type = Vec<String>, format = Binary)]
    pub file: Vec<Vec<u8>>,
}

#[derive(Serialize, ToSchema)]
pub struct PreloadItemOut {
    /// Position of the document in the request, from 0.
    pub index: usize,
    pub document: Option<DocumentView>,
    /// Why this document was not added (the others may have been).
    pub error: Option<crate::error::ErrorDetail>,
}

#[derive(Serialize, ToSchema)]
pub struct PreloadOut {
    pub items: Vec<PreloadItemOut>,
}

fn bad_form(message: impl Into<String>) -> ApiError {
    ApiError::http(StatusCode::BAD_REQUEST, "invalid_multipart", message)
}

/// Reads the form: the metadata once, then up to `max` files; one file more is enough for
/// the use case to refuse the preload, whatever the metadata say.
async fn read_preload(form: Multipart, max: usize) -> Result<Vec<NewDocument>, ApiError> {
    let parts = [json("metadata"), Part::file("file").repeated(max)];
    let mut form = match mds_http::read(form, &parts).await {
        Ok(form) => form,
        Err(ReadError::Repeated { part }) if part == "file" => {
            return Ok((0..=max).map(|_| NewDocument::default()).collect());
        }
        Err(ReadError::Unexpected { part } | ReadError::Repeated { part }) => {
            return Err(bad_form(format!("Champ inconnu ou répété : {part}.")));
        }
        Err(ReadError::Malformed { part: Some(p) } | ReadError::TooLarge { part: Some(p) })
            if p == "metadata" =>
        {
            return Err(bad_form("Champ « metadata » illisible."));
        }
        Err(e) => return Err(crate::uploads::unreadable(&e)),
    };
    let meta: Option<PreloadMetadata> = match form.take("metadata") {
        Some(text) => Some(serde_json::from_slice(&text).map_err(|e| {
            ApiError::http(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                format!("« metadata » : JSON invalide ({e})."),
            )
        })?),
        None => None,
    };
    let files = form.take_all("file");
    let meta =
        meta.ok_or_else(|| crate::uploads::missing("metadata", "description des documents"))?;
    if files.len() != meta.documents.len() {
        return Err(ApiError::http(
            StatusCode::UNPROCESSABLE_ENTITY,
            "preload_mismatch",
            format!(
                "{} fichiers pour {} documents décrits : un fichier par document, dans l'ordre.",
                files.len(),
                meta.documents.len()
            ),
        ));
    }
    let confirms = meta.confirms_patient_informed;
    let mut described = meta.documents.into_iter();
    Ok(files
        .into_iter()
        .map(|content| {
            let d = described.next();
            NewDocument {
                type_code: d.as_ref().map(|d| d.type_code.clone()).unwrap_or_default(),
                title: d.as_ref().map(|d| d.title.clone()).unwrap_or_default(),
                act_date: d.as_ref().map(|d| d.act_date.clone()).unwrap_or_default(),
                structure_id: None,
                confidential: d.as_ref().is_some_and(|d| d.confidential),
                hidden_from_patient: d.as_ref().is_some_and(|d| d.hidden_from_patient),
                confirms_patient_informed: confirms,
                content,
            }
        })
        .collect())
}

/// Structure software acting for a professional of its structure (credential in
/// `Authorization: Bearer mds-sw-…`, professional in `X-MDS-Professional`). Adds several
/// documents to one record: 10 at most per preload (422 `preload_too_many_documents`), 50
/// distinct patients per professional in 24 h (422 `software_patient_limit`). Each document
/// goes through the access rules; one failing does not stop the others.
#[utoipa::path(post, path = "/api/v1/software/records/{patient_id}/preload", tag = "software",
    security(("structure_software" = [])),
    params(("patient_id" = String, Path, description = "record"),
        ("X-MDS-Professional" = String, Header, description = "account id of the professional the software acts for")),
    request_body(content = PreloadForm, content_type = "multipart/form-data"),
    responses((status = 200, body = PreloadOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn preload(
    State(app): State<App>,
    SoftwareAuth(actor): SoftwareAuth,
    ClientIp(ip): ClientIp,
    Path(patient_id): Path<PatientId>,
    form: Multipart,
) -> Result<axum::Json<PreloadOut>, ApiError> {
    let docs = read_preload(form, app.settings().software_preload_max_documents).await?;
    let items = app
        .preload_documents(&actor, &patient_id, docs, ip, crate::now())
        .await?;
    Ok(axum::Json(PreloadOut {
        items: items
            .into_iter()
            .map(|i| PreloadItemOut {
                index: i.index,
                document: i.document,
                error: i.error_code.map(|code| crate::error::ErrorDetail {
                    code,
                    message: i.error_message.unwrap_or_default(),
                }),
            })
            .collect(),
    }))
}
