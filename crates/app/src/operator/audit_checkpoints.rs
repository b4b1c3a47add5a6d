//! Signing the audit chain's checkpoints (hourly job, and before every export so that each of
//! the record's events can be proved) and publishing them with the public keys
//! (`/.well-known/mds-audit-key`, `/api/v1/audit/checkpoints`). What a checkpoint commits to
//! is `mds_audit::checkpoint`'s contract; the key is the vault's (`mds_vault::SigningKey`).

use crate::{App, AppError};
use data_encoding::BASE64URL_NOPAD;
use mds_audit::checkpoint::{self, Checkpoint, PublicKey};
use mds_domain::Timestamp;
use mds_vault::SigningKey;

/// The most checkpoints one listing page returns.
pub const MAX_CHECKPOINT_PAGE: u32 = 500;

impl App {
    /// Signs every event not yet under a checkpoint (a long backlog as several checkpoints)
    /// and returns how many checkpoints it stored. Another instance signing the same batch
    /// first is not an error: this one stops and leaves the rest to the next run.
    pub async fn sign_audit_checkpoints(&self, now: Timestamp) -> Result<u64, AppError> {
        let key = self.published_signing_key(now).await?;
        let mut stored = 0;
        while let Some(b) = checkpoint::next_batch(&self.db).await? {
            let message = checkpoint::message(
                b.from_seq,
                b.to_seq,
                &b.head_hash,
                &b.root,
                now.millis(),
                key.key_id(),
            );
            let c = Checkpoint {
                from_seq: b.from_seq,
                to_seq: b.to_seq,
                head_hash: b.head_hash.clone(),
                root: b.root.clone(),
                signed_at_ms: now.millis(),
                key_id: key.key_id().to_owned(),
                signature: BASE64URL_NOPAD.encode(&key.sign(message.as_bytes())),
            };
            if !checkpoint::insert(&self.db, &c, &b).await? {
                break;
            }
            stored += 1;
        }
        Ok(stored)
    }

    /// The current signing key, its public key recorded before its first use.
    pub(crate) async fn published_signing_key(
        &self,
        now: Timestamp,
    ) -> Result<SigningKey, AppError> {
        let key = self.vault.signing_key()?;
        checkpoint::publish_key(
            &self.db,
            &PublicKey {
                key_id: key.key_id().to_owned(),
                public_key: BASE64URL_NOPAD.encode(&key.public_key()),
                first_used_ms: now.millis(),
            },
        )
        .await?;
        Ok(key)
    }

    /// Published checkpoints after `after` (a `to_seq`), oldest first: public, they say how
    /// many events the trail holds and nothing about any of them.
    pub async fn audit_checkpoints(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<Checkpoint>, AppError> {
        Ok(checkpoint::list(&self.db, after, limit.clamp(1, MAX_CHECKPOINT_PAGE)).await?)
    }

    /// Every public key the service signed checkpoints and exports with.
    pub async fn signing_public_keys(&self) -> Result<Vec<PublicKey>, AppError> {
        Ok(checkpoint::public_keys(&self.db).await?)
    }
}
