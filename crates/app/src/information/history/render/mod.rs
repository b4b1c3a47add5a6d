//! One audit event as one plain-French line, « 22/11/2026 14:32 — Dr Jean Néa, médecin,
//! Centre hospitalier X, a consulté le document « … » (accès en tant que membre de l'équipe de
//! soins) », in New Caledonia time. Pure: the caller resolves every name (people, structures,
//! document titles) and decides what the reader may see; this module never touches the store
//! and never prints a raw action code, identifier or rule.

mod phrases;

use mds_audit::{AuditRecord, Outcome};
use mds_domain::Timestamp;
use phrases::Words;

/// Who reads the line: it decides « vous » and how the record is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The patient, owner of the record.
    Owner,
    /// A professional (or assistant) reading their own access log.
    Actor,
    /// An authority receiving an extraction through support.
    Authority,
}

/// Who acted, as the reader is allowed to know them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Person {
    /// The reader themselves.
    You,
    /// The patient owner of the record, seen by someone else.
    Patient,
    /// A patient account that does not own the record.
    OtherPatient,
    Professional(Professional),
    /// Staff acting in the name of a professional (`None`: the professional is unknown).
    Assistant {
        name: String,
        for_professional: Box<Person>,
    },
    /// A structure's software acting in the name of a professional (`Unknown` when the
    /// professional cannot be named).
    Software {
        structure: Option<String>,
        for_professional: Box<Person>,
    },
    Support,
    System,
    Anonymous,
    /// An account that no longer exists or could not be named.
    Unknown,
}

/// A professional as named in a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Professional {
    /// « Jean Néa ».
    pub name: String,
    /// « Dr » is written before doctors' names.
    pub doctor: bool,
    /// French label of the profession, as in the reference file (« Médecin »).
    pub profession: Option<String>,
    /// Name of the structure the professional acted from.
    pub structure: Option<String>,
}

/// How a document is named to this reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocumentName {
    /// Its title (from the documents table, never from the audit detail).
    Titled(String),
    /// Only its type label, for readers who must not see titles.
    Typed(String),
    /// Neither: hidden from the patient, or no longer known.
    Unnamed,
}

/// The names an event needs, resolved by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Names {
    pub actor: Person,
    pub document: DocumentName,
    /// The professional an event is about (care team, block, consent), short form.
    pub subject: Option<String>,
    /// Declared reason (break-glass) or call reference (SAMU) of the emergency access under
    /// which the event happened.
    pub emergency: Option<String>,
}

impl Names {
    pub fn of(actor: Person) -> Self {
        Self {
            actor,
            document: DocumentName::Unnamed,
            subject: None,
            emergency: None,
        }
    }
}

/// « 22/11/2026 14:32 — <sentence> ».
pub fn line(ev: &AuditRecord, names: &Names, audience: Audience) -> String {
    format!(
        "{} — {}",
        Timestamp::from_millis(ev.at_ms).to_noumea_display(),
        sentence(ev, names, audience)
    )
}

/// The sentence of `ev` without its time.
pub fn sentence(ev: &AuditRecord, names: &Names, audience: Audience) -> String {
    let w = Words {
        ev,
        names,
        audience,
    };
    let you = match &names.actor {
        Person::You => true,
        Person::Software {
            for_professional, ..
        } => **for_professional == Person::You,
        _ => false,
    };
    let subject = subject_text(&names.actor);
    let aux = if you { "avez" } else { "a" };
    let phrase = w.phrase();
    let purpose = purpose_text(&ev.detail);
    match ev.outcome {
        Outcome::Permit | Outcome::Success => {
            let mode = if phrase.shows_mode {
                w.mode()
            } else {
                String::new()
            };
            format!("{subject} {aux} {}{purpose}{mode}", phrase.done)
        }
        Outcome::Deny => format!(
            "{subject} {aux} tenté {}{purpose} : accès refusé",
            de(&phrase.attempt)
        ),
        Outcome::Failure => format!(
            "{subject} {aux} tenté {}{purpose} : l'opération n'a pas abouti",
            de(&phrase.attempt)
        ),
    }
}

