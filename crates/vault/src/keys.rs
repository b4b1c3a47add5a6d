//! The master key ring and its key file. Loads, creates, rotates and retires master keys, always
//! writing the file atomically with mode 0600. Must not log or format key material, and must not
//! accept a key file that other users can read.
//!
//! Key file format (UTF-8 text):
//!
//! ```text
//! # comment lines and blank lines are ignored
//! mk-20261122-3fa85f64 <base64 (RFC 4648, padded) of 32 random bytes>
//! mk-20270301-9c01d2e7 <base64 …>
//! ```
//!
//! One `key_id key` pair per line; the LAST line is the current key (the one new documents are
//! wrapped with). Key ids are 1–64 characters from `A-Z a-z 0-9 . _ -`.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use data_encoding::BASE64;
use zeroize::Zeroizing;

use crate::seal::{random_key, SecretKey, KEY_LEN};
use crate::VaultError;

const HEADER: &str =
    "# Mon Drive Santé vault master keys. Keep this file secret (mode 0600) and backed up:\n\
# losing a key makes every document wrapped with it unreadable.\n\
# One key per line: <key id> <base64 of 32 bytes>. The last line is the current key.\n";

/// Master keys by id; the last one is current. Never empty.
#[derive(Clone)]
pub struct KeyRing {
    keys: Vec<(String, SecretKey)>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field("key_ids", &self.key_ids().collect::<Vec<_>>())
            .field("current", &self.current_id())
            .finish()
    }
}

impl KeyRing {
    /// Loads the key file, or creates it (mode 0600, parent directories created) holding one
    /// fresh 256-bit key when it does not exist. Returns the ring and whether it was created.
    pub fn load_or_create(path: &Path) -> Result<(KeyRing, bool), VaultError> {
        match fs::symlink_metadata(path) {
            Ok(_) => return Ok((Self::load(path)?, false)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(key_io(path, e)),
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            create_private_dir(parent).map_err(|e| key_io(parent, e))?;
        }
        let ring = KeyRing {
            keys: vec![(new_key_id(), random_key())],
        };
        // Written aside then hard-linked into place: linking fails if the file appeared in the
        // meantime (a second process starting at the same moment), so a key that may already
        // wrap documents is never overwritten; we then load the winner's file instead.
        let tmp = temp_path(path);
        write_synced(&tmp, &ring.render()).map_err(|e| key_io(&tmp, e))?;
        let linked = fs::hard_link(&tmp, path);
        let _ = fs::remove_file(&tmp);
        match linked {
            Ok(()) => {
                sync_parent(path).map_err(|e| key_io(path, e))?;
                tracing::info!(path = %path.display(), key_id = ring.current_id(), "created vault key file");
                Ok((ring, true))
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Ok((Self::load(path)?, false))
            }
            Err(e) => Err(key_io(path, e)),
        }
    }

    /// Loads an existing key file; refuses one that is missing, malformed, empty, or readable by
    /// group or others.
    pub fn load(path: &Path) -> Result<KeyRing, VaultError> {
        let mut file = File::open(path).map_err(|e| key_io(path, e))?;
        let meta = file.metadata().map_err(|e| key_io(path, e))?;
        if !meta.is_file() {
            return Err(key_err(path, "not a regular file".to_owned()));
        }
        check_private(path, &meta)?;
        let mut text = Zeroizing::new(String::new());
        file.read_to_string(&mut text)
            .map_err(|e| key_io(path, e))?;
        Self::parse(&text).map_err(|reason| key_err(path, reason))
    }

    fn parse(text: &str) -> Result<KeyRing, String> {
        let mut keys: Vec<(String, SecretKey)> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let n = n + 1;
            let mut parts = line.split_whitespace();
            let (Some(id), Some(encoded), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(format!("line {n}: expected `<key id> <base64 key>`"));
            };
            if !valid_key_id(id) {
                return Err(format!(
                    "line {n}: invalid key id (1 to 64 characters from A-Z a-z 0-9 . _ -)"
                ));
            }
            if keys.iter().any(|(existing, _)| existing == id) {
                return Err(format!("line {n}: key id {id} appears twice"));
            }
            // Decoded into a wiped buffer; the error never echoes the encoded key.
            let decoded = Zeroizing::new(
                BASE64
                    .decode(encoded.as_bytes())
                    .map_err(|_| format!("line {n}: key {id} is not valid base64"))?,
            );
            if decoded.len() != KEY_LEN {
                return Err(format!(
                    "line {n}: key {id} is {} bytes long, expected {KEY_LEN}",
                    decoded.len()
                ));
            }
            let mut key = Zeroizing::new([0u8; KEY_LEN]);
            key.copy_from_slice(&decoded);
            keys.push((id.to_owned(), key));
        }
        if keys.is_empty() {
            return Err("no key in the file".to_owned());
        }
        Ok(KeyRing { keys })
    }

    fn render(&self) -> Zeroizing<String> {
        let mut text = Zeroizing::new(String::from(HEADER));
        for (id, key) in &self.keys {
            text.push_str(id);
            text.push(' ');
            text.push_str(&Zeroizing::new(BASE64.encode(&key[..])));
            text.push('\n');
        }
        text
    }

