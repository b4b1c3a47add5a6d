//! The contract every vault backend must pass, written once and instantiated per backend by
//! `vault_contract_tests!`; it must not depend on which backend runs it except through
//! `Fixture`. Also the fixtures of both backends.

use std::path::{Path, PathBuf};

use data_encoding::BASE64;
use mds_testkit::vault::fresh_s3_store;
use mds_vault::{Backend, KeyRing, LocalDir, Vault, VaultError};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

pub struct Fixture {
    pub vault: Vault,
    pub key_path: PathBuf,
    /// Keeps the temporary key file (and local vault directory) alive for the test.
    pub dir: TempDir,
}

fn fresh_keys() -> (TempDir, PathBuf, KeyRing) {
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("keys").join("master.keys");
    let (ring, created) = KeyRing::load_or_create(&key_path).unwrap();
    assert!(created);
    (dir, key_path, ring)
}

pub async fn local_fixture() -> Fixture {
    let (dir, key_path, ring) = fresh_keys();
    let backend = Backend::Local(LocalDir::open(&dir.path().join("vault")).unwrap());
    Fixture {
        vault: Vault::new(backend, ring),
        key_path,
        dir,
    }
}

/// On a fresh bucket of the run's S3 server; `None` when the run has no S3 server.
pub async fn s3_fixture() -> Option<Fixture> {
    let store = fresh_s3_store().await?;
    let (dir, key_path, ring) = fresh_keys();
    Some(Fixture {
        vault: Vault::new(Backend::S3(store), ring),
        key_path,
        dir,
    })
}

