//! Files kept after a refused form (migration 0013): the vault object of the file a person
//! chose, bound to the session or anonymous nonce that sent it (`holder_hash`) and to one
//! form field, until `expires_at_ms`. A row is read only by its holder, for its form, before
//! it expires.

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldUploadRow {
    pub id: String,
    pub holder_hash: String,
    pub form: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub object_key: String,
    pub wrapped_key: Vec<u8>,
    pub key_id: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

const COLUMNS: &str = "id, holder_hash, form, file_name, size_bytes, object_key, wrapped_key, \
     key_id, created_at_ms, expires_at_ms";

impl FromRow for HeldUploadRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            holder_hash: r.get(1)?,
            form: r.get(2)?,
            file_name: r.get(3)?,
            size_bytes: r.get(4)?,
            object_key: r.get(5)?,
            wrapped_key: r.get(6)?,
            key_id: r.get(7)?,
            created_at_ms: r.get(8)?,
            expires_at_ms: r.get(9)?,
        })
    }
}

pub async fn insert(ex: impl Into<Ex<'_>>, h: &HeldUploadRow) -> Result<(), StoreError> {
    Query::new(format!(
        "INSERT INTO held_uploads ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(&h.id)
    .bind(&h.holder_hash)
    .bind(&h.form)
    .bind(&h.file_name)
    .bind(h.size_bytes)
    .bind(&h.object_key)
    .bind(&h.wrapped_key)
    .bind(&h.key_id)
    .bind(h.created_at_ms)
    .bind(h.expires_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

/// The held file `id` of this holder and form, if it has not expired at `now_ms`.
pub async fn get(
    ex: impl Into<Ex<'_>>,
    id: &str,
    holder_hash: &str,
    form: &str,
    now_ms: i64,
) -> Result<Option<HeldUploadRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM held_uploads WHERE id = $1 AND holder_hash = $2 AND form = $3 \
         AND expires_at_ms > $4"
    ))
    .bind(id)
    .bind(holder_hash)
    .bind(form)
    .bind(now_ms)
    .fetch_optional(ex)
    .await
}

/// Files held by this holder for this form (at most a few), oldest first.
pub async fn of_holder(
    ex: impl Into<Ex<'_>>,
    holder_hash: &str,
    form: &str,
) -> Result<Vec<HeldUploadRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM held_uploads WHERE holder_hash = $1 AND form = $2 \
         ORDER BY created_at_ms, id"
    ))
    .bind(holder_hash)
    .bind(form)
    .fetch_all(ex)
    .await
}

pub async fn delete(ex: impl Into<Ex<'_>>, id: &str) -> Result<u64, StoreError> {
    Query::new("DELETE FROM held_uploads WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await
}

/// Up to `limit` rows expired at `now_ms`, for housekeeping.
pub async fn expired(
    ex: impl Into<Ex<'_>>,
    now_ms: i64,
    limit: i64,
) -> Result<Vec<HeldUploadRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM held_uploads WHERE expires_at_ms <= $1 \
         ORDER BY expires_at_ms LIMIT $2"
    ))
    .bind(now_ms)
    .bind(limit)
    .fetch_all(ex)
    .await
}
