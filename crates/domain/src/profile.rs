//! The health profile (issue 17, item 7): the structured facts a patient keeps beside their
//! documents — allergies, current treatments, vaccinations, chronic conditions, measurements,
//! trusted person and emergency contacts, organ donation position, advance directives.
//!
//! Contract:
//! - An [`Entry`] is one fact, typed by its section; [`Entry::checked`] is the only way in
//!   (trimmed texts of bounded length, dates not in the future, measurements in human ranges,
//!   rounded to the precision they are taken with). A stored entry is read back through the
//!   same type, so nothing downstream sees free-form rows.
//! - Sections are ordered emergency first ([`Section::ALL`]): what a doctor in an emergency
//!   needs (allergies, treatments, conditions, contacts, organ donation, directives) before the
//!   history of vaccinations and measurements. [`Section::emergency`] is what an emergency
//!   access (break-glass, SAMU) shows; the policy says who reads at all.
//! - Professionals may add only what they observe or do: vaccinations and measurements
//!   ([`Section::professional_may_add`]). The rest is the patient's word.
//! - Organ donation and advance directives hold one current position: a new one replaces it.

use crate::ids::DocumentId;
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// Longest free text of an entry, in characters.
pub const TEXT_MAX: usize = 200;

/// The sections of the profile, emergency-relevant first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Allergies,
    Treatments,
    Conditions,
    Contacts,
    OrganDonation,
    AdvanceDirectives,
    Vaccinations,
    Measurements,
}

impl Section {
    pub const ALL: [Section; 8] = [
        Self::Allergies,
        Self::Treatments,
        Self::Conditions,
        Self::Contacts,
        Self::OrganDonation,
        Self::AdvanceDirectives,
        Self::Vaccinations,
        Self::Measurements,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allergies => "allergies",
            Self::Treatments => "treatments",
            Self::Conditions => "conditions",
            Self::Contacts => "contacts",
            Self::OrganDonation => "organ_donation",
            Self::AdvanceDirectives => "advance_directives",
            Self::Vaccinations => "vaccinations",
            Self::Measurements => "measurements",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Allergies => "Allergies et intolérances",
            Self::Treatments => "Traitements en cours",
            Self::Conditions => "Maladies chroniques",
            Self::Contacts => "Personne de confiance et contacts d'urgence",
            Self::OrganDonation => "Don d'organes",
            Self::AdvanceDirectives => "Directives anticipées",
            Self::Vaccinations => "Vaccinations",
            Self::Measurements => "Mesures",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Allergies => "Allergies and intolerances",
            Self::Treatments => "Current treatments",
            Self::Conditions => "Chronic conditions",
            Self::Contacts => "Trusted person and emergency contacts",
            Self::OrganDonation => "Organ donation",
            Self::AdvanceDirectives => "Advance directives",
            Self::Vaccinations => "Vaccinations",
            Self::Measurements => "Measurements",
        }
    }

    /// Shown first, and shown at all under an emergency access.
    pub fn emergency(self) -> bool {
        !matches!(self, Self::Vaccinations | Self::Measurements)
    }

    /// What a professional may record, with their name attached.
    pub fn professional_may_add(self) -> bool {
        matches!(self, Self::Vaccinations | Self::Measurements)
    }

    /// One current position: a new entry replaces the one before.
    pub fn single(self) -> bool {
        matches!(self, Self::OrganDonation | Self::AdvanceDirectives)
    }
}

/// How serious an allergy is, as the patient knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Mild,
    Severe,
    Unknown,
}

impl Severity {
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Mild => "moderate reaction",
            Self::Severe => "severe reaction",
            Self::Unknown => "severity unknown",
        }
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Mild => "réaction modérée",
            Self::Severe => "réaction grave",
            Self::Unknown => "gravité inconnue",
        }
    }
}

/// What a measurement measures, with its unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// kilograms
    Weight,
    /// centimetres
    Height,
    /// mmHg, systolic then diastolic
    BloodPressure,
    /// g/L, capillary or venous
    Glucose,
}

impl Quantity {
    pub const ALL: [Quantity; 4] = [
        Self::Weight,
        Self::Height,
        Self::BloodPressure,
        Self::Glucose,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Weight => "weight",
            Self::Height => "height",
            Self::BloodPressure => "blood_pressure",
            Self::Glucose => "glucose",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.as_str() == text)
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Weight => "Poids",
            Self::Height => "Taille",
            Self::BloodPressure => "Tension artérielle",
            Self::Glucose => "Glycémie",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Weight => "Weight",
            Self::Height => "Height",
            Self::BloodPressure => "Blood pressure",
            Self::Glucose => "Blood glucose",
        }
    }

    /// The unit as written (UCUM in FHIR: see `ucum`).
    pub fn unit(self) -> &'static str {
        match self {
            Self::Weight => "kg",
            Self::Height => "cm",
            Self::BloodPressure => "mmHg",
            Self::Glucose => "g/L",
        }
    }

    pub fn ucum(self) -> &'static str {
        match self {
            Self::Weight => "kg",
            Self::Height => "cm",
            Self::BloodPressure => "mm[Hg]",
            Self::Glucose => "g/L",
        }
    }

    /// Accepted values (inclusive) and the decimals kept.
    fn range(self) -> (f64, f64, i32) {
        match self {
            Self::Weight => (0.3, 400.0, 1),
            Self::Height => (20.0, 260.0, 0),
            Self::BloodPressure => (20.0, 300.0, 0),
            Self::Glucose => (0.1, 10.0, 2),
        }
    }

    pub fn decimals(self) -> i32 {
        self.range().2
    }
}

