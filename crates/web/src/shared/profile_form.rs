//! The health profile's add forms: one per section, posted with the section's `kind`, read
//! back into a typed `Entry` (`EntryForm::entry`; the use case checks its values and answers
//! the French message), and shown again with what was typed when refused.

use crate::shared::form;
use crate::shell::error::WebError;
use crate::shell::i18n::Lang;
use crate::shell::Web;
use maud::{html, Markup};
use mds_app::{Actor, AppError};
use mds_domain::profile::{
    parse_number, ContactRole, Day, DonationPosition, Entry, Quantity, Section, Severity,
};
use mds_domain::{DocumentId, PatientId};
use serde::Deserialize;

/// Every field of every add form; a section's form sends its own (the others are empty).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct EntryForm {
    pub kind: String,
    pub substance: String,
    pub reaction: String,
    pub severity: String,
    pub medication: String,
    pub dosage: String,
    pub since: String,
    pub name: String,
    pub role: String,
    pub relation: String,
    pub phone: String,
    pub position: String,
    pub note: String,
    pub document_id: String,
    pub location: String,
    pub vaccine: String,
    pub on: String,
    pub lot: String,
    pub quantity: String,
    pub value: String,
    pub second: String,
}

/// A form refused: its section, what was typed, and why.
pub struct Retry<'a> {
    pub section: Section,
    pub form: &'a EntryForm,
    pub error: &'a str,
}

fn some(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

impl EntryForm {
    /// The section this form adds to, if `kind` names one.
    pub fn section(&self) -> Option<Section> {
        Section::parse(&self.kind)
    }

    /// The entry typed; an unreadable date, number or choice is refused here (`lang`'s
    /// message), everything else by the use case.
    pub fn entry(&self, lang: Lang) -> Result<Entry, &'static str> {
        let day = |t: &str| Day::parse(t).ok_or(lang.t("profile.error.date"));
        let optional_day = |t: &str| match some(t) {
            Some(t) => day(&t).map(Some),
            None => Ok(None),
        };
        let choice = lang.t("profile.error.choice");
        Ok(match self.section().ok_or(choice)? {
            Section::Allergies => Entry::Allergy {
                substance: self.substance.clone(),
                reaction: some(&self.reaction),
                severity: match self.severity.as_str() {
                    "mild" => Severity::Mild,
                    "severe" => Severity::Severe,
                    "unknown" | "" => Severity::Unknown,
                    _ => return Err(choice),
                },
            },
            Section::Treatments => Entry::Treatment {
                medication: self.medication.clone(),
                dosage: some(&self.dosage),
                since: optional_day(&self.since)?,
            },
            Section::Conditions => Entry::Condition {
                name: self.name.clone(),
                since: optional_day(&self.since)?,
            },
            Section::Contacts => Entry::Contact {
                role: match self.role.as_str() {
                    "trusted_person" => ContactRole::TrustedPerson,
                    "emergency_contact" => ContactRole::EmergencyContact,
                    _ => return Err(choice),
                },
                name: self.name.clone(),
                relation: some(&self.relation),
                phone: some(&self.phone),
            },
            Section::OrganDonation => Entry::OrganDonation {
                position: match self.position.as_str() {
                    "accepts" => DonationPosition::Accepts,
                    "refuses" => DonationPosition::Refuses,
                    "restricted" => DonationPosition::Restricted,
                    _ => return Err(choice),
                },
                note: some(&self.note),
            },
            Section::AdvanceDirectives => Entry::AdvanceDirectives {
                document_id: some(&self.document_id).map(|t| DocumentId::named(&t)),
                location: some(&self.location),
            },
            Section::Vaccinations => Entry::Vaccination {
                vaccine: self.vaccine.clone(),
                on: day(&self.on)?,
                lot: some(&self.lot),
            },
            Section::Measurements => {
                let number = |t: &str| parse_number(t).ok_or(lang.t("profile.error.number"));
                Entry::Measurement {
                    quantity: Quantity::parse(&self.quantity).ok_or(choice)?,
                    value: number(&self.value)?,
                    second: match some(&self.second) {
                        Some(t) => Some(number(&t)?),
                        None => None,
                    },
                    on: day(&self.on)?,
                }
            }
        })
    }
}

/// Adds the form's entry to the record `pid` as `actor`: `None` when added, the message when
/// refused for what was typed (the form is shown again with it); any other refusal is the
/// page's error.
pub async fn submit(
    web: &Web,
    actor: &Actor,
    pid: &PatientId,
    ip: Option<String>,
    lang: Lang,
    form: &EntryForm,
) -> Result<Option<String>, WebError> {
    let entry = match form.entry(lang) {
        Ok(entry) => entry,
        Err(message) => return Ok(Some(message.to_owned())),
    };
    match web
        .app
        .add_profile_entry(actor, pid, entry, ip, crate::shell::now())
        .await
    {
        Ok(_) => Ok(None),
        Err(AppError::Invalid { message, .. }) => Ok(Some(message)),
        Err(e) => Err(e.into()),
    }
}

/// A text field of a section's form, kept when the form comes back.
fn text(id: &str, name: &str, label: &str, value: &str, required: bool, kind: &str) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            input #(id) name=(name) type=(kind) value=(value) maxlength="200" required[required];
        }
    }
}

/// Radio buttons under a legend.
fn radios(id: &str, name: &str, legend: &str, options: &[(&str, &str)], value: &str) -> Markup {
    html! {
        fieldset.field {
            legend { (legend) }
            @for (v, label) in options {
                @let rid = format!("{id}-{v}");
                div.check {
                    input #(rid) type="radio" name=(name) value=(v) checked[value == *v] required;
                    label for=(rid) { (label) }
                }
            }
        }
    }
}

