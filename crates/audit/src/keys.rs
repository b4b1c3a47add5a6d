//! The service's public signing keys (table `signing_keys`, append-only), each recorded with
//! its endorsement: the key's own signature of the list of every key recorded before it and
//! itself. The published set is the list the current key endorsed — so a row slipped into the
//! table by someone without the vault's key file is never published — and it survives a key's
//! retirement, since the next key endorsed it. This crate knows no key: the caller signs
//! [`endorsement_text`] and checks the current key's endorsement.

use crate::AuditError;
use mds_store::{Db, Query};
use serde::{Deserialize, Serialize};

/// The first line of an endorsement text.
pub const ENDORSEMENT_TAG: &str = "mds-signing-keys/v1";

/// A public key the service signed with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKey {
    pub key_id: String,
    /// Base64url (no padding) of the 32-byte Ed25519 public key.
    pub public_key: String,
    pub first_used_ms: i64,
}

/// A stored key with the list it endorsed and its signature of that list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredKey {
    pub key: PublicKey,
    /// [`endorsement_text`] of the keys before it and itself.
    pub endorses: String,
    /// Base64url Ed25519 signature of `endorses` by this key.
    pub endorsement: String,
}

/// The text a key signs: the tag, then `key <id> <public key>` per key, oldest first, the
/// endorsing key last; every line ends with a line feed.
pub fn endorsement_text(keys: &[(String, String)]) -> String {
    let mut out = format!("{ENDORSEMENT_TAG}\n");
    for (id, public_key) in keys {
        out.push_str(&format!("key {id} {public_key}\n"));
    }
    out
}

/// The keys an endorsement text lists, or `None` when it is not one.
pub fn endorsed_keys(text: &str) -> Option<Vec<(String, String)>> {
    let mut lines = text.strip_suffix('\n')?.split('\n');
    if lines.next()? != ENDORSEMENT_TAG {
        return None;
    }
    lines
        .map(|line| {
            let mut parts = line.strip_prefix("key ")?.split(' ');
            let (id, key) = (parts.next()?, parts.next()?);
            parts
                .next()
                .is_none()
                .then(|| (id.to_owned(), key.to_owned()))
        })
        .collect()
}

/// Records a key (once per key id: a second recording of an id is ignored).
pub async fn record(db: &Db, stored: &StoredKey) -> Result<(), AuditError> {
    Query::new(
        "INSERT INTO signing_keys (key_id, public_key, first_used_ms, endorses, endorsement) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    )
    .bind(stored.key.key_id.as_str())
    .bind(stored.key.public_key.as_str())
    .bind(stored.key.first_used_ms)
    .bind(stored.endorses.as_str())
    .bind(stored.endorsement.as_str())
    .execute(db)
    .await?;
    Ok(())
}

/// Every stored key, oldest first.
pub async fn stored(db: &Db) -> Result<Vec<StoredKey>, AuditError> {
    let rows: Vec<(String, String, i64, String, String)> = Query::new(
        "SELECT key_id, public_key, first_used_ms, endorses, endorsement FROM signing_keys \
         ORDER BY first_used_ms, key_id",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(key_id, public_key, first_used_ms, endorses, endorsement)| StoredKey {
                key: PublicKey {
                    key_id,
                    public_key,
                    first_used_ms,
                },
                endorses,
                endorsement,
            },
        )
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endorsement_text_reads_back_and_nothing_else_does() {
        let keys = vec![
            ("mk-1".to_owned(), "AAAA".to_owned()),
            ("mk-2".to_owned(), "BBBB".to_owned()),
        ];
        let text = endorsement_text(&keys);
        assert_eq!(text, "mds-signing-keys/v1\nkey mk-1 AAAA\nkey mk-2 BBBB\n");
        assert_eq!(endorsed_keys(&text), Some(keys));
        for bad in [
            "",
            "mds-signing-keys/v1",
            "other\nkey a b\n",
            "mds-signing-keys/v1\nkey a\n",
            "mds-signing-keys/v1\nkey a b c\n",
            "mds-signing-keys/v1\nkez a b\n",
        ] {
            assert_eq!(endorsed_keys(bad), None, "{bad:?}");
        }
    }
}
