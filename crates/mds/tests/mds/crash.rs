//! Crash safety of document writes: SIGKILL during a burst of vault writes, then after restart
//! every committed document has readable content, and the orphan sweep removes content that
//! never got its row. On every backend of the run (SQLite, and PostgreSQL when selected).
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use crate::binary::*;
use mds_testkit::{backends, fresh_postgres_url, TestBackend};
use std::time::Duration;

#[tokio::test]
async fn sigkill_during_vault_writes_leaves_no_committed_document_without_content() {
    for backend in backends() {
        kill_during_vault_writes(backend).await;
    }
}

async fn kill_during_vault_writes(backend: TestBackend) {
    let dir = tempfile::tempdir().unwrap();
    let mut env = base_env(dir.path());
    if backend == TestBackend::Postgres {
        env.push(("MDS_DATABASE_URL".into(), fresh_postgres_url().await));
    }
    assert!(mds(&env, &["demo", "load"]).status.success());
    let objects = || vault_files(&dir.path().join("vault")).len();
    for round in 0..3 {
        let mut child = command(&env, &["bench", "vault-writes", "--count", "1000000"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Kill in the middle of the burst: once it has written a few objects (however slow
        // the machine), plus a varying delay so the kill lands at different points.
        let before = objects();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while objects() < before + 5 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(37 * round));
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        assert!(
            !status.success(),
            "{backend:?}: the burst must have been killed, not finished"
        );
    }

    let report = json_out(&env, &["vault", "check"]);
    let checked = report["checked"].as_u64().unwrap();
    assert!(
        checked > 9,
        "{backend:?}: the bursts committed documents before being killed: {report}"
    );
    assert_eq!(report["missing_or_unreadable"], serde_json::json!([]));
    assert_eq!(report["digest_mismatch"], serde_json::json!([]));

    // Content without a row (killed between the vault write and the commit) is swept.
    env.push(("MDS_SECURITY_ORPHAN_GRACE_MINUTES".into(), "0".into()));
    let sweep = mds(&env, &["vault", "sweep"]);
    assert!(sweep.status.success(), "{}", stderr(&sweep));
    let objects = vault_files(&dir.path().join("vault"));
    assert!(
        objects
            .iter()
            .all(|p| !p.to_string_lossy().ends_with(".part")),
        "no half-written file remains"
    );
    let stored = objects
        .iter()
        .filter(|p| p.to_string_lossy().contains("/objects/"))
        .count();
    // Plus the 3 identity files of the support console's demo cases (two enrolment scans, a
    // consent form held with a review), which the document check does not count.
    assert_eq!(
        u64::try_from(stored).unwrap(),
        checked + 3,
        "one object per committed document (and identity file) after the sweep"
    );
    let verify = mds(&env, &["audit", "verify"]);
    assert!(verify.status.success(), "{backend:?}: {}", stdout(&verify));
}