fn add_label(l: Lang, section: Section) -> &'static str {
    l.t(match section {
        Section::Allergies => "profile.add.allergies",
        Section::Treatments => "profile.add.treatments",
        Section::Conditions => "profile.add.conditions",
        Section::Contacts => "profile.add.contacts",
        Section::OrganDonation => "profile.add.organ_donation",
        Section::AdvanceDirectives => "profile.add.advance_directives",
        Section::Vaccinations => "profile.add.vaccinations",
        Section::Measurements => "profile.add.measurements",
    })
}

/// The add form of `section`, posted to `action`; open and filled when it comes back refused.
pub fn add_form(
    lang: Lang,
    csrf: &str,
    action: &str,
    section: Section,
    retry: Option<&Retry<'_>>,
    documents: &[(DocumentId, String)],
) -> Markup {
    let l = lang;
    let retry = retry.filter(|r| r.section == section);
    let empty = EntryForm::default();
    let f = retry.map_or(&empty, |r| r.form);
    let s = section.as_str();
    let id = |field: &str| format!("{s}-{field}");
    let err_id = id("error");
    let today = l.t("profile.field.date.hint");
    html! {
        details.add-entry open[retry.is_some()] {
            summary { (add_label(l, section)) }
            form.stack method="post" action=(action) aria-describedby=[retry.map(|_| err_id.clone())] {
                (form::csrf(csrf))
                input type="hidden" name="kind" value=(s);
                (form::form_error(&err_id, retry.map(|r| r.error)))
                @match section {
                    Section::Allergies => {
                        (text(&id("substance"), "substance", l.t("profile.field.substance"), &f.substance, true, "text"))
                        (text(&id("reaction"), "reaction", l.t("profile.field.reaction"), &f.reaction, false, "text"))
                        (radios(&id("severity"), "severity", l.t("profile.field.severity"), &[("severe", l.t("profile.severity.severe")), ("mild", l.t("profile.severity.mild")), ("unknown", l.t("profile.severity.unknown"))], &f.severity))
                    }
                    Section::Treatments => {
                        (text(&id("medication"), "medication", l.t("profile.field.medication"), &f.medication, true, "text"))
                        (text(&id("dosage"), "dosage", l.t("profile.field.dosage"), &f.dosage, false, "text"))
                        (text(&id("since"), "since", l.t("profile.field.since"), &f.since, false, "date"))
                    }
                    Section::Conditions => {
                        (text(&id("name"), "name", l.t("profile.field.condition"), &f.name, true, "text"))
                        (text(&id("since"), "since", l.t("profile.field.since"), &f.since, false, "date"))
                    }
                    Section::Contacts => {
                        (radios(&id("role"), "role", l.t("profile.field.role"), &[("trusted_person", l.t("profile.role.trusted_person")), ("emergency_contact", l.t("profile.role.emergency_contact"))], &f.role))
                        (text(&id("name"), "name", l.t("profile.field.name"), &f.name, true, "text"))
                        (text(&id("relation"), "relation", l.t("profile.field.relation"), &f.relation, false, "text"))
                        (text(&id("phone"), "phone", l.t("profile.field.phone"), &f.phone, false, "tel"))
                    }
                    Section::OrganDonation => {
                        p.hint { (l.t("profile.replaces")) }
                        (radios(&id("position"), "position", l.t("profile.field.position"), &[("accepts", l.t("profile.position.accepts")), ("refuses", l.t("profile.position.refuses")), ("restricted", l.t("profile.position.restricted"))], &f.position))
                        (text(&id("note"), "note", l.t("profile.field.note"), &f.note, false, "text"))
                    }
                    Section::AdvanceDirectives => {
                        p.hint { (l.t("profile.replaces")) }
                        @if !documents.is_empty() {
                            div.field {
                                label for=(id("document")) { (l.t("profile.field.document")) }
                                select #(id("document")) name="document_id" {
                                    option value="" { (l.t("profile.field.document.none")) }
                                    @for (doc, title) in documents {
                                        option value=(doc) selected[f.document_id == doc.as_str()] { (title) }
                                    }
                                }
                            }
                        }
                        (text(&id("location"), "location", l.t("profile.field.location"), &f.location, false, "text"))
                    }
                    Section::Vaccinations => {
                        (text(&id("vaccine"), "vaccine", l.t("profile.field.vaccine"), &f.vaccine, true, "text"))
                        (text(&id("on"), "on", l.t("profile.field.date"), &f.on, true, "date"))
                        (text(&id("lot"), "lot", l.t("profile.field.lot"), &f.lot, false, "text"))
                    }
                    Section::Measurements => {
                        div.field {
                            label for=(id("quantity")) { (l.t("profile.field.quantity")) }
                            select #(id("quantity")) name="quantity" required {
                                @for q in Quantity::ALL {
                                    option value=(q.as_str()) selected[f.quantity == q.as_str()] {
                                        (mds_domain::Language::from(lang).pick(q.label_fr(), q.label_en())) " (" (q.unit()) ")"
                                    }
                                }
                            }
                        }
                        div.field {
                            label for=(id("value")) { (l.t("profile.field.value")) }
                            p.hint #(id("value-hint")) { (l.t("profile.field.value.hint")) }
                            input #(id("value")) name="value" type="text" inputmode="decimal" value=(f.value) required maxlength="10" aria-describedby=(id("value-hint"));
                        }
                        (text(&id("second"), "second", l.t("profile.field.second"), &f.second, false, "text"))
                        (text(&id("on"), "on", l.t("profile.field.date"), &f.on, true, "date"))
                        p.hint { (today) }
                    }
                }
                button type="submit" { (l.t("profile.add")) }
            }
        }
    }
}
