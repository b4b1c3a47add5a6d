//! Backup and restore with the real binary (issue 16 item 1), on SQLite with local files and on
//! PostgreSQL with S3: `mds backup` while the service runs and deposits go on; the master
//! keys are never in the backup (and refused inside it); `mds backup verify` passes, and names
//! what was changed in a tampered copy; `mds restore` into an empty database and vault, then
//! `mds vault check` and `mds audit verify` pass and every document acknowledged before the
//! backup reads back with its SHA-256; a restore into a database or vault in use is refused.

use crate::binary::*;
use mds_testkit::app::*;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_then_restore_on_sqlite_and_local_files() {
    round_trip(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_then_restore_on_postgresql_and_s3() {
    let (Some(_), Some(endpoint)) = (pg_admin_url(), s3_endpoint()) else {
        return;
    };
    round_trip(Some(endpoint)).await;
}

/// The environment of one installation: SQLite and local files, or a fresh PostgreSQL
/// database and S3 bucket; the master key file at `keys`.
async fn installation(dir: &Path, s3: Option<&str>, keys: &Path) -> Vec<(String, String)> {
    std::fs::create_dir_all(dir).unwrap();
    let mut env = base_env(dir);
    env.push((
        "MDS_VAULT_MASTER_KEY_FILE".into(),
        keys.display().to_string(),
    ));
    if let Some(endpoint) = s3 {
        let secret = dir.join("s3.secret");
        std::fs::write(&secret, "test-secret\n").unwrap();
        for (k, v) in [
            ("MDS_DATABASE_URL", fresh_postgres_url().await),
            ("MDS_VAULT_BACKEND", "s3".to_owned()),
            ("MDS_VAULT_S3_ENDPOINT", endpoint.to_owned()),
            (
                "MDS_VAULT_S3_BUCKET",
                format!("mds-backup-{}", &mds_store::new_id()[..8]),
            ),
            ("MDS_VAULT_S3_ACCESS_KEY_ID", "test".to_owned()),
            (
                "MDS_VAULT_S3_SECRET_ACCESS_KEY_FILE",
                secret.display().to_string(),
            ),
        ] {
            env.push((k.to_owned(), v));
        }
    }
    env
}

async fn round_trip(s3: Option<&str>) {
    let root = tempfile::tempdir().unwrap();
    let live_keys = root.path().join("live").join("master.keys");
    let live = installation(&root.path().join("live"), s3, &live_keys).await;
    let server = Server::start(&live, &["--demo"]);
    let client = http();
    let url = server.url.clone();
    let doctor = token(&client, &url, DOCTOR).await;
    let patient = token(&client, &url, PATIENT).await;
    let pid = own_record_id(&client, &url, &patient).await;
    let mut before = Vec::new();
    for i in 0..5 {
        let content = format!("Compte rendu sauvegardé {i} {}", mds_store::new_id()).into_bytes();
        let id = deposit(&client, &url, &doctor, &pid, &content)
            .await
            .unwrap();
        before.push((id, sha(&content)));
    }

    // Deposits go on while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (client, url, doctor, pid, stop) = (
            client.clone(),
            url.clone(),
            doctor.clone(),
            pid.clone(),
            stop.clone(),
        );
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let content = format!("Pendant la sauvegarde {n} {}", mds_store::new_id());
                if deposit(&client, &url, &doctor, &pid, content.as_bytes())
                    .await
                    .is_some()
                {
                    n += 1;
                }
            }
            n
        })
    };
    let backup = root.path().join("backup");
    let refused = mds(
        &live,
        &[
            "backup",
            backup.to_str().unwrap(),
            "--keys-to",
            backup.join("keys").to_str().unwrap(),
        ],
    );
    assert!(!refused.status.success(), "keys inside the backup refused");
    assert!(
        stderr(&refused).contains("never travel with"),
        "{}",
        stderr(&refused)
    );
    let keys_copy = root.path().join("elsewhere").join("master.keys");
    std::fs::create_dir_all(keys_copy.parent().unwrap()).unwrap();
    let taken = json_out(
        &live,
        &[
            "backup",
            backup.to_str().unwrap(),
            "--keys-to",
            keys_copy.to_str().unwrap(),
        ],
    );
    stop.store(true, Ordering::SeqCst);
    let during = writer.await.unwrap();
    assert!(during > 0, "deposits went on during the backup");
    assert_eq!(taken["master_keys"], "not in the backup");
    let key_text = std::fs::read_to_string(&live_keys).unwrap();
    let secret = key_text
        .lines()
        .last()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap();
    for f in vault_files(&backup) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(secret),
            "a master key in the backup: {}",
            f.display()
        );
    }
    assert_eq!(std::fs::read_to_string(&keys_copy).unwrap(), key_text);
    let documents = taken["counts"]["documents"].as_i64().unwrap();
    assert!(documents >= 9 + 5, "the demo's and ours: {documents}");

    let verified = json_out(&live, &["backup", "verify", backup.to_str().unwrap()]);
    assert_eq!(verified["ok"], true, "{verified}");
    assert_eq!(verified["problems"], json!([]));
    tampered_copies_are_named(&live, &backup, root.path());
    drop(server);

    // A restore into the installation in use is refused; into an empty one it succeeds.
    let busy = mds(&live, &["restore", backup.to_str().unwrap()]);
    assert!(
        !busy.status.success(),
        "restore into a used installation refused"
    );
    let fresh = installation(&root.path().join("fresh"), s3, &keys_copy).await;
    let restored = json_out(&fresh, &["restore", backup.to_str().unwrap()]);
    assert_eq!(restored["audit_head"], taken["audit_head"], "{restored}");
    assert_eq!(restored["counts"], taken["counts"]);
    let check = json_out(&fresh, &["vault", "check"]);
    assert_eq!(check["missing_or_unreadable"], json!([]), "{check}");
    assert_eq!(check["digest_mismatch"], json!([]));
    assert!(check["checked"].as_i64().unwrap() >= 14, "{check}");
    let audit = mds(&fresh, &["audit", "verify"]);
    assert!(
        audit.status.success(),
        "{}{}",
        stdout(&audit),
        stderr(&audit)
    );

    // Sessions live in the database: the doctor's session came back with it (signing in
    // again within the same 30 s would be refused as a replayed code).
    let server = Server::start(&fresh, &[]);
    let url = server.url.clone();
    assert_reads_back(&client, &url, &doctor, &pid, &before, "after the restore").await;
    assert_eq!(server.terminate().code(), Some(0));
    let again = mds(&fresh, &["restore", backup.to_str().unwrap()]);
    assert!(
        !again.status.success(),
        "a second restore onto restored data refused"
    );
}

