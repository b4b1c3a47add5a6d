//! The patient's history as audit events (IHE BALP `AuditEvent`): the page of
//! `App::record_history` — same gate (the owner only), same audit of the read, same French
//! lines — with, for each line, what the event was (action, outcome, access mode) and who
//! acted, as far as the patient may know it: professionals and structures by their
//! identifiers, assistants, support agents and the service by their role only, and the
//! document only when it is visible to the patient.

use crate::information::history::{HistoryFilter, PageRequest};
use crate::{Actor, App, AppError};
use mds_audit::{ActorKind, AuditQuery, AuditRecord, MAX_QUERY_LIMIT};
use mds_domain::{AccountId, DocumentId, Outcome, PatientId, StructureId, Timestamp};
use mds_store::{documents, patients};
use std::collections::HashMap;

/// Who acted, as the patient may know them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Agent {
    /// The patient owner of the record.
    Patient,
    Professional {
        account: AccountId,
        structure: Option<StructureId>,
    },
    /// Staff acting in the name of a professional (named by the line, not identified).
    Assistant {
        for_professional: Option<AccountId>,
    },
    /// A structure's software acting in the name of a professional.
    Software {
        structure: Option<StructureId>,
        for_professional: Option<AccountId>,
    },
    Support,
    /// The service itself (timers, expiry, retention).
    System,
    /// Anyone else: another patient, someone not signed in, an account no longer known.
    Other,
}

/// One event of the record's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditTrailEntry {
    pub seq: i64,
    pub at_ms: i64,
    /// The audit action (`document.read`, `document.search`…).
    pub action: String,
    pub outcome: Outcome,
    /// The access mode the event happened under (`care_team`, `break_glass`…).
    pub access_mode: Option<String>,
    pub agent: Agent,
    /// The document concerned, when the patient may see it.
    pub document_id: Option<DocumentId>,
    /// The line of the history, in French.
    pub text: String,
}

/// A page of events, newest first; `next` is the cursor of the following page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditTrailPage {
    pub patient_id: PatientId,
    pub entries: Vec<AuditTrailEntry>,
    pub next: Option<i64>,
}

impl App {
    /// The patient owner of the record (as `record_history`, whose gate and audit apply).
    /// A page of the record's history with what each event was.
    pub async fn record_audit_trail(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        filter: &HistoryFilter,
        page: PageRequest,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<AuditTrailPage, AppError> {
        let history = self
            .record_history(actor, patient_id, filter, page, ip, now)
            .await?;
        let owner = patients::by_id(&self.db, patient_id)
            .await?
            .and_then(|p| p.account_id)
            .map(|a| a.to_string());
        let records = self
            .events_by_seq(patient_id, history.entries.iter().map(|e| e.seq))
            .await?;
        let mut visible: HashMap<String, bool> = HashMap::new();
        let mut entries = Vec::with_capacity(history.entries.len());
        for line in history.entries {
            let Some(ev) = records.get(&line.seq) else {
                continue;
            };
            let document_id = match ev.document_id.as_deref() {
                Some(id) => {
                    if !visible.contains_key(id) {
                        let shown = self.visible_to_patient(id, patient_id).await?;
                        visible.insert(id.to_owned(), shown);
                    }
                    visible
                        .get(id)
                        .copied()
                        .unwrap_or(false)
                        .then(|| DocumentId::named(id))
                }
                None => None,
            };
            entries.push(AuditTrailEntry {
                seq: line.seq,
                at_ms: line.at_ms,
                action: ev.action.clone(),
                outcome: ev.outcome,
                access_mode: ev.access_mode.clone(),
                agent: agent_of(ev, owner.as_deref()),
                document_id,
                text: line.text,
            });
        }
        Ok(AuditTrailPage {
            patient_id: patient_id.clone(),
            entries,
            next: history.next,
        })
    }

    /// The audit events of the record with these sequence numbers: one query over their
    /// range, then one per event the range query did not bring.
    async fn events_by_seq(
        &self,
        patient_id: &PatientId,
        seqs: impl Iterator<Item = i64>,
    ) -> Result<HashMap<i64, AuditRecord>, AppError> {
        let wanted: Vec<i64> = seqs.collect();
        let (Some(min), Some(max)) = (wanted.iter().min(), wanted.iter().max()) else {
            return Ok(HashMap::new());
        };
        let range = |after: i64, before: i64, limit: u32| AuditQuery {
            patient_id: Some(patient_id.to_string()),
            after_seq: Some(after),
            before_seq: Some(before),
            limit,
            ..AuditQuery::default()
        };
        let span = u32::try_from(max - min + 1).unwrap_or(MAX_QUERY_LIMIT);
        let mut found: HashMap<i64, AuditRecord> = self
            .audit_events(&range(min - 1, max + 1, span.min(MAX_QUERY_LIMIT)))
            .await?
            .into_iter()
            .filter(|r| wanted.contains(&r.seq))
            .map(|r| (r.seq, r))
            .collect();
        let missing: Vec<i64> = wanted
            .into_iter()
            .filter(|s| !found.contains_key(s))
            .collect();
        for seq in missing {
            let one = self.audit_events(&range(seq - 1, seq + 1, 1)).await?;
            found.extend(one.into_iter().map(|r| (r.seq, r)));
        }
        Ok(found)
    }

    /// Whether the document is one of the record's and not hidden from its patient.
    async fn visible_to_patient(&self, id: &str, patient_id: &PatientId) -> Result<bool, AppError> {
        let Some(doc) = DocumentId::parse(id) else {
            return Ok(false);
        };
        Ok(documents::by_id(&self.db, &doc)
            .await?
            .is_some_and(|row| &row.patient_id == patient_id && !row.hidden_from_patient))
    }
}

/// Who acted in `ev`, as the patient may know them (`owner`: the record's account).
fn agent_of(ev: &AuditRecord, owner: Option<&str>) -> Agent {
    let account = |id: Option<&String>| id.and_then(|a| AccountId::parse(a));
    let structure = ev.structure_id.as_deref().and_then(StructureId::parse);
    match ev.actor_kind {
        ActorKind::Patient if owner.is_some() && ev.actor_id.as_deref() == owner => Agent::Patient,
        ActorKind::Professional => match account(ev.actor_id.as_ref()) {
            Some(account) => Agent::Professional { account, structure },
            None => Agent::Other,
        },
        ActorKind::Assistant => Agent::Assistant {
            for_professional: account(ev.on_behalf_of.as_ref()),
        },
        ActorKind::StructureSoftware => Agent::Software {
            structure,
            for_professional: account(ev.on_behalf_of.as_ref()),
        },
        ActorKind::Support => Agent::Support,
        ActorKind::System => Agent::System,
        _ => Agent::Other,
    }
}
