//! One entry of the health profile as its FHIR resource. Only what the entry holds, written
//! in the codes a client expects (LOINC and UCUM for measurements, HL7 terminology for
//! statuses and contact roles); the French summary and who wrote it as the narrative.

use super::Kind;
use crate::codes;
use crate::model::common::{CodeableConcept, Coding, Meta, Narrative, Period, Reference};
use crate::model::patient::{ContactPoint, HumanName};
use crate::model::profile::{
    AllergyIntolerance, AllergyReaction, Dosage, Immunization, MedicationStatement, Observation,
    ObservationComponent, Quantity, RelatedPerson,
};
use crate::model::Resource;
use mds_app::record::profile::ProfileEntry;
use mds_domain::profile::{ContactRole, Entry, Quantity as Measured, Severity};
use mds_domain::{PatientId, Timestamp};

const UCUM: &str = "http://unitsofmeasure.org";
const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const ALLERGY_CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
const IMMUNIZATION_ORIGIN: &str = "http://terminology.hl7.org/CodeSystem/immunization-origin";
const V2_CONTACT_ROLE: &str = "http://terminology.hl7.org/CodeSystem/v2-0131";

/// A concept known only by its text.
fn text(t: &str) -> CodeableConcept {
    CodeableConcept {
        coding: Vec::new(),
        text: Some(t.to_owned()),
    }
}

fn coded(system: &str, code: &str, display: &str, label: &str) -> CodeableConcept {
    CodeableConcept {
        coding: vec![Coding::new(system, code, Some(display))],
        text: Some(label.to_owned()),
    }
}

/// Who wrote the entry: the patient's side (the patient or their representative) names the
/// record's Patient; a professional is named as they were when they wrote (the profile
/// carries no account of theirs).
fn author(patient_id: &PatientId, e: &ProfileEntry) -> Reference {
    let display = Some(e.author_name.clone());
    if e.by_professional {
        Reference {
            display,
            ..Reference::default()
        }
    } else {
        Reference {
            display,
            ..Reference::to("Patient", patient_id.as_str())
        }
    }
}

/// The LOINC code of a measured quantity, and its display.
pub fn loinc(q: Measured) -> (&'static str, &'static str) {
    match q {
        Measured::Weight => ("29463-7", "Body weight"),
        Measured::Height => ("8302-2", "Body height"),
        Measured::BloodPressure => ("85354-9", "Blood pressure panel with all children optional"),
        Measured::Glucose => ("2339-0", "Glucose [Mass/volume] in Blood"),
    }
}

fn quantity(q: Measured, value: f64) -> Quantity {
    Quantity {
        value,
        unit: q.unit().to_owned(),
        system: UCUM.to_owned(),
        code: q.ucum().to_owned(),
    }
}

/// Vital signs, but glucose: a blood test (at the bedside or in a laboratory).
fn category(q: Measured) -> CodeableConcept {
    match q {
        Measured::Glucose => coded(OBSERVATION_CATEGORY, "laboratory", "Laboratory", "Biologie"),
        _ => coded(
            OBSERVATION_CATEGORY,
            "vital-signs",
            "Vital Signs",
            "Signes vitaux",
        ),
    }
}

fn pressure_component(code: &str, display: &str, label: &str, value: f64) -> ObservationComponent {
    ObservationComponent {
        code: coded(codes::LOINC, code, display, label),
        value_quantity: quantity(Measured::BloodPressure, value),
    }
}

