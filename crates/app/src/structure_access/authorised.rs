//! Each structure's list of the professionals its software may act for (référentiel EXI 28),
//! each until an end date at most 3 years ahead. Support manages it; every change is
//! audited with the professional as its subject.

use super::end_date;
use crate::{Actor, App, AppError};
use mds_audit::{NewEvent, Outcome};
use mds_domain::{AccountId, AccountKind, StructureId, Timestamp};
use mds_store::directory;
use mds_store::structure_access::{self as rows, AuthorisedRow};
use serde::Serialize;

/// A professional on a structure's list, as support sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuthorisedView {
    pub structure_id: StructureId,
    pub professional_account_id: AccountId,
    /// « Jean Néa ».
    pub name: String,
    /// The professional number.
    pub professional_id: String,
    /// `YYYY-MM-DD`, included.
    pub ends_on: String,
    /// Whether the end date is past.
    pub ended: bool,
    pub added_at_ms: i64,
}

impl App {
    /// Support only. Puts the professional `professional` (account id or professional
    /// number), a member of the structure, on its software's list until `ends_on`
    /// (`YYYY-MM-DD`, from today to 3 years ahead), or changes their end date.
    pub async fn authorise_structure_professional(
        &self,
        actor: &Actor,
        structure_id: &StructureId,
        professional: &str,
        ends_on: &str,
        now: Timestamp,
    ) -> Result<AuthorisedView, AppError> {
        actor.require(AccountKind::Support)?;
        let (ends_on, expires_at_ms) = end_date(ends_on, now)?;
        if directory::structure_by_id(&self.db, structure_id)
            .await?
            .is_none()
        {
            return Err(AppError::invalid(
                "unknown_structure",
                "Structure inconnue.",
            ));
        }
        let p = self
            .professional_named(professional)
            .await?
            .filter(|p| p.structure_ids.contains(structure_id))
            .ok_or_else(|| {
                AppError::invalid(
                    "not_structure_member",
                    "Ce professionnel n'exerce pas dans cette structure.",
                )
            })?;
        let row = AuthorisedRow {
            structure_id: structure_id.clone(),
            professional_account_id: p.account_id.clone(),
            ends_on,
            expires_at_ms,
            added_by: actor.account_id.clone(),
            added_at_ms: now.millis(),
        };
        let mut tx = self.db.begin().await?;
        rows::put_authorised(&mut tx, &row).await?;
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            structure_id: Some(structure_id.to_string()),
            detail: serde_json::json!({
                "professional_account_id": p.account_id, "ends_on": row.ends_on,
            }),
            ..NewEvent::new(
                actor.kind.into(),
                "structure_software.professional.authorise",
                Outcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(AuthorisedView {
            structure_id: row.structure_id,
            professional_account_id: row.professional_account_id,
            name: format!("{} {}", p.first_name, p.last_name),
            professional_id: p.professional_id,
            ends_on: row.ends_on,
            ended: false,
            added_at_ms: row.added_at_ms,
        })
    }

    /// Support only. Takes a professional off the structure's list: its software may no
    /// longer act for them.
    pub async fn remove_structure_professional(
        &self,
        actor: &Actor,
        structure_id: &StructureId,
        professional: &AccountId,
        now: Timestamp,
    ) -> Result<(), AppError> {
        actor.require(AccountKind::Support)?;
        let mut tx = self.db.begin().await?;
        if !rows::remove_authorised(&mut tx, structure_id, professional).await? {
            return Err(AppError::NotFound);
        }
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            structure_id: Some(structure_id.to_string()),
            detail: serde_json::json!({ "professional_account_id": professional }),
            ..NewEvent::new(
                actor.kind.into(),
                "structure_software.professional.remove",
                Outcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Support only. A structure's list, ended entries included, soonest end first.
    pub async fn list_structure_professionals(
        &self,
        actor: &Actor,
        structure_id: &StructureId,
        now: Timestamp,
    ) -> Result<Vec<AuthorisedView>, AppError> {
        actor.require(AccountKind::Support)?;
        let list = rows::authorised_of_structure(&self.db, structure_id).await?;
        let mut out = Vec::with_capacity(list.len());
        for a in list {
            let p = directory::professional(&self.db, &a.professional_account_id).await?;
            let (name, number) = p.map_or_else(
                || (String::new(), String::new()),
                |p| {
                    (
                        format!("{} {}", p.first_name, p.last_name),
                        p.professional_id,
                    )
                },
            );
            out.push(AuthorisedView {
                structure_id: a.structure_id,
                professional_account_id: a.professional_account_id,
                name,
                professional_id: number,
                ends_on: a.ends_on,
                ended: now.millis() >= a.expires_at_ms,
                added_at_ms: a.added_at_ms,
            });
        }
        Ok(out)
    }
}
