//! `mds policy simulate` (issue 17, item 5): replays a period of the real audit under a
//! candidate policy and reports which past decisions would change, before the authority
//! publishes it. Each decision event carries the stamps of the policy that took it and the
//! inputs it read (`record::policy_inputs`); events decided by the policy in force are
//! replayed with `mds_policy::replay` under the very files they were taken by (the one in
//! force, or an earlier one recorded in `policy_versions` when an instance started with it),
//! which trusts its rebuilt facts only when they give the recorded decision back. Everything
//! else is counted, never guessed: decisions of a version whose files were not recorded,
//! decisions whose facts are not all recorded, actions no matrix governs. The attending-
//! physician setting is not recorded: an earlier version is replayed with today's.
//! The simulation reads the audit and records that it did (`policy.simulate`).

use crate::record::policy_inputs;
use crate::record::policy_inputs::{Recorded, HABILITATION, MATRIX};
use crate::{App, AppError};
use mds_audit::{ActorKind, AuditQuery, NewEvent, Outcome as AuditOutcome};
use mds_domain::Timestamp;
use mds_policy::replay::{replay, Outcome, Replay};
use mds_policy::Policy;
use mds_store::policy_versions;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// Events read per page.
const PAGE: u32 = 5_000;

/// A past decision the candidate would change (permit ↔ denial).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChangedDecision {
    pub seq: i64,
    pub id: String,
    pub at_ms: i64,
    /// The audit action (`document.read`…).
    pub action: String,
    pub actor_id: Option<String>,
    pub patient_id: Option<String>,
    pub document_id: Option<String>,
    pub access_mode: Option<String>,
    pub before: Side,
    pub after: Side,
}

/// One side of a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Side {
    pub permit: bool,
    pub rule: String,
}

impl From<Outcome> for Side {
    fn from(o: Outcome) -> Self {
        Self {
            permit: o.permit,
            rule: o.rule,
        }
    }
}

/// What a simulation found over `[from_ms, to_ms)`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Simulation {
    pub from_ms: i64,
    pub to_ms: i64,
    /// Events of the period.
    pub events: u64,
    /// Events recording a policy decision (stamps and inputs).
    pub decisions: u64,
    /// Events with a mode and a rule but no stamps: taken before decisions were stamped, or a
    /// refusal that named nothing the policy could judge (an unknown record or document).
    pub unstamped: u64,
    /// Decisions on actions no matrix governs (consent requests, blocks…).
    pub not_governed: u64,
    /// Decisions taken under an earlier version of the matrices, replayed under it (its files
    /// are recorded in `policy_versions` when an instance starts with them).
    pub earlier_policy: u64,
    /// Decisions taken under a version whose files were not recorded: not replayed.
    pub unknown_policy: u64,
    /// Decisions whose recorded facts do not give them back (see `mds_policy::replay`).
    pub not_reproduced: u64,
    /// Replayed: same outcome, same rule.
    pub unchanged: u64,
    /// Replayed: same outcome, another rule.
    pub reworded: u64,
    pub changed: Vec<ChangedDecision>,
}

impl App {
    /// Records the policy files in force (`policy_versions`), so that a later simulation can
    /// replay the decisions taken from now on under these very files. Called when an instance
    /// starts serving; nothing is written for files already recorded.
    pub async fn record_policy_in_force(&self, now: Timestamp) -> Result<(), AppError> {
        let sources = &self.policy.sources;
        for (kind, source) in [
            (MATRIX, &sources.matrix),
            (HABILITATION, &sources.habilitation),
        ] {
            policy_versions::record(
                &self.db,
                kind,
                &source.digest,
                source.stamp(),
                &source.version,
                &source.text,
                now.millis(),
            )
            .await?;
        }
        Ok(())
    }

