//! Queues for support: self-enrolments waiting for identity verification, and creations by a
//! professional held because of a near match with an existing record.

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError};
use mds_domain::{AccountId, EnrolmentState, PatientId, ReviewStatus};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrolmentRequestRow {
    pub id: String,
    pub patient_id: Option<PatientId>,
    pub account_id: AccountId,
    pub status_token_hash: String,
    pub status: EnrolmentState,
    pub near_match_patient_id: Option<PatientId>,
    pub reason: Option<String>,
    pub decided_by: Option<AccountId>,
    pub decided_at_ms: Option<i64>,
    pub submitted_at_ms: i64,
}

const REQUEST_COLUMNS: &str = "id, patient_id, account_id, status_token_hash, status, \
     near_match_patient_id, reason, decided_by, decided_at_ms, submitted_at_ms";

pub async fn insert_request(
    ex: impl Into<Ex<'_>>,
    r: &EnrolmentRequestRow,
) -> Result<(), StoreError> {
    Query::new(format!(
        "INSERT INTO enrolment_requests ({REQUEST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, \
         $8, $9, $10)"
    ))
    .bind(&r.id)
    .bind(&r.patient_id)
    .bind(&r.account_id)
    .bind(&r.status_token_hash)
    .bind(r.status)
    .bind(&r.near_match_patient_id)
    .bind(&r.reason)
    .bind(&r.decided_by)
    .bind(r.decided_at_ms)
    .bind(r.submitted_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

impl FromRow for EnrolmentRequestRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            patient_id: r.get(1)?,
            account_id: r.get(2)?,
            status_token_hash: r.get(3)?,
            status: r.get(4)?,
            near_match_patient_id: r.get(5)?,
            reason: r.get(6)?,
            decided_by: r.get(7)?,
            decided_at_ms: r.get(8)?,
            submitted_at_ms: r.get(9)?,
        })
    }
}

async fn request_where(
    ex: impl Into<Ex<'_>>,
    column: &str,
    value: &str,
) -> Result<Option<EnrolmentRequestRow>, StoreError> {
    Query::new(format!(
        "SELECT {REQUEST_COLUMNS} FROM enrolment_requests WHERE {column} = $1"
    ))
    .bind(value)
    .fetch_optional(ex)
    .await
}

pub async fn request_by_id(
    ex: impl Into<Ex<'_>>,
    id: &str,
) -> Result<Option<EnrolmentRequestRow>, StoreError> {
    request_where(ex, "id", id).await
}

pub async fn request_by_token_hash(
    ex: impl Into<Ex<'_>>,
    token_hash: &str,
) -> Result<Option<EnrolmentRequestRow>, StoreError> {
    request_where(ex, "status_token_hash", token_hash).await
}

/// Requests in `status`, oldest first.
pub async fn requests_with_status(
    ex: impl Into<Ex<'_>>,
    status: EnrolmentState,
    limit: i64,
) -> Result<Vec<EnrolmentRequestRow>, StoreError> {
    Query::new(format!(
        "SELECT {REQUEST_COLUMNS} FROM enrolment_requests WHERE status = $1 \
         ORDER BY submitted_at_ms, id LIMIT $2"
    ))
    .bind(status)
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// Decides a pending request (compare-and-set: false if it was already decided).
pub async fn decide_request(
    ex: impl Into<Ex<'_>>,
    id: &str,
    status: EnrolmentState,
    reason: Option<&str>,
    decided_by: &AccountId,
    at_ms: i64,
    keep_patient: bool,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE enrolment_requests SET status = $1, reason = $2, decided_by = $3, \
         decided_at_ms = $4, patient_id = CASE WHEN $5 = 1 THEN patient_id ELSE NULL END \
         WHERE id = $6 AND status = 'pending'",
    )
    .bind(status)
    .bind(reason)
    .bind(decided_by)
    .bind(at_ms)
    .bind(keep_patient)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// Self-enrolment requests waiting for support.
pub async fn count_pending_requests(ex: impl Into<Ex<'_>>) -> Result<i64, StoreError> {
    let (n,): (i64,) =
        Query::new("SELECT COUNT(*) FROM enrolment_requests WHERE status = 'pending'")
            .fetch_one(ex)
            .await?;
    Ok(n)
}

/// A self-enrolment that named an existing record or account: recorded for support and
/// answered like any other request, never queued as one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrolmentDuplicateRow {
    pub id: String,
    pub status_token_hash: String,
    /// email, cafat or identity.
    pub kind: String,
    pub patient_id: Option<PatientId>,
    pub account_id: Option<AccountId>,
    pub submitted_at_ms: i64,
}

