//! The rules a decision can rest on: a stable identifier for the audit (never reworded once
//! released) and the plain-French sentence shown to the patient or the professional, with its
//! English beside it for the pages shown in English.

use crate::matrix::{MatrixAction, MatrixCell};
use crate::mode::{AccessMode, Mode};
use std::fmt;

/// Why a request was permitted or denied. `id()` is stable; see each variant's identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// `matrix.<action>.<cell>`, e.g. `matrix.read.unless_confidential_and_not_depositor`.
    Matrix {
        action: MatrixAction,
        cell: MatrixCell,
    },
    /// `blocked`
    Blocked,
    /// `habilitation.type_not_open`
    HabilitationTypeNotOpen,
    /// `attending_physician.sees_confidential` (only with the setting switched on)
    AttendingPhysicianSeesConfidential,
    /// `record.pending`
    RecordPending,
    /// `record.closed`
    RecordClosed,
    /// `record.erased`
    RecordErased,
    /// `record.deceased`
    RecordDeceased,
    /// `record.limited`
    RecordLimited,
    /// `record.identity_not_validated`
    IdentityNotValidated,
    /// `opposition.feeding`
    FeedingOpposed,
    /// `opposition.manage`
    FeedingOppositionManaged,
    /// `information_duty.not_confirmed`
    InformationDutyNotConfirmed,
    /// `document.deleted`
    DocumentDeleted,
    /// `document.superseded`
    DocumentSuperseded,
    /// `document.other_record`
    DocumentOtherRecord,
    /// `request.inconsistent` (facts about another record than the one asked for)
    RequestInconsistent,
    /// `patient.not_owner`
    PatientNotOwner,
    /// `patient.no_portal`
    PatientNoPortal,
    /// A legal representative whose representation has ended (its term passed, or support
    /// ended it).
    RepresentationEnded,
    /// A legal representative of a record that is closed, erased, pending, or of a person who
    /// died (heirs have their own path through support).
    RepresentationRecordClosed,
    /// `patient.control`
    PatientControl,
    /// `control.patient_only`
    PatientOnly,
    /// `control.professional_only`
    ProfessionalOnly,
    /// `assistant.add_only`
    AssistantAddOnly,
    /// `support.no_medical_content`
    SupportNoMedicalContent,
    /// `support.care_team_inactive_only`
    SupportCareTeamInactiveOnly,
    /// `support.control`
    SupportControl,
    /// `support.not_allowed`
    SupportNotAllowed,
    /// `software.not_structure_member`
    SoftwareNotStructureMember,
    /// `care_team.patient_or_support`
    CareTeamPatientOrSupport,
    /// `consent.request`
    ConsentRequest,
    /// `break_glass.not_health_professional`
    BreakGlassNotHealthProfessional,
    /// `break_glass.opposed`
    BreakGlassOpposed,
    /// `break_glass.reason_insufficient`
    BreakGlassReasonInsufficient,
    /// `break_glass.open`
    BreakGlassOpen,
    /// `samu.not_regulator`
    SamuNotRegulator,
    /// `samu.opposed`
    SamuOpposed,
    /// `samu.call_reference_required`
    SamuCallReferenceRequired,
    /// `samu.open`
    SamuOpen,
    /// `mask.at_patient_request`
    MaskAtPatientRequest,
    /// `hidden_from_patient.depositor`
    HiddenFromPatientByDepositor,
    /// `hidden_from_patient.depositor_only`
    HiddenFromPatientDepositorOnly,
    /// `profile.access`: a health professional with an access to the record reads its health
    /// profile (and adds vaccinations and measurements).
    ProfileAccess,
    /// `profile.no_access`
    ProfileNoAccess,
    /// `profile.patient_section`: only the patient writes this section.
    ProfilePatientSection,
    /// `profile.author_only`: a professional removes only what they added.
    ProfileAuthorOnly,
}

impl Rule {
    /// The stable identifier written in the audit.
    pub fn id(&self) -> String {
        self.to_string()
    }

