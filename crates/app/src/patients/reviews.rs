//! Support's review of creations held because of a near match (DESIGN.md section 2): the
//! queue, and the decision. Approving creates the record exactly as the professional
//! submitted it (identity validated in person by that professional, care team, consent
//! form); rejecting keeps nothing but the decision (the submission and its consent form are
//! deleted). Exact duplicates are still refused.

use super::creation::{creation_team, insert_created};
use super::identity::{new_row, PatientSummary};
use crate::{Actor, App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{
    AccountId, AccountKind, AccountState, FileOwnerKind, IdentityStatus, IdentityTraits,
    ReviewStatus, Timestamp,
};
use mds_store::{enrolments, identity_files, patients};
use serde::{Deserialize, Serialize};

/// A held creation as support sees it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ReviewOut)]
pub struct IdentityReview {
    pub review_id: String,
    /// Account id of the professional who submitted the creation.
    #[schema(value_type = String)]
    pub submitted_by: AccountId,
    pub submitted_at_ms: i64,
    /// The identity as submitted (entered forms).
    #[schema(value_type = Object)]
    pub identity: serde_json::Value,
    /// The existing record it resembles.
    pub candidate: Option<PatientSummary>,
    /// The existing record's identifier number (« CAFAT 123456 », « AMG 1234 »), which
    /// support compares with the one entered.
    pub candidate_cafat: Option<String>,
    /// Why the identities are near (`{"kind":"near","reason":{…}}`).
    #[schema(value_type = Object)]
    pub match_reason: serde_json::Value,
}

/// The submission as stored with the review.
#[derive(Deserialize)]
struct Submission {
    identity: IdentityTraits,
    email: Option<String>,
    phone: Option<String>,
    care_team: Vec<AccountId>,
    exclude_creator: bool,
}

fn note_text(note: &str) -> Result<Option<String>, AppError> {
    let n = note.trim();
    if n.chars().count() > 1000 || n.chars().any(|c| c.is_control() && c != '\n') {
        return Err(AppError::invalid(
            "invalid_note",
            "La note de décision ne doit pas dépasser 1000 caractères.",
        ));
    }
    AppError::check_typed("invalid_note", "note de décision", n, true)?;
    Ok((!n.is_empty()).then(|| n.to_owned()))
}

fn already_decided() -> AppError {
    AppError::conflict("already_decided", "Cette vérification a déjà été traitée.")
}

impl App {
    /// Support only. Creations waiting for review, oldest first; audited.
    pub async fn list_identity_reviews(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Vec<IdentityReview>, AppError> {
        actor.require(AccountKind::Support)?;
        let pool = &self.db;
        let mut items = Vec::new();
        for r in enrolments::reviews_with_status(pool, ReviewStatus::Pending, 200).await? {
            let submission: serde_json::Value =
                serde_json::from_str(&r.submission).unwrap_or_default();
            let existing = match &r.candidate_patient_id {
                Some(id) => patients::by_id(pool, id)
                    .await?
                    .filter(|p| p.record_state != AccountState::Erased),
                None => None,
            };
            let candidate = existing.as_ref().map(PatientSummary::of);
            let candidate_cafat =
                existing.map(|p| format!("{} {}", p.identifier_kind.label(), p.identifier_number));
            items.push(IdentityReview {
                review_id: r.id,
                submitted_by: r.submitted_by,
                submitted_at_ms: r.submitted_at_ms,
                identity: submission["identity"].clone(),
                candidate,
                candidate_cafat,
                match_reason: serde_json::from_str(&r.match_reason).unwrap_or_default(),
            });
        }
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            detail: serde_json::json!({ "pending": items.len() }),
            ..NewEvent::new(ActorKind::Support, "patient.review.list", Outcome::Success)
        };
        self.record_event(ev, now.millis()).await?;
        Ok(items)
    }

    /// Support only. Not the same person: the record is created as submitted.
    pub async fn approve_identity_review(
        &self,
        actor: &Actor,
        review_id: &str,
        note: &str,
        now: Timestamp,
    ) -> Result<PatientSummary, AppError> {
        actor.require(AccountKind::Support)?;
        let note = note_text(note)?;
        let r = enrolments::review_by_id(&self.db, review_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if r.status != ReviewStatus::Pending {
            return Err(already_decided());
        }
        let s: Submission = serde_json::from_str(&r.submission)
            .map_err(|e| AppError::Internal(format!("stored submission: {e}")))?;
        let team = creation_team(self, &r.submitted_by, &s.care_team, s.exclude_creator).await?;
        let mut row = new_row(
            &s.identity,
            IdentityStatus::Validated,
            AccountState::Inactive,
            Some(now),
        );
        row.validated_by = Some(r.submitted_by.clone());
        row.validated_how = Some("in_person".to_owned());
        row.validated_at_ms = Some(r.submitted_at_ms);
        row.email = s
            .email
            .map(|e| e.trim().to_lowercase())
            .filter(|e| !e.is_empty());
        row.phone = s
            .phone
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty());
        let by = &actor.account_id;
        let mut tx = self.db.begin().await?;
        let decided = enrolments::decide_review(
            &mut tx,
            &r.id,
            ReviewStatus::Approved,
            note.as_deref(),
            by,
            Some(&row.id),
            now.millis(),
        )
        .await?;
        if !decided {
            return Err(already_decided());
        }
        insert_created(&mut tx, &row, &r.submitted_by, &team, now).await?;
        identity_files::reassign(
            &mut tx,
            (FileOwnerKind::Review, &r.id),
            (FileOwnerKind::Patient, row.id.as_str()),
        )
        .await?;
        let ev = NewEvent {
            actor_id: Some(by.to_string()),
            patient_id: Some(row.id.to_string()),
            detail: serde_json::json!({
                "review_id": r.id, "submitted_by": r.submitted_by,
                "candidate_patient_id": r.candidate_patient_id, "care_team": team.len(),
            }),
            ..NewEvent::new(
                ActorKind::Support,
                "patient.review.approve",
                Outcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(PatientSummary::of(&row))
    }

    /// Support only. The same person as the existing record: nothing is created; the
    /// consent form of the submission leaves the vault.
    pub async fn reject_identity_review(
        &self,
        actor: &Actor,
        review_id: &str,
        note: &str,
        now: Timestamp,
    ) -> Result<(), AppError> {
        actor.require(AccountKind::Support)?;
        let note = note_text(note)?;
        let r = enrolments::review_by_id(&self.db, review_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if r.status != ReviewStatus::Pending {
            return Err(already_decided());
        }
        let files = identity_files::for_owner(&self.db, FileOwnerKind::Review, &r.id).await?;
        let by = &actor.account_id;
        let mut tx = self.db.begin().await?;
        let decided = enrolments::decide_review(
            &mut tx,
            &r.id,
            ReviewStatus::Rejected,
            note.as_deref(),
            by,
            None,
            now.millis(),
        )
        .await?;
        if !decided {
            return Err(already_decided());
        }
        identity_files::delete_for_owner(&mut tx, FileOwnerKind::Review, &r.id).await?;
        enrolments::clear_review_submission(&mut tx, &r.id).await?;
        let ev = NewEvent {
            actor_id: Some(by.to_string()),
            patient_id: r.candidate_patient_id.as_ref().map(ToString::to_string),
            detail: serde_json::json!({ "review_id": r.id, "submitted_by": r.submitted_by }),
            ..NewEvent::new(
                ActorKind::Support,
                "patient.review.reject",
                Outcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        let keys: Vec<String> = files.into_iter().map(|f| f.object_key).collect();
        self.discard_objects(&keys).await;
        Ok(())
    }
}
