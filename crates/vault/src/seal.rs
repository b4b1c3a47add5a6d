//! The at-rest formats: sealed content objects, wrapped data keys and object keys. Pure
//! functions, no I/O. Must not return plaintext that failed authentication, nor put key
//! material in an error.
//!
//! Content object, format version 1 (XChaCha20-Poly1305; still read, written only when
//! configured, see [`ContentFormat`]):
//! `"MDSV"` | `0x01` | 24-byte nonce | ciphertext + 16-byte tag, AAD = `"MDSV" 0x01` + object key.
//!
//! Content object, format version 2 (AES-256-GCM, written by default):
//! `"MDSV"` | `0x02` | 12-byte nonce | ciphertext + 16-byte tag, AAD = `"MDSV" 0x02` + object key.
//!
//! The version byte is in the AAD and the two ciphers differ, so an object moved under another
//! key, or relabelled with another format version, fails authentication.
//!
//! Nonce rules. A data key is 256 random bits drawn for one object and encrypts that object's
//! content exactly once: `Vault::put` draws a new data key (and object key) for every object;
//! rotating master keys re-wraps the data key and leaves the content as it is; re-sealing an
//! object (`Vault::reseal`) draws a new data key, a new object key and a new nonce, and the
//! old object is deleted. A (data key, nonce) pair therefore never repeats, whatever the nonce.
//! Nonces are random all the same (OsRng), so that this does not rest on that rule alone: with
//! 96-bit random nonces (version 2) one key could seal up to 2^32 messages before the chance of
//! a repeated nonce reaches 2^-32 (NIST SP 800-38D, 8.3). Data key wrapping stays
//! XChaCha20-Poly1305 with 192-bit random nonces: one master key wraps every data key of the
//! service (and again at each rotation), a count where 96-bit random nonces would not do.
//!
//! Wrapped data key (version 1): `0x01` | 24-byte nonce | 32-byte ciphertext + 16-byte tag,
//! encrypted under the master key with AAD = `"mds-vault/wrap/v1" 0x00 key id 0x00 object key`.
//!
//! Implementations: XChaCha20-Poly1305 is RustCrypto's `chacha20poly1305` (AVX2 detected at run
//! time; the cipher wipes its key copy on drop). AES-256-GCM is `ring`'s (AES-NI, PCLMULQDQ,
//! AVX2/VAES detected at run time, software fallback otherwise): four to six times cheaper per
//! byte than XChaCha20-Poly1305 on the reference CPU (`mds bench aead`, docs/perf/aead.md);
//! ring does not wipe its AES key schedule when dropped.

use bytes::Bytes;
use chacha20poly1305::aead::AeadInPlace;
use chacha20poly1305::{Key, KeyInit, Tag, XChaCha20Poly1305, XNonce};
use rand::rngs::OsRng;
use rand::RngCore;
use ring::aead::{Aad, LessSafeKey, Nonce as GcmNonce, Tag as GcmTag, UnboundKey, AES_256_GCM};
use zeroize::Zeroizing;

use crate::VaultError;

const MAGIC: &[u8; 4] = b"MDSV";
const HEADER_LEN: usize = MAGIC.len() + 1;
const WRAP_NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
pub(crate) const KEY_LEN: usize = 32;
const WRAP_VERSION: u8 = 1;
const WRAPPED_LEN: usize = 1 + WRAP_NONCE_LEN + KEY_LEN + TAG_LEN;

/// Why a content object is refused (the `reason` of [`VaultError::Corrupt`]).
pub(crate) const TRUNCATED: &str = "shorter than the smallest possible object (truncated)";
pub(crate) const BAD_MAGIC: &str = "not a vault object (bad magic)";
pub(crate) const UNKNOWN_VERSION: &str = "unknown format version";
pub(crate) const AUTH_FAILED: &str =
    "authentication failed (altered, truncated, relabelled, or stored under another object key)";

/// How content objects are encrypted. Every format stays readable; new objects get the
/// vault's configured format ([`ContentFormat::default`] unless set otherwise).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ContentFormat {
    /// Version 1: XChaCha20-Poly1305 with a 24-byte random nonce.
    XChaCha20Poly1305,
    /// Version 2: AES-256-GCM with a 12-byte random nonce.
    #[default]
    Aes256Gcm,
}

