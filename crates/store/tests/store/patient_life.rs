//! The store contract of issue 3 (patient life cycle), on a fresh SQLite and a fresh
//! PostgreSQL database: state compare-and-set, the retention query, scrubbing a record and an
//! account, identity files referenced by the orphan sweep and key rotation, queue decisions.
#![allow(clippy::unwrap_used)]

use mds_domain::{
    AccountId, AccountKind, AccountState, EnrolmentState, FileOwnerKind, FilePurpose, Format,
    IdentityStatus, PatientId,
};
use mds_store::patients::RemovalReason;
use mds_store::{accounts, enrolments, identity_files, patients};
use mds_testkit::typed;
use mds_testkit::{backends, fresh_db};

fn patient(id: &str, cafat: &str) -> patients::PatientRow {
    patients::PatientRow {
        id: typed::<PatientId>(id),
        account_id: None,
        identifier_kind: mds_domain::IdentifierKind::Cafat,
        identifier_number: cafat.to_owned(),
        birth_name: "Néa".to_owned(),
        birth_name_norm: "NEA".to_owned(),
        first_names: r#"["Paul"]"#.to_owned(),
        first_names_norm: "PAUL".to_owned(),
        birth_date: "1970-04-12".to_owned(),
        sex: "M".to_owned(),
        birth_place: "98818".to_owned(),
        identity_status: typed::<IdentityStatus>("validated"),
        validated_by: None,
        validated_how: Some("in_person".to_owned()),
        validated_at_ms: Some(1),
        record_state: typed::<AccountState>("active"),
        email: Some("paul@example.nc".to_owned()),
        phone: None,
        died_on: None,
        created_at_ms: 1,
    }
}

