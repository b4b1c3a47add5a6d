//! Document rows: metadata plus the reference to the encrypted content in the vault
//! (object key, wrapped data key and the id of the master key that wraps it).
//!
//! A row is committed only after its content is durably in the vault, so a committed row
//! always has content; content without a row is an orphan that the vault sweep removes.

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError};
use mds_domain::{
    AccountId, DepositorKind, DocumentId, DocumentSource, DocumentStatus, Format, PatientId,
    StructureId,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentRow {
    pub id: DocumentId,
    pub patient_id: PatientId,
    /// LOINC or CI-SIS code of `reference/document-types.csv` (kept as stored even if the
    /// reference list later drops it).
    pub type_code: String,
    pub class_code: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub act_date: String,
    pub author_account_id: Option<AccountId>,
    pub author_structure_id: Option<StructureId>,
    pub depositor_account_id: Option<AccountId>,
    pub depositor_kind: DepositorKind,
    pub source: DocumentSource,
    pub format: Format,
    pub size_bytes: i64,
    pub sha256: String,
    pub version: i64,
    pub replaces_id: Option<DocumentId>,
    pub status: DocumentStatus,
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

/// The metadata columns, in the order `FromRow` reads them; the content reference follows.
macro_rules! metadata_columns {
    () => {
        "id, patient_id, type_code, class_code, title, act_date, author_account_id, \
         author_structure_id, depositor_account_id, depositor_kind, source, format, size_bytes, \
         sha256, version, replaces_id, status, confidential, hidden_from_patient, created_at_ms"
    };
}

const COLUMNS: &str = concat!(metadata_columns!(), ", object_key, wrapped_key, key_id");

/// A page's columns: a list never opens a content, so its rows carry no content reference
/// (`content: None`) and the fifty wrapped keys are neither read nor copied.
const LISTED_COLUMNS: &str = concat!(metadata_columns!(), ", NULL, NULL, NULL");

pub async fn insert(ex: impl Into<Ex<'_>>, d: &DocumentRow) -> Result<(), StoreError> {
    let content = d.content.as_ref();
    Query::new(format!(
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
    .bind(d.depositor_kind)
    .bind(d.source)
    .bind(d.format)
    .bind(d.size_bytes)
    .bind(&d.sha256)
    .bind(d.version)
    .bind(&d.replaces_id)
    .bind(d.status)
    .bind(d.confidential)
    .bind(d.hidden_from_patient)
    .bind(d.created_at_ms)
    .bind(content.map(|c| c.object_key.as_str()))
    .bind(content.map(|c| c.wrapped_key.as_slice()))
    .bind(content.map(|c| c.key_id.as_str()))
    .execute(ex)
    .await?;
    Ok(())
}

impl FromRow for DocumentRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        let object_key: Option<String> = r.get(20)?;
        let wrapped_key: Option<Vec<u8>> = r.get(21)?;
        let key_id: Option<String> = r.get(22)?;
        let content = match (object_key, wrapped_key, key_id) {
            (Some(object_key), Some(wrapped_key), Some(key_id)) => Some(ContentRef {
                object_key,
                wrapped_key,
                key_id,
            }),
            _ => None,
        };
        Ok(Self {
            id: r.get(0)?,
            patient_id: r.get(1)?,
            type_code: r.get(2)?,
            class_code: r.get(3)?,
            title: r.get(4)?,
            act_date: r.get(5)?,
            author_account_id: r.get(6)?,
            author_structure_id: r.get(7)?,
            depositor_account_id: r.get(8)?,
            depositor_kind: r.get(9)?,
            source: r.get(10)?,
            format: r.get(11)?,
            size_bytes: r.get(12)?,
            sha256: r.get(13)?,
            version: r.get(14)?,
            replaces_id: r.get(15)?,
            status: r.get(16)?,
            confidential: r.get(17)?,
            hidden_from_patient: r.get(18)?,
            created_at_ms: r.get(19)?,
            content,
        })
    }
}

pub async fn by_id(
    ex: impl Into<Ex<'_>>,
    id: &DocumentId,
) -> Result<Option<DocumentRow>, StoreError> {
    Query::new(format!("SELECT {COLUMNS} FROM documents WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

/// Current (not superseded, not deleted) documents of a patient, newest act first.
pub async fn current_for_patient(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
) -> Result<Vec<DocumentRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM documents WHERE patient_id = $1 AND status = 'current' \
         ORDER BY act_date DESC, created_at_ms DESC, id"
    ))
    .bind(patient_id)
    .fetch_all(ex)
    .await
}

/// Documents that have content, in id order, `limit` at a time after `after_id`: the
/// integrity check, key rotation and orphan sweep walk the whole table this way.
pub async fn with_content_page(
    ex: impl Into<Ex<'_>>,
    after_id: &str,
    limit: i64,
) -> Result<Vec<DocumentRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM documents WHERE object_key IS NOT NULL AND id > $1 \
         ORDER BY id LIMIT $2"
    ))
    .bind(after_id)
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// How many documents have content (the total of a walk by [`with_content_page`]).
pub async fn content_count(ex: impl Into<Ex<'_>>) -> Result<i64, StoreError> {
    let (n,): (i64,) = Query::new("SELECT COUNT(*) FROM documents WHERE object_key IS NOT NULL")
        .fetch_one(ex)
        .await?;
    Ok(n)
}

