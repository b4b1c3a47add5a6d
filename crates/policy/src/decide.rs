//! `decide(request, facts, now)`: the single place where MDS says yes or no. Pure: the facts
//! and the time arrive as arguments; nothing here reads a clock, a database or a file.

use crate::decision::{Decision, Denial, Permit};
use crate::facts::{Facts, RecordFacts};
use crate::matrix::{CellOutcome, MatrixAction, MatrixCell, MatrixColumn};
use crate::mode::{access_mode, AccessMode, Mode};
use crate::request::{Action, Actor, DocumentFacts, ProfessionalActor, Request};
use crate::rule::Rule;
use mds_domain::{AccountId, AccountState, DocumentStatus, PatientId, Timestamp};

/// A break-glass reason must be at least a sentence: this many characters (after trimming)…
pub const BREAK_GLASS_REASON_MIN_CHARS: usize = 15;
/// …and this many words containing a letter or digit.
pub const BREAK_GLASS_REASON_MIN_WORDS: usize = 3;
/// A SAMU call reference is a non-blank line of at most this many characters.
pub const SAMU_CALL_REFERENCE_MAX_CHARS: usize = 64;

pub fn is_valid_break_glass_reason(reason: &str) -> bool {
    let reason = reason.trim();
    let words = reason
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    reason.chars().count() >= BREAK_GLASS_REASON_MIN_CHARS && words >= BREAK_GLASS_REASON_MIN_WORDS
}

pub fn is_valid_samu_call_reference(reference: &str) -> bool {
    let reference = reference.trim();
    !reference.is_empty()
        && reference.chars().count() <= SAMU_CALL_REFERENCE_MAX_CHARS
        && !reference.chars().any(char::is_control)
}

/// Decides one request. Every outcome, permit or denial, carries the mode and the rule, to be
/// written in the audit.
pub fn decide(request: &Request, facts: &Facts<'_>, now: Timestamp) -> Decision {
    let ctx = Ctx::new(&request.actor, &request.action, &request.record, facts, now);
    ctx.decide()
}

/// `decide(...).into_result()`: the only way to obtain a [`Permit`].
pub fn authorize(request: &Request, facts: &Facts<'_>, now: Timestamp) -> Result<Permit, Denial> {
    decide(request, facts, now).into_result()
}

/// One decision being taken.
pub(crate) struct Ctx<'a, 'p> {
    pub(crate) actor: &'a Actor,
    action: &'a Action,
    record: &'a PatientId,
    pub(crate) facts: &'a Facts<'p>,
    pub(crate) mode: Mode,
    now: Timestamp,
}

impl<'a, 'p> Ctx<'a, 'p> {
    pub(crate) fn new(
        actor: &'a Actor,
        action: &'a Action,
        record: &'a PatientId,
        facts: &'a Facts<'p>,
        now: Timestamp,
    ) -> Self {
        let mode = match actor {
            Actor::Patient { account }
                if facts.record.owner.as_ref() != Some(account)
                    && facts.representation_of(account).is_some() =>
            {
                Mode::Representative
            }
            Actor::Patient { .. } => Mode::Patient,
            Actor::Support { .. } => Mode::Support,
            Actor::Professional(p)
            | Actor::Assistant {
                professional: p, ..
            }
            | Actor::Software {
                professional: p, ..
            } => Mode::Professional(access_mode(p, facts, now)),
        };
        Self {
            actor,
            action,
            record,
            facts,
            mode,
            now,
        }
    }

    fn permit(&self, rule: Rule) -> Decision {
        self.permit_as(rule, false)
    }

    fn permit_as(&self, rule: Rule, as_depositor: bool) -> Decision {
        Decision::Permit(Permit::new(
            self.mode,
            rule,
            as_depositor,
            self.action.kind(),
            self.record.clone(),
            self.action.document().map(|d| d.id.clone()),
        ))
    }

    fn deny(&self, rule: Rule) -> Decision {
        Decision::Deny(Denial::new(self.mode, rule))
    }

