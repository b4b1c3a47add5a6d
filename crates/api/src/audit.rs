//! Reading the audit trail, for support agents answering an authority. Audited itself.

use crate::error::{ApiError, ErrorBody};
use crate::extract::Query;
use crate::extract::{Auth, ClientIp};
use axum::extract::State;
use mds_app::App;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// A record's patient id.
    #[param(pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    pub patient_id: Option<String>,
    /// An account or software credential id (64 printable ASCII characters at most).
    #[param(max_length = 64, pattern = "^[!-~]*$")]
    pub actor_id: Option<String>,
    /// Inclusive lower bound, ms since the epoch.
    pub from_ms: Option<i64>,
    /// Exclusive upper bound, ms since the epoch.
    pub to_ms: Option<i64>,
    /// Keyset pagination: return events after this sequence number.
    pub after_seq: Option<i64>,
    pub limit: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEventOut {
    pub seq: i64,
    pub id: String,
    pub at: String,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub on_behalf_of: Option<String>,
    pub structure_id: Option<String>,
    pub action: String,
    pub patient_id: Option<String>,
    pub document_id: Option<String>,
    pub access_mode: Option<String>,
    pub outcome: String,
    pub rule: Option<String>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub hash: String,
}

/// Support. Events in sequence order, filtered; the read is recorded in the audit.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])), params(AuditParams),
    responses((status = 200, body = [AuditEventOut]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn read(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Query(p): Query<AuditParams>,
) -> Result<axum::Json<Vec<AuditEventOut>>, ApiError> {
    let q = mds_audit::AuditQuery {
        patient_id: p.patient_id,
        actor_id: p.actor_id,
        from_ms: p.from_ms,
        to_ms: p.to_ms,
        actions: Vec::new(),
        after_seq: p.after_seq,
        limit: p.limit.unwrap_or(100).clamp(1, 1000),
        ..mds_audit::AuditQuery::default()
    };
    let rows = app.read_audit(&actor, q, ip, crate::now()).await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|r| AuditEventOut {
                seq: r.seq,
                id: r.id,
                at: mds_domain::Timestamp::from_millis(r.at_ms).to_rfc3339(),
                actor_kind: r.actor_kind.as_str().to_owned(),
                actor_id: r.actor_id,
                on_behalf_of: r.on_behalf_of,
                structure_id: r.structure_id,
                action: r.action,
                patient_id: r.patient_id,
                document_id: r.document_id,
                access_mode: r.access_mode,
                outcome: r.outcome.as_str().to_owned(),
                rule: r.rule,
                detail: r.detail,
                hash: r.hash,
            })
            .collect(),
    ))
}
