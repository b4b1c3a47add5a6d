//! Operator mechanics of document content: housekeeping (old sessions, orphan vault objects),
//! master key rotation keeping every document readable, including by a process that was
//! already running. Both backends.
//!
//! The vault dates its objects with the file system clock, so the orphan test uses times
//! around the real clock; everything else uses the fixed clock.

use mds_app::App;
use mds_domain::Timestamp;
use mds_testkit::app::*;

fn real_now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    Timestamp::from_millis(ms)
}

async fn assert_vault_clean(app: &App, what: &str) -> u64 {
    let check = app
        .check_vault()
        .await
        .unwrap_or_else(|e| panic!("{what}: check vault: {e:?}"));
    assert!(
        check.missing_or_unreadable.is_empty() && check.digest_mismatch.is_empty(),
        "{what}: {check:?}"
    );
    check.checked
}

#[test]
fn housekeeping_purges_only_sessions_ended_a_day_ago() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let ended = sign_in(&f.app, DOCTOR, at(0)).await;
        f.app
            .logout(&ended.actor, None, at(1000))
            .await
            .unwrap_or_else(|e| panic!("logout: {e:?}"));
        let live = sign_in(&f.app, REGULATOR, at(0)).await;
        let day = 24 * HOUR;
        let (_, purged) = f
            .app
            .run_housekeeping(at(day))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(purged, 0, "the logout is not a day old yet");
        let (_, purged) = f
            .app
            .run_housekeeping(at(day + 1001))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(purged, 1, "the session logged out a day ago");
        let absolute = f.app.settings().session_absolute_hours * HOUR;
        assert!(
            f.app
                .authenticate(&live.token, at(2 * MINUTE))
                .await
                .is_ok(),
            "the live session is kept"
        );
        let (_, purged) = f
            .app
            .run_housekeeping(at(absolute + day + 1))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(purged, 1, "the session expired a day ago");
    });
}

#[test]
fn the_orphan_sweep_removes_only_old_unreferenced_objects() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let documents = assert_vault_clean(&f.app, "before").await;
        let orphan = f
            .app
            .vault()
            .put(b"contenu d'un depot interrompu")
            .await
            .unwrap_or_else(|e| panic!("put: {e:?}"));
        let listed = |app: &App| {
            let app = app.clone();
            async move {
                app.vault()
                    .list()
                    .await
                    .unwrap_or_else(|e| panic!("list: {e:?}"))
                    .into_iter()
                    .map(|o| o.key)
                    .collect::<Vec<_>>()
            }
        };
        let grace = f.app.settings().orphan_grace_minutes * MINUTE;
        let now = real_now();
        assert_eq!(
            f.app.sweep_orphans(now).await.ok(),
            Some(0),
            "a young orphan may be a deposit in flight"
        );
        assert!(listed(&f.app).await.contains(&orphan.object_key));
        let later = Timestamp::from_millis(now.millis() + grace + MINUTE);
        let (removed, _) = f
            .app
            .run_housekeeping(later)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(removed, 1, "the old orphan");
        assert!(!listed(&f.app).await.contains(&orphan.object_key));
        assert_eq!(
            assert_vault_clean(&f.app, "after").await,
            documents,
            "referenced objects are kept"
        );
    });
}

#[test]
fn key_rotation_keeps_every_document_readable() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let documents = assert_vault_clean(&f.app, "before").await;
        let old_key = f.app.vault().current_key_id();
        let (new_key, rewrapped) = f
            .app
            .rotate_master_key(&f.key_file(), at(0))
            .await
            .unwrap_or_else(|e| panic!("rotate: {e:?}"));
        assert_ne!(new_key, old_key);
        assert_eq!(rewrapped, documents);
        let retired = f
            .app
            .retire_master_keys(&f.key_file(), at(1))
            .await
            .unwrap_or_else(|e| panic!("retire: {e:?}"));
        assert_eq!(retired, vec![old_key]);
        assert_eq!(
            assert_vault_clean(&f.app, "after rotation").await,
            documents
        );
        // After a restart (keys read from the file) too, and new deposits use the new key.
        let restarted = f.second_process();
        assert_eq!(restarted.vault().current_key_id(), new_key);
        mds_demo::bench::vault_writes(
            &restarted,
            &patient_id_by_cafat(&restarted, MARIE_CAFAT).await,
            1,
            at(MINUTE),
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            assert_vault_clean(&restarted, "after restart").await,
            documents + 1
        );
        // Rotating again is safe.
        let (_, rewrapped) = restarted
            .rotate_master_key(&f.key_file(), at(2 * MINUTE))
            .await
            .unwrap_or_else(|e| panic!("rotate again: {e:?}"));
        assert_eq!(rewrapped, documents + 1);
        assert_vault_clean(&restarted, "after the second rotation").await;
    });
}

#[test]
fn key_rotation_by_another_process_loses_no_document() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let documents = assert_vault_clean(&f.app, "before").await;
        // `f.app` is the running service; the operator rotates from another process.
        let operator = f.second_process();
        operator
            .rotate_master_key(&f.key_file(), at(0))
            .await
            .unwrap_or_else(|e| panic!("rotate: {e:?}"));
        // The service keeps storing documents with the key it loaded at start.
        mds_demo::bench::vault_writes(
            &f.app,
            &patient_id_by_cafat(&f.app, MARIE_CAFAT).await,
            1,
            at(MINUTE),
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
        // After the service restarts, every document must still be readable.
        let restarted = f.second_process();
        assert_eq!(
            assert_vault_clean(&restarted, "after restart").await,
            documents + 1
        );
    });
}