    pub(crate) fn decide(&self) -> Decision {
        if &self.facts.record.patient != self.record {
            return self.deny(Rule::RequestInconsistent);
        }
        if self
            .action
            .document()
            .is_some_and(|d| &d.patient != self.record)
        {
            return self.deny(Rule::DocumentOtherRecord);
        }
        match self.actor {
            Actor::Patient { account } => self.patient(account),
            Actor::Professional(p) => self.professional(p),
            Actor::Assistant { professional, .. } => match self.action {
                Action::AddDocument { .. } => self.professional(professional),
                _ => self.deny(Rule::AssistantAddOnly),
            },
            Actor::Support { .. } => self.support(),
            Actor::Software {
                structure,
                professional,
            } => {
                if professional.structure.as_ref() == Some(structure) {
                    self.professional(professional)
                } else {
                    self.deny(Rule::SoftwareNotStructureMember)
                }
            }
        }
    }

    fn patient(&self, account: &AccountId) -> Decision {
        let record = &self.facts.record;
        if record.owner.as_ref() != Some(account) {
            return self.representative(account);
        }
        let closed = match record.state {
            AccountState::Active => None,
            AccountState::Inactive => Some(Rule::PatientNoPortal),
            other => closed_to_professionals(other),
        };
        if let Some(rule) = closed {
            return self.deny(rule);
        }
        self.patient_rights(account)
    }

    /// A legal representative acts with the patient's rights while the representation runs
    /// and the record is open — a record without a portal account included (a minor's, most
    /// often); never on the record of a person who died.
    fn representative(&self, account: &AccountId) -> Decision {
        let Some(r) = self.facts.representation_of(account) else {
            return self.deny(Rule::PatientNotOwner);
        };
        if !crate::facts::is_unexpired(r.ends_at, self.now) {
            return self.deny(Rule::RepresentationEnded);
        }
        let record = &self.facts.record;
        let open = matches!(record.state, AccountState::Active | AccountState::Inactive);
        if !open || record.deceased {
            return self.deny(Rule::RepresentationRecordClosed);
        }
        self.patient_rights(account)
    }

    /// What the holder of a record (or their representative) may do on it.
    fn patient_rights(&self, account: &AccountId) -> Decision {
        let column = MatrixColumn::Patient;
        let deposited = |d: &DocumentFacts| d.depositor.as_ref() == Some(account);
        match self.action {
            Action::AddDocument { .. } => self.add(column, None),
            Action::ReadDocument(d) => {
                self.document_access(MatrixAction::Read, column, d, account, None)
            }
            Action::ModifyDocument(d) => self.modify(column, d, deposited(d), None),
            Action::ListDocuments => self.list(column),
            Action::DeleteDocument(d) => self.delete(column, d, deposited(d)),
            Action::MaskDocument(d) | Action::UnmaskDocument(d) => {
                let read = self.document_access(MatrixAction::Read, column, d, account, None);
                if read.is_permit() {
                    self.permit(Rule::PatientControl)
                } else {
                    read
                }
            }
            Action::ManageCareTeam
            | Action::Block
            | Action::Unblock
            | Action::SetEmergencySettings
            | Action::MaskAll
            | Action::ReadHistory
            | Action::Export
            | Action::Close
            | Action::ReadProfile
            | Action::AddProfileEntry { .. }
            | Action::RemoveProfileEntry { .. } => self.permit(Rule::PatientControl),
            Action::RequestConsent
            | Action::OpenBreakGlass { .. }
            | Action::OpenSamuAccess { .. }
            | Action::SetHiddenFromPatient(_)
            | Action::LiftHiddenFromPatient(_)
            | Action::RecordFeedingOpposition
            | Action::LiftFeedingOpposition => self.deny(Rule::ProfessionalOnly),
        }
    }

