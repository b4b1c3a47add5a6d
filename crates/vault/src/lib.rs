//! Encrypted document vault of Mon Drive Santé: document content encrypted at rest, on a local
//! directory or in S3-compatible object storage. Knows nothing of patients, documents'
//! metadata or access rules: callers decide who may read, and commit what [`Vault::put`]
//! returns in their own database rows.
//!
//! # Encryption
//! Each document gets a fresh random 256-bit data key. The content is sealed with
//! XChaCha20-Poly1305 (random 24-byte nonce) as `"MDSV" | version 1 | nonce | ciphertext+tag`,
//! with the object key as associated data, so an object cannot be swapped for another. The data
//! key is wrapped (XChaCha20-Poly1305) under the current master key, with the key id and object
//! key as associated data; the caller stores `wrapped_key` and `key_id`. Key material is wiped
//! from memory on drop and never appears in errors or logs.
//!
//! # Master keys
//! [`KeyRing`] reads a UTF-8 text key file, mode 0600 (refused, with a `chmod 600` hint, when
//! group or others have any access):
//!
//! ```text
//! # comment lines and blank lines are ignored
//! mk-20261122-3fa85f64 <base64 (RFC 4648, padded) of 32 random bytes>
//! mk-20270301-9c01d2e7 <base64 of 32 random bytes>
//! ```
//!
//! One `<key id> <key>` pair per line; the LAST line is the current key. Key ids are 1 to 64
//! characters from `A-Z a-z 0-9 . _ -`; the file is only ever replaced atomically (temporary
//! file, fsync, rename, directory fsync). Back it up apart from the data: without it the
//! documents are unreadable. Rotation: [`KeyRing::rotate`] adds a current key, [`Vault::reload_keys`]
//! installs it, [`Vault::rewrap`] moves each document's data key to it (content untouched),
//! then [`KeyRing::retire_unused`] drops keys no row references.
//!
//! # Storage
//! [`Backend::Local`] ([`LocalDir`]): `root/objects/xx/yy/<key>`, written via
//! `root/tmp/<key>.part` + fsync + rename + directory fsync, so a crash never exposes a
//! half-written object; [`Vault::sweep_temp`] removes stale `.part` files.
//! [`Backend::S3`] ([`S3Store`]): keys `objects/<key>` in one bucket, through the `object_store`
//! crate (SigV4 signing, retries with backoff, paginated listing), path-style or
//! virtual-hosted addressing.
//!
//! ```text
//! KeyRing::load_or_create(path) -> Result<(KeyRing, bool), VaultError>
//! KeyRing::load(path) -> Result<KeyRing, VaultError>
//! KeyRing::rotate(&mut self, path) -> Result<String, VaultError>
//! KeyRing::retire_unused(&mut self, path, still_used: &[String]) -> Result<Vec<String>, VaultError>
//! KeyRing::current_id(&self) -> &str;  KeyRing::key_ids(&self) -> impl Iterator<Item = &str>
//! LocalDir::open(root) -> Result<LocalDir, VaultError>
//! S3Store::new(S3Config) -> Result<S3Store, VaultError>;  S3Store::ensure_bucket(&self).await
//! S3Store::with_retries(self, Retries) -> Result<S3Store, VaultError>
//! Vault::new(Backend, KeyRing) -> Vault
//! Vault::put(&self, &[u8]).await -> Result<Sealed, VaultError>
//! Vault::get(&self, object_key, wrapped_key, key_id).await -> Result<Vec<u8>, VaultError>
//! Vault::delete(&self, object_key).await -> Result<(), VaultError>        (idempotent)
//! Vault::rewrap(&self, object_key, wrapped_key, key_id) -> Result<(Vec<u8>, String), VaultError>
//! Vault::list(&self).await -> Result<Vec<ObjectInfo>, VaultError>
//! Vault::ping(&self).await -> Result<(), VaultError>
//! Vault::sweep_temp(&self, older_than).await -> Result<Vec<PathBuf>, VaultError>
//! RecordKey::generate();  RecordKey::from_bytes(&[u8]);  RecordKey::seal_text/open_text(&self, context, text)
//! Vault::reload_keys(&self, KeyRing);  Vault::current_key_id(&self) -> String
//! Vault::signing_key(&self) -> Result<SigningKey, VaultError>   (Ed25519, derived: signing.rs)
//! SigningKey::{key_id, public_key, sign};  verify_ed25519(public_key, message, signature) -> bool
//! ```

pub mod bench;
mod error;
mod keys;
mod local;
mod record_key;
mod s3;
mod seal;
mod secret;
mod signing;
mod vault;

pub use error::VaultError;
pub use keys::KeyRing;
pub use local::LocalDir;
pub use record_key::{RecordKey, MAX_RECORD_TEXT_LEN};
pub use s3::{Retries, S3Config, S3Store};
pub use seal::ContentFormat;
pub use signing::{verify_ed25519, SigningKey};
pub use vault::{Backend, ObjectInfo, Sealed, Vault, READ_ON_WORKER_MAX};
