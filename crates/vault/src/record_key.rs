//! A record's own key for the free text the audit keeps about its person (break-glass
//! reasons, SAMU call references, references typed by support): the audit is kept for its
//! legal period, but erasing the record destroys this key, and with it every such text, while
//! the audit's hash chain, which covers the sealed bytes, still verifies.
//!
//! The key is 256 random bits, kept in its row sealed under a master key
//! ([`crate::Vault::seal_secret`], context `audit-key:<record id>`). A text sealed under it has
//! the secret format of `secret.rs` with domain `mds-vault/record-text/v1`, key id `record`
//! and a context naming the record and the field (`<record id>:<field>`), so a sealed text
//! copied into another record's event or another field does not open there.

use zeroize::Zeroizing;

use crate::seal::{random_key, SecretKey};
use crate::secret::{open_as, seal_as, Kind};
use crate::VaultError;

/// The longest text sealed this way, in bytes (a reason is at most 500 characters).
pub const MAX_RECORD_TEXT_LEN: usize = 4096;

const RECORD_TEXT: Kind = Kind {
    domain: b"mds-vault/record-text/v1\0",
    max_len: MAX_RECORD_TEXT_LEN,
};

/// The key id bound into a record text's AAD (the key is not a master key of the ring).
const KEY_ID: &str = "record";

/// One record's key, wiped from memory when dropped.
pub struct RecordKey(SecretKey);

impl RecordKey {
    /// A fresh random key.
    pub fn generate() -> RecordKey {
        RecordKey(random_key())
    }

    /// The key from its 32 bytes (as opened from its row).
    pub fn from_bytes(bytes: &[u8]) -> Result<RecordKey, VaultError> {
        let mut key = Zeroizing::new([0u8; 32]);
        if bytes.len() != key.len() {
            return Err(VaultError::Crypto("a record key has 32 bytes"));
        }
        key.copy_from_slice(bytes);
        Ok(RecordKey(key))
    }

    /// The key's bytes, to seal into its row.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0[..]
    }

    /// `text` sealed for `context` (base64url, no padding).
    pub fn seal_text(&self, context: &str, text: &str) -> Result<String, VaultError> {
        seal_as(RECORD_TEXT, &self.0, KEY_ID, context, text.as_bytes())
    }

    /// A text sealed by [`Self::seal_text`] for the same context.
    pub fn open_text(&self, context: &str, stored: &str) -> Result<Zeroizing<String>, VaultError> {
        let bytes = open_as(RECORD_TEXT, &self.0, KEY_ID, context, stored)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| VaultError::Secret {
            context: context.to_owned(),
            key_id: KEY_ID.to_owned(),
        })?;
        Ok(Zeroizing::new(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_text_opens_only_with_its_key_and_context() {
        let k = RecordKey::generate();
        let same = RecordKey::from_bytes(k.as_bytes()).unwrap();
        let other = RecordKey::generate();
        let reason = "Patient inconscient, arrêt cardiaque à Bourail";
        let s = k.seal_text("p1:reason", reason).unwrap();
        assert!(!s.contains("Bourail"));
        assert_eq!(&*same.open_text("p1:reason", &s).unwrap(), reason);
        assert!(other.open_text("p1:reason", &s).is_err(), "another key");
        assert!(k.open_text("p2:reason", &s).is_err(), "another record");
        assert!(
            k.open_text("p1:call_reference", &s).is_err(),
            "another field"
        );
        // A text is not a master-key secret and the other way round.
        assert!(crate::secret::open(&k.0, KEY_ID, "p1:reason", &s).is_err());
        let secret = crate::secret::seal(&k.0, KEY_ID, "p1:reason", b"x").unwrap();
        assert!(k.open_text("p1:reason", &secret).is_err());
        let long = "é".repeat(MAX_RECORD_TEXT_LEN / 2);
        assert!(k.seal_text("p1:reason", &long).is_ok());
        assert!(k.seal_text("p1:reason", &format!("{long}x")).is_err());
        assert!(RecordKey::from_bytes(&[0u8; 31]).is_err());
    }
}