    fn professional(&self, p: &ProfessionalActor) -> Decision {
        if let Some(rule) = closed_to_professionals(self.facts.record.state) {
            return self.deny(rule);
        }
        let mode = match self.mode {
            Mode::Professional(mode) => mode,
            Mode::Patient | Mode::Representative | Mode::Support => AccessMode::NoAccess,
        };
        if mode == AccessMode::Blocked {
            return self.deny(Rule::Blocked);
        }
        if self.facts.record.limited && !limitation_allows(self.action, mode) {
            return self.deny(Rule::RecordLimited);
        }
        let column = mode.column();
        let deposited = |d: &DocumentFacts| d.depositor.as_ref() == Some(&p.account);
        let settings = self.facts.emergency_settings;
        match self.action {
            Action::AddDocument {
                confirms_patient_informed,
            } => {
                let decision = self.add(column, Some(&p.account));
                if decision.is_permit()
                    && !confirms_patient_informed
                    && !self.facts.was_informed_by(&p.account)
                {
                    return self.deny(Rule::InformationDutyNotConfirmed);
                }
                decision
            }
            Action::ReadDocument(d) => {
                self.document_access(MatrixAction::Read, column, d, &p.account, Some(p))
            }
            Action::ModifyDocument(d) => self.modify(column, d, deposited(d), Some(&p.account)),
            Action::ListDocuments => self.list(column),
            Action::DeleteDocument(d) => self.delete(column, d, deposited(d)),
            Action::ManageCareTeam => self.deny(Rule::CareTeamPatientOrSupport),
            Action::RequestConsent => self.permit(Rule::ConsentRequest),
            Action::OpenBreakGlass { reason } => {
                if !p.profession.is_health() {
                    self.deny(Rule::BreakGlassNotHealthProfessional)
                } else if settings.oppose_break_glass {
                    self.deny(Rule::BreakGlassOpposed)
                } else if !is_valid_break_glass_reason(reason) {
                    self.deny(Rule::BreakGlassReasonInsufficient)
                } else {
                    self.permit(Rule::BreakGlassOpen)
                }
            }
            Action::OpenSamuAccess { call_reference } => {
                if !(p.samu_regulator && p.profession.is_health()) {
                    self.deny(Rule::SamuNotRegulator)
                } else if settings.oppose_samu {
                    self.deny(Rule::SamuOpposed)
                } else if !is_valid_samu_call_reference(call_reference) {
                    self.deny(Rule::SamuCallReferenceRequired)
                } else {
                    self.permit(Rule::SamuOpen)
                }
            }
            Action::MaskDocument(d) => {
                let read = self.document_access(MatrixAction::Read, column, d, &p.account, Some(p));
                if read.is_permit() {
                    self.permit(Rule::MaskAtPatientRequest)
                } else {
                    read
                }
            }
            // An inactive record has no portal: its patient asks a professional who may read
            // the document (its depositor, since a masked document is confidential) to unmask
            // it. On an active record the patient does it from their portal.
            Action::UnmaskDocument(d) if self.facts.record.state == AccountState::Inactive => {
                let read = self.document_access(MatrixAction::Read, column, d, &p.account, Some(p));
                if read.is_permit() {
                    self.permit(Rule::MaskAtPatientRequest)
                } else {
                    read
                }
            }
            Action::SetHiddenFromPatient(d) | Action::LiftHiddenFromPatient(d) => {
                if d.status == DocumentStatus::Deleted {
                    self.deny(Rule::DocumentDeleted)
                } else if deposited(d) {
                    self.permit(Rule::HiddenFromPatientByDepositor)
                } else {
                    self.deny(Rule::HiddenFromPatientDepositorOnly)
                }
            }
            Action::RecordFeedingOpposition | Action::LiftFeedingOpposition => {
                self.permit(Rule::FeedingOppositionManaged)
            }
            Action::ReadProfile => self.profile(p, mode),
            Action::AddProfileEntry { section } => {
                let read = self.profile(p, mode);
                if !read.is_permit() {
                    read
                } else if !section.professional_may_add() {
                    self.deny(Rule::ProfilePatientSection)
                } else if let Some(rule) = self.feeding_refusal(Some(&p.account)) {
                    self.deny(rule)
                } else {
                    read
                }
            }
            Action::RemoveProfileEntry { author, .. } => {
                let read = self.profile(p, mode);
                if read.is_permit() && author != &p.account {
                    self.deny(Rule::ProfileAuthorOnly)
                } else {
                    read
                }
            }
            Action::Block
            | Action::Unblock
            | Action::SetEmergencySettings
            | Action::UnmaskDocument(_)
            | Action::MaskAll
            | Action::ReadHistory
            | Action::Export
            | Action::Close => self.deny(Rule::PatientOnly),
        }
    }

