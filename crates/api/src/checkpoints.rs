//! The audit trail's signed checkpoints and the service's public signing keys, published for
//! anyone (docs/AUDIT-PROOFS.md): a checkpoint says how many events the trail held and commits
//! to them, nothing about any one of them; the keys check checkpoints and exports.

use crate::error::{ApiError, ErrorBody};
use crate::extract::Query;
use axum::extract::State;
use mds_app::App;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CheckpointParams {
    /// Keyset pagination: checkpoints whose last event is after this seq (from the first
    /// one when absent or below 1).
    pub after: Option<i64>,
    /// At most this many: 100 by default, brought within 1–500.
    pub limit: Option<u32>,
}

/// One signed checkpoint.
#[derive(Serialize, ToSchema)]
pub struct CheckpointOut {
    /// The last event of the previous checkpoint (not covered).
    pub from_seq: i64,
    /// The last event covered.
    pub to_seq: i64,
    /// The chain hash of event `to_seq`.
    pub head_hash: String,
    /// Merkle root (RFC 9162) over the chain hashes of the events covered.
    pub root: String,
    pub signed_at: String,
    pub signed_at_ms: i64,
    pub key_id: String,
    /// Base64url Ed25519 signature of the checkpoint's text (docs/AUDIT-PROOFS.md).
    pub signature: String,
}

#[derive(Serialize, ToSchema)]
pub struct CheckpointPage {
    pub checkpoints: Vec<CheckpointOut>,
    /// The `after` of the next page, absent on the last one.
    pub next_after: Option<i64>,
}

/// Anyone. The signed checkpoints of the audit chain, oldest first.
#[utoipa::path(get, path = "/api/v1/audit/checkpoints", tag = "audit", params(CheckpointParams),
    responses((status = 200, body = CheckpointPage), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Query(p): Query<CheckpointParams>,
) -> Result<axum::Json<CheckpointPage>, ApiError> {
    let limit = p.limit.unwrap_or(100).clamp(1, 500);
    let rows = app
        .audit_checkpoints(p.after.unwrap_or(0).max(0), limit)
        .await?;
    let next_after = (rows.len() == limit as usize)
        .then(|| rows.last().map(|c| c.to_seq))
        .flatten();
    let checkpoints = rows
        .into_iter()
        .map(|c| CheckpointOut {
            from_seq: c.from_seq,
            to_seq: c.to_seq,
            head_hash: c.head_hash,
            root: c.root,
            signed_at: mds_domain::Timestamp::from_millis(c.signed_at_ms).to_rfc3339(),
            signed_at_ms: c.signed_at_ms,
            key_id: c.key_id,
            signature: c.signature,
        })
        .collect();
    Ok(axum::Json(CheckpointPage {
        checkpoints,
        next_after,
    }))
}

/// One public key, as a JSON Web Key (RFC 8037).
#[derive(Serialize, ToSchema)]
pub struct PublicJwk {
    pub kid: String,
    /// `OKP`.
    pub kty: String,
    /// `Ed25519`.
    pub crv: String,
    /// Base64url of the 32-byte public key.
    pub x: String,
    /// `sig`.
    #[serde(rename = "use")]
    pub use_: String,
    /// When the service first signed with it.
    pub since: String,
}

#[derive(Serialize, ToSchema)]
pub struct PublicKeySet {
    pub keys: Vec<PublicJwk>,
}

/// Anyone. Every key the service signed audit checkpoints and exports with (a JWK set).
#[utoipa::path(get, path = "/.well-known/mds-audit-key", tag = "audit",
    responses((status = 200, body = PublicKeySet)))]
pub async fn keys(State(app): State<App>) -> Result<axum::Json<PublicKeySet>, ApiError> {
    let keys = app
        .signing_public_keys(crate::now())
        .await?
        .into_iter()
        .map(|k| PublicJwk {
            kid: k.key_id,
            kty: "OKP".to_owned(),
            crv: "Ed25519".to_owned(),
            x: k.public_key,
            use_: "sig".to_owned(),
            since: mds_domain::Timestamp::from_millis(k.first_used_ms).to_rfc3339(),
        })
        .collect();
    Ok(axum::Json(PublicKeySet { keys }))
}
