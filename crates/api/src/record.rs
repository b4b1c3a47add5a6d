//! Documents of a record: add (multipart upload), list and search, metadata, content, new
//! version, delete. Handlers translate HTTP to `mds-app` use cases; the access rules and the
//! audit happen there. A record or document the caller may not see answers 404.

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, ClientIp};
use crate::extract::{Path, Query};
use crate::uploads::{json, Part, ReadError};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use mds_app::record::documents::{DocumentPage, DocumentQuery, DocumentView, NewDocument};
use mds_app::record::RecordRef;
use mds_app::App;
use mds_domain::{AccountId, DocumentId, PatientId, StructureId};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The multipart form of an upload (for the OpenAPI document; parsed by hand).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The document (PDF, CDA R2 XML, JPEG, PNG or plain text; recognised from the content).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    pub type_code: String,
    pub title: String,
    /// YYYY-MM-DD
    pub act_date: String,
    /// One of the author's structures (default: their first).
    pub structure_id: Option<String>,
    pub confidential: Option<bool>,
    /// Professionals only: hidden from the patient until an announcement consultation.
    pub hidden_from_patient: Option<bool>,
    /// Professionals only: a document of a type with an announcement delay (configuration)
    /// is visible to the patient at once (they were already told); without it, such a
    /// document is hidden from the patient for the delay.
    pub visible_to_patient_now: Option<bool>,
    /// Professionals: required `true` the first time they feed this record.
    pub confirms_patient_informed: Option<bool>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
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
    /// 1–100, default 50.
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

fn flag(text: &str) -> Result<bool, ApiError> {
    match text.trim() {
        "true" | "1" | "on" | "yes" => Ok(true),
        "false" | "0" | "off" | "no" | "" => Ok(false),
        _ => Err(ApiError::http(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            "Valeur booléenne attendue (true ou false).",
        )),
    }
}

/// The filters of a document search, its identifiers checked (`[type_code, class_code, from,
/// to]` are checked by the use case, after the policy).
pub(crate) fn document_filter(
    [type_code, class_code, from, to]: [Option<String>; 4],
    author: Option<String>,
    structure: Option<String>,
) -> Result<mds_app::record::documents::DocumentFilter, ApiError> {
    Ok(mds_app::record::documents::DocumentFilter {
        type_code,
        class_code,
        act_date_from: from,
        act_date_to: to,
        author_account_id: id_filter("author_account_id", author, AccountId::parse)?,
        author_structure_id: id_filter("structure_id", structure, StructureId::parse)?,
    })
}

