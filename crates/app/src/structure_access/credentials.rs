//! Structure software (DESIGN.md 7, the DMP's "AIR simplifié"): credentials created and
//! revoked by support, each with an end date at most 3 years ahead (EXI 29), and the
//! authentication of a software presenting its credential secret in the name of a named
//! professional of its structure. Key pairs, access tokens, authorised professionals and
//! preload reads are beside it in `crate::structure_access`.

use super::end_date;
use crate::secrets::{random_token, token_hash};
use crate::{Actor, App, AppError};
use mds_audit::{NewEvent, Outcome};
use mds_domain::{AccountKind, CredentialState, StructureId, Timestamp};
use mds_store::structure_credentials::{self as creds, CredentialRow};
use mds_store::{directory, new_id};
use serde::Serialize;

/// Prefix of every structure software secret: tells it apart from a session token.
pub const TOKEN_PREFIX: &str = "mds-sw-";

/// A credential as support sees it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = CredentialOut)]
pub struct CredentialView {
    pub id: String,
    #[schema(value_type = String)]
    pub structure_id: StructureId,
    pub label: String,
    /// active or revoked.
    #[schema(value_type = String)]
    pub state: CredentialState,
    pub created_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
    /// Refused from this instant on: the end of its last day (New Caledonia).
    pub expires_at_ms: i64,
}

impl From<CredentialRow> for CredentialView {
    fn from(c: CredentialRow) -> Self {
        Self {
            id: c.id,
            structure_id: c.structure_id,
            label: c.label,
            state: c.state,
            created_at_ms: c.created_at_ms,
            revoked_at_ms: c.revoked_at_ms,
            expires_at_ms: c.expires_at_ms,
        }
    }
}

/// A new credential and its secret, shown once (`None` for a credential that
/// authenticates by its keys only).
#[derive(Clone, Debug, Serialize)]
pub struct CreatedCredential {
    pub credential: CredentialView,
    pub token: Option<String>,
}

/// What support gives a new credential.
#[derive(Clone, Debug, Default)]
pub struct NewCredential {
    /// What the software is, e.g. « DPI du CHT Gaston-Bourret ».
    pub label: String,
    /// Last day of validity (`YYYY-MM-DD`, New Caledonia), at most 3 years ahead (EXI 29).
    pub ends_on: String,
    /// Also issue a bearer secret (`mds-sw-…`); without it the software authenticates only
    /// with its registered keys at the token endpoint.
    pub with_secret: bool,
}

fn support_event(actor: &Actor, action: &str, structure_id: &StructureId) -> NewEvent {
    NewEvent {
        actor_id: Some(actor.account_id.to_string()),
        structure_id: Some(structure_id.to_string()),
        ..NewEvent::new(actor.kind.into(), action, Outcome::Success)
    }
}

impl App {
    /// Support only. Creates a credential for a structure's software, until an end date at
    /// most 3 years ahead; its id is the software's client id at the token endpoint. A
    /// secret, when asked for, is returned once and only its hash is kept.
    pub async fn create_software_credential(
        &self,
        actor: &Actor,
        structure_id: &StructureId,
        new: &NewCredential,
        now: Timestamp,
    ) -> Result<CreatedCredential, AppError> {
        actor.require(AccountKind::Support)?;
        let label = new.label.trim();
        if label.is_empty() || label.chars().count() > 200 || label.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "invalid_field",
                "Le champ « libellé » est obligatoire (200 caractères au plus).",
            ));
        }
        if directory::structure_by_id(&self.db, structure_id)
            .await?
            .is_none()
        {
            return Err(AppError::invalid(
                "unknown_structure",
                "Structure inconnue.",
            ));
        }
        let (_, expires_at_ms) = end_date(&new.ends_on, now)?;
        // A credential without a secret still has a unique hash: that of a secret nobody
        // ever sees.
        let token = format!("{TOKEN_PREFIX}{}", random_token());
        let row = CredentialRow {
            id: new_id(),
            structure_id: structure_id.clone(),
            label: label.to_owned(),
            token_hash: token_hash(&token),
            state: CredentialState::Active,
            created_by: actor.account_id.clone(),
            created_at_ms: now.millis(),
            revoked_by: None,
            revoked_at_ms: None,
            expires_at_ms,
        };
        let mut tx = self.db.begin().await?;
        creds::insert(&mut tx, &row).await?;
        let ev = NewEvent {
            detail: serde_json::json!({
                "credential_id": row.id, "label": row.label, "ends_on": new.ends_on.trim(),
                "secret": new.with_secret,
            }),
            ..support_event(actor, "structure_software.credential.create", structure_id)
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(CreatedCredential {
            credential: row.into(),
            token: new.with_secret.then_some(token),
        })
    }

    /// Support only. Revokes a credential: the software is refused from the next request.
    pub async fn revoke_software_credential(
        &self,
        actor: &Actor,
        credential_id: &str,
        now: Timestamp,
    ) -> Result<(), AppError> {
        actor.require(AccountKind::Support)?;
        let mut tx = self.db.begin().await?;
        let row = creds::by_id(&mut tx, credential_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !creds::revoke(&mut tx, credential_id, &actor.account_id, now.millis()).await? {
            return Err(AppError::conflict(
                "credential_already_revoked",
                "Cet accès logiciel est déjà révoqué.",
            ));
        }
        let ev = NewEvent {
            detail: serde_json::json!({ "credential_id": row.id }),
            ..support_event(
                actor,
                "structure_software.credential.revoke",
                &row.structure_id,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Support only. The credentials of a structure.
    pub async fn list_software_credentials(
        &self,
        actor: &Actor,
        structure_id: &StructureId,
    ) -> Result<Vec<CredentialView>, AppError> {
        actor.require(AccountKind::Support)?;
        Ok(creds::of_structure(&self.db, structure_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Structure software presenting its credential secret. Authenticates one call in the
    /// name of `professional` (an MDS account id or a professional number) who, the software
    /// asserts, signed in to it with two factors; the same checks as with an access token
    /// (`App::authenticate_structure_token`). An unknown, revoked or ended secret is
    /// `Unauthenticated`; a professional who may not be acted for is refused and audited.
    pub async fn authenticate_software(
        &self,
        token: &str,
        professional: &str,
        two_factor_asserted: bool,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Actor, AppError> {
        if !token.starts_with(TOKEN_PREFIX) {
            return Err(AppError::Unauthenticated);
        }
        let Some(c) = creds::by_token_hash(&self.db, &token_hash(token)).await? else {
            return Err(AppError::Unauthenticated);
        };
        let call = super::SoftwareCall {
            credential: &c,
            key_id: None,
            professional,
            two_factor_asserted,
            ip,
        };
        self.software_actor(call, now).await
    }
}
