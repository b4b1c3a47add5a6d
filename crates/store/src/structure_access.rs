//! Structure authentication rows (the DMP's "AIR simplifié", DESIGN.md 7): the public keys of
//! structure software, the single-use ids of accepted assertions, the short-lived access
//! tokens (hashed), each structure's list of authorised professionals, and the counts of
//! preload reads taken from the audit. Rows, not rules: `mds-app` decides.

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError};
use mds_domain::{AccountId, CredentialState, DocumentId, PatientId, StructureId};

/// A public key a credential's software signs its assertions with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRow {
    pub id: String,
    pub credential_id: String,
    pub structure_id: StructureId,
    /// The `kid` the software puts in its assertions' header.
    pub kid: String,
    /// ES256, ES384 or RS384: the only algorithm this key verifies; `x509` for a TLS client
    /// certificate (it verifies no assertion).
    pub alg: String,
    /// The public JWK as registered (public members only); for a certificate, a JSON object
    /// with its `x5t#S256` and its DER (`x5c`).
    pub jwk: String,
    /// RFC 7638 SHA-256 thumbprint, base64url; for a certificate, the SHA-256 of its DER
    /// (RFC 8705 `x5t#S256`).
    pub thumbprint: String,
    pub state: CredentialState,
    pub created_by: AccountId,
    pub created_at_ms: i64,
    pub revoked_by: Option<AccountId>,
    pub revoked_at_ms: Option<i64>,
}

const KEY_COLUMNS: &str = "id, credential_id, structure_id, kid, alg, jwk, thumbprint, state, \
     created_by, created_at_ms, revoked_by, revoked_at_ms";

impl FromRow for KeyRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            credential_id: r.get(1)?,
            structure_id: r.get(2)?,
            kid: r.get(3)?,
            alg: r.get(4)?,
            jwk: r.get(5)?,
            thumbprint: r.get(6)?,
            state: r.get(7)?,
            created_by: r.get(8)?,
            created_at_ms: r.get(9)?,
            revoked_by: r.get(10)?,
            revoked_at_ms: r.get(11)?,
        })
    }
}

