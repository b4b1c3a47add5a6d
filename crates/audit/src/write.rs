//! Appending events to the chain, inside the caller's transaction. Never updates or deletes
//! an event: the only row this module changes is `audit_head`.

use crate::canonical::{canonical_json, HashInput};
use crate::{AuditError, AuditRecord, NewEvent};
use mds_store::{Db, Tx};
use sqlx::Row;

/// Who can act, as stored in `actor_kind`.
pub const ACTOR_KINDS: &[&str] = &[
    "patient",
    "professional",
    "assistant",
    "support",
    "system",
    "structure_software",
    "anonymous",
];

/// Upper bound of the canonical `detail` text. Identifiers and reasons fit easily; a larger
/// detail is refused because it suggests that content (possibly medical) is being logged.
pub const MAX_DETAIL_BYTES: usize = 8 * 1024;

/// Appends `event` at the end of the chain, in `tx`, and returns the stored record.
///
/// `tx` should come from [`Db::begin`], which has already locked `audit_head`; the head is
/// nevertheless read with an `UPDATE … RETURNING`, which takes the same lock, so that even a
/// transaction opened some other way cannot chain two events onto the same predecessor. The
/// event becomes visible (and part of the chain) only when the caller commits.
pub async fn append(tx: &mut Tx, event: NewEvent, at_ms: i64) -> Result<AuditRecord, AuditError> {
    check(&event)?;
    let detail = canonical_json(&event.detail);
    if detail.len() > MAX_DETAIL_BYTES {
        return Err(AuditError::InvalidEvent(format!(
            "detail of {} is {} bytes, more than {MAX_DETAIL_BYTES}: audit detail holds \
             identifiers and reasons, never content",
            event.action,
            detail.len()
        )));
    }

    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| AuditError::Corrupt("the audit_head row is missing".to_owned()))?;
    let seq: i64 = head.try_get(0)?;
    let prev_hash: String = head.try_get(1)?;

    let id = mds_store::new_id();
    let outcome = event.outcome.as_str();
    let hash = HashInput {
        prev_hash: &prev_hash,
        seq,
        id: &id,
        at_ms,
        actor_kind: &event.actor_kind,
        actor_id: event.actor_id.as_deref(),
        on_behalf_of: event.on_behalf_of.as_deref(),
        structure_id: event.structure_id.as_deref(),
        action: &event.action,
        patient_id: event.patient_id.as_deref(),
        document_id: event.document_id.as_deref(),
        access_mode: event.access_mode.as_deref(),
        outcome,
        rule: event.rule.as_deref(),
        detail: &detail,
        ip: event.ip.as_deref(),
    }
    .hash();

    sqlx::query(&format!(
        "INSERT INTO audit_events ({}) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        crate::row::COLUMNS
    ))
    .bind(seq)
    .bind(&id)
    .bind(at_ms)
    .bind(&event.actor_kind)
    .bind(&event.actor_id)
    .bind(&event.on_behalf_of)
    .bind(&event.structure_id)
    .bind(&event.action)
    .bind(&event.patient_id)
    .bind(&event.document_id)
    .bind(&event.access_mode)
    .bind(outcome)
    .bind(&event.rule)
    .bind(&detail)
    .bind(&event.ip)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;

    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut **tx)
        .await?;

    Ok(AuditRecord {
        seq,
        id,
        at_ms,
        actor_kind: event.actor_kind,
        actor_id: event.actor_id,
        on_behalf_of: event.on_behalf_of,
        structure_id: event.structure_id,
        action: event.action,
        patient_id: event.patient_id,
        document_id: event.document_id,
        access_mode: event.access_mode,
        outcome: event.outcome,
        rule: event.rule,
        detail: event.detail,
        ip: event.ip,
        prev_hash,
        hash,
    })
}

/// Records an event that comes with no other state change (a denied request, a search, a
/// failed login): begins a write transaction, appends, commits.
pub async fn record(db: &Db, event: NewEvent, at_ms: i64) -> Result<AuditRecord, AuditError> {
    let mut tx = db.begin().await?;
    let stored = append(&mut tx, event, at_ms).await?;
    tx.commit().await?;
    Ok(stored)
}

/// Refuses events that would make the trail ambiguous to read later. These are caller bugs,
/// so failing the caller's transaction (and its tests) is the right signal.
fn check(event: &NewEvent) -> Result<(), AuditError> {
    if !ACTOR_KINDS.contains(&event.actor_kind.as_str()) {
        return Err(AuditError::InvalidEvent(format!(
            "unknown actor kind {:?} (expected one of {})",
            event.actor_kind,
            ACTOR_KINDS.join(", ")
        )));
    }
    if event.action.is_empty() || !event.action.chars().all(|c| c.is_ascii_graphic()) {
        return Err(AuditError::InvalidEvent(format!(
            "action {:?} must be a non-empty dotted name such as document.read",
            event.action
        )));
    }
    Ok(())
}
