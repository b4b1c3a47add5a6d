//! The health profile of a record (issue 17, item 7; `mds_domain::profile`): read, added to
//! and removed from through the record's gate like every other request on a record.
//!
//! Contract:
//! - Reading asks the policy for `ReadProfile`. The patient (or their representative) reads
//!   it all; a health professional with an access reads it all under the care team or a
//!   consent, and only its emergency sections under an emergency access (break-glass, SAMU).
//!   Each read is audited (`profile.read`, the scope and the number of entries shown, never
//!   their content); a professional's read is an access told to the patient like a document
//!   read (`audit_record_read`).
//! - Adding asks `AddProfileEntry` with the entry's section (a professional: vaccinations and
//!   measurements only, under the feeding rules of documents); the entry is checked
//!   (`Entry::checked`, French message on refusal), stored with its author's name, and its
//!   event (`profile.add`, with the section) commits with it. A section holding one position
//!   (organ donation, directives) loses its previous entry in the same transaction.
//! - Removing asks `RemoveProfileEntry` with the entry's author: the patient removes anything,
//!   a professional only what they added. An entry of another record, or none, is `NotFound`.
//! - The decision is taken again on the facts read inside the write's transaction, so a block
//!   or an end of access that lands meanwhile wins.

use super::gate::Gate;
use crate::patients::identity::PatientBanner;
use crate::{Actor, App, AppError};
use mds_domain::profile::{Entry, Section};
use mds_domain::{AccountId, ActorKind, PatientId, ProfileEntryId, Timestamp};
use mds_policy::{AccessMode, Action, Decision, Mode};
use mds_store::profile::{self as store, ProfileRow};
use mds_store::{documents, patients, Tx};
use serde::Serialize;

/// What of the profile a reader sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProfileScope {
    /// Every section.
    Full,
    /// The emergency sections only (an emergency access).
    Emergency,
}

impl ProfileScope {
    fn of(mode: Mode) -> Self {
        match mode {
            Mode::Professional(AccessMode::BreakGlass | AccessMode::Samu) => Self::Emergency,
            _ => Self::Full,
        }
    }

    pub fn shows(self, section: Section) -> bool {
        self == Self::Full || section.emergency()
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Emergency => "emergency",
        }
    }
}

/// One entry as shown.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = ProfileEntryOut)]
pub struct ProfileEntry {
    #[schema(value_type = String)]
    pub id: ProfileEntryId,
    /// The entry, tagged by `kind` (allergy, treatment, condition, contact, organ_donation,
    /// advance_directives, vaccination, measurement).
    #[schema(value_type = Object)]
    pub entry: Entry,
    /// One line in French.
    pub summary: String,
    /// Who wrote it, as named when they wrote.
    pub author_name: String,
    /// Written by a professional (vaccinations and measurements).
    pub by_professional: bool,
    /// Written by the reader: they may remove it.
    pub mine: bool,
    pub recorded_at_ms: i64,
}

impl ProfileEntry {
    fn of(row: ProfileRow, reader: &AccountId) -> Self {
        Self {
            summary: row.entry.summary_fr(),
            mine: &row.author_account_id == reader,
            by_professional: row.author_kind != ActorKind::Patient,
            id: row.id,
            entry: row.entry,
            author_name: row.author_name,
            recorded_at_ms: row.recorded_at_ms,
        }
    }
}

/// One section with its entries (oldest first).
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = ProfileSectionOut)]
pub struct ProfileSection {
    #[schema(value_type = String)]
    pub section: Section,
    pub label: String,
    pub emergency: bool,
    pub entries: Vec<ProfileEntry>,
}

/// The profile as one reader may see it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = HealthProfileOut)]
pub struct HealthProfile {
    #[schema(value_type = String)]
    pub patient_id: PatientId,
    pub scope: ProfileScope,
    /// The sections shown, emergency first; every section of the scope, empty or not.
    pub sections: Vec<ProfileSection>,
    /// Which sections the reader may add to.
    #[schema(value_type = Vec<String>)]
    pub may_add: Vec<Section>,
    /// Who the record is, for the professional portal's banner (not sent by the API, whose
    /// client named the record).
    #[serde(skip)]
    pub banner: Option<PatientBanner>,
}

impl HealthProfile {
    pub fn section(&self, section: Section) -> Option<&ProfileSection> {
        self.sections.iter().find(|s| s.section == section)
    }

    pub fn entry_count(&self) -> usize {
        self.sections.iter().map(|s| s.entries.len()).sum()
    }
}

/// The profile's rows as `reader` sees them under `scope`.
fn shape(
    patient_id: PatientId,
    rows: Vec<ProfileRow>,
    scope: ProfileScope,
    reader: &AccountId,
    may_add: Vec<Section>,
) -> HealthProfile {
    let mut sections: Vec<ProfileSection> = Section::ALL
        .into_iter()
        .filter(|s| scope.shows(*s))
        .map(|section| ProfileSection {
            section,
            label: section.label_fr().to_owned(),
            emergency: section.emergency(),
            entries: Vec::new(),
        })
        .collect();
    for row in rows {
        let section = row.entry.section();
        if let Some(s) = sections.iter_mut().find(|s| s.section == section) {
            s.entries.push(ProfileEntry::of(row, reader));
        }
    }
    for s in &mut sections {
        s.entries.sort_by(|a, b| {
            a.entry
                .day()
                .cmp(&b.entry.day())
                .then(a.recorded_at_ms.cmp(&b.recorded_at_ms))
        });
    }
    HealthProfile {
        patient_id,
        scope,
        sections,
        may_add,
        banner: None,
    }
}

