//! What a structure's software does on a record over REST, in the name of a professional of
//! its structure (`structure_auth::StructureSoftware`): feed it (no preload limits), list
//! and read its documents as that professional would in person, or — with
//! `purpose=preload&care_date=YYYY-MM-DD` — preload them ahead of a planned care episode,
//! within the preload limits (référentiel EXI 11-12).

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ClientIp, Path, Query};
use crate::record::read_form;
use crate::structure_auth::StructureSoftware;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use mds_app::record::documents::{DocumentContent, DocumentPage, DocumentQuery, DocumentView};
use mds_app::structure_access::preload::Preload;
use mds_app::App;
use mds_domain::{DocumentId, PatientId};
use serde::Deserialize;
use utoipa::IntoParams;

/// Why the software reads: absent for a consultation in the course of care, `preload` (with
/// `care_date`) to fetch documents ahead of a planned care episode.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PurposeParams {
    /// `preload`, or absent.
    pub purpose: Option<String>,
    /// With `purpose=preload`: the date of the planned care (YYYY-MM-DD), today to 3 days
    /// ahead.
    pub care_date: Option<String>,
}

/// A listing's filters and page, with its purpose.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SoftwareSearchParams {
    /// `preload`, or absent.
    pub purpose: Option<String>,
    /// With `purpose=preload`: the date of the planned care (YYYY-MM-DD).
    pub care_date: Option<String>,
    /// A type code (`reference/document-types.csv`): 64 printable characters at most.
    #[param(max_length = 64, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub type_code: Option<String>,
    /// A class code: 64 printable characters at most.
    #[param(max_length = 64, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub class_code: Option<String>,
    /// Acts on or after this date (YYYY-MM-DD).
    #[param(format = Date)]
    pub from: Option<String>,
    /// Acts on or before this date (YYYY-MM-DD).
    #[param(format = Date)]
    pub to: Option<String>,
    /// The author's account id.
    #[param(pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    pub author_account_id: Option<String>,
    /// The author's structure id.
    #[param(pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    pub structure_id: Option<String>,
    /// 1–100, default 50 (a preload returns 10 at most).
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

/// The declared preload, if any; an unknown purpose or a preload without a care date is
/// refused.
fn preload_of(purpose: Option<&str>, care_date: Option<&str>) -> Result<Option<Preload>, ApiError> {
    let invalid = |message: &str| {
        ApiError::http(StatusCode::UNPROCESSABLE_ENTITY, "invalid_purpose", message)
    };
    match (purpose, care_date) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(invalid("« care_date » va avec « purpose=preload ».")),
        (Some("preload"), Some(d)) => Ok(Some(Preload {
            care_date: d.to_owned(),
        })),
        (Some("preload"), None) => Err(invalid(
            "Un préchargement déclare la date des soins prévus : care_date=AAAA-MM-JJ.",
        )),
        (Some(_), _) => Err(invalid(
            "« purpose » : seule la valeur « preload » est connue.",
        )),
    }
}

/// Structure software acting for a professional of its structure. Adds a document to a
/// record, exactly as the professional would (same form as `POST
/// /api/v1/records/{patient_id}/documents`); feeding has no preload limits.
#[utoipa::path(post, path = "/api/v1/software/records/{patient_id}/documents", tag = "software",
    security(("structure_software" = [])),
    params(("patient_id" = String, Path, description = "record"),
        ("X-MDS-Professional" = String, Header, description = "MDS account id or professional number of the professional the software acts for"),
        ("X-MDS-Professional-Amr" = String, Header, description = "how the professional signed in to the software (RFC 8176): must contain `mfa`")),
    request_body(content = crate::record::UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = DocumentView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn feed(
    State(app): State<App>,
    StructureSoftware(actor): StructureSoftware,
    ClientIp(ip): ClientIp,
    Path(patient_id): Path<PatientId>,
    crate::extract::Multipart(form): crate::extract::Multipart,
) -> Result<(StatusCode, axum::Json<DocumentView>), ApiError> {
    let d = read_form(form).await?;
    let v = app
        .add_document(&actor, &patient_id, d, ip, crate::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(v)))
}

/// Structure software acting for a professional of its structure. Lists a record's
/// documents as the professional may; with `purpose=preload&care_date=…`, a preload: 10
/// documents at most, 50 distinct patients per professional in 24 h (422
/// `preload_patient_limit`), the care date from today to 3 days ahead (422
/// `preload_care_date`); recorded with its purpose and care date.
#[utoipa::path(get, path = "/api/v1/software/records/{patient_id}/documents", tag = "software",
    security(("structure_software" = [])),
    params(("patient_id" = String, Path, description = "record"), SoftwareSearchParams,
        ("X-MDS-Professional" = String, Header, description = "MDS account id or professional number"),
        ("X-MDS-Professional-Amr" = String, Header, description = "must contain `mfa`")),
    responses((status = 200, body = DocumentPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    StructureSoftware(actor): StructureSoftware,
    ClientIp(ip): ClientIp,
    Path(patient_id): Path<PatientId>,
    Query(p): Query<SoftwareSearchParams>,
) -> Result<axum::Json<DocumentPage>, ApiError> {
    let preload = preload_of(p.purpose.as_deref(), p.care_date.as_deref())?;
    let q = DocumentQuery {
        filter: crate::record::document_filter(
            [p.type_code, p.class_code, p.from, p.to],
            p.author_account_id,
            p.structure_id,
        )?,
        limit: p.limit.unwrap_or(50),
        offset: p.offset.unwrap_or(0),
    };
    let now = crate::now();
    let page = match preload {
        Some(preload) => {
            app.preload_list_documents(&actor, &patient_id, &preload, q, ip, now)
                .await?
        }
        None => app.list_documents(&actor, &patient_id, q, ip, now).await?,
    };
    Ok(axum::Json(page))
}

/// Structure software acting for a professional of its structure. A document's content, as
/// the professional may read it; with `purpose=preload&care_date=…`, only after a preload
/// listing of the record for the same professional, 10 distinct documents per patient at
/// most (422 `preload_too_many_documents`).
#[utoipa::path(get, path = "/api/v1/software/records/{patient_id}/documents/{document_id}/content", tag = "software",
    security(("structure_software" = [])),
    params(("patient_id" = String, Path, description = "record"), ("document_id" = String, Path, description = "document"), PurposeParams,
        ("X-MDS-Professional" = String, Header, description = "MDS account id or professional number"),
        ("X-MDS-Professional-Amr" = String, Header, description = "must contain `mfa`")),
    responses((status = 200, description = "The document's content", content_type = "application/octet-stream"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn content(
    State(app): State<App>,
    StructureSoftware(actor): StructureSoftware,
    ClientIp(ip): ClientIp,
    Path((patient_id, document_id)): Path<(PatientId, DocumentId)>,
    Query(p): Query<PurposeParams>,
) -> Result<Response, ApiError> {
    let preload = preload_of(p.purpose.as_deref(), p.care_date.as_deref())?;
    let now = crate::now();
    let c: DocumentContent = match preload {
        Some(preload) => {
            app.preload_document_content(&actor, &patient_id, &document_id, &preload, ip, now)
                .await?
        }
        None => {
            app.document_content_for(&actor, &patient_id, &document_id, ip, now)
                .await?
        }
    };
    let mut response = c.content.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(c.meta.format.mime()),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", c.meta.sha256)) {
        headers.insert(header::ETAG, v);
    }
    Ok(response)
}