/// Inserts a key; a `kid` the credential already used is a `Conflict`.
pub async fn insert_key(ex: impl Into<Ex<'_>>, k: &KeyRow) -> Result<(), StoreError> {
    Query::new(format!(
        "INSERT INTO structure_keys ({KEY_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(&k.id)
    .bind(&k.credential_id)
    .bind(&k.structure_id)
    .bind(&k.kid)
    .bind(&k.alg)
    .bind(&k.jwk)
    .bind(&k.thumbprint)
    .bind(k.state)
    .bind(&k.created_by)
    .bind(k.created_at_ms)
    .bind(&k.revoked_by)
    .bind(k.revoked_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn key_by_id(ex: impl Into<Ex<'_>>, id: &str) -> Result<Option<KeyRow>, StoreError> {
    Query::new(format!(
        "SELECT {KEY_COLUMNS} FROM structure_keys WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(ex)
    .await
}

/// The key a credential named `kid`, whatever its state.
pub async fn key_by_kid(
    ex: impl Into<Ex<'_>>,
    credential_id: &str,
    kid: &str,
) -> Result<Option<KeyRow>, StoreError> {
    Query::new(format!(
        "SELECT {KEY_COLUMNS} FROM structure_keys WHERE credential_id = $1 AND kid = $2"
    ))
    .bind(credential_id)
    .bind(kid)
    .fetch_optional(ex)
    .await
}

/// The TLS client certificate (a key of algorithm `x509`) whose SHA-256 is `thumbprint`,
/// whatever its state.
pub async fn certificate_by_thumbprint(
    ex: impl Into<Ex<'_>>,
    thumbprint: &str,
) -> Result<Option<KeyRow>, StoreError> {
    Query::new(format!(
        "SELECT {KEY_COLUMNS} FROM structure_keys WHERE thumbprint = $1 AND alg = 'x509'"
    ))
    .bind(thumbprint)
    .fetch_optional(ex)
    .await
}

/// Every key of a structure's credentials, oldest first.
pub async fn keys_of_structure(
    ex: impl Into<Ex<'_>>,
    structure_id: &StructureId,
) -> Result<Vec<KeyRow>, StoreError> {
    Query::new(format!(
        "SELECT {KEY_COLUMNS} FROM structure_keys WHERE structure_id = $1 \
         ORDER BY created_at_ms, kid, id"
    ))
    .bind(structure_id)
    .fetch_all(ex)
    .await
}

/// Revokes an active key and ends the access tokens issued with it; false when it was not
/// active.
pub async fn revoke_key(
    ex: impl Into<Ex<'_>>,
    id: &str,
    by: &AccountId,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let mut ex = ex.into();
    let done = Query::new(
        "UPDATE structure_keys SET state = 'revoked', revoked_by = $1, revoked_at_ms = $2 \
         WHERE id = $3 AND state = 'active'",
    )
    .bind(by)
    .bind(now_ms)
    .bind(id)
    .execute(ex.reborrow())
    .await?;
    Query::new("DELETE FROM structure_access_tokens WHERE key_id = $1")
        .bind(id)
        .execute(ex)
        .await?;
    Ok(done == 1)
}

/// Records the `jti` of an accepted assertion until `expires_at_ms`; false when the
/// credential already used it (a replay).
pub async fn use_jti(
    ex: impl Into<Ex<'_>>,
    credential_id: &str,
    jti: &str,
    expires_at_ms: i64,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "INSERT INTO structure_assertion_jtis (credential_id, jti, expires_at_ms) \
         VALUES ($1, $2, $3) ON CONFLICT (credential_id, jti) DO NOTHING",
    )
    .bind(credential_id)
    .bind(jti)
    .bind(expires_at_ms)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// An issued access token (only its hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessTokenRow {
    pub token_hash: String,
    pub credential_id: String,
    /// The key whose assertion obtained the token.
    pub key_id: String,
    pub scope: String,
    pub issued_at_ms: i64,
    pub expires_at_ms: i64,
}

impl FromRow for AccessTokenRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            token_hash: r.get(0)?,
            credential_id: r.get(1)?,
            key_id: r.get(2)?,
            scope: r.get(3)?,
            issued_at_ms: r.get(4)?,
            expires_at_ms: r.get(5)?,
        })
    }
}

const TOKEN_COLUMNS: &str = "token_hash, credential_id, key_id, scope, issued_at_ms, expires_at_ms";

pub async fn insert_token(ex: impl Into<Ex<'_>>, t: &AccessTokenRow) -> Result<(), StoreError> {
    Query::new(format!(
        "INSERT INTO structure_access_tokens ({TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
    ))
    .bind(&t.token_hash)
    .bind(&t.credential_id)
    .bind(&t.key_id)
    .bind(&t.scope)
    .bind(t.issued_at_ms)
    .bind(t.expires_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

/// The token with this hash, if it has not expired at `now_ms`.
pub async fn live_token(
    ex: impl Into<Ex<'_>>,
    token_hash: &str,
    now_ms: i64,
) -> Result<Option<AccessTokenRow>, StoreError> {
    Query::new(format!(
        "SELECT {TOKEN_COLUMNS} FROM structure_access_tokens \
         WHERE token_hash = $1 AND expires_at_ms > $2"
    ))
    .bind(token_hash)
    .bind(now_ms)
    .fetch_optional(ex)
    .await
}

/// Deletes the tokens and assertion ids that expired before `now_ms`; returns how many.
pub async fn purge_expired(ex: impl Into<Ex<'_>>, now_ms: i64) -> Result<u64, StoreError> {
    let mut ex = ex.into();
    let tokens = Query::new("DELETE FROM structure_access_tokens WHERE expires_at_ms <= $1")
        .bind(now_ms)
        .execute(ex.reborrow())
        .await?;
    let jtis = Query::new("DELETE FROM structure_assertion_jtis WHERE expires_at_ms <= $1")
        .bind(now_ms)
        .execute(ex)
        .await?;
    Ok(tokens + jtis)
}

/// A professional a structure's software may act for, until an end date (EXI 28).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorisedRow {
    pub structure_id: StructureId,
    pub professional_account_id: AccountId,
    /// `YYYY-MM-DD`, New Caledonia calendar day, included.
    pub ends_on: String,
    /// The end of `ends_on`: refused from this instant on.
    pub expires_at_ms: i64,
    pub added_by: AccountId,
    pub added_at_ms: i64,
}

impl FromRow for AuthorisedRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            structure_id: r.get(0)?,
            professional_account_id: r.get(1)?,
            ends_on: r.get(2)?,
            expires_at_ms: r.get(3)?,
            added_by: r.get(4)?,
            added_at_ms: r.get(5)?,
        })
    }
}

