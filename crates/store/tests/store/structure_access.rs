//! The store contract of structure authentication, on every backend of the run: a kid names
//! one key of a credential forever, a jti is accepted once, expired tokens are not found and
//! are purged with expired jtis, a revoked key ends its tokens, an authorisation is put,
//! changed and removed, and preload reads are counted per professional and record.

use mds_domain::{AccountId, AccountKind, AccountState, CredentialState, Profession, StructureId};
use mds_store::structure_access::{self as rows, AccessTokenRow, AuthorisedRow, KeyRow};
use mds_store::structure_credentials::{self as creds, CredentialRow};
use mds_store::{accounts, directory, Db};
use mds_testkit::typed;
use mds_testkit::{backends, fresh_db};

async fn each_backend<F, Fut>(body: F)
where
    F: Fn(Db) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temp dir");
    for backend in backends() {
        let db = fresh_db(backend, dir.path()).await;
        body(db.clone()).await;
        db.close().await;
    }
}

/// A structure, a support agent, a professional of the structure and a credential.
async fn world(db: &Db) {
    directory::insert_structure(
        db,
        &directory::StructureRow {
            id: typed::<StructureId>("s1"),
            name: "Clinique".to_owned(),
            ridet: "0123456.001".to_owned(),
            kind: "clinic".to_owned(),
            commune: "98818".to_owned(),
            created_at_ms: 1,
        },
    )
    .await
    .unwrap();
    let mut tx = db.begin().await.unwrap();
    for (id, kind) in [("support", "support"), ("p1", "professional")] {
        let a = accounts::AccountRow {
            id: typed::<AccountId>(id),
            kind: typed::<AccountKind>(kind),
            login: format!("{id}@mds.nc"),
            display_name: id.to_owned(),
            email: None,
            password_hash: None,
            totp_secret: None,
            totp_key_id: None,
            totp_confirmed: false,
            totp_last_step: 0,
            state: typed::<AccountState>("active"),
            created_at_ms: 1,
            updated_at_ms: 1,
        };
        accounts::insert(&mut tx, &a).await.unwrap();
    }
    directory::insert_professional(
        &mut tx,
        &directory::ProfessionalRow {
            account_id: typed::<AccountId>("p1"),
            professional_id: "10001234567".to_owned(),
            first_name: "Jean".to_owned(),
            last_name: "Néa".to_owned(),
            profession: typed::<Profession>("medecin"),
            samu_regulator: false,
            state: typed::<AccountState>("active"),
            structure_ids: vec![typed::<StructureId>("s1")],
        },
    )
    .await
    .unwrap();
    creds::insert(
        &mut tx,
        &CredentialRow {
            id: "c1".to_owned(),
            structure_id: typed::<StructureId>("s1"),
            label: "DPI".to_owned(),
            token_hash: "h1".to_owned(),
            state: CredentialState::Active,
            created_by: typed::<AccountId>("support"),
            created_at_ms: 1,
            revoked_by: None,
            revoked_at_ms: None,
            expires_at_ms: 1_000_000,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

fn key(id: &str, kid: &str) -> KeyRow {
    KeyRow {
        id: id.to_owned(),
        credential_id: "c1".to_owned(),
        structure_id: typed::<StructureId>("s1"),
        kid: kid.to_owned(),
        alg: "ES256".to_owned(),
        jwk: "{}".to_owned(),
        thumbprint: format!("t-{id}"),
        state: CredentialState::Active,
        created_by: typed::<AccountId>("support"),
        created_at_ms: 10,
        revoked_by: None,
        revoked_at_ms: None,
    }
}

#[tokio::test]
async fn keys_jtis_and_tokens() {
    each_backend(|db| async move {
        world(&db).await;
        assert_eq!(
            creds::by_id(&db, "c1")
                .await
                .unwrap()
                .unwrap()
                .expires_at_ms,
            1_000_000
        );
        rows::insert_key(&db, &key("k1", "a")).await.unwrap();
        rows::insert_key(&db, &key("k2", "b")).await.unwrap();
        let dup = rows::insert_key(&db, &key("k3", "a")).await;
        assert!(
            matches!(dup, Err(mds_store::StoreError::Conflict(_))),
            "{dup:?}"
        );
        assert_eq!(
            rows::key_by_kid(&db, "c1", "b").await.unwrap().unwrap().id,
            "k2"
        );
        assert_eq!(
            rows::keys_of_structure(&db, &typed::<StructureId>("s1"))
                .await
                .unwrap()
                .len(),
            2
        );

        assert!(rows::use_jti(&db, "c1", "j1", 500).await.unwrap());
        assert!(
            !rows::use_jti(&db, "c1", "j1", 500).await.unwrap(),
            "replay"
        );
        assert!(rows::use_jti(&db, "c1", "j2", 900).await.unwrap());

        let token = |hash: &str, key: &str, expires: i64| AccessTokenRow {
            token_hash: hash.to_owned(),
            credential_id: "c1".to_owned(),
            key_id: key.to_owned(),
            scope: "system/*.cruds".to_owned(),
            issued_at_ms: 100,
            expires_at_ms: expires,
        };
        rows::insert_token(&db, &token("t1", "k1", 400))
            .await
            .unwrap();
        rows::insert_token(&db, &token("t2", "k2", 800))
            .await
            .unwrap();
        assert!(rows::live_token(&db, "t1", 399).await.unwrap().is_some());
        assert!(rows::live_token(&db, "t1", 400).await.unwrap().is_none());
        // Purged at 600: t1 and j1.
        assert_eq!(rows::purge_expired(&db, 600).await.unwrap(), 2);
        assert!(rows::use_jti(&db, "c1", "j1", 1000).await.unwrap());

        let support = typed::<AccountId>("support");
        assert!(rows::revoke_key(&db, "k2", &support, 700).await.unwrap());
        assert!(!rows::revoke_key(&db, "k2", &support, 700).await.unwrap());
        assert!(
            rows::live_token(&db, "t2", 700).await.unwrap().is_none(),
            "a revoked key's tokens end"
        );
        let k2 = rows::key_by_id(&db, "k2").await.unwrap().unwrap();
        assert_eq!(
            (k2.state, k2.revoked_at_ms),
            (CredentialState::Revoked, Some(700))
        );
    })
    .await;
}

#[tokio::test]
async fn authorised_professionals_and_preload_counts() {
    each_backend(|db| async move {
        world(&db).await;
        let s1 = typed::<StructureId>("s1");
        let p1 = typed::<AccountId>("p1");
        let row = |ends_on: &str, expires: i64| AuthorisedRow {
            structure_id: s1.clone(),
            professional_account_id: p1.clone(),
            ends_on: ends_on.to_owned(),
            expires_at_ms: expires,
            added_by: typed::<AccountId>("support"),
            added_at_ms: 5,
        };
        rows::put_authorised(&db, &row("2027-01-01", 100))
            .await
            .unwrap();
        rows::put_authorised(&db, &row("2028-01-01", 200))
            .await
            .unwrap();
        let a = rows::authorised(&db, &s1, &p1).await.unwrap().unwrap();
        assert_eq!((a.ends_on.as_str(), a.expires_at_ms), ("2028-01-01", 200));
        assert_eq!(
            rows::authorised_of_structure(&db, &s1).await.unwrap().len(),
            1
        );
        assert!(rows::remove_authorised(&db, &s1, &p1).await.unwrap());
        assert!(!rows::remove_authorised(&db, &s1, &p1).await.unwrap());
        assert!(rows::authorised(&db, &s1, &p1).await.unwrap().is_none());

        // Preload reads are counted from permitted audit events, per document.
        // Raw rows: the store counts, the audit crate (above it) writes the chain.
        for (seq, at, doc, outcome) in [
            (1_i64, 10_i64, "d1", "permit"),
            (2, 20, "d1", "permit"),
            (3, 30, "d2", "permit"),
            (4, 40, "d3", "deny"),
            (5, 5, "d4", "permit"),
        ] {
            mds_store::Query::new(
                "INSERT INTO audit_events (seq, id, at_ms, actor_kind, actor_id, on_behalf_of, \
                 action, patient_id, document_id, outcome, detail, prev_hash, hash) VALUES \
                 ($1, $2, $3, 'structure_software', 'c1', 'p1', 'document.preload.read', 'x1', \
                 $4, $5, '{}', '', '')",
            )
            .bind(seq)
            .bind(format!("e{seq}"))
            .bind(at)
            .bind(doc)
            .bind(outcome)
            .execute(&db)
            .await
            .unwrap();
        }
        let read = rows::documents_read_since(&db, &p1, &typed("x1"), "document.preload.read", 10)
            .await
            .unwrap();
        let mut read: Vec<String> = read.into_iter().map(|d| d.to_string()).collect();
        read.sort();
        assert_eq!(read, vec!["d1".to_owned(), "d2".to_owned()]);
    })
    .await;
}
