//! Supervision (DESIGN.md 6): the job that judges new audit events with the rules of
//! `mds_policy::supervision` and raises alerts, and support's list and review of them.
//!
//! The job is incremental: a cursor row holds the last audit `seq` judged; the alerts a batch
//! raises, their audit events and the new cursor commit in one transaction, so a restart
//! never raises an alert twice and never skips an event. This module decides nothing itself.

use crate::{Actor, App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{AccountId, AccountKind, AlertState, PatientId, Timestamp};
use mds_policy::supervision::{self as rules, AlertRule, Fact, FactKind, Thresholds};
use mds_store::supervision::{self as store, AlertRow, EventRow};
use mds_store::{directory, new_id, patients};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Events judged per transaction.
const BATCH: i64 = 2_000;
/// Batches per run at most (a run catches up over several calls if far behind).
const MAX_BATCHES: usize = 50;
const DAY_MS: i64 = 24 * 3_600_000;

/// What one run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SupervisionReport {
    pub events_judged: usize,
    pub alerts_raised: usize,
    /// The last audit event judged.
    pub cursor: i64,
}

/// An alert as support sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = AlertOut)]
pub struct AlertView {
    pub id: String,
    pub rule: String,
    pub label: String,
    /// The professional (or, for denials, the actor) concerned.
    pub subject_id: String,
    pub subject_name: Option<String>,
    /// New Caledonia day.
    pub day: String,
    pub event_seq: i64,
    pub event_at_ms: i64,
    #[schema(value_type = Option<String>)]
    pub patient_id: Option<PatientId>,
    pub count: i64,
    pub raised_at_ms: i64,
    /// open or reviewed.
    #[schema(value_type = String)]
    pub state: AlertState,
    #[schema(value_type = Option<String>)]
    pub reviewed_by: Option<AccountId>,
    pub reviewed_at_ms: Option<i64>,
    pub review_comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AlertPage {
    pub items: Vec<AlertView>,
    pub total: i64,
}

const READS: &[&str] = &[
    "document.search",
    "document.read",
    "document.read_metadata",
    "document.preload",
    "document.preload.read",
    "profile.read",
];

const BREAK_GLASS: &str = "record.break_glass.open";

fn kind_of(action: &str) -> FactKind {
    match action {
        a if READS.contains(&a) => FactKind::Read,
        BREAK_GLASS => FactKind::BreakGlass,
        "record.samu.open" => FactKind::Samu,
        _ => FactKind::Other,
    }
}

/// The events of a batch that later runs look back on, each under its slot in
/// `supervision_window`: a permitted read of a record by the latest of each actor × record
/// (what the rule on distinct records counts), each permitted break-glass access and each
/// denial by itself.
fn window_slots(events: &[EventRow]) -> BTreeMap<String, &EventRow> {
    let mut slots = BTreeMap::new();
    for e in events {
        let permitted = matches!(e.outcome, Outcome::Permit | Outcome::Success);
        let slot = match (&e.patient_id, kind_of(&e.action)) {
            (Some(patient), FactKind::Read) if permitted => format!(
                "read|{}|{}|{}|{patient}",
                e.actor_kind.as_str(),
                e.actor_id.as_deref().unwrap_or_default(),
                e.on_behalf_of.as_deref().unwrap_or_default(),
            ),
            (_, FactKind::BreakGlass) if permitted => format!("event|{}", e.seq),
            _ if e.outcome == Outcome::Deny => format!("event|{}", e.seq),
            _ => continue,
        };
        // The slot texts are also written by the backfill of migration 0011 (both
        // backends): change them together. Events come in chain order: the last one of a
        // slot is its latest.
        slots.insert(slot, e);
    }
    slots
}

/// The professional whose rights an event used.
fn professional_of(e: &EventRow) -> Option<String> {
    match e.actor_kind {
        ActorKind::Professional => e.actor_id.clone(),
        ActorKind::Assistant | ActorKind::StructureSoftware => e.on_behalf_of.clone(),
        _ => None,
    }
}

/// Names looked up once per run.
#[derive(Default)]
struct Names {
    family: HashMap<String, Option<String>>,
    birth: HashMap<String, Option<String>>,
}

/// What a run keeps from one batch to the next.
#[derive(Default)]
struct Run {
    names: Names,
    /// The facts the rules look back on (`rules::needed_in_window`) of the subjects loaded.
    window: Vec<Fact>,
    /// The subjects whose window was read from the store in this run.
    loaded: HashSet<String>,
}

impl App {
    fn thresholds(&self) -> Thresholds {
        let s = &self.settings;
        Thresholds {
            distinct_patients_24h: s.supervision_distinct_patients_24h,
            break_glass_24h: s.supervision_break_glass_24h,
            night_start_hour: s.supervision_night_start_hour,
            night_end_hour: s.supervision_night_end_hour,
            denied_burst: s.supervision_denied_burst,
            denied_burst_minutes: s.supervision_denied_burst_minutes,
        }
    }