    fn fixed_id(&self) -> &'static str {
        match self {
            Self::Matrix { .. } => "matrix",
            Self::Blocked => "blocked",
            Self::HabilitationTypeNotOpen => "habilitation.type_not_open",
            Self::AttendingPhysicianSeesConfidential => "attending_physician.sees_confidential",
            Self::RecordPending => "record.pending",
            Self::RecordClosed => "record.closed",
            Self::RecordErased => "record.erased",
            Self::RecordLimited => "record.limited",
            Self::RecordDeceased => "record.deceased",
            Self::IdentityNotValidated => "record.identity_not_validated",
            Self::FeedingOpposed => "opposition.feeding",
            Self::FeedingOppositionManaged => "opposition.manage",
            Self::InformationDutyNotConfirmed => "information_duty.not_confirmed",
            Self::DocumentDeleted => "document.deleted",
            Self::DocumentSuperseded => "document.superseded",
            Self::DocumentOtherRecord => "document.other_record",
            Self::RequestInconsistent => "request.inconsistent",
            Self::PatientNotOwner => "patient.not_owner",
            Self::PatientNoPortal => "patient.no_portal",
            Self::RepresentationEnded => "representation.ended",
            Self::RepresentationRecordClosed => "representation.record_closed",
            Self::PatientControl => "patient.control",
            Self::PatientOnly => "control.patient_only",
            Self::ProfessionalOnly => "control.professional_only",
            Self::AssistantAddOnly => "assistant.add_only",
            Self::SupportNoMedicalContent => "support.no_medical_content",
            Self::SupportCareTeamInactiveOnly => "support.care_team_inactive_only",
            Self::SupportControl => "support.control",
            Self::SupportNotAllowed => "support.not_allowed",
            Self::SoftwareNotStructureMember => "software.not_structure_member",
            Self::CareTeamPatientOrSupport => "care_team.patient_or_support",
            Self::ConsentRequest => "consent.request",
            Self::BreakGlassNotHealthProfessional => "break_glass.not_health_professional",
            Self::BreakGlassOpposed => "break_glass.opposed",
            Self::BreakGlassReasonInsufficient => "break_glass.reason_insufficient",
            Self::BreakGlassOpen => "break_glass.open",
            Self::SamuNotRegulator => "samu.not_regulator",
            Self::SamuOpposed => "samu.opposed",
            Self::SamuCallReferenceRequired => "samu.call_reference_required",
            Self::SamuOpen => "samu.open",
            Self::MaskAtPatientRequest => "mask.at_patient_request",
            Self::HiddenFromPatientByDepositor => "hidden_from_patient.depositor",
            Self::HiddenFromPatientDepositorOnly => "hidden_from_patient.depositor_only",
            Self::ProfileAccess => "profile.access",
            Self::ProfileNoAccess => "profile.no_access",
            Self::ProfilePatientSection => "profile.patient_section",
            Self::ProfileAuthorOnly => "profile.author_only",
        }
    }
}

/// Every mode a decision can be taken in (for the tests and the reverse lookup below).
fn all_modes() -> impl Iterator<Item = Mode> {
    [Mode::Patient, Mode::Representative, Mode::Support]
        .into_iter()
        .chain(AccessMode::ALL.into_iter().map(Mode::Professional))
}

