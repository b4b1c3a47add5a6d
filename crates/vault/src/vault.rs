//! The vault itself: seals documents with a fresh data key, stores them through a backend,
//! opens them again, and re-seals objects of an older content format. Must not persist wrapped
//! keys (the caller commits them in its database row), must not accept object keys from
//! outside the vault's own shape, and must not return content that failed authentication.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::seal::{self, check_object_key, SecretKey};
use crate::{ContentFormat, KeyRing, LocalDir, S3Store, VaultError};

/// What [`Vault::put`] returns: everything the caller must store in the document's row to read
/// the content back later.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    /// Server-generated storage name (32 lowercase hex digits).
    pub object_key: String,
    /// The document's data key, encrypted under master key `key_id` (73 bytes).
    pub wrapped_key: Vec<u8>,
    pub key_id: String,
    /// SHA-256 of the plaintext, lower-case hex (for the document metadata and duplicates).
    pub sha256_hex: String,
    /// Size of the plaintext in bytes.
    pub size: u64,
}

/// One stored object, as listed for orphan clean-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectInfo {
    pub key: String,
    /// Last modification, milliseconds since the Unix epoch (UTC).
    pub modified_ms: i64,
}

/// Where sealed objects live. Its methods move raw, still-encrypted bytes: they exist for the
/// vault, for backup/restore tooling and for tests; application code goes through [`Vault`].
#[derive(Clone, Debug)]
pub enum Backend {
    Local(LocalDir),
    S3(S3Store),
}

impl Backend {
    pub async fn read_object(&self, key: &str) -> Result<Vec<u8>, VaultError> {
        match self {
            Backend::Local(dir) => {
                let key = key.to_owned();
                blocking(dir, move |d| d.read(&key)).await
            }
            Backend::S3(s3) => s3.get(key).await,
        }
    }

    pub async fn write_object(&self, key: &str, bytes: Vec<u8>) -> Result<(), VaultError> {
        match self {
            Backend::Local(dir) => {
                let key = key.to_owned();
                blocking(dir, move |d| d.write(&key, &bytes)).await
            }
            Backend::S3(s3) => s3.put(key, bytes).await,
        }
    }

    /// Idempotent: removing an absent object succeeds.
    pub async fn remove_object(&self, key: &str) -> Result<(), VaultError> {
        match self {
            Backend::Local(dir) => {
                let key = key.to_owned();
                blocking(dir, move |d| d.remove(&key)).await
            }
            Backend::S3(s3) => s3.delete(key).await,
        }
    }

    pub async fn list_objects(&self) -> Result<Vec<ObjectInfo>, VaultError> {
        match self {
            Backend::Local(dir) => blocking(dir, |d| d.list()).await,
            Backend::S3(s3) => s3.list().await,
        }
    }

    pub async fn keys_after(
        &self,
        after: Option<String>,
        limit: usize,
    ) -> Result<Vec<String>, VaultError> {
        match self {
            Backend::Local(dir) => {
                blocking(dir, move |d| d.keys_after(after.as_deref(), limit)).await
            }
            Backend::S3(s3) => s3.keys_after(after.as_deref(), limit).await,
        }
    }

    pub async fn modified_ms(&self, key: &str) -> Result<Option<i64>, VaultError> {
        match self {
            Backend::Local(dir) => {
                let key = key.to_owned();
                blocking(dir, move |d| d.modified_ms(&key)).await
            }
            Backend::S3(s3) => s3.modified_ms(key).await,
        }
    }

    pub async fn ping(&self) -> Result<(), VaultError> {
        match self {
            Backend::Local(dir) => blocking(dir, |d| d.ping()).await,
            Backend::S3(s3) => s3.ping().await,
        }
    }

    /// Deletes temporary files older than `older_than` left by interrupted writes and returns
    /// their paths. S3 uploads are atomic and leave none, so this is a no-op there.
    pub async fn sweep_temp(&self, older_than: Duration) -> Result<Vec<PathBuf>, VaultError> {
        match self {
            Backend::Local(dir) => blocking(dir, move |d| d.sweep_temp(older_than)).await,
            Backend::S3(_) => Ok(Vec::new()),
        }
    }
}

