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
    /// older than the grace period (younger ones may belong to a deposit in flight).
    pub async fn sweep_orphans(&self, now: Timestamp) -> Result<u64, AppError> {
        let grace_ms = self.settings.orphan_grace_minutes * 60_000;
        let grace = std::time::Duration::from_millis(u64::try_from(grace_ms).unwrap_or(0));
        let mut removed = u64::try_from(self.vault.sweep_temp(grace).await?.len()).unwrap_or(0);
        let objects = self.vault.list().await?;
        self.progress
            .begin("balayage du coffre", u64::try_from(objects.len()).ok());
        for object in objects {
            self.progress.advance();
            if now.millis() - object.modified_ms < grace_ms {
                continue;
            }
            if !documents::object_is_referenced(&self.db, &object.key).await? {
                self.vault.delete(&object.key).await?;
                removed += 1;
            }
        }
        self.progress.end();
        if removed > 0 {
            let ev = NewEvent {
                detail: serde_json::json!({ "removed": removed }),
                ..NewEvent::new(ActorKind::System, "vault.orphans.sweep", Outcome::Success)
            };
            self.record_event(ev, now.millis()).await?;
        }
        Ok(removed)
    }
}