    /// Adds a fresh key, makes it current and saves the file atomically. Older keys stay so
    /// existing documents remain readable until they are re-wrapped and the keys retired.
    pub fn rotate(&mut self, path: &Path) -> Result<String, VaultError> {
        let id = loop {
            let candidate = new_key_id();
            if self.key(&candidate).is_none() {
                break candidate;
            }
        };
        self.keys.push((id.clone(), random_key()));
        if let Err(e) = self.save(path) {
            self.keys.pop();
            return Err(e);
        }
        tracing::info!(path = %path.display(), key_id = %id, "rotated vault master key");
        Ok(id)
    }

    /// Removes every key that is neither current nor listed in `still_used` (the key ids still
    /// referenced by stored documents), saves the file, and returns the removed ids.
    pub fn retire_unused(
        &mut self,
        path: &Path,
        still_used: &[String],
    ) -> Result<Vec<String>, VaultError> {
        let current = self.current_id().to_owned();
        let before = self.keys.clone();
        let (keep, retire): (Vec<_>, Vec<_>) = std::mem::take(&mut self.keys)
            .into_iter()
            .partition(|(id, _)| *id == current || still_used.contains(id));
        self.keys = keep;
        if retire.is_empty() {
            return Ok(Vec::new());
        }
        if let Err(e) = self.save(path) {
            // The file was not replaced: keep memory in step with it.
            self.keys = before;
            return Err(e);
        }
        let retired: Vec<String> = retire.into_iter().map(|(id, _)| id).collect();
        tracing::info!(path = %path.display(), retired = ?retired, "retired vault master keys");
        Ok(retired)
    }

    /// The id of the key new documents are wrapped with.
    pub fn current_id(&self) -> &str {
        self.keys.last().map(|(id, _)| id.as_str()).unwrap_or("")
    }

    /// All key ids, oldest first.
    pub fn key_ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(id, _)| id.as_str())
    }

    pub(crate) fn key(&self, id: &str) -> Option<&SecretKey> {
        self.keys.iter().find(|(k, _)| k == id).map(|(_, key)| key)
    }

    pub(crate) fn current(&self) -> Option<(&str, &SecretKey)> {
        self.keys.last().map(|(id, key)| (id.as_str(), key))
    }

    /// Write to a temporary file, fsync, rename over the key file, fsync the directory: a crash
    /// leaves either the old or the new file, never a half-written one.
    fn save(&self, path: &Path) -> Result<(), VaultError> {
        let tmp = temp_path(path);
        let result = write_synced(&tmp, &self.render())
            .and_then(|()| fs::rename(&tmp, path))
            .and_then(|()| sync_parent(path));
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result.map_err(|e| key_io(path, e))
    }
}

fn valid_key_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// `mk-YYYYMMDD-xxxxxxxx`: the date tells an operator how old a key is at a glance.
fn new_key_id() -> String {
    let date = time::OffsetDateTime::now_utc().date();
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!(
        "mk-{:04}{:02}{:02}-{}",
        date.year(),
        u8::from(date.month()),
        date.day(),
        &random[..8]
    )
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", uuid::Uuid::new_v4().simple()))
}

fn write_synced(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all());
    if written.is_err() {
        let _ = fs::remove_file(path);
    }
    written
}

fn sync_parent(path: &Path) -> std::io::Result<()> {
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) => File::open(dir)?.sync_all(),
        None => File::open(".")?.sync_all(),
    }
}

pub(crate) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

#[cfg(unix)]
fn check_private(path: &Path, meta: &fs::Metadata) -> Result<(), VaultError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(VaultError::KeyFilePermissions {
            path: path.to_owned(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _meta: &fs::Metadata) -> Result<(), VaultError> {
    Ok(())
}

fn key_io(path: &Path, source: std::io::Error) -> VaultError {
    VaultError::KeyFileIo {
        path: path.to_owned(),
        source,
    }
}

fn key_err(path: &Path, reason: String) -> VaultError {
    VaultError::KeyFile {
        path: path.to_owned(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reports_the_line_without_echoing_the_key() {
        let bad = "mk-1 c2VjcmV0\n";
        let err = KeyRing::parse(bad).unwrap_err();
        assert!(err.contains("line 1") && err.contains("6 bytes"), "{err}");
        assert!(!err.contains("c2VjcmV0"));
        let err = KeyRing::parse("mk-1 !!!notbase64!!!").unwrap_err();
        assert!(!err.contains("notbase64"), "{err}");
        assert!(KeyRing::parse("# only a comment\n\n").is_err());
        assert!(KeyRing::parse("../evil AAAA").is_err());
        assert!(KeyRing::parse("a b c").is_err());
    }

    #[test]
    fn render_then_parse_keeps_order_and_material() {
        let ring = KeyRing {
            keys: vec![("mk-a".into(), random_key()), ("mk-b".into(), random_key())],
        };
        let again = KeyRing::parse(&ring.render()).unwrap();
        assert_eq!(again.current_id(), "mk-b");
        assert_eq!(again.key_ids().collect::<Vec<_>>(), ["mk-a", "mk-b"]);
        for id in ["mk-a", "mk-b"] {
            assert_eq!(**again.key(id).unwrap(), **ring.key(id).unwrap());
        }
        assert!(!format!("{ring:?}").contains(&BASE64.encode(&ring.key("mk-a").unwrap()[..])));
        assert!(valid_key_id(&new_key_id()));
    }
}