pub async fn set_wrapped_key(
    ex: impl Into<Ex<'_>>,
    id: &DocumentId,
    wrapped_key: &[u8],
    key_id: &str,
) -> Result<(), StoreError> {
    Query::new("UPDATE documents SET wrapped_key = $1, key_id = $2 WHERE id = $3")
        .bind(wrapped_key)
        .bind(key_id)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Moves a document's content reference to a re-sealed object, only while the row still
/// names `old_object_key` (a row changed or deleted meanwhile is left alone). Returns whether
/// the row was moved.
pub async fn repoint_content(
    ex: impl Into<Ex<'_>>,
    id: &DocumentId,
    old_object_key: &str,
    new: &ContentRef,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE documents SET object_key = $1, wrapped_key = $2, key_id = $3 \
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

/// Whether some row (a document or an identity file) references this vault object (used
/// before deleting an apparent orphan).
pub async fn object_is_referenced(
    ex: impl Into<Ex<'_>>,
    object_key: &str,
) -> Result<bool, StoreError> {
    let row: Option<(i64,)> = Query::new(
        "SELECT 1 FROM documents WHERE object_key = $1 \
         UNION ALL SELECT 1 FROM identity_files WHERE object_key = $1 \
         UNION ALL SELECT 1 FROM held_uploads WHERE object_key = $1",
    )
    .bind(object_key)
    .fetch_optional(ex)
    .await?;
    Ok(row.is_some())
}

/// Which of `keys` some row references (a document, an identity file, a held upload): the
/// orphan sweep's check of a slice of the vault, one statement for the slice.
pub async fn referenced_objects(
    ex: impl Into<Ex<'_>>,
    keys: &[String],
) -> Result<std::collections::HashSet<String>, StoreError> {
    if keys.is_empty() {
        return Ok(std::collections::HashSet::new());
    }
    let list: Vec<String> = (1..=keys.len()).map(|n| format!("${n}")).collect();
    let list = list.join(", ");
    let mut q = Query::new(format!(
        "SELECT object_key FROM documents WHERE object_key IN ({list}) \
         UNION SELECT object_key FROM identity_files WHERE object_key IN ({list}) \
         UNION SELECT object_key FROM held_uploads WHERE object_key IN ({list})"
    ));
    for key in keys {
        q.push(key);
    }
    let rows: Vec<(String,)> = q.fetch_all(ex).await?;
    Ok(rows.into_iter().map(|(k,)| k).collect())
}

/// Master key ids still wrapping some data key (of a document or an identity file).
pub async fn key_ids_in_use(ex: impl Into<Ex<'_>>) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = Query::new(
        "SELECT DISTINCT key_id FROM documents WHERE key_id IS NOT NULL \
             UNION SELECT DISTINCT key_id FROM identity_files \
             UNION SELECT DISTINCT key_id FROM held_uploads \
             UNION SELECT DISTINCT totp_key_id FROM accounts WHERE totp_key_id IS NOT NULL \
             UNION SELECT DISTINCT key_id FROM record_audit_keys",
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
    pub author_account_id: Option<AccountId>,
    pub author_structure_id: Option<StructureId>,
}

/// Which of a record's documents a listing may show, as the policy's list scope states it
/// (`mds_policy::ListScope`, translated by the app): conditions on columns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Visibility<'a> {
    /// True: nothing is shown.
    pub nothing: bool,
    /// The account whose deposits the conditions below spare.
    pub depositor: Option<AccountId>,
    /// Only the depositor's documents.
    pub only_deposited: bool,
    pub without_hidden: bool,
    /// Confidential documents are left out, except the depositor's.
    pub without_confidential: bool,
    /// `Some`: only these types, except the depositor's documents.
    pub types: Option<&'a [&'a str]>,
}

