//! The activity history of a record, in plain French (or English, `HistoryFilter::language`),
//! for its patient, and a professional's own access log (support's extraction of a whole trail, `operator::audit_extract`, renders
//! its lines here too).
//!
//! Every line is rendered from an audit event by the pure [`render`] module, with names
//! resolved here from the store (titles come from the documents table, never from the audit
//! detail). Reading a history or a log is itself audited, before the rows are
//! returned, so it appears in the next read. The patient's history goes through the record's
//! gate (`Action::ReadHistory`, the owner only); denials are audited like any other request.

mod group;
pub(crate) mod names;
pub mod patients_seen;
pub mod render;

use crate::{Actor, App, AppError};
use mds_audit::{AuditQuery, AuditRecord, NewEvent, Outcome};
use mds_domain::{AccountKind, Language, PatientId, Timestamp};
use mds_policy::Action;
use names::{Reader, Resolver};
use render::Audience;
use serde::Serialize;

/// Largest page of a history or access log.
pub const MAX_PAGE: u32 = 100;
/// Page size when none is asked.
pub const DEFAULT_PAGE: u32 = 50;

/// Kinds of activity a reader can filter on, labelled in French.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// Consultations of documents and of the record's settings or history.
    Reads,
    /// Documents added, replaced or deleted.
    Changes,
    Searches,
    /// Emergency accesses opened, and everything done under them.
    Emergency,
    /// Care team, consents, blocks, masking, settings and the record's life.
    Controls,
    /// Requests the policy refused.
    Denied,
}

impl ActivityKind {
    pub const ALL: [Self; 6] = [
        Self::Reads,
        Self::Changes,
        Self::Searches,
        Self::Emergency,
        Self::Controls,
        Self::Denied,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reads => "reads",
            Self::Changes => "changes",
            Self::Searches => "searches",
            Self::Emergency => "emergency",
            Self::Controls => "controls",
            Self::Denied => "denied",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Reads => "Consultations",
            Self::Changes => "Ajouts, modifications et suppressions",
            Self::Searches => "Recherches",
            Self::Emergency => "Accès d'urgence",
            Self::Controls => "Contrôles et paramètres",
            Self::Denied => "Accès refusés",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Reads => "Reads",
            Self::Changes => "Additions, changes and deletions",
            Self::Searches => "Searches",
            Self::Emergency => "Emergency accesses",
            Self::Controls => "Controls and settings",
            Self::Denied => "Denied accesses",
        }
    }

    /// The label in `lang`.
    pub fn label(self, lang: Language) -> &'static str {
        lang.pick(self.label_fr(), self.label_en())
    }

    /// The audit actions of this kind (empty for `Denied`, which filters on the outcome).
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Self::Reads => &[
                "record.open",
                "document.read",
                "document.read_metadata",
                "care_team.read",
                "consent.list",
                "history.read",
                "record.preview",
                "profile.read",
                "record.emergency_settings.read",
                "record.blocks.read",
                "audit.read",
                "audit.extract",
                "patient.enrolment.scan.read",
                "patient.export",
                "patient.export.on_request",
                "patient.export.heir",
                "patient.legal_export",
            ],
            Self::Changes => &[
                "document.add",
                "document.modify",
                "document.delete",
                "profile.add",
                "profile.remove",
            ],
            Self::Searches => &["document.search", "patient.search"],
            Self::Emergency => &["record.break_glass.open", "record.samu.open"],
            Self::Controls => &[
                "care_team.add",
                "care_team.remove",
                "care_team.attending_physician",
                "patient.care_team.change",
                "consent.request",
                "consent.approve",
                "consent.refuse",
                "consent.revoke",
                "consent.code",
                "record.block",
                "record.unblock",
                "record.emergency_settings",
                "record.feeding_opposition.record",
                "record.feeding_opposition.lift",
                "document.mask",
                "document.unmask",
                "document.mask_all",
                "document.unmask_all",
                "document.hide_from_patient",
                "document.show_to_patient",
                "patient.create",
                "patient.activate",
                "patient.enrolment.submit",
                "patient.enrolment.validate",
                "patient.review.approve",
                "patient.review.reject",
                "patient.close",
                "patient.rectification.request",
                "patient.rectification.apply",
                "patient.rectification.reject",
                "record.limitation.set",
                "record.limitation.lift",
                "patient.erasure.request",
                "patient.death.record",
                "patient.erase",
            ],
            Self::Denied => &[],
        }
    }

    fn apply(self, q: &mut AuditQuery) {
        q.actions = self.actions().iter().map(|a| (*a).to_owned()).collect();
        match self {
            Self::Emergency => {
                q.access_modes = vec!["break_glass".to_owned(), "samu".to_owned()];
            }
            Self::Denied => q.outcome = Some(Outcome::Deny),
            _ => {}
        }
    }
}

