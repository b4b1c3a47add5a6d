//! Why a refusal happened, as the record's holder reads it (« , car vous avez bloqué ce
//! professionnel »), in French and in English, from the rule the audit recorded. Every rule of
//! the policy has its words — the match on `mds_policy::Rule` is exhaustive, so a new rule
//! cannot ship without them —, and so do the refusals decided outside the policy (structure
//! software, an inactive professional, an unknown record). A rule id nobody knows gets the
//! general sentence: a raw code never reaches a page or an e-mail. An event recorded without
//! a rule gets no reason.

use mds_domain::Language;
use mds_policy::{MatrixCell, Rule};

/// The reason clause (starting with « , car » / « , because ») for `rule_id` decided in
/// `access_mode`, in `lang`.
pub(crate) fn owner_reason(
    rule_id: &str,
    access_mode: Option<&str>,
    lang: Language,
) -> &'static str {
    if rule_id.is_empty() {
        // An event recorded without its rule (older rows): no claim about why.
        return "";
    }
    let (fr, en) = match Rule::all().into_iter().find(|r| r.id() == rule_id) {
        Some(rule) => policy_reason(rule, access_mode),
        None => other_reason(rule_id),
    };
    match lang {
        Language::Fr => fr,
        Language::En => en,
    }
}

const GENERAL: (&str, &str) = (
    ", car les règles d'accès ne le permettent pas dans sa situation",
    ", because the access rules do not allow it in their situation",
);

