//! The service's Ed25519 signing key, derived from a master key of the key file: what signs
//! the audit checkpoints and the patients' exports (issue 17, items 3 and 4). Nothing more is
//! kept secret than the key file already is, the key follows the key file's rotation (a new
//! master key gives a new signing key, named by the master key's id), and a retired master
//! key's public key stays published by the caller, which records every public key it signed
//! with.
//!
//! Derivation: `seed = HKDF-SHA256(salt = "mds-signing", ikm = master key,
//! info = "ed25519/v1")`, 32 bytes, the RFC 8032 private key. Must not log or format the seed.

use ring::hkdf::{Salt, HKDF_SHA256};
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use zeroize::Zeroizing;

use crate::seal::SecretKey;
use crate::{Vault, VaultError};

const SALT: &[u8] = b"mds-signing";
const INFO: &[u8] = b"ed25519/v1";

/// The signing key of one master key.
pub struct SigningKey {
    key_id: String,
    pair: Ed25519KeyPair,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

struct SeedLen;

impl ring::hkdf::KeyType for SeedLen {
    fn len(&self) -> usize {
        32
    }
}

impl SigningKey {
    pub(crate) fn derive(key_id: &str, master: &SecretKey) -> Result<SigningKey, VaultError> {
        let failed = || VaultError::KeyFile {
            path: std::path::PathBuf::new(),
            reason: format!("cannot derive the signing key of {key_id:?}"),
        };
        let prk = Salt::new(HKDF_SHA256, SALT).extract(master.as_slice());
        let info = [INFO];
        let okm = prk.expand(&info, SeedLen).map_err(|_| failed())?;
        let mut seed = Zeroizing::new([0u8; 32]);
        okm.fill(seed.as_mut_slice()).map_err(|_| failed())?;
        let pair = Ed25519KeyPair::from_seed_unchecked(seed.as_slice()).map_err(|_| failed())?;
        Ok(SigningKey {
            key_id: key_id.to_owned(),
            pair,
        })
    }

    /// The id under which the public key is published (the master key's id).
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The 32-byte Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(self.pair.public_key().as_ref());
        out
    }

    /// The 64-byte Ed25519 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair.sign(message).as_ref().to_vec()
    }
}

/// Whether `signature` is `public_key`'s Ed25519 signature of `message`.
pub fn verify_ed25519(public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    UnparsedPublicKey::new(&ED25519, public_key)
        .verify(message, signature)
        .is_ok()
}

impl Vault {
    /// The signing key of the current master key.
    pub fn signing_key(&self) -> Result<SigningKey, VaultError> {
        self.current_master(SigningKey::derive)
    }

    /// The public key of the signing key of each master key of the ring (the current one and
    /// those not retired yet), by key id.
    pub fn signing_public_keys(&self) -> Result<Vec<(String, [u8; 32])>, VaultError> {
        self.each_master(|id, key| Ok((id.to_owned(), SigningKey::derive(id, key)?.public_key())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn master(byte: u8) -> SecretKey {
        Zeroizing::new([byte; 32])
    }

    #[test]
    fn a_signature_verifies_under_its_key_only() {
        let a = SigningKey::derive("mk-a", &master(1)).unwrap();
        let b = SigningKey::derive("mk-b", &master(2)).unwrap();
        let sig = a.sign(b"checkpoint");
        assert_eq!(sig.len(), 64);
        assert!(verify_ed25519(&a.public_key(), b"checkpoint", &sig));
        assert!(!verify_ed25519(&b.public_key(), b"checkpoint", &sig));
        assert!(!verify_ed25519(&a.public_key(), b"checkpoinT", &sig));
        assert!(!verify_ed25519(&a.public_key()[..31], b"checkpoint", &sig));
    }

    #[test]
    fn the_same_master_key_gives_the_same_signing_key() {
        let one = SigningKey::derive("mk-a", &master(7)).unwrap();
        let two = SigningKey::derive("mk-a", &master(7)).unwrap();
        assert_eq!(one.public_key(), two.public_key());
        assert_ne!(
            one.public_key(),
            SigningKey::derive("mk-a", &master(8)).unwrap().public_key()
        );
        assert_eq!(format!("{one:?}"), "SigningKey { key_id: \"mk-a\", .. }");
    }
}