/// Whose actions a patient's history shows. The portal shows others' actions by default —
/// « qui a consulté mon dossier ? » — and the patient's own behind this filter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Who {
    #[default]
    Everyone,
    /// Professionals, their assistants and software, support, the service: anyone but the
    /// patient.
    Others,
    /// The patient's own actions.
    Mine,
}

impl Who {
    pub const ALL: [Self; 3] = [Self::Others, Self::Mine, Self::Everyone];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Everyone => "everyone",
            Self::Others => "others",
            Self::Mine => "mine",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.as_str() == text)
    }
}

/// Filters of a history or access log; every one is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    /// First local (New Caledonia) day included.
    pub from: Option<time::Date>,
    /// Last local day included.
    pub to: Option<time::Date>,
    /// Events by this professional (or by an assistant in their name).
    pub professional: Option<String>,
    pub kind: Option<ActivityKind>,
    /// A patient's history only: whose actions (everyone when not said).
    pub who: Who,
    /// The language of the lines: French unless a reader asks for English (the REST and FHIR
    /// interfaces leave it so).
    pub language: Language,
}

/// One line per event, or a professional's reads of one day as one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Grouping {
    PerEvent,
    ReadsPerDay,
}

/// Which page: newest first, `before` is the `seq` of the last line of the previous page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageRequest {
    pub before: Option<i64>,
    /// At most [`MAX_PAGE`]; [`DEFAULT_PAGE`] when zero.
    pub size: u32,
}

/// One line of a history.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct HistoryEntry {
    pub seq: i64,
    pub at_ms: i64,
    /// The record the event is about (useful in a professional's log).
    pub patient_id: Option<String>,
    /// In a professional's own log: the name of that record's patient.
    pub patient_name: Option<String>,
    pub denied: bool,
    pub text: String,
}

/// A page of lines, newest first; `next` is the cursor of the following page, if any.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct HistoryPage {
    pub entries: Vec<HistoryEntry>,
    pub next: Option<i64>,
}

/// A filter date, `AAAA-MM-JJ` or `JJ/MM/AAAA` ([`mds_domain::time::parse_day`]), or the
/// refusal a form shows.
pub fn parse_date(text: &str) -> Result<time::Date, AppError> {
    mds_domain::time::parse_day(text).ok_or_else(|| {
        AppError::invalid("invalid_date", "Date invalide (AAAA-MM-JJ ou JJ/MM/AAAA).")
    })
}

/// Midnight of a New Caledonia date, in ms since the epoch.
fn local_midnight_ms(date: time::Date) -> Option<i64> {
    Timestamp::noumea_midnight(date).map(Timestamp::millis)
}

impl HistoryFilter {
    fn query(&self) -> AuditQuery {
        let mut q = AuditQuery {
            involving: self.professional.clone(),
            from_ms: self.from.and_then(local_midnight_ms),
            to_ms: self
                .to
                .and_then(|d| d.next_day())
                .and_then(local_midnight_ms),
            newest_first: true,
            ..AuditQuery::default()
        };
        if let Some(kind) = self.kind {
            kind.apply(&mut q);
        }
        q
    }

    fn detail(&self) -> serde_json::Value {
        serde_json::json!({
            "from": self.from.map(|d| d.to_string()), "to": self.to.map(|d| d.to_string()),
            "professional": self.professional, "kind": self.kind.map(ActivityKind::as_str),
            "who": self.who.as_str(),
        })
    }
}