/// `SELECT {select} FROM documents` with the conditions of a listing.
fn listing<'a>(
    select: &str,
    patient_id: &'a PatientId,
    f: &'a DocumentFilter,
    v: &'a Visibility<'a>,
) -> Query<'a> {
    let mut q = Query::new(format!(
        "SELECT {select} FROM documents WHERE patient_id = $1 AND status = 'current'"
    ))
    .bind(patient_id);
    let clauses = [
        ("type_code =", f.type_code.as_deref()),
        ("class_code =", f.class_code.as_deref()),
        ("act_date >=", f.act_date_from.as_deref()),
        ("act_date <=", f.act_date_to.as_deref()),
        (
            "author_account_id =",
            f.author_account_id.as_ref().map(AccountId::as_str),
        ),
        (
            "author_structure_id =",
            f.author_structure_id.as_ref().map(StructureId::as_str),
        ),
    ];
    for (clause, value) in clauses {
        if let Some(v) = value {
            q.push(v);
            q.push_sql(&format!(" AND {clause} ${}", q.len()));
        }
    }
    if v.nothing {
        q.push_sql(" AND 1 = 0");
        return q;
    }
    // The depositor's own documents, when the scope spares them.
    let deposited = match &v.depositor {
        Some(d) => {
            q.push(d);
            format!("depositor_account_id = ${}", q.len())
        }
        None => "1 = 0".to_owned(),
    };
    if v.only_deposited {
        q.push_sql(&format!(" AND {deposited}"));
    }
    if v.without_hidden {
        q.push_sql(" AND hidden_from_patient = 0");
    }
    if v.without_confidential {
        q.push_sql(&format!(" AND (confidential = 0 OR {deposited})"));
    }
    if let Some(types) = v.types {
        let mut listed = Vec::with_capacity(types.len());
        for t in types {
            q.push(*t);
            listed.push(format!("${}", q.len()));
        }
        let open = if listed.is_empty() {
            "1 = 0".to_owned()
        } else {
            format!("type_code IN ({})", listed.join(", "))
        };
        q.push_sql(&format!(" AND ({open} OR {deposited})"));
    }
    q
}

/// One page of the current documents of a patient matching `f` and visible as `v` says,
/// newest act first, and how many there are in all: the page reads its own rows only. Its
/// rows carry no content reference (`content` is `None`): opening one reads it by id.
pub async fn page(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
    f: &DocumentFilter,
    v: &Visibility<'_>,
    limit: usize,
    offset: usize,
) -> Result<(Vec<DocumentRow>, i64), StoreError> {
    let mut ex = ex.into();
    let mut q = listing(LISTED_COLUMNS, patient_id, f, v);
    q.push(i64::try_from(limit).unwrap_or(i64::MAX));
    q.push_sql(&format!(
        " ORDER BY act_date DESC, created_at_ms DESC, id LIMIT ${}",
        q.len()
    ));
    q.push(i64::try_from(offset).unwrap_or(i64::MAX));
    q.push_sql(&format!(" OFFSET ${}", q.len()));
    let rows = q.fetch_all(ex.reborrow()).await?;
    let (total,): (i64,) = listing("COUNT(*)", patient_id, f, v)
        .fetch_one(ex.reborrow())
        .await?;
    Ok((rows, total))
}

