//! The health profile as a page shows it, on both portals: its sections in the order the
//! use case gives (emergency first), each entry with who added it and when, the charts of the
//! measurements, a remove button where the reader may remove, and the add forms of the
//! sections the policy opens to the reader (`HealthProfile::may_add`).

use crate::shared::form;
use crate::shared::profile_chart;
use crate::shared::profile_form::{add_form, Retry};
use crate::shared::views;
use crate::shell::i18n::Lang;
use maud::{html, Markup};
use mds_app::record::profile::{HealthProfile, ProfileEntry, ProfileScope};
use mds_domain::profile::{Entry, Section};
use mds_domain::DocumentId;

/// What the page needs beyond the profile.
pub struct View<'a> {
    pub lang: Lang,
    pub csrf: &'a str,
    /// Where the forms post: `<base>/entries`, `<base>/entries/<id>/remove`.
    pub base: &'a str,
    /// Where a document of the record is opened: `<documents>/<id>`.
    pub documents: &'a str,
    /// The patient (or their representative) removes anything; a professional what they
    /// added.
    pub owner: bool,
    pub retry: Option<Retry<'a>>,
    /// The record's documents, for the advance directives' pointer (the patient's page).
    pub choices: &'a [(DocumentId, String)],
}

fn section_label(lang: Lang, section: Section) -> &'static str {
    mds_domain::Language::from(lang).pick(section.label_fr(), section.label_en())
}

fn entry_item(v: &View<'_>, e: &ProfileEntry) -> Markup {
    let l = v.lang;
    let removable = v.owner || e.mine;
    let summary = e.entry.summary(l.into());
    html! {
        li {
            span.entry { (summary) }
            @if let Entry::AdvanceDirectives { document_id: Some(doc), .. } = &e.entry {
                " " a href=(format!("{}/{}", v.documents, doc)) { (l.t("profile.directives.document")) }
            }
            br;
            span.muted {
                (l.t("profile.by")) " " (e.author_name)
                @if e.by_professional { " (" (l.t("profile.by_pro")) ")" }
                " " (l.t("profile.on")) " " (views::instant(e.recorded_at_ms))
            }
            @if removable {
                " "
                form.inline method="post" action=(format!("{}/entries/{}/remove", v.base, e.id)) {
                    (form::csrf(v.csrf))
                    button.secondary type="submit" aria-label=(format!("{} : {}", l.t("profile.remove.label"), summary)) { (l.t("profile.remove")) }
                }
            }
        }
    }
}

/// Every section of the profile as the reader sees it.
pub fn sections(v: &View<'_>, profile: &HealthProfile) -> Markup {
    let l = v.lang;
    let action = format!("{}/entries", v.base);
    html! {
        @if profile.scope == ProfileScope::Emergency {
            p.notice role="status" { (l.t("profile.emergency_scope")) }
        }
        @for s in &profile.sections {
            @let heading = format!("profile-{}", s.section.as_str());
            section.profile-section aria-labelledby=(heading) {
                h2 #(heading) {
                    (section_label(l, s.section))
                    @if s.emergency { " " span.tag { (l.t("profile.emergency")) } }
                }
                @if s.entries.is_empty() {
                    p.muted { (l.t("profile.empty")) }
                } @else {
                    @if s.section == Section::Measurements {
                        (profile_chart::charts(l, &s.entries))
                    }
                    ul.list {
                        @for e in &s.entries { (entry_item(v, e)) }
                    }
                }
                @if profile.may_add.contains(&s.section) {
                    (add_form(l, v.csrf, &action, s.section, v.retry.as_ref(), v.choices))
                }
            }
        }
    }
}