    /// The fact of an event; `names` is `None` for the facts of the window, which only count.
    async fn fact(
        &self,
        e: &EventRow,
        names: Option<&mut Names>,
    ) -> Result<Option<Fact>, AppError> {
        let Some(actor) = e.actor_id.clone() else {
            return Ok(None);
        };
        let professional = professional_of(e);
        let kind = kind_of(&e.action);
        let (mut family, mut birth) = (None, None);
        if let (Some(pro), Some(pid), true, Some(names)) =
            (&professional, &e.patient_id, kind != FactKind::Other, names)
        {
            // Ids come from the audit trail, as text.
            if !names.family.contains_key(pro) {
                let p = match AccountId::parse(pro) {
                    Some(id) => directory::professional(&self.db, &id).await?,
                    None => None,
                };
                names.family.insert(pro.clone(), p.map(|p| p.last_name));
            }
            if !names.birth.contains_key(pid) {
                let p = match PatientId::parse(pid) {
                    Some(id) => patients::by_id(&self.db, &id).await?,
                    None => None,
                };
                names.birth.insert(pid.clone(), p.map(|p| p.birth_name));
            }
            family = names.family.get(pro).cloned().flatten();
            birth = names.birth.get(pid).cloned().flatten();
        }
        Ok(Some(Fact {
            seq: e.seq,
            at: Timestamp::from_millis(e.at_ms),
            actor,
            professional,
            patient: e.patient_id.clone(),
            kind,
            permitted: matches!(e.outcome, Outcome::Permit | Outcome::Success),
            denied: e.outcome == Outcome::Deny,
            professional_family_name: family,
            patient_birth_name: birth,
        }))
    }

    /// One run of the supervision job: judges the audit events written since the last run
    /// (at most `MAX_BATCHES` batches) and raises the alerts they call for.
    pub async fn run_supervision(&self, now: Timestamp) -> Result<SupervisionReport, AppError> {
        let mut report = SupervisionReport::default();
        let mut run = Run::default();
        for _ in 0..MAX_BATCHES {
            let (judged, raised, cursor) = self.supervise_batch(now, &mut run).await?;
            report.events_judged += judged;
            report.alerts_raised += raised;
            report.cursor = cursor;
            if judged < usize::try_from(BATCH).unwrap_or(usize::MAX) {
                break;
            }
        }
        Ok(report)
    }

    async fn supervise_batch(
        &self,
        now: Timestamp,
        run: &mut Run,
    ) -> Result<(usize, usize, i64), AppError> {
        let pool = &self.db;
        let thresholds = self.thresholds();
        let from = store::cursor(pool).await?;
        let events = store::events_after(pool, from, BATCH).await?;
        let Some(last) = events.last().map(|e| e.seq) else {
            return Ok((0, 0, from));
        };
        let mut new = Vec::with_capacity(events.len());
        for e in &events {
            if let Some(f) = self.fact(e, Some(&mut run.names)).await? {
                new.push(f);
            }
        }
        // The window: what the rules look back on of the subjects' earlier events, read
        // once per run for each subject (the batches after add their own facts).
        let first_new = new.iter().map(|f| f.at).min().unwrap_or(now);
        let day_from = first_new.millis() - DAY_MS;
        let burst_from = first_new.millis() - thresholds.denied_burst_minutes * 60_000;
        let subjects: BTreeSet<String> = new
            .iter()
            .filter(|f| f.kind != FactKind::Other || f.denied)
            .flat_map(|f| [Some(f.actor.clone()), f.professional.clone()])
            .flatten()
            .filter(|s| !run.loaded.contains(s))
            .collect();
        for s in subjects {
            let rows = store::window_of(pool, &s, day_from, burst_from).await?;
            for e in &rows {
                if let Some(f) = self.fact(e, None).await? {
                    run.window.push(f);
                }
            }
            run.loaded.insert(s);
        }
        let alerts = rules::evaluate(&new, &run.window, &thresholds);

        let mut tx = self.db.begin().await?;
        if !store::advance_cursor(&mut tx, from, last).await? {
            // Another run judged this batch meanwhile: nothing to do.
            tx.rollback().await?;
            return Ok((0, 0, from));
        }
        // What later runs look back on, kept as the cursor passes it (issue 14, item 8).
        for (slot, e) in window_slots(&events) {
            store::keep_in_window(&mut tx, &slot, e).await?;
        }
        store::prune_window(&mut tx, day_from, burst_from).await?;
        let mut raised = 0;
        for a in alerts {
            let row = AlertRow {
                id: new_id(),
                rule: a.rule.id().to_owned(),
                subject_id: a.subject.clone(),
                day: a.day.clone(),
                dedup_key: a.key.clone(),
                event_seq: a.seq,
                event_at_ms: a.at.millis(),
                patient_id: a.patient.as_deref().and_then(PatientId::parse),
                event_count: i64::try_from(a.count).unwrap_or(i64::MAX),
                raised_at_ms: now.millis(),
                state: AlertState::Open,
                reviewed_by: None,
                reviewed_at_ms: None,
                review_comment: None,
            };
            if store::insert_alert(&mut tx, &row).await? {
                raised += 1;
                let ev = NewEvent {
                    patient_id: row.patient_id.as_ref().map(ToString::to_string),
                    rule: Some(format!("supervision.{}", row.rule)),
                    detail: serde_json::json!({
                        "alert_id": row.id, "subject_id": row.subject_id,
                        "event_seq": row.event_seq, "count": row.event_count,
                    }),
                    ..NewEvent::new(
                        ActorKind::System,
                        "supervision.alert.raise",
                        Outcome::Success,
                    )
                };
                mds_audit::append(&mut tx, ev, now.millis()).await?;
            }
        }
        tx.commit().await?;
        // The next batch looks back on this one too.
        let mut window = std::mem::take(&mut run.window);
        window.extend(new);
        run.window = rules::needed_in_window(window, first_new, &thresholds);
        Ok((events.len(), raised, last))
    }

