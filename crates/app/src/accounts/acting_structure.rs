//! The structure a professional acts from (issue 15): one who works in several chooses it for
//! the session — at the start of their work, or when they move — and every audit event of the
//! session records it, as the patient's history then names it. Without a choice, their first
//! structure in identifier order. An assistant chooses among their professional's structures.
//! The choice is read with the session at every request (`App::authenticate`), and ignored
//! once the professional no longer works there.

use super::sign_in::auth_event;
use crate::{Actor, App, AppError};
use mds_audit::Outcome;
use mds_domain::{AccountKind, StructureId, Timestamp};
use mds_store::{directory, sessions};
use serde::Serialize;

/// A structure the session may act from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StructureChoice {
    pub id: StructureId,
    pub name: String,
    /// The one the session acts from now.
    pub current: bool,
}

impl App {
    /// Professionals and assistants in a portal or REST session: the structures they may act
    /// from, the current one marked.
    pub async fn structure_choices(&self, actor: &Actor) -> Result<Vec<StructureChoice>, AppError> {
        let professional = self.chooser(actor).await?;
        let current = actor
            .acting_professional
            .as_ref()
            .and_then(|p| p.structure.clone());
        let mut out = Vec::new();
        for id in professional.structure_ids {
            if let Some(s) = directory::structure_by_id(&self.db, &id).await? {
                out.push(StructureChoice {
                    current: current.as_ref() == Some(&s.id),
                    id: s.id,
                    name: s.name,
                });
            }
        }
        Ok(out)
    }

    /// Acts from `structure` for the rest of the session; audited (with the structure).
    pub async fn choose_structure(
        &self,
        actor: &Actor,
        structure: &StructureId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let professional = self.chooser(actor).await?;
        if !professional.structure_ids.contains(structure) {
            return Err(AppError::invalid(
                "unknown_structure",
                "Vous n'exercez pas dans cette structure.",
            ));
        }
        let mut tx = self.db.begin().await?;
        if !sessions::set_acting_structure(&mut tx, &actor.session_hash, structure).await? {
            return Err(AppError::Unauthenticated);
        }
        let ev = mds_audit::NewEvent {
            structure_id: Some(structure.to_string()),
            ..auth_event(
                "auth.structure.choose",
                Some((&actor.account_id, actor.kind)),
                Outcome::Success,
                ip,
                serde_json::json!({}),
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The professional whose structures a session chooses among: itself, or an assistant's
    /// professional. Not a structure's software (its structure is its credential's).
    async fn chooser(&self, actor: &Actor) -> Result<directory::ProfessionalRow, AppError> {
        if actor.software.is_some() || actor.session_hash.is_empty() {
            return Err(AppError::Forbidden);
        }
        let account = match actor.kind {
            AccountKind::Professional => actor.account_id.clone(),
            AccountKind::Assistant => {
                directory::assistant(&self.db, &actor.account_id)
                    .await?
                    .ok_or(AppError::Forbidden)?
                    .professional_account_id
            }
            _ => return Err(AppError::Forbidden),
        };
        directory::professional(&self.db, &account)
            .await?
            .ok_or(AppError::Forbidden)
    }
}
