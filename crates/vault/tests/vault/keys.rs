//! The master key file: creation, permissions, format errors, rotation and retirement on disk.

#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use std::os::unix::fs::PermissionsExt;

use crate::contract::write_key_file;
use mds_vault::{KeyRing, VaultError};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn key_file_is_created_0600_with_its_directory_then_reused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("secrets").join("vault.keys");
    let (ring, created) = KeyRing::load_or_create(&path).unwrap();
    assert!(created);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(lines.len(), 1);
    assert!(lines[0].starts_with(&format!("{} ", ring.current_id())));

    let (again, created) = KeyRing::load_or_create(&path).unwrap();
    assert!(!created);
    assert_eq!(again.current_id(), ring.current_id());
    // No temporary file is left next to the key file.
    assert_eq!(
        std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
        1
    );
}

#[test]
fn a_group_or_world_readable_key_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.keys");
    KeyRing::load_or_create(&path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    for err in [
        KeyRing::load(&path).unwrap_err(),
        KeyRing::load_or_create(&path).unwrap_err(),
    ] {
        assert!(
            matches!(err, VaultError::KeyFilePermissions { .. }),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(message.contains("chmod 600"), "{message}");
        assert!(message.contains(&path.display().to_string()), "{message}");
    }
}

#[test]
fn unreadable_or_malformed_key_files_are_explained_without_key_material() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent.keys");
    let message = KeyRing::load(&missing).unwrap_err().to_string();
    assert!(message.contains("absent.keys"), "{message}");

    let path = dir.path().join("bad.keys");
    write_key_file(&path, &[("mk-good", [1u8; 32])]);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("mk-short c2hvcnQta2V5\n");
    std::fs::write(&path, &text).unwrap();
    let message = KeyRing::load(&path).unwrap_err().to_string();
    assert!(
        message.contains("bad.keys") && message.contains("line 2"),
        "{message}"
    );
    assert!(!message.contains("c2hvcnQta2V5"), "{message}");

    write_key_file(&path, &[("mk-a", [1u8; 32]), ("mk-a", [2u8; 32])]);
    let message = KeyRing::load(&path).unwrap_err().to_string();
    assert!(message.contains("twice"), "{message}");

    std::fs::write(&path, "# nothing here\n").unwrap();
    let message = KeyRing::load(&path).unwrap_err().to_string();
    assert!(message.contains("no key"), "{message}");
}

#[test]
fn the_last_line_is_the_current_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.keys");
    write_key_file(&path, &[("mk-old", [1u8; 32]), ("mk-new", [2u8; 32])]);
    let ring = KeyRing::load(&path).unwrap();
    assert_eq!(ring.current_id(), "mk-new");
    assert_eq!(ring.key_ids().collect::<Vec<_>>(), ["mk-old", "mk-new"]);
    assert!(
        !format!("{ring:?}").contains("AQEB"),
        "Debug must not show keys"
    );
}

#[test]
fn rotate_and_retire_rewrite_the_file_atomically_and_keep_0600() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.keys");
    let (mut ring, _) = KeyRing::load_or_create(&path).unwrap();
    let first = ring.current_id().to_owned();
    let second = ring.rotate(&path).unwrap();
    let third = ring.rotate(&path).unwrap();
    assert_eq!(mode(&path), 0o600);
    let on_disk = KeyRing::load(&path).unwrap();
    assert_eq!(
        on_disk.key_ids().collect::<Vec<_>>(),
        [first.as_str(), second.as_str(), third.as_str()]
    );

    // `first` is still used by some document; `second` by none; `third` is current.
    let retired = ring
        .retire_unused(&path, std::slice::from_ref(&first))
        .unwrap();
    assert_eq!(retired, vec![second.clone()]);
    // The current key is never retired, even when nothing uses it yet.
    let retired = ring.retire_unused(&path, &[]).unwrap();
    assert_eq!(retired, vec![first.clone()]);
    assert_eq!(ring.key_ids().collect::<Vec<_>>(), [third.as_str()]);
    assert_eq!(KeyRing::load(&path).unwrap().current_id(), third);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
