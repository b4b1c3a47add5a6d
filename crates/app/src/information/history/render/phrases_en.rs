//! The English phrases of each audited action, one for each French phrase of `phrases`: what
//! was done (simple past) and what was attempted (infinitive, after "tried to"), with the
//! record, the document and the people named as the reader may see them; and the access mode
//! in words. Unknown actions get a generic sentence.

use super::phrases::Phrase;
use super::{detail_str, Audience, DocumentName, Names, Person};
use mds_audit::{AuditRecord, Outcome};

fn phrase(done: String, attempt: String, shows_mode: bool) -> Phrase {
    Phrase {
        done,
        attempt,
        shows_mode,
    }
}

pub(super) struct Words<'a> {
    pub ev: &'a AuditRecord,
    pub names: &'a Names,
    pub audience: Audience,
}

impl Words<'_> {
    fn owner(&self) -> bool {
        self.audience == Audience::Owner
    }

    /// "your record" / "the patient's record".
    fn record(&self) -> &'static str {
        if self.owner() {
            "your record"
        } else {
            "the patient's record"
        }
    }

    /// "your consent" / "the patient's consent".
    fn yours(&self, noun: &str) -> String {
        if self.owner() {
            format!("your {noun}")
        } else {
            format!("the patient's {noun}")
        }
    }

    fn document(&self) -> String {
        document_phrase(&self.names.document)
    }

    fn subject(&self) -> String {
        self.names
            .subject
            .clone()
            .unwrap_or_else(|| "a professional".to_owned())
    }

    fn detail_text(&self, key: &str) -> Option<String> {
        detail_str(&self.ev.detail, key).map(str::to_owned)
    }

    /// `, section "Measurements"` for a profile change.
    fn profile_section(&self) -> String {
        detail_str(&self.ev.detail, "section")
            .and_then(mds_domain::profile::Section::parse)
            .map(|s| format!(", section \"{}\"", s.label_en()))
            .unwrap_or_default()
    }

    fn detail_flag(&self, key: &str) -> bool {
        self.ev
            .detail
            .get(key)
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false)
    }

    /// The access mode in words, for professionals' reads and changes.
    pub fn mode(&self) -> String {
        let acts_as_professional = matches!(
            self.names.actor,
            Person::Professional(_) | Person::Assistant { .. } | Person::Software { .. }
        ) || (self.audience == Audience::Actor
            && self.names.actor == Person::You);
        if !acts_as_professional {
            return String::new();
        }
        match self.ev.access_mode.as_deref() {
            Some("care_team") => " (access as a member of the care team)".to_owned(),
            Some("consented") if self.owner() => " (access with your consent)".to_owned(),
            Some("consented") => " (access with the patient's consent)".to_owned(),
            Some("break_glass") => match &self.names.emergency {
                Some(reason) => format!(" (emergency access by break-glass: {reason})"),
                None => " (emergency access by break-glass)".to_owned(),
            },
            Some("samu") => match &self.names.emergency {
                Some(call) => format!(" (access by the SAMU regulation, call {call})"),
                None => " (access by the SAMU regulation)".to_owned(),
            },
            _ => String::new(),
        }
    }

    pub fn phrase(&self) -> Phrase {
        let rec = self.record();
        let doc = self.document();
        let who = self.subject();
        match self.ev.action.as_str() {
            "document.add" => {
                let attempt = if self.ev.outcome == Outcome::Deny {
                    format!("add a document to {rec}")
                } else {
                    format!("add {doc} to {rec}")
                };
                phrase(format!("added {doc} to {rec}"), attempt, true)
            }
            "document.read" => phrase(format!("read {doc}"), format!("read {doc}"), true),
            "document.preload" => phrase(
                format!("preloaded the list of documents in {rec}"),
                format!("preload the documents in {rec}"),
                true,
            ),
            "document.preload.read" => {
                phrase(format!("preloaded {doc}"), format!("preload {doc}"), true)
            }
            "record.open" => phrase(format!("opened {rec}"), format!("open {rec}"), true),
            "profile.read" => {
                let what = if detail_str(&self.ev.detail, "scope") == Some("emergency") {
                    "the emergency items of the health profile"
                } else {
                    "the health profile"
                };
                phrase(
                    format!("viewed {what} of {rec}"),
                    format!("view the health profile of {rec}"),
                    true,
                )
            }
            "profile.add" => {
                let section = self.profile_section();
                phrase(
                    format!("added an item to the health profile of {rec}{section}"),
                    format!("add an item to the health profile of {rec}{section}"),
                    true,
                )
            }
            "profile.remove" => {
                let section = self.profile_section();
                phrase(
                    format!("removed an item from the health profile of {rec}{section}"),
                    format!("remove an item from the health profile of {rec}{section}"),
                    true,
                )
            }
            // A request refused for its form before any use case (always a failure).
            "record.request_refused" => phrase(
                format!("sent a request about {rec}"),
                format!("send a malformed request about {rec}"),
                false,
            ),
            "document.read_metadata" => phrase(
                format!("read the description of {doc}"),
                format!("read the description of {doc}"),
                true,
            ),
            "document.search" => phrase(
                format!("searched for documents in {rec}"),
                format!("search for documents in {rec}"),
                true,
            ),
            "document.modify" => phrase(
                format!("uploaded a new version of {doc}"),
                format!("change {doc}"),
                true,
            ),
            "document.delete" => phrase(format!("deleted {doc}"), format!("delete {doc}"), true),
            "document.mask" => {
                let request = if self.detail_flag("at_patient_request") {
                    if self.owner() {
                        ", at your request"
                    } else {
                        ", at the patient's request"
                    }
                } else {
                    ""
                };
                phrase(
                    format!("masked {doc} from professionals{request}"),
                    format!("mask {doc} from professionals"),
                    false,
                )
            }
            "document.unmask" => phrase(
                format!(
                    "made {doc} visible to professionals again{}",
                    if self.detail_flag("at_patient_request") {
                        ", at the patient's request"
                    } else {
                        ""
                    }
                ),
                format!("make {doc} visible to professionals"),
                false,
            ),
            "document.mask_all" => phrase(
                format!("masked all the documents in {rec} from professionals"),
                format!("mask all the documents in {rec} from professionals"),
                false,
            ),
            "document.unmask_all" => {
                let whose = if self.names.actor == Person::You {
                    "you"
                } else {
                    "they"
                };
                phrase(
                    format!(
                        "made the documents in {rec} that {whose} had masked visible to professionals again"
                    ),
                    format!("make the masked documents in {rec} visible again"),
                    false,
                )
            }
            "document.hide_from_patient" => phrase(
                format!("kept {doc} for an announcement consultation"),
                format!("keep {doc} for an announcement consultation"),
                false,
            ),
            "document.show_to_patient" => {
                let to = if self.owner() { "you" } else { "the patient" };
                phrase(
                    format!("made {doc} visible to {to}"),
                    format!("make {doc} visible to {to}"),
                    false,
                )
            }
            "care_team.read" => phrase(
                format!("viewed the care team of {rec}"),
                format!("view the care team of {rec}"),
                false,
            ),
            "care_team.add" => {
                let attending = if self.detail_flag("attending_physician") {
                    " as attending physician"
                } else {
                    ""
                };
                phrase(
                    format!("added {who} to the care team{attending}"),
                    format!("add {who} to the care team"),
                    false,
                )
            }
            "care_team.remove" => phrase(
                format!("removed {who} from the care team"),
                format!("remove {who} from the care team"),
                false,
            ),
            "care_team.attending_physician" if self.names.subject.is_none() => phrase(
                "withdrew the attending physician declaration".to_owned(),
                "withdraw the attending physician declaration".to_owned(),
                false,
            ),
            "care_team.attending_physician" => phrase(
                format!("declared {who} as attending physician"),
                format!("declare {who} as attending physician"),
                false,
            ),
            "patient.care_team.change" => phrase(
                format!("changed the care team of {rec}"),
                format!("change the care team of {rec}"),
                false,
            ),
            "consent.list" => phrase(
                format!("viewed the access requests to {rec}"),
                format!("view the access requests to {rec}"),
                false,
            ),
            "consent.request" if self.detail_text("state").as_deref() == Some("granted") => phrase(
                format!(
                    "attested having obtained {} in person for a temporary access to {rec}",
                    self.yours("consent")
                ),
                format!("ask for {} to access {rec}", self.yours("consent")),
                false,
            ),
            "consent.request" => phrase(
                format!("asked for {} to access {rec}", self.yours("consent")),
                format!("ask for {} to access {rec}", self.yours("consent")),
                false,
            ),
            "consent.approve" => phrase(
                format!("accepted the access request from {who}"),
                format!("accept the access request from {who}"),
                false,
            ),
            "consent.refuse" => phrase(
                format!("refused the access request from {who}"),
                format!("refuse the access request from {who}"),
                false,
            ),
            "consent.revoke" => phrase(
                format!("withdrew the temporary access granted to {who}"),
                format!("withdraw the temporary access granted to {who}"),
                false,
            ),
            "consent.code" => {
                let code = if self.owner() {
                    "the consent code you gave them"
                } else {
                    "the patient's consent code"
                };
                phrase(
                    format!("entered {code} and obtained a temporary access to {rec}"),
                    "enter a consent code".to_owned(),
                    false,
                )
            }
            "record.block" => phrase(
                format!("blocked the access of {who} to {rec}"),
                format!("block the access of {who} to {rec}"),
                false,
            ),
            "record.unblock" => phrase(
                format!("unblocked the access of {who} to {rec}"),
                format!("unblock the access of {who} to {rec}"),
                false,
            ),
            "record.emergency_settings.read" => phrase(
                format!("viewed the emergency access settings of {rec}"),
                format!("view the emergency access settings of {rec}"),
                false,
            ),
            "record.blocks.read" => phrase(
                format!("viewed the list of professionals blocked from {rec}"),
                format!("view the list of professionals blocked from {rec}"),
                false,
            ),
            "record.emergency_settings" => {
                let choice = |key: &str| {
                    if self.detail_flag(key) {
                        "refused"
                    } else {
                        "accepted"
                    }
                };
                phrase(
                    format!(
                        "set the emergency accesses to {rec}: break-glass {}, SAMU regulation {}",
                        choice("oppose_break_glass"),
                        choice("oppose_samu")
                    ),
                    format!("set the emergency accesses to {rec}"),
                    false,
                )
            }
            "record.break_glass.open" => {
                let reason = self
                    .detail_text("reason")
                    .map(|r| format!(", reason: “{r}”"))
                    .unwrap_or_default();
                phrase(
                    format!("opened an emergency access (break-glass) to {rec}{reason}"),
                    format!("open an emergency access (break-glass) to {rec}{reason}"),
                    false,
                )
            }
            "record.samu.open" => {
                let call = self
                    .detail_text("call_reference")
                    .map(|c| format!(", call {c}"))
                    .unwrap_or_default();
                phrase(
                    format!("opened a SAMU regulation access to {rec}{call}"),
                    format!("open a SAMU regulation access to {rec}{call}"),
                    false,
                )
            }
            "record.feeding_opposition.record" => phrase(
                format!(
                    "recorded {} to this professional adding to {rec}",
                    self.yours("objection")
                ),
                format!(
                    "record {} to this professional adding to {rec}",
                    self.yours("objection")
                ),
                false,
            ),
            "record.feeding_opposition.lift" => phrase(
                format!(
                    "lifted {} to this professional adding to {rec}",
                    self.yours("objection")
                ),
                format!(
                    "lift {} to this professional adding to {rec}",
                    self.yours("objection")
                ),
                false,
            ),
            "record.preview" => phrase(
                format!("looked at what a professional would see of {rec} (a simulation: nothing was opened to them)"),
                format!("look at what a professional would see of {rec}"),
                false,
            ),
            "history.read" => phrase(
                format!("viewed the activity history of {rec}"),
                format!("view the activity history of {rec}"),
                false,
            ),
            "audit.read" => phrase(
                format!("viewed the audit log of {rec}"),
                format!("view the audit log of {rec}"),
                false,
            ),
            "audit.extract" => phrase(
                format!("extracted the audit log of {rec} for an authority"),
                format!("extract the audit log of {rec}"),
                false,
            ),
            "patient.create" => phrase(format!("created {rec}"), format!("create {rec}"), false),
            "patient.search" => phrase(
                format!("found {rec} through a patient search"),
                "search for a patient".to_owned(),
                false,
            ),
            "patient.activate" => phrase(
                format!("activated the online account linked to {rec}"),
                format!("activate the online account linked to {rec}"),
                false,
            ),
            "patient.enrolment.submit" => phrase(
                format!("submitted a request to open an account for {rec}"),
                format!("submit a request to open an account for {rec}"),
                false,
            ),
            "patient.enrolment.scan.read" => phrase(
                "viewed a supporting document of the request to open an account".to_owned(),
                "view a supporting document of the request to open an account".to_owned(),
                false,
            ),
            "patient.enrolment.validate" => phrase(
                "approved the request to open an account".to_owned(),
                "approve the request to open an account".to_owned(),
                false,
            ),
            "patient.review.approve" => phrase(
                format!("approved the creation of {rec} after checking the identity"),
                format!("approve the creation of {rec}"),
                false,
            ),
            "patient.review.reject" => phrase(
                "dismissed a duplicate request to create a record".to_owned(),
                "dismiss a request to create a record".to_owned(),
                false,
            ),
            "patient.close" => phrase(format!("closed {rec}"), format!("close {rec}"), false),
            "patient.rectification.request" => phrase(
                format!("asked for the correction of an identity detail of {rec}"),
                format!("ask for the correction of an identity detail of {rec}"),
                false,
            ),
            "patient.rectification.apply" => phrase(
                format!("corrected an identity detail of {rec}, after checking"),
                format!("correct an identity detail of {rec}"),
                false,
            ),
            "patient.rectification.reject" => phrase(
                format!("refused a request to correct the identity of {rec}"),
                format!("refuse a request to correct the identity of {rec}"),
                false,
            ),
            "record.limitation.set" => phrase(
                format!("restricted the use of {rec}"),
                format!("restrict the use of {rec}"),
                false,
            ),
            "record.limitation.lift" => phrase(
                format!("lifted the restriction of {rec}"),
                format!("lift the restriction of {rec}"),
                false,
            ),
            "patient.erasure.request" => phrase(
                format!("asked for the erasure of {rec}"),
                format!("ask for the erasure of {rec}"),
                false,
            ),
            "patient.death.record" => phrase(
                format!("recorded a death on {rec}"),
                format!("record a death on {rec}"),
                false,
            ),
            "patient.erase" => phrase(format!("erased {rec}"), format!("erase {rec}"), false),
            "patient.export" => phrase(
                format!("downloaded a full copy of {rec}"),
                format!("download a full copy of {rec}"),
                false,
            ),
            "patient.export.on_request" => phrase(
                format!("produced a full copy of {rec} at the person's request"),
                format!("produce a full copy of {rec}"),
                false,
            ),
            "consent.attestation.read" => phrase(
                format!("viewed a signed consent attestation of {rec}"),
                format!("view a signed consent attestation of {rec}"),
                false,
            ),
            "consent.attestation.list" => phrase(
                format!("viewed the list of attested consents of {rec}"),
                format!("view the list of attested consents of {rec}"),
                false,
            ),
            "patient.export.heir" => phrase(
                format!("produced a copy of {rec} for an heir"),
                format!("produce a copy of {rec}"),
                false,
            ),
            "patient.legal_export" => phrase(
                format!("produced a copy of {rec} for an authority"),
                format!("produce a copy of {rec}"),
                false,
            ),
            "access_log.read" => {
                let whose = if self.audience == Audience::Actor {
                    "your"
                } else {
                    "their"
                };
                phrase(
                    format!("viewed {whose} access log"),
                    format!("view {whose} access log"),
                    false,
                )
            }
            "auth.login" => phrase("signed in".to_owned(), "sign in".to_owned(), false),
            "auth.password" => {
                let whose = if self.audience == Audience::Actor {
                    "your"
                } else {
                    "their"
                };
                phrase(
                    format!("entered {whose} password (first step of signing in)"),
                    format!("enter {whose} password"),
                    false,
                )
            }
            "auth.logout" => phrase("signed out".to_owned(), "sign out".to_owned(), false),
            _ if self.ev.patient_id.is_none() => phrase(
                "took an action in Mon Drive Santé".to_owned(),
                "take an action in Mon Drive Santé".to_owned(),
                false,
            ),
            _ => phrase(
                format!("took an action on {rec}"),
                format!("take an action on {rec}"),
                true,
            ),
        }
    }
}

/// "the document “A”", "a document of type “B”", "a document".
pub(super) fn document_phrase(d: &DocumentName) -> String {
    match d {
        DocumentName::Titled(t) => format!("the document “{t}”"),
        other => document_item(other),
    }
}

/// "“A”", "a document of type “B”", "a document".
pub(super) fn document_item(d: &DocumentName) -> String {
    match d {
        DocumentName::Titled(t) => format!("“{t}”"),
        DocumentName::Typed(label) => format!("a document of type “{label}”"),
        DocumentName::Unnamed => "a document".to_owned(),
    }
}
