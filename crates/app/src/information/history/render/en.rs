//! The English sentences of the history, word for word the French ones of the parent module
//! in plain English: « Dr Jean Néa, médecin, … a consulté le document « X » » reads "Dr Jean
//! Néa, doctor, … read the document “X”". Same inputs, same rules of what is said; only the
//! words change (names, titles and reasons typed by people stay as they were written).

use super::phrases_en::{document_item, document_phrase, Words};
use super::{
    preload_care_date, short_name, upper_first, Audience, Names, Person, Professional, Reads,
};
use mds_audit::{AuditRecord, Outcome};
use mds_domain::Timestamp;

/// The English sentence of `ev`, without its time.
pub(super) fn sentence(ev: &AuditRecord, names: &Names, audience: Audience) -> String {
    let w = Words {
        ev,
        names,
        audience,
    };
    let subject = subject_text(&names.actor);
    let phrase = w.phrase();
    let purpose = purpose_text(&ev.detail);
    match ev.outcome {
        Outcome::Permit | Outcome::Success => {
            let mode = if phrase.shows_mode {
                w.mode()
            } else {
                String::new()
            };
            format!("{subject} {}{purpose}{mode}", phrase.done)
        }
        Outcome::Deny => format!(
            "{subject} tried to {}{purpose}: access denied{}",
            phrase.attempt,
            if audience == Audience::Owner {
                owner_reason(ev)
            } else {
                ""
            }
        ),
        Outcome::Failure => format!(
            "{subject} tried to {}{purpose}: the operation failed",
            phrase.attempt
        ),
    }
}

/// Why a refusal happened, as the patient reads it, from the rule of the decision: the same
/// table as the French one.
fn owner_reason(ev: &AuditRecord) -> &'static str {
    owner_reason_of(
        ev.rule.as_deref().unwrap_or_default(),
        ev.access_mode.as_deref(),
    )
}

/// [`owner_reason`] of a rule and an access mode (also what « voir mon dossier comme le
/// Dr X » says of a document it would not be shown).
pub(crate) fn owner_reason_of(rule: &str, access_mode: Option<&str>) -> &'static str {
    super::reasons::owner_reason(rule, access_mode, mds_domain::Language::En)
}

/// "04/12/2026 from 08:02 to 14:32 — Dr Jean Néa, doctor, read 3 documents: “A”, “B” and a
/// document of type “Prescription” (access as a member of the care team)".
pub(super) fn reads_line(
    newest: &AuditRecord,
    names: &Names,
    reads: &Reads,
    audience: Audience,
) -> String {
    let last = Timestamp::from_millis(newest.at_ms).to_noumea_display();
    let first = Timestamp::from_millis(reads.oldest_ms).to_noumea_display();
    let when = match (first.split_once(' '), last.split_once(' ')) {
        (Some((day, from)), Some((_, to))) if from != to => format!("{day} from {from} to {to}"),
        _ => last.clone(),
    };
    let what = match reads.documents.as_slice() {
        [(_, one)] => format!("read {} {} times", document_phrase(one), reads.count),
        documents => {
            let n = documents.len();
            let more = if reads.count as usize > n {
                format!(" ({} reads)", reads.count)
            } else {
                String::new()
            };
            let items: Vec<String> = documents.iter().map(|(_, d)| document_item(d)).collect();
            format!("read {n} documents{more}: {}", english_list(&items))
        }
    };
    let mode = Words {
        ev: newest,
        names,
        audience,
    }
    .mode();
    format!("{when} — {} {what}{mode}", subject_text(&names.actor))
}

/// "a, b and c".
fn english_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// " for care planned on 25/11/2026", for a read declared as a preload.
fn purpose_text(detail: &serde_json::Value) -> String {
    match preload_care_date(detail) {
        None => String::new(),
        Some(Some(date)) => format!(" for care planned on {date}"),
        Some(None) => " ahead of planned care".to_owned(),
    }
}

/// "Dr Jean Néa, doctor, Centre hospitalier X".
fn professional_text(p: &Professional) -> String {
    let mut parts = vec![short_name(p)];
    parts.extend(p.profession.as_deref().map(super::lower_first));
    parts.extend(p.structure.clone());
    parts.join(", ")
}

fn subject_text(person: &Person) -> String {
    match person {
        Person::You => "You".to_owned(),
        Person::Patient => "The patient".to_owned(),
        Person::OtherPatient => "Another patient".to_owned(),
        Person::Representative { name, for_owner } => match (name.is_empty(), *for_owner) {
            (true, true) => "Your legal representative".to_owned(),
            (true, false) => "The patient's legal representative".to_owned(),
            (false, true) => format!("{name}, your legal representative,"),
            (false, false) => format!("{name}, their legal representative,"),
        },
        Person::Professional(p) => format!("{},", professional_text(p)),
        Person::Assistant {
            name,
            for_professional,
        } => match for_professional.as_ref() {
            Person::You => format!("{name} (your assistant)"),
            Person::Professional(p) => {
                format!("{name} (assistant to {})", professional_text(p))
            }
            _ => format!("{name} (a professional's assistant)"),
        },
        Person::Software {
            structure,
            for_professional,
        } => {
            let software = match structure {
                Some(s) => format!("the software of {s}"),
                None => "the software of a care facility".to_owned(),
            };
            match for_professional.as_ref() {
                Person::You => format!("You, through {software},"),
                Person::Professional(p) => {
                    format!("{}, through {software},", professional_text(p))
                }
                _ => upper_first(&software),
            }
        }
        Person::Support => "Mon Drive Santé support".to_owned(),
        Person::System => "Mon Drive Santé".to_owned(),
        Person::Anonymous => "Someone who was not signed in".to_owned(),
        Person::Unknown => "A user".to_owned(),
    }
}