const AUTHORISED_COLUMNS: &str =
    "structure_id, professional_account_id, ends_on, expires_at_ms, added_by, added_at_ms";

/// Puts a professional on the structure's list, or changes their end date.
pub async fn put_authorised(ex: impl Into<Ex<'_>>, a: &AuthorisedRow) -> Result<(), StoreError> {
    Query::new(format!(
        "INSERT INTO structure_authorised_professionals ({AUTHORISED_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (structure_id, professional_account_id) DO UPDATE SET \
         ends_on = excluded.ends_on, expires_at_ms = excluded.expires_at_ms, \
         added_by = excluded.added_by, added_at_ms = excluded.added_at_ms"
    ))
    .bind(&a.structure_id)
    .bind(&a.professional_account_id)
    .bind(&a.ends_on)
    .bind(a.expires_at_ms)
    .bind(&a.added_by)
    .bind(a.added_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

/// Takes a professional off the list; false when they were not on it.
pub async fn remove_authorised(
    ex: impl Into<Ex<'_>>,
    structure_id: &StructureId,
    professional: &AccountId,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "DELETE FROM structure_authorised_professionals \
         WHERE structure_id = $1 AND professional_account_id = $2",
    )
    .bind(structure_id)
    .bind(professional)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

pub async fn authorised(
    ex: impl Into<Ex<'_>>,
    structure_id: &StructureId,
    professional: &AccountId,
) -> Result<Option<AuthorisedRow>, StoreError> {
    Query::new(format!(
        "SELECT {AUTHORISED_COLUMNS} FROM structure_authorised_professionals \
         WHERE structure_id = $1 AND professional_account_id = $2"
    ))
    .bind(structure_id)
    .bind(professional)
    .fetch_optional(ex)
    .await
}

/// The structure's list, expired entries included, by end date.
pub async fn authorised_of_structure(
    ex: impl Into<Ex<'_>>,
    structure_id: &StructureId,
) -> Result<Vec<AuthorisedRow>, StoreError> {
    Query::new(format!(
        "SELECT {AUTHORISED_COLUMNS} FROM structure_authorised_professionals \
         WHERE structure_id = $1 ORDER BY expires_at_ms, professional_account_id"
    ))
    .bind(structure_id)
    .fetch_all(ex)
    .await
}

/// The distinct documents of `patient` read (permitted) under `action` in the name of
/// `professional` since `from_ms`, from the audit.
pub async fn documents_read_since(
    ex: impl Into<Ex<'_>>,
    professional: &AccountId,
    patient: &PatientId,
    action: &str,
    from_ms: i64,
) -> Result<Vec<DocumentId>, StoreError> {
    let rows: Vec<(DocumentId,)> = Query::new(
        "SELECT DISTINCT document_id FROM audit_events WHERE on_behalf_of = $1 AND action = $2 \
         AND outcome = 'permit' AND at_ms >= $3 AND patient_id = $4 AND document_id IS NOT NULL",
    )
    .bind(professional)
    .bind(action)
    .bind(from_ms)
    .bind(patient)
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