pub async fn insert_duplicate(
    ex: impl Into<Ex<'_>>,
    d: &EnrolmentDuplicateRow,
) -> Result<(), StoreError> {
    Query::new(
        "INSERT INTO enrolment_duplicates (id, status_token_hash, kind, patient_id, account_id, \
         submitted_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&d.id)
    .bind(&d.status_token_hash)
    .bind(&d.kind)
    .bind(&d.patient_id)
    .bind(&d.account_id)
    .bind(d.submitted_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

/// Whether a duplicate with this status token exists.
pub async fn duplicate_token_exists(
    ex: impl Into<Ex<'_>>,
    token_hash: &str,
) -> Result<bool, StoreError> {
    let row: Option<(String,)> =
        Query::new("SELECT id FROM enrolment_duplicates WHERE status_token_hash = $1")
            .bind(token_hash)
            .fetch_optional(ex)
            .await?;
    Ok(row.is_some())
}

/// Duplicates naming `account_id` submitted at or after `since_ms`.
pub async fn duplicates_of_account_since(
    ex: impl Into<Ex<'_>>,
    account_id: &AccountId,
    since_ms: i64,
) -> Result<i64, StoreError> {
    let (n,): (i64,) = Query::new(
        "SELECT COUNT(*) FROM enrolment_duplicates WHERE account_id = $1 AND submitted_at_ms >= $2",
    )
    .bind(account_id)
    .bind(since_ms)
    .fetch_one(ex)
    .await?;
    Ok(n)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityReviewRow {
    pub id: String,
    pub submitted_by: AccountId,
    /// JSON of the submission (identity as entered, contact, care team, attestations).
    pub submission: String,
    pub candidate_patient_id: Option<PatientId>,
    pub match_reason: String,
    pub status: ReviewStatus,
    pub decided_by: Option<AccountId>,
    pub decided_at_ms: Option<i64>,
    pub decision_note: Option<String>,
    pub patient_id: Option<PatientId>,
    pub submitted_at_ms: i64,
}

const REVIEW_COLUMNS: &str = "id, submitted_by, submission, candidate_patient_id, match_reason, \
     status, decided_by, decided_at_ms, decision_note, patient_id, submitted_at_ms";

pub async fn insert_review(ex: impl Into<Ex<'_>>, r: &IdentityReviewRow) -> Result<(), StoreError> {
    Query::new(format!(
        "INSERT INTO identity_reviews ({REVIEW_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, \
         $8, $9, $10, $11)"
    ))
    .bind(&r.id)
    .bind(&r.submitted_by)
    .bind(&r.submission)
    .bind(&r.candidate_patient_id)
    .bind(&r.match_reason)
    .bind(r.status)
    .bind(&r.decided_by)
    .bind(r.decided_at_ms)
    .bind(&r.decision_note)
    .bind(&r.patient_id)
    .bind(r.submitted_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

impl FromRow for IdentityReviewRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            submitted_by: r.get(1)?,
            submission: r.get(2)?,
            candidate_patient_id: r.get(3)?,
            match_reason: r.get(4)?,
            status: r.get(5)?,
            decided_by: r.get(6)?,
            decided_at_ms: r.get(7)?,
            decision_note: r.get(8)?,
            patient_id: r.get(9)?,
            submitted_at_ms: r.get(10)?,
        })
    }
}

pub async fn review_by_id(
    ex: impl Into<Ex<'_>>,
    id: &str,
) -> Result<Option<IdentityReviewRow>, StoreError> {
    Query::new(format!(
        "SELECT {REVIEW_COLUMNS} FROM identity_reviews WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(ex)
    .await
}

pub async fn reviews_with_status(
    ex: impl Into<Ex<'_>>,
    status: ReviewStatus,
    limit: i64,
) -> Result<Vec<IdentityReviewRow>, StoreError> {
    Query::new(format!(
        "SELECT {REVIEW_COLUMNS} FROM identity_reviews WHERE status = $1 \
         ORDER BY submitted_at_ms, id LIMIT $2"
    ))
    .bind(status)
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// Decides a pending review (compare-and-set).
pub async fn decide_review(
    ex: impl Into<Ex<'_>>,
    id: &str,
    status: ReviewStatus,
    note: Option<&str>,
    decided_by: &AccountId,
    patient_id: Option<&PatientId>,
    at_ms: i64,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE identity_reviews SET status = $1, decision_note = $2, decided_by = $3, \
         patient_id = $4, decided_at_ms = $5 WHERE id = $6 AND status = 'pending'",
    )
    .bind(status)
    .bind(note)
    .bind(decided_by)
    .bind(patient_id)
    .bind(at_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// Forgets the personal data of a review once it is rejected (the decision stays).
pub async fn clear_review_submission(
    ex: impl Into<Ex<'_>>,
    review_id: &str,
) -> Result<(), StoreError> {
    Query::new("UPDATE identity_reviews SET submission = '{}' WHERE id = $1")
        .bind(review_id)
        .execute(ex)
        .await?;
    Ok(())
}
