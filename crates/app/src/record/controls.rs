//! The controls over a record (DESIGN.md 4.3): care team and attending physician, blocking,
//! feeding opposition, masking from professionals and hiding from the patient (emergency
//! settings and accesses are `record::emergency`). Each asks the policy through the record's gate,
//! writes its change and its audit event in one transaction, and answers `NotFound` for what
//! the actor may not see.

use super::gate::{Change, Gate};
use crate::{Actor, App, AppError};
use mds_audit::NewEvent;
use mds_domain::{
    AccountId, AccountState, DocumentId, DocumentStatus, PatientId, Profession, Timestamp,
};
use mds_policy::{Action, Actor as PolicyActor};
use mds_store::record_access::{self, PairTable};
use mds_store::{care_team, directory, documents};
use serde::Serialize;

/// One member of a care team.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = CareTeamOut)]
pub struct CareTeamEntry {
    #[schema(value_type = String)]
    pub professional_account_id: AccountId,
    pub name: String,
    /// Profession slug (`medecin`, `infirmier`…); null if the professional left the directory.
    #[schema(value_type = Option<String>)]
    pub profession: Option<Profession>,
    pub attending_physician: bool,
    pub added_at_ms: i64,
}

/// The audit action name and policy action of a pair control. The information duty is not
/// one: it is recorded only by the deposit that confirms it, in the deposit's transaction.
fn pair_action(table: PairTable, add: bool) -> Option<(&'static str, Action)> {
    Some(match (table, add) {
        (PairTable::Blocks, true) => ("record.block", Action::Block),
        (PairTable::Blocks, false) => ("record.unblock", Action::Unblock),
        (PairTable::FeedingOppositions, true) => (
            "record.feeding_opposition.record",
            Action::RecordFeedingOpposition,
        ),
        (PairTable::FeedingOppositions, false) => (
            "record.feeding_opposition.lift",
            Action::LiftFeedingOpposition,
        ),
        (PairTable::InformationDuty, _) => return None,
    })
}