/// `entry` as the resource of `kind`, with its id; `None` if it is of another section.
pub fn resource(
    kind: Kind,
    patient_id: &PatientId,
    e: &ProfileEntry,
) -> Option<(Resource, String)> {
    let id = e.id.as_str().to_owned();
    let recorded = Timestamp::from_millis(e.recorded_at_ms).to_rfc3339();
    let meta = Meta {
        last_updated: Some(recorded.clone()),
        profile: Vec::new(),
    };
    let narrative = Narrative::text(&format!("{} (saisi par {})", e.summary, e.author_name));
    let patient = Reference::to("Patient", patient_id.as_str());
    let resource = match (kind, &e.entry) {
        (
            Kind::AllergyIntolerance,
            Entry::Allergy {
                substance,
                reaction,
                severity,
            },
        ) => Resource::AllergyIntolerance(AllergyIntolerance {
            id: id.clone(),
            meta,
            text: narrative,
            clinical_status: coded(ALLERGY_CLINICAL, "active", "Active", "Active"),
            code: text(substance),
            patient,
            recorded_date: recorded,
            recorder: author(patient_id, e),
            asserter: author(patient_id, e),
            criticality: Some(
                match severity {
                    Severity::Mild => "low",
                    Severity::Severe => "high",
                    Severity::Unknown => "unable-to-assess",
                }
                .to_owned(),
            ),
            reaction: reaction
                .iter()
                .map(|r| AllergyReaction {
                    manifestation: vec![text(r)],
                })
                .collect(),
        }),
        (
            Kind::MedicationStatement,
            Entry::Treatment {
                medication,
                dosage,
                since,
            },
        ) => Resource::MedicationStatement(MedicationStatement {
            id: id.clone(),
            meta,
            text: narrative,
            status: "active".to_owned(),
            medication_codeable_concept: text(medication),
            subject: patient,
            effective_period: since.map(|d| Period {
                start: Some(d.to_string()),
                end: None,
            }),
            date_asserted: recorded,
            information_source: author(patient_id, e),
            dosage: dosage.iter().map(|d| Dosage { text: d.clone() }).collect(),
        }),
        (Kind::Immunization, Entry::Vaccination { vaccine, on, lot }) => {
            Resource::Immunization(Immunization {
                id: id.clone(),
                meta,
                text: narrative,
                status: "completed".to_owned(),
                vaccine_code: text(vaccine),
                patient,
                occurrence_date_time: on.to_string(),
                recorded,
                // Recorded by a professional who gave or saw it; else the patient's word.
                primary_source: e.by_professional,
                report_origin: (!e.by_professional).then(|| {
                    coded(
                        IMMUNIZATION_ORIGIN,
                        "recall",
                        "Parent/Guardian/Patient Recall",
                        "Déclaré par le patient",
                    )
                }),
                lot_number: lot.clone(),
            })
        }
        (
            Kind::Observation,
            Entry::Measurement {
                quantity: q,
                value,
                second,
                on,
            },
        ) => {
            let (code, display) = loinc(*q);
            let (value_quantity, component) = match (q, second) {
                (Measured::BloodPressure, Some(diastolic)) => (
                    None,
                    vec![
                        pressure_component(
                            "8480-6",
                            "Systolic blood pressure",
                            "Pression systolique",
                            *value,
                        ),
                        pressure_component(
                            "8462-4",
                            "Diastolic blood pressure",
                            "Pression diastolique",
                            *diastolic,
                        ),
                    ],
                ),
                _ => (Some(quantity(*q, *value)), Vec::new()),
            };
            Resource::Observation(Observation {
                id: id.clone(),
                meta,
                text: narrative,
                status: "final".to_owned(),
                category: vec![category(*q)],
                code: coded(codes::LOINC, code, display, q.label_fr()),
                subject: patient,
                effective_date_time: on.to_string(),
                issued: recorded,
                performer: vec![author(patient_id, e)],
                value_quantity,
                component,
            })
        }
        (
            Kind::RelatedPerson,
            Entry::Contact {
                role,
                name,
                relation,
                phone,
            },
        ) => {
            let mut relationship = vec![match role {
                ContactRole::EmergencyContact => {
                    coded(V2_CONTACT_ROLE, "C", "Emergency Contact", role.label_fr())
                }
                // No HL7 code says « personne de confiance » (French public health code,
                // L1111-6): MDS's own.
                ContactRole::TrustedPerson => coded(
                    codes::CONTACT_ROLE,
                    "personne-de-confiance",
                    role.label_fr(),
                    role.label_fr(),
                ),
            }];
            relationship.extend(relation.as_deref().map(text));
            Resource::RelatedPerson(RelatedPerson {
                id: id.clone(),
                meta,
                text: narrative,
                active: true,
                patient,
                relationship,
                name: vec![HumanName {
                    text: Some(name.clone()),
                    ..HumanName::default()
                }],
                telecom: phone
                    .iter()
                    .map(|p| ContactPoint {
                        system: Some("phone".to_owned()),
                        value: Some(p.clone()),
                    })
                    .collect(),
            })
        }
        _ => return None,
    };
    Some((resource, id))
}
