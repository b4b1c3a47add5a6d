//! What is asked: who acts (and for whom), which action, on which record and document. Plain
//! data filled in by the caller from the authenticated session; nothing here decides.

use mds_domain::profile::Section;
use mds_domain::{AccountId, DocumentId, DocumentStatus, PatientId, Profession, StructureId};

/// The facts about a professional that the decision needs, whoever carries the request
/// (the professional, their assistant, or their structure's software).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfessionalActor {
    pub account: AccountId,
    pub profession: Profession,
    /// The structure the professional acts from, if any (a liberal professional may have none).
    pub structure: Option<StructureId>,
    /// Holds the SAMU regulator role (a médecin of the regulation centre).
    pub samu_regulator: bool,
}

/// Who acts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A patient account; it acts only on the record it owns.
    Patient {
        account: AccountId,
    },
    Professional(ProfessionalActor),
    /// Non-medical staff acting in the name of one professional: may only add, never read.
    Assistant {
        account: AccountId,
        professional: ProfessionalActor,
    },
    /// The MDS support service: never reads medical content.
    Support {
        account: AccountId,
    },
    /// A structure's information system acting in the name of a named professional of that
    /// structure; decided as that professional, once membership is checked.
    Software {
        structure: StructureId,
        professional: ProfessionalActor,
    },
}

impl Actor {
    /// The professional whose rights apply, for every actor that acts as one.
    pub fn professional(&self) -> Option<&ProfessionalActor> {
        match self {
            Self::Professional(p)
            | Self::Assistant {
                professional: p, ..
            }
            | Self::Software {
                professional: p, ..
            } => Some(p),
            Self::Patient { .. } | Self::Support { .. } => None,
        }
    }
}

/// What the store knows about the document an action targets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentFacts {
    pub id: DocumentId,
    /// The record the document belongs to.
    pub patient: PatientId,
    /// The account in whose name the document was deposited: the author professional when an
    /// assistant or a structure's software uploaded it, the patient for their own uploads.
    pub depositor: Option<AccountId>,
    pub type_code: String,
    /// Masked from professionals (by the patient, or by a professional at their request).
    pub confidential: bool,
    /// Hidden from the patient until an announcement consultation.
    pub hidden_from_patient: bool,
    pub status: DocumentStatus,
}

