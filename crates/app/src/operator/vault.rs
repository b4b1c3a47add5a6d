//! The vault as operators keep it: the integrity check (every committed document decrypts and
//! matches its digest), master key rotation and retirement (data keys re-wrapped, content not
//! re-encrypted, second-factor seeds and the records' audit keys sealed again), and the sweep of orphan objects a crash between a vault write and its row can
//! leave (`record::deposit`). Each change is audited as `system`.

use crate::{App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::Timestamp;
use mds_store::documents;
use serde::Serialize;
use std::path::Path;

#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct VaultCheck {
    pub checked: u64,
    pub missing_or_unreadable: Vec<String>,
    pub digest_mismatch: Vec<String>,
}

impl App {
    /// Operator integrity check: every committed document decrypts and matches its SHA-256.
    pub async fn check_vault(&self) -> Result<VaultCheck, AppError> {
        use sha2::{Digest, Sha256};
        let mut report = VaultCheck::default();
        let total = documents::content_count(&self.db).await?;
        self.progress
            .begin("vérification du coffre", u64::try_from(total).ok());
        let mut after = String::new();
        loop {
            let page = documents::with_content_page(&self.db, &after, 200).await?;
            let Some(last) = page.last() else { break };
            after = last.id.to_string();
            for row in &page {
                report.checked += 1;
                let content = match &row.content {
                    Some(c) => self.sealed_content(c).await,
                    None => Err(AppError::NotFound),
                };
                match content {
                    Ok(bytes) => {
                        let digest = data_encoding::HEXLOWER.encode(&Sha256::digest(&bytes));
                        if digest != row.sha256 {
                            report.digest_mismatch.push(row.id.to_string());
                        }
                    }
                    Err(e) => {
                        tracing::warn!(document = %row.id, error = %e, "document content unreadable");
                        report.missing_or_unreadable.push(row.id.to_string());
                    }
                }
                self.progress.advance();
            }
        }
        self.progress.end();
        Ok(report)
    }

    /// Adds a new master key and re-wraps every data key under it (content is not
    /// re-encrypted), and seals every second-factor seed under it; returns the new key id and
    /// the number of data keys re-wrapped. Old keys stay in the file: a service still running with the old current
    /// key keeps writing readable content until it reloads the file (on an unknown key id, and
    /// at every housekeeping pass). Safe to run again after a crash.
    pub async fn rotate_master_key(
        &self,
        key_file: &Path,
        now: Timestamp,
    ) -> Result<(String, u64), AppError> {
        let mut ring = mds_vault::KeyRing::load(key_file)?;
        let new_id = ring.rotate(key_file)?;
        self.vault.reload_keys(ring);
        let rewrapped = self.rewrap_all(&new_id).await?;
        // Second-factor seeds are sealed under the master key too.
        let seeds = self.seal_totp_secrets().await?;
        let record_keys = self.reseal_record_keys().await?;
        let ev = NewEvent {
            detail: serde_json::json!({
                "new_key_id": new_id, "rewrapped": rewrapped, "totp_seeds_resealed": seeds,
                "record_keys_resealed": record_keys,
            }),
            ..NewEvent::new(ActorKind::System, "vault.keys.rotate", Outcome::Success)
        };
        self.record_event(ev, now.millis()).await?;
        Ok((new_id, rewrapped))
    }

    async fn rewrap_all(&self, current: &str) -> Result<u64, AppError> {
        let mut rewrapped = 0u64;
        let total = documents::content_count(&self.db).await?
            + mds_store::identity_files::count(&self.db).await?;
        self.progress
            .begin("réemballage des clés", u64::try_from(total).ok());
        let mut after = String::new();
        loop {
            let page = documents::with_content_page(&self.db, &after, 500).await?;
            let Some(last) = page.last() else { break };
            after = last.id.to_string();
            for row in page {
                self.progress.advance();
                let Some(c) = row.content else { continue };
                if c.key_id == current {
                    continue;
                }
                let (wrapped, key_id) =
                    self.vault
                        .rewrap(&c.object_key, &c.wrapped_key, &c.key_id)?;
                documents::set_wrapped_key(&self.db, &row.id, &wrapped, &key_id).await?;
                rewrapped += 1;
            }
        }
        // Identity scans and consent forms are sealed the same way.
        let mut after = String::new();
        loop {
            let page = mds_store::identity_files::page(&self.db, &after, 500).await?;
            let Some(last) = page.last() else { break };
            after = last.id.to_string();
            for f in page {
                self.progress.advance();
                if f.key_id == current {
                    continue;
                }
                let (wrapped, key_id) =
                    self.vault
                        .rewrap(&f.object_key, &f.wrapped_key, &f.key_id)?;
                mds_store::identity_files::set_wrapped_key(&self.db, &f.id, &wrapped, &key_id)
                    .await?;
                rewrapped += 1;
            }
        }
        self.progress.end();
        Ok(rewrapped)
    }