    fn support(&self) -> Decision {
        let state = self.facts.record.state;
        match self.action {
            Action::ManageCareTeam if state == AccountState::Inactive => {
                self.permit(Rule::SupportControl)
            }
            Action::ManageCareTeam => self.deny(Rule::SupportCareTeamInactiveOnly),
            Action::Close => match state {
                AccountState::Active | AccountState::Inactive | AccountState::Pending => {
                    self.permit(Rule::SupportControl)
                }
                AccountState::Closed | AccountState::Suspended => self.deny(Rule::RecordClosed),
                AccountState::Erased => self.deny(Rule::RecordErased),
            },
            Action::AddDocument { .. }
            | Action::ReadDocument(_)
            | Action::ModifyDocument(_)
            | Action::ListDocuments
            | Action::DeleteDocument(_)
            | Action::MaskDocument(_)
            | Action::UnmaskDocument(_)
            | Action::SetHiddenFromPatient(_)
            | Action::LiftHiddenFromPatient(_)
            | Action::ReadHistory
            | Action::Export
            | Action::ReadProfile
            | Action::AddProfileEntry { .. }
            | Action::RemoveProfileEntry { .. } => self.deny(Rule::SupportNoMedicalContent),
            Action::RequestConsent
            | Action::OpenBreakGlass { .. }
            | Action::OpenSamuAccess { .. }
            | Action::Block
            | Action::Unblock
            | Action::SetEmergencySettings
            | Action::MaskAll
            | Action::RecordFeedingOpposition
            | Action::LiftFeedingOpposition => self.deny(Rule::SupportNotAllowed),
        }
    }

    /// The health profile is open to a health professional with an access to the record, in
    /// any of its modes; what an emergency access shows of it is the emergency sections
    /// (`mds_domain::profile::Section::emergency`), which the caller reads from the permit's
    /// mode.
    fn profile(&self, p: &ProfessionalActor, mode: AccessMode) -> Decision {
        let with_access = matches!(
            mode,
            AccessMode::CareTeam
                | AccessMode::Consented
                | AccessMode::BreakGlass
                | AccessMode::Samu
        );
        if with_access && p.profession.is_health() {
            self.permit(Rule::ProfileAccess)
        } else {
            self.deny(Rule::ProfileNoAccess)
        }
    }

    /// The matrix cell applied as is.
    fn matrix(
        &self,
        action: MatrixAction,
        column: MatrixColumn,
        document: Option<&DocumentFacts>,
        is_depositor: bool,
    ) -> Decision {
        let cell = self.facts.policy.matrix.cell(action, column);
        let rule = Rule::Matrix { action, cell };
        match cell.evaluate(document, is_depositor) {
            CellOutcome::Allowed => self.permit(rule),
            CellOutcome::AllowedAsDepositor => self.permit_as(rule, true),
            CellOutcome::Refused => self.deny(rule),
        }
    }

    /// Adding content (a first document or a new version): nothing goes into the record of a
    /// deceased patient or of an unvalidated identity, nor from a professional the patient
    /// opposed.
    fn feeding_refusal(&self, feeder: Option<&AccountId>) -> Option<Rule> {
        let record = &self.facts.record;
        if record.deceased {
            Some(Rule::RecordDeceased)
        } else if !record.identity_validated {
            Some(Rule::IdentityNotValidated)
        } else if feeder.is_some_and(|f| self.facts.opposes_feeding_by(f)) {
            Some(Rule::FeedingOpposed)
        } else {
            None
        }
    }

