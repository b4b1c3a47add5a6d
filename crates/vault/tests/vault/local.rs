//! The vault contract on the local-directory backend, plus what only a file system has:
//! the on-disk layout, atomic writes and the clean-up of interrupted ones.

#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use crate::contract::{local_fixture, vault_contract_tests};
use mds_vault::{Backend, KeyRing, LocalDir, Sealed, Vault, VaultError, READ_ON_WORKER_MAX};
use nix::fcntl::PosixFadviseAdvice;

vault_contract_tests!(local_fixture);

#[tokio::test]
async fn objects_live_in_sharded_directories_and_tmp_is_left_empty() {
    let f = local_fixture().await;
    let sealed = f.vault.put(b"layout").await.unwrap();
    let k = &sealed.object_key;
    let root = f.dir.path().join("vault");
    let path = root.join("objects").join(&k[0..2]).join(&k[2..4]).join(k);
    assert!(path.is_file(), "{} missing", path.display());
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let dir_mode = std::fs::metadata(root.join("objects"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(dir_mode & 0o777, 0o700);
    assert_eq!(std::fs::read_dir(root.join("tmp")).unwrap().count(), 0);
}

#[tokio::test]
async fn an_interrupted_write_is_never_served_and_is_swept() {
    let f = local_fixture().await;
    let root = f.dir.path().join("vault");
    // What a crash between "write the .part" and "rename" leaves behind.
    let key = "00112233445566778899aabbccddeeff";
    let part = root.join("tmp").join(format!("{key}.part"));
    std::fs::write(&part, b"MDSV\x01half-writ").unwrap();

    let err = f.vault.backend().read_object(key).await.unwrap_err();
    assert!(matches!(err, VaultError::NotFound { .. }), "{err:?}");
    assert!(f.vault.list().await.unwrap().is_empty());

    // A young .part may belong to a write in progress: kept.
    let swept = f.vault.sweep_temp(Duration::from_secs(3600)).await.unwrap();
    assert!(swept.is_empty());
    assert!(part.exists());
    let swept = f.vault.sweep_temp(Duration::ZERO).await.unwrap();
    assert_eq!(swept, vec![part.clone()]);
    assert!(!part.exists());
}

#[tokio::test]
async fn list_ignores_files_the_vault_did_not_write() {
    let f = local_fixture().await;
    let sealed = f.vault.put(b"mine").await.unwrap();
    let objects = f.dir.path().join("vault").join("objects");
    std::fs::write(objects.join("README"), b"stray").unwrap();
    // A valid-looking key in the wrong shard is not where the vault would read it from.
    let wrong = objects.join("ff").join("ff");
    std::fs::create_dir_all(&wrong).unwrap();
    std::fs::write(wrong.join("00112233445566778899aabbccddeeff"), b"x").unwrap();
    let listed = f.vault.list().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].key, sealed.object_key);
}

#[tokio::test]
async fn ping_fails_clearly_when_the_directory_is_gone() {
    let f = local_fixture().await;
    let root = f.dir.path().join("vault");
    std::fs::remove_dir_all(&root).unwrap();
    let err = f.vault.ping().await.unwrap_err();
    let message = err.to_string();
    assert!(message.contains(&root.display().to_string()), "{message}");
}

/// A small object whose path and bytes are in the kernel's caches is read and decrypted where
/// the caller runs; a larger one, or one whose pages left the cache, waits for the blocking
/// pool. Shown on a runtime whose only blocking thread is held: the first read completes
/// anyway, the other two only once the thread is free. The directory is under the build's
/// target directory, on the disk (tmpfs has no `RWF_NOWAIT` reads and keeps every page).
#[test]
fn only_small_cached_objects_are_read_without_the_blocking_pool() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(1)
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let (ring, _) = KeyRing::load_or_create(&dir.path().join("master.keys")).unwrap();
        let root = dir.path().join("vault");
        let vault = Vault::new(Backend::Local(LocalDir::open(&root).unwrap()), ring);
        let small_content = vec![7u8; 100_000];
        let large_content = vec![9u8; READ_ON_WORKER_MAX as usize + 1];
        let small = vault.put(&small_content).await.unwrap();
        let large = vault.put(&large_content).await.unwrap();
        // Read once with the pool free: both are now in the page cache.
        assert_eq!(get(&vault, &small).await.unwrap(), small_content);
        assert_eq!(get(&vault, &large).await.unwrap(), large_content);

        let (release, held) = std::sync::mpsc::channel::<()>();
        let holder = tokio::task::spawn_blocking(move || held.recv());
        let within = |ms| Duration::from_millis(ms);
        let read = tokio::time::timeout(within(10_000), get(&vault, &small))
            .await
            .expect(
                "a small cached object waited for the pool (is the target directory on a file \
                 system with RWF_NOWAIT reads, e.g. ext4, xfs, btrfs — not tmpfs?)",
            );
        assert_eq!(read.unwrap(), small_content);
        let large_read = tokio::time::timeout(within(300), get(&vault, &large)).await;
        assert!(large_read.is_err(), "a large object was read on the worker");
        // The small object's pages leave the page cache (they are clean: written with fsync).
        let k = &small.object_key;
        let file = std::fs::File::open(root.join("objects").join(&k[0..2]).join(&k[2..4]).join(k))
            .unwrap();
        nix::fcntl::posix_fadvise(&file, 0, 0, PosixFadviseAdvice::POSIX_FADV_DONTNEED).unwrap();
        let uncached = tokio::time::timeout(within(300), get(&vault, &small)).await;
        assert!(
            uncached.is_err(),
            "an uncached object was read on the worker"
        );

        release.send(()).unwrap();
        holder.await.unwrap().unwrap();
        assert_eq!(get(&vault, &small).await.unwrap(), small_content);
        assert_eq!(get(&vault, &large).await.unwrap(), large_content);
    });
}

async fn get(vault: &Vault, s: &Sealed) -> Result<bytes::Bytes, VaultError> {
    vault.get(&s.object_key, &s.wrapped_key, &s.key_id).await
}
