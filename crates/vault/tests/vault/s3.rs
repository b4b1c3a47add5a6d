//! The vault contract on the S3 backend against a real local S3 server (`MDS_TEST_S3_ENDPOINT`,
//! a fresh bucket per test), plus what only S3 has: pagination, buckets, an unreachable endpoint.
//! Without `MDS_TEST_S3_ENDPOINT` only the unreachable endpoint is tested (the test kit says so
//! once on stderr).

#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use crate::contract::{s3_fixture, vault_contract_tests};
use mds_testkit::vault::{fresh_bucket_name, fresh_s3_store, s3_config, s3_endpoint, TcpProxy};
use mds_vault::{Backend, KeyRing, Retries, S3Store, Vault, VaultError};

vault_contract_tests!(s3_fixture);

fn vault_on(store: S3Store) -> (tempfile::TempDir, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let (ring, _) = KeyRing::load_or_create(&dir.path().join("k")).unwrap();
    (dir, Vault::new(Backend::S3(store), ring))
}

#[tokio::test]
async fn list_finds_every_object_of_the_vault_only() {
    let Some(store) = fresh_s3_store().await else {
        return;
    };
    let (_dir, vault) = vault_on(store);
    let mut put = Vec::new();
    for i in 0..5u8 {
        put.push(vault.put(&[i]).await.unwrap().object_key);
    }
    let mut listed: Vec<String> = vault
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.key)
        .collect();
    listed.sort();
    put.sort();
    assert_eq!(listed, put);
}

/// The S3 server goes away in the middle of a series of writes and comes back 1.5 s later:
/// every write succeeds (retried with backoff), and every object reads back whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_are_retried_while_the_server_restarts() {
    let Some(endpoint) = s3_endpoint() else {
        return;
    };
    let mut proxy = TcpProxy::start(endpoint.trim_start_matches("http://"));
    let through = format!("http://127.0.0.1:{}", proxy.port);
    let store = S3Store::new(s3_config(&through, &fresh_bucket_name())).unwrap();
    store.ensure_bucket().await.unwrap();
    let (_dir, vault) = vault_on(store);
    let vault = std::sync::Arc::new(vault);
    let writer = {
        let vault = vault.clone();
        tokio::spawn(async move {
            let mut written = Vec::new();
            for i in 0..30u32 {
                let content = format!("document {i} {}", "x".repeat(2048)).into_bytes();
                let sealed = vault.put(&content).await;
                written.push((sealed, content));
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            written
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    proxy.stop();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    proxy.resume();
    let written = writer.await.unwrap();
    for (i, (sealed, content)) in written.into_iter().enumerate() {
        let sealed = sealed.unwrap_or_else(|e| panic!("write {i} was not retried: {e}"));
        let back = vault
            .get(&sealed.object_key, &sealed.wrapped_key, &sealed.key_id)
            .await
            .unwrap();
        assert_eq!(back, content, "write {i}");
    }
}

#[tokio::test]
async fn ensure_bucket_is_idempotent() {
    let Some(store) = fresh_s3_store().await else {
        return;
    };
    store.ensure_bucket().await.unwrap();
    let (_dir, vault) = vault_on(store);
    vault.ping().await.unwrap();
}

#[tokio::test]
async fn a_missing_bucket_is_a_deployment_error_not_a_missing_document() {
    let Some(endpoint) = s3_endpoint() else {
        return;
    };
    let bucket = fresh_bucket_name();
    let (_dir, vault) = vault_on(S3Store::new(s3_config(endpoint, &bucket)).unwrap());
    let message = vault.ping().await.unwrap_err().to_string();
    assert!(
        message.contains("NoSuchBucket") && message.contains(&bucket),
        "{message}"
    );
    let err = vault
        .backend()
        .read_object("0123456789abcdef0123456789abcdef")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, VaultError::S3Status { code, .. } if code == "NoSuchBucket"),
        "{err:?}"
    );
}

#[tokio::test]
async fn endpoint_down_gives_a_clear_error() {
    // A port that was just free and is now closed: connections are refused at once.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let endpoint = format!("http://127.0.0.1:{port}");
    let store = S3Store::new(s3_config(&endpoint, "mds-docs"))
        .unwrap()
        .with_retries(Retries {
            max: 0,
            within: std::time::Duration::from_secs(1),
        })
        .unwrap();
    let expected = format!("S3 endpoint {endpoint} unreachable");

    let err = store.ensure_bucket().await.unwrap_err();
    assert!(matches!(err, VaultError::S3Unreachable { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.starts_with(&expected), "{message}");
    assert!(message.to_lowercase().contains("refused"), "{message}");
    assert!(!message.contains("mds-test-secret"));

    let (_dir, vault) = vault_on(store);
    let errors = [
        vault.put(b"x").await.map(|_| ()).unwrap_err(),
        vault.list().await.map(|_| ()).unwrap_err(),
        vault.ping().await.unwrap_err(),
        vault
            .delete("0123456789abcdef0123456789abcdef")
            .await
            .unwrap_err(),
    ];
    for err in errors {
        assert!(err.to_string().starts_with(&expected), "{err}");
    }
}
