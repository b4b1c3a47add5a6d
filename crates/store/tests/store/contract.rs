//! The store contract: every test body runs on a fresh database of each backend of the run
//! (SQLite, and PostgreSQL when `MDS_TEST_PG_URL` is set), so both keep the same behaviour.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use mds_domain::{
    AccountId, AccountKind, AccountState, DepositorKind, DocumentId, DocumentSource,
    DocumentStatus, Format, IdentityStatus, PatientId, Profession, StructureId,
};
use mds_store::{accounts, directory, documents, patients, sessions, Db, StoreError};
use mds_testkit::typed;
use mds_testkit::{backends, fresh_db, TestBackend};

pub(crate) async fn each_backend<F, Fut>(body: F)
where
    F: Fn(TestBackend, Db) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temp dir");
    for backend in backends() {
        let db = fresh_db(backend, dir.path()).await;
        body(backend, db.clone()).await;
        db.close().await;
    }
}

fn account(id: &str, login: &str) -> accounts::AccountRow {
    accounts::AccountRow {
        id: typed::<AccountId>(id),
        kind: typed::<AccountKind>("professional"),
        login: login.to_owned(),
        display_name: "Dr Jean Néa".to_owned(),
        email: Some("jean.nea@example.nc".to_owned()),
        password_hash: Some("$argon2id$dummy".to_owned()),
        totp_secret: Some("JBSWY3DPEHPK3PXP".to_owned()),
        totp_key_id: None,
        totp_confirmed: false,
        totp_last_step: 0,
        state: typed::<AccountState>("active"),
        created_at_ms: 1_000,
        updated_at_ms: 1_000,
    }
}

