//! Structure software (DESIGN.md 7): credentials managed by support (each with an end date
//! at most 3 years ahead), and the former upload-side preload route, now gone (410). The
//! software's own calls are in `software_records`; how they authenticate is in
//! `structure_auth`.

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, Json, Path};
use mds_domain::StructureId;

use axum::extract::State;
use axum::http::StatusCode;
use mds_app::structure_access::credentials::{CredentialView, NewCredential};
use mds_app::App;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct CreatedCredentialOut {
    pub credential: CredentialView,
    /// The secret (`mds-sw-…`), shown once (only its hash is kept); absent for a credential
    /// that authenticates with its keys only.
    pub token: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CredentialIn {
    /// What the software is, e.g. « DPI du CHT Gaston-Bourret ».
    pub label: String,
    /// Last day of validity, `YYYY-MM-DD` (New Caledonia), at most 3 years ahead.
    pub ends_on: String,
    /// Also issue a bearer secret (default: yes); without it the software authenticates
    /// only with its registered keys at `/fhir/auth/token`.
    #[serde(default = "yes")]
    pub with_secret: bool,
}

fn yes() -> bool {
    true
}

/// Support. Creates a credential for a structure's software, until an end date at most 3
/// years ahead; its id is the software's client id at `/fhir/auth/token`, and its secret,
/// when asked for, is shown once.
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
        .create_software_credential(
            &actor,
            &id,
            &NewCredential {
                label: b.label,
                ends_on: b.ends_on,
                with_secret: b.with_secret,
            },
            crate::now(),
        )
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

/// Structure software. Gone: preloading is reading, not feeding (référentiel EXI 11-12).
/// Answers 410 with where to go instead: feed with `POST
/// /api/v1/software/records/{patient_id}/documents` (no preload limits), preload with `GET
/// …/documents?purpose=preload&care_date=YYYY-MM-DD` and the content reads of the same
/// purpose.
#[utoipa::path(post, path = "/api/v1/software/records/{patient_id}/preload", tag = "software",
    params(("patient_id" = String, Path, description = "record")),
    responses((status = 410, body = ErrorBody)))]
pub async fn preload() -> ApiError {
    ApiError::http(
        StatusCode::GONE,
        "preload_moved",
        "Le préchargement est une lecture, plus un dépôt. Pour alimenter un dossier : POST \
         /api/v1/software/records/{patient_id}/documents (sans limite de préchargement). Pour \
         précharger avant des soins : GET /api/v1/software/records/{patient_id}/documents?\
         purpose=preload&care_date=AAAA-MM-JJ puis \
         …/documents/{document_id}/content?purpose=preload&care_date=AAAA-MM-JJ.",
    )
}
