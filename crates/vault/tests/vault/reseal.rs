//! Re-sealing objects of an older content format, on both backends: what a format-1 vault
//! wrote is moved to the vault's format under a new object key and data key, reads back the
//! same, and the old object is left for the caller to delete once its row is committed.

use crate::contract::{local_fixture, s3_fixture, Fixture};
use mds_vault::{ContentFormat, KeyRing, Vault, VaultError};

async fn header_version(vault: &Vault, object_key: &str) -> u8 {
    vault.backend().read_object(object_key).await.unwrap()[4]
}

async fn reseal_moves_format_1_objects_to_format_2(f: Fixture) {
    assert_eq!(f.vault.content_format(), ContentFormat::Aes256Gcm);
    let ring = KeyRing::load(&f.key_path).unwrap();
    let old = Vault::new(f.vault.backend().clone(), ring)
        .with_content_format(ContentFormat::XChaCha20Poly1305);
    let contents: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"Compte rendu de consultation".to_vec(),
        (0..200_000u32).map(|i| (i % 241) as u8).collect(),
    ];
    let mut resealed = Vec::new();
    for content in &contents {
        let v1 = old.put(content).await.unwrap();
        assert_eq!(header_version(&f.vault, &v1.object_key).await, 1);
        let new = f
            .vault
            .reseal(&v1.object_key, &v1.wrapped_key, &v1.key_id)
            .await
            .unwrap()
            .expect("a format 1 object is re-sealed");
        assert_ne!(new.object_key, v1.object_key);
        assert_ne!(new.wrapped_key, v1.wrapped_key);
        assert_eq!((&new.sha256_hex, new.size), (&v1.sha256_hex, v1.size));
        assert_eq!(header_version(&f.vault, &new.object_key).await, 2);
        let back = f
            .vault
            .get(&new.object_key, &new.wrapped_key, &new.key_id)
            .await
            .unwrap();
        assert_eq!(&back, content);
        // The old object is still there until the caller's row points at the new one.
        let old_back = f
            .vault
            .get(&v1.object_key, &v1.wrapped_key, &v1.key_id)
            .await
            .unwrap();
        assert_eq!(&old_back, content);
        resealed.push(new);
    }
    for new in &resealed {
        let again = f
            .vault
            .reseal(&new.object_key, &new.wrapped_key, &new.key_id)
            .await
            .unwrap();
        assert_eq!(
            again, None,
            "already in the vault's format: nothing written"
        );
    }
    assert_eq!(f.vault.list().await.unwrap().len(), 2 * contents.len());
}

async fn reseal_refuses_an_altered_object_and_writes_nothing(f: Fixture) {
    let ring = KeyRing::load(&f.key_path).unwrap();
    let old = Vault::new(f.vault.backend().clone(), ring)
        .with_content_format(ContentFormat::XChaCha20Poly1305);
    let v1 = old.put(b"Ordonnance").await.unwrap();
    let mut raw = f.vault.backend().read_object(&v1.object_key).await.unwrap();
    let last = raw.len() - 1;
    raw[last] ^= 1;
    f.vault
        .backend()
        .write_object(&v1.object_key, raw)
        .await
        .unwrap();
    let got = f
        .vault
        .reseal(&v1.object_key, &v1.wrapped_key, &v1.key_id)
        .await;
    assert!(matches!(got, Err(VaultError::Corrupt { .. })), "{got:?}");
    let listed = f.vault.list().await.unwrap();
    assert_eq!(
        listed.len(),
        1,
        "no new object for content that failed authentication"
    );
}

macro_rules! on_both_backends {
    ($($case:ident),*) => {
        mod local_backend {
            $(
                #[tokio::test]
                async fn $case() {
                    super::$case(super::local_fixture().await).await;
                }
            )*
        }
        mod s3_backend {
            $(
                #[tokio::test]
                async fn $case() {
                    if let Some(f) = super::s3_fixture().await {
                        super::$case(f).await;
                    }
                }
            )*
        }
    };
}

on_both_backends!(
    reseal_moves_format_1_objects_to_format_2,
    reseal_refuses_an_altered_object_and_writes_nothing
);