impl ContentFormat {
    pub const ALL: [ContentFormat; 2] =
        [ContentFormat::XChaCha20Poly1305, ContentFormat::Aes256Gcm];

    /// The version byte after `"MDSV"`.
    pub fn version(self) -> u8 {
        match self {
            ContentFormat::XChaCha20Poly1305 => 1,
            ContentFormat::Aes256Gcm => 2,
        }
    }

    pub fn from_version(version: u8) -> Option<ContentFormat> {
        ContentFormat::ALL
            .into_iter()
            .find(|f| f.version() == version)
    }

    pub fn cipher_name(self) -> &'static str {
        match self {
            ContentFormat::XChaCha20Poly1305 => "XChaCha20-Poly1305",
            ContentFormat::Aes256Gcm => "AES-256-GCM",
        }
    }

    fn nonce_len(self) -> usize {
        match self {
            ContentFormat::XChaCha20Poly1305 => 24,
            ContentFormat::Aes256Gcm => 12,
        }
    }

    /// Header, nonce and tag: the size of an object with empty content.
    fn overhead(self) -> usize {
        HEADER_LEN + self.nonce_len() + TAG_LEN
    }
}

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

fn aes_gcm(key: &SecretKey) -> Result<LessSafeKey, VaultError> {
    UnboundKey::new(&AES_256_GCM, &key[..])
        .map(LessSafeKey::new)
        .map_err(|_| VaultError::Crypto("AES-256-GCM key setup failed"))
}