/// Whose contact it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    /// The « personne de confiance » of French law.
    TrustedPerson,
    EmergencyContact,
}

impl ContactRole {
    pub fn label_en(self) -> &'static str {
        match self {
            Self::TrustedPerson => "Trusted person",
            Self::EmergencyContact => "Emergency contact",
        }
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Self::TrustedPerson => "Personne de confiance",
            Self::EmergencyContact => "Contact d'urgence",
        }
    }
}

/// The patient's position on organ donation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DonationPosition {
    Accepts,
    Refuses,
    /// Accepts with the restrictions written in the note.
    Restricted,
}

impl DonationPosition {
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Accepts => "accepts organ donation",
            Self::Refuses => "refuses organ donation",
            Self::Restricted => "accepts organ donation with restrictions",
        }
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Accepts => "accepte le don d'organes",
            Self::Refuses => "refuse le don d'organes",
            Self::Restricted => "accepte le don d'organes avec des restrictions",
        }
    }
}

/// A calendar day, written `AAAA-MM-JJ`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub time::Date);

impl Day {
    pub fn parse(text: &str) -> Option<Self> {
        crate::time::parse_day(text).map(Self)
    }

    /// `JJ/MM/AAAA`.
    pub fn to_french(self) -> String {
        let d = self.0;
        format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom("a day AAAA-MM-JJ"))
    }
}

/// One fact of the profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Entry {
    Allergy {
        substance: String,
        #[serde(default)]
        reaction: Option<String>,
        severity: Severity,
    },
    Treatment {
        medication: String,
        #[serde(default)]
        dosage: Option<String>,
        #[serde(default)]
        since: Option<Day>,
    },
    Condition {
        name: String,
        #[serde(default)]
        since: Option<Day>,
    },
    Contact {
        role: ContactRole,
        name: String,
        #[serde(default)]
        relation: Option<String>,
        #[serde(default)]
        phone: Option<String>,
    },
    OrganDonation {
        position: DonationPosition,
        #[serde(default)]
        note: Option<String>,
    },
    AdvanceDirectives {
        /// The document of the record that holds them.
        #[serde(default)]
        document_id: Option<DocumentId>,
        /// Where the paper original is kept, or who holds it.
        #[serde(default)]
        location: Option<String>,
    },
    Vaccination {
        vaccine: String,
        on: Day,
        #[serde(default)]
        lot: Option<String>,
    },
    Measurement {
        quantity: Quantity,
        value: f64,
        /// The diastolic pressure of a blood pressure; nothing for the others.
        #[serde(default)]
        second: Option<f64>,
        on: Day,
    },
}

/// Why an entry was refused; the message is for the person who typed it.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ProfileError {
    #[error("{field} est obligatoire.")]
    Missing { field: &'static str },
    #[error("{field} ne doit pas dépasser {TEXT_MAX} caractères.")]
    TooLong { field: &'static str },
    #[error("{field} contient un caractère non autorisé.")]
    Control { field: &'static str },
    #[error("La date ne peut pas être dans le futur.")]
    Future,
    #[error("La date ne peut pas être antérieure au 01/01/1900.")]
    TooOld,
    #[error("{quantity} : la valeur doit être comprise entre {min} et {max} {unit}.")]
    OutOfRange {
        quantity: &'static str,
        min: String,
        max: String,
        unit: &'static str,
    },
    #[error(
        "Tension artérielle : indiquez la systolique puis la diastolique, la première plus haute."
    )]
    Pressure,
    #[error("Cette mesure n'a qu'une valeur.")]
    SecondValue,
    #[error(
        "Directives anticipées : choisissez le document ou indiquez où elles sont conservées."
    )]
    DirectivesEmpty,
    #[error("Le numéro de téléphone ne doit contenir que des chiffres, des espaces et « + ».")]
    Phone,
}

/// A required text: trimmed, non-empty, bounded, without control characters.
fn text(value: &str, field: &'static str) -> Result<String, ProfileError> {
    optional(Some(value), field)?.ok_or(ProfileError::Missing { field })
}

/// An optional text: blank means none.
fn optional(value: Option<&str>, field: &'static str) -> Result<Option<String>, ProfileError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > TEXT_MAX {
        return Err(ProfileError::TooLong { field });
    }
    if v.chars().any(char::is_control) {
        return Err(ProfileError::Control { field });
    }
    Ok(Some(v.to_owned()))
}