/// A change made to a copy of a backup.
type Tamper<'a> = Box<dyn Fn(&Path) + 'a>;

/// A changed object, a removed one and a changed manifest are each named by `verify`.
fn tampered_copies_are_named(env: &[(String, String)], backup: &Path, scratch: &Path) {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(backup.join("manifest.json")).unwrap()).unwrap();
    let object = manifest["objects"][0]["name"].as_str().unwrap().to_owned();
    // (what is done to the copy, what the report must name)
    let cases: [(&str, Tamper<'_>, &str); 3] = [
        (
            "flipped",
            Box::new(|d: &Path| {
                let p = d.join("objects").join(&object);
                let mut b = std::fs::read(&p).unwrap();
                b[10] ^= 1;
                std::fs::write(&p, b).unwrap();
            }),
            object.as_str(),
        ),
        (
            "removed",
            Box::new(|d: &Path| std::fs::remove_file(d.join("objects").join(&object)).unwrap()),
            object.as_str(),
        ),
        (
            "counts",
            Box::new(|d: &Path| {
                let p = d.join("manifest.json");
                let mut m: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                let n = m["database"]["bytes"].as_i64().unwrap();
                m["database"]["bytes"] = json!(n + 1);
                std::fs::write(&p, serde_json::to_vec(&m).unwrap()).unwrap();
            }),
            "database.",
        ),
    ];
    for (name, tamper, named) in cases {
        let copy = scratch.join(format!("tampered-{name}"));
        copy_dir(backup, &copy);
        tamper(&copy);
        let out = mds(env, &["backup", "verify", copy.to_str().unwrap()]);
        assert!(!out.status.success(), "{name}: verify must fail");
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["ok"], false);
        assert!(
            report["problems"].to_string().contains(named),
            "{name}: {report}"
        );
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
