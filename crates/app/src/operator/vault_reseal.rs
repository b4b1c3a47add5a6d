//! Re-sealing stored content in the vault's content format (`mds keys reseal`, or
//! `mds keys rotate --reseal` right after a rotation): each
//! document and identity file whose object is in an older format is read, authenticated,
//! checked against its row's SHA-256, sealed again as a new object under a fresh data key and
//! nonce, and its row repointed. Must not delete an old object before the row that named it
//! names the new one, nor repoint a row whose content changed meanwhile.
//!
//! Order per object (crash safety, as for deposits in `documents`): 1. the new object is
//! written durably (`Vault::reseal`); 2. the row is moved from the old object key to the new
//! one, only if it still names the old one, and committed; 3. the old object is deleted once no
//! row names it. A crash after 1 leaves an orphan new object, after 2 an orphan old one: the
//! orphan sweep removes either after its grace period, and running the command again finishes
//! the work. A read that loaded a row just before step 2 may find its old object gone; reading
//! again finds the new one.

use crate::{App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{DocumentId, Timestamp};
use mds_store::documents::{self, ContentRef};
use mds_store::identity_files;
use mds_vault::VaultError;
use serde::Serialize;

/// What one pass of [`App::reseal_content`] did.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct ResealReport {
    /// The content format version objects are in now (the vault's).
    pub format: u8,
    pub resealed: u64,
    pub already_current: u64,
    /// Rows given other content or deleted while their object was re-sealed: left alone.
    pub changed_meanwhile: u64,
    /// Documents and identity files (ids) whose content is missing, fails authentication or
    /// no longer matches its SHA-256: left as they were (see `mds vault check`).
    pub failed: Vec<String>,
    /// The pass stopped after `limit` re-seals: run it again to go on.
    pub stopped_at_limit: bool,
}

/// Where a pass of [`App::reseal_content`] is, reported after every object examined.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResealProgress {
    /// Documents and identity files looked at so far (all of them, current or not).
    pub examined: u64,
    /// Of which re-sealed by this pass.
    pub resealed: u64,
}

/// At most this many failed ids go into the audit event (the report has them all).
const AUDITED_FAILURES: usize = 50;

enum Row<'a> {
    Document(&'a DocumentId),
    IdentityFile(&'a str),
}

enum Step {
    Resealed,
    Current,
    Changed,
    Failed,
}

impl App {
    /// Re-seals every object not yet in the vault's content format (operator command), at
    /// most `limit` of them when given, calling `progress` after each object examined; then
    /// records one `vault.content.reseal` audit event. Safe to interrupt and to run again:
    /// objects already in the vault's format are skipped, so a later pass resumes the work.
    pub async fn reseal_content(
        &self,
        limit: Option<u64>,
        mut progress: impl FnMut(ResealProgress),
        now: Timestamp,
    ) -> Result<ResealReport, AppError> {
        self.reload_master_keys()?;
        let mut report = ResealReport {
            format: self.vault.content_format().version(),
            ..ResealReport::default()
        };
        let mut examined = 0u64;
        let mut tick = |report: &ResealReport| {
            examined += 1;
            progress(ResealProgress {
                examined,
                resealed: report.resealed,
            });
        };
        let at_limit = |report: &ResealReport| limit.is_some_and(|l| report.resealed >= l);
        let mut after = String::new();
        'documents: loop {
            let page = documents::with_content_page(&self.db, &after, 200).await?;
            let Some(last) = page.last() else { break };
            after = last.id.to_string();
            for row in &page {
                let Some(c) = &row.content else { continue };
                if at_limit(&report) {
                    report.stopped_at_limit = true;
                    break 'documents;
                }
                let step = self
                    .reseal_one(Row::Document(&row.id), c, &row.sha256)
                    .await?;
                report.count(step, row.id.to_string());
                tick(&report);
            }
        }
        let mut after = String::new();
        'files: loop {
            if report.stopped_at_limit {
                break;
            }
            let page = identity_files::page(&self.db, &after, 200).await?;
            let Some(last) = page.last() else { break };
            after = last.id.clone();
            for f in &page {
                if at_limit(&report) {
                    report.stopped_at_limit = true;
                    break 'files;
                }
                let c = ContentRef {
                    object_key: f.object_key.clone(),
                    wrapped_key: f.wrapped_key.clone(),
                    key_id: f.key_id.clone(),
                };
                let step = self
                    .reseal_one(Row::IdentityFile(&f.id), &c, &f.sha256)
                    .await?;
                report.count(step, f.id.clone());
                tick(&report);
            }
        }
        let outcome = if report.failed.is_empty() {
            Outcome::Success
        } else {
            Outcome::Failure
        };
        let ev = NewEvent {
            detail: serde_json::json!({
                "format": report.format,
                "resealed": report.resealed,
                "already_current": report.already_current,
                "changed_meanwhile": report.changed_meanwhile,
                "failed": report.failed.len(),
                "failed_ids": report.failed.iter().take(AUDITED_FAILURES).collect::<Vec<_>>(),
                "stopped_at_limit": report.stopped_at_limit,
            }),
            ..NewEvent::new(ActorKind::System, "vault.content.reseal", outcome)
        };
        self.record_event(ev, now.millis()).await?;
        Ok(report)
    }

    async fn reseal_one(
        &self,
        row: Row<'_>,
        old: &ContentRef,
        sha256: &str,
    ) -> Result<Step, AppError> {
        let new = match self
            .vault
            .reseal(&old.object_key, &old.wrapped_key, &old.key_id)
            .await
        {
            Ok(None) => return Ok(Step::Current),
            Ok(Some(new)) => new,
            // This object's own trouble: reported, the others go on.
            Err(
                e @ (VaultError::NotFound { .. }
                | VaultError::Corrupt { .. }
                | VaultError::Unwrap { .. }
                | VaultError::UnknownKeyId { .. }),
            ) => {
                tracing::warn!(object = %old.object_key, error = %e, "content not re-sealed");
                return Ok(Step::Failed);
            }
            // The vault itself is unavailable: stop here, a later run goes on.
            Err(e) => return Err(e.into()),
        };
        if new.sha256_hex != sha256 {
            tracing::warn!(object = %old.object_key, "content does not match its row's SHA-256; not re-sealed");
            self.vault.delete(&new.object_key).await?;
            return Ok(Step::Failed);
        }
        let content = ContentRef {
            object_key: new.object_key,
            wrapped_key: new.wrapped_key,
            key_id: new.key_id,
        };
        let moved = match row {
            Row::Document(id) => {
                documents::repoint_content(&self.db, id, &old.object_key, &content).await?
            }
            Row::IdentityFile(id) => {
                identity_files::repoint_content(&self.db, id, &old.object_key, &content).await?
            }
        };
        if !moved {
            self.vault.delete(&content.object_key).await?;
            return Ok(Step::Changed);
        }
        if !documents::object_is_referenced(&self.db, &old.object_key).await? {
            self.vault.delete(&old.object_key).await?;
        }
        Ok(Step::Resealed)
    }
}

impl ResealReport {
    fn count(&mut self, step: Step, id: String) {
        match step {
            Step::Resealed => self.resealed += 1,
            Step::Current => self.already_current += 1,
            Step::Changed => self.changed_meanwhile += 1,
            Step::Failed => self.failed.push(id),
        }
    }
}