fn policy_reason(rule: Rule, mode: Option<&str>) -> (&'static str, &'static str) {
    match rule {
        Rule::Matrix { cell, .. } => match (cell, mode) {
            // Masked by the patient, or deposited as confidential: said without naming who.
            (MatrixCell::UnlessConfidentialAndNotDepositor, _) => (
                ", car ce document est masqué aux professionnels",
                ", because this document is masked from professionals",
            ),
            // The patient's own read of a document hidden from them: its existence is not
            // confirmed (the answer was « not found »).
            (MatrixCell::UnlessHiddenFromPatient, _) => GENERAL,
            (_, Some("no_access")) => (
                ", car ce professionnel n'est pas dans votre équipe de soins et n'a ni votre accord ni d'accès d'urgence",
                ", because this professional is not in your care team and has neither your consent nor an emergency access",
            ),
            (MatrixCell::IfDepositor, _) => (
                ", car seul le professionnel qui a déposé ce document peut le faire",
                ", because only the professional who added this document may do this",
            ),
            (MatrixCell::Yes | MatrixCell::No, _) => GENERAL,
        },
        Rule::Blocked => (
            ", car vous avez bloqué ce professionnel",
            ", because you blocked this professional",
        ),
        Rule::HabilitationTypeNotOpen => (
            ", car sa profession n'a pas accès à ce type de document",
            ", because their profession has no access to this type of document",
        ),
        Rule::RecordPending => (
            ", car votre dossier attendait encore la vérification de votre identité",
            ", because your record was still awaiting the check of your identity",
        ),
        Rule::RecordClosed => (", car votre dossier est clôturé", ", because your record is closed"),
        Rule::RecordErased => (", car votre dossier a été supprimé", ", because your record was erased"),
        Rule::RecordLimited => (
            ", car vous avez limité l'utilisation de votre dossier le temps de l'examen d'une demande",
            ", because you limited the use of your record while a request is examined",
        ),
        Rule::RecordDeceased => (
            ", car le décès du titulaire du dossier a été enregistré",
            ", because the death of the record's holder was recorded",
        ),
        Rule::IdentityNotValidated => (
            ", car votre identité n'était pas encore validée",
            ", because your identity was not yet validated",
        ),
        Rule::FeedingOpposed => (
            ", car vous avez refusé que ce professionnel alimente votre dossier",
            ", because you objected to this professional adding to your record",
        ),
        Rule::InformationDutyNotConfirmed => (
            ", car ce professionnel n'a pas confirmé vous avoir donné l'information préalable",
            ", because this professional did not confirm having informed you beforehand",
        ),
        Rule::DocumentDeleted => (", car ce document a été supprimé", ", because this document was deleted"),
        Rule::DocumentSuperseded => (
            ", car une version plus récente de ce document existe",
            ", because a newer version of this document exists",
        ),
        Rule::DocumentOtherRecord => (
            ", car ce document n'appartient pas à votre dossier",
            ", because this document does not belong to your record",
        ),
        Rule::RequestInconsistent => (", car la demande était incohérente", ", because the request was inconsistent"),
        Rule::PatientNotOwner | Rule::PatientOnly | Rule::CareTeamPatientOrSupport => (
            ", car cette action vous est réservée",
            ", because only you may take this action",
        ),
        Rule::PatientNoPortal => (
            ", car ce dossier n'a pas d'accès en ligne",
            ", because this record has no online access",
        ),
        Rule::RepresentationEnded => (
            ", car la représentation légale avait pris fin",
            ", because the legal representation had ended",
        ),
        Rule::RepresentationRecordClosed => (
            ", car votre dossier n'était plus ouvert à votre représentant légal",
            ", because your record was no longer open to your legal representative",
        ),
        Rule::ProfessionalOnly => (
            ", car seul un professionnel de santé peut le faire",
            ", because only a health professional may do this",
        ),
        Rule::AssistantAddOnly => (
            ", car un assistant peut seulement ajouter des documents au nom de son professionnel",
            ", because an assistant may only add documents in their professional's name",
        ),
        Rule::SupportNoMedicalContent => (
            ", car le support n'a jamais accès au contenu médical",
            ", because support never has access to medical content",
        ),
        Rule::SupportCareTeamInactiveOnly | Rule::SupportNotAllowed => (
            ", car cette action n'est pas ouverte au support",
            ", because this action is not open to support",
        ),
        Rule::SoftwareNotStructureMember => (
            ", car ce professionnel n'exerce pas dans la structure de ce logiciel",
            ", because this professional does not work in this software's structure",
        ),
        Rule::BreakGlassNotHealthProfessional => (
            ", car seuls les professionnels de santé peuvent déclarer un accès d'urgence",
            ", because only health professionals may declare an emergency access",
        ),
        Rule::BreakGlassOpposed => (
            ", car vous avez refusé les accès d'urgence à votre dossier",
            ", because you refused emergency access to your record",
        ),
        Rule::BreakGlassReasonInsufficient => (
            ", car le motif d'urgence déclaré était insuffisant",
            ", because the emergency reason given was not sufficient",
        ),
        Rule::SamuNotRegulator => (
            ", car seul un médecin régulateur du SAMU peut ouvrir cet accès",
            ", because only a SAMU regulating doctor may open this access",
        ),
        Rule::SamuOpposed => (
            ", car vous avez refusé l'accès du SAMU à votre dossier",
            ", because you refused SAMU access to your record",
        ),
        Rule::SamuCallReferenceRequired => (
            ", car la référence de l'appel au SAMU manquait",
            ", because the SAMU call reference was missing",
        ),
        Rule::HiddenFromPatientDepositorOnly => (
            ", car seul le professionnel qui a déposé ce document peut vous le cacher ou vous le montrer",
            ", because only the professional who added this document may hide it from you or show it",
        ),
        Rule::ProfileNoAccess => (
            ", car ce professionnel n'a pas d'accès à votre dossier",
            ", because this professional has no access to your record",
        ),
        Rule::ProfilePatientSection => (
            ", car un professionnel n'ajoute à votre profil médical que des vaccinations et des mesures",
            ", because a professional adds only vaccinations and measurements to your health profile",
        ),
        Rule::ProfileAuthorOnly => (
            ", car seul le professionnel qui a ajouté cette information peut la retirer",
            ", because only the professional who added this information may remove it",
        ),
        // Rules that only ever permit: a refusal never carries them.
        Rule::AttendingPhysicianSeesConfidential
        | Rule::FeedingOppositionManaged
        | Rule::PatientControl
        | Rule::SupportControl
        | Rule::ConsentRequest
        | Rule::BreakGlassOpen
        | Rule::SamuOpen
        | Rule::MaskAtPatientRequest
        | Rule::HiddenFromPatientByDepositor
        | Rule::ProfileAccess => GENERAL,
    }
}

/// Refusals decided outside the policy, before it (the actor or the software).
fn other_reason(rule_id: &str) -> (&'static str, &'static str) {
    match rule_id {
        "actor.professional_inactive" | "software.professional_inactive" => (
            ", car le compte de ce professionnel est suspendu ou inactif",
            ", because this professional's account is suspended or inactive",
        ),
        "software.not_authorised" | "software.authorisation_expired" => (
            ", car ce professionnel n'est pas (ou plus) autorisé dans le logiciel de sa structure",
            ", because this professional is not (or no longer) authorised in their structure's software",
        ),
        "software.two_factor_missing" => (
            ", car le logiciel n'a pas attesté une connexion du professionnel à deux facteurs",
            ", because the software did not attest the professional's two-factor sign-in",
        ),
        "record.unknown" => (", car ce dossier n'existe pas", ", because this record does not exist"),
        _ => GENERAL,
    }
}