impl Rule {
    /// Every rule: each cell of each matrix action, then every other rule once.
    pub fn all() -> Vec<Rule> {
        let matrix = MatrixAction::ALL.into_iter().flat_map(|action| {
            MatrixCell::ALL
                .into_iter()
                .map(move |cell| Rule::Matrix { action, cell })
        });
        matrix
            .chain([
                Self::Blocked,
                Self::HabilitationTypeNotOpen,
                Self::AttendingPhysicianSeesConfidential,
                Self::RecordPending,
                Self::RecordClosed,
                Self::RecordErased,
                Self::RecordDeceased,
                Self::RecordLimited,
                Self::IdentityNotValidated,
                Self::FeedingOpposed,
                Self::FeedingOppositionManaged,
                Self::InformationDutyNotConfirmed,
                Self::DocumentDeleted,
                Self::DocumentSuperseded,
                Self::DocumentOtherRecord,
                Self::RequestInconsistent,
                Self::PatientNotOwner,
                Self::PatientNoPortal,
                Self::RepresentationEnded,
                Self::RepresentationRecordClosed,
                Self::PatientControl,
                Self::PatientOnly,
                Self::ProfessionalOnly,
                Self::AssistantAddOnly,
                Self::SupportNoMedicalContent,
                Self::SupportCareTeamInactiveOnly,
                Self::SupportControl,
                Self::SupportNotAllowed,
                Self::SoftwareNotStructureMember,
                Self::CareTeamPatientOrSupport,
                Self::ConsentRequest,
                Self::BreakGlassNotHealthProfessional,
                Self::BreakGlassOpposed,
                Self::BreakGlassReasonInsufficient,
                Self::BreakGlassOpen,
                Self::SamuNotRegulator,
                Self::SamuOpposed,
                Self::SamuCallReferenceRequired,
                Self::SamuOpen,
                Self::MaskAtPatientRequest,
                Self::HiddenFromPatientByDepositor,
                Self::HiddenFromPatientDepositorOnly,
                Self::ProfileAccess,
                Self::ProfileNoAccess,
                Self::ProfilePatientSection,
                Self::ProfileAuthorOnly,
            ])
            .collect()
    }

    /// The plain-French sentence of a denial on this rule, in `mode` (`Denial::reason`).
    pub fn explanation(self, mode: Mode) -> &'static str {
        deny_text(self, mode)
    }

    /// The same sentence in English, for the pages shown in English.
    pub fn explanation_en(self, mode: Mode) -> &'static str {
        deny_text_en(self, mode)
    }

    /// The English of a denial known only by its rule id and French sentence (what
    /// `AppError::Denied` carries): the English of that very sentence when the policy worded
    /// it, else the rule's English in the patient's mode; `None` for an id no rule has.
    pub fn denial_en(rule_id: &str, french: &str) -> Option<&'static str> {
        let rule = Self::all().into_iter().find(|r| r.id() == rule_id)?;
        let worded = all_modes().find(|&mode| deny_text(rule, mode) == french);
        Some(deny_text_en(rule, worded.unwrap_or(Mode::Patient)))
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Matrix { action, cell } => {
                write!(f, "matrix.{}.{}", action.as_str(), cell.as_str())
            }
            other => f.write_str(other.fixed_id()),
        }
    }
}

/// The sentence explaining a permit. `as_depositor`: permitted because the actor deposited
/// the document.
pub(crate) fn permit_text(rule: Rule, mode: Mode, as_depositor: bool) -> &'static str {
    if as_depositor {
        return "Autorisé : vous avez déposé ce document.";
    }
    match rule {
        Rule::AttendingPhysicianSeesConfidential => {
            "Autorisé : vous êtes le médecin traitant déclaré du patient."
        }
        Rule::FeedingOppositionManaged => {
            "Autorisé : vous pouvez enregistrer ou lever l'opposition du patient à ce que vous alimentiez son dossier."
        }
        Rule::ConsentRequest => "Autorisé : vous pouvez demander l'accord du patient.",
        Rule::BreakGlassOpen => {
            "Autorisé : accès d'urgence (bris de glace) ouvert ; le patient en est informé."
        }
        Rule::SamuOpen => "Autorisé : accès de régulation SAMU ouvert ; le patient en est informé.",
        Rule::MaskAtPatientRequest => {
            "Autorisé : vous pouvez masquer ce document aux professionnels à la demande du patient."
        }
        Rule::HiddenFromPatientByDepositor => "Autorisé : vous avez déposé ce document.",
        Rule::SupportControl => "Autorisé : action de gestion du support, à la demande du patient.",
        Rule::Matrix {
            action: MatrixAction::Add,
            ..
        } if mode == Mode::Professional(AccessMode::NoAccess) => {
            "Autorisé : tout professionnel peut alimenter le dossier d'un patient."
        }
        _ => match mode {
            Mode::Patient => "Autorisé : vous êtes titulaire de ce dossier.",
            Mode::Representative => {
                "Autorisé : vous êtes le représentant légal du titulaire de ce dossier."
            }
            Mode::Support => "Autorisé : action de gestion du support.",
            Mode::Professional(AccessMode::CareTeam) => {
                "Autorisé : vous faites partie de l'équipe de soins."
            }
            Mode::Professional(AccessMode::Consented) => {
                "Autorisé : le patient vous a donné un accès temporaire."
            }
            Mode::Professional(AccessMode::BreakGlass) => {
                "Autorisé : accès d'urgence (bris de glace) en cours."
            }
            Mode::Professional(AccessMode::Samu) => "Autorisé : accès de régulation SAMU en cours.",
            Mode::Professional(AccessMode::NoAccess | AccessMode::Blocked) => "Autorisé.",
        },
    }
}

