//! `mds backup DIR`: the database snapshot first, then the objects it refers to, then the
//! manifest; the master key file only where `--keys-to` says, never inside DIR.

use super::{
    file_digest, is_inside, sha256_hex, write_private, AuditHead, FileEntry, Manifest, FORMAT,
    MANIFEST, OBJECTS, PG_FILE, SQLITE_FILE,
};
use crate::config::Config;
use crate::runtime::RunError;
use mds_app::App;
use mds_domain::Timestamp;
use mds_store::snapshot::SnapshotFacts;
use mds_store::Backend as DbBackend;
use std::path::Path;

/// Takes a backup of the running service's data into `dir` (new or empty).
pub(crate) async fn backup(
    cfg: &Config,
    app: &App,
    dir: &Path,
    keys_to: Option<&Path>,
    now: Timestamp,
) -> Result<Manifest, RunError> {
    if let Some(keys) = keys_to {
        if is_inside(keys, dir) {
            return Err(RunError::Other(format!(
                "--keys-to {} is inside the backup {}: the master keys must never travel with \
                 the data they protect (a stolen backup would be readable); choose another \
                 medium",
                keys.display(),
                dir.display()
            )));
        }
    }
    prepare_dir(dir)?;
    let (backend, database, facts) = match app.db().backend() {
        DbBackend::Sqlite => {
            let path = dir.join(SQLITE_FILE);
            eprintln!("mds: copying the database (SQLite online backup)…");
            let facts = app.db().backup_sqlite(&path).await?;
            set_private(&path)?;
            ("sqlite", entry(dir, SQLITE_FILE)?, facts)
        }
        DbBackend::Postgres => {
            let snapshot = app.db().export_pg_snapshot().await?;
            eprintln!(
                "mds: dumping the database (pg_dump of snapshot {})…",
                snapshot.id
            );
            let dumped = pg_dump(&cfg.database_url()?, &snapshot.id, &dir.join(PG_FILE));
            let facts = snapshot.facts.clone();
            snapshot.release().await?;
            dumped?;
            set_private(&dir.join(PG_FILE))?;
            ("postgres", entry(dir, PG_FILE)?, facts)
        }
    };
    let objects = copy_objects(app, dir, &facts).await?;
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        mds_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at_ms: now.millis(),
        backend: backend.to_owned(),
        database,
        audit_head: AuditHead {
            seq: facts.audit_seq,
            hash: facts.audit_hash.clone(),
        },
        counts: facts.counts.clone(),
        objects,
    };
    let text = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| RunError::Other(format!("manifest: {e}")))?;
    write_private(&dir.join(MANIFEST), &text)?;
    sync_dir(dir)?;
    if let Some(keys) = keys_to {
        let key_file = cfg.master_key_file();
        let bytes = std::fs::read(&key_file)?;
        write_private(keys, &bytes)?;
        eprintln!(
            "mds: master keys copied to {} (not in the backup).",
            keys.display()
        );
    }
    eprintln!(
        "mds: the master keys ({}) are NOT in this backup, on purpose: without them its \
         documents cannot be read, with them a stolen backup could. Keep a copy of the key \
         file on another medium (--keys-to FILE), and protect this directory: its database \
         holds identities in clear.",
        cfg.master_key_file().display()
    );
    record_event(app, dir, &manifest, now).await?;
    Ok(manifest)
}

fn prepare_dir(dir: &Path) -> Result<(), RunError> {
    use std::os::unix::fs::DirBuilderExt as _;
    if dir.exists() {
        if std::fs::read_dir(dir)?.next().is_some() {
            return Err(RunError::Other(format!(
                "{} is not empty: a backup goes into a new or empty directory",
                dir.display()
            )));
        }
    } else {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(dir.join(OBJECTS))?;
    Ok(())
}

fn set_private(path: &Path) -> Result<(), RunError> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    std::fs::File::open(path)?.sync_all()?;
    Ok(())
}

fn sync_dir(dir: &Path) -> Result<(), RunError> {
    std::fs::File::open(dir.join(OBJECTS))?.sync_all()?;
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

fn entry(dir: &Path, name: &str) -> Result<FileEntry, RunError> {
    let (bytes, sha256) = file_digest(&dir.join(name))?;
    Ok(FileEntry {
        name: name.to_owned(),
        bytes,
        sha256,
    })
}

/// `pg_dump` of the exported snapshot, custom format (what `pg_restore` reads).
fn pg_dump(url: &str, snapshot: &str, out: &Path) -> Result<(), RunError> {
    let status = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--no-owner", "--no-privileges"])
        .arg(format!("--snapshot={snapshot}"))
        .arg(format!("--file={}", out.display()))
        .arg(format!("--dbname={url}"))
        .status()
        .map_err(|e| {
            RunError::Other(format!(
                "cannot run pg_dump ({e}): install the PostgreSQL client of the server's \
                 version (Debian: postgresql-client)"
            ))
        })?;
    if !status.success() {
        return Err(RunError::Other(format!("pg_dump failed ({status})")));
    }
    Ok(())
}

/// Copies, still encrypted, every object the snapshot refers to. One that is gone means it
/// was deleted after the snapshot (an erasure, the retention job) or is lost: the backup
/// stops and says so rather than keep a copy that would not restore whole.
async fn copy_objects(
    app: &App,
    dir: &Path,
    facts: &SnapshotFacts,
) -> Result<Vec<FileEntry>, RunError> {
    let storage = app.vault().backend();
    let bar = crate::bars::bar(facts.object_keys.len() as u64, "objets du coffre");
    let mut out = Vec::with_capacity(facts.object_keys.len());
    for key in &facts.object_keys {
        let bytes = storage.read_object(key).await.map_err(|e| {
            RunError::Other(format!(
                "vault object {key}, referred to by the database snapshot, cannot be read \
                 ({e}): it was deleted since the snapshot (run the backup again) or is lost \
                 (`mds vault check` names its document)"
            ))
        })?;
        write_private(&dir.join(OBJECTS).join(key), &bytes)?;
        out.push(FileEntry {
            name: key.clone(),
            bytes: bytes.len() as u64,
            sha256: sha256_hex(&bytes),
        });
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(out)
}

/// The backup is itself an event of the audit (by the system, after the snapshot).
async fn record_event(
    app: &App,
    dir: &Path,
    manifest: &Manifest,
    now: Timestamp,
) -> Result<(), RunError> {
    let event = mds_audit::NewEvent {
        detail: serde_json::json!({
            "directory": dir.display().to_string(),
            "objects": manifest.objects.len(),
            "audit_seq": manifest.audit_head.seq,
        }),
        ..mds_audit::NewEvent::new(
            mds_audit::ActorKind::System,
            "backup.taken",
            mds_audit::Outcome::Success,
        )
    };
    mds_audit::record(app.db(), event, now.millis())
        .await
        .map_err(|e| RunError::Other(format!("audit: {e}")))?;
    Ok(())
}
