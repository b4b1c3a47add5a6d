//! `audit-proofs.json` in a record's export: every audit event about the record with what
//! proves it against a signed checkpoint (docs/AUDIT-PROOFS.md), so that the person — or
//! anyone they give the file to — can check that none of those events was removed or altered
//! after the checkpoint. The events not yet under a checkpoint are signed first, so only
//! what happens while the export is written is left `pending`.
//!
//! An event about a document hidden from the patient (the announcement delay, or a
//! professional's choice; any version of it) is exported by its chain hash alone (`withheld`),
//! as the history says « un document » of it: its inclusion is
//! proved, its content — the document's type, for one — waits for its release, like the
//! document itself. The authority's legal export withholds nothing.

use super::export::Archive;
use crate::{App, AppError};
use mds_audit::checkpoint::{Checkpoint, ProvenEvent, Prover};
use mds_domain::Timestamp;
use mds_store::documents;
use mds_store::patients::PatientRow;
use serde_json::json;
use std::collections::{BTreeMap, HashSet};

/// The format tag of `audit-proofs.json`.
pub const PROOFS_FORMAT: &str = "mds-audit-proofs/v1";

impl App {
    /// Writes `audit-proofs.json` into `archive`: the record's events up to `until` (the
    /// newest one `history.json` holds, so that both list the same events), `withhold_hidden`
    /// for the person's own export. Returns the number of events.
    pub(crate) async fn export_audit_proofs(
        &self,
        archive: &mut Archive,
        p: &PatientRow,
        until: Option<i64>,
        withhold_hidden: bool,
        now: Timestamp,
    ) -> Result<u64, AppError> {
        self.sign_audit_checkpoints(now).await?;
        let hidden: HashSet<String> = if withhold_hidden {
            documents::all_for_patient(&self.db, &p.id)
                .await?
                .into_iter()
                .filter(|d| d.hidden_from_patient)
                .map(|d| d.id.to_string())
                .collect()
        } else {
            HashSet::new()
        };
        let keys = self.signing_public_keys(now).await?;
        let mut checkpoints: BTreeMap<i64, Checkpoint> = BTreeMap::new();
        archive.start("audit-proofs.json", false)?;
        let head = json!({
            "format": PROOFS_FORMAT,
            "algorithm": "docs/AUDIT-PROOFS.md (Mon Drive Santé); `mds audit verify-export`",
            "patient_id": p.id.to_string(),
            "generated_at": now.to_rfc3339(),
            "keys": keys,
        });
        let head = serde_json::to_string(&head).map_err(json_error)?;
        // The object is written as its head's members, then the events, then the checkpoints
        // they refer to, so that one page of events at a time is in memory.
        archive.write(&head.as_bytes()[..head.len() - 1])?;
        archive.write(b",\n\"events\": [")?;
        let mut prover = Prover::new(&self.db, p.id.as_ref(), until.unwrap_or(0));
        let mut count = 0u64;
        loop {
            let page = prover.next_page().await?;
            if page.is_empty() {
                break;
            }
            for ev in page {
                if let Some(to) = ev.checkpoint.filter(|to| !checkpoints.contains_key(to)) {
                    let found = self.audit_checkpoints(to - 1, 1).await?;
                    checkpoints.extend(
                        found
                            .into_iter()
                            .filter(|c| c.to_seq == to)
                            .map(|c| (to, c)),
                    );
                }
                let withheld = ev
                    .event
                    .document_id
                    .as_ref()
                    .is_some_and(|d| hidden.contains(d));
                let item = if withheld {
                    withheld_item(&ev)
                } else {
                    json!(ev)
                };
                archive.write(if count == 0 { b"\n" } else { b",\n" })?;
                archive.write(&serde_json::to_vec(&item).map_err(json_error)?)?;
                count += 1;
            }
        }
        // The newest checkpoint too, so that an event said pending is after every signed one.
        if let Some(newest) = self.newest_audit_checkpoint().await? {
            checkpoints.insert(newest.to_seq, newest);
        }
        archive.write(b"\n],\n\"checkpoints\": ")?;
        let list: Vec<&Checkpoint> = checkpoints.values().collect();
        archive.write(&serde_json::to_vec_pretty(&list).map_err(json_error)?)?;
        archive.write(b"\n}\n")?;
        archive.end()?;
        Ok(count)
    }
}

/// An event shown by its place and hash only.
fn withheld_item(ev: &ProvenEvent) -> serde_json::Value {
    json!({
        "seq": ev.event.seq, "id": ev.event.id, "withheld": true, "hash": ev.event.hash,
        "checkpoint": ev.checkpoint, "leaf_index": ev.leaf_index, "path": ev.path,
    })
}

fn json_error(e: serde_json::Error) -> AppError {
    AppError::Internal(format!("json: {e}"))
}
