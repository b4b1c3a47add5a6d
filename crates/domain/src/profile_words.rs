//! One line per entry, in French (lists, exports, FHIR narratives) or English (the pages shown
//! in English): the same facts, each language's words and number notation.

use super::{number_fr, Entry};
use crate::Language;

impl Entry {
    /// One line in French, for lists, exports and the history.
    pub fn summary_fr(&self) -> String {
        self.summary(Language::Fr)
    }

    /// One line in `lang`.
    pub fn summary(&self, lang: Language) -> String {
        let fr = lang == Language::Fr;
        let w = |french: &'static str, english: &'static str| lang.pick(french, english);
        let num = |v: f64| if fr { number_fr(v) } else { format!("{v}") };
        let with = |base: String, extra: &Option<String>| match extra {
            Some(e) => format!("{base} ({e})"),
            None => base,
        };
        let since = |base: String, day: &Option<super::Day>| match day {
            Some(d) => format!("{base}, {} {}", w("depuis le", "since"), d.to_french()),
            None => base,
        };
        match self {
            Self::Allergy {
                substance,
                reaction,
                severity,
            } => {
                let label = lang.pick(severity.label_fr(), severity.label_en());
                with(format!("{substance}, {label}"), reaction)
            }
            Self::Treatment {
                medication,
                dosage,
                since: from,
            } => since(with(medication.clone(), dosage), from),
            Self::Condition { name, since: from } => since(name.clone(), from),
            Self::Contact {
                role,
                name,
                relation,
                phone,
            } => {
                let role = lang.pick(role.label_fr(), role.label_en());
                let colon = w(" : ", ": ");
                let mut s = format!("{role}{colon}{}", with(name.clone(), relation));
                if let Some(p) = phone {
                    s.push_str(&format!(", {} {p}", w("tél.", "tel.")));
                }
                s
            }
            Self::OrganDonation { position, note } => {
                let label = lang.pick(position.label_fr(), position.label_en());
                with(format!("{} {label}", w("Le patient", "The patient")), note)
            }
            Self::AdvanceDirectives {
                document_id,
                location,
            } => {
                let mut parts = Vec::new();
                if document_id.is_some() {
                    parts.push(w("un document du dossier", "a document of the record").to_owned());
                }
                if let Some(l) = location {
                    parts.push(format!("{} {l}", w("conservées :", "kept:")));
                }
                format!(
                    "{}{}",
                    w("Directives anticipées : ", "Advance directives: "),
                    parts.join(" ; ")
                )
            }
            Self::Vaccination { vaccine, on, lot } => with(
                format!("{vaccine}, {} {}", w("le", "on"), on.to_french()),
                &lot.as_ref().map(|l| format!("{} {l}", w("lot", "batch"))),
            ),
            Self::Measurement {
                quantity,
                value,
                second,
                on,
            } => {
                let v = match second {
                    Some(d) => format!("{}/{}", num(*value), num(*d)),
                    None => num(*value),
                };
                format!(
                    "{}{}{v} {}, {} {}",
                    lang.pick(quantity.label_fr(), quantity.label_en()),
                    w(" : ", ": "),
                    quantity.unit(),
                    w("le", "on"),
                    on.to_french()
                )
            }
        }
    }
}
