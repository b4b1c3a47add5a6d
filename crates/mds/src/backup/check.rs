//! `mds backup verify DIR`: a backup checked without restoring it — the manifest, the size
//! and SHA-256 of the database file and of every object (none missing, none extra); on SQLite
//! the copy's integrity, its facts (audit head, counts, the objects it refers to) against the
//! manifest and its audit chain walked end to end (on a scratch copy); on PostgreSQL the dump
//! read by `pg_restore --list`.

use super::{file_digest, Manifest, FORMAT, MANIFEST, OBJECTS, PG_FILE, SQLITE_FILE};
use crate::runtime::RunError;
use std::collections::BTreeSet;
use std::path::Path;

/// The manifest and the problems found (none: the backup is whole).
pub(crate) async fn verify(dir: &Path) -> Result<(Manifest, Vec<String>), RunError> {
    let text = std::fs::read(dir.join(MANIFEST)).map_err(|e| {
        RunError::Other(format!(
            "{}: no readable {MANIFEST} ({e}): not a backup, or one that did not finish",
            dir.display()
        ))
    })?;
    let manifest: Manifest =
        serde_json::from_slice(&text).map_err(|e| RunError::Other(format!("{MANIFEST}: {e}")))?;
    let mut problems = Vec::new();
    if manifest.format != FORMAT {
        problems.push(format!("format {:?}, expected {FORMAT:?}", manifest.format));
        return Ok((manifest, problems));
    }
    let expected_db = match manifest.backend.as_str() {
        "sqlite" => SQLITE_FILE,
        "postgres" => PG_FILE,
        other => {
            problems.push(format!("unknown backend {other:?}"));
            return Ok((manifest, problems));
        }
    };
    if manifest.database.name != expected_db {
        problems.push(format!("database file {:?}", manifest.database.name));
        return Ok((manifest, problems));
    }
    check_file(&dir.join(expected_db), &manifest.database, &mut problems);
    let bar = crate::bars::bar(manifest.objects.len() as u64, "vérification");
    for object in &manifest.objects {
        check_file(&dir.join(OBJECTS).join(&object.name), object, &mut problems);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let listed: BTreeSet<&str> = manifest.objects.iter().map(|o| o.name.as_str()).collect();
    for e in std::fs::read_dir(dir.join(OBJECTS))? {
        let name = e?.file_name().to_string_lossy().into_owned();
        if !listed.contains(name.as_str()) {
            problems.push(format!("object {name} is not in the manifest"));
        }
    }
    if problems.is_empty() {
        match manifest.backend.as_str() {
            "sqlite" => check_sqlite(dir, &manifest, &mut problems).await?,
            _ => check_dump(&dir.join(PG_FILE), &mut problems),
        }
    }
    Ok((manifest, problems))
}

fn check_file(path: &Path, expected: &super::FileEntry, problems: &mut Vec<String>) {
    match file_digest(path) {
        Ok((bytes, sha)) if bytes == expected.bytes && sha == expected.sha256 => {}
        Ok((bytes, sha)) => problems.push(format!(
            "{}: {bytes} bytes, SHA-256 {sha}; the manifest says {} bytes, {}",
            expected.name, expected.bytes, expected.sha256
        )),
        Err(e) => problems.push(format!("{}: {e}", expected.name)),
    }
}

async fn check_sqlite(
    dir: &Path,
    manifest: &Manifest,
    problems: &mut Vec<String>,
) -> Result<(), RunError> {
    let facts = match mds_store::snapshot::sqlite_file_facts(&dir.join(SQLITE_FILE)) {
        Ok(f) => f,
        Err(e) => {
            problems.push(format!("database: {e}"));
            return Ok(());
        }
    };
    if (facts.audit_seq, &facts.audit_hash) != (manifest.audit_head.seq, &manifest.audit_head.hash)
    {
        problems.push(format!(
            "database audit head {}:{}, the manifest says {}:{}",
            facts.audit_seq, facts.audit_hash, manifest.audit_head.seq, manifest.audit_head.hash
        ));
    }
    if facts.counts != manifest.counts {
        problems.push(format!(
            "database counts {:?}, the manifest says {:?}",
            facts.counts, manifest.counts
        ));
    }
    let listed: Vec<&str> = manifest.objects.iter().map(|o| o.name.as_str()).collect();
    let referred: Vec<&str> = facts.object_keys.iter().map(String::as_str).collect();
    if listed != referred {
        problems.push("the objects differ from those the database refers to".to_owned());
    }
    // The chain, walked on a scratch copy (opening the database may change its file).
    let scratch = std::env::temp_dir().join(format!("mds-verify-{}", mds_store::new_id()));
    std::fs::create_dir_all(&scratch)?;
    let copy = scratch.join("db.sqlite");
    std::fs::copy(dir.join(SQLITE_FILE), &copy)?;
    let outcome = async {
        let db = mds_store::Db::connect(&format!("sqlite://{}", copy.display())).await?;
        let anchor = Some((manifest.audit_head.seq, manifest.audit_head.hash.clone()));
        let outcome = mds_audit::verify(&db, anchor)
            .await
            .map_err(|e| RunError::Other(format!("audit: {e}")));
        db.close().await;
        outcome
    }
    .await;
    let _ = std::fs::remove_dir_all(&scratch);
    match outcome? {
        mds_audit::VerifyOutcome::Intact { .. } => {}
        mds_audit::VerifyOutcome::Broken { seq, message, .. } => {
            problems.push(format!("audit chain broken at event {seq}: {message}"));
        }
    }
    Ok(())
}

fn check_dump(path: &Path, problems: &mut Vec<String>) {
    match std::process::Command::new("pg_restore")
        .arg("--list")
        .arg(path)
        .stdout(std::process::Stdio::null())
        .status()
    {
        Ok(s) if s.success() => {}
        Ok(s) => problems.push(format!("pg_restore --list refused the dump ({s})")),
        Err(e) => problems.push(format!(
            "cannot run pg_restore ({e}): install the PostgreSQL client (postgresql-client)"
        )),
    }
}
