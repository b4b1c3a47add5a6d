//! The activity history of a record (its patient), a professional's own access log, and the
//! extraction of an audit trail for an authority (support). Lines are French and already
//! rendered by `mds-app`, which also audits every read.

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, ClientIp, Path, Query};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use mds_app::information::history::{
    parse_date, ActivityKind, HistoryFilter, HistoryPage, PageRequest, Who,
};
use mds_app::operator::audit_extract::{ExtractFormat, ExtractTarget};
use mds_app::{App, AppError};
use mds_domain::{AccountId, PatientId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct HistoryParams {
    /// First day included, New Caledonia time (`AAAA-MM-JJ`; `JJ/MM/AAAA` is also read).
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last day included, New Caledonia time.
    #[param(format = Date)]
    pub to: Option<String>,
    /// Account id of a professional: their actions and those of assistants in their name.
    #[param(pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    pub professional: Option<String>,
    /// reads, changes, searches, emergency, controls or denied.
    #[param(pattern = "^(reads|changes|searches|emergency|controls|denied)$")]
    pub kind: Option<String>,
    /// A patient's history only — whose actions: `others` (professionals, support, the
    /// service), `mine` (the patient's own) or `everyone` (the default).
    #[param(pattern = "^(others|mine|everyone)$")]
    pub who: Option<String>,
    /// Cursor: the `next` of the previous page.
    pub before: Option<i64>,
    /// Page size, at most 100 (50 by default).
    pub limit: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct HistoryEntryOut {
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    /// The record concerned (in a professional's log).
    pub patient_id: Option<String>,
    /// A request the access rules refused.
    pub denied: bool,
    /// The event in plain French, New Caledonia time.
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct HistoryPageOut {
    /// Newest first.
    pub entries: Vec<HistoryEntryOut>,
    /// Cursor of the next page (`before=`), absent on the last page.
    pub next: Option<i64>,
}

fn filter(p: &HistoryParams) -> Result<(HistoryFilter, PageRequest), ApiError> {
    let date = |d: &Option<String>| d.as_deref().map(parse_date).transpose();
    let kind = match p.kind.as_deref() {
        None => None,
        // An empty value is refused like an unknown one: the document declares the pattern.
        Some(k) => Some(ActivityKind::parse(k).ok_or_else(|| {
            AppError::invalid(
                "invalid_kind",
                "Type d'activité inconnu (reads, changes, searches, emergency, controls, denied).",
            )
        })?),
    };
    Ok((
        HistoryFilter {
            from: date(&p.from)?,
            to: date(&p.to)?,
            professional: crate::record::id_filter(
                "professional",
                p.professional.clone(),
                mds_domain::AccountId::parse,
            )?
            .map(|a| a.to_string()),
            kind,
            who: match p.who.as_deref() {
                None => Who::Everyone,
                Some(w) => Who::parse(w).ok_or_else(|| {
                    AppError::invalid(
                        "invalid_who",
                        "Valeur de « who » inconnue (others, mine ou everyone).",
                    )
                })?,
            },
            // The REST interface answers in French.
            ..HistoryFilter::default()
        },
        PageRequest {
            before: p.before,
            size: p.limit.unwrap_or(0),
        },
    ))
}

fn page_out(page: HistoryPage) -> HistoryPageOut {
    HistoryPageOut {
        entries: page
            .entries
            .into_iter()
            .map(|e| HistoryEntryOut {
                seq: e.seq,
                at: mds_domain::Timestamp::from_millis(e.at_ms).to_rfc3339(),
                patient_id: e.patient_id,
                denied: e.denied,
                text: e.text,
            })
            .collect(),
        next: page.next,
    }
}

/// The patient owner of the record. Everything that happened on it, newest first, in French;
/// the read itself is audited and shows in the history.
#[utoipa::path(get, path = "/api/v1/records/{patient_id}/history", tag = "history", security(("bearer" = [])),
    params(("patient_id" = String, Path, description = "patient id"), HistoryParams),
    responses((status = 200, body = HistoryPageOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_history(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Path(patient_id): Path<PatientId>,
    Query(p): Query<HistoryParams>,
) -> Result<axum::Json<HistoryPageOut>, ApiError> {
    let (f, page) = filter(&p)?;
    let out = app
        .record_history(&actor, &patient_id, &f, page, ip, crate::now())
        .await?;
    Ok(axum::Json(page_out(out)))
}

/// Professionals and assistants. What they did on any record (and what assistants did in
/// their name), newest first, in French; audited.
#[utoipa::path(get, path = "/api/v1/me/access-log", tag = "history", security(("bearer" = [])),
    params(HistoryParams),
    responses((status = 200, body = HistoryPageOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn access_log(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Query(p): Query<HistoryParams>,
) -> Result<axum::Json<HistoryPageOut>, ApiError> {
    let (f, page) = filter(&p)?;
    let out = app
        .my_access_log(&actor, &f, page, ip, crate::now())
        .await?;
    Ok(axum::Json(page_out(out)))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExtractParams {
    /// The record whose whole trail is extracted (exclusive with `professional_id`).
    pub patient_id: Option<String>,
    /// The account whose actions (and those done in its name) are extracted.
    pub professional_id: Option<String>,
    /// json (default) or csv.
    pub format: Option<String>,
    /// Reference of the authority's request (3 to 500 characters), recorded in the audit.
    pub reason: String,
}

/// Support. The full audit trail of a record or of a professional for an authority, as JSON
/// or CSV (raw columns and the French line), never truncated; the extraction is audited.
#[utoipa::path(get, path = "/api/v1/audit/extract", tag = "audit", security(("bearer" = [])),
    params(ExtractParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn extract(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Query(p): Query<ExtractParams>,
) -> Result<Response, ApiError> {
    let target = match (p.patient_id, p.professional_id) {
        (Some(id), None) => {
            ExtractTarget::Record(PatientId::parse(&id).ok_or(ApiError::App(AppError::NotFound))?)
        }
        (None, Some(id)) => ExtractTarget::Professional(
            AccountId::parse(&id).ok_or(ApiError::App(AppError::NotFound))?,
        ),
        _ => {
            return Err(AppError::invalid(
                "invalid_target",
                "Indiquez soit patient_id, soit professional_id.",
            )
            .into())
        }
    };
    let format = match p.format.as_deref() {
        None => ExtractFormat::Json,
        Some(f) => ExtractFormat::parse(f)
            .ok_or_else(|| AppError::invalid("invalid_format", "Format inconnu (json ou csv)."))?,
    };
    let out = app
        .extract_audit(&actor, &target, &p.reason, format, ip, crate::now())
        .await?;
    let disposition = format!("attachment; filename=\"{}\"", out.file_name);
    Ok((
        [
            (header::CONTENT_TYPE, out.format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        out.body,
    )
        .into_response())
}
