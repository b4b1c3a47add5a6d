//! One audit event as one plain-French line, « 22/11/2026 14:32 — Dr Jean Néa, médecin,
//! Centre hospitalier X, a consulté le document « … » (accès en tant que membre de l'équipe de
//! soins) », in New Caledonia time; or in English when the reader asks for it ("… Dr Jean Néa,
//! doctor, Centre hospitalier X, read the document “…” (access as a member of the care
//! team)", `en`). Pure: the caller resolves every name (people, structures, document titles,
//! in the reader's language) and decides what the reader may see; this module never touches
//! the store and never prints a raw action code, identifier or rule.

mod en;
mod reasons;
pub(crate) use en::owner_reason_of as owner_reason_of_en;
mod phrases;
mod phrases_en;

use mds_audit::{AuditRecord, Outcome};
use mds_domain::{Language, Timestamp};
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
    /// The legal representative of the record's holder, acting with the patient's rights
    /// (`for_owner`: the holder reads their own history).
    Representative {
        name: String,
        for_owner: bool,
    },
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
    /// Label of the profession in the reader's language, as in the reference file
    /// (« Médecin », "Doctor").
    pub profession: Option<String>,
    /// Name of the structure the professional acted from.
    pub structure: Option<String>,
}

/// How a document is named to this reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocumentName {
    /// Its title (from the documents table, never from the audit detail).
    Titled(String),
    /// Only its type label (in the reader's language), for readers who must not see titles.
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

/// `« 22/11/2026 14:32 — <sentence> »` (the same day and time in English).
pub fn line(ev: &AuditRecord, names: &Names, audience: Audience, lang: Language) -> String {
    format!(
        "{} — {}",
        Timestamp::from_millis(ev.at_ms).to_noumea_display(),
        sentence(ev, names, audience, lang)
    )
}

/// The sentence of `ev` without its time, in `lang`.
pub fn sentence(ev: &AuditRecord, names: &Names, audience: Audience, lang: Language) -> String {
    if lang == Language::En {
        return en::sentence(ev, names, audience);
    }
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
            "{subject} {aux} tenté {}{purpose} : accès refusé{}",
            de(&phrase.attempt),
            if audience == Audience::Owner {
                owner_reason(ev)
            } else {
                ""
            }
        ),
        Outcome::Failure => format!(
            "{subject} {aux} tenté {}{purpose} : l'opération n'a pas abouti",
            de(&phrase.attempt)
        ),
    }
}

/// Why a refusal happened, as the patient reads it (« , car vous avez bloqué ce
/// professionnel »), from the rule of the decision; nothing when the rule tells the patient
/// no more than « accès refusé ».
fn owner_reason(ev: &AuditRecord) -> &'static str {
    owner_reason_of(
        ev.rule.as_deref().unwrap_or_default(),
        ev.access_mode.as_deref(),
    )
}

/// [`owner_reason`] of a rule and an access mode (also what « voir mon dossier comme le
/// Dr X » says of a document it would not be shown).
pub(crate) fn owner_reason_of(rule: &str, access_mode: Option<&str>) -> &'static str {
    reasons::owner_reason(rule, access_mode, mds_domain::Language::Fr)
}

/// The reads of documents by one professional on one day: each document once, in the order
/// met, how many reads in all, and the time of the oldest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reads {
    documents: Vec<(Option<String>, DocumentName)>,
    count: u32,
    oldest_ms: i64,
}

impl Reads {
    pub fn first(document_id: Option<&str>, name: DocumentName, at_ms: i64) -> Self {
        Self {
            documents: vec![(document_id.map(str::to_owned), name)],
            count: 1,
            oldest_ms: at_ms,
        }
    }