/// « pour des soins prévus le 25/11/2026 », for a read declared as a preload.
fn purpose_text(detail: &serde_json::Value) -> String {
    if detail_str(detail, "purpose") != Some("preload") {
        return String::new();
    }
    match detail_str(detail, "care_date").and_then(|d| {
        let mut parts = d.splitn(3, '-');
        let (y, m, day) = (parts.next()?, parts.next()?, parts.next()?);
        Some(format!("{day}/{m}/{y}"))
    }) {
        Some(date) => format!(" pour des soins prévus le {date}"),
        None => " avant des soins prévus".to_owned(),
    }
}

/// « de consulter », « d'ajouter ».
fn de(infinitive: &str) -> String {
    let elides = infinitive
        .chars()
        .next()
        .is_some_and(|c| "aeiouyhéèêàâîôûAEIOUYHÉ".contains(c));
    if elides {
        format!("d'{infinitive}")
    } else {
        format!("de {infinitive}")
    }
}

/// A text of an event's detail, at its top level or nested under `detail` (an emergency
/// opening keeps the request's detail there).
pub(super) fn detail_str<'a>(detail: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    detail
        .get(key)
        .or_else(|| detail.get("detail").and_then(|d| d.get(key)))
        .and_then(serde_json::Value::as_str)
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(super) fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// « Dr Jean Néa ».
fn short_name(p: &Professional) -> String {
    if p.doctor {
        format!("Dr {}", p.name)
    } else {
        p.name.clone()
    }
}

/// The French preposition « de » before `name`, elided or contracted as French writes it:
/// « d'Annie », « d'un professionnel », « du Dr Néa », « de Jean ». A leading « h » is left
/// alone (aspirated or not is a matter of the word).
pub(crate) fn de_name(name: &str) -> String {
    if let Some(rest) = name.strip_prefix("Dr ") {
        return format!("du Dr {rest}");
    }
    if let Some(rest) = name
        .strip_prefix("Le ")
        .or_else(|| name.strip_prefix("le "))
    {
        return format!("du {rest}");
    }
    let vowel = name
        .chars()
        .next()
        .is_some_and(|c| "aeiouyàâäéèêëîïôöùûüAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜ".contains(c));
    if vowel {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

fn professional_text(p: &Professional) -> String {
    let mut parts = vec![short_name(p)];
    parts.extend(p.profession.as_deref().map(lower_first));
    parts.extend(p.structure.clone());
    parts.join(", ")
}

fn subject_text(person: &Person) -> String {
    match person {
        Person::You => "Vous".to_owned(),
        Person::Patient => "Le patient".to_owned(),
        Person::OtherPatient => "Un autre patient".to_owned(),
        Person::Professional(p) => format!("{},", professional_text(p)),
        Person::Assistant {
            name,
            for_professional,
        } => match for_professional.as_ref() {
            Person::You => format!("{name} (de votre secrétariat)"),
            Person::Professional(p) => {
                format!("{name} (secrétariat {})", de_name(&professional_text(p)))
            }
            _ => format!("{name} (secrétariat d'un professionnel)"),
        },
        Person::Software {
            structure,
            for_professional,
        } => {
            let software = match structure {
                Some(s) => format!("le logiciel {}", de_name(s)),
                None => "le logiciel d'une structure de soins".to_owned(),
            };
            match for_professional.as_ref() {
                Person::You => format!("Vous, via {software},"),
                Person::Professional(p) => format!("{}, via {software},", professional_text(p)),
                _ => upper_first(&software),
            }
        }
        Person::Support => "Le support Mon Drive Santé".to_owned(),
        Person::System => "Mon Drive Santé".to_owned(),
        Person::Anonymous => "Une personne non connectée".to_owned(),
        Person::Unknown => "Un utilisateur".to_owned(),
    }
}
