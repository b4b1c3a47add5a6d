//! Small secrets kept in database rows (a TOTP seed), sealed directly under a master key, so a
//! copy of the database alone reveals none. Pure functions; [`crate::Vault::seal_secret`] and
//! [`crate::Vault::open_secret`] pick the key.
//!
//! Format (version 1): `0x01` | 24-byte nonce | ciphertext + 16-byte tag, XChaCha20-Poly1305
//! under the master key `key_id`, AAD = `"mds-vault/secret/v1" 0x00 key id 0x00 context`. The
//! row stores it as base64url without padding, and the key id beside it (for rotation and for
//! knowing which keys are still in use). `context` names the secret's owner and purpose (e.g.
//! `totp:<account id>`): a sealed value copied into another row does not open there.

use chacha20poly1305::aead::AeadInPlace;
use chacha20poly1305::{Key, KeyInit, Tag, XChaCha20Poly1305, XNonce};
use rand::rngs::OsRng;
use rand::RngCore;
use zeroize::Zeroizing;

use crate::seal::SecretKey;
use crate::VaultError;

const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// The longest secret sealed this way (a seed, a code: not content).
pub const MAX_SECRET_LEN: usize = 256;

/// What a sealed value is, bound into its AAD: a value of one kind never opens as another.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Kind {
    /// Ends with a NUL byte.
    pub domain: &'static [u8],
    pub max_len: usize,
}

/// A small secret under a master key (this module's format).
pub(crate) const SECRET: Kind = Kind {
    domain: b"mds-vault/secret/v1\0",
    max_len: MAX_SECRET_LEN,
};

fn aad(kind: Kind, key_id: &str, context: &str) -> Vec<u8> {
    // Key ids never contain NUL; a context with a NUL is refused before this point.
    [kind.domain, key_id.as_bytes(), b"\0", context.as_bytes()].concat()
}

fn refused(key_id: &str, context: &str) -> VaultError {
    VaultError::Secret {
        context: context.to_owned(),
        key_id: key_id.to_owned(),
    }
}

pub(crate) fn seal(
    master: &SecretKey,
    key_id: &str,
    context: &str,
    plain: &[u8],
) -> Result<String, VaultError> {
    seal_as(SECRET, master, key_id, context, plain)
}

pub(crate) fn open(
    master: &SecretKey,
    key_id: &str,
    context: &str,
    stored: &str,
) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    open_as(SECRET, master, key_id, context, stored)
}

/// [`seal`] for another kind of value (same layout, the kind's domain in the AAD).
pub(crate) fn seal_as(
    kind: Kind,
    master: &SecretKey,
    key_id: &str,
    context: &str,
    plain: &[u8],
) -> Result<String, VaultError> {
    if plain.len() > kind.max_len || context.contains('\0') {
        return Err(VaultError::Crypto("secret too long or context malformed"));
    }
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let mut out = Vec::with_capacity(1 + NONCE_LEN + plain.len() + TAG_LEN);
    out.push(VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plain);
    let tag = XChaCha20Poly1305::new(Key::from_slice(&master[..]))
        .encrypt_in_place_detached(
            XNonce::from_slice(&nonce),
            &aad(kind, key_id, context),
            &mut out[1 + NONCE_LEN..],
        )
        .map_err(|_| VaultError::Crypto("secret sealing failed"))?;
    out.extend_from_slice(&tag);
    Ok(data_encoding::BASE64URL_NOPAD.encode(&out))
}

/// [`open`] for another kind of value.
pub(crate) fn open_as(
    kind: Kind,
    master: &SecretKey,
    key_id: &str,
    context: &str,
    stored: &str,
) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    let bytes = data_encoding::BASE64URL_NOPAD
        .decode(stored.as_bytes())
        .map_err(|_| refused(key_id, context))?;
    if bytes.len() < 1 + NONCE_LEN + TAG_LEN || bytes[0] != VERSION {
        return Err(refused(key_id, context));
    }
    let body_end = bytes.len() - TAG_LEN;
    // The plaintext lands only in this buffer, wiped on every path.
    let mut buf = Zeroizing::new(bytes[1 + NONCE_LEN..body_end].to_vec());
    XChaCha20Poly1305::new(Key::from_slice(&master[..]))
        .decrypt_in_place_detached(
            XNonce::from_slice(&bytes[1..1 + NONCE_LEN]),
            &aad(kind, key_id, context),
            &mut buf[..],
            Tag::from_slice(&bytes[body_end..]),
        )
        .map_err(|_| refused(key_id, context))?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::random_key;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_id_context_and_bytes() {
        let k = random_key();
        let other = random_key();
        let s = seal(&k, "mk-1", "totp:a", b"JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(
            &open(&k, "mk-1", "totp:a", &s).unwrap()[..],
            b"JBSWY3DPEHPK3PXP"
        );
        assert!(!s.contains("JBSWY3DP"), "not in clear");
        let again = seal(&k, "mk-1", "totp:a", b"JBSWY3DPEHPK3PXP").unwrap();
        assert_ne!(s, again, "a fresh nonce each time");
        // Each change is refused: another key, key id, context, a flipped byte, a cut.
        assert!(open(&other, "mk-1", "totp:a", &s).is_err());
        assert!(open(&k, "mk-2", "totp:a", &s).is_err());
        assert!(open(&k, "mk-1", "totp:b", &s).is_err());
        let mut raw = data_encoding::BASE64URL_NOPAD.decode(s.as_bytes()).unwrap();
        raw[30] ^= 1;
        let flipped = data_encoding::BASE64URL_NOPAD.encode(&raw);
        assert!(open(&k, "mk-1", "totp:a", &flipped).is_err());
        assert!(open(&k, "mk-1", "totp:a", &s[..20]).is_err());
        assert!(open(&k, "mk-1", "totp:a", "JBSWY3DPEHPK3PXP").is_err());
        let err = open(&other, "mk-1", "totp:a", &s).unwrap_err().to_string();
        assert!(!err.contains("JBSW"), "{err}");
        assert!(seal(&k, "mk-1", "totp:\0", b"x").is_err());
        assert!(seal(&k, "mk-1", "totp:a", &[0u8; MAX_SECRET_LEN + 1]).is_err());
    }
}
