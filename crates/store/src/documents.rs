//! Document rows: metadata plus the reference to the encrypted content in the vault
//! (object key, wrapped data key and the id of the master key that wraps it).
//!
//! A row is committed only after its content is durably in the vault, so a committed row
//! always has content; content without a row is an orphan that the vault sweep removes.

use crate::{flag, StoreError};
use sqlx::{Any, Executor, Row};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentRow {
    pub id: String,
    pub patient_id: String,
    pub type_code: String,
    pub class_code: String,
    pub title: String,
    pub act_date: String,
    pub author_account_id: Option<String>,
    pub author_structure_id: Option<String>,
    pub depositor_account_id: Option<String>,
    pub depositor_kind: String,
    pub source: String,
    pub format: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub version: i64,
    pub replaces_id: Option<String>,
    pub status: String,
    pub confidential: bool,
    pub hidden_from_patient: bool,
    pub created_at_ms: i64,
    pub content: Option<ContentRef>,
}

/// Where a document's encrypted content is and how to unwrap its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentRef {
    pub object_key: String,
    pub wrapped_key: Vec<u8>,
    pub key_id: String,
}

const COLUMNS: &str = "id, patient_id, type_code, class_code, title, act_date, \
     author_account_id, author_structure_id, depositor_account_id, depositor_kind, source, \
     format, size_bytes, sha256, version, replaces_id, status, confidential, \
     hidden_from_patient, created_at_ms, object_key, wrapped_key, key_id";

pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    d: &DocumentRow,
) -> Result<(), StoreError> {
    let content = d.content.as_ref();
    sqlx::query(&format!(
        "INSERT INTO documents ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)"
    ))
    .bind(&d.id)
    .bind(&d.patient_id)
    .bind(&d.type_code)
    .bind(&d.class_code)
    .bind(&d.title)
    .bind(&d.act_date)
    .bind(&d.author_account_id)
    .bind(&d.author_structure_id)
    .bind(&d.depositor_account_id)
    .bind(&d.depositor_kind)
    .bind(&d.source)
    .bind(&d.format)
    .bind(d.size_bytes)
    .bind(&d.sha256)
    .bind(d.version)
    .bind(&d.replaces_id)
    .bind(&d.status)
    .bind(flag(d.confidential))
    .bind(flag(d.hidden_from_patient))
    .bind(d.created_at_ms)
    .bind(content.map(|c| c.object_key.clone()))
    .bind(content.map(|c| c.wrapped_key.clone()))
    .bind(content.map(|c| c.key_id.clone()))
    .execute(ex)
    .await?;
    Ok(())
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<DocumentRow, StoreError> {
    let object_key: Option<String> = r.try_get(20)?;
    let wrapped_key: Option<Vec<u8>> = r.try_get(21)?;
    let key_id: Option<String> = r.try_get(22)?;
    let content = match (object_key, wrapped_key, key_id) {
        (Some(object_key), Some(wrapped_key), Some(key_id)) => Some(ContentRef {
            object_key,
            wrapped_key,
            key_id,
        }),
        _ => None,
    };
    Ok(DocumentRow {
        id: r.try_get(0)?,
        patient_id: r.try_get(1)?,
        type_code: r.try_get(2)?,
        class_code: r.try_get(3)?,
        title: r.try_get(4)?,
        act_date: r.try_get(5)?,
        author_account_id: r.try_get(6)?,
        author_structure_id: r.try_get(7)?,
        depositor_account_id: r.try_get(8)?,
        depositor_kind: r.try_get(9)?,
        source: r.try_get(10)?,
        format: r.try_get(11)?,
        size_bytes: r.try_get(12)?,
        sha256: r.try_get(13)?,
        version: r.try_get(14)?,
        replaces_id: r.try_get(15)?,
        status: r.try_get(16)?,
        confidential: r.try_get::<i64, _>(17)? != 0,
        hidden_from_patient: r.try_get::<i64, _>(18)? != 0,
        created_at_ms: r.try_get(19)?,
        content,
    })
}

pub async fn by_id<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
) -> Result<Option<DocumentRow>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM documents WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Current (not superseded, not deleted) documents of a patient, newest act first.
pub async fn current_for_patient<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    patient_id: &str,
) -> Result<Vec<DocumentRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM documents WHERE patient_id = $1 AND status = 'current' \
         ORDER BY act_date DESC, created_at_ms DESC, id"
    ))
    .bind(patient_id)
    .fetch_all(ex)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Documents that have content, in id order, `limit` at a time after `after_id`: the
/// integrity check, key rotation and orphan sweep walk the whole table this way.
pub async fn with_content_page<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    after_id: &str,
    limit: i64,
) -> Result<Vec<DocumentRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM documents WHERE object_key IS NOT NULL AND id > $1 \
         ORDER BY id LIMIT $2"
    ))
    .bind(after_id)
    .bind(limit)
    .fetch_all(ex)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn set_wrapped_key<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    wrapped_key: &[u8],
    key_id: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE documents SET wrapped_key = $1, key_id = $2 WHERE id = $3")
        .bind(wrapped_key.to_vec())
        .bind(key_id)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Whether some row (a document or an identity file) references this vault object (used
/// before deleting an apparent orphan).
pub async fn object_is_referenced<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    object_key: &str,
) -> Result<bool, StoreError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT 1 FROM documents WHERE object_key = $1 \
         UNION ALL SELECT 1 FROM identity_files WHERE object_key = $1",
    )
    .bind(object_key)
    .fetch_optional(ex)
    .await?;
    Ok(row.is_some())
}

