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
        let (_, purged, _) = f
            .app
            .run_housekeeping(at(day), None, 100_000)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(purged, 0, "the logout is not a day old yet");
        let (_, purged, _) = f
            .app
            .run_housekeeping(at(day + 1001), None, 100_000)
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
        let (_, purged, _) = f
            .app
            .run_housekeeping(at(absolute + day + 1), None, 100_000)
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
        let (removed, _, next) = f
            .app
            .run_housekeeping(later, None, 100_000)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(removed, 1, "the old orphan");
        assert_eq!(next, None, "a small vault is swept in one run");
        assert!(!listed(&f.app).await.contains(&orphan.object_key));
        assert_eq!(
            assert_vault_clean(&f.app, "after").await,
            documents,
            "referenced objects are kept"
        );
    });
}

/// The periodic sweep reads the vault a bounded slice per run and resumes where the previous
/// run stopped: run after run, every old orphan goes and every document stays.
#[test]
fn the_periodic_sweep_resumes_where_it_stopped() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let documents = assert_vault_clean(&f.app, "before").await;
        let mut orphans = Vec::new();
        for i in 0..3u8 {
            let o = f
                .app
                .vault()
                .put(&[i; 64])
                .await
                .unwrap_or_else(|e| panic!("put: {e:?}"));
            orphans.push(o.object_key);
        }
        let stored = f
            .app
            .vault()
            .list()
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
            .len();
        let later = Timestamp::from_millis(
            real_now().millis() + f.app.settings().orphan_grace_minutes * MINUTE + MINUTE,
        );
        let (mut removed, mut runs, mut after) = (0, 0, None);
        loop {
            let (n, next) = f
                .app
                .sweep_orphans_from(later, after, 2)
                .await
                .unwrap_or_else(|e| panic!("{e:?}"));
            assert!(n <= 2, "a run of two objects removed {n}");
            removed += n;
            runs += 1;
            after = next;
            if after.is_none() {
                break;
            }
        }
        assert_eq!(removed, 3);
        assert!(
            runs >= stored / 2,
            "{runs} runs for {stored} objects two at a time"
        );
        let left = f
            .app
            .vault()
            .list()
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(left.iter().all(|o| !orphans.contains(&o.key)));
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

/// The content format version byte of every object in the vault, sorted.
async fn object_formats(app: &App) -> Vec<u8> {
    let mut formats = Vec::new();
    for object in app
        .vault()
        .list()
        .await
        .unwrap_or_else(|e| panic!("list: {e:?}"))
    {
        let raw = app
            .vault()
            .backend()
            .read_object(&object.key)
            .await
            .unwrap_or_else(|e| panic!("read {}: {e:?}", object.key));
        formats.push(raw[4]);
    }
    formats.sort_unstable();
    formats
}

#[test]
fn resealing_moves_old_format_documents_to_format_2_and_keeps_them_readable() {
    on_both(|backend| async move {
        let f = Fixture::empty(backend).await;
        // A service of the previous release: content format 1 (XChaCha20-Poly1305).
        let old_release = App::new(
            f.app.db().clone(),
            local_vault(f.dir.path())
                .with_content_format(mds_vault::ContentFormat::XChaCha20Poly1305),
            mds_app::Settings::default(),
        )
        .unwrap_or_else(|e| panic!("app: {e:?}"));
        mds_demo::load(&old_release, at(-DAY))
            .await
            .unwrap_or_else(|e| panic!("load demo: {e:?}"));
        let documents = assert_vault_clean(&f.app, "format 1, read by the new release").await;
        assert!(documents >= 3, "the demo deposits documents: {documents}");
        let objects = object_formats(&f.app).await.len();
        assert_eq!(object_formats(&f.app).await, vec![1; objects]);

        // Interrupted after two objects (as by --limit): what was done stays done.
        let mut seen = Vec::new();
        let first = f
            .app
            .reseal_content(Some(2), |p| seen.push(p), at(0))
            .await
            .unwrap_or_else(|e| panic!("reseal --limit 2: {e:?}"));
        assert_eq!((first.format, first.resealed), (2, 2));
        assert!(
            first.stopped_at_limit && first.failed.is_empty(),
            "{first:?}"
        );
        assert_eq!(seen.last().map(|p| (p.examined, p.resealed)), Some((2, 2)));
        assert_eq!(
            assert_vault_clean(&f.app, "half re-sealed").await,
            documents
        );
        let mut formats = vec![1; objects - 2];
        formats.extend([2, 2]);
        assert_eq!(object_formats(&f.app).await, formats, "old objects deleted");

        // The next run resumes, from another process.
        let operator = f.second_process();
        let rest = operator
            .reseal_content(None, |_| {}, at(MINUTE))
            .await
            .unwrap_or_else(|e| panic!("reseal: {e:?}"));
        assert_eq!(
            (rest.resealed, rest.already_current, rest.changed_meanwhile),
            (objects as u64 - 2, 2, 0),
            "{rest:?}"
        );
        assert!(!rest.stopped_at_limit && rest.failed.is_empty());
        assert_eq!(object_formats(&f.app).await, vec![2; objects]);
        assert_eq!(assert_vault_clean(&f.app, "re-sealed").await, documents);
        assert_eq!(
            assert_vault_clean(&f.second_process(), "after a restart").await,
            documents
        );
        // Then there is nothing left to do.
        let again = operator
            .reseal_content(None, |_| {}, at(2 * MINUTE))
            .await
            .unwrap_or_else(|e| panic!("reseal again: {e:?}"));
        assert_eq!((again.resealed, again.already_current), (0, objects as u64));
        // Each pass is audited.
        assert_eq!(events_of(&f.app, "vault.content.reseal").await.len(), 3);
    });
}