    /// Removes from the key file the keys that wrap nothing any more, after re-wrapping what a
    /// still-running service may have written under an old key since the rotation. Run it once
    /// every instance has been restarted or has reloaded its keys.
    pub async fn retire_master_keys(
        &self,
        key_file: &Path,
        now: Timestamp,
    ) -> Result<Vec<String>, AppError> {
        let ring = mds_vault::KeyRing::load(key_file)?;
        let current = ring.current_id().to_owned();
        self.vault.reload_keys(ring);
        self.rewrap_all(&current).await?;
        self.seal_totp_secrets().await?;
        self.reseal_record_keys().await?;
        let in_use = documents::key_ids_in_use(&self.db).await?;
        let mut ring = mds_vault::KeyRing::load(key_file)?;
        let retired = ring.retire_unused(key_file, &in_use)?;
        self.vault.reload_keys(ring);
        let ev = NewEvent {
            detail: serde_json::json!({ "retired": retired }),
            ..NewEvent::new(ActorKind::System, "vault.keys.retire", Outcome::Success)
        };
        self.record_event(ev, now.millis()).await?;
        Ok(retired)
    }

    /// Deletes vault objects that no row references and half-written upload files, when
    /// older than the grace period (younger ones may belong to a deposit in flight): the
    /// whole vault, a slice at a time (`mds vault sweep`, tests).
    pub async fn sweep_orphans(&self, now: Timestamp) -> Result<u64, AppError> {
        self.progress.begin("balayage du coffre", None);
        let swept = self.sweep_orphans_from(now, None, usize::MAX).await;
        self.progress.end();
        Ok(swept?.0)
    }

    /// The periodic sweep: half-written upload files, then at most `budget` vault objects
    /// from the one after `after` (the first with `None`), so that a run costs the same in a
    /// vault of a thousand objects or of fifteen million. Returns how many were removed and
    /// where the next run starts (`None`: the end was reached, start again from the first).
    pub async fn sweep_orphans_from(
        &self,
        now: Timestamp,
        after: Option<String>,
        budget: usize,
    ) -> Result<(u64, Option<String>), AppError> {
        let mut removed = self.sweep_temp_files().await?;
        let mut after = after;
        let mut seen = 0;
        while seen < budget {
            let slice = self
                .sweep_orphans_after(now, after, ORPHAN_SLICE.min(budget - seen))
                .await?;
            removed += slice.removed;
            seen += slice.read;
            after = slice.last;
            if after.is_none() {
                break;
            }
        }
        self.audit_orphans_removed(removed, now).await?;
        Ok((removed, after))
    }

    async fn sweep_temp_files(&self) -> Result<u64, AppError> {
        let grace =
            std::time::Duration::from_millis(u64::try_from(self.orphan_grace_ms()).unwrap_or(0));
        Ok(u64::try_from(self.vault.sweep_temp(grace).await?.len()).unwrap_or(0))
    }

    fn orphan_grace_ms(&self) -> i64 {
        self.settings.orphan_grace_minutes * 60_000
    }

    /// One slice: the keys after `after`, checked against the rows in one statement; an
    /// unreferenced object older than the grace period is deleted (its age is read only
    /// then: orphans are rare, and a slice inspects no file it keeps).
    async fn sweep_orphans_after(
        &self,
        now: Timestamp,
        after: Option<String>,
        limit: usize,
    ) -> Result<OrphanSlice, AppError> {
        let keys = self.vault.keys_after(after, limit).await?;
        let referenced = documents::referenced_objects(&self.db, &keys).await?;
        for _ in &keys {
            self.progress.advance();
        }
        let mut removed = 0;
        for key in keys.iter().filter(|k| !referenced.contains(*k)) {
            let Some(modified_ms) = self.vault.modified_ms(key).await? else {
                continue;
            };
            if now.millis() - modified_ms < self.orphan_grace_ms() {
                continue;
            }
            // Checked again alone: a deposit may have committed its row since the slice's check.
            if !documents::object_is_referenced(&self.db, key).await? {
                self.vault.delete(key).await?;
                removed += 1;
            }
        }
        // A short slice reached the end.
        let last = (keys.len() == limit)
            .then(|| keys.last().cloned())
            .flatten();
        Ok(OrphanSlice {
            removed,
            read: keys.len(),
            last,
        })
    }

    async fn audit_orphans_removed(&self, removed: u64, now: Timestamp) -> Result<(), AppError> {
        if removed > 0 {
            let ev = NewEvent {
                detail: serde_json::json!({ "removed": removed }),
                ..NewEvent::new(ActorKind::System, "vault.orphans.sweep", Outcome::Success)
            };
            self.record_event(ev, now.millis()).await?;
        }
        Ok(())
    }
}

/// Vault keys read and checked against the rows at a time by the orphan sweep.
const ORPHAN_SLICE: usize = 500;

/// What one slice of the orphan sweep did.
struct OrphanSlice {
    removed: u64,
    read: usize,
    /// The slice's last key (where the next starts); `None` when the slice reached the
    /// vault's end.
    last: Option<String>,
}
