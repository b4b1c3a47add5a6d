//! Backup and restore (DESIGN section 7): `mds backup DIR` takes a consistent copy of the
//! database while the service runs (SQLite's online backup API; on PostgreSQL `pg_dump` of an
//! exported snapshot) and the vault objects that copy refers to, still encrypted, with a
//! manifest (counts, the audit head, the size and SHA-256 of every file); `mds backup verify
//! DIR` checks a backup without restoring it; `mds restore DIR` fills an empty database and
//! vault from it, then checks the audit chain against the manifest.
//!
//! The master key file is never written into the backup: with it a stolen backup would be
//! readable, without it documents are lost, so it is kept elsewhere (`--keys-to`, another
//! medium). The database copy holds identities in clear: protect the directory (created
//! 0700, files 0600) and the medium.

mod check;
mod restore;
mod take;

pub(crate) use check::verify;
pub(crate) use restore::restore;
pub(crate) use take::backup;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

pub(crate) const MANIFEST: &str = "manifest.json";
pub(crate) const OBJECTS: &str = "objects";
const FORMAT: &str = "mds-backup/1";
const SQLITE_FILE: &str = "database.sqlite";
const PG_FILE: &str = "database.pgdump";

/// What a backup holds, written last (a directory without it is an unfinished backup).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Manifest {
    pub format: String,
    pub mds_version: String,
    pub created_at_ms: i64,
    /// `sqlite` or `postgres`: a backup restores into the same kind of database.
    pub backend: String,
    pub database: FileEntry,
    pub audit_head: AuditHead,
    pub counts: BTreeMap<String, i64>,
    pub objects: Vec<FileEntry>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileEntry {
    /// Relative to the backup directory (objects: their vault key).
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(bytes))
}

/// SHA-256 and size of a file, read in chunks.
pub(crate) fn file_digest(path: &Path) -> std::io::Result<(u64, String)> {
    use std::io::Read as _;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((total, data_encoding::HEXLOWER.encode(&hasher.finalize())))
}

/// Writes `bytes` to `path` (a new file, mode 0600) and makes it durable.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Whether `path` is `dir` or below it, compared on absolute paths with `.` and `..`
/// resolved by their text (for "is the key file inside the backup?").
pub(crate) fn is_inside(path: &Path, dir: &Path) -> bool {
    use std::path::Component;
    let normal = |p: &Path| {
        let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
        let mut out: Vec<Component<'_>> = Vec::new();
        for c in abs.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir => {
                    if matches!(out.last(), Some(Component::Normal(_))) {
                        out.pop();
                    }
                }
                other => out.push(other),
            }
        }
        out.iter()
            .map(|c| c.as_os_str().to_owned())
            .collect::<Vec<_>>()
    };
    let (p, d) = (normal(path), normal(dir));
    p.len() >= d.len() && p[..d.len()] == d[..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_is_refused_inside_the_backup() {
        // (path, dir, inside)
        let table = [
            ("/b/k", "/b", true),
            ("/b/sub/k", "/b", true),
            ("/b/../k", "/b", false),
            ("/bk", "/b", false),
            ("/k", "/b", false),
        ];
        for (path, dir, inside) in table {
            assert_eq!(
                is_inside(Path::new(path), Path::new(dir)),
                inside,
                "{path} {dir}"
            );
        }
    }
}
