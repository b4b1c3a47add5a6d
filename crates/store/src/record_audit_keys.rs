//! Each record's own key for the free text the audit keeps about its person, stored sealed
//! under a master key (`mds-app`'s `audit_text` seals, opens and destroys; `mds_vault`'s
//! `RecordKey` is the cipher). Erasure deletes the row, which is the whole point: nothing else
//! can open those texts.

use crate::{Ex, Query, StoreError, Tx};
use mds_domain::PatientId;

/// A record's key as stored: `(sealed_key, key_id)`.
pub type StoredKey = (String, String);

/// The stored key of a record, if it has one.
pub async fn get(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
) -> Result<Option<StoredKey>, StoreError> {
    Query::new("SELECT sealed_key, key_id FROM record_audit_keys WHERE patient_id = $1")
        .bind(patient_id)
        .fetch_optional(ex)
        .await
}

/// Stores a record's first key; false (and nothing written) when the record has one already,
/// for instance written by a concurrent request: read it then.
pub async fn insert_if_absent(
    tx: &mut Tx,
    patient_id: &PatientId,
    sealed_key: &str,
    key_id: &str,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "INSERT INTO record_audit_keys (patient_id, sealed_key, key_id, created_at_ms) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (patient_id) DO NOTHING",
    )
    .bind(patient_id)
    .bind(sealed_key)
    .bind(key_id)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    Ok(done == 1)
}

/// Destroys a record's key (erasure); true when there was one.
pub async fn destroy(tx: &mut Tx, patient_id: &PatientId) -> Result<bool, StoreError> {
    let done = Query::new("DELETE FROM record_audit_keys WHERE patient_id = $1")
        .bind(patient_id)
        .execute(&mut *tx)
        .await?;
    Ok(done == 1)
}

/// Keys not sealed under the master key `current`, after `after` by record id (a page).
pub async fn not_under(
    ex: impl Into<Ex<'_>>,
    current: &str,
    after: &str,
    limit: i64,
) -> Result<Vec<(PatientId, String, String)>, StoreError> {
    Query::new(
        "SELECT patient_id, sealed_key, key_id FROM record_audit_keys \
         WHERE key_id <> $1 AND patient_id > $2 ORDER BY patient_id LIMIT $3",
    )
    .bind(current)
    .bind(after)
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// Replaces a key's sealed form (rotation), only if it is still `old`; true when done.
pub async fn reseal(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
    old: &str,
    sealed_key: &str,
    key_id: &str,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE record_audit_keys SET sealed_key = $3, key_id = $4 \
         WHERE patient_id = $1 AND sealed_key = $2",
    )
    .bind(patient_id)
    .bind(old)
    .bind(sealed_key)
    .bind(key_id)
    .execute(ex)
    .await?;
    Ok(done == 1)
}