/// Marks a current version superseded by a new one; false if it was no longer current.
pub async fn mark_superseded(ex: impl Into<Ex<'_>>, id: &DocumentId) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE documents SET status = 'superseded' WHERE id = $1 AND status = 'current'",
    )
    .bind(id)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// Marks a document deleted and forgets where its content was; the caller erases the object
/// after the commit. Returns the content reference it had, or `None` if already deleted.
pub async fn mark_deleted(
    tx: &mut crate::Tx,
    id: &DocumentId,
) -> Result<Option<Option<ContentRef>>, StoreError> {
    let Some(before) = by_id(&mut *tx, id).await? else {
        return Ok(None);
    };
    let done = Query::new(
        "UPDATE documents SET status = 'deleted', object_key = NULL, wrapped_key = NULL, \
         key_id = NULL WHERE id = $1 AND status <> 'deleted'",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    Ok((done == 1).then_some(before.content))
}

/// Masks or unmasks a document from professionals. `by` is the account that did it;
/// `at_patient_request` is true when a professional masked at the patient's request.
pub async fn set_masked(
    ex: impl Into<Ex<'_>>,
    id: &DocumentId,
    masked: bool,
    by: &AccountId,
    at_patient_request: bool,
    at_ms: i64,
) -> Result<(), StoreError> {
    Query::new(
        "UPDATE documents SET confidential = $1, masked_by = $2, masked_at_patient_request = $3, \
         masked_at_ms = $4 WHERE id = $5",
    )
    .bind(masked)
    .bind(masked.then_some(by))
    .bind(masked && at_patient_request)
    .bind(masked.then_some(at_ms))
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Masks every current document of a record from professionals; returns how many changed.
pub async fn mask_all(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
    by: &AccountId,
    at_ms: i64,
) -> Result<u64, StoreError> {
    let done = Query::new(
        "UPDATE documents SET confidential = 1, masked_by = $1, masked_at_patient_request = 0, \
         masked_at_ms = $2 WHERE patient_id = $3 AND status = 'current' AND confidential = 0",
    )
    .bind(by)
    .bind(at_ms)
    .bind(patient_id)
    .execute(ex)
    .await?;
    Ok(done)
}

/// Lifts the masks the patient `by` put on their record's current documents (not those a
/// professional set at deposit or at the patient's request). Returns how many.
pub async fn unmask_all_by(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
    by: &AccountId,
) -> Result<u64, StoreError> {
    let done = Query::new(
        "UPDATE documents SET confidential = 0, masked_by = NULL, masked_at_ms = NULL \
         WHERE patient_id = $1 AND status = 'current' AND confidential = 1 AND masked_by = $2 \
         AND masked_at_patient_request = 0",
    )
    .bind(patient_id)
    .bind(by)
    .execute(ex)
    .await?;
    Ok(done)
}

pub async fn set_hidden_from_patient(
    ex: impl Into<Ex<'_>>,
    id: &DocumentId,
    hidden: bool,
) -> Result<(), StoreError> {
    Query::new("UPDATE documents SET hidden_from_patient = $1 WHERE id = $2")
        .bind(hidden)
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Who masked a document and whether it was at the patient's request.
pub async fn masking(
    ex: impl Into<Ex<'_>>,
    id: &DocumentId,
) -> Result<Option<(Option<AccountId>, bool)>, StoreError> {
    Query::new("SELECT masked_by, masked_at_patient_request FROM documents WHERE id = $1")
        .bind(id)
        .fetch_optional(ex)
        .await
}

/// Every document row of a patient, whatever its status (export, erasure).
pub async fn all_for_patient(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
) -> Result<Vec<DocumentRow>, StoreError> {
    Query::new(format!(
        "SELECT {COLUMNS} FROM documents WHERE patient_id = $1 ORDER BY created_at_ms, id"
    ))
    .bind(patient_id)
    .fetch_all(ex)
    .await
}

/// Deletes every document row of a patient (the vault objects are the caller's job).
pub async fn delete_all_for_patient(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
) -> Result<u64, StoreError> {
    let done = Query::new("DELETE FROM documents WHERE patient_id = $1")
        .bind(patient_id)
        .execute(ex)
        .await?;
    Ok(done)
}
