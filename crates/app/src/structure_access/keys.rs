//! Support registers the public keys of a structure's software (a JWK or a JWKS, on one of
//! the structure's credentials) or its TLS client certificate (a PEM, see `certificates`),
//! lists them and revokes them. Several keys may be active at once, each with its own `kid`:
//! a software rotates by registering the new key, switching, then having the old one
//! revoked. Every change is audited.

use super::certificates::{self, CERTIFICATE_ALG};
use super::jws;
use crate::{Actor, App, AppError};
use mds_audit::{NewEvent, Outcome};
use mds_domain::{AccountKind, CredentialState, StructureId, Timestamp};
use mds_store::structure_access::{self as rows, KeyRow};
use mds_store::structure_credentials as creds;
use mds_store::{new_id, StoreError};
use serde::Serialize;

/// A registered public key as support sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyView {
    pub id: String,
    pub credential_id: String,
    pub structure_id: StructureId,
    pub kid: String,
    /// ES256, ES384 or RS384; `x509` for a TLS client certificate.
    pub alg: String,
    /// RFC 7638 SHA-256 thumbprint, base64url; for a certificate, the SHA-256 of its DER
    /// (`x5t#S256`).
    pub thumbprint: String,
    /// active or revoked.
    pub state: CredentialState,
    pub created_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
}

impl From<KeyRow> for KeyView {
    fn from(k: KeyRow) -> Self {
        Self {
            id: k.id,
            credential_id: k.credential_id,
            structure_id: k.structure_id,
            kid: k.kid,
            alg: k.alg,
            thumbprint: k.thumbprint,
            state: k.state,
            created_at_ms: k.created_at_ms,
            revoked_at_ms: k.revoked_at_ms,
        }
    }
}

fn support_event(actor: &Actor, action: &str, structure: &StructureId) -> NewEvent {
    NewEvent {
        actor_id: Some(actor.account_id.to_string()),
        structure_id: Some(structure.to_string()),
        ..NewEvent::new(actor.kind.into(), action, Outcome::Success)
    }
}

impl App {
    /// Support only. Registers the public key(s) of `jwks` (a JWK or a JWKS), or the TLS
    /// client certificate it holds (PEM), for the software of credential `credential_id`;
    /// all or none. A `kid` the credential already used, even for a revoked key, is
    /// refused, and so is a certificate registered before, on any credential.
    pub async fn register_structure_keys(
        &self,
        actor: &Actor,
        credential_id: &str,
        jwks: &str,
        now: Timestamp,
    ) -> Result<Vec<KeyView>, AppError> {
        actor.require(AccountKind::Support)?;
        let keys: Vec<(String, String, String, String)> = if certificates::is_pem_certificate(jwks)
        {
            let c = certificates::parse_certificate(jwks)
                .map_err(|e| AppError::invalid("invalid_certificate", e.0))?;
            vec![(c.kid, CERTIFICATE_ALG.to_owned(), c.json, c.thumbprint)]
        } else {
            jws::parse_jwk_set(jwks)
                .map_err(|e| AppError::invalid("invalid_jwk", e.0))?
                .into_iter()
                .map(|k| (k.kid, k.alg.as_str().to_owned(), k.json, k.thumbprint))
                .collect()
        };
        let c = creds::by_id(&self.db, credential_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if c.state != CredentialState::Active || now.millis() >= c.expires_at_ms {
            return Err(AppError::conflict(
                "credential_not_active",
                "Cet accès logiciel est révoqué ou arrivé à échéance.",
            ));
        }
        let new_keys: Vec<KeyRow> = keys
            .into_iter()
            .map(|(kid, alg, jwk, thumbprint)| KeyRow {
                id: new_id(),
                credential_id: c.id.clone(),
                structure_id: c.structure_id.clone(),
                kid,
                alg,
                jwk,
                thumbprint,
                state: CredentialState::Active,
                created_by: actor.account_id.clone(),
                created_at_ms: now.millis(),
                revoked_by: None,
                revoked_at_ms: None,
            })
            .collect();
        let mut tx = self.db.begin().await?;
        for k in &new_keys {
            match rows::insert_key(&mut tx, k).await {
                Ok(()) => {}
                Err(StoreError::Conflict(_)) if k.alg == CERTIFICATE_ALG => {
                    tx.rollback().await?;
                    return Err(AppError::conflict(
                        "duplicate_certificate",
                        "Ce certificat est déjà enregistré (un certificat révoqué le reste) : \
                         le logiciel doit en présenter un nouveau.",
                    ));
                }
                Err(StoreError::Conflict(_)) => {
                    tx.rollback().await?;
                    return Err(AppError::conflict(
                        "duplicate_kid",
                        format!(
                            "Ce logiciel a déjà une clé « {} » : choisissez un autre « kid ».",
                            k.kid
                        ),
                    ));
                }
                Err(e) => return Err(e.into()),
            }
        }
        let detail = serde_json::json!({
            "credential_id": c.id,
            "keys": new_keys.iter().map(|k| serde_json::json!({
                "key_id": k.id, "kid": k.kid, "alg": k.alg, "thumbprint": k.thumbprint,
            })).collect::<Vec<_>>(),
        });
        let ev = NewEvent {
            detail,
            ..support_event(actor, "structure_software.key.register", &c.structure_id)
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(new_keys.into_iter().map(Into::into).collect())
    }

    /// Support only. The keys of a structure's software, revoked ones included.
    pub async fn list_structure_keys(
        &self,
        actor: &Actor,
        structure_id: &StructureId,
    ) -> Result<Vec<KeyView>, AppError> {
        actor.require(AccountKind::Support)?;
        Ok(rows::keys_of_structure(&self.db, structure_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Support only. Revokes a key: its assertions are refused and the access tokens it
    /// obtained end at once.
    pub async fn revoke_structure_key(
        &self,
        actor: &Actor,
        key_id: &str,
        now: Timestamp,
    ) -> Result<(), AppError> {
        actor.require(AccountKind::Support)?;
        let mut tx = self.db.begin().await?;
        let key = rows::key_by_id(&mut tx, key_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !rows::revoke_key(&mut tx, key_id, &actor.account_id, now.millis()).await? {
            return Err(AppError::conflict(
                "key_already_revoked",
                "Cette clé est déjà révoquée.",
            ));
        }
        let detail = serde_json::json!({
            "credential_id": key.credential_id, "key_id": key.id, "kid": key.kid,
        });
        let ev = NewEvent {
            detail,
            ..support_event(actor, "structure_software.key.revoke", &key.structure_id)
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }
}