fn today(now: Timestamp) -> Result<mds_domain::profile::Day, AppError> {
    now.noumea_date()
        .map(mds_domain::profile::Day)
        .ok_or_else(|| AppError::Internal("clock out of range".to_owned()))
}

impl Gate<'_> {
    /// The sections this actor may add to, as the policy says now.
    fn profile_sections_open(&self) -> Vec<Section> {
        Section::ALL
            .into_iter()
            .filter(|&section| self.decide(Action::AddProfileEntry { section }).is_permit())
            .collect()
    }
}

impl App {
    /// The patient, their representative, or a health professional with an access. The
    /// profile as the policy lets the actor see it; audited.
    pub async fn health_profile(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<HealthProfile, AppError> {
        let name = "profile.read";
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let (permit, mut ev) = gate
            .authorize(self, Action::ReadProfile, name, serde_json::Value::Null)
            .await?;
        let scope = ProfileScope::of(permit.mode());
        let rows = store::for_patient(&self.db, gate.patient_id()).await?;
        let reader = policy_author(&gate);
        let mut profile = shape(
            gate.patient.id.clone(),
            rows,
            scope,
            &reader,
            gate.profile_sections_open(),
        );
        profile.banner = Some(PatientBanner::of(&gate.patient));
        ev.detail = serde_json::json!({
            "scope": scope.as_str(), "entries": profile.entry_count(),
        });
        self.audit_record_read(&gate, ev, now).await?;
        Ok(profile)
    }

    /// The patient (any section), their representative, or a health professional with an
    /// access (vaccinations and measurements). Adds a checked entry with its author's name.
    pub async fn add_profile_entry(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        entry: Entry,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<ProfileEntry, AppError> {
        let name = "profile.add";
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let section = entry.section();
        let action = Action::AddProfileEntry { section };
        let (_, ev) = gate
            .authorize(
                self,
                action.clone(),
                name,
                serde_json::json!({ "section": section.as_str() }),
            )
            .await?;
        let entry = entry
            .checked(today(now)?)
            .map_err(|e| AppError::invalid("profile_entry_invalid", e.to_string()))?;
        if let Entry::AdvanceDirectives {
            document_id: Some(id),
            ..
        } = &entry
        {
            let known = documents::by_id(&self.db, id)
                .await?
                .is_some_and(|d| &d.patient_id == gate.patient_id());
            if !known {
                return Err(AppError::invalid(
                    "profile_document_unknown",
                    "Ce document n'est pas dans le dossier.",
                ));
            }
        }
        let author = policy_author(&gate);
        let row = ProfileRow {
            id: ProfileEntryId::from_uuid_text(mds_store::new_id()),
            patient_id: gate.patient.id.clone(),
            entry,
            author_account_id: author.clone(),
            author_kind: if gate.actor.professional().is_some() {
                ActorKind::Professional
            } else {
                ActorKind::Patient
            },
            author_name: actor.display_name.clone(),
            recorded_at_ms: now.millis(),
        };
        let mut ev = ev;
        ev.detail = serde_json::json!({ "section": section.as_str(), "entry_id": row.id });
        let mut tx = self.db.begin().await?;
        self.decide_again(&mut tx, &gate, action, now).await?;
        if section.single() {
            store::clear_section(&mut tx, gate.patient_id(), section).await?;
        }
        store::insert(&mut tx, &row).await?;
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(ProfileEntry::of(row, &author))
    }

    /// The patient or their representative (any entry), or the professional who added it.
    pub async fn remove_profile_entry(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        entry_id: &ProfileEntryId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let name = "profile.remove";
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let Some(row) = store::one(&self.db, gate.patient_id(), entry_id).await? else {
            let detail = serde_json::json!({ "requested_entry_id": entry_id });
            return Err(gate
                .unknown(self, name, "profile.entry_unknown", detail)
                .await);
        };
        let section = row.entry.section();
        let action = Action::RemoveProfileEntry {
            section,
            author: row.author_account_id.clone(),
        };
        let detail = serde_json::json!({ "section": section.as_str(), "entry_id": row.id });
        let (_, ev) = gate.authorize(self, action.clone(), name, detail).await?;
        let mut tx = self.db.begin().await?;
        self.decide_again(&mut tx, &gate, action, now).await?;
        if !store::remove(&mut tx, gate.patient_id(), entry_id).await? {
            return Err(AppError::NotFound);
        }
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The decision taken again on the facts as `tx` reads them.
    async fn decide_again(
        &self,
        tx: &mut Tx,
        gate: &Gate<'_>,
        action: Action,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let patient = patients::by_id(&mut *tx, gate.patient_id())
            .await?
            .ok_or(AppError::NotFound)?;
        let professional = gate.actor.professional().map(|p| p.account.clone());
        let (facts, _) = self
            .load_facts_in(&mut *tx, &patient, professional.as_ref(), now)
            .await?;
        let request = gate.request(action.clone());
        match super::gate::decide_counted(&request, &facts, now) {
            Decision::Permit(_) => Ok(()),
            Decision::Deny(d) => Err(gate.denial_error(&action, d.rule, d.reason)),
        }
    }
}

/// Whose name an entry carries: the professional whose rights apply, else the account.
fn policy_author(gate: &Gate<'_>) -> AccountId {
    match gate.actor.professional() {
        Some(p) => p.account.clone(),
        None => gate.account.account_id.clone(),
    }
}