    /// One more read (documents are told apart by their identifier: two untitled
    /// documents stay two).
    pub fn add(&mut self, document_id: Option<&str>, name: DocumentName, at_ms: i64) {
        self.count += 1;
        self.oldest_ms = self.oldest_ms.min(at_ms);
        let known = document_id.is_some()
            && self
                .documents
                .iter()
                .any(|(id, _)| id.as_deref() == document_id);
        if !known {
            self.documents.push((document_id.map(str::to_owned), name));
        }
    }

    pub fn count(&self) -> u32 {
        self.count
    }
}

/// « 04/12/2026 de 08:02 à 14:32 — Dr Jean Néa, médecin, a consulté 3 documents : « A », « B »
/// et un document de type « Ordonnance » (accès en tant que membre de l'équipe de soins) »
/// (or its English form); `newest` is the latest read, whose access mode and emergency are
/// said.
pub fn reads_line(
    newest: &AuditRecord,
    names: &Names,
    reads: &Reads,
    audience: Audience,
    lang: Language,
) -> String {
    if lang == Language::En {
        return en::reads_line(newest, names, reads, audience);
    }
    let last = Timestamp::from_millis(newest.at_ms).to_noumea_display();
    let first = Timestamp::from_millis(reads.oldest_ms).to_noumea_display();
    let when = match (first.split_once(' '), last.split_once(' ')) {
        (Some((day, from)), Some((_, to))) if from != to => format!("{day} de {from} à {to}"),
        _ => last.clone(),
    };
    let you = names.actor == Person::You;
    let aux = if you { "avez" } else { "a" };
    let what = match reads.documents.as_slice() {
        [(_, one)] => format!("consulté {} fois {}", reads.count, document_phrase(one)),
        documents => {
            let n = documents.len();
            let more = if reads.count as usize > n {
                format!(" ({} consultations)", reads.count)
            } else {
                String::new()
            };
            let items: Vec<String> = documents.iter().map(|(_, d)| document_item(d)).collect();
            format!("consulté {n} documents{more} : {}", french_list(&items))
        }
    };
    let mode = Words {
        ev: newest,
        names,
        audience,
    }
    .mode();
    format!("{when} — {} {aux} {what}{mode}", subject_text(&names.actor))
}

/// « le document « A » », « un document de type « B » », « un document ».
fn document_phrase(d: &DocumentName) -> String {
    match d {
        DocumentName::Titled(t) => format!("le document « {t} »"),
        other => document_item(other),
    }
}

/// « « A » », « un document de type « B » », « un document ».
fn document_item(d: &DocumentName) -> String {
    match d {
        DocumentName::Titled(t) => format!("« {t} »"),
        DocumentName::Typed(label) => format!("un document de type « {label} »"),
        DocumentName::Unnamed => "un document".to_owned(),
    }
}

/// « a, b et c ».
fn french_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} et {last}", rest.join(", ")),
    }
}

/// « pour des soins prévus le 25/11/2026 », for a read declared as a preload.
fn purpose_text(detail: &serde_json::Value) -> String {
    match preload_care_date(detail) {
        None => String::new(),
        Some(Some(date)) => format!(" pour des soins prévus le {date}"),
        Some(None) => " avant des soins prévus".to_owned(),
    }
}

/// For a read declared as a preload, the day of the care planned (`JJ/MM/AAAA`) if it is
/// known; `None` for any other read.
fn preload_care_date(detail: &serde_json::Value) -> Option<Option<String>> {
    if detail_str(detail, "purpose") != Some("preload") {
        return None;
    }
    Some(detail_str(detail, "care_date").and_then(|d| {
        let mut parts = d.splitn(3, '-');
        let (y, m, day) = (parts.next()?, parts.next()?, parts.next()?);
        Some(format!("{day}/{m}/{y}"))
    }))
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
        Person::Representative { name, for_owner } => match (name.is_empty(), *for_owner) {
            (true, true) => "Votre représentant légal".to_owned(),
            (true, false) => "Le représentant légal du patient".to_owned(),
            (false, true) => format!("{name}, votre représentant légal,"),
            (false, false) => format!("{name}, son représentant légal,"),
        },
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
