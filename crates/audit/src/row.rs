//! A row of `audit_events` exactly as stored (texts untouched), shared by reading and
//! verifying. Verification hashes these texts as they are, so it must not parse them first.

use crate::canonical::HashInput;
use crate::{AuditError, AuditRecord, Outcome};
use sqlx::any::AnyRow;
use sqlx::Row;

/// The columns of `audit_events`, in the order [`StoredRow::from_row`] reads them.
pub(crate) const COLUMNS: &str = "seq, id, at_ms, actor_kind, actor_id, on_behalf_of, \
     structure_id, action, patient_id, document_id, access_mode, outcome, rule, detail, ip, \
     prev_hash, hash";

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StoredRow {
    pub seq: i64,
    pub id: String,
    pub at_ms: i64,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub on_behalf_of: Option<String>,
    pub structure_id: Option<String>,
    pub action: String,
    pub patient_id: Option<String>,
    pub document_id: Option<String>,
    pub access_mode: Option<String>,
    pub outcome: String,
    pub rule: Option<String>,
    pub detail: String,
    pub ip: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredRow {
    pub fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            seq: row.try_get(0)?,
            id: row.try_get(1)?,
            at_ms: row.try_get(2)?,
            actor_kind: row.try_get(3)?,
            actor_id: row.try_get(4)?,
            on_behalf_of: row.try_get(5)?,
            structure_id: row.try_get(6)?,
            action: row.try_get(7)?,
            patient_id: row.try_get(8)?,
            document_id: row.try_get(9)?,
            access_mode: row.try_get(10)?,
            outcome: row.try_get(11)?,
            rule: row.try_get(12)?,
            detail: row.try_get(13)?,
            ip: row.try_get(14)?,
            prev_hash: row.try_get(15)?,
            hash: row.try_get(16)?,
        })
    }

    /// The hash input of this row as if it were stored at `seq` after `prev_hash`; verify
    /// uses other positions to tell a moved event from an altered one.
    pub fn hash_at(&self, seq: i64, prev_hash: &str) -> String {
        HashInput {
            prev_hash,
            seq,
            id: &self.id,
            at_ms: self.at_ms,
            actor_kind: &self.actor_kind,
            actor_id: self.actor_id.as_deref(),
            on_behalf_of: self.on_behalf_of.as_deref(),
            structure_id: self.structure_id.as_deref(),
            action: &self.action,
            patient_id: self.patient_id.as_deref(),
            document_id: self.document_id.as_deref(),
            access_mode: self.access_mode.as_deref(),
            outcome: &self.outcome,
            rule: self.rule.as_deref(),
            detail: &self.detail,
            ip: self.ip.as_deref(),
        }
        .hash()
    }

    /// Whether the stored hash matches the row's own content at its own position.
    pub fn is_sealed_at(&self, seq: i64) -> bool {
        self.hash_at(seq, &self.prev_hash) == self.hash
    }

    pub fn into_record(self) -> Result<AuditRecord, AuditError> {
        let outcome = Outcome::parse(&self.outcome).ok_or_else(|| {
            AuditError::Corrupt(format!(
                "event {} has unknown outcome {:?}",
                self.seq, self.outcome
            ))
        })?;
        let detail = serde_json::from_str(&self.detail).map_err(|e| {
            AuditError::Corrupt(format!("event {} has unreadable detail: {e}", self.seq))
        })?;
        Ok(AuditRecord {
            seq: self.seq,
            id: self.id,
            at_ms: self.at_ms,
            actor_kind: self.actor_kind,
            actor_id: self.actor_id,
            on_behalf_of: self.on_behalf_of,
            structure_id: self.structure_id,
            action: self.action,
            patient_id: self.patient_id,
            document_id: self.document_id,
            access_mode: self.access_mode,
            outcome,
            rule: self.rule,
            detail,
            ip: self.ip,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}