/// The largest sealed object [`Vault::get`] reads and decrypts on the calling async worker, when
/// no disk I/O is needed. Decrypting 256 KiB takes about 50 µs in content format 2 (AES-256-GCM,
/// 0.2 ns per byte, docs/perf/aead.md) and 0.3 ms in the old format 1; copying it from the page
/// cache, a few tens of microseconds. The thread hand-off this saves cost 20 to 40 µs of CPU per
/// 100 KB read (docs/PERFORMANCE.md, runs of 2026-12-07 16:20 UTC).
pub const READ_ON_WORKER_MAX: u64 = 256 * 1024;

/// File-system work runs on tokio's blocking pool: fsync can take tens of milliseconds and must
/// not stall the request-serving threads.
async fn blocking<T, F>(dir: &LocalDir, work: F) -> Result<T, VaultError>
where
    T: Send + 'static,
    F: FnOnce(&LocalDir) -> Result<T, VaultError> + Send + 'static,
{
    let dir = dir.clone();
    tokio::task::spawn_blocking(move || work(&dir))
        .await
        .map_err(|e| VaultError::Task(e.to_string()))?
}

/// The encrypted document store. Cheap to clone; clones share the backend and key ring.
#[derive(Clone, Debug)]
pub struct Vault {
    backend: Backend,
    keys: Arc<RwLock<KeyRing>>,
    /// The format new objects are sealed in; objects of every format are read.
    format: ContentFormat,
}

impl Vault {
    /// A vault sealing new objects in the default [`ContentFormat`].
    pub fn new(backend: Backend, keys: KeyRing) -> Vault {
        Vault {
            backend,
            keys: Arc::new(RwLock::new(keys)),
            format: ContentFormat::default(),
        }
    }

    /// Seals new objects (and re-seals old ones) in `format` instead: format 1 lets a
    /// deployment keep writing what instances not yet upgraded can read.
    pub fn with_content_format(mut self, format: ContentFormat) -> Vault {
        self.format = format;
        self
    }

    /// The format new objects are sealed in.
    pub fn content_format(&self) -> ContentFormat {
        self.format
    }

    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// Replaces the key ring (after a rotation or retirement done by an admin command).
    pub fn reload_keys(&self, keys: KeyRing) {
        *self.keys.write().unwrap_or_else(|p| p.into_inner()) = keys;
    }

    /// The id of the master key new documents are wrapped with.
    pub fn current_key_id(&self) -> String {
        self.ring(|ring| ring.current_id().to_owned())
    }

    /// Calls `f` with the current master key and its id.
    pub(crate) fn current_master<T>(
        &self,
        f: impl FnOnce(&str, &seal::SecretKey) -> Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        self.ring(|ring| {
            let (id, master) = ring.current().ok_or(VaultError::UnknownKeyId {
                key_id: String::new(),
            })?;
            f(id, master)
        })
    }

    /// Calls `f` with each master key of the ring and its id, oldest first.
    pub(crate) fn each_master<T>(
        &self,
        f: impl Fn(&str, &seal::SecretKey) -> Result<T, VaultError>,
    ) -> Result<Vec<T>, VaultError> {
        self.ring(|ring| {
            ring.key_ids()
                .filter_map(|id| ring.key(id).map(|key| f(id, key)))
                .collect()
        })
    }