/// Master key ids still wrapping some data key (of a document or an identity file).
pub async fn key_ids_in_use<'e, E: Executor<'e, Database = Any>>(
    ex: E,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT key_id FROM documents WHERE key_id IS NOT NULL \
             UNION SELECT DISTINCT key_id FROM identity_files",
    )
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Filters of a record search; `None` means any. Dates are ISO `YYYY-MM-DD`, inclusive.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocumentFilter {
    pub type_code: Option<String>,
    pub class_code: Option<String>,
    pub act_date_from: Option<String>,
    pub act_date_to: Option<String>,
    pub author_account_id: Option<String>,
    pub author_structure_id: Option<String>,
}

/// Current documents of a patient matching `f`, newest act first (visibility is filtered by
/// the caller, with the policy, before paginating).
pub async fn search<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    patient_id: &str,
    f: &DocumentFilter,
) -> Result<Vec<DocumentRow>, StoreError> {
    let mut sql =
        format!("SELECT {COLUMNS} FROM documents WHERE patient_id = $1 AND status = 'current'");
    let clauses = [
        ("type_code =", &f.type_code),
        ("class_code =", &f.class_code),
        ("act_date >=", &f.act_date_from),
        ("act_date <=", &f.act_date_to),
        ("author_account_id =", &f.author_account_id),
        ("author_structure_id =", &f.author_structure_id),
    ];
    let mut binds: Vec<&str> = Vec::new();
    for (clause, value) in clauses {
        if let Some(v) = value {
            binds.push(v.as_str());
            sql.push_str(&format!(" AND {clause} ${}", binds.len() + 1));
        }
    }
    sql.push_str(" ORDER BY act_date DESC, created_at_ms DESC, id");
    let mut q = sqlx::query(&sql).bind(patient_id);
    for b in binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(ex).await?;
    rows.iter().map(from_row).collect()
}

/// Marks a current version superseded by a new one; false if it was no longer current.
pub async fn mark_superseded<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE documents SET status = 'superseded' WHERE id = $1 AND status = 'current'",
    )
    .bind(id)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a document deleted and forgets where its content was; the caller erases the object
/// after the commit. Returns the content reference it had, or `None` if already deleted.
pub async fn mark_deleted(
    tx: &mut crate::Tx,
    id: &str,
) -> Result<Option<Option<ContentRef>>, StoreError> {
    let Some(before) = by_id(&mut **tx, id).await? else {
        return Ok(None);
    };
    let done = sqlx::query(
        "UPDATE documents SET status = 'deleted', object_key = NULL, wrapped_key = NULL, \
         key_id = NULL WHERE id = $1 AND status <> 'deleted'",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok((done.rows_affected() == 1).then_some(before.content))
}

/// Masks or unmasks a document from professionals. `by` is the account that did it;
/// `at_patient_request` is true when a professional masked at the patient's request.
pub async fn set_masked<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    masked: bool,
    by: &str,
    at_patient_request: bool,
    at_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE documents SET confidential = $1, masked_by = $2, masked_at_patient_request = $3, \
         masked_at_ms = $4 WHERE id = $5",
    )
    .bind(flag(masked))
    .bind(masked.then_some(by))
    .bind(flag(masked && at_patient_request))
    .bind(masked.then_some(at_ms))
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Masks every current document of a record from professionals; returns how many changed.
pub async fn mask_all<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    patient_id: &str,
    by: &str,
    at_ms: i64,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE documents SET confidential = 1, masked_by = $1, masked_at_patient_request = 0, \
         masked_at_ms = $2 WHERE patient_id = $3 AND status = 'current' AND confidential = 0",
    )
    .bind(by)
    .bind(at_ms)
    .bind(patient_id)
    .execute(ex)
    .await?;
    Ok(done.rows_affected())
}

pub async fn set_hidden_from_patient<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    hidden: bool,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE documents SET hidden_from_patient = $1 WHERE id = $2")
        .bind(flag(hidden))
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Who masked a document and whether it was at the patient's request.
pub async fn masking<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
) -> Result<Option<(Option<String>, bool)>, StoreError> {
    let row: Option<(Option<String>, i64)> =
        sqlx::query_as("SELECT masked_by, masked_at_patient_request FROM documents WHERE id = $1")
            .bind(id)
            .fetch_optional(ex)
            .await?;
    Ok(row.map(|(by, req)| (by, req != 0)))
}

/// Every document row of a patient, whatever its status (export, erasure).
pub async fn all_for_patient<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    patient_id: &str,
) -> Result<Vec<DocumentRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM documents WHERE patient_id = $1 ORDER BY created_at_ms, id"
    ))
    .bind(patient_id)
    .fetch_all(ex)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Deletes every document row of a patient (the vault objects are the caller's job).
pub async fn delete_all_for_patient<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    patient_id: &str,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM documents WHERE patient_id = $1")
        .bind(patient_id)
        .execute(ex)
        .await?;
    Ok(done.rows_affected())
}