/// [`permit_text`] in English.
pub(crate) fn permit_text_en(rule: Rule, mode: Mode, as_depositor: bool) -> &'static str {
    if as_depositor {
        return "Allowed: you deposited this document.";
    }
    match rule {
        Rule::AttendingPhysicianSeesConfidential => {
            "Allowed: you are the patient's declared attending physician."
        }
        Rule::FeedingOppositionManaged => {
            "Allowed: you may record or lift the patient's opposition to your feeding their record."
        }
        Rule::ConsentRequest => "Allowed: you may ask for the patient's agreement.",
        Rule::BreakGlassOpen => {
            "Allowed: emergency (break-glass) access opened; the patient is told."
        }
        Rule::SamuOpen => "Allowed: SAMU regulation access opened; the patient is told.",
        Rule::MaskAtPatientRequest => {
            "Allowed: you may mask this document from professionals at the patient's request."
        }
        Rule::HiddenFromPatientByDepositor => "Allowed: you deposited this document.",
        Rule::SupportControl => "Allowed: support management action, at the patient's request.",
        Rule::Matrix {
            action: MatrixAction::Add,
            ..
        } if mode == Mode::Professional(AccessMode::NoAccess) => {
            "Allowed: any professional may feed a patient's record."
        }
        _ => match mode {
            Mode::Patient => "Allowed: you hold this record.",
            Mode::Representative => {
                "Allowed: you are the legal representative of this record's holder."
            }
            Mode::Support => "Allowed: support management action.",
            Mode::Professional(AccessMode::CareTeam) => "Allowed: you are in the care team.",
            Mode::Professional(AccessMode::Consented) => {
                "Allowed: the patient gave you a temporary access."
            }
            Mode::Professional(AccessMode::BreakGlass) => {
                "Allowed: emergency (break-glass) access under way."
            }
            Mode::Professional(AccessMode::Samu) => "Allowed: SAMU regulation access under way.",
            Mode::Professional(AccessMode::NoAccess | AccessMode::Blocked) => "Allowed.",
        },
    }
}