/// A filter naming an account or a structure: a malformed identifier is refused by name
/// (in a path it is the uniform not-found instead).
pub(crate) fn id_filter<T>(
    field: &str,
    text: Option<String>,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, ApiError> {
    match text {
        None => Ok(None),
        Some(t) => parse(&t).map(Some).ok_or_else(|| {
            ApiError::App(mds_app::AppError::invalid(
                "invalid_filter",
                format!("« {field} » : identifiant invalide (UUID attendu)."),
            ))
        }),
    }
}

fn bad_form(message: &str) -> ApiError {
    ApiError::http(
        StatusCode::BAD_REQUEST,
        "invalid_multipart",
        message.to_owned(),
    )
}

/// The parts of an upload form: the file (bounded by the route's body limit) and its
/// metadata, each once.
const UPLOAD_PARTS: &[Part] = &[
    Part::file("file"),
    json("type_code"),
    json("title"),
    json("act_date"),
    json("structure_id"),
    json("confidential"),
    json("hidden_from_patient"),
    json("visible_to_patient_now"),
    json("confirms_patient_informed"),
];

fn document_too_large() -> ApiError {
    ApiError::http(
        StatusCode::PAYLOAD_TOO_LARGE,
        "document_too_large",
        "Document trop volumineux.",
    )
}

/// The structure named by an upload (none when empty).
fn structure(text: &str) -> Result<Option<StructureId>, ApiError> {
    if text.is_empty() {
        return Ok(None);
    }
    StructureId::parse(text).map(Some).ok_or_else(|| {
        ApiError::http(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_structure",
            "Vous n'exercez pas dans cette structure.",
        )
    })
}

/// Reads an upload form; a repeated field is refused like an unknown one (never "the last
/// one wins").
pub(crate) async fn read_form(form: axum::extract::Multipart) -> Result<NewDocument, ApiError> {
    let mut f = mds_http::read(form, UPLOAD_PARTS)
        .await
        .map_err(|e| match e {
            ReadError::TooLarge { part: None } => document_too_large(),
            ReadError::TooLarge { part: Some(p) } | ReadError::Malformed { part: Some(p) }
                if p != "file" =>
            {
                bad_form("Champ de formulaire illisible.")
            }
            ReadError::TooLarge { .. } => document_too_large(),
            ReadError::Malformed { part: Some(_) } => bad_form("Fichier illisible."),
            ReadError::Malformed { part: None } | ReadError::Token => {
                bad_form("Formulaire multipart illisible.")
            }
            ReadError::Unexpected { part } => bad_form(&format!("Champ inconnu : {part}.")),
            ReadError::Repeated { part } => bad_form(&format!("Champ répété : {part}.")),
            ReadError::NotText { part } => crate::uploads::not_text(part),
        })?;
    let content = f
        .take("file")
        .ok_or_else(|| bad_form("Le champ « file » est obligatoire."))?;
    Ok(NewDocument {
        type_code: f.text("type_code"),
        title: f.text("title"),
        act_date: f.text("act_date"),
        structure_id: structure(&f.text("structure_id"))?,
        confidential: flag(&f.text("confidential"))?,
        hidden_from_patient: flag(&f.text("hidden_from_patient"))?,
        visible_to_patient_now: flag(&f.text("visible_to_patient_now"))?,
        confirms_patient_informed: flag(&f.text("confirms_patient_informed"))?,
        content,
    })
}

/// A patient. Their own record's identifier.
#[utoipa::path(get, path = "/api/v1/records/mine", tag = "record", security(("bearer" = [])),
    responses((status = 200, body = RecordRef), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn mine(
    State(app): State<App>,
    Auth(actor): Auth,
) -> Result<crate::json::Json<RecordRef>, ApiError> {
    Ok(crate::json::Json(app.my_record(&actor).await?))
}

/// Patients (own record, 5 MB), professionals and assistants (in their professional's name,
/// 20 MB). Adds a document; a professional's first addition must confirm that the patient
/// was informed.
#[utoipa::path(post, path = "/api/v1/records/{patient_id}/documents", tag = "record", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = DocumentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add(
    State(app): State<App>,
    Auth(actor): Auth,
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

/// Patients (except documents hidden from them) and professionals (as their access mode and
/// the habilitation matrix allow). Lists and searches current documents; recorded.
#[utoipa::path(get, path = "/api/v1/records/{patient_id}/documents", tag = "record", security(("bearer" = [])),
    params(SearchParams),
    responses((status = 200, body = DocumentPage), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Path(patient_id): Path<PatientId>,
    Query(p): Query<SearchParams>,
) -> Result<crate::json::Json<DocumentPage>, ApiError> {
    let q = DocumentQuery {
        filter: document_filter(
            [p.type_code, p.class_code, p.from, p.to],
            p.author_account_id,
            p.structure_id,
        )?,
        limit: p.limit.unwrap_or(50),
        offset: p.offset.unwrap_or(0),
    };
    let page = app
        .list_documents(&actor, &patient_id, q, ip, crate::now())
        .await?;
    Ok(crate::json::Json(page))
}

/// Whoever may read the document. Its metadata.
#[utoipa::path(get, path = "/api/v1/records/{patient_id}/documents/{document_id}", tag = "record", security(("bearer" = [])),
    responses((status = 200, body = DocumentView), (status = 404, body = ErrorBody)))]
pub async fn metadata(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Path((patient_id, document_id)): Path<(PatientId, DocumentId)>,
) -> Result<crate::json::Json<DocumentView>, ApiError> {
    let v = app
        .document_metadata(&actor, &patient_id, &document_id, ip, crate::now())
        .await?;
    Ok(crate::json::Json(v))
}

/// Whoever may read the document. Its decrypted content, with its format as content type.
#[utoipa::path(get, path = "/api/v1/records/{patient_id}/documents/{document_id}/content", tag = "record", security(("bearer" = [])),
    responses((status = 200, description = "The document's content", content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
pub async fn content(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Path((patient_id, document_id)): Path<(PatientId, DocumentId)>,
) -> Result<Response, ApiError> {
    let c = app
        .document_content_for(&actor, &patient_id, &document_id, ip, crate::now())
        .await?;
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
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", c.meta.sha256)) {
        headers.insert(header::ETAG, v);
    }
    Ok(response)
}

/// The depositor. Deposits a new version replacing this document (same form as an upload);
/// the old version leaves the lists.
#[utoipa::path(post, path = "/api/v1/records/{patient_id}/documents/{document_id}/versions", tag = "record", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = DocumentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn new_version(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Path((patient_id, document_id)): Path<(PatientId, DocumentId)>,
    crate::extract::Multipart(form): crate::extract::Multipart,
) -> Result<(StatusCode, axum::Json<DocumentView>), ApiError> {
    let d = read_form(form).await?;
    let v = app
        .modify_document(&actor, &patient_id, &document_id, d, ip, crate::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(v)))
}

/// The patient (any document) or the depositor. Deletes the document: content erased, the
/// audit keeps that it happened.
#[utoipa::path(delete, path = "/api/v1/records/{patient_id}/documents/{document_id}", tag = "record", security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Path((patient_id, document_id)): Path<(PatientId, DocumentId)>,
) -> Result<StatusCode, ApiError> {
    app.delete_document(&actor, &patient_id, &document_id, ip, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