/// Writes a key file by hand in the documented format, mode 0600.
pub fn write_key_file(path: &Path, lines: &[(&str, [u8; 32])]) {
    use std::os::unix::fs::PermissionsExt;
    let text: String = lines
        .iter()
        .map(|(id, key)| format!("{id} {}\n", BASE64.encode(key)))
        .collect();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

fn sample(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

fn expect_corrupt(result: Result<bytes::Bytes, VaultError>, what: &str) {
    match result {
        Err(VaultError::Corrupt { .. }) => {}
        other => panic!("{what}: expected a Corrupt error, got {other:?}"),
    }
}

const BAD_KEYS: &[&str] = &[
    "",
    "../x",
    "../../../../etc/passwd",
    "objects/../../x",
    "/etc/passwd",
    "0123456789ABCDEF0123456789ABCDEF",
    "0123456789abcdef0123456789abcde",
    "0123456789abcdef/123456789abcdef",
    "..%2f..%2fx",
];

pub async fn round_trip(f: Fixture) {
    for content in [Vec::new(), b"Compte rendu : RAS.".to_vec(), sample(1 << 20)] {
        let sealed = f.vault.put(&content).await.unwrap();
        assert_eq!(sealed.size, content.len() as u64);
        assert_eq!(
            sealed.sha256_hex,
            data_encoding::HEXLOWER.encode(&Sha256::digest(&content))
        );
        assert_eq!(sealed.key_id, f.vault.current_key_id());
        let stored = f
            .vault
            .backend()
            .read_object(&sealed.object_key)
            .await
            .unwrap();
        assert!(!content.is_empty() || stored.len() > 16);
        if content.len() >= 8 {
            assert!(
                !stored.windows(8).any(|w| w == &content[..8]),
                "plaintext is visible in the stored object"
            );
        }
        let back = f
            .vault
            .get(&sealed.object_key, &sealed.wrapped_key, &sealed.key_id)
            .await
            .unwrap();
        assert_eq!(back, content);
    }
}

pub async fn object_keys_are_fresh(f: Fixture) {
    let a = f.vault.put(b"same").await.unwrap();
    let b = f.vault.put(b"same").await.unwrap();
    assert_ne!(a.object_key, b.object_key);
    assert_ne!(a.wrapped_key, b.wrapped_key);
    assert_eq!(a.sha256_hex, b.sha256_hex);
}

pub async fn missing_object_is_not_found(f: Fixture) {
    let sealed = f.vault.put(b"x").await.unwrap();
    f.vault.delete(&sealed.object_key).await.unwrap();
    let err = f
        .vault
        .get(&sealed.object_key, &sealed.wrapped_key, &sealed.key_id)
        .await
        .unwrap_err();
    assert!(matches!(err, VaultError::NotFound { .. }), "{err:?}");
}

pub async fn tampered_object_rejected(f: Fixture) {
    let sealed = f.vault.put(b"Ordonnance: 1 boite").await.unwrap();
    let raw = f
        .vault
        .backend()
        .read_object(&sealed.object_key)
        .await
        .unwrap();
    for index in [0, 5, 10, raw.len() / 2, raw.len() - 1] {
        let mut bad = raw.clone();
        bad[index] ^= 0x80;
        f.vault
            .backend()
            .write_object(&sealed.object_key, bad)
            .await
            .unwrap();
        let got = f
            .vault
            .get(&sealed.object_key, &sealed.wrapped_key, &sealed.key_id)
            .await;
        expect_corrupt(got, &format!("byte {index} flipped"));
    }
}

pub async fn truncated_object_rejected(f: Fixture) {
    let sealed = f.vault.put(&sample(4096)).await.unwrap();
    let raw = f
        .vault
        .backend()
        .read_object(&sealed.object_key)
        .await
        .unwrap();
    for len in [raw.len() - 1, raw.len() - 17, raw.len() / 2, 29, 4, 0] {
        f.vault
            .backend()
            .write_object(&sealed.object_key, raw[..len].to_vec())
            .await
            .unwrap();
        let got = f
            .vault
            .get(&sealed.object_key, &sealed.wrapped_key, &sealed.key_id)
            .await;
        expect_corrupt(got, &format!("truncated to {len} bytes"));
    }
}

pub async fn swapped_object_rejected(f: Fixture) {
    let a = f.vault.put(b"document of patient A").await.unwrap();
    let b = f.vault.put(b"document of patient B").await.unwrap();
    let b_raw = f.vault.backend().read_object(&b.object_key).await.unwrap();
    f.vault
        .backend()
        .write_object(&a.object_key, b_raw)
        .await
        .unwrap();
    // A's row now points at B's content: A's data key cannot open it ...
    let got = f.vault.get(&a.object_key, &a.wrapped_key, &a.key_id).await;
    expect_corrupt(got, "A's key on B's content");
    // ... and moving B's wrapped key along with it does not help: it is bound to B's name.
    let err = f
        .vault
        .get(&a.object_key, &b.wrapped_key, &b.key_id)
        .await
        .unwrap_err();
    assert!(matches!(err, VaultError::Unwrap { .. }), "{err:?}");
}

pub async fn tampered_wrapped_key_rejected(f: Fixture) {
    let sealed = f.vault.put(b"x").await.unwrap();
    let mut wrapped = sealed.wrapped_key.clone();
    wrapped[30] ^= 1;
    let err = f
        .vault
        .get(&sealed.object_key, &wrapped, &sealed.key_id)
        .await
        .unwrap_err();
    assert!(matches!(err, VaultError::Unwrap { .. }), "{err:?}");
    let err = f
        .vault
        .get(
            &sealed.object_key,
            &sealed.wrapped_key[..40],
            &sealed.key_id,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, VaultError::Unwrap { .. }), "{err:?}");
}

pub async fn wrong_master_key_rejected(f: Fixture) {
    let sealed = f.vault.put(b"secret content").await.unwrap();
    // Same key id, different key material: what a restored-from-the-wrong-backup key file does.
    let other_path = f.dir.path().join("other.keys");
    write_key_file(&other_path, &[(&sealed.key_id, [7u8; 32])]);
    let other = Vault::new(
        f.vault.backend().clone(),
        KeyRing::load(&other_path).unwrap(),
    );
    let err = other
        .get(&sealed.object_key, &sealed.wrapped_key, &sealed.key_id)
        .await
        .unwrap_err();
    assert!(matches!(err, VaultError::Unwrap { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(&sealed.object_key), "{message}");
    // An id the ring does not know at all is a distinct, explicit error.
    let err = f
        .vault
        .get(&sealed.object_key, &sealed.wrapped_key, "mk-unknown")
        .await
        .unwrap_err();
    assert!(matches!(err, VaultError::UnknownKeyId { .. }), "{err:?}");
}

pub async fn key_rotation(f: Fixture) {
    let old = f.vault.put(b"written before rotation").await.unwrap();
    let old_id = old.key_id.clone();
    let mut ring = KeyRing::load(&f.key_path).unwrap();
    let new_id = ring.rotate(&f.key_path).unwrap();
    assert_ne!(new_id, old_id);
    assert_eq!(ring.current_id(), new_id);
    f.vault.reload_keys(KeyRing::load(&f.key_path).unwrap());
    assert_eq!(f.vault.current_key_id(), new_id);

    let fresh = f.vault.put(b"written after rotation").await.unwrap();
    assert_eq!(fresh.key_id, new_id);
    // Old documents stay readable with the old key until re-wrapped.
    let read = f
        .vault
        .get(&old.object_key, &old.wrapped_key, &old_id)
        .await;
    assert_eq!(&read.unwrap()[..], b"written before rotation");

    let stored_before = f
        .vault
        .backend()
        .read_object(&old.object_key)
        .await
        .unwrap();
    let (rewrapped, rewrapped_id) = f
        .vault
        .rewrap(&old.object_key, &old.wrapped_key, &old_id)
        .unwrap();
    assert_eq!(rewrapped_id, new_id);
    let stored_after = f
        .vault
        .backend()
        .read_object(&old.object_key)
        .await
        .unwrap();
    assert_eq!(stored_before, stored_after, "rewrap must not touch content");
    let read = f.vault.get(&old.object_key, &rewrapped, &new_id).await;
    assert_eq!(&read.unwrap()[..], b"written before rotation");

    let retired = ring
        .retire_unused(&f.key_path, std::slice::from_ref(&new_id))
        .unwrap();
    assert_eq!(retired, vec![old_id.clone()]);
    let on_disk = KeyRing::load(&f.key_path).unwrap();
    assert_eq!(on_disk.key_ids().collect::<Vec<_>>(), vec![new_id.as_str()]);
    f.vault.reload_keys(on_disk);
    let err = f
        .vault
        .get(&old.object_key, &old.wrapped_key, &old_id)
        .await
        .unwrap_err();
    assert!(matches!(err, VaultError::UnknownKeyId { .. }), "{err:?}");
    let read = f.vault.get(&old.object_key, &rewrapped, &new_id).await;
    assert_eq!(&read.unwrap()[..], b"written before rotation");
    let read = f
        .vault
        .get(&fresh.object_key, &fresh.wrapped_key, &new_id)
        .await;
    assert_eq!(&read.unwrap()[..], b"written after rotation");
}

fn refused<T>(result: &Result<T, VaultError>) -> bool {
    matches!(result, Err(VaultError::InvalidObjectKey(_)))
}

pub async fn path_traversal_keys_refused(f: Fixture) {
    let sealed = f.vault.put(b"x").await.unwrap();
    let backend = f.vault.backend();
    for bad in BAD_KEYS {
        let got = f.vault.get(bad, &sealed.wrapped_key, &sealed.key_id).await;
        assert!(refused(&got), "get {bad:?}: {got:?}");
        let got = f.vault.delete(bad).await;
        assert!(refused(&got), "delete {bad:?}: {got:?}");
        let got = f.vault.rewrap(bad, &sealed.wrapped_key, &sealed.key_id);
        assert!(refused(&got), "rewrap {bad:?}");
        let got = backend.read_object(bad).await;
        assert!(refused(&got), "read_object {bad:?}");
        let got = backend.write_object(bad, b"evil".to_vec()).await;
        assert!(refused(&got), "write_object {bad:?}: {got:?}");
    }
    // Nothing was written next to the vault's own objects.
    let listed = f.vault.list().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].key, sealed.object_key);
}

pub async fn delete_is_idempotent(f: Fixture) {
    let sealed = f.vault.put(b"to be deleted").await.unwrap();
    f.vault.delete(&sealed.object_key).await.unwrap();
    f.vault.delete(&sealed.object_key).await.unwrap();
    f.vault
        .delete("0123456789abcdef0123456789abcdef")
        .await
        .unwrap();
    assert!(f.vault.list().await.unwrap().is_empty());
}

pub async fn list_returns_what_was_put(f: Fixture) {
    assert!(f.vault.list().await.unwrap().is_empty());
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let mut put = Vec::new();
    for i in 0..5u8 {
        put.push(f.vault.put(&[i; 10]).await.unwrap().object_key);
    }
    let mut listed = f.vault.list().await.unwrap();
    listed.sort_by(|a, b| a.key.cmp(&b.key));
    let mut expected = put.clone();
    expected.sort();
    assert_eq!(
        listed.iter().map(|o| o.key.clone()).collect::<Vec<_>>(),
        expected
    );
    for o in &listed {
        assert!(
            (o.modified_ms - now_ms).abs() < 10 * 60 * 1000,
            "modified_ms {} far from now {now_ms}",
            o.modified_ms
        );
    }
    f.vault.delete(&put[0]).await.unwrap();
    let listed = f.vault.list().await.unwrap();
    assert_eq!(listed.len(), 4);
    assert!(listed.iter().all(|o| o.key != put[0]));
}

/// The orphan sweep's reading: slices in key order, each starting after the last key of
/// the previous, together every object once; the modification time of one object.
pub async fn keys_after_reads_the_vault_a_slice_at_a_time(f: Fixture) {
    assert!(f.vault.keys_after(None, 10).await.unwrap().is_empty());
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let mut put = Vec::new();
    for i in 0..7u8 {
        put.push(f.vault.put(&[i; 10]).await.unwrap().object_key);
    }
    put.sort();
    let mut read = Vec::new();
    let mut after = None;
    loop {
        let slice = f.vault.keys_after(after.clone(), 3).await.unwrap();
        assert!(slice.len() <= 3, "{slice:?}");
        let Some(last) = slice.last().cloned() else {
            break;
        };
        read.extend(slice);
        after = Some(last);
    }
    assert_eq!(read, put);
    // From the middle: exactly what sorts after.
    let tail = f.vault.keys_after(Some(put[3].clone()), 100).await.unwrap();
    assert_eq!(tail, put[4..].to_vec());
    let modified = f.vault.modified_ms(&put[0]).await.unwrap().unwrap();
    assert!(
        (modified - now_ms).abs() < 10 * 60 * 1000,
        "{modified} far from {now_ms}"
    );
    f.vault.delete(&put[0]).await.unwrap();
    assert_eq!(f.vault.modified_ms(&put[0]).await.unwrap(), None);
    assert!(f.vault.modified_ms("../etc/passwd").await.is_err());
}

pub async fn ping_leaves_nothing_behind(f: Fixture) {
    f.vault.ping().await.unwrap();
    f.vault.ping().await.unwrap();
    assert!(f.vault.list().await.unwrap().is_empty());
}

/// Instantiates the backend contract above as `#[tokio::test]`s, one per case, on a fresh
/// fixture from `$fixture` each. `$fixture` gives a `Fixture`, or an `Option<Fixture>` that is
/// `None` when its backend is not part of the run (S3 without `MDS_TEST_S3_ENDPOINT`).
macro_rules! vault_contract_tests {
    ($fixture:path) => {
        vault_contract_tests!(@cases $fixture;
            round_trip, object_keys_are_fresh, missing_object_is_not_found,
            tampered_object_rejected, truncated_object_rejected, swapped_object_rejected,
            tampered_wrapped_key_rejected, wrong_master_key_rejected, key_rotation,
            path_traversal_keys_refused, delete_is_idempotent, list_returns_what_was_put,
            keys_after_reads_the_vault_a_slice_at_a_time, ping_leaves_nothing_behind);
    };
    (@cases $fixture:path; $($case:ident),*) => {
        $(
            #[tokio::test]
            async fn $case() {
                if let Some(f) = Option::<crate::contract::Fixture>::from($fixture().await) {
                    crate::contract::$case(f).await;
                }
            }
        )*
    };
}
pub(crate) use vault_contract_tests;