    /// Support only. Alerts, newest first; `state` is `open`, `reviewed` or `None` for all.
    pub async fn list_alerts(
        &self,
        actor: &Actor,
        state: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<AlertPage, AppError> {
        actor.require(AccountKind::Support)?;
        let state = state
            .map(|s| {
                AlertState::parse(s).ok_or_else(|| {
                    AppError::invalid(
                        "invalid_state",
                        "État d'alerte inconnu : « open » ou « reviewed ».",
                    )
                })
            })
            .transpose()?;
        let (rows, total) =
            store::list_alerts(&self.db, state, limit.clamp(1, 100), offset.max(0)).await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            let subject_name = self.account_name(&r.subject_id).await?;
            items.push(view(r, subject_name));
        }
        Ok(AlertPage { items, total })
    }

    /// Support only. The number of alerts not reviewed yet (shown on every console page).
    pub async fn open_alert_count(&self, actor: &Actor) -> Result<i64, AppError> {
        actor.require(AccountKind::Support)?;
        Ok(store::count_alerts(&self.db, AlertState::Open).await?)
    }

    /// Support only. Marks an open alert reviewed, with a mandatory comment; audited.
    pub async fn review_alert(
        &self,
        actor: &Actor,
        alert_id: &str,
        comment: &str,
        now: Timestamp,
    ) -> Result<AlertView, AppError> {
        actor.require(AccountKind::Support)?;
        let comment = comment.trim();
        if comment.is_empty() || comment.chars().count() > 2000 {
            return Err(AppError::invalid(
                "comment_required",
                "Un commentaire est obligatoire (2000 caractères au plus).",
            ));
        }
        AppError::check_typed("comment_required", "commentaire", comment, true)?;
        let mut tx = self.db.begin().await?;
        let Some(row) = store::alert_by_id(&mut tx, alert_id).await? else {
            return Err(AppError::NotFound);
        };
        let by = &actor.account_id;
        if !store::review_alert(&mut tx, alert_id, by, comment, now.millis()).await? {
            return Err(AppError::conflict(
                "alert_already_reviewed",
                "Cette alerte a déjà été examinée.",
            ));
        }
        let ev = NewEvent {
            actor_id: Some(by.to_string()),
            detail: serde_json::json!({
                "alert_id": row.id, "rule": row.rule, "subject_id": row.subject_id,
                "comment": comment,
            }),
            ..NewEvent::new(
                ActorKind::Support,
                "supervision.alert.review",
                Outcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        let row = store::alert_by_id(&self.db, alert_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let name = self.account_name(&row.subject_id).await?;
        Ok(view(row, name))
    }

    /// The display name of an account named in the audit (as text), if it is one.
    async fn account_name(&self, id: &str) -> Result<Option<String>, AppError> {
        Ok(match AccountId::parse(id) {
            Some(id) => mds_store::accounts::by_id(&self.db, &id)
                .await?
                .map(|a| a.display_name),
            None => None,
        })
    }
}

fn view(r: AlertRow, subject_name: Option<String>) -> AlertView {
    AlertView {
        label: AlertRule::parse(&r.rule).map_or_else(String::new, |x| x.label_fr().to_owned()),
        id: r.id,
        rule: r.rule,
        subject_id: r.subject_id,
        subject_name,
        day: r.day,
        event_seq: r.event_seq,
        event_at_ms: r.event_at_ms,
        patient_id: r.patient_id,
        count: r.event_count,
        raised_at_ms: r.raised_at_ms,
        state: r.state,
        reviewed_by: r.reviewed_by,
        reviewed_at_ms: r.reviewed_at_ms,
        review_comment: r.review_comment,
    }
}
