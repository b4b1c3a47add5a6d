//! Structure software (DESIGN.md 7, the DMP's "AIR simplifié"): credentials created and
//! revoked by support, and authentication of a software acting in the name of a named
//! professional of its structure. What it may then do to a record is `record::preload`.

use crate::secrets::{random_token, token_hash};
use crate::{Actor, App, AppError, SoftwareAgent};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{AccountId, AccountKind, AccountState, CredentialState, StructureId, Timestamp};
use mds_store::structure_credentials::{self as creds, CredentialRow};
use mds_store::{accounts, directory, new_id};
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
        }
    }
}

/// A new credential and its secret, shown once.
#[derive(Clone, Debug, Serialize)]
pub struct CreatedCredential {
    pub credential: CredentialView,
    pub token: String,
}

fn support_event(actor: &Actor, action: &str, structure_id: &StructureId) -> NewEvent {
    NewEvent {
        actor_id: Some(actor.account_id.to_string()),
        structure_id: Some(structure_id.to_string()),
        ..NewEvent::new(actor.kind.into(), action, Outcome::Success)
    }
}

impl App {
    /// Support only. Creates a credential for a structure's software; the secret is returned
    /// once and only its hash is kept.
    pub async fn create_software_credential(
        &self,
        actor: &Actor,
        structure_id: &StructureId,
        label: &str,
        now: Timestamp,
    ) -> Result<CreatedCredential, AppError> {
        actor.require(AccountKind::Support)?;
        let label = label.trim();
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
        };
        let mut tx = self.db.begin().await?;
        creds::insert(&mut tx, &row).await?;
        let ev = NewEvent {
            detail: serde_json::json!({ "credential_id": row.id, "label": row.label }),
            ..support_event(actor, "structure_software.credential.create", structure_id)
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(CreatedCredential {
            credential: row.into(),
            token,
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

    /// Authenticates a structure's software acting for `professional_account_id`. An
    /// unknown or revoked secret is `Unauthenticated`; a professional who is not an active
    /// member of the credential's structure is `Forbidden` (and audited).
    pub async fn authenticate_software(
        &self,
        token: &str,
        professional_account_id: &AccountId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Actor, AppError> {
        if !token.starts_with(TOKEN_PREFIX) {
            return Err(AppError::Unauthenticated);
        }
        let Some(c) = creds::by_token_hash(&self.db, &token_hash(token)).await? else {
            return Err(AppError::Unauthenticated);
        };
        let refuse = |reason: &str| NewEvent {
            actor_id: Some(c.id.to_string()),
            structure_id: Some(c.structure_id.to_string()),
            on_behalf_of: Some(professional_account_id.to_string()),
            rule: Some(format!("software.{reason}")),
            ip: ip.clone(),
            ..NewEvent::new(
                ActorKind::StructureSoftware,
                "software.authenticate",
                Outcome::Deny,
            )
        };
        if c.state != CredentialState::Active {
            mds_audit::record(&self.db, refuse("credential_revoked"), now.millis()).await?;
            return Err(AppError::Unauthenticated);
        }
        let account = accounts::by_id(&self.db, professional_account_id).await?;
        let pro = directory::professional(&self.db, professional_account_id).await?;
        let (account, reason) = match (account, pro) {
            (Some(a), Some(p)) if !p.structure_ids.contains(&c.structure_id) => {
                (Some(a), "not_structure_member")
            }
            (Some(a), Some(_)) if a.state != AccountState::Active => {
                (Some(a), "professional_inactive")
            }
            (Some(a), Some(_)) => (Some(a), ""),
            _ => (None, "unknown_professional"),
        };
        let Some(account) = account.filter(|_| reason.is_empty()) else {
            mds_audit::record(&self.db, refuse(reason), now.millis()).await?;
            return Err(AppError::Forbidden);
        };
        Ok(Actor {
            account_id: account.id,
            kind: AccountKind::Professional,
            display_name: format!("{} ({})", account.display_name, c.label),
            session_hash: String::new(),
            software: Some(SoftwareAgent {
                credential_id: c.id,
                structure_id: c.structure_id,
                label: c.label,
            }),
        })
    }
}