#[tokio::test]
async fn migrations_are_idempotent() {
    each_backend(|backend, db| async move {
        db.migrate()
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: {e}"));
        db.migrate()
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: {e}"));
        db.ping().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn sqlite_connections_are_durable_wal_with_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(TestBackend::Sqlite, dir.path()).await;
    let (mode,): (String,) = mds_store::Query::new("PRAGMA journal_mode")
        .fetch_one(&db)
        .await
        .unwrap();
    let (sync,): (i64,) = mds_store::Query::new("PRAGMA synchronous")
        .fetch_one(&db)
        .await
        .unwrap();
    let (fk,): (i64,) = mds_store::Query::new("PRAGMA foreign_keys")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!((mode.as_str(), sync, fk), ("wal", 2, 1));
}

#[tokio::test]
async fn accounts_round_trip_and_logins_are_unique() {
    each_backend(|backend, db| async move {
        let a = account("a1", "jean.nea@cht.nc");
        accounts::insert(&db, &a).await.unwrap();
        let got = accounts::by_login(&db, "jean.nea@cht.nc").await.unwrap();
        assert_eq!(got.as_ref(), Some(&a), "{backend:?}");
        assert_eq!(
            accounts::by_id(&db, &typed::<AccountId>("a1"))
                .await
                .unwrap(),
            Some(a)
        );
        let dup = accounts::insert(&db, &account("a2", "jean.nea@cht.nc")).await;
        assert!(
            matches!(dup, Err(StoreError::Conflict(_))),
            "{backend:?}: {dup:?}"
        );
        assert_eq!(accounts::by_login(&db, "nobody").await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn a_totp_step_is_consumed_once() {
    each_backend(|backend, db| async move {
        accounts::insert(&db, &account("a1", "x@y.nc"))
            .await
            .unwrap();
        assert!(
            accounts::consume_totp_step(&db, &typed::<AccountId>("a1"), 100)
                .await
                .unwrap()
        );
        assert!(
            !accounts::consume_totp_step(&db, &typed::<AccountId>("a1"), 100)
                .await
                .unwrap(),
            "{backend:?}"
        );
        assert!(
            !accounts::consume_totp_step(&db, &typed::<AccountId>("a1"), 99)
                .await
                .unwrap()
        );
        assert!(
            accounts::consume_totp_step(&db, &typed::<AccountId>("a1"), 101)
                .await
                .unwrap()
        );
        let got = accounts::by_id(&db, &typed::<AccountId>("a1"))
            .await
            .unwrap()
            .unwrap();
        assert!(got.totp_confirmed);
    })
    .await;
}

#[tokio::test]
async fn enrolment_tokens_are_single_use_and_expire() {
    each_backend(|backend, db| async move {
        accounts::insert(&db, &account("a1", "x@y.nc"))
            .await
            .unwrap();
        accounts::insert_enrolment_token(&db, "ABCD", "h1", &typed::<AccountId>("a1"), 5_000)
            .await
            .unwrap();
        let found = accounts::live_enrolment_code(&db, "ABCD", 4_999)
            .await
            .unwrap()
            .map(|c| (c.token_hash, c.account_id, c.failed_attempts));
        assert_eq!(found, Some(("h1".into(), typed("a1"), 0)), "{backend:?}");
        assert!(accounts::live_enrolment_code(&db, "ABCD", 5_000)
            .await
            .unwrap()
            .is_none());
        assert!(accounts::live_enrolment_code(&db, "ABCE", 1)
            .await
            .unwrap()
            .is_none());
        assert!(accounts::use_enrolment_token(&db, "h1", 4_000)
            .await
            .unwrap());
        assert!(!accounts::use_enrolment_token(&db, "h1", 4_001)
            .await
            .unwrap());
        assert!(accounts::live_enrolment_code(&db, "ABCD", 4_002)
            .await
            .unwrap()
            .is_none());
    })
    .await;
}

#[tokio::test]
async fn an_enrolment_code_is_spent_at_its_failure_limit() {
    each_backend(|backend, db| async move {
        accounts::insert(&db, &account("a1", "x@y.nc"))
            .await
            .unwrap();
        accounts::insert_enrolment_token(&db, "WXYZ", "h2", &typed::<AccountId>("a1"), 5_000)
            .await
            .unwrap();
        for want in 1..=3 {
            let mut tx = db.begin().await.unwrap();
            let n = accounts::fail_enrolment_code(&mut tx, "h2", 3, 100)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(n, want, "{backend:?}");
        }
        assert!(accounts::live_enrolment_code(&db, "WXYZ", 101)
            .await
            .unwrap()
            .is_none());
        let mut tx = db.begin().await.unwrap();
        let n = accounts::fail_enrolment_code(&mut tx, "h2", 3, 102)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(n, 0, "a spent code counts no more");
    })
    .await;
}

#[tokio::test]
async fn sessions_revoke_and_purge() {
    each_backend(|backend, db| async move {
        accounts::insert(&db, &account("a1", "x@y.nc"))
            .await
            .unwrap();
        for id in ["s1", "s2"] {
            let s = sessions::SessionRow {
                id_hash: id.to_owned(),
                account_id: typed::<AccountId>("a1"),
                channel: "api".to_owned(),
                created_at_ms: 0,
                last_seen_ms: 0,
                expires_at_ms: 10_000,
                idle_timeout_ms: 900_000,
                ip: Some("127.0.0.1".to_owned()),
                revoked_at_ms: None,
            };
            sessions::insert(&db, &s).await.unwrap();
        }
        sessions::touch(&db, "s1", 50).await.unwrap();
        assert_eq!(
            sessions::get(&db, "s1")
                .await
                .unwrap()
                .unwrap()
                .last_seen_ms,
            50
        );
        assert_eq!(
            sessions::revoke_all(&db, &typed::<AccountId>("a1"), 60)
                .await
                .unwrap(),
            2,
            "{backend:?}"
        );
        assert!(!sessions::revoke(&db, "s1", 70).await.unwrap());
        assert_eq!(sessions::purge(&db, 61).await.unwrap(), 2);
        assert_eq!(sessions::get(&db, "s1").await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn throttle_counters_upsert() {
    each_backend(|backend, db| async move {
        let t = sessions::Throttle {
            failures: 1,
            window_start_ms: 10,
            last_failure_ms: 10,
            ..sessions::Throttle::default()
        };
        sessions::throttle_put(&db, "acct:a1", t).await.unwrap();
        let t2 = sessions::Throttle {
            failures: 2,
            last_failure_ms: 20,
            notified_at_ms: 20,
            ..t
        };
        sessions::throttle_put(&db, "acct:a1", t2).await.unwrap();
        assert_eq!(
            sessions::throttle_get(&db, "acct:a1").await.unwrap(),
            Some(t2),
            "{backend:?}"
        );
        sessions::throttle_clear(&db, "acct:a1").await.unwrap();
        assert_eq!(sessions::throttle_get(&db, "acct:a1").await.unwrap(), None);
        // Purge: a counter whose window started, whose lock ended and whose last failure was
        // before the limit goes; one still in its window, still locked or failed since stays.
        let old = sessions::Throttle {
            failures: 3,
            window_start_ms: 100,
            locked_until_ms: 400,
            last_failure_ms: 300,
            notified_at_ms: 0,
        };
        let failed_since = sessions::Throttle {
            last_failure_ms: 800,
            ..old
        };
        let recent = sessions::Throttle {
            window_start_ms: 900,
            ..old
        };
        let locked = sessions::Throttle {
            locked_until_ms: 2_000,
            ..old
        };
        for (key, t) in [
            ("signin:old", old),
            ("signin:recent", recent),
            ("login:locked", locked),
            ("login:failed-since", failed_since),
        ] {
            sessions::throttle_put(&db, key, t).await.unwrap();
        }
        assert_eq!(
            sessions::throttle_purge(&db, 500).await.unwrap(),
            1,
            "{backend:?}"
        );
        assert_eq!(
            sessions::throttle_get(&db, "signin:old").await.unwrap(),
            None
        );
        assert_eq!(
            sessions::throttle_get(&db, "signin:recent").await.unwrap(),
            Some(recent)
        );
        assert_eq!(
            sessions::throttle_get(&db, "login:locked").await.unwrap(),
            Some(locked)
        );
        assert_eq!(
            sessions::throttle_get(&db, "login:failed-since")
                .await
                .unwrap(),
            Some(failed_since)
        );
    })
    .await;
}

#[tokio::test]
async fn directory_links_professionals_to_structures() {
    each_backend(|backend, db| async move {
        let s = directory::StructureRow {
            id: typed::<StructureId>("s1"),
            name: "Centre hospitalier territorial".to_owned(),
            ridet: "0123456.001".to_owned(),
            kind: "hospital".to_owned(),
            commune: "98818".to_owned(),
            created_at_ms: 1,
        };
        directory::insert_structure(&db, &s).await.unwrap();
        let mut tx = db.begin().await.unwrap();
        accounts::insert(&mut tx, &account("p1", "p1@cht.nc"))
            .await
            .unwrap();
        let p = directory::ProfessionalRow {
            account_id: typed::<AccountId>("p1"),
            professional_id: "10001234567".to_owned(),
            first_name: "Jean".to_owned(),
            last_name: "Néa".to_owned(),
            profession: typed::<Profession>("medecin"),
            samu_regulator: true,
            state: typed::<AccountState>("active"),
            structure_ids: vec![typed::<StructureId>("s1")],
        };
        directory::insert_professional(&mut tx, &p).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            directory::professional(&db, &typed::<AccountId>("p1"))
                .await
                .unwrap(),
            Some(p.clone())
        );
        let found = directory::search_professionals(&db, "né", 10, 0)
            .await
            .unwrap();
        assert_eq!(found, vec![p], "{backend:?}");
        assert_eq!(
            directory::structure_by_ridet(&db, "0123456.001")
                .await
                .unwrap(),
            Some(s)
        );
        let orphan_link = directory::insert_assistant(
            &db,
            &directory::AssistantRow {
                account_id: typed::<AccountId>("nobody"),
                professional_account_id: typed::<AccountId>("p1"),
                first_name: "A".to_owned(),
                last_name: "B".to_owned(),
            },
        )
        .await;
        assert!(
            orphan_link.is_err(),
            "{backend:?}: foreign keys must be enforced"
        );
    })
    .await;
}

fn patient(id: &str, cafat: &str) -> patients::PatientRow {
    patients::PatientRow {
        id: typed::<PatientId>(id),
        account_id: None,
        identifier_kind: mds_domain::IdentifierKind::Cafat,
        identifier_number: cafat.to_owned(),
        birth_name: "Wamytan".to_owned(),
        birth_name_norm: "WAMYTAN".to_owned(),
        first_names: "[\"Marie\"]".to_owned(),
        first_names_norm: "MARIE".to_owned(),
        birth_date: "1980-05-04".to_owned(),
        sex: "F".to_owned(),
        birth_place: "98818".to_owned(),
        identity_status: typed::<IdentityStatus>("validated"),
        validated_by: None,
        validated_how: Some("in_person".to_owned()),
        validated_at_ms: Some(1),
        record_state: typed::<AccountState>("inactive"),
        email: None,
        phone: None,
        died_on: None,
        created_at_ms: 1,
    }
}

fn document(id: &str, patient_id: &str, sha: &str, object_key: &str) -> documents::DocumentRow {
    documents::DocumentRow {
        id: typed::<DocumentId>(id),
        patient_id: typed::<PatientId>(patient_id),
        type_code: "11488-4".to_owned(),
        class_code: "10".to_owned(),
        title: "Compte rendu de consultation".to_owned(),
        act_date: "2026-11-20".to_owned(),
        author_account_id: None,
        author_structure_id: None,
        depositor_account_id: None,
        depositor_kind: DepositorKind::Professional,
        source: typed::<DocumentSource>("professional"),
        format: typed::<Format>("text/plain"),
        size_bytes: 12,
        sha256: sha.to_owned(),
        version: 1,
        replaces_id: None,
        status: typed::<DocumentStatus>("current"),
        confidential: false,
        hidden_from_patient: true,
        created_at_ms: 5,
        content: Some(documents::ContentRef {
            object_key: object_key.to_owned(),
            wrapped_key: vec![0, 1, 2, 255],
            key_id: "k1".to_owned(),
        }),
    }
}

#[tokio::test]
async fn patients_and_documents_round_trip_with_unique_content_per_patient() {
    each_backend(|backend, db| async move {
        patients::insert(&db, &patient("x1", "1234567"))
            .await
            .unwrap();
        let dup = patients::insert(&db, &patient("x2", "1234567")).await;
        assert!(matches!(dup, Err(StoreError::Conflict(_))), "{backend:?}");
        let same_traits = patients::insert(&db, &patient("x3", "7654321")).await;
        assert!(
            matches!(same_traits, Err(StoreError::Conflict(_))),
            "{backend:?}"
        );
        assert_eq!(
            patients::by_identifier(&db, mds_domain::IdentifierKind::Cafat, "1234567")
                .await
                .unwrap(),
            Some(patient("x1", "1234567"))
        );
        // One number space per kind: the same digits as an AMG number are another person's;
        // a second AMG record with them is refused.
        let amg = |id: &str, name: &str| patients::PatientRow {
            identifier_kind: mds_domain::IdentifierKind::Amg,
            birth_name: name.to_owned(),
            birth_name_norm: name.to_uppercase(),
            ..patient(id, "1234567")
        };
        patients::insert(&db, &amg("x4", "Gope")).await.unwrap();
        let dup_amg = patients::insert(&db, &amg("x5", "Kaloi")).await;
        assert!(
            matches!(dup_amg, Err(StoreError::Conflict(_))),
            "{backend:?}"
        );
        let found = patients::by_identifier(&db, mds_domain::IdentifierKind::Amg, "1234567")
            .await
            .unwrap();
        assert_eq!(found, Some(amg("x4", "Gope")), "{backend:?}");

        let d = document("d1", "x1", "aa", "o1");
        documents::insert(&db, &d).await.unwrap();
        assert_eq!(
            documents::by_id(&db, &typed::<DocumentId>("d1"))
                .await
                .unwrap(),
            Some(d.clone())
        );
        let same = documents::insert(&db, &document("d2", "x1", "aa", "o2")).await;
        assert!(
            matches!(same, Err(StoreError::Conflict(_))),
            "{backend:?}: same content twice"
        );
        assert_eq!(
            documents::current_for_patient(&db, &typed::<PatientId>("x1"))
                .await
                .unwrap(),
            vec![d.clone()]
        );
        // A page lists the metadata alone: no content reference is read for a list.
        let everything = documents::Visibility {
            nothing: false,
            depositor: None,
            only_deposited: false,
            without_hidden: false,
            without_confidential: false,
            types: None,
        };
        let listed = documents::DocumentRow { content: None, ..d };
        assert_eq!(
            documents::page(
                &db,
                &typed::<PatientId>("x1"),
                &documents::DocumentFilter::default(),
                &everything,
                10,
                0
            )
            .await
            .unwrap(),
            (vec![listed], 1),
            "{backend:?}"
        );
        documents::set_wrapped_key(&db, &typed::<DocumentId>("d1"), &[9, 9], "k2")
            .await
            .unwrap();
        let page = documents::with_content_page(&db, "", 10).await.unwrap();
        assert_eq!(page.len(), 1);
        assert_eq!(
            page[0].content.as_ref().map(|c| c.key_id.as_str()),
            Some("k2")
        );
        assert_eq!(
            documents::key_ids_in_use(&db).await.unwrap(),
            vec!["k2".to_owned()]
        );
        assert!(documents::object_is_referenced(&db, "o1").await.unwrap());
        assert!(!documents::object_is_referenced(&db, "o2").await.unwrap());
        // A stored value the code does not know is corruption, named with its column.
        mds_store::Query::new("UPDATE documents SET format = 'application/x-inconnu' WHERE id = $1")
            .bind("d1")
            .execute(&db)
            .await
            .unwrap();
        let unknown = documents::by_id(&db, &typed::<DocumentId>("d1")).await;
        assert!(
            matches!(&unknown, Err(StoreError::Corrupt(m)) if m.contains("column 11: unknown mds_domain::Format") && m.contains("application/x-inconnu")),
            "{backend:?}: {unknown:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_rolled_back_transaction_leaves_nothing() {
    each_backend(|backend, db| async move {
        let mut tx = db.begin().await.unwrap();
        accounts::insert(&mut tx, &account("a1", "x@y.nc"))
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(
            accounts::by_id(&db, &typed::<AccountId>("a1"))
                .await
                .unwrap(),
            None,
            "{backend:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn concurrent_writers_do_not_fail() {
    each_backend(|backend, db| async move {
        let mut tasks = Vec::new();
        for i in 0..16 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = db.begin().await?;
                accounts::insert(&mut tx, &account(&format!("c{i}"), &format!("c{i}@y.nc")))
                    .await?;
                tx.commit().await?;
                Ok::<_, StoreError>(())
            }));
        }
        for t in tasks {
            t.await
                .unwrap()
                .unwrap_or_else(|e| panic!("{backend:?}: {e}"));
        }
        let (n,): (i64,) = mds_store::Query::new("SELECT count(*) FROM accounts")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(n, 16);
    })
    .await;
}

#[tokio::test]
async fn care_team_membership_and_attending_physician() {
    use mds_store::care_team;
    each_backend(|backend, db| async move {
        patients::insert(&db, &patient("x1", "1234567"))
            .await
            .unwrap();
        let mut tx = db.begin().await.unwrap();
        for id in ["p1", "p2"] {
            accounts::insert(&mut tx, &account(id, &format!("{id}@cht.nc")))
                .await
                .unwrap();
            let p = directory::ProfessionalRow {
                account_id: typed::<AccountId>(id),
                professional_id: format!("1000{id}"),
                first_name: "A".to_owned(),
                last_name: "B".to_owned(),
                profession: typed::<Profession>("medecin"),
                samu_regulator: false,
                state: typed::<AccountState>("active"),
                structure_ids: vec![],
            };
            directory::insert_professional(&mut tx, &p).await.unwrap();
        }
        tx.commit().await.unwrap();
        let member = |p: &str| care_team::CareTeamMember {
            patient_id: typed::<PatientId>("x1"),
            professional_account_id: typed::<AccountId>(p),
            attending_physician: false,
            added_by: typed::<AccountId>("p1"),
            added_at_ms: 10,
        };
        assert!(care_team::add(&db, &member("p1")).await.unwrap());
        assert!(
            !care_team::add(&db, &member("p1")).await.unwrap(),
            "{backend:?}: added once"
        );
        assert!(care_team::add(&db, &member("p2")).await.unwrap());
        let mut tx = db.begin().await.unwrap();
        care_team::set_attending(
            &mut tx,
            &typed::<PatientId>("x1"),
            Some(&typed::<AccountId>("p2")),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let got = care_team::members(&db, &typed::<PatientId>("x1"))
            .await
            .unwrap();
        assert_eq!(
            got.iter()
                .map(|m| (m.professional_account_id.as_str(), m.attending_physician))
                .collect::<Vec<_>>(),
            vec![("p1", false), ("p2", true)]
        );
        let (x1, p1) = (typed::<PatientId>("x1"), typed::<AccountId>("p1"));
        assert!(care_team::remove(&db, &x1, &p1).await.unwrap());
        assert!(!care_team::remove(&db, &x1, &p1).await.unwrap());
    })
    .await;
}