fn past(day: Option<Day>, today: Day) -> Result<Option<Day>, ProfileError> {
    match day {
        Some(d) if d > today => Err(ProfileError::Future),
        Some(d) if d.0.year() < 1900 => Err(ProfileError::TooOld),
        other => Ok(other),
    }
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

fn in_range(quantity: Quantity, value: f64) -> Result<f64, ProfileError> {
    let (min, max, decimals) = quantity.range();
    let v = round(value, decimals);
    if v.is_finite() && (min..=max).contains(&v) {
        Ok(v)
    } else {
        Err(ProfileError::OutOfRange {
            quantity: quantity.label_fr(),
            min: number_fr(min),
            max: number_fr(max),
            unit: quantity.unit(),
        })
    }
}

/// A number as written in French: comma for the decimal point, no useless zero.
pub fn number_fr(value: f64) -> String {
    let text = format!("{value}");
    text.replace('.', ",")
}

/// A number typed in French or English notation (« 72,5 », « 72.5 »).
pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim().replace(',', ".");
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    t.parse().ok()
}

impl Entry {
    pub fn section(&self) -> Section {
        match self {
            Self::Allergy { .. } => Section::Allergies,
            Self::Treatment { .. } => Section::Treatments,
            Self::Condition { .. } => Section::Conditions,
            Self::Contact { .. } => Section::Contacts,
            Self::OrganDonation { .. } => Section::OrganDonation,
            Self::AdvanceDirectives { .. } => Section::AdvanceDirectives,
            Self::Vaccination { .. } => Section::Vaccinations,
            Self::Measurement { .. } => Section::Measurements,
        }
    }

    /// The day a series entry is about (measurements, vaccinations): what orders them.
    pub fn day(&self) -> Option<Day> {
        match self {
            Self::Measurement { on, .. } | Self::Vaccination { on, .. } => Some(*on),
            _ => None,
        }
    }

    /// The entry as it may be stored: texts trimmed and bounded, dates not after `today`
    /// (Nouméa), values in range and rounded.
    pub fn checked(self, today: Day) -> Result<Self, ProfileError> {
        Ok(match self {
            Self::Allergy {
                substance,
                reaction,
                severity,
            } => Self::Allergy {
                substance: text(&substance, "La substance")?,
                reaction: optional(reaction.as_deref(), "La réaction")?,
                severity,
            },
            Self::Treatment {
                medication,
                dosage,
                since,
            } => Self::Treatment {
                medication: text(&medication, "Le médicament")?,
                dosage: optional(dosage.as_deref(), "La posologie")?,
                since: past(since, today)?,
            },
            Self::Condition { name, since } => Self::Condition {
                name: text(&name, "La maladie")?,
                since: past(since, today)?,
            },
            Self::Contact {
                role,
                name,
                relation,
                phone,
            } => {
                let phone = optional(phone.as_deref(), "Le téléphone")?;
                let phone_ok = |p: &str| {
                    p.chars()
                        .all(|c| c.is_ascii_digit() || c == ' ' || c == '+')
                        && p.chars().any(|c| c.is_ascii_digit())
                };
                if phone.as_deref().is_some_and(|p| !phone_ok(p)) {
                    return Err(ProfileError::Phone);
                }
                Self::Contact {
                    role,
                    name: text(&name, "Le nom")?,
                    relation: optional(relation.as_deref(), "Le lien")?,
                    phone,
                }
            }
            Self::OrganDonation { position, note } => Self::OrganDonation {
                position,
                note: optional(note.as_deref(), "La précision")?,
            },
            Self::AdvanceDirectives {
                document_id,
                location,
            } => {
                let location = optional(location.as_deref(), "Le lieu de conservation")?;
                if document_id.is_none() && location.is_none() {
                    return Err(ProfileError::DirectivesEmpty);
                }
                Self::AdvanceDirectives {
                    document_id,
                    location,
                }
            }
            Self::Vaccination { vaccine, on, lot } => Self::Vaccination {
                vaccine: text(&vaccine, "Le vaccin")?,
                on: past(Some(on), today)?.unwrap_or(on),
                lot: optional(lot.as_deref(), "Le numéro de lot")?,
            },
            Self::Measurement {
                quantity,
                value,
                second,
                on,
            } => {
                let value = in_range(quantity, value)?;
                let second = match (quantity, second) {
                    (Quantity::BloodPressure, Some(d)) => {
                        let d = in_range(quantity, d)?;
                        if d >= value {
                            return Err(ProfileError::Pressure);
                        }
                        Some(d)
                    }
                    (Quantity::BloodPressure, None) => return Err(ProfileError::Pressure),
                    (_, Some(_)) => return Err(ProfileError::SecondValue),
                    (_, None) => None,
                };
                Self::Measurement {
                    quantity,
                    value,
                    second,
                    on: past(Some(on), today)?.unwrap_or(on),
                }
            }
        })
    }
}

#[path = "profile_words.rs"]
mod words;

#[cfg(test)]
#[path = "profile_tests.rs"]
mod tests;