    // The ring is only ever replaced whole, so a panic while a lock was held cannot leave it
    // half-updated: a poisoned lock is safe to keep using.
    fn ring<T>(&self, f: impl FnOnce(&KeyRing) -> T) -> T {
        f(&self.keys.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Encrypts `plaintext` under a fresh random data key and stores it under a new
    /// server-generated object key. The caller must commit the returned [`Sealed`] in its
    /// database row; an object whose row never commits is an orphan for [`Vault::list`]-based
    /// clean-up.
    pub async fn put(&self, plaintext: &[u8]) -> Result<Sealed, VaultError> {
        // Hashing and encrypting 20 MB take tens of milliseconds of CPU: done on the blocking
        // pool, at the price of one copy of the plaintext, so async workers keep serving.
        self.seal_and_store(plaintext.to_vec()).await
    }

    async fn seal_and_store(&self, plain: Vec<u8>) -> Result<Sealed, VaultError> {
        let object_key = seal::new_object_key();
        let data_key = seal::random_key();
        let (key_id, wrapped_key) = self.ring(|ring| {
            let (id, master) = ring.current().ok_or(VaultError::UnknownKeyId {
                key_id: String::new(),
            })?;
            let wrapped = seal::wrap_key(master, id, &object_key, &data_key)?;
            Ok::<_, VaultError>((id.to_owned(), wrapped))
        })?;
        let size = plain.len() as u64;
        let name = object_key.clone();
        let format = self.format;
        let (sha256_hex, sealed) = tokio::task::spawn_blocking(move || {
            let sha = data_encoding::HEXLOWER.encode(&Sha256::digest(&plain));
            seal::seal_content(format, &data_key, &name, &plain).map(|sealed| (sha, sealed))
        })
        .await
        .map_err(|e| VaultError::Task(e.to_string()))??;
        self.backend.write_object(&object_key, sealed).await?;
        Ok(Sealed {
            object_key,
            wrapped_key,
            key_id,
            sha256_hex,
            size,
        })
    }

    /// Re-seals an object stored in another content format than the vault's: reads and
    /// authenticates it, then seals its content under a fresh data key, a fresh nonce and a
    /// new object key, written as durably as by [`Vault::put`]. Returns `None` (and writes
    /// nothing) when the object is already in the vault's format. The old object is left in
    /// place: the caller commits the returned [`Sealed`] in the row, checks its SHA-256
    /// against the row's, and only then deletes the old object.
    pub async fn reseal(
        &self,
        object_key: &str,
        wrapped_key: &[u8],
        key_id: &str,
    ) -> Result<Option<Sealed>, VaultError> {
        check_object_key(object_key)?;
        let data_key = self.unwrap(object_key, wrapped_key, key_id)?;
        let stored = self.backend.read_object(object_key).await?;
        if seal::content_format_of(&stored) == Some(self.format) {
            return Ok(None);
        }
        let name = object_key.to_owned();
        let plain =
            tokio::task::spawn_blocking(move || seal::open_content(&data_key, &name, stored))
                .await
                .map_err(|e| VaultError::Task(e.to_string()))??;
        self.seal_and_store(plain.to_vec()).await.map(Some)
    }

    /// Fetches and decrypts an object. A missing object is `NotFound`; an altered, truncated or
    /// swapped object, or a wrong or unknown master key, is an error and no content is returned.
    ///
    /// The content is read once into one buffer, decrypted in place and returned as a slice of
    /// it (no copy). On the local directory, an object of at most [`READ_ON_WORKER_MAX`] bytes
    /// whose path and bytes are in the kernel's caches is read and decrypted where the caller
    /// runs (tens of microseconds, about what a thread hand-off costs); any other — reading a
    /// file from the disk, decrypting 20 MB take milliseconds — is read and decrypted in one
    /// blocking task (one hand-off). From S3 the body arrives asynchronously and only the
    /// decryption is handed off.
    pub async fn get(
        &self,
        object_key: &str,
        wrapped_key: &[u8],
        key_id: &str,
    ) -> Result<Bytes, VaultError> {
        check_object_key(object_key)?;
        let data_key = self.unwrap(object_key, wrapped_key, key_id)?;
        match &self.backend {
            Backend::Local(dir) => {
                if let Some(stored) = dir.read_cached(object_key, READ_ON_WORKER_MAX)? {
                    return seal::open_content(&data_key, object_key, stored);
                }
                let name = object_key.to_owned();
                blocking(dir, move |d| {
                    let stored = d.read(&name)?;
                    seal::open_content(&data_key, &name, stored)
                })
                .await
            }
            Backend::S3(s3) => {
                let stored = s3.get(object_key).await?;
                let name = object_key.to_owned();
                tokio::task::spawn_blocking(move || seal::open_content(&data_key, &name, stored))
                    .await
                    .map_err(|e| VaultError::Task(e.to_string()))?
            }
        }
    }

    /// Deletes an object; deleting an absent one succeeds, so a retried deletion is harmless.
    pub async fn delete(&self, object_key: &str) -> Result<(), VaultError> {
        self.backend.remove_object(object_key).await
    }

    /// Re-wraps a document's data key under the current master key, without reading or
    /// rewriting the content. Returns `(new_wrapped_key, new_key_id)` for the caller to commit.
    pub fn rewrap(
        &self,
        object_key: &str,
        wrapped_key: &[u8],
        key_id: &str,
    ) -> Result<(Vec<u8>, String), VaultError> {
        check_object_key(object_key)?;
        let data_key = self.unwrap(object_key, wrapped_key, key_id)?;
        self.ring(|ring| {
            let (id, master) = ring.current().ok_or(VaultError::UnknownKeyId {
                key_id: String::new(),
            })?;
            Ok((
                seal::wrap_key(master, id, object_key, &data_key)?,
                id.to_owned(),
            ))
        })
    }

    fn unwrap(
        &self,
        object_key: &str,
        wrapped_key: &[u8],
        key_id: &str,
    ) -> Result<SecretKey, VaultError> {
        self.ring(|ring| {
            let master = ring.key(key_id).ok_or_else(|| VaultError::UnknownKeyId {
                key_id: key_id.to_owned(),
            })?;
            seal::unwrap_key(master, key_id, object_key, wrapped_key)
        })
    }

    /// Seals a small secret kept in a database row (`crate::secret`) under the current
    /// master key; returns the stored text and the key id to keep beside it.
    pub fn seal_secret(&self, context: &str, plain: &[u8]) -> Result<(String, String), VaultError> {
        self.ring(|ring| {
            let (id, master) = ring.current().ok_or(VaultError::UnknownKeyId {
                key_id: String::new(),
            })?;
            Ok((
                crate::secret::seal(master, id, context, plain)?,
                id.to_owned(),
            ))
        })
    }

    /// Opens a secret sealed by [`Vault::seal_secret`] under `key_id` for `context`.
    pub fn open_secret(
        &self,
        context: &str,
        stored: &str,
        key_id: &str,
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, VaultError> {
        self.ring(|ring| {
            let master = ring.key(key_id).ok_or_else(|| VaultError::UnknownKeyId {
                key_id: key_id.to_owned(),
            })?;
            crate::secret::open(master, key_id, context, stored)
        })
    }

    /// Every stored object, read whole: for tests and small vaults (the orphan sweep reads
    /// the vault a slice at a time with [`Self::keys_after`]).
    pub async fn list(&self) -> Result<Vec<ObjectInfo>, VaultError> {
        self.backend.list_objects().await
    }

    /// The keys of stored objects that sort after `after` (from the first with `None`), in
    /// key order, at most `limit`: a vault of any size read a slice at a time, each slice
    /// costing its own size. An empty answer means the end was reached.
    pub async fn keys_after(
        &self,
        after: Option<String>,
        limit: usize,
    ) -> Result<Vec<String>, VaultError> {
        self.backend.keys_after(after, limit).await
    }

    /// When the object was last written (milliseconds since the epoch), or `None` if it is
    /// not stored.
    pub async fn modified_ms(&self, key: &str) -> Result<Option<i64>, VaultError> {
        check_object_key(key)?;
        self.backend.modified_ms(key).await
    }

    /// Readiness: the backend is reachable and an object can be written, read and removed.
    pub async fn ping(&self) -> Result<(), VaultError> {
        self.backend.ping().await
    }

    /// Free bytes on the local vault's file system (`None` on S3, whose space is the object
    /// store's to watch).
    pub fn free_bytes(&self) -> Result<Option<u64>, VaultError> {
        match &self.backend {
            Backend::Local(dir) => dir.free_bytes().map(Some),
            Backend::S3(_) => Ok(None),
        }
    }

    /// Removes temporary files of interrupted writes older than `older_than`; see
    /// [`Backend::sweep_temp`].
    pub async fn sweep_temp(&self, older_than: Duration) -> Result<Vec<PathBuf>, VaultError> {
        self.backend.sweep_temp(older_than).await
    }
}
