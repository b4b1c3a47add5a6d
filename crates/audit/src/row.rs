//! A row of `audit_events` exactly as stored (texts untouched), shared by reading and
//! verifying. Verification hashes these texts as they are, so it must not parse them first.

use crate::canonical::HashInput;
use crate::{AuditError, AuditRecord, Outcome};
use mds_domain::ActorKind;
use mds_store::sql::{FromRow, Row};
use mds_store::StoreError;

/// The columns of `audit_events`, in the order [`StoredRow::from_row`] reads them.
pub(crate) const COLUMNS: &str = "seq, id, at_ms, actor_kind, actor_id, on_behalf_of, \
     structure_id, action, patient_id, document_id, access_mode, outcome, rule, detail, ip, \
     prev_hash, hash";

/// Also what a record's export carries of each event (`checkpoint::ProvenEvent`): every
/// hashed text, so that anyone can recompute its hash.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredRow {
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

impl FromRow for StoredRow {
    fn from_row(row: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            seq: row.get(0)?,
            id: row.get(1)?,
            at_ms: row.get(2)?,
            actor_kind: row.get(3)?,
            actor_id: row.get(4)?,
            on_behalf_of: row.get(5)?,
            structure_id: row.get(6)?,
            action: row.get(7)?,
            patient_id: row.get(8)?,
            document_id: row.get(9)?,
            access_mode: row.get(10)?,
            outcome: row.get(11)?,
            rule: row.get(12)?,
            detail: row.get(13)?,
            ip: row.get(14)?,
            prev_hash: row.get(15)?,
            hash: row.get(16)?,
        })
    }
}

impl StoredRow {
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

    /// The hash recomputed from the texts at the row's own position.
    pub fn recomputed_hash(&self) -> String {
        self.hash_at(self.seq, &self.prev_hash)
    }

    /// Whether the stored hash matches the row's own content at its own position.
    pub fn is_sealed_at(&self, seq: i64) -> bool {
        self.hash_at(seq, &self.prev_hash) == self.hash
    }

    pub fn into_record(self) -> Result<AuditRecord, AuditError> {
        let actor_kind = ActorKind::parse(&self.actor_kind).ok_or_else(|| {
            AuditError::Corrupt(format!(
                "event {} has unknown actor kind {:?}",
                self.seq, self.actor_kind
            ))
        })?;
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
            actor_kind,
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
