//! Sealed objects as files in a local directory (the embedded deployment). Stores opaque bytes
//! under validated object keys; must not encrypt, decrypt or interpret content, and must never
//! leave a partially written object under its final name.
//!
//! Layout: `root/objects/xx/yy/<key>` (`xx`, `yy` = first two pairs of hex digits, so no
//! directory grows past 65,536 entries at 15 million documents) and `root/tmp/<key>.part`
//! while writing.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::keys::create_private_dir;
use crate::seal::check_object_key;
use crate::{ObjectInfo, VaultError};

/// A vault directory on the local file system.
#[derive(Clone, Debug)]
pub struct LocalDir {
    root: PathBuf,
    objects: PathBuf,
    tmp: PathBuf,
}

impl LocalDir {
    /// Opens (creating when needed, mode 0700) the vault directory `root`.
    pub fn open(root: &Path) -> Result<Self, VaultError> {
        let dir = LocalDir {
            root: root.to_owned(),
            objects: root.join("objects"),
            tmp: root.join("tmp"),
        };
        for d in [&dir.objects, &dir.tmp] {
            create_private_dir(d)
                .map_err(|e| VaultError::io("cannot create vault directory", d, e))?;
        }
        Ok(dir)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn shard_dir(&self, key: &str) -> PathBuf {
        self.objects.join(&key[0..2]).join(&key[2..4])
    }

    fn object_path(&self, key: &str) -> Result<PathBuf, VaultError> {
        check_object_key(key)?;
        Ok(self.shard_dir(key).join(key))
    }

    pub(crate) fn read(&self, key: &str) -> Result<Vec<u8>, VaultError> {
        let path = self.object_path(key)?;
        fs::read(&path).map_err(|e| match e.kind() {
            ErrorKind::NotFound => VaultError::NotFound {
                object_key: key.to_owned(),
            },
            _ => VaultError::io("cannot read", &path, e),
        })
    }

    /// Reads an object at most `limit` bytes long only if that needs no disk I/O: its path is in
    /// the kernel's lookup cache (`openat2` with `RESOLVE_CACHED`) and its bytes in the page cache
    /// (`preadv2` with `RWF_NOWAIT`). `None` otherwise — a larger object, anything not cached, a
    /// kernel or file system without these calls, any error — for the caller to [`Self::read`]
    /// it where waiting is allowed (which also reports the errors).
    pub(crate) fn read_cached(&self, key: &str, limit: u64) -> Result<Option<Vec<u8>>, VaultError> {
        use rustix::fs::{Mode, OFlags, ResolveFlags, CWD};
        use rustix::io::{Errno, ReadWriteFlags};
        let path = self.object_path(key)?;
        let flags = OFlags::RDONLY | OFlags::CLOEXEC;
        let Ok(fd) = rustix::fs::openat2(CWD, &path, flags, Mode::empty(), ResolveFlags::CACHED)
        else {
            return Ok(None);
        };
        let file = File::from(fd);
        // The inode is in memory once the file is open: no I/O.
        let len = match file.metadata() {
            Ok(m) if m.len() <= limit => m.len(),
            _ => return Ok(None),
        };
        let Ok(len) = usize::try_from(len) else {
            return Ok(None);
        };
        let mut bytes = vec![0u8; len];
        let mut filled = 0;
        while filled < len {
            let mut slice = [std::io::IoSliceMut::new(&mut bytes[filled..])];
            match rustix::io::preadv2(&file, &mut slice, filled as u64, ReadWriteFlags::NOWAIT) {
                // Shorter than its size said: what was read is returned, and the caller's
                // authentication refuses a truncated object.
                Ok(0) => {
                    bytes.truncate(filled);
                    break;
                }
                Ok(n) => filled += n,
                Err(Errno::INTR) => {}
                // EAGAIN: part of it is not in the page cache.
                Err(_) => return Ok(None),
            }
        }
        Ok(Some(bytes))
    }

    /// Writes `bytes` to `tmp/<key>.part`, fsyncs it, renames it into place and fsyncs the
    /// directory, so after a crash the object is either complete or absent.
    pub(crate) fn write(&self, key: &str, bytes: &[u8]) -> Result<(), VaultError> {
        let path = self.object_path(key)?;
        let shard = self.shard_dir(key);
        let shard_existed = shard.is_dir();
        if !shard_existed {
            create_private_dir(&shard)
                .map_err(|e| VaultError::io("cannot create directory", &shard, e))?;
        }
        let part = self.tmp.join(format!("{key}.part"));
        let written = write_file_synced(&part, bytes)
            .map_err(|e| VaultError::io("cannot write", &part, e))
            .and_then(|()| {
                fs::rename(&part, &path)
                    .map_err(|e| VaultError::io("cannot move into place", &path, e))
            });
        if let Err(e) = written {
            let _ = fs::remove_file(&part);
            return Err(e);
        }
        sync_dir(&shard)?;
        if !shard_existed {
            // New directories must be durable too, or the renamed file could vanish with them.
            if let Some(parent) = shard.parent() {
                sync_dir(parent)?;
            }
            sync_dir(&self.objects)?;
        }
        Ok(())
    }

    /// Removes an object; removing a missing object is not an error.
    pub(crate) fn remove(&self, key: &str) -> Result<(), VaultError> {
        let path = self.object_path(key)?;
        match fs::remove_file(&path) {
            Ok(()) => sync_dir(&self.shard_dir(key)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(VaultError::io("cannot delete", &path, e)),
        }
    }

    /// Every stored object. Files that do not have the vault's own shape or location are
    /// skipped with a warning: they are not the vault's to report or delete.
    pub(crate) fn list(&self) -> Result<Vec<ObjectInfo>, VaultError> {
        let mut out = Vec::new();
        // Non-directories at shard levels are strays; read_dir on them would fail the whole list.
        for xx in read_dir(&self.objects)?.into_iter().filter(|p| p.is_dir()) {
            for yy in read_dir(&xx)?.into_iter().filter(|p| p.is_dir()) {
                for file in read_dir(&yy)? {
                    let Some(key) = shard_member(&self.objects, &file) else {
                        tracing::warn!(path = %file.display(), "unexpected entry in the vault directory, ignored");
                        continue;
                    };
                    let meta = match fs::metadata(&file) {
                        Ok(meta) => meta,
                        // Deleted between the directory read and now: no longer stored.
                        Err(e) if e.kind() == ErrorKind::NotFound => continue,
                        Err(e) => return Err(VaultError::io("cannot inspect", &file, e)),
                    };
                    out.push(ObjectInfo {
                        key,
                        modified_ms: modified_ms(&meta),
                    });
                }
            }
        }
        Ok(out)
    }

    /// Keys of the stored objects that sort after `after`, in key order, at most `limit`.
    /// Only the shard directories from `after`'s on are read, and no file is inspected
    /// beyond its directory entry: a slice of a vault of millions of objects costs its own
    /// size. Entries without the vault's shape are skipped with a warning, as in [`Self::list`].
    pub(crate) fn keys_after(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<String>, VaultError> {
        let after = after.unwrap_or("");
        let from = (after.get(0..2).unwrap_or(""), after.get(2..4).unwrap_or(""));
        let mut out = Vec::new();
        for xx in sorted_dirs(&self.objects)? {
            if xx.as_str() < from.0 {
                continue;
            }
            for yy in sorted_dirs(&self.objects.join(&xx))? {
                if (xx.as_str(), yy.as_str()) < from {
                    continue;
                }
                let dir = self.objects.join(&xx).join(&yy);
                let mut keys = Vec::new();
                for entry in
                    fs::read_dir(&dir).map_err(|e| VaultError::io("cannot list", &dir, e))?
                {
                    let entry = entry.map_err(|e| VaultError::io("cannot list", &dir, e))?;
                    let name = entry.file_name();
                    let key = name
                        .to_str()
                        .filter(|k| check_object_key(k).is_ok() && k[0..2] == xx && k[2..4] == yy);
                    match key {
                        Some(k) if entry.file_type().is_ok_and(|t| t.is_file()) => {
                            if k > after {
                                keys.push(k.to_owned());
                            }
                        }
                        _ => {
                            tracing::warn!(path = %entry.path().display(), "unexpected entry in the vault directory, ignored")
                        }
                    }
                }
                keys.sort_unstable();
                for key in keys {
                    if out.len() == limit {
                        return Ok(out);
                    }
                    out.push(key);
                }
            }
        }
        Ok(out)
    }

    /// When the object was last written (milliseconds), or `None` if it is not stored.
    pub(crate) fn modified_ms(&self, key: &str) -> Result<Option<i64>, VaultError> {
        let path = self.object_path(key)?;
        match fs::metadata(&path) {
            Ok(meta) => Ok(Some(modified_ms(&meta))),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(VaultError::io("cannot inspect", &path, e)),
        }
    }

    /// Deletes `.part` files older than `older_than` (left by a crash during a write; a younger
    /// one may belong to a write in progress) and returns their paths.
    pub(crate) fn sweep_temp(&self, older_than: Duration) -> Result<Vec<PathBuf>, VaultError> {
        let now = SystemTime::now();
        let mut removed = Vec::new();
        for path in read_dir(&self.tmp)? {
            let meta = match fs::metadata(&path) {
                Ok(meta) => meta,
                Err(e) if e.kind() == ErrorKind::NotFound => continue,
                Err(e) => return Err(VaultError::io("cannot inspect", &path, e)),
            };
            let age = meta
                .modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .unwrap_or_default();
            if meta.is_file() && age >= older_than {
                match fs::remove_file(&path) {
                    Ok(()) => removed.push(path),
                    Err(e) if e.kind() == ErrorKind::NotFound => {}
                    Err(e) => return Err(VaultError::io("cannot delete", &path, e)),
                }
            }
        }
        Ok(removed)
    }

    /// Writes, reads back and removes a probe file: proves the directory is usable, not just
    /// present (a read-only remount or a full disk fails here).
    /// Free bytes on the vault directory's file system.
    pub(crate) fn free_bytes(&self) -> Result<u64, VaultError> {
        let stat = nix::sys::statvfs::statvfs(&self.root).map_err(|e| {
            VaultError::io(
                "statvfs",
                &self.root,
                std::io::Error::from_raw_os_error(e as i32),
            )
        })?;
        Ok(stat.blocks_available() * stat.fragment_size())
    }

    pub(crate) fn ping(&self) -> Result<(), VaultError> {
        let probe = self
            .tmp
            .join(format!("probe-{}.part", uuid::Uuid::new_v4().simple()));
        let payload = b"mds-vault probe";
        let result = write_file_synced(&probe, payload)
            .and_then(|()| fs::read(&probe))
            .map_err(|e| VaultError::io("vault directory is not writable/readable", &probe, e))
            .and_then(|read| {
                if read == payload {
                    Ok(())
                } else {
                    Err(VaultError::io(
                        "vault directory returned different bytes",
                        &probe,
                        std::io::Error::other("probe content mismatch"),
                    ))
                }
            });
        let _ = fs::remove_file(&probe);
        result
    }
}

/// The object key of `file` if it sits exactly where the vault would have put it.
fn shard_member(objects: &Path, file: &Path) -> Option<String> {
    let key = file.file_name()?.to_str()?;
    check_object_key(key).ok()?;
    let expected = objects.join(&key[0..2]).join(&key[2..4]).join(key);
    (expected == file && file.is_file()).then(|| key.to_owned())
}

/// The names of the directories in `dir`, sorted (other entries are not shards: skipped).
fn sorted_dirs(dir: &Path) -> Result<Vec<String>, VaultError> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| VaultError::io("cannot list", dir, e))? {
        let entry = entry.map_err(|e| VaultError::io("cannot list", dir, e))?;
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            if let Some(name) = entry.file_name().to_str() {
                names.push(name.to_owned());
            }
        }
    }
    names.sort_unstable();
    Ok(names)
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, VaultError> {
    let entries = fs::read_dir(dir).map_err(|e| VaultError::io("cannot list", dir, e))?;
    let mut paths = Vec::new();
    for entry in entries {
        paths.push(
            entry
                .map_err(|e| VaultError::io("cannot list", dir, e))?
                .path(),
        );
    }
    Ok(paths)
}

fn modified_ms(meta: &fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_millis()).ok())
        .unwrap_or(0)
}

fn write_file_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn sync_dir(dir: &Path) -> Result<(), VaultError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| VaultError::io("cannot fsync directory", dir, e))
}
