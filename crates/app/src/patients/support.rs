//! What support sees of a record to act on it (DESIGN.md section 3): the identity, the
//! contact, whether a portal account exists, and the dates of its life cycle (death, closure,
//! archive purge, erasure deadline) — never medical content. Each read is audited.

use crate::patients::identity::PatientSummary;
use crate::{Actor, App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{AccountKind, PatientId, Timestamp};
use mds_store::patients;
use serde::Serialize;

/// Erasure requests listed at most.
const ERASURES_MAX: i64 = 200;

/// A record as support sees it.
#[derive(Clone, Debug, Serialize)]
pub struct SupportPatientView {
    pub patient: PatientSummary,
    pub identifier_kind: mds_domain::IdentifierKind,
    pub cafat: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// A portal account exists (active records, or closed ones that had one).
    pub has_account: bool,
    /// The portal account, when there is one (support re-issues its enrolment).
    pub account_id: Option<mds_domain::AccountId>,
    /// `YYYY-MM-DD`, when a death is recorded.
    pub died_on: Option<String>,
    pub closed_at_ms: Option<i64>,
    /// Closed records: the archive is removed from this instant.
    pub purge_after_ms: Option<i64>,
    pub erasure_requested_at_ms: Option<i64>,
    /// Erasure requested: carried out by the retention job before this instant.
    pub erasure_deadline_ms: Option<i64>,
    /// The patient limited the record's use (`patients::rectification`).
    pub limited: bool,
}

impl App {
    async fn support_view(&self, id: &PatientId) -> Result<Option<SupportPatientView>, AppError> {
        let pool = &self.db;
        let Some(p) = patients::by_id(pool, id).await? else {
            return Ok(None);
        };
        let life = patients::life(pool, id).await?.unwrap_or_default();
        Ok(Some(SupportPatientView {
            patient: PatientSummary::of(&p),
            identifier_kind: p.identifier_kind,
            cafat: p.identifier_number.clone(),
            email: p.email.clone(),
            phone: p.phone.clone(),
            has_account: p.account_id.is_some(),
            account_id: p.account_id.clone(),
            died_on: p.died_on.clone(),
            closed_at_ms: life.closed_at_ms,
            purge_after_ms: life.purge_after_ms,
            erasure_requested_at_ms: life.erasure_requested_at_ms,
            erasure_deadline_ms: life.erasure_deadline_ms,
            limited: mds_store::rectifications::limited_since(pool, id)
                .await?
                .is_some(),
        }))
    }

    /// Support only. One record's identity and life cycle; audited (unknown ids too).
    pub async fn patient_for_support(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<SupportPatientView, AppError> {
        actor.require(AccountKind::Support)?;
        let found = self.support_view(patient_id).await?;
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: found.as_ref().map(|v| v.patient.id.to_string()),
            detail: serde_json::json!({ "found": found.is_some() }),
            ip,
            ..NewEvent::new(ActorKind::Support, "patient.support.read", Outcome::Success)
        };
        self.record_event(ev, now.millis()).await?;
        found.ok_or(AppError::NotFound)
    }

    /// Support only. Erasure requests not yet carried out, soonest deadline first; audited.
    pub async fn pending_erasures(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Vec<SupportPatientView>, AppError> {
        actor.require(AccountKind::Support)?;
        let mut out = Vec::new();
        for (id, _) in patients::pending_erasures(&self.db, ERASURES_MAX).await? {
            if let Some(v) = self.support_view(&id).await? {
                out.push(v);
            }
        }
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            detail: serde_json::json!({ "pending": out.len() }),
            ..NewEvent::new(ActorKind::Support, "patient.erasure.list", Outcome::Success)
        };
        self.record_event(ev, now.millis()).await?;
        Ok(out)
    }
}
