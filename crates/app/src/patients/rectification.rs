//! Rectification and limitation (issue 15, item 2; the MDS charter's rights).
//!
//! Rectification: the patient asks for the correction of ONE identity trait with a message;
//! the corrected identity must pass the creation checks (every trait valid, an adult) when
//! asked and again when applied. Support compares the evidence (described, required) and
//! applies or rejects; applying re-runs the duplicate check against the other records
//! (`mds_domain::identity::rectification::outcome`): another record's identity is refused, a
//! near match holds until support confirms they are different people. The request row keeps
//! the values before and after (the identity's history); the audit names the field, never the
//! values; the patient is told of the decision (a mandatory notification).
//!
//! Limitation: the patient (or support, on their request) freezes the use of the record while
//! a request is examined: professionals may then neither add nor read, except through an
//! emergency access the patient did not oppose (`mds_policy`, rule `record.limited`). Lifting
//! it restores the rules as they were.

use crate::information::notifications::{tell_patient, Message};
use crate::patients::identity::{
    duplicate_check_except, duplicate_identity, new_row, same_entered_identity, stored_input,
    validate_identity, PatientSummary,
};
use crate::{Actor, App, AppError};
use mds_audit::{NewEvent, Outcome as AuditOutcome};
use mds_domain::identity::rectification::{outcome, DuplicateCheck, Outcome, TraitField};
use mds_domain::{AccountKind, AccountState, PatientId, Timestamp};
use mds_store::rectifications::{self, RectificationRow};
use mds_store::{new_id, patients};
use serde::Serialize;

/// Requests waiting for support on one record at most.
pub const MAX_PENDING_PER_RECORD: usize = 5;
/// The longest value accepted (characters as sent).
pub const MAX_VALUE_CHARS: usize = 200;
/// The longest message, evidence or note accepted (characters as sent).
pub const MAX_TEXT_CHARS: usize = 1000;

/// A request as the patient and support see it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Rectification {
    pub id: String,
    pub patient_id: PatientId,
    pub field: String,
    /// The field in French words.
    pub field_label: String,
    pub previous_value: String,
    pub requested_value: String,
    pub message: String,
    /// `pending`, `applied` or `rejected`.
    pub state: String,
    pub created_at: Timestamp,
    pub decided_at: Option<Timestamp>,
    /// Why it was rejected.
    pub decision_note: Option<String>,
}

impl Rectification {
    fn of(r: RectificationRow) -> Self {
        let field_label = TraitField::parse(&r.field)
            .map_or_else(|| r.field.clone(), |f| f.label_fr().to_owned());
        Self {
            id: r.id,
            patient_id: r.patient_id,
            field: r.field,
            field_label,
            previous_value: r.previous_value,
            requested_value: r.requested_value,
            message: r.message,
            state: r.state,
            created_at: Timestamp::from_millis(r.created_at_ms),
            decided_at: r.decided_at_ms.map(Timestamp::from_millis),
            decision_note: r.decision_note,
        }
    }
}

/// A pending request with the record it is about, for support.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RectificationCase {
    pub request: Rectification,
    pub patient: PatientSummary,
}

/// A record's limitation.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct Limitation {
    pub limited: bool,
    pub since: Option<Timestamp>,
}

/// `text` trimmed, refused when longer than `max` characters as sent (the schemas' limit).
fn bounded(code: &'static str, label: &str, text: &str, max: usize) -> Result<String, AppError> {
    let sent = text.chars().count();
    let text = text.trim();
    if sent > max {
        return Err(AppError::invalid(
            code,
            format!("{label} : {max} caractères au plus."),
        ));
    }
    AppError::check_typed(code, label, text, max > MAX_VALUE_CHARS)?;
    Ok(text.to_owned())
}

fn field_of(text: &str) -> Result<TraitField, AppError> {
    TraitField::parse(text).ok_or_else(|| {
        AppError::invalid(
            "unknown_field",
            "Choisissez l'information à corriger : nom de naissance, prénoms, date de \
             naissance, sexe ou lieu de naissance.",
        )
    })
}

