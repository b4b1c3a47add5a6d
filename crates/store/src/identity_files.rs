//! Encrypted identity files: enrolment scans (identity document, CAFAT card) and signed
//! consent forms. Rows reference vault objects like documents do; they are not medical
//! content and never appear in a record's document list.

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError};
use mds_domain::{FileOwnerKind, FilePurpose, Format};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityFileRow {
    pub id: String,
    pub owner_kind: FileOwnerKind,
    /// The patient, enrolment request or review id.
    pub owner_id: String,
    pub purpose: FilePurpose,
    pub format: Format,
    pub size_bytes: i64,
    pub sha256: String,
    pub object_key: String,
    pub wrapped_key: Vec<u8>,
    pub key_id: String,
    pub created_at_ms: i64,
}

const COLUMNS: &str = "id, owner_kind, owner_id, purpose, format, size_bytes, sha256, object_key, \
     wrapped_key, key_id, created_at_ms";

pub async fn insert(ex: impl Into<Ex<'_>>, f: &IdentityFileRow) -> Result<(), StoreError> {
    Query::new(format!(
        "INSERT INTO identity_files ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
         $10, $11)"
    ))
    .bind(&f.id)
    .bind(f.owner_kind)
    .bind(&f.owner_id)
    .bind(f.purpose)
    .bind(f.format)
    .bind(f.size_bytes)
    .bind(&f.sha256)
    .bind(&f.object_key)
    .bind(&f.wrapped_key)
    .bind(&f.key_id)
    .bind(f.created_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

impl FromRow for IdentityFileRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            owner_kind: r.get(1)?,
            owner_id: r.get(2)?,
            purpose: r.get(3)?,
            format: r.get(4)?,
            size_bytes: r.get(5)?,
            sha256: r.get(6)?,
            object_key: r.get(7)?,
            wrapped_key: r.get(8)?,
            key_id: r.get(9)?,
            created_at_ms: r.get(10)?,
        })
    }
}

pub async fn for_owner(
    ex: impl Into<Ex<'_>>,
    owner_kind: FileOwnerKind,
    owner_id: &str,
) -> Result<Vec<IdentityFileRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM identity_files WHERE owner_kind = $1 AND owner_id = $2 \
         ORDER BY created_at_ms, id"
    ))
    .bind(owner_kind)
    .bind(owner_id)
    .fetch_all(ex)
    .await
}

pub async fn delete_for_owner(
    ex: impl Into<Ex<'_>>,
    owner_kind: FileOwnerKind,
    owner_id: &str,
) -> Result<u64, StoreError> {
    let done = Query::new("DELETE FROM identity_files WHERE owner_kind = $1 AND owner_id = $2")
        .bind(owner_kind)
        .bind(owner_id)
        .execute(ex)
        .await?;
    Ok(done)
}

/// Moves files to another owner (scans kept after validation follow the record).
pub async fn reassign(
    ex: impl Into<Ex<'_>>,
    from: (FileOwnerKind, &str),
    to: (FileOwnerKind, &str),
) -> Result<u64, StoreError> {
    let done = Query::new(
        "UPDATE identity_files SET owner_kind = $1, owner_id = $2 \
         WHERE owner_kind = $3 AND owner_id = $4",
    )
    .bind(to.0)
    .bind(to.1)
    .bind(from.0)
    .bind(from.1)
    .execute(ex)
    .await?;
    Ok(done)
}

/// How many identity files are stored.
pub async fn count(ex: impl Into<Ex<'_>>) -> Result<i64, StoreError> {
    let (n,): (i64,) = Query::new("SELECT COUNT(*) FROM identity_files")
        .fetch_one(ex)
        .await?;
    Ok(n)
}

/// Every identity file in id order, `limit` at a time after `after_id` (key rotation).
pub async fn page(
    ex: impl Into<Ex<'_>>,
    after_id: &str,
    limit: i64,
) -> Result<Vec<IdentityFileRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM identity_files WHERE id > $1 ORDER BY id LIMIT $2"
    ))
    .bind(after_id)
    .bind(limit)
    .fetch_all(ex)
    .await
}

pub async fn set_wrapped_key(
    ex: impl Into<Ex<'_>>,
    id: &str,
    wrapped_key: &[u8],
    key_id: &str,
) -> Result<(), StoreError> {
    Query::new("UPDATE identity_files SET wrapped_key = $1, key_id = $2 WHERE id = $3")
        .bind(wrapped_key)
        .bind(key_id)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Moves an identity file's content reference to a re-sealed object, only while the row still
/// names `old_object_key`. Returns whether the row was moved.
pub async fn repoint_content(
    ex: impl Into<Ex<'_>>,
    id: &str,
    old_object_key: &str,
    new: &crate::documents::ContentRef,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE identity_files SET object_key = $1, wrapped_key = $2, key_id = $3 \
         WHERE id = $4 AND object_key = $5",
    )
    .bind(&new.object_key)
    .bind(&new.wrapped_key)
    .bind(&new.key_id)
    .bind(id)
    .bind(old_object_key)
    .execute(ex)
    .await?;
    Ok(done > 0)
}