#[tokio::test]
async fn life_cycle_rows_behave_the_same_on_both_backends() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends() {
        let db = fresh_db(backend, dir.path()).await;
        let pool = &db;
        let a = "00000000-0000-4000-8000-000000000001";
        let b = "00000000-0000-4000-8000-000000000002";
        patients::insert(pool, &patient(a, "111111")).await.unwrap();
        let mut other = patient(b, "222222");
        other.first_names_norm = "PIERRE".to_owned();
        patients::insert(pool, &other).await.unwrap();

        let key = patients::TraitsKey {
            birth_name_norm: "NEA",
            first_names_norm: "PAUL",
            birth_date: "1970-04-12",
            sex: "M",
            birth_place: "98818",
        };
        assert_eq!(
            patients::by_traits(pool, &key).await.unwrap().map(|p| p.id),
            Some(typed(a)),
            "{backend:?}"
        );
        assert_eq!(
            patients::by_birth(pool, "1970-04-12", "M", 10)
                .await
                .unwrap()
                .len(),
            2,
            "{backend:?}"
        );
        assert_eq!(
            patients::by_name_and_birth(pool, "NEA", "1970-04-12", "F", 10)
                .await
                .unwrap()
                .len(),
            0
        );

        assert!(
            patients::transition(pool, &typed(a), AccountState::Active, AccountState::Closed)
                .await
                .unwrap(),
            "{backend:?}"
        );
        assert!(
            !patients::transition(pool, &typed(a), AccountState::Active, AccountState::Closed)
                .await
                .unwrap(),
            "{backend:?}: compare-and-set"
        );

        patients::close(pool, &typed::<PatientId>(&a), 10, 1_000)
            .await
            .unwrap();
        patients::request_erasure(pool, &typed::<PatientId>(&b), 20, 500)
            .await
            .unwrap();
        let mut due = patients::due_for_removal(pool, 999, 10).await.unwrap();
        due.sort();
        assert_eq!(
            due,
            [(typed(b), RemovalReason::ErasureRequest)],
            "{backend:?}: archive not yet due"
        );
        let mut due = patients::due_for_removal(pool, 1_000, 10).await.unwrap();
        due.sort();
        assert_eq!(due.len(), 2, "{backend:?}");
        patients::scrub(pool, &typed::<PatientId>(&a), 1_000)
            .await
            .unwrap();
        patients::scrub(pool, &typed::<PatientId>(&b), 1_000)
            .await
            .unwrap();
        assert!(
            patients::due_for_removal(pool, 5_000, 10)
                .await
                .unwrap()
                .is_empty(),
            "{backend:?}"
        );
        assert!(
            patients::by_identifier(pool, mds_domain::IdentifierKind::Cafat, "111111")
                .await
                .unwrap()
                .is_none()
        );
        let life = patients::life(pool, &typed::<PatientId>(&a))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (life.closed_at_ms, life.erased_at_ms),
            (Some(10), Some(1_000))
        );

        let account = accounts::AccountRow {
            id: typed::<AccountId>("00000000-0000-4000-8000-000000000003"),
            kind: typed::<AccountKind>("patient"),
            login: "paul@example.nc".to_owned(),
            display_name: "Paul Néa".to_owned(),
            email: Some("paul@example.nc".to_owned()),
            password_hash: Some("$argon2id$x".to_owned()),
            totp_secret: None,
            totp_key_id: None,
            totp_confirmed: false,
            totp_last_step: 0,
            state: typed::<AccountState>("active"),
            created_at_ms: 1,
            updated_at_ms: 1,
        };
        accounts::insert(pool, &account).await.unwrap();
        accounts::scrub(pool, &account.id, typed::<AccountState>("erased"), 2)
            .await
            .unwrap();
        assert!(
            accounts::by_login(pool, "paul@example.nc")
                .await
                .unwrap()
                .is_none(),
            "{backend:?}: login freed"
        );
        let scrubbed = accounts::by_id(pool, &account.id).await.unwrap().unwrap();
        assert_eq!(
            (
                scrubbed.state.as_str(),
                scrubbed.email,
                scrubbed.password_hash
            ),
            ("erased", None, None)
        );

        let file = identity_files::IdentityFileRow {
            id: "00000000-0000-4000-8000-000000000004".to_owned(),
            owner_kind: typed::<FileOwnerKind>("enrolment"),
            owner_id: "r1".to_owned(),
            purpose: typed::<FilePurpose>("cafat_card"),
            format: typed::<Format>("image/png"),
            size_bytes: 3,
            sha256: "00".to_owned(),
            object_key: "obj-1".to_owned(),
            wrapped_key: vec![1, 2, 3],
            key_id: "k1".to_owned(),
            created_at_ms: 1,
        };
        identity_files::insert(pool, &file).await.unwrap();
        assert!(
            mds_store::documents::object_is_referenced(pool, "obj-1")
                .await
                .unwrap(),
            "{backend:?}: not an orphan"
        );
        assert!(mds_store::documents::key_ids_in_use(pool)
            .await
            .unwrap()
            .contains(&"k1".to_owned()));
        identity_files::reassign(
            pool,
            (typed::<FileOwnerKind>("enrolment"), "r1"),
            (typed::<FileOwnerKind>("patient"), a),
        )
        .await
        .unwrap();
        assert_eq!(
            identity_files::for_owner(pool, typed::<FileOwnerKind>("patient"), a)
                .await
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            identity_files::delete_for_owner(pool, typed::<FileOwnerKind>("patient"), a)
                .await
                .unwrap(),
            1
        );

        let request = enrolments::EnrolmentRequestRow {
            id: "r2".to_owned(),
            patient_id: Some(typed::<PatientId>(a)),
            account_id: account.id.clone(),
            status_token_hash: "h".to_owned(),
            status: typed::<EnrolmentState>("pending"),
            near_match_patient_id: None,
            reason: None,
            decided_by: None,
            decided_at_ms: None,
            submitted_at_ms: 1,
        };
        enrolments::insert_request(pool, &request).await.unwrap();
        assert!(enrolments::decide_request(
            pool,
            "r2",
            typed::<EnrolmentState>("rejected"),
            Some("illisible"),
            &account.id,
            3,
            false
        )
        .await
        .unwrap());
        assert!(
            !enrolments::decide_request(
                pool,
                "r2",
                typed::<EnrolmentState>("validated"),
                None,
                &account.id,
                4,
                true
            )
            .await
            .unwrap(),
            "{backend:?}: decided once"
        );
        let decided = enrolments::request_by_token_hash(pool, "h")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                decided.status.as_str(),
                decided.reason.as_deref(),
                decided.patient_id
            ),
            ("rejected", Some("illisible"), None)
        );
        db.close().await;
    }
}