impl App {
    /// The patient (active record). Asks for the correction of one trait; the corrected
    /// identity must be valid. Audited (the field, not the values).
    pub async fn request_rectification(
        &self,
        actor: &Actor,
        field: &str,
        value: &str,
        message: &str,
        now: Timestamp,
    ) -> Result<Rectification, AppError> {
        let p = self.own_record(actor).await?;
        if p.record_state != AccountState::Active {
            return Err(AppError::NotFound);
        }
        let field = field_of(field)?;
        let value = bounded("invalid_value", "Valeur demandée", value, MAX_VALUE_CHARS)?;
        let message = bounded("invalid_message", "Message", message, MAX_TEXT_CHARS)?;
        let current = stored_input(&p)?;
        let previous = field.value_in(&current);
        let corrected = field.replaced(&current, &value);
        let checked = validate_identity(&corrected, now)?;
        let corrected_row = new_row(&checked, p.identity_status, p.record_state, None);
        if same_entered_identity(&corrected_row, &p) {
            return Err(AppError::invalid(
                "rectification_same_value",
                format!(
                    "Votre {} est déjà « {previous} » : il n'y a rien à corriger.",
                    field.label_fr()
                ),
            ));
        }
        let pending = rectifications::for_patient(&self.db, &p.id)
            .await?
            .into_iter()
            .filter(|r| r.state == "pending")
            .count();
        if pending >= MAX_PENDING_PER_RECORD {
            return Err(AppError::conflict(
                "too_many_rectifications",
                format!(
                    "Vous avez déjà {MAX_PENDING_PER_RECORD} demandes en cours d'examen : \
                     attendez la réponse du support avant d'en envoyer d'autres."
                ),
            ));
        }
        let row = RectificationRow {
            id: new_id(),
            patient_id: p.id.clone(),
            field: field.as_str().to_owned(),
            previous_value: previous,
            requested_value: value,
            message,
            state: "pending".to_owned(),
            created_at_ms: now.millis(),
            decided_by: None,
            decided_at_ms: None,
            evidence: None,
            decision_note: None,
        };
        let mut tx = self.db.begin().await?;
        rectifications::insert(&mut tx, &row).await?;
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: Some(p.id.to_string()),
            detail: serde_json::json!({ "request_id": row.id, "field": row.field }),
            ..NewEvent::new(
                mds_audit::ActorKind::Patient,
                "patient.rectification.request",
                AuditOutcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(Rectification::of(row))
    }

    /// The patient. Their requests, newest first.
    pub async fn my_rectifications(&self, actor: &Actor) -> Result<Vec<Rectification>, AppError> {
        let p = self.own_record(actor).await?;
        let rows = rectifications::for_patient(&self.db, &p.id).await?;
        Ok(rows.into_iter().map(Rectification::of).collect())
    }

    /// Support. The requests waiting for a decision, oldest first, with their record.
    pub async fn pending_rectifications(
        &self,
        actor: &Actor,
    ) -> Result<Vec<RectificationCase>, AppError> {
        actor.require(AccountKind::Support)?;
        let mut out = Vec::new();
        for r in rectifications::pending(&self.db, 200).await? {
            if let Some(p) = patients::by_id(&self.db, &r.patient_id).await? {
                out.push(RectificationCase {
                    patient: PatientSummary::of(&p),
                    request: Rectification::of(r),
                });
            }
        }
        Ok(out)
    }

    /// Support. One request with its record (any state), or `NotFound`.
    pub async fn rectification_case(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<RectificationCase, AppError> {
        actor.require(AccountKind::Support)?;
        let r = rectifications::by_id(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let p = patients::by_id(&self.db, &r.patient_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(RectificationCase {
            patient: PatientSummary::of(&p),
            request: Rectification::of(r),
        })
    }

    /// Support. Applies a pending request after comparing `evidence` (required): the trait
    /// is corrected unless the corrected identity is another record's (refused) or near
    /// another record while `confirmed_distinct` is false (held: `rectification_near_match`).
    pub async fn apply_rectification(
        &self,
        actor: &Actor,
        id: &str,
        evidence: &str,
        confirmed_distinct: bool,
        now: Timestamp,
    ) -> Result<Rectification, AppError> {
        let (r, p) = self.pending_case(actor, id).await?;
        let evidence = required(
            bounded(
                "evidence_required",
                "Justificatif comparé",
                evidence,
                MAX_TEXT_CHARS,
            )?,
            "evidence_required",
            "Décrivez le justificatif comparé (document, date).",
        )?;
        let field = field_of(&r.field)?;
        let current = stored_input(&p)?;
        if field.value_in(&current) != r.previous_value {
            return Err(AppError::conflict(
                "rectification_stale",
                "Cette information a changé depuis la demande : refusez-la et demandez au \
                 patient d'en envoyer une nouvelle si besoin.",
            ));
        }
        let corrected = field.replaced(&current, &r.requested_value);
        let traits = validate_identity(&corrected, now)?;
        let check = duplicate_check_except(self, &traits, &p.id).await?;
        match outcome(check, confirmed_distinct) {
            Outcome::RefuseDuplicate => return Err(duplicate_identity()),
            Outcome::HoldForNearMatch => {
                return Err(AppError::conflict(
                    "rectification_near_match",
                    "Après correction, un autre dossier est proche de celui-ci (même date de \
                     naissance et même sexe, noms proches). Vérifiez qu'il s'agit de deux \
                     personnes différentes, puis confirmez-le pour appliquer la correction ; \
                     sinon, refusez la demande et traitez le doublon.",
                ))
            }
            Outcome::Apply => {}
        }
        let mut tx = self.db.begin().await?;
        if !rectifications::decide(
            &mut tx,
            &r.id,
            "applied",
            &actor.account_id,
            now.millis(),
            Some(&evidence),
            None,
        )
        .await?
        {
            return Err(decided());
        }
        let row = new_row(&traits, p.identity_status, p.record_state, None);
        patients::update_traits(&mut tx, &p.id, &row).await?;
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: Some(p.id.to_string()),
            detail: serde_json::json!({
                "request_id": r.id, "field": r.field,
                "near_match_confirmed_distinct": check == DuplicateCheck::Near,
            }),
            ..NewEvent::new(
                mds_audit::ActorKind::Support,
                "patient.rectification.apply",
                AuditOutcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tell_patient(
            &mut tx,
            &p.id,
            &Message::rectification(field.label_fr(), None),
            now,
        )
        .await?;
        tx.commit().await?;
        self.rectification_case(actor, id).await.map(|c| c.request)
    }

    /// Support. Rejects a pending request with a note the patient reads (required).
    pub async fn reject_rectification(
        &self,
        actor: &Actor,
        id: &str,
        note: &str,
        now: Timestamp,
    ) -> Result<Rectification, AppError> {
        let (r, p) = self.pending_case(actor, id).await?;
        let note = required(
            bounded("note_required", "Motif", note, MAX_TEXT_CHARS)?,
            "note_required",
            "Indiquez au patient pourquoi la demande n'est pas retenue.",
        )?;
        let field = field_of(&r.field)?;
        let mut tx = self.db.begin().await?;
        if !rectifications::decide(
            &mut tx,
            &r.id,
            "rejected",
            &actor.account_id,
            now.millis(),
            None,
            Some(&note),
        )
        .await?
        {
            return Err(decided());
        }
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: Some(p.id.to_string()),
            detail: serde_json::json!({ "request_id": r.id, "field": r.field }),
            ..NewEvent::new(
                mds_audit::ActorKind::Support,
                "patient.rectification.reject",
                AuditOutcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        let m = Message::rectification(field.label_fr(), Some(&note));
        tell_patient(&mut tx, &p.id, &m, now).await?;
        tx.commit().await?;
        self.rectification_case(actor, id).await.map(|c| c.request)
    }

    async fn pending_case(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<(RectificationRow, patients::PatientRow), AppError> {
        actor.require(AccountKind::Support)?;
        let r = rectifications::by_id(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if r.state != "pending" {
            return Err(decided());
        }
        let p = patients::by_id(&self.db, &r.patient_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !matches!(
            p.record_state,
            AccountState::Active | AccountState::Inactive
        ) {
            return Err(AppError::conflict(
                "record_not_open",
                "Ce dossier est clôturé : son identité ne peut plus être corrigée.",
            ));
        }
        Ok((r, p))
    }

    /// The record's limitation, for its owner.
    pub async fn my_limitation(&self, actor: &Actor) -> Result<Limitation, AppError> {
        let p = self.own_record(actor).await?;
        let since = rectifications::limited_since(&self.db, &p.id).await?;
        Ok(Limitation {
            limited: since.is_some(),
            since: since.map(Timestamp::from_millis),
        })
    }

    /// The patient (own active record) or support (any open record, on the patient's
    /// request). Limits the record's use, or lifts the limitation. Audited; the patient is
    /// told when support did it.
    pub async fn set_limitation(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        limited: bool,
        now: Timestamp,
    ) -> Result<Limitation, AppError> {
        let p = match actor.kind {
            AccountKind::Patient => {
                let p = self.own_record(actor).await?;
                if &p.id != patient_id || p.record_state != AccountState::Active {
                    return Err(AppError::NotFound);
                }
                p
            }
            AccountKind::Support => patients::by_id(&self.db, patient_id)
                .await?
                .filter(|p| {
                    matches!(
                        p.record_state,
                        AccountState::Active | AccountState::Inactive
                    )
                })
                .ok_or(AppError::NotFound)?,
            _ => return Err(AppError::Forbidden),
        };
        let mut tx = self.db.begin().await?;
        let changed = if limited {
            rectifications::limit(&mut tx, &p.id, &actor.account_id, now.millis()).await?
        } else {
            rectifications::lift(&mut tx, &p.id).await?
        };
        if changed {
            let action = if limited {
                "record.limitation.set"
            } else {
                "record.limitation.lift"
            };
            let ev = NewEvent {
                actor_id: Some(actor.account_id.to_string()),
                patient_id: Some(p.id.to_string()),
                ..NewEvent::new(actor.kind.into(), action, AuditOutcome::Success)
            };
            mds_audit::append(&mut tx, ev, now.millis()).await?;
            if actor.kind == AccountKind::Support {
                tell_patient(&mut tx, &p.id, &Message::limitation(limited), now).await?;
            }
        }
        tx.commit().await?;
        let since = rectifications::limited_since(&self.db, &p.id).await?;
        Ok(Limitation {
            limited: since.is_some(),
            since: since.map(Timestamp::from_millis),
        })
    }
}

fn decided() -> AppError {
    AppError::conflict("rectification_decided", "Cette demande a déjà été traitée.")
}

fn required(text: String, code: &'static str, message: &str) -> Result<String, AppError> {
    if text.is_empty() {
        Err(AppError::invalid(code, message))
    } else {
        Ok(text)
    }
}