    fn add(&self, column: MatrixColumn, feeder: Option<&AccountId>) -> Decision {
        let decision = self.matrix(MatrixAction::Add, column, None, false);
        match self.feeding_refusal(feeder) {
            Some(rule) if decision.is_permit() => self.deny(rule),
            _ => decision,
        }
    }

    fn modify(
        &self,
        column: MatrixColumn,
        d: &DocumentFacts,
        is_depositor: bool,
        feeder: Option<&AccountId>,
    ) -> Decision {
        match d.status {
            DocumentStatus::Deleted => return self.deny(Rule::DocumentDeleted),
            DocumentStatus::Superseded => return self.deny(Rule::DocumentSuperseded),
            DocumentStatus::Current => {}
        }
        let decision = self.matrix(MatrixAction::Modify, column, Some(d), is_depositor);
        match self.feeding_refusal(feeder) {
            Some(rule) if decision.is_permit() => self.deny(rule),
            _ => decision,
        }
    }

    fn delete(&self, column: MatrixColumn, d: &DocumentFacts, is_depositor: bool) -> Decision {
        if d.status == DocumentStatus::Deleted {
            return self.deny(Rule::DocumentDeleted);
        }
        self.matrix(MatrixAction::Delete, column, Some(d), is_depositor)
    }

    /// Listing as a whole: refused only where the cell is `no`; entries are then filtered
    /// one by one (`visible_in_list`).
    fn list(&self, column: MatrixColumn) -> Decision {
        let cell = self.facts.policy.matrix.cell(MatrixAction::List, column);
        let rule = Rule::Matrix {
            action: MatrixAction::List,
            cell,
        };
        if cell == MatrixCell::No {
            self.deny(rule)
        } else {
            self.permit(rule)
        }
    }

    /// Reading a document, or seeing it in a list: the matrix cell, then (for professionals)
    /// the attending-physician setting and the habilitation, which never restricts a
    /// professional's own deposits.
    pub(crate) fn document_access(
        &self,
        action: MatrixAction,
        column: MatrixColumn,
        d: &DocumentFacts,
        actor_account: &AccountId,
        reader: Option<&ProfessionalActor>,
    ) -> Decision {
        if d.status == DocumentStatus::Deleted {
            return self.deny(Rule::DocumentDeleted);
        }
        let is_depositor = d.depositor.as_ref() == Some(actor_account);
        let policy = self.facts.policy;
        let habilitated = |p: &ProfessionalActor| {
            is_depositor || policy.habilitation.allows(p.profession, &d.type_code)
        };
        let decision = self.matrix(action, column, Some(d), is_depositor);
        let Some(p) = reader else {
            return decision;
        };
        if !decision.is_permit() {
            let cell = policy.matrix.cell(action, column);
            let attending_override = cell == MatrixCell::UnlessConfidentialAndNotDepositor
                && policy.settings.attending_physician_sees_confidential
                && self.facts.is_attending_physician(&p.account);
            if !attending_override {
                return decision;
            }
            if !habilitated(p) {
                return self.deny(Rule::HabilitationTypeNotOpen);
            }
            return self.permit(Rule::AttendingPhysicianSeesConfidential);
        }
        if habilitated(p) {
            decision
        } else {
            self.deny(Rule::HabilitationTypeNotOpen)
        }
    }
}

/// Whether a record can receive documents at all, whoever feeds it: the part of the add
/// decision that depends on the record alone (open, patient alive, identity validated). The
/// service's own deposits (demo data, benchmarks), which have no actor to decide for, ask this.
pub fn record_accepts_documents(record: &RecordFacts) -> Result<(), Rule> {
    if let Some(rule) = closed_to_professionals(record.state) {
        return Err(rule);
    }
    if record.deceased {
        Err(Rule::RecordDeceased)
    } else if !record.identity_validated {
        Err(Rule::IdentityNotValidated)
    } else {
        Ok(())
    }
}