/// The sentence explaining a denial.
pub(crate) fn deny_text(rule: Rule, mode: Mode) -> &'static str {
    match rule {
        Rule::Matrix { cell, .. } => match (cell, mode) {
            (MatrixCell::UnlessConfidentialAndNotDepositor, _) => {
                "Accès refusé : le patient a masqué ce document aux professionnels."
            }
            (MatrixCell::UnlessHiddenFromPatient, _) => {
                "Ce document n'est pas encore visible : il vous sera présenté lors d'une consultation."
            }
            (MatrixCell::IfDepositor, Mode::Professional(AccessMode::NoAccess)) => {
                "Accès refusé : vous n'avez pas accès à ce dossier et vous n'avez pas déposé ce document."
            }
            (MatrixCell::IfDepositor, _) => {
                "Refusé : seul le déposant de ce document peut effectuer cette action."
            }
            (_, Mode::Professional(AccessMode::NoAccess)) => {
                "Accès refusé : vous n'avez pas accès à ce dossier (ni équipe de soins, ni accord du patient, ni accès d'urgence)."
            }
            _ => "Refusé : cette action n'est pas permise dans votre situation d'accès.",
        },
        Rule::Blocked => "Accès refusé : le patient vous a bloqué.",
        Rule::HabilitationTypeNotOpen => {
            "Accès refusé : votre profession n'a pas accès à ce type de document."
        }
        Rule::RecordPending => {
            "Refusé : ce dossier est en attente de vérification et n'est pas encore ouvert."
        }
        Rule::RecordClosed => "Refusé : ce dossier est clôturé.",
        Rule::RecordErased => "Refusé : ce dossier a été supprimé.",
        Rule::RecordLimited => {
            "Refusé : le patient a limité l'utilisation de son dossier le temps qu'une demande \
             soit examinée ; seul un accès d'urgence (bris de glace, SAMU) reste possible."
        }
        Rule::RecordDeceased => {
            "Refusé : le patient est décédé ; aucun document ne peut plus être ajouté."
        }
        Rule::IdentityNotValidated => {
            "Refusé : l'identité du patient n'est pas encore validée ; aucun document ne peut être ajouté."
        }
        Rule::FeedingOpposed => {
            "Refusé : le patient s'est opposé à ce que vous alimentiez son dossier."
        }
        Rule::InformationDutyNotConfirmed => {
            "Refusé : pour un premier dépôt, confirmez que le patient a été informé."
        }
        Rule::DocumentDeleted => "Refusé : ce document a été supprimé.",
        Rule::DocumentSuperseded => "Refusé : une version plus récente de ce document existe.",
        Rule::DocumentOtherRecord => "Refusé : ce document n'appartient pas à ce dossier.",
        Rule::RequestInconsistent => "Refusé : la demande est incohérente.",
        Rule::PatientNotOwner => "Accès refusé : ce dossier n'est pas le vôtre.",
        Rule::PatientNoPortal => {
            "Refusé : ce dossier n'a pas d'accès en ligne ; adressez-vous au support."
        }
        Rule::RepresentationEnded => {
            "Refusé : votre représentation légale de cette personne a pris fin."
        }
        Rule::RepresentationRecordClosed => {
            "Refusé : le dossier de la personne que vous représentez est fermé."
        }
        Rule::PatientOnly => "Refusé : seul le patient peut effectuer cette action.",
        Rule::ProfessionalOnly => "Refusé : seul un professionnel peut effectuer cette action.",
        Rule::AssistantAddOnly => {
            "Refusé : un assistant peut seulement ajouter des documents au nom de son professionnel."
        }
        Rule::SupportNoMedicalContent => "Refusé : le support n'a jamais accès au contenu médical.",
        Rule::SupportCareTeamInactiveOnly => {
            "Refusé : le support ne modifie l'équipe de soins que des dossiers sans accès en ligne."
        }
        Rule::SupportNotAllowed => "Refusé : cette action n'est pas ouverte au support.",
        Rule::SoftwareNotStructureMember => {
            "Refusé : ce professionnel n'est pas rattaché à la structure dont le logiciel fait la demande."
        }
        Rule::CareTeamPatientOrSupport => {
            "Refusé : l'équipe de soins est gérée par le patient, ou par le support pour un dossier sans accès en ligne."
        }
        Rule::BreakGlassNotHealthProfessional => {
            "Refusé : seuls les professionnels de santé peuvent déclarer un accès d'urgence."
        }
        Rule::BreakGlassOpposed => {
            "Refusé : le patient s'est opposé à l'accès d'urgence à son dossier."
        }
        Rule::BreakGlassReasonInsufficient => {
            "Refusé : décrivez le motif de l'urgence en une phrase (au moins 15 caractères et 3 mots)."
        }
        Rule::SamuNotRegulator => {
            "Refusé : seul un médecin régulateur du SAMU peut ouvrir un accès de régulation."
        }
        Rule::SamuOpposed => "Refusé : le patient s'est opposé à l'accès du SAMU à son dossier.",
        Rule::SamuCallReferenceRequired => "Refusé : indiquez la référence de l'appel au SAMU.",
        Rule::HiddenFromPatientDepositorOnly => {
            "Refusé : seul le professionnel qui a déposé ce document peut le rendre invisible au patient ou visible."
        }
        Rule::ProfileNoAccess => {
            "Refusé : le profil médical s'ouvre aux professionnels de santé qui ont accès au dossier (équipe de soins, accord du patient, accès d'urgence)."
        }
        Rule::ProfilePatientSection => {
            "Refusé : un professionnel ajoute au profil médical seulement des vaccinations et des mesures ; le reste est renseigné par le patient."
        }
        Rule::ProfileAuthorOnly => {
            "Refusé : seul le professionnel qui a ajouté cette information peut la retirer."
        }
        Rule::AttendingPhysicianSeesConfidential
        | Rule::FeedingOppositionManaged
        | Rule::PatientControl
        | Rule::SupportControl
        | Rule::ConsentRequest
        | Rule::BreakGlassOpen
        | Rule::SamuOpen
        | Rule::MaskAtPatientRequest
        | Rule::HiddenFromPatientByDepositor
        | Rule::ProfileAccess => "Refusé.",
    }
}

