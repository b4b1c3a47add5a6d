//! Signing the audit chain's checkpoints (hourly job, and before every export so that each of
//! the record's events can be proved) and publishing them with the public keys
//! (`/.well-known/mds-audit-key`, `/api/v1/audit/checkpoints`). What a checkpoint commits to
//! is `mds_audit::checkpoint`'s contract; the key is the vault's (`mds_vault::SigningKey`).

use crate::{App, AppError};
use data_encoding::BASE64URL_NOPAD;
use mds_audit::checkpoint::{self, Checkpoint};
use mds_audit::keys::{self, PublicKey, StoredKey};
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
        let (mut stored, mut lost) = (0, 0);
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
            if checkpoint::insert(&self.db, &c, &b).await? {
                stored += 1;
            } else {
                // Another instance signed this batch first: go on from its checkpoint, a few
                // times at most (each lost race means someone else is making progress).
                lost += 1;
                if lost > 3 {
                    break;
                }
            }
        }
        Ok(stored)
    }

    /// The current signing key, recorded (with its endorsement of every key recorded before
    /// it, `mds_audit::keys`) before its first use.
    pub(crate) async fn published_signing_key(
        &self,
        now: Timestamp,
    ) -> Result<SigningKey, AppError> {
        let key = self.vault.signing_key()?;
        let stored = keys::stored(&self.db).await?;
        if !stored.iter().any(|k| k.key.key_id == key.key_id()) {
            let public_key = BASE64URL_NOPAD.encode(&key.public_key());
            // The keys the previous current key endorsed, then this one: never a row that no
            // key of the vault vouched for.
            let mut list = self.previously_endorsed(&stored)?;
            list.push((key.key_id().to_owned(), public_key.clone()));
            let endorses = keys::endorsement_text(&list);
            keys::record(
                &self.db,
                &StoredKey {
                    key: PublicKey {
                        key_id: key.key_id().to_owned(),
                        public_key,
                        first_used_ms: now.millis(),
                    },
                    endorsement: BASE64URL_NOPAD.encode(&key.sign(endorses.as_bytes())),
                    endorses,
                },
            )
            .await?;
        }
        Ok(key)
    }

    /// What the newest recorded key that the vault's key ring can still derive endorsed: the
    /// previous current key when a rotation made a new one (empty for the first key ever).
    fn previously_endorsed(&self, stored: &[StoredKey]) -> Result<Vec<(String, String)>, AppError> {
        let ring = self.vault.signing_public_keys()?;
        Ok(stored
            .iter()
            .rev()
            .filter(|k| {
                ring.iter().any(|(id, public)| {
                    *id == k.key.key_id && BASE64URL_NOPAD.encode(public) == k.key.public_key
                })
            })
            .find_map(|k| self.endorsed(stored, &k.key.key_id))
            .unwrap_or_default())
    }

    /// The list key `key_id` endorsed, if its endorsement verifies under its own key and
    /// names it last.
    fn endorsed(&self, stored: &[StoredKey], key_id: &str) -> Option<Vec<(String, String)>> {
        let k = stored.iter().find(|k| k.key.key_id == key_id)?;
        let listed = keys::endorsed_keys(&k.endorses)?;
        let public = BASE64URL_NOPAD.decode(k.key.public_key.as_bytes()).ok()?;
        let signature = BASE64URL_NOPAD.decode(k.endorsement.as_bytes()).ok()?;
        let last = listed.last()?;
        (last.0 == k.key.key_id
            && last.1 == k.key.public_key
            && mds_vault::verify_ed25519(&public, k.endorses.as_bytes(), &signature))
        .then_some(listed)
    }

    /// The last checkpoint signed.
    pub async fn newest_audit_checkpoint(&self) -> Result<Option<Checkpoint>, AppError> {
        Ok(checkpoint::newest(&self.db).await?)
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

    /// The first stored checkpoint that does not match the chain or whose signature fails
    /// under the published keys.
    pub async fn check_checkpoints(
        &self,
        now: Timestamp,
    ) -> Result<Option<(i64, String)>, AppError> {
        let keys: Vec<(String, Vec<u8>)> = self
            .signing_public_keys(now)
            .await?
            .into_iter()
            .filter_map(|k| {
                Some((
                    k.key_id,
                    BASE64URL_NOPAD.decode(k.public_key.as_bytes()).ok()?,
                ))
            })
            .collect();
        let signed = |c: &Checkpoint| {
            let signature = BASE64URL_NOPAD
                .decode(c.signature.as_bytes())
                .unwrap_or_default();
            keys.iter().any(|(id, key)| {
                *id == c.key_id
                    && mds_vault::verify_ed25519(key, c.message().as_bytes(), &signature)
            })
        };
        Ok(checkpoint::check_stored(&self.db, signed).await?)
    }

    /// The published keys: those the current key endorsed (its signature checked under the
    /// vault's own key), recorded first if it never signed yet. A stored key that no current
    /// key vouched for is left out.
    pub async fn signing_public_keys(&self, now: Timestamp) -> Result<Vec<PublicKey>, AppError> {
        let current = self.published_signing_key(now).await?;
        let stored = keys::stored(&self.db).await?;
        let mine = BASE64URL_NOPAD.encode(&current.public_key());
        let endorsed = stored
            .iter()
            .find(|k| k.key.key_id == current.key_id())
            .filter(|k| k.key.public_key == mine)
            .and_then(|_| self.endorsed(&stored, current.key_id()))
            .ok_or_else(|| {
                AppError::Internal(format!(
                    "the recorded signing key {} is not the vault's, or its endorsement fails",
                    current.key_id()
                ))
            })?;
        Ok(endorsed
            .into_iter()
            .map(|(key_id, public_key)| {
                let first_used_ms = stored
                    .iter()
                    .find(|k| k.key.key_id == key_id && k.key.public_key == public_key)
                    .map_or(0, |k| k.key.first_used_ms);
                PublicKey {
                    key_id,
                    public_key,
                    first_used_ms,
                }
            })
            .collect())
    }
}
