//! The at-rest formats: sealed content objects, wrapped data keys and object keys. Pure
//! functions, no I/O. Must not return plaintext that failed authentication, nor put key
//! material in an error.
//!
//! Content object (version 1):
//! `"MDSV"` | `0x01` | 24-byte nonce | XChaCha20-Poly1305 ciphertext + 16-byte tag,
//! with AAD = `"MDSV" 0x01` + object key, so an object moved under another key, or relabelled
//! with another format version, fails authentication.
//!
//! Wrapped data key (version 1): `0x01` | 24-byte nonce | 32-byte ciphertext + 16-byte tag,
//! encrypted under the master key with AAD = `"mds-vault/wrap/v1" 0x00 key id 0x00 object key`.

use chacha20poly1305::aead::AeadInPlace;
use chacha20poly1305::{Key, KeyInit, Tag, XChaCha20Poly1305, XNonce};
use rand::rngs::OsRng;
use rand::RngCore;
use zeroize::Zeroizing;

use crate::VaultError;

const MAGIC: &[u8; 4] = b"MDSV";
const CONTENT_VERSION: u8 = 1;
const HEADER_LEN: usize = MAGIC.len() + 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
pub(crate) const KEY_LEN: usize = 32;
const WRAP_VERSION: u8 = 1;
const WRAPPED_LEN: usize = 1 + NONCE_LEN + KEY_LEN + TAG_LEN;

/// A 256-bit key (master or data key), wiped from memory when dropped.
pub(crate) type SecretKey = Zeroizing<[u8; KEY_LEN]>;

pub(crate) fn random_key() -> SecretKey {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    OsRng.fill_bytes(&mut *key);
    key
}

fn cipher(key: &SecretKey) -> XChaCha20Poly1305 {
    // The cipher keeps its own copy of the key and wipes it on drop (chacha20poly1305 does so).
    XChaCha20Poly1305::new(Key::from_slice(&key[..]))
}

fn random_nonce() -> [u8; NONCE_LEN] {
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    nonce
}

/// A new object key: a random UUID in its 32-hex-digit form, never derived from user input.
pub(crate) fn new_object_key() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Refuses anything that is not the shape [`new_object_key`] produces, before the key is used
/// as a path or an S3 key (so `../x`, `a/b`, `` or an upper-case twin never reach storage).
pub(crate) fn check_object_key(key: &str) -> Result<(), VaultError> {
    let ok = key.len() == 32 && key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if ok {
        Ok(())
    } else {
        Err(VaultError::invalid_key(key))
    }
}

fn content_aad(object_key: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(HEADER_LEN + object_key.len());
    aad.extend_from_slice(MAGIC);
    aad.push(CONTENT_VERSION);
    aad.extend_from_slice(object_key.as_bytes());
    aad
}

