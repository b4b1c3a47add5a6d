//! The directory of structures, professionals and assistants.

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, Json};
use crate::extract::{Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use mds_app::operator::directory::{NewAssistant, NewProfessional, NewStructure};
use mds_app::operator::directory_edit::{ProfessionalEdit, StructureEdit};
use mds_app::App;
use mds_domain::{AccountId, AccountState, Profession, StructureId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StructureIn {
    pub name: String,
    /// `1234567.001`: company number and establishment rank.
    pub ridet: String,
    /// hospital, clinic, dispensary, medical_centre, practice, pharmacy, laboratory, samu, other.
    pub kind: String,
    /// INSEE code of a New Caledonian commune (98801–98833).
    pub commune: String,
}

#[derive(Serialize, ToSchema)]
pub struct StructureOut {
    #[schema(value_type = String)]
    pub id: StructureId,
    pub name: String,
    pub ridet: String,
    pub kind: String,
    pub commune: String,
}

impl From<mds_app::operator::directory::StructureRow> for StructureOut {
    fn from(s: mds_app::operator::directory::StructureRow) -> Self {
        Self {
            id: s.id,
            name: s.name,
            ridet: s.ridet,
            kind: s.kind,
            commune: s.commune,
        }
    }
}

/// Support. Creates a care structure.
#[utoipa::path(post, path = "/api/v1/structures", tag = "directory", security(("bearer" = [])), request_body = StructureIn,
    responses((status = 201, body = StructureOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_structure(
    State(app): State<App>,
    Auth(actor): Auth,
    Json(b): Json<StructureIn>,
) -> Result<(StatusCode, axum::Json<StructureOut>), ApiError> {
    let s = app
        .create_structure(
            &actor,
            NewStructure {
                name: b.name,
                ridet: b.ridet,
                kind: b.kind,
                commune: b.commune,
            },
            crate::now(),
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(s.into())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StructureEditIn {
    pub name: String,
    /// hospital, clinic, dispensary, medical_centre, practice, pharmacy, laboratory, samu, other.
    pub kind: String,
    /// INSEE code of a New Caledonian commune (98801–98833).
    pub commune: String,
}

/// Support. Corrects a structure's name, kind and commune (its RIDET number stays); audited.
#[utoipa::path(put, path = "/api/v1/structures/{id}", tag = "directory", security(("bearer" = [])), request_body = StructureEditIn,
    params(("id" = String, Path, description = "structure id")),
    responses((status = 200, body = StructureOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit_structure(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<StructureId>,
    Json(b): Json<StructureEditIn>,
) -> Result<axum::Json<StructureOut>, ApiError> {
    let edit = StructureEdit {
        name: b.name,
        kind: b.kind,
        commune: b.commune,
    };
    let s = app.edit_structure(&actor, &id, edit, crate::now()).await?;
    Ok(axum::Json(s.into()))
}

/// Any signed-in account. Lists care structures.
#[utoipa::path(get, path = "/api/v1/structures", tag = "directory", security(("bearer" = [])),
    responses((status = 200, body = [StructureOut]), (status = 401, body = ErrorBody)))]
pub async fn list_structures(
    State(app): State<App>,
    Auth(actor): Auth,
) -> Result<axum::Json<Vec<StructureOut>>, ApiError> {
    Ok(axum::Json(
        app.list_structures(&actor)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfessionalIn {
    pub login: String,
    pub email: Option<String>,
    pub first_name: String,
    pub last_name: String,
    /// Profession slug, e.g. `medecin`, `infirmier`, `pharmacien`, `psychologue`.
    pub profession: String,
    /// Professional identifier (RPPS or local register number).
    pub professional_id: String,
    #[schema(value_type = Vec<String>)]
    pub structure_ids: Vec<StructureId>,
    #[serde(default)]
    pub samu_regulator: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ProfessionalOut {
    #[schema(value_type = String)]
    pub account_id: AccountId,
    pub professional_id: String,
    pub first_name: String,
    pub last_name: String,
    /// Profession slug (`medecin`, `infirmier`…).
    #[schema(value_type = String)]
    pub profession: Profession,
    pub samu_regulator: bool,
    /// pending (until enrolment), active or suspended.
    #[schema(value_type = String)]
    pub state: AccountState,
    #[schema(value_type = Vec<String>)]
    pub structure_ids: Vec<StructureId>,
}

impl From<mds_app::operator::directory::ProfessionalRow> for ProfessionalOut {
    fn from(p: mds_app::operator::directory::ProfessionalRow) -> Self {
        Self {
            account_id: p.account_id,
            professional_id: p.professional_id,
            first_name: p.first_name,
            last_name: p.last_name,
            profession: p.profession,
            samu_regulator: p.samu_regulator,
            state: p.state,
            structure_ids: p.structure_ids,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CreatedProfessional {
    pub professional: ProfessionalOut,
    /// One-time token for `/api/v1/auth/enrolment`, to hand to the professional. Shown once.
    pub enrolment_token: String,
}

/// Support. Creates a professional account (pending until enrolment).
#[utoipa::path(post, path = "/api/v1/professionals", tag = "directory", security(("bearer" = [])), request_body = ProfessionalIn,
    responses((status = 201, body = CreatedProfessional), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_professional(
    State(app): State<App>,
    Auth(actor): Auth,
    Json(b): Json<ProfessionalIn>,
) -> Result<(StatusCode, axum::Json<CreatedProfessional>), ApiError> {
    let input = NewProfessional {
        login: b.login,
        email: b.email,
        first_name: b.first_name,
        last_name: b.last_name,
        profession: b.profession,
        professional_id: b.professional_id,
        structure_ids: b.structure_ids,
        samu_regulator: b.samu_regulator,
    };
    let c = app.create_professional(&actor, input, crate::now()).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(CreatedProfessional {
            professional: c.item.into(),
            enrolment_token: c.enrolment_token,
        }),
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// Beginning of the last or first name (100 characters at most).
    #[serde(default)]
    #[param(max_length = 100, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub q: String,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Any signed-in account. Searches the directory by name.
#[utoipa::path(get, path = "/api/v1/professionals", tag = "directory", security(("bearer" = [])), params(SearchParams),
    responses((status = 200, body = [ProfessionalOut]), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn search_professionals(
    State(app): State<App>,
    Auth(actor): Auth,
    Query(p): Query<SearchParams>,
) -> Result<axum::Json<Vec<ProfessionalOut>>, ApiError> {
    let rows = app
        .search_professionals(&actor, &p.q, p.limit.unwrap_or(20), p.offset.unwrap_or(0))
        .await?;
    Ok(axum::Json(rows.into_iter().map(Into::into).collect()))
}

/// Any signed-in account. One professional of the directory.
#[utoipa::path(get, path = "/api/v1/professionals/{id}", tag = "directory", security(("bearer" = [])),
    params(("id" = String, Path, description = "account id")),
    responses((status = 200, body = ProfessionalOut), (status = 404, body = ErrorBody)))]
pub async fn get_professional(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<AccountId>,
) -> Result<axum::Json<ProfessionalOut>, ApiError> {
    Ok(axum::Json(app.get_professional(&actor, &id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfessionalEditIn {
    pub first_name: String,
    pub last_name: String,
    /// Profession slug, e.g. `medecin`, `infirmier`, `pharmacien`, `psychologue`.
    pub profession: String,
    /// Professional identifier (RPPS or local register number).
    pub professional_id: String,
    /// Every structure the professional works in (at least one).
    #[schema(value_type = Vec<String>)]
    pub structure_ids: Vec<StructureId>,
    #[serde(default)]
    pub samu_regulator: bool,
}

/// Support. Corrects what the directory says of a professional (names, number, profession,
/// SAMU role, structures; not the login or e-mail); applies from their next request; audited.
#[utoipa::path(put, path = "/api/v1/professionals/{id}", tag = "directory", security(("bearer" = [])), request_body = ProfessionalEditIn,
    params(("id" = String, Path, description = "account id")),
    responses((status = 200, body = ProfessionalOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit_professional(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<AccountId>,
    Json(b): Json<ProfessionalEditIn>,
) -> Result<axum::Json<ProfessionalOut>, ApiError> {
    let edit = ProfessionalEdit {
        first_name: b.first_name,
        last_name: b.last_name,
        profession: b.profession,
        professional_id: b.professional_id,
        structure_ids: b.structure_ids,
        samu_regulator: b.samu_regulator,
    };
    let p = app
        .edit_professional(&actor, &id, edit, crate::now())
        .await?;
    Ok(axum::Json(p.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonIn {
    pub reason: String,
}

/// Support. Suspends a professional, assistant or support account; all its sessions end.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/suspend", tag = "directory", security(("bearer" = [])), request_body = ReasonIn,
    params(("id" = String, Path, description = "account id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn suspend(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<AccountId>,
    Json(b): Json<ReasonIn>,
) -> Result<StatusCode, ApiError> {
    app.set_suspended(&actor, &id, true, &b.reason, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Support. Lifts a suspension.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/reactivate", tag = "directory", security(("bearer" = [])), request_body = ReasonIn,
    params(("id" = String, Path, description = "account id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reactivate(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<AccountId>,
    Json(b): Json<ReasonIn>,
) -> Result<StatusCode, ApiError> {
    app.set_suspended(&actor, &id, false, &b.reason, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssistantIn {
    pub login: String,
    pub email: Option<String>,
    pub first_name: String,
    pub last_name: String,
    /// The professional this assistant acts for.
    #[schema(value_type = String)]
    pub professional_account_id: AccountId,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedAssistant {
    #[schema(value_type = String)]
    pub account_id: AccountId,
    #[schema(value_type = String)]
    pub professional_account_id: AccountId,
    pub enrolment_token: String,
}

/// Support. Creates an assistant acting for one professional.
#[utoipa::path(post, path = "/api/v1/assistants", tag = "directory", security(("bearer" = [])), request_body = AssistantIn,
    responses((status = 201, body = CreatedAssistant), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_assistant(
    State(app): State<App>,
    Auth(actor): Auth,
    Json(b): Json<AssistantIn>,
) -> Result<(StatusCode, axum::Json<CreatedAssistant>), ApiError> {
    let input = NewAssistant {
        login: b.login,
        email: b.email,
        first_name: b.first_name,
        last_name: b.last_name,
        professional_account_id: b.professional_account_id,
    };
    let c = app.create_assistant(&actor, input, crate::now()).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(CreatedAssistant {
            account_id: c.item.account_id,
            professional_account_id: c.item.professional_account_id,
            enrolment_token: c.enrolment_token,
        }),
    ))
}