/// The English of [`deny_text`], case by case.
pub(crate) fn deny_text_en(rule: Rule, mode: Mode) -> &'static str {
    match rule {
        Rule::Matrix { cell, .. } => match (cell, mode) {
            (MatrixCell::UnlessConfidentialAndNotDepositor, _) => {
                "Access denied: the patient has hidden this document from professionals."
            }
            (MatrixCell::UnlessHiddenFromPatient, _) => {
                "This document is not visible yet: it will be presented to you during a consultation."
            }
            (MatrixCell::IfDepositor, Mode::Professional(AccessMode::NoAccess)) => {
                "Access denied: you have no access to this record and you did not deposit this document."
            }
            (MatrixCell::IfDepositor, _) => {
                "Denied: only the depositor of this document can perform this action."
            }
            (_, Mode::Professional(AccessMode::NoAccess)) => {
                "Access denied: you have no access to this record (no care team, no consent from the patient, no emergency access)."
            }
            _ => "Denied: this action is not allowed in your access situation.",
        },
        Rule::Blocked => "Access denied: the patient has blocked you.",
        Rule::HabilitationTypeNotOpen => {
            "Access denied: your profession has no access to this type of document."
        }
        Rule::RecordPending => {
            "Denied: this record is awaiting verification and is not open yet."
        }
        Rule::RecordClosed => "Denied: this record is closed.",
        Rule::RecordErased => "Denied: this record has been deleted.",
        Rule::RecordLimited => {
            "Denied: the patient has limited the use of their record while a request is being \
             examined; only an emergency access (break-glass, SAMU) remains possible."
        }
        Rule::RecordDeceased => {
            "Denied: the patient has died; no document can be added any more."
        }
        Rule::IdentityNotValidated => {
            "Denied: the patient's identity is not validated yet; no document can be added."
        }
        Rule::FeedingOpposed => {
            "Denied: the patient has objected to your adding documents to their record."
        }
        Rule::InformationDutyNotConfirmed => {
            "Denied: for a first deposit, confirm that the patient has been informed."
        }
        Rule::DocumentDeleted => "Denied: this document has been deleted.",
        Rule::DocumentSuperseded => "Denied: a more recent version of this document exists.",
        Rule::DocumentOtherRecord => "Denied: this document does not belong to this record.",
        Rule::RequestInconsistent => "Denied: the request is inconsistent.",
        Rule::PatientNotOwner => "Access denied: this record is not yours.",
        Rule::PatientNoPortal => {
            "Denied: this record has no online access; please contact support."
        }
        Rule::RepresentationEnded => {
            "Denied: your legal representation of this person has ended."
        }
        Rule::RepresentationRecordClosed => {
            "Denied: the record of the person you represent is closed."
        }
        Rule::PatientOnly => "Denied: only the patient can perform this action.",
        Rule::ProfessionalOnly => "Denied: only a professional can perform this action.",
        Rule::AssistantAddOnly => {
            "Denied: an assistant can only add documents on behalf of their professional."
        }
        Rule::SupportNoMedicalContent => "Denied: support never has access to medical content.",
        Rule::SupportCareTeamInactiveOnly => {
            "Denied: support changes the care team only of records without online access."
        }
        Rule::SupportNotAllowed => "Denied: this action is not open to support.",
        Rule::SoftwareNotStructureMember => {
            "Denied: this professional does not belong to the structure whose software makes the request."
        }
        Rule::CareTeamPatientOrSupport => {
            "Denied: the care team is managed by the patient, or by support for a record without online access."
        }
        Rule::BreakGlassNotHealthProfessional => {
            "Denied: only health professionals can declare an emergency access."
        }
        Rule::BreakGlassOpposed => {
            "Denied: the patient has objected to emergency access to their record."
        }
        Rule::BreakGlassReasonInsufficient => {
            "Denied: describe the reason for the emergency in one sentence (at least 15 characters and 3 words)."
        }
        Rule::SamuNotRegulator => {
            "Denied: only a SAMU regulating physician can open a regulation access."
        }
        Rule::SamuOpposed => "Denied: the patient has objected to SAMU access to their record.",
        Rule::SamuCallReferenceRequired => "Denied: enter the reference of the call to the SAMU.",
        Rule::HiddenFromPatientDepositorOnly => {
            "Denied: only the professional who deposited this document can hide it from the patient or make it visible."
        }
        Rule::ProfileNoAccess => {
            "Denied: the health profile is open to health professionals who have access to the record (care team, patient's agreement, emergency access)."
        }
        Rule::ProfilePatientSection => {
            "Denied: a professional adds only vaccinations and measurements to the health profile; the patient fills in the rest."
        }
        Rule::ProfileAuthorOnly => {
            "Denied: only the professional who added this information may remove it."
        }
        Rule::AttendingPhysicianSeesConfidential
        | Rule::FeedingOppositionManaged
        | Rule::PatientControl
        | Rule::SupportControl
        | Rule::ConsentRequest
        | Rule::BreakGlassOpen
        | Rule::SamuOpen
        | Rule::MaskAtPatientRequest
        | Rule::HiddenFromPatientByDepositor
        | Rule::ProfileAccess => "Denied.",
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn every_permit_is_explained_in_both_languages() {
        for rule in Rule::all() {
            for mode in all_modes() {
                for depositor in [false, true] {
                    let fr = permit_text(rule, mode, depositor);
                    let en = permit_text_en(rule, mode, depositor);
                    assert!(fr.starts_with("Autorisé"), "{rule} {mode:?}: {fr}");
                    assert!(
                        en.starts_with("Allowed") && en.ends_with('.'),
                        "{rule} {mode:?}: {en}"
                    );
                    assert!(
                        !en.contains(['é', 'è', 'à', '«']),
                        "{rule} {mode:?}: French in {en}"
                    );
                }
            }
        }
    }

    use super::*;

    #[test]
    fn matrix_ids_name_action_and_cell() {
        let rule = Rule::Matrix {
            action: MatrixAction::Read,
            cell: MatrixCell::UnlessConfidentialAndNotDepositor,
        };
        assert_eq!(
            rule.id(),
            "matrix.read.unless_confidential_and_not_depositor"
        );
        assert_eq!(Rule::Blocked.id(), "blocked");
        assert_eq!(
            Rule::HabilitationTypeNotOpen.id(),
            "habilitation.type_not_open"
        );
    }

    #[test]
    fn texts_are_french_sentences() {
        let care_team = Mode::Professional(AccessMode::CareTeam);
        assert_eq!(
            deny_text(Rule::Blocked, care_team),
            "Accès refusé : le patient vous a bloqué."
        );
        let read = Rule::Matrix {
            action: MatrixAction::Read,
            cell: MatrixCell::UnlessConfidentialAndNotDepositor,
        };
        assert_eq!(
            permit_text(read, care_team, false),
            "Autorisé : vous faites partie de l'équipe de soins."
        );
    }

    /// A position per variant: adding a rule breaks this match, and then `every_rule_is_listed`
    /// until `Rule::all` has it.
    fn variant(rule: Rule) -> usize {
        match rule {
            Rule::Matrix { .. } => 0,
            Rule::Blocked => 1,
            Rule::HabilitationTypeNotOpen => 2,
            Rule::AttendingPhysicianSeesConfidential => 3,
            Rule::RecordPending => 4,
            Rule::RecordClosed => 5,
            Rule::RecordErased => 6,
            Rule::RecordDeceased => 7,
            Rule::RecordLimited => 8,
            Rule::IdentityNotValidated => 9,
            Rule::FeedingOpposed => 10,
            Rule::FeedingOppositionManaged => 11,
            Rule::InformationDutyNotConfirmed => 12,
            Rule::DocumentDeleted => 13,
            Rule::DocumentSuperseded => 14,
            Rule::DocumentOtherRecord => 15,
            Rule::RequestInconsistent => 16,
            Rule::PatientNotOwner => 17,
            Rule::PatientNoPortal => 18,
            Rule::RepresentationEnded => 19,
            Rule::RepresentationRecordClosed => 20,
            Rule::PatientControl => 21,
            Rule::PatientOnly => 22,
            Rule::ProfessionalOnly => 23,
            Rule::AssistantAddOnly => 24,
            Rule::SupportNoMedicalContent => 25,
            Rule::SupportCareTeamInactiveOnly => 26,
            Rule::SupportControl => 27,
            Rule::SupportNotAllowed => 28,
            Rule::SoftwareNotStructureMember => 29,
            Rule::CareTeamPatientOrSupport => 30,
            Rule::ConsentRequest => 31,
            Rule::BreakGlassNotHealthProfessional => 32,
            Rule::BreakGlassOpposed => 33,
            Rule::BreakGlassReasonInsufficient => 34,
            Rule::BreakGlassOpen => 35,
            Rule::SamuNotRegulator => 36,
            Rule::SamuOpposed => 37,
            Rule::SamuCallReferenceRequired => 38,
            Rule::SamuOpen => 39,
            Rule::MaskAtPatientRequest => 40,
            Rule::HiddenFromPatientByDepositor => 41,
            Rule::HiddenFromPatientDepositorOnly => 42,
            Rule::ProfileAccess => 43,
            Rule::ProfileNoAccess => 44,
            Rule::ProfilePatientSection => 45,
            Rule::ProfileAuthorOnly => 46,
        }
    }

    #[test]
    fn every_rule_is_listed() {
        let all = Rule::all();
        let mut seen: Vec<usize> = all.iter().map(|&r| variant(r)).collect();
        seen.dedup();
        assert_eq!(seen, (0..=46).collect::<Vec<_>>());
        let matrix = all.iter().filter(|r| matches!(r, Rule::Matrix { .. }));
        assert_eq!(
            matrix.count(),
            MatrixAction::ALL.len() * MatrixCell::ALL.len()
        );
        let mut ids: Vec<String> = all.iter().map(Rule::id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "two rules share an id");
    }

    /// Every rule, in every mode, has an English sentence beside its French one: capital
    /// first, a full stop last, no French letter left, and another text than the French.
    #[test]
    fn every_rule_has_an_english_sentence() {
        let mut wrong = Vec::new();
        for rule in Rule::all() {
            for mode in all_modes() {
                let (fr, en) = (rule.explanation(mode), rule.explanation_en(mode));
                let sentence = en.starts_with(|c: char| c.is_ascii_uppercase())
                    && en.ends_with('.')
                    && en.is_ascii()
                    && en != fr;
                if !sentence {
                    wrong.push(format!("{rule} in {mode}: {en:?}"));
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "not English sentences:\n{}",
            wrong.join("\n")
        );
    }

    /// A denial's English is found again from its rule id and French sentence, and the same
    /// French sentence always has the same English (so the lookup cannot pick the wrong one).
    #[test]
    fn denials_are_found_in_english() {
        let mut english_of = std::collections::HashMap::new();
        for rule in Rule::all() {
            for mode in all_modes() {
                let fr = rule.explanation(mode);
                let en = rule.explanation_en(mode);
                assert_eq!(
                    Rule::denial_en(&rule.id(), fr),
                    Some(en),
                    "{rule} in {mode}"
                );
                let first = *english_of.entry(fr).or_insert(en);
                assert_eq!(first, en, "{fr:?} has two English sentences");
            }
        }
        assert_eq!(
            Rule::denial_en("blocked", "Accès refusé : le patient vous a bloqué."),
            Some("Access denied: the patient has blocked you.")
        );
        // A sentence the policy did not word: the rule's own English.
        assert_eq!(
            Rule::denial_en("record.limited", "Ce dossier n'accepte pas de document."),
            Some(Rule::RecordLimited.explanation_en(Mode::Patient))
        );
        assert_eq!(Rule::denial_en("software.not_authorised", "…"), None);
    }
}