    /// The policy whose stamps an event recorded, rebuilt from the recorded files; `None` if
    /// they were not recorded, are ambiguous, or no longer load.
    async fn recorded_policy(&self, stamps: &Value) -> Result<Option<Policy>, AppError> {
        let mut texts = Vec::with_capacity(2);
        for kind in [MATRIX, HABILITATION] {
            let Some(stamp) = stamps.get(kind).and_then(Value::as_str) else {
                return Ok(None);
            };
            let mut found = policy_versions::by_stamp(&self.db, kind, stamp).await?;
            if found.len() != 1 {
                return Ok(None);
            }
            texts.extend(found.pop());
        }
        let settings = self.settings.policy_settings();
        Ok(Policy::load(&texts[0], &texts[1], settings).ok())
    }

    /// Replays the decisions of `[from, to)` under `candidate`.
    pub async fn simulate_policy(
        &self,
        candidate: &Policy,
        from: Timestamp,
        to: Timestamp,
        now: Timestamp,
    ) -> Result<Simulation, AppError> {
        let current = policy_inputs::stamps(&self.policy);
        let mut report = Simulation {
            from_ms: from.millis(),
            to_ms: to.millis(),
            ..Simulation::default()
        };
        let mut earlier: HashMap<String, Option<Policy>> = HashMap::new();
        let mut after_seq = None;
        loop {
            let page = self
                .audit_events_unopened(&AuditQuery {
                    from_ms: Some(from.millis()),
                    to_ms: Some(to.millis()),
                    after_seq,
                    limit: PAGE,
                    ..AuditQuery::default()
                })
                .await?;
            let Some(last) = page.last() else { break };
            after_seq = Some(last.seq);
            for event in &page {
                report.events += 1;
                let (Some(rule), Some(mode)) = (&event.rule, &event.access_mode) else {
                    continue;
                };
                let (stamps, inputs) = match policy_inputs::recorded(&event.detail) {
                    Recorded::Decision(stamps, inputs) => (stamps, inputs),
                    Recorded::Unstamped => {
                        report.unstamped += 1;
                        continue;
                    }
                    Recorded::NotGoverned => {
                        report.decisions += 1;
                        report.not_governed += 1;
                        continue;
                    }
                    Recorded::Unreadable => {
                        report.decisions += 1;
                        report.not_reproduced += 1;
                        continue;
                    }
                };
                report.decisions += 1;
                let baseline = if *stamps == current {
                    &self.policy
                } else {
                    let key = stamps.to_string();
                    if !earlier.contains_key(&key) {
                        let found = self.recorded_policy(stamps).await?;
                        earlier.insert(key.clone(), found);
                    }
                    match earlier.get(&key) {
                        Some(Some(policy)) => {
                            report.earlier_policy += 1;
                            policy
                        }
                        _ => {
                            report.unknown_policy += 1;
                            continue;
                        }
                    }
                };
                let recorded = mds_policy::replay::Recorded {
                    inputs: &inputs,
                    mode,
                    rule,
                    permit: event.outcome == AuditOutcome::Permit,
                };
                match replay(&recorded, baseline, candidate) {
                    Replay::NotGoverned => report.not_governed += 1,
                    Replay::NotReproduced => report.not_reproduced += 1,
                    Replay::Same => report.unchanged += 1,
                    Replay::Reworded { .. } => report.reworded += 1,
                    Replay::Changed { before, after } => report.changed.push(ChangedDecision {
                        seq: event.seq,
                        id: event.id.clone(),
                        at_ms: event.at_ms,
                        action: event.action.clone(),
                        actor_id: event.actor_id.clone(),
                        patient_id: event.patient_id.clone(),
                        document_id: event.document_id.clone(),
                        access_mode: event.access_mode.clone(),
                        before: before.into(),
                        after: after.into(),
                    }),
                }
            }
        }
        let ev = NewEvent {
            detail: serde_json::json!({
                "from_ms": report.from_ms, "to_ms": report.to_ms,
                "candidate": policy_inputs::stamps(candidate),
                "decisions": report.decisions, "changed": report.changed.len(),
            }),
            ..NewEvent::new(ActorKind::System, "policy.simulate", AuditOutcome::Success)
        };
        self.record_event(ev, now.millis()).await?;
        Ok(report)
    }
}