/// Encrypts `plaintext` into a content object. The plaintext is copied once, into the output
/// buffer, and encrypted there (documents are up to tens of MB).
pub(crate) fn seal_content(
    data_key: &SecretKey,
    object_key: &str,
    plaintext: &[u8],
) -> Result<Vec<u8>, VaultError> {
    let nonce = random_nonce();
    let mut out = Vec::with_capacity(HEADER_LEN + NONCE_LEN + plaintext.len() + TAG_LEN);
    out.extend_from_slice(MAGIC);
    out.push(CONTENT_VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let tag = cipher(data_key)
        .encrypt_in_place_detached(
            XNonce::from_slice(&nonce),
            &content_aad(object_key),
            &mut out[HEADER_LEN + NONCE_LEN..],
        )
        .map_err(|_| VaultError::Crypto("document too large to encrypt"))?;
    out.extend_from_slice(&tag);
    Ok(out)
}

/// Decrypts a content object; any alteration, truncation or wrong key is an error and no byte of
/// the content is returned.
pub(crate) fn open_content(
    data_key: &SecretKey,
    object_key: &str,
    mut sealed: Vec<u8>,
) -> Result<Vec<u8>, VaultError> {
    let corrupt = |reason| VaultError::Corrupt {
        object_key: object_key.to_owned(),
        reason,
    };
    if sealed.len() < HEADER_LEN + NONCE_LEN + TAG_LEN {
        return Err(corrupt(
            "shorter than the smallest possible object (truncated)",
        ));
    }
    if &sealed[..MAGIC.len()] != MAGIC {
        return Err(corrupt("not a vault object (bad magic)"));
    }
    if sealed[MAGIC.len()] != CONTENT_VERSION {
        return Err(corrupt("unknown format version"));
    }
    let body_end = sealed.len() - TAG_LEN;
    let tag = *Tag::from_slice(&sealed[body_end..]);
    let nonce = *XNonce::from_slice(&sealed[HEADER_LEN..HEADER_LEN + NONCE_LEN]);
    let result = cipher(data_key).decrypt_in_place_detached(
        &nonce,
        &content_aad(object_key),
        &mut sealed[HEADER_LEN + NONCE_LEN..body_end],
        &tag,
    );
    if result.is_err() {
        return Err(corrupt(
            "authentication failed (altered, truncated, or stored under another object key)",
        ));
    }
    sealed.truncate(body_end);
    sealed.drain(..HEADER_LEN + NONCE_LEN);
    Ok(sealed)
}

fn wrap_aad(key_id: &str, object_key: &str) -> Vec<u8> {
    // Key ids and object keys never contain NUL, so the separators make the encoding unambiguous.
    [
        b"mds-vault/wrap/v1\0",
        key_id.as_bytes(),
        b"\0",
        object_key.as_bytes(),
    ]
    .concat()
}

pub(crate) fn wrap_key(
    master: &SecretKey,
    key_id: &str,
    object_key: &str,
    data_key: &SecretKey,
) -> Result<Vec<u8>, VaultError> {
    let nonce = random_nonce();
    let mut out = Vec::with_capacity(WRAPPED_LEN);
    out.push(WRAP_VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&data_key[..]);
    let tag = cipher(master)
        .encrypt_in_place_detached(
            XNonce::from_slice(&nonce),
            &wrap_aad(key_id, object_key),
            &mut out[1 + NONCE_LEN..],
        )
        .map_err(|_| VaultError::Crypto("data key wrapping failed"))?;
    out.extend_from_slice(&tag);
    Ok(out)
}

pub(crate) fn unwrap_key(
    master: &SecretKey,
    key_id: &str,
    object_key: &str,
    wrapped: &[u8],
) -> Result<SecretKey, VaultError> {
    let refused = || VaultError::Unwrap {
        object_key: object_key.to_owned(),
        key_id: key_id.to_owned(),
    };
    if wrapped.len() != WRAPPED_LEN || wrapped[0] != WRAP_VERSION {
        return Err(refused());
    }
    // The plaintext data key lands only in this buffer, which is wiped on every path.
    let mut buf = Zeroizing::new([0u8; KEY_LEN]);
    buf.copy_from_slice(&wrapped[1 + NONCE_LEN..1 + NONCE_LEN + KEY_LEN]);
    cipher(master)
        .decrypt_in_place_detached(
            XNonce::from_slice(&wrapped[1..1 + NONCE_LEN]),
            &wrap_aad(key_id, object_key),
            &mut buf[..],
            Tag::from_slice(&wrapped[1 + NONCE_LEN + KEY_LEN..]),
        )
        .map_err(|_| refused())?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OBJ: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn content_round_trip_and_layout() {
        let key = random_key();
        let sealed = seal_content(&key, OBJ, b"bonjour").unwrap();
        assert_eq!(&sealed[..5], b"MDSV\x01");
        assert_eq!(sealed.len(), 5 + 24 + 7 + 16);
        assert_eq!(open_content(&key, OBJ, sealed).unwrap(), b"bonjour");
        let empty = seal_content(&key, OBJ, b"").unwrap();
        assert_eq!(open_content(&key, OBJ, empty).unwrap(), b"");
    }

    #[test]
    fn every_single_byte_change_is_detected() {
        let key = random_key();
        let sealed = seal_content(&key, OBJ, b"compte rendu").unwrap();
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert!(open_content(&key, OBJ, bad).is_err(), "byte {i}");
        }
        for len in 0..sealed.len() {
            assert!(open_content(&key, OBJ, sealed[..len].to_vec()).is_err());
        }
        let other = "fedcba9876543210fedcba9876543210";
        assert!(open_content(&key, other, sealed.clone()).is_err());
        assert!(open_content(&random_key(), OBJ, sealed).is_err());
    }

    #[test]
    fn wrapped_key_is_bound_to_key_id_and_object() {
        let master = random_key();
        let data = random_key();
        let wrapped = wrap_key(&master, "mk-1", OBJ, &data).unwrap();
        assert_eq!(wrapped.len(), WRAPPED_LEN);
        assert_eq!(*unwrap_key(&master, "mk-1", OBJ, &wrapped).unwrap(), *data);
        assert!(unwrap_key(&master, "mk-2", OBJ, &wrapped).is_err());
        let other = "fedcba9876543210fedcba9876543210";
        assert!(unwrap_key(&master, "mk-1", other, &wrapped).is_err());
        assert!(unwrap_key(&random_key(), "mk-1", OBJ, &wrapped).is_err());
        assert!(unwrap_key(&master, "mk-1", OBJ, &wrapped[1..]).is_err());
    }

    #[test]
    fn object_keys_have_one_shape() {
        let key = new_object_key();
        check_object_key(&key).unwrap();
        assert_ne!(key, new_object_key());
        for bad in [
            "",
            "../x",
            "../../../../../../etc/passwd",
            "0123456789ABCDEF0123456789ABCDEF",
            "0123456789abcdef0123456789abcde",
            "0123456789abcdef0123456789abcdef0",
            "0123456789abcdef/123456789abcdef",
            "0123456789abcdef0123456789abcde\0",
        ] {
            assert!(check_object_key(bad).is_err(), "{bad:?}");
        }
    }
}
