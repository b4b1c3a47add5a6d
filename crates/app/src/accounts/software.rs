//! Structure software (DESIGN.md 7, the DMP's "AIR simplifié"): credentials created and
//! revoked by support, authentication of a software acting in the name of a named
//! professional of its structure, and the preload of several documents into one record with
//! the limits of section 7 (documents per patient per preload, distinct patients per
//! professional per 24 h). Each document still goes through the record's gate.

use crate::record::documents::{DocumentView, NewDocument};
use crate::secrets::{random_token, token_hash};
use crate::{Actor, App, AppError, SoftwareAgent};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{
    AccountId, AccountKind, AccountState, CredentialState, PatientId, StructureId, Timestamp,
};
use mds_policy::Action;
use mds_store::structure_credentials::{self as creds, CredentialRow};
use mds_store::{accounts, directory, new_id};
use serde::Serialize;

/// Prefix of every structure software secret: tells it apart from a session token.
pub const TOKEN_PREFIX: &str = "mds-sw-";
/// The audit action of a preload, whose permitted events the 24 h quota counts.
const PRELOAD_ACTION: &str = "document.preload";
const DAY_MS: i64 = 24 * 3_600_000;

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

/// The outcome of one document of a preload.
#[derive(Clone, Debug, Serialize)]
pub struct PreloadItem {
    pub index: usize,
    pub document: Option<DocumentView>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
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

    /// Structure software only. Adds several documents to one record in one request: at most
    /// `software_preload_max_documents`, and for at most `software_max_patients_24h`
    /// distinct patients per professional in 24 h (counted from the audit, in the
    /// transaction that records the preload). Each document then goes through the gate.
    pub async fn preload_documents(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        docs: Vec<NewDocument>,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Vec<PreloadItem>, AppError> {
        if actor.software.is_none() {
            return Err(AppError::Forbidden);
        }
        let max = self.settings.software_preload_max_documents;
        if docs.len() > max {
            return Err(too_many(max, docs.len()));
        }
        if docs.is_empty() {
            return Err(AppError::invalid(
                "preload_empty",
                "Le préchargement ne contient aucun document.",
            ));
        }
        let gate = self
            .gate(actor, patient_id, PRELOAD_ACTION, ip.clone(), now)
            .await?;
        let confirms = docs.iter().all(|d| d.confirms_patient_informed);
        let detail = serde_json::json!({ "documents": docs.len() });
        let (_permit, ev) = gate
            .authorize(
                self,
                Action::AddDocument {
                    confirms_patient_informed: confirms,
                },
                PRELOAD_ACTION,
                detail,
            )
            .await?;
        self.reserve_patient(actor, gate.patient_id(), ev, now)
            .await?;
        let mut out = Vec::with_capacity(docs.len());
        for (index, d) in docs.into_iter().enumerate() {
            let r = self
                .add_document(actor, patient_id, d, ip.clone(), now)
                .await;
            out.push(match r {
                Ok(v) => PreloadItem {
                    index,
                    document: Some(v),
                    error_code: None,
                    error_message: None,
                },
                Err(e) => PreloadItem {
                    index,
                    document: None,
                    error_code: Some(e.code().to_owned()),
                    error_message: Some(e.public_message()),
                },
            });
        }
        Ok(out)
    }

    /// Counts the distinct patients preloaded in the professional's name over 24 h and,
    /// within the limit, records this preload: one write transaction, so two concurrent
    /// preloads cannot both take the last place.
    async fn reserve_patient(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        ev: NewEvent,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let limit = self.settings.software_max_patients_24h;
        let pro = &actor.account_id;
        let mut tx = self.db.begin().await?;
        let seen = mds_store::supervision::distinct_patients_since(
            &mut tx,
            pro,
            PRELOAD_ACTION,
            now.millis() - DAY_MS + 1,
        )
        .await?;
        let known = seen.iter().any(|p| p == patient_id);
        if !known && seen.len() >= limit {
            tx.rollback().await?;
            let denied = NewEvent {
                outcome: Outcome::Deny,
                rule: Some("software.patient_limit".to_owned()),
                detail: serde_json::json!({ "limit": limit, "patients_24h": seen.len() }),
                ..ev
            };
            mds_audit::record(&self.db, denied, now.millis()).await?;
            return Err(AppError::invalid(
                "software_patient_limit",
                format!(
                    "Limite atteinte : un logiciel de structure alimente au plus {limit} dossiers \
                     de patients différents par professionnel sur 24 heures. Réessayez plus tard."
                ),
            ));
        }
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn too_many(max: usize, got: usize) -> AppError {
    AppError::invalid(
        "preload_too_many_documents",
        format!(
            "Un préchargement contient au plus {max} documents pour un même patient \
             ({got} reçus). Envoyez les suivants dans un autre préchargement."
        ),
    )
}
