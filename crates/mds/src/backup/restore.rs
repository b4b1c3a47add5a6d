//! `mds restore DIR`: into an empty database and an empty vault only. The backup is verified
//! first; the database comes back (a file copy on SQLite, `pg_restore` in one transaction on
//! PostgreSQL), then the objects, still encrypted; the schema is migrated forward if the
//! backup is older; the audit chain must verify and end at the manifest's head.

use super::{verify, Manifest, OBJECTS, PG_FILE, SQLITE_FILE};
use crate::config::Config;
use crate::runtime::RunError;
use mds_domain::Timestamp;
use mds_store::{Backend as DbBackend, Db, Query};
use serde::Serialize;
use std::path::Path;

/// What a restore did.
#[derive(Debug, Serialize)]
pub(crate) struct Restored {
    pub backend: String,
    pub objects: usize,
    pub audit_events: i64,
    pub audit_head: String,
    pub counts: std::collections::BTreeMap<String, i64>,
}

pub(crate) async fn restore(
    cfg: &Config,
    dir: &Path,
    now: Timestamp,
) -> Result<Restored, RunError> {
    let (manifest, problems) = verify(dir).await?;
    if !problems.is_empty() {
        return Err(RunError::Other(format!(
            "the backup in {} is not whole; nothing restored:\n  {}",
            dir.display(),
            problems.join("\n  ")
        )));
    }
    let url = cfg.database_url()?;
    let target = DbBackend::from_url(&url)?;
    let target_name = match target {
        DbBackend::Sqlite => "sqlite",
        DbBackend::Postgres => "postgres",
    };
    if manifest.backend != target_name {
        return Err(RunError::Other(format!(
            "this backup is of a {} database and the configuration names a {target_name} one: \
             restore into the same kind of database",
            manifest.backend
        )));
    }
    std::fs::create_dir_all(&cfg.data_dir)?;
    let storage = crate::runtime::vault_backend(cfg).await?;
    if !storage.list_objects().await?.is_empty() {
        return Err(RunError::Other(
            "the configured vault is not empty: restore into an empty one (nothing restored)"
                .into(),
        ));
    }
    match target {
        DbBackend::Sqlite => restore_sqlite(dir, &url)?,
        DbBackend::Postgres => restore_postgres(dir, &url).await?,
    }
    let bar = crate::bars::bar(manifest.objects.len() as u64, "objets du coffre");
    for object in &manifest.objects {
        let bytes = std::fs::read(dir.join(OBJECTS).join(&object.name))?;
        if super::sha256_hex(&bytes) != object.sha256 {
            return Err(RunError::Other(format!(
                "object {} changed while being restored",
                object.name
            )));
        }
        storage.write_object(&object.name, bytes).await?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let restored = check_chain(&db, &manifest).await?;
    let event = mds_audit::NewEvent {
        detail: serde_json::json!({
            "directory": dir.display().to_string(),
            "backup_taken_at_ms": manifest.created_at_ms,
            "audit_seq": manifest.audit_head.seq,
        }),
        ..mds_audit::NewEvent::new(
            mds_audit::ActorKind::System,
            "backup.restored",
            mds_audit::Outcome::Success,
        )
    };
    mds_audit::record(&db, event, now.millis())
        .await
        .map_err(|e| RunError::Other(format!("audit: {e}")))?;
    db.close().await;
    if !cfg.master_key_file().exists() {
        eprintln!(
            "mds: restored. The master key file {} is missing: put the copy kept apart from \
             the backup there (mode 0600) before `mds vault check` and `mds serve`.",
            cfg.master_key_file().display()
        );
    }
    Ok(restored)
}

/// The file copied into place under a temporary name, made durable, then renamed.
fn restore_sqlite(dir: &Path, url: &str) -> Result<(), RunError> {
    let path = &mds_store::sqlite_path(url)?;
    let taken = ["", "-wal", "-shm"].iter().any(|suffix| {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        Path::new(&p).metadata().is_ok_and(|m| m.len() > 0)
    });
    if taken {
        return Err(RunError::Other(format!(
            "{} already exists: restore into an empty data directory (nothing restored)",
            path.display()
        )));
    }
    let partial = path.with_extension("restoring");
    std::fs::copy(dir.join(SQLITE_FILE), &partial)?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, path)?;
    if let Some(parent) = path.parent() {
        std::fs::File::open(parent)?.sync_all()?;
    }
    Ok(())
}

async fn restore_postgres(dir: &Path, url: &str) -> Result<(), RunError> {
    let db = Db::connect(url).await?;
    let (tables,): (i64,) =
        Query::new("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")
            .fetch_one(&db)
            .await?;
    db.close().await;
    if tables > 0 {
        return Err(RunError::Other(
            "the configured PostgreSQL database has tables: restore into an empty database \
             (createdb), nothing restored"
                .into(),
        ));
    }
    eprintln!("mds: restoring the database (pg_restore, one transaction)…");
    let status = std::process::Command::new("pg_restore")
        .args([
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
        ])
        .arg(format!("--dbname={url}"))
        .arg(dir.join(PG_FILE))
        .status()
        .map_err(|e| {
            RunError::Other(format!(
                "cannot run pg_restore ({e}): install the PostgreSQL client (postgresql-client)"
            ))
        })?;
    if !status.success() {
        return Err(RunError::Other(format!(
            "pg_restore failed ({status}); the database was left as it was"
        )));
    }
    Ok(())
}

/// The restored chain must be intact and end at the backup's head.
async fn check_chain(db: &Db, manifest: &Manifest) -> Result<Restored, RunError> {
    let anchor = Some((manifest.audit_head.seq, manifest.audit_head.hash.clone()));
    match mds_audit::verify(db, anchor)
        .await
        .map_err(|e| RunError::Other(format!("audit: {e}")))?
    {
        mds_audit::VerifyOutcome::Intact {
            events,
            head_seq,
            head_hash,
        } if head_seq == manifest.audit_head.seq && head_hash == manifest.audit_head.hash => {
            Ok(Restored {
                backend: manifest.backend.clone(),
                objects: manifest.objects.len(),
                audit_events: events,
                audit_head: format!("{head_seq}:{head_hash}"),
                counts: manifest.counts.clone(),
            })
        }
        mds_audit::VerifyOutcome::Intact {
            head_seq,
            head_hash,
            ..
        } => Err(RunError::Other(format!(
            "the restored audit chain ends at {head_seq}:{head_hash}, the backup's at {}:{}",
            manifest.audit_head.seq, manifest.audit_head.hash
        ))),
        mds_audit::VerifyOutcome::Broken { seq, message, .. } => Err(RunError::Other(format!(
            "the restored audit chain is broken at event {seq}: {message}"
        ))),
    }
}
