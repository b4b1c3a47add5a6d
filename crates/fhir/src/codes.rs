//! The code systems, identifier systems and extensions MDS uses on `/fhir` (documented in
//! `docs/FHIR.md`), and the translations between MDS codes and FHIR codings.

use crate::model::common::{CodeableConcept, Coding};
use mds_domain::{DocumentType, IdentifierKind};

/// The CAFAT affiliation number of a patient (New Caledonia's social security).
pub const CAFAT_SYSTEM: &str = "https://mondrivesante.nc/fhir/sid/cafat";
/// The AMG card number of a patient without CAFAT cover (a province's free medical aid). A
/// number space of its own: the same digits may be someone else's CAFAT number.
pub const AMG_SYSTEM: &str = "https://mondrivesante.nc/fhir/sid/amg";

/// The identifier system of a kind of patient number.
pub fn identifier_system(kind: IdentifierKind) -> &'static str {
    match kind {
        IdentifierKind::Cafat => CAFAT_SYSTEM,
        IdentifierKind::Amg => AMG_SYSTEM,
    }
}

/// The kind of patient number an identifier system names, if it is one of them.
pub fn identifier_kind(system: &str) -> Option<IdentifierKind> {
    IdentifierKind::ALL
        .iter()
        .copied()
        .find(|k| identifier_system(*k) == system)
}
/// MDS accounts (professionals) named in logical references.
pub const ACCOUNT_SYSTEM: &str = "https://mondrivesante.nc/fhir/sid/compte";
/// MDS care structures named in logical references.
pub const STRUCTURE_SYSTEM: &str = "https://mondrivesante.nc/fhir/sid/structure";
/// RFC 3986 URIs (the `urn:uuid:` master identifier of a document).
pub const URI_SYSTEM: &str = "urn:ietf:rfc:3986";

pub const LOINC: &str = "http://loinc.org";
/// The roles of a health profile's contact that HL7 has no code for (the « personne de
/// confiance »).
pub const CONTACT_ROLE: &str = "https://mondrivesante.nc/fhir/CodeSystem/role-contact";
/// French document types that have no LOINC code (TRE_A05-TypeDocComplementaire, CI-SIS).
pub const TYPE_CISIS: &str =
    "https://mos.esante.gouv.fr/NOS/TRE_A05-TypeDocComplementaire/FHIR/TRE-A05-TypeDocComplementaire";
const TYPE_CISIS_OID: &str = "urn:oid:1.2.250.1.213.1.1.4.12";
/// Document classes (TRE_A03-ClasseDocument, the DMP's classCode).
pub const CLASS: &str =
    "https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument";
const CLASS_OID: &str = "urn:oid:1.2.250.1.213.1.1.4.1";
/// Visibility of a document (TRE_A07-StatutVisibiliteDocument), as the DMP labels it.
pub const VISIBILITY: &str = "https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument";
const VISIBILITY_OID: &str = "urn:oid:1.2.250.1.213.1.1.4.13";
/// Masked from professionals (MDS's `confidential`).
pub const MASKED: &str = "MASQUE_PS";
/// Hidden from the patient until an announcement consultation.
pub const HIDDEN: &str = "INVISIBLE_PATIENT";

/// IHE MHD list types: the SubmissionSet of a Provide Document Bundle.
pub const MHD_LIST_TYPES: &str = "https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes";

/// On the SubmissionSet: the professional confirms that the patient was informed (needed the
/// first time a professional feeds a record).
pub const EXT_PATIENT_INFORMED: &str =
    "https://mondrivesante.nc/fhir/StructureDefinition/patient-informed";
/// On a Patient: the state of the MDS record (`active`, `inactive`, `closed`, `pending`).
pub const EXT_RECORD_STATE: &str = "https://mondrivesante.nc/fhir/StructureDefinition/record-state";
/// On the birth place address: the INSEE code (commune) or 99xxx (country).
pub const EXT_INSEE_CODE: &str = "https://mondrivesante.nc/fhir/StructureDefinition/insee-code";
/// On a Patient to create: what the professional checked with the person present.
pub const EXT_CREATION: &str =
    "https://mondrivesante.nc/fhir/StructureDefinition/creation-attestation";