impl App {
    /// Commits `ev` (a permit) after `change` ran in the same transaction.
    pub(super) async fn commit_with(
        &self,
        mut tx: mds_store::Tx,
        ev: NewEvent,
        now: Timestamp,
    ) -> Result<(), AppError> {
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A professional account in any state (a block is lifted even while its professional is
    /// suspended), or `unknown_professional`.
    async fn known_professional(
        &self,
        account_id: &AccountId,
    ) -> Result<directory::ProfessionalRow, AppError> {
        let unknown = || AppError::invalid("unknown_professional", "Professionnel inconnu.");
        directory::professional(&self.db, account_id)
            .await?
            .ok_or_else(unknown)
    }

    /// An active professional account named by a control, or `unknown_professional`.
    async fn active_professional(
        &self,
        account_id: &AccountId,
    ) -> Result<directory::ProfessionalRow, AppError> {
        let unknown = || {
            AppError::invalid(
                "unknown_professional",
                "Professionnel inconnu ou dont le compte n'est pas actif.",
            )
        };
        let p = directory::professional(&self.db, account_id)
            .await?
            .ok_or_else(unknown)?;
        if p.state != AccountState::Active {
            return Err(unknown());
        }
        Ok(p)
    }

    /// The patient (active account) or support (inactive account). The care team.
    pub async fn care_team(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Vec<CareTeamEntry>, AppError> {
        let name = "care_team.read";
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let (_, ev) = gate
            .authorize(self, Action::ManageCareTeam, name, serde_json::Value::Null)
            .await?;
        self.record_event(ev, now.millis()).await?;
        let mut out = Vec::new();
        for m in care_team::members(&self.db, gate.patient_id()).await? {
            let p = directory::professional(&self.db, &m.professional_account_id).await?;
            out.push(CareTeamEntry {
                name: p
                    .as_ref()
                    .map(|p| format!("{} {}", p.first_name, p.last_name))
                    .unwrap_or_default(),
                profession: p.map(|p| p.profession),
                professional_account_id: m.professional_account_id,
                attending_physician: m.attending_physician,
                added_at_ms: m.added_at_ms,
            });
        }
        Ok(out)
    }

    /// The patient (active account) or support (inactive account). Adds a professional with
    /// an active account to the care team, optionally as declared attending physician.
    pub async fn add_to_care_team(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        professional_account_id: &AccountId,
        attending_physician: bool,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let name = "care_team.add";
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let detail = serde_json::json!({
            "professional_account_id": professional_account_id,
            "attending_physician": attending_physician,
        });
        let (_, ev) = gate
            .authorize(self, Action::ManageCareTeam, name, detail)
            .await?;
        self.active_professional(professional_account_id).await?;
        let mut tx = self.db.begin().await?;
        let member = care_team::CareTeamMember {
            patient_id: gate.patient_id().clone(),
            professional_account_id: professional_account_id.clone(),
            attending_physician: false,
            added_by: actor.account_id.clone(),
            added_at_ms: now.millis(),
        };
        care_team::add(&mut tx, &member).await?;
        if attending_physician {
            care_team::set_attending(&mut tx, gate.patient_id(), Some(professional_account_id))
                .await?;
        }
        self.commit_with(tx, ev, now).await
    }

    /// The patient (active account) or support (inactive account). Removes a professional
    /// from the care team.
    pub async fn remove_from_care_team(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        professional_account_id: &AccountId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let name = "care_team.remove";
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let detail = serde_json::json!({ "professional_account_id": professional_account_id });
        let (_, ev) = gate
            .authorize(self, Action::ManageCareTeam, name, detail)
            .await?;
        let mut tx = self.db.begin().await?;
        if !care_team::remove(&mut tx, gate.patient_id(), professional_account_id).await? {
            return Err(AppError::NotFound);
        }
        self.commit_with(tx, ev, now).await
    }

    /// The patient (active account) or support (inactive account). Declares which care-team
    /// member is the attending physician (`None`: nobody).
    pub async fn declare_attending_physician(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        professional_account_id: Option<&AccountId>,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let name = "care_team.attending_physician";
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let detail = serde_json::json!({ "professional_account_id": professional_account_id });
        let (_, ev) = gate
            .authorize(self, Action::ManageCareTeam, name, detail)
            .await?;
        if let Some(p) = professional_account_id {
            let members = care_team::members(&self.db, gate.patient_id()).await?;
            if !members.iter().any(|m| &m.professional_account_id == p) {
                return Err(AppError::invalid(
                    "not_in_care_team",
                    "Le médecin traitant doit d'abord faire partie de l'équipe de soins.",
                ));
            }
        }
        let mut tx = self.db.begin().await?;
        care_team::set_attending(&mut tx, gate.patient_id(), professional_account_id).await?;
        self.commit_with(tx, ev, now).await
    }

    /// Blocks/unblocks (the patient, any professional) or records/lifts an opposition to
    /// feeding (a professional, about themselves). Idempotent.
    #[allow(clippy::too_many_arguments)]
    async fn pair_control(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        table: PairTable,
        add: bool,
        professional_account_id: Option<&AccountId>,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let (name, action) = pair_action(table, add)
            .ok_or_else(|| AppError::Internal("not a pair control".into()))?;
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let professional = match professional_account_id {
            Some(p) => Some(p.clone()),
            None => gate.actor.professional().map(|p| p.account.clone()),
        };
        let detail = serde_json::json!({ "professional_account_id": professional });
        let (_, ev) = gate.authorize(self, action, name, detail).await?;
        let professional = professional
            .ok_or_else(|| AppError::invalid("unknown_professional", "Professionnel inconnu."))?;
        if table == PairTable::Blocks {
            if add {
                self.active_professional(&professional).await?;
            } else {
                self.known_professional(&professional).await?;
            }
        }
        let mut tx = self.db.begin().await?;
        if add {
            record_access::add_pair(
                &mut tx,
                table,
                gate.patient_id(),
                &professional,
                now.millis(),
            )
            .await?;
        } else {
            record_access::remove_pair(&mut tx, table, gate.patient_id(), &professional).await?;
        }
        self.commit_with(tx, ev, now).await
    }

    /// The patient. Blocks a professional (no reason asked); overrides every access mode.
    pub async fn block_professional(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        professional_account_id: &AccountId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        self.pair_control(
            actor,
            patient_id,
            PairTable::Blocks,
            true,
            Some(professional_account_id),
            ip,
            now,
        )
        .await
    }

    /// The patient. Lifts a block.
    pub async fn unblock_professional(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        professional_account_id: &AccountId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        self.pair_control(
            actor,
            patient_id,
            PairTable::Blocks,
            false,
            Some(professional_account_id),
            ip,
            now,
        )
        .await
    }

    /// A professional. Records that the patient opposes being fed by them (never a reason).
    pub async fn record_feeding_opposition(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        self.pair_control(
            actor,
            patient_id,
            PairTable::FeedingOppositions,
            true,
            None,
            ip,
            now,
        )
        .await
    }

    /// A professional. Lifts the patient's opposition to being fed by them.
    pub async fn lift_feeding_opposition(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        self.pair_control(
            actor,
            patient_id,
            PairTable::FeedingOppositions,
            false,
            None,
            ip,
            now,
        )
        .await
    }

    /// The patient (mask or unmask), or a professional who may read the document (mask only,
    /// at the patient's request, recorded as such). Masks a document from professionals.
    pub async fn set_document_masked(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        document_id: &DocumentId,
        masked: bool,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let name = if masked {
            "document.mask"
        } else {
            "document.unmask"
        };
        self.document_control(
            actor,
            patient_id,
            document_id,
            name,
            ip,
            now,
            |gate, facts| {
                if masked {
                    Action::MaskDocument(facts)
                } else {
                    let _ = gate;
                    Action::UnmaskDocument(facts)
                }
            },
        )
        .await
        .map(|_| ())
    }

    /// The patient. Masks every current document of the record from professionals.
    pub async fn mask_all_documents(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<u64, AppError> {
        self.mask_record(actor, patient_id, true, ip, now).await
    }

    /// The patient. Makes the documents they masked visible again to professionals, in one
    /// action (the counterpart of [`App::mask_all_documents`]; a mask a professional set is
    /// kept).
    pub async fn unmask_all_documents(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<u64, AppError> {
        self.mask_record(actor, patient_id, false, ip, now).await
    }

    /// The record-wide masking control, decided by `Action::MaskAll` in both directions (the
    /// patient only) and audited once with how many documents changed.
    async fn mask_record(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        mask: bool,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<u64, AppError> {
        let (name, counted) = if mask {
            ("document.mask_all", "masked")
        } else {
            ("document.unmask_all", "unmasked")
        };
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let (_, ev) = gate
            .authorize(self, Action::MaskAll, name, serde_json::Value::Null)
            .await?;
        let mut tx = self.db.begin().await?;
        let (pid, by) = (gate.patient_id(), &actor.account_id);
        let n = if mask {
            documents::mask_all(&mut tx, pid, by, now.millis()).await?
        } else {
            documents::unmask_all_by(&mut tx, pid, by).await?
        };
        let ev = NewEvent {
            detail: serde_json::json!({ counted: n }),
            ..ev
        };
        self.commit_with(tx, ev, now).await?;
        Ok(n)
    }

    /// The depositing professional. Hides a document from the patient until an announcement
    /// consultation, or lifts that.
    pub async fn set_hidden_from_patient(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        document_id: &DocumentId,
        hidden: bool,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let name = if hidden {
            "document.hide_from_patient"
        } else {
            "document.show_to_patient"
        };
        self.document_control(actor, patient_id, document_id, name, ip, now, |_, facts| {
            if hidden {
                Action::SetHiddenFromPatient(facts)
            } else {
                Action::LiftHiddenFromPatient(facts)
            }
        })
        .await
        .map(|_| ())
    }

    /// One permitted change of a document's flags, with its audit event.
    #[allow(clippy::too_many_arguments)]
    async fn document_control(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        document_id: &DocumentId,
        name: &str,
        ip: Option<String>,
        now: Timestamp,
        action: impl FnOnce(&Gate<'_>, mds_policy::DocumentFacts) -> Action,
    ) -> Result<(), AppError> {
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let row = self.document_row(&gate, document_id, name).await?;
        let (opened, ev) = gate
            .open_as::<Change>(self, row, name, serde_json::Value::Null, |facts| {
                action(&gate, facts)
            })
            .await?;
        let (row, kind) = (opened.row(), opened.permit().action());
        let by_professional = matches!(gate.actor, PolicyActor::Professional(_));
        let mut tx = self.db.begin().await?;
        use mds_policy::ActionKind as K;
        match kind {
            K::MaskDocument | K::UnmaskDocument => {
                documents::set_masked(
                    &mut tx,
                    &row.id,
                    kind == K::MaskDocument,
                    &actor.account_id,
                    by_professional,
                    now.millis(),
                )
                .await?;
            }
            K::SetHiddenFromPatient | K::LiftHiddenFromPatient => {
                let hide = kind == K::SetHiddenFromPatient;
                documents::set_hidden_from_patient(&mut tx, &row.id, hide).await?;
                if hide {
                    crate::information::notifications::hidden::add_hidden_timers(
                        &self.settings,
                        &mut tx,
                        row,
                    )
                    .await?;
                } else if row.hidden_from_patient && row.status == DocumentStatus::Current {
                    crate::information::notifications::hidden::document_shown(&mut tx, row, now)
                        .await?;
                }
            }
            _ => return Err(AppError::Internal("not a document control".into())),
        }
        let ev = NewEvent {
            detail: serde_json::json!({
                "at_patient_request": by_professional
                    && matches!(kind, K::MaskDocument | K::UnmaskDocument)
            }),
            ..ev
        };
        self.commit_with(tx, ev, now).await
    }
}