/// What the actor wants to do. Actions on one document carry that document's facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `confirms_patient_informed`: the professional confirms now that the patient was informed
    /// (needed the first time a professional feeds a record).
    AddDocument {
        confirms_patient_informed: bool,
    },
    ReadDocument(DocumentFacts),
    /// Deposit a new version replacing this one.
    ModifyDocument(DocumentFacts),
    /// List the record's documents; each entry is then filtered with `visible_in_list`.
    ListDocuments,
    DeleteDocument(DocumentFacts),
    ManageCareTeam,
    RequestConsent,
    OpenBreakGlass {
        reason: String,
    },
    OpenSamuAccess {
        call_reference: String,
    },
    Block,
    Unblock,
    SetEmergencySettings,
    MaskDocument(DocumentFacts),
    UnmaskDocument(DocumentFacts),
    /// Mask every document of the record from professionals, in one action.
    MaskAll,
    SetHiddenFromPatient(DocumentFacts),
    LiftHiddenFromPatient(DocumentFacts),
    RecordFeedingOpposition,
    LiftFeedingOpposition,
    ReadHistory,
    Export,
    Close,
    /// Read the record's health profile (what of it: the permit's mode says).
    ReadProfile,
    /// Add an entry to a section of the health profile.
    AddProfileEntry {
        section: Section,
    },
    /// Remove an entry of the health profile, written by `author`.
    RemoveProfileEntry {
        section: Section,
        author: AccountId,
    },
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::AddDocument { .. } => ActionKind::AddDocument,
            Self::ReadDocument(_) => ActionKind::ReadDocument,
            Self::ModifyDocument(_) => ActionKind::ModifyDocument,
            Self::ListDocuments => ActionKind::ListDocuments,
            Self::DeleteDocument(_) => ActionKind::DeleteDocument,
            Self::ManageCareTeam => ActionKind::ManageCareTeam,
            Self::RequestConsent => ActionKind::RequestConsent,
            Self::OpenBreakGlass { .. } => ActionKind::OpenBreakGlass,
            Self::OpenSamuAccess { .. } => ActionKind::OpenSamuAccess,
            Self::Block => ActionKind::Block,
            Self::Unblock => ActionKind::Unblock,
            Self::SetEmergencySettings => ActionKind::SetEmergencySettings,
            Self::MaskDocument(_) => ActionKind::MaskDocument,
            Self::UnmaskDocument(_) => ActionKind::UnmaskDocument,
            Self::MaskAll => ActionKind::MaskAll,
            Self::SetHiddenFromPatient(_) => ActionKind::SetHiddenFromPatient,
            Self::LiftHiddenFromPatient(_) => ActionKind::LiftHiddenFromPatient,
            Self::RecordFeedingOpposition => ActionKind::RecordFeedingOpposition,
            Self::LiftFeedingOpposition => ActionKind::LiftFeedingOpposition,
            Self::ReadHistory => ActionKind::ReadHistory,
            Self::Export => ActionKind::Export,
            Self::Close => ActionKind::Close,
            Self::ReadProfile => ActionKind::ReadProfile,
            Self::AddProfileEntry { .. } => ActionKind::AddProfileEntry,
            Self::RemoveProfileEntry { .. } => ActionKind::RemoveProfileEntry,
        }
    }

    /// The document the action targets, if it targets one.
    pub fn document(&self) -> Option<&DocumentFacts> {
        match self {
            Self::ReadDocument(d)
            | Self::ModifyDocument(d)
            | Self::DeleteDocument(d)
            | Self::MaskDocument(d)
            | Self::UnmaskDocument(d)
            | Self::SetHiddenFromPatient(d)
            | Self::LiftHiddenFromPatient(d) => Some(d),
            _ => None,
        }
    }
}

/// The action without its data: for audit lines and for what a permit covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    AddDocument,
    ReadDocument,
    ModifyDocument,
    ListDocuments,
    DeleteDocument,
    ManageCareTeam,
    RequestConsent,
    OpenBreakGlass,
    OpenSamuAccess,
    Block,
    Unblock,
    SetEmergencySettings,
    MaskDocument,
    UnmaskDocument,
    MaskAll,
    SetHiddenFromPatient,
    LiftHiddenFromPatient,
    RecordFeedingOpposition,
    LiftFeedingOpposition,
    ReadHistory,
    Export,
    Close,
    ReadProfile,
    AddProfileEntry,
    RemoveProfileEntry,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AddDocument => "add_document",
            Self::ReadDocument => "read_document",
            Self::ModifyDocument => "modify_document",
            Self::ListDocuments => "list_documents",
            Self::DeleteDocument => "delete_document",
            Self::ManageCareTeam => "manage_care_team",
            Self::RequestConsent => "request_consent",
            Self::OpenBreakGlass => "open_break_glass",
            Self::OpenSamuAccess => "open_samu_access",
            Self::Block => "block",
            Self::Unblock => "unblock",
            Self::SetEmergencySettings => "set_emergency_settings",
            Self::MaskDocument => "mask_document",
            Self::UnmaskDocument => "unmask_document",
            Self::MaskAll => "mask_all",
            Self::SetHiddenFromPatient => "set_hidden_from_patient",
            Self::LiftHiddenFromPatient => "lift_hidden_from_patient",
            Self::RecordFeedingOpposition => "record_feeding_opposition",
            Self::LiftFeedingOpposition => "lift_feeding_opposition",
            Self::ReadHistory => "read_history",
            Self::Export => "export",
            Self::Close => "close",
            Self::ReadProfile => "read_profile",
            Self::AddProfileEntry => "add_profile_entry",
            Self::RemoveProfileEntry => "remove_profile_entry",
        }
    }
}

/// One request to decide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub actor: Actor,
    pub action: Action,
    /// The record acted on.
    pub record: PatientId,
}