fn random_nonce<const N: usize>() -> [u8; N] {
    let mut nonce = [0u8; N];
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

fn content_aad(format: ContentFormat, object_key: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(HEADER_LEN + object_key.len());
    aad.extend_from_slice(MAGIC);
    aad.push(format.version());
    aad.extend_from_slice(object_key.as_bytes());
    aad
}

/// The format an object's header names, if it is a vault object header at all (not
/// authenticated: [`open_content`] is what vouches for an object).
pub(crate) fn content_format_of(sealed: &[u8]) -> Option<ContentFormat> {
    match sealed {
        [m0, m1, m2, m3, version, ..] if [*m0, *m1, *m2, *m3] == *MAGIC => {
            ContentFormat::from_version(*version)
        }
        _ => None,
    }
}

/// Encrypts `plaintext` into a content object of `format` under a fresh random nonce. The
/// plaintext is copied once, into the output buffer, and encrypted there (documents are up to
/// tens of MB).
pub(crate) fn seal_content(
    format: ContentFormat,
    data_key: &SecretKey,
    object_key: &str,
    plaintext: &[u8],
) -> Result<Vec<u8>, VaultError> {
    match format {
        ContentFormat::XChaCha20Poly1305 => seal_with_nonce(
            format,
            data_key,
            object_key,
            &random_nonce::<24>(),
            plaintext,
        ),
        ContentFormat::Aes256Gcm => seal_with_nonce(
            format,
            data_key,
            object_key,
            &random_nonce::<12>(),
            plaintext,
        ),
    }
}

/// [`seal_content`] with a given nonce: only for `seal_content` and the known-answer tests (a
/// nonce must never be chosen by anything else).
fn seal_with_nonce(
    format: ContentFormat,
    data_key: &SecretKey,
    object_key: &str,
    nonce: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, VaultError> {
    let body = HEADER_LEN + nonce.len();
    let mut out = Vec::with_capacity(format.overhead() + plaintext.len());
    out.extend_from_slice(MAGIC);
    out.push(format.version());
    out.extend_from_slice(nonce);
    out.extend_from_slice(plaintext);
    let aad = content_aad(format, object_key);
    let too_large = |_| VaultError::Crypto("document too large to encrypt");
    match format {
        ContentFormat::XChaCha20Poly1305 => {
            let tag = cipher(data_key)
                .encrypt_in_place_detached(XNonce::from_slice(nonce), &aad, &mut out[body..])
                .map_err(too_large)?;
            out.extend_from_slice(&tag);
        }
        ContentFormat::Aes256Gcm => {
            let nonce = GcmNonce::try_assume_unique_for_key(nonce)
                .map_err(|_| VaultError::Crypto("AES-256-GCM nonce of the wrong length"))?;
            let tag = aes_gcm(data_key)?
                .seal_in_place_separate_tag(nonce, Aad::from(&aad[..]), &mut out[body..])
                .map_err(|_| VaultError::Crypto("document too large to encrypt"))?;
            out.extend_from_slice(tag.as_ref());
        }
    }
    Ok(out)
}

/// Decrypts a content object of any format; any alteration, truncation, relabelling or wrong
/// key is an error and no byte of the content is returned. The content is decrypted in place
/// and returned as a slice of the object's own buffer: no copy.
pub(crate) fn open_content(
    data_key: &SecretKey,
    object_key: &str,
    mut sealed: Vec<u8>,
) -> Result<Bytes, VaultError> {
    let corrupt = |reason| VaultError::Corrupt {
        object_key: object_key.to_owned(),
        reason,
    };
    if sealed.len() < HEADER_LEN {
        return Err(corrupt(TRUNCATED));
    }
    if &sealed[..MAGIC.len()] != MAGIC {
        return Err(corrupt(BAD_MAGIC));
    }
    let format =
        ContentFormat::from_version(sealed[MAGIC.len()]).ok_or(corrupt(UNKNOWN_VERSION))?;
    if sealed.len() < format.overhead() {
        return Err(corrupt(TRUNCATED));
    }
    let body = HEADER_LEN + format.nonce_len();
    let body_end = sealed.len() - TAG_LEN;
    let aad = content_aad(format, object_key);
    let authentic = match format {
        ContentFormat::XChaCha20Poly1305 => {
            let tag = *Tag::from_slice(&sealed[body_end..]);
            let nonce = *XNonce::from_slice(&sealed[HEADER_LEN..body]);
            cipher(data_key)
                .decrypt_in_place_detached(&nonce, &aad, &mut sealed[body..body_end], &tag)
                .is_ok()
        }
        ContentFormat::Aes256Gcm => {
            let mut tag = [0u8; TAG_LEN];
            tag.copy_from_slice(&sealed[body_end..]);
            let nonce = GcmNonce::try_assume_unique_for_key(&sealed[HEADER_LEN..body])
                .map_err(|_| corrupt(TRUNCATED))?;
            // On failure ring zeroes the buffer it decrypted (AES-GCM decrypts and
            // authenticates in one pass), so no unauthenticated plaintext survives.
            aes_gcm(data_key)?
                .open_in_place_separate_tag(
                    nonce,
                    Aad::from(&aad[..]),
                    GcmTag::from(tag),
                    &mut sealed[body..body_end],
                    0..,
                )
                .is_ok()
        }
    };
    if !authentic {
        return Err(corrupt(AUTH_FAILED));
    }
    Ok(Bytes::from(sealed).slice(body..body_end))
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
    let nonce = random_nonce::<WRAP_NONCE_LEN>();
    let mut out = Vec::with_capacity(WRAPPED_LEN);
    out.push(WRAP_VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&data_key[..]);
    let tag = cipher(master)
        .encrypt_in_place_detached(
            XNonce::from_slice(&nonce),
            &wrap_aad(key_id, object_key),
            &mut out[1 + WRAP_NONCE_LEN..],
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
    buf.copy_from_slice(&wrapped[1 + WRAP_NONCE_LEN..1 + WRAP_NONCE_LEN + KEY_LEN]);
    cipher(master)
        .decrypt_in_place_detached(
            XNonce::from_slice(&wrapped[1..1 + WRAP_NONCE_LEN]),
            &wrap_aad(key_id, object_key),
            &mut buf[..],
            Tag::from_slice(&wrapped[1 + WRAP_NONCE_LEN + KEY_LEN..]),
        )
        .map_err(|_| refused())?;
    Ok(buf)
}

#[cfg(test)]
mod tests;
