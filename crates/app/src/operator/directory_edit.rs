//! Support corrects the directory: what it says of a professional (names, professional number,
//! profession, SAMU role, the structures they work in) and of a structure (name, kind,
//! commune; its RIDET number identifies it and stays). The same checks as at creation; each
//! change audited with the fields it changed and, for a professional, the profession and
//! structures before and after (directory data, never a patient's).
//!
//! A professional's rights follow at their next request: the profession and the structures are
//! read from the directory on every request (a session acting from a structure they left acts
//! from another of theirs). Their login and e-mail address are not changed here.

use super::directory::{
    duplicate_professional_id, profession_and_role, professional_number, required,
    structure_commune, structure_kind, support_event,
};
use crate::{Actor, App, AppError};
use mds_audit::NewEvent;
use mds_domain::{AccountId, AccountKind, StructureId, Timestamp};
use mds_store::{accounts, directory};
use serde::Deserialize;

/// What support may change of a professional.
#[derive(Clone, Debug, Deserialize)]
pub struct ProfessionalEdit {
    pub first_name: String,
    pub last_name: String,
    pub profession: String,
    pub professional_id: String,
    pub structure_ids: Vec<StructureId>,
    pub samu_regulator: bool,
}

/// What support may change of a structure.
#[derive(Clone, Debug, Deserialize)]
pub struct StructureEdit {
    pub name: String,
    pub kind: String,
    pub commune: String,
}

impl App {
    /// One structure of the directory (any signed-in account, as the list); `NotFound`
    /// unknown.
    pub async fn get_structure(
        &self,
        actor: &Actor,
        id: &StructureId,
    ) -> Result<directory::StructureRow, AppError> {
        let _ = actor;
        directory::structure_by_id(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Support only. Replaces what the directory says of a professional; unknown professional
    /// is `NotFound`. Nothing changed is not audited.
    pub async fn edit_professional(
        &self,
        actor: &Actor,
        account_id: &AccountId,
        e: ProfessionalEdit,
        now: Timestamp,
    ) -> Result<directory::ProfessionalRow, AppError> {
        actor.require(AccountKind::Support)?;
        let before = directory::professional(&self.db, account_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let (profession, samu_regulator) = profession_and_role(&e.profession, e.samu_regulator)?;
        let after = directory::ProfessionalRow {
            professional_id: professional_number(&e.professional_id)?,
            first_name: required(&e.first_name, "prénom")?,
            last_name: required(&e.last_name, "nom")?,
            profession,
            samu_regulator,
            structure_ids: self.known_structures(&e.structure_ids).await?,
            ..before.clone()
        };
        let changed = professional_changes(&before, &after);
        if changed.is_empty() {
            return Ok(after);
        }
        let mut tx = self.db.begin().await?;
        directory::update_professional(&mut tx, &after)
            .await
            .map_err(duplicate_professional_id)?;
        let display = format!("{} {}", after.first_name, after.last_name);
        accounts::set_display_name(&mut tx, account_id, &display, now.millis()).await?;
        let ev = NewEvent {
            detail: serde_json::json!({
                "account_id": account_id,
                "changed": changed,
                "profession": { "before": before.profession, "after": after.profession },
                "samu_regulator": { "before": before.samu_regulator, "after": after.samu_regulator },
                "structure_ids": { "before": before.structure_ids, "after": after.structure_ids },
            }),
            ..support_event(actor, "directory.professional.update")
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Support only. Replaces a structure's name, kind and commune; unknown structure is
    /// `NotFound`. Nothing changed is not audited.
    pub async fn edit_structure(
        &self,
        actor: &Actor,
        id: &StructureId,
        e: StructureEdit,
        now: Timestamp,
    ) -> Result<directory::StructureRow, AppError> {
        actor.require(AccountKind::Support)?;
        let before = directory::structure_by_id(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let after = directory::StructureRow {
            name: required(&e.name, "nom")?,
            kind: structure_kind(&e.kind)?,
            commune: structure_commune(&e.commune)?,
            ..before.clone()
        };
        let changed: Vec<&str> = [
            ("name", before.name != after.name),
            ("kind", before.kind != after.kind),
            ("commune", before.commune != after.commune),
        ]
        .into_iter()
        .filter_map(|(field, differs)| differs.then_some(field))
        .collect();
        if changed.is_empty() {
            return Ok(after);
        }
        let mut tx = self.db.begin().await?;
        directory::update_structure(&mut tx, &after).await?;
        let ev = NewEvent {
            structure_id: Some(id.to_string()),
            detail: serde_json::json!({ "changed": changed }),
            ..support_event(actor, "directory.structure.update")
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(after)
    }
}

/// The fields that differ, by their API names.
fn professional_changes(
    before: &directory::ProfessionalRow,
    after: &directory::ProfessionalRow,
) -> Vec<&'static str> {
    [
        ("first_name", before.first_name != after.first_name),
        ("last_name", before.last_name != after.last_name),
        (
            "professional_id",
            before.professional_id != after.professional_id,
        ),
        ("profession", before.profession != after.profession),
        (
            "samu_regulator",
            before.samu_regulator != after.samu_regulator,
        ),
        ("structure_ids", before.structure_ids != after.structure_ids),
    ]
    .into_iter()
    .filter_map(|(field, differs)| differs.then_some(field))
    .collect()
}