impl App {
    /// The patient owner of the record. Their record's activity, newest first, in the
    /// filter's language (French by default);
    /// the read is audited (`history.read`) before the page is read, so it shows in it. One
    /// line per event (the REST and FHIR interfaces map lines to events).
    pub async fn record_history(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        filter: &HistoryFilter,
        page: PageRequest,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<HistoryPage, AppError> {
        self.owner_history(actor, patient_id, filter, page, Grouping::PerEvent, ip, now)
            .await
    }

    /// As [`App::record_history`], for reading by a person: a professional's reads of
    /// documents on one day are one line with their count and the documents opened.
    pub async fn record_history_by_day(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        filter: &HistoryFilter,
        page: PageRequest,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<HistoryPage, AppError> {
        self.owner_history(
            actor,
            patient_id,
            filter,
            page,
            Grouping::ReadsPerDay,
            ip,
            now,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn owner_history(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        filter: &HistoryFilter,
        page: PageRequest,
        grouping: Grouping,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<HistoryPage, AppError> {
        let name = "history.read";
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let (_, ev) = gate
            .authorize(self, Action::ReadHistory, name, filter.detail())
            .await?;
        mds_audit::record(&self.db, ev, now.millis()).await?;
        let mut q = filter.query();
        q.patient_id = Some(gate.patient_id().to_string());
        // The gate admits the holder and their legal representatives only.
        match filter.who {
            Who::Everyone => {}
            Who::Others => q.not_actor = Some(actor.account_id.to_string()),
            Who::Mine => q.actor_id = Some(actor.account_id.to_string()),
        }
        let reader = Reader {
            audience: Audience::Owner,
            account_id: Some(actor.account_id.to_string()),
            owner_account_id: gate.patient.account_id.as_ref().map(ToString::to_string),
        };
        self.history_page(q, page, reader, grouping, filter.language)
            .await
    }

    /// Professionals and assistants. What they did on any record (and, for a professional,
    /// what assistants did in their name), newest first, in the filter's language. Audited
    /// (`access_log.read`); others get an audited denial and `Forbidden`.
    pub async fn my_access_log(
        &self,
        actor: &Actor,
        filter: &HistoryFilter,
        page: PageRequest,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<HistoryPage, AppError> {
        self.access_log_read(actor, filter.detail(), ip, now)
            .await?;
        let mut q = filter.query();
        q.involving = Some(actor.account_id.to_string());
        if let Some(p) = &filter.professional {
            // The log is theirs only; another professional named here narrows to nothing
            // rather than widening the query.
            if p != actor.account_id.as_str() {
                q.actor_id = Some(p.clone());
            }
        }
        let reader = Reader {
            audience: Audience::Actor,
            account_id: Some(actor.account_id.to_string()),
            owner_account_id: None,
        };
        let mut page = self
            .history_page(q, page, reader, Grouping::PerEvent, filter.language)
            .await?;
        let names = self
            .names_of_records(page.entries.iter().filter_map(|e| e.patient_id.as_deref()))
            .await?;
        for e in &mut page.entries {
            e.patient_name = e.patient_id.as_ref().and_then(|p| names.get(p).cloned());
        }
        Ok(page)
    }

    /// A professional's (or assistant's) own log is read: audited (`access_log.read`) before
    /// anything is answered; anyone else gets an audited denial and `Forbidden`.
    pub(crate) async fn access_log_read(
        &self,
        actor: &Actor,
        detail: serde_json::Value,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let allowed = matches!(
            actor.kind,
            AccountKind::Professional | AccountKind::Assistant
        );
        let outcome = if allowed {
            Outcome::Success
        } else {
            Outcome::Deny
        };
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            detail,
            ip,
            ..NewEvent::new(actor.kind.into(), "access_log.read", outcome)
        };
        mds_audit::record(&self.db, ev, now.millis()).await?;
        if allowed {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    async fn history_page(
        &self,
        mut q: AuditQuery,
        page: PageRequest,
        reader: Reader,
        grouping: Grouping,
        language: Language,
    ) -> Result<HistoryPage, AppError> {
        let size = match page.size {
            0 => DEFAULT_PAGE,
            n => n.min(MAX_PAGE),
        };
        q.before_seq = page.before;
        q.limit = size + 1;
        let mut rows = self.audit_events(&q).await?;
        let more = rows.len() > size as usize;
        rows.truncate(size as usize);
        let audience = reader.audience;
        let mut resolver = Resolver::new(self, reader).in_language(language);
        let mut entries = Vec::with_capacity(rows.len());
        let mut days = group::ReadsPerDay::default();
        for ev in &rows {
            let names = resolver.names(ev).await?;
            if grouping == Grouping::ReadsPerDay && days.absorb(ev, &names, entries.len()) {
                continue;
            }
            entries.push(entry(ev, render::line(ev, &names, audience, language)));
        }
        for (at, text) in days.lines(audience, language) {
            if let Some(e) = entries.get_mut(at) {
                e.text = text;
            }
        }
        Ok(HistoryPage {
            next: if more {
                rows.last().map(|r| r.seq)
            } else {
                None
            },
            entries,
        })
    }
}

fn entry(ev: &AuditRecord, text: String) -> HistoryEntry {
    HistoryEntry {
        seq: ev.seq,
        at_ms: ev.at_ms,
        patient_id: ev.patient_id.clone(),
        patient_name: None,
        denied: ev.outcome == Outcome::Deny,
        text,
    }
}

#[cfg(test)]
mod render_tests;