/// What a professional may still do on a limited record: open an emergency access (with its
/// usual conditions), read through one, and record or lift a feeding opposition (which only
/// protects the patient). Nothing else: no deposit, no consent request, no other read.
fn limitation_allows(action: &Action, mode: AccessMode) -> bool {
    let emergency = matches!(mode, AccessMode::BreakGlass | AccessMode::Samu);
    match action {
        Action::OpenBreakGlass { .. }
        | Action::OpenSamuAccess { .. }
        | Action::RecordFeedingOpposition
        | Action::LiftFeedingOpposition => true,
        Action::ReadDocument(_) | Action::ListDocuments | Action::ReadProfile => emergency,
        _ => false,
    }
}

/// Records that are not open to professionals (nor to their patient): pending, closed,
/// erased. `suspended` is a staff state and is treated as closed.
fn closed_to_professionals(state: AccountState) -> Option<Rule> {
    match state {
        AccountState::Active | AccountState::Inactive => None,
        AccountState::Pending => Some(Rule::RecordPending),
        AccountState::Closed | AccountState::Suspended => Some(Rule::RecordClosed),
        AccountState::Erased => Some(Rule::RecordErased),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn break_glass_reason_needs_a_sentence() {
        assert!(is_valid_break_glass_reason(
            "Patient inconscient aux urgences"
        ));
        assert!(is_valid_break_glass_reason("  Arrêt cardiaque en salle  "));
        assert!(!is_valid_break_glass_reason(""));
        assert!(!is_valid_break_glass_reason("urgence"));
        assert!(!is_valid_break_glass_reason("urgenceurgenceurgence"));
        assert!(!is_valid_break_glass_reason("a b c"));
        assert!(!is_valid_break_glass_reason("urgence  -----  !!!!!"));
        // exactly 15 characters and 3 words
        assert!(is_valid_break_glass_reason("abcd efgh ijklm"));
        assert!(!is_valid_break_glass_reason("abcd efgh ijkl"));
    }

    /// (state, deceased, identity validated) → what a deposit with no actor meets.
    const ACCEPTS_DOCUMENTS: &[(AccountState, bool, bool, Result<(), Rule>)] = &[
        (AccountState::Active, false, true, Ok(())),
        (AccountState::Inactive, false, true, Ok(())),
        (
            AccountState::Active,
            false,
            false,
            Err(Rule::IdentityNotValidated),
        ),
        (AccountState::Active, true, true, Err(Rule::RecordDeceased)),
        (AccountState::Active, true, false, Err(Rule::RecordDeceased)),
        (AccountState::Pending, false, true, Err(Rule::RecordPending)),
        (AccountState::Closed, false, true, Err(Rule::RecordClosed)),
        (
            AccountState::Suspended,
            false,
            true,
            Err(Rule::RecordClosed),
        ),
        (AccountState::Erased, false, true, Err(Rule::RecordErased)),
        // the record's state is checked before the patient's life and identity
        (AccountState::Erased, true, false, Err(Rule::RecordErased)),
    ];

    #[test]
    fn record_accepts_documents_by_its_facts_alone() {
        for (state, deceased, identity_validated, expected) in ACCEPTS_DOCUMENTS {
            let record = RecordFacts {
                patient: PatientId::named("0b0f3c1e-8a54-4c2f-9d59-6f1e2a7b9c10"),
                owner: None,
                state: *state,
                identity_validated: *identity_validated,
                deceased: *deceased,
                limited: false,
            };
            assert_eq!(
                record_accepts_documents(&record),
                *expected,
                "{state:?} deceased={deceased} validated={identity_validated}"
            );
        }
    }

    #[test]
    fn samu_call_reference_is_a_short_line() {
        assert!(is_valid_samu_call_reference("SAMU-2026-000123"));
        assert!(!is_valid_samu_call_reference("   "));
        assert!(!is_valid_samu_call_reference("a\nb"));
        assert!(!is_valid_samu_call_reference(&"9".repeat(65)));
        assert!(is_valid_samu_call_reference(&"9".repeat(64)));
    }
}