/// On a Patient to create: a professional (Practitioner reference) of the care team.
pub const EXT_CARE_TEAM: &str =
    "https://mondrivesante.nc/fhir/StructureDefinition/care-team-member";
/// On an attachment: the SHA-256 of the content, lowercase hexadecimal.
pub const EXT_SHA256: &str = "https://mondrivesante.nc/fhir/StructureDefinition/sha256";
/// HL7's birth place extension.
pub const EXT_BIRTH_PLACE: &str = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace";
/// Audit actions of MDS, as the subtype of an AuditEvent.
pub const AUDIT_ACTION: &str = "https://mondrivesante.nc/fhir/CodeSystem/audit-action";
/// Access modes of MDS (care team, consent, break-glass…), as an AuditEvent's policy.
pub const ACCESS_MODE: &str = "https://mondrivesante.nc/fhir/CodeSystem/access-mode";

/// Whether `system` is the one of a document type code, or of a class code (both the NOS
/// URL and the OID form are accepted).
pub fn is_type_system(system: &str, code: &str) -> bool {
    system == type_system(code) || (system == TYPE_CISIS_OID && !is_loinc(code))
}

pub fn is_class_system(system: &str) -> bool {
    system == CLASS || system == CLASS_OID
}

pub fn is_visibility_system(system: &str) -> bool {
    system == VISIBILITY || system == VISIBILITY_OID
}

/// LOINC codes are digits, a hyphen and a check digit; the CI-SIS codes are not.
fn is_loinc(code: &str) -> bool {
    code.split_once('-').is_some_and(|(a, b)| {
        !a.is_empty()
            && a.chars().all(|c| c.is_ascii_digit())
            && b.len() == 1
            && b.chars().all(|c| c.is_ascii_digit())
    })
}

/// The code system of a document type code from `reference/document-types.csv`.
pub fn type_system(code: &str) -> &'static str {
    if is_loinc(code) {
        LOINC
    } else {
        TYPE_CISIS
    }
}

/// `DocumentReference.type` of an MDS type code.
pub fn document_type(code: &str) -> CodeableConcept {
    let display = DocumentType::from_code(code).map(DocumentType::label_fr);
    CodeableConcept::of(Coding::new(type_system(code), code, display))
}

/// `DocumentReference.category` of an MDS class code.
pub fn document_class(type_code: &str, class_code: &str) -> CodeableConcept {
    let display = DocumentType::from_code(type_code).map(DocumentType::class_label_fr);
    CodeableConcept::of(Coding::new(CLASS, class_code, display))
}

/// The security labels of a document's flags.
pub fn security_labels(confidential: bool, hidden_from_patient: bool) -> Vec<CodeableConcept> {
    let mut labels = Vec::new();
    if confidential {
        labels.push(CodeableConcept::of(Coding::new(
            VISIBILITY,
            MASKED,
            Some("Masqué aux professionnels de santé"),
        )));
    }
    if hidden_from_patient {
        labels.push(CodeableConcept::of(Coding::new(
            VISIBILITY,
            HIDDEN,
            Some("Non visible par le patient"),
        )));
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_type_has_a_system() {
        for t in DocumentType::all() {
            let system = type_system(t.code());
            assert!(is_type_system(system, t.code()), "{}", t.code());
            let expected = if t.code().starts_with("EXPPAT") {
                TYPE_CISIS
            } else {
                LOINC
            };
            assert_eq!(system, expected, "{}", t.code());
        }
        assert!(is_type_system(TYPE_CISIS_OID, "EXPPAT_1"));
        assert!(!is_type_system(LOINC, "EXPPAT_1"));
        assert!(!is_type_system(TYPE_CISIS, "11488-4"));
    }

    #[test]
    fn extension_urls_share_the_namespace() {
        for (name, url) in [
            ("patient-informed", EXT_PATIENT_INFORMED),
            ("record-state", EXT_RECORD_STATE),
            ("insee-code", EXT_INSEE_CODE),
            ("creation-attestation", EXT_CREATION),
            ("care-team-member", EXT_CARE_TEAM),
            ("sha256", EXT_SHA256),
        ] {
            assert_eq!(
                format!("https://mondrivesante.nc/fhir/StructureDefinition/{name}"),
                url
            );
        }
    }
}
