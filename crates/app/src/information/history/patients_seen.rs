//! The patients of a professional's own access log, named: each line of « Mon journal
//! d'accès » says whose record it was, and « Patients récents » lists the last records the
//! professional opened, from the same log. Only what the professional's own audited accesses
//! show, and only records that still exist (an erased record is no longer named).

use crate::{Actor, App, AppError};
use mds_audit::{AuditQuery, Outcome};
use mds_domain::{AccountState, PatientId, Timestamp};
use mds_store::patients;
use serde::Serialize;
use std::collections::HashMap;

/// How many records « Patients récents » lists.
pub const RECENT: usize = 10;
/// How many of the professional's latest events are read to find them.
const SCAN: u32 = 500;

/// A record the professional opened lately.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RecentPatient {
    pub patient_id: String,
    /// « WÉA Marie Josépha ».
    pub name: String,
    pub birth_date: String,
    /// When the professional last opened or read it (ms).
    pub last_at_ms: i64,
}

/// « WÉA Marie Josépha », as the portals name a patient.
fn name_of(p: &patients::PatientRow) -> String {
    let first: Vec<String> = serde_json::from_str(&p.first_names).unwrap_or_default();
    format!("{} {}", p.birth_name.to_uppercase(), first.join(" "))
}

impl App {
    /// The names of the records in `ids` (from the professional's own log), by id; erased
    /// and unknown records are left out.
    pub(crate) async fn names_of_records(
        &self,
        ids: impl Iterator<Item = &str>,
    ) -> Result<HashMap<String, String>, AppError> {
        let mut names = HashMap::new();
        for id in ids {
            if names.contains_key(id) {
                continue;
            }
            let Some(pid) = PatientId::parse(id) else {
                continue;
            };
            if let Some(p) = patients::by_id(&self.db, &pid).await? {
                if p.record_state != AccountState::Erased {
                    names.insert(id.to_owned(), name_of(&p));
                }
            }
        }
        Ok(names)
    }

    /// Professionals and assistants. The last [`RECENT`] records they opened or read a
    /// document of, newest first, from their own audited accesses; audited
    /// (`access_log.read`). Others get an audited denial and `Forbidden`.
    pub async fn recent_patients(
        &self,
        actor: &Actor,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Vec<RecentPatient>, AppError> {
        let detail = serde_json::json!({ "recent_patients": true });
        self.access_log_read(actor, detail, ip, now).await?;
        let q = AuditQuery {
            involving: Some(actor.account_id.to_string()),
            actions: vec!["record.open".to_owned(), "document.read".to_owned()],
            outcome: Some(Outcome::Permit),
            newest_first: true,
            limit: SCAN,
            ..AuditQuery::default()
        };
        let mut seen: Vec<(String, i64)> = Vec::new();
        for ev in self.audit_events(&q).await? {
            let Some(pid) = ev.patient_id else { continue };
            if !seen.iter().any(|(p, _)| *p == pid) {
                seen.push((pid, ev.at_ms));
            }
            if seen.len() == RECENT {
                break;
            }
        }
        let mut out = Vec::with_capacity(seen.len());
        for (id, last_at_ms) in seen {
            let Some(pid) = PatientId::parse(&id) else {
                continue;
            };
            if let Some(p) = patients::by_id(&self.db, &pid).await? {
                if p.record_state != AccountState::Erased {
                    out.push(RecentPatient {
                        patient_id: id,
                        name: name_of(&p),
                        birth_date: p.birth_date.clone(),
                        last_at_ms,
                    });
                }
            }
        }
        Ok(out)
    }
}
