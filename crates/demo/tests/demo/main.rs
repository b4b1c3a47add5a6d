//! The demo data: loading it twice creates nothing the second time (accounts, patients,
//! documents, structures, audit events), its documents pass the vault check, and every demo
//! login printed by the report signs in; the scale dataset of the benchmarks. Both backends,
//! fixed clock.

use mds_app::App;
use mds_testkit::app::*;

/// Row counts of the tables the demo fills.
async fn counts(app: &App) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for table in [
        "accounts",
        "patients",
        "documents",
        "structures",
        "professionals",
        "assistants",
        "care_team",
        "audit_events",
    ] {
        let (n,): (i64,) = mds_store::Query::new(format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(app.db())
            .await
            .unwrap_or_else(|e| panic!("count {table}: {e}"));
        out.push((table, n));
    }
    out
}

#[test]
fn loading_the_demo_twice_creates_nothing_the_second_time() {
    on_both(|backend| async move {
        let f = Fixture::empty(backend).await;
        let first = mds_demo::load(&f.app, at(0))
            .await
            .unwrap_or_else(|e| panic!("first load: {e:?}"));
        let after_first = counts(&f.app).await;
        assert!(first.created > 0, "the first load creates the data");
        let empty: Vec<_> = after_first.iter().filter(|(_, n)| *n == 0).collect();
        assert!(empty.is_empty(), "tables left empty: {empty:?}");

        let second = mds_demo::load(&f.app, at(HOUR))
            .await
            .unwrap_or_else(|e| panic!("second load: {e:?}"));
        assert_eq!(second.created, 0, "the second load creates nothing");
        assert_eq!(
            second.already_present, first.created,
            "everything created first is found second"
        );
        assert_eq!(
            counts(&f.app).await,
            after_first,
            "row counts after the second load"
        );

        let check = f
            .app
            .check_vault()
            .await
            .unwrap_or_else(|e| panic!("check vault: {e:?}"));
        let documents = after_first
            .iter()
            .find(|(t, _)| *t == "documents")
            .map_or(0, |(_, n)| *n);
        assert_eq!(
            i64::try_from(check.checked).ok(),
            Some(documents),
            "every document checked"
        );
        assert!(
            check.missing_or_unreadable.is_empty() && check.digest_mismatch.is_empty(),
            "{check:?}"
        );
        assert_chain_intact(&f.app).await;
    });
}

#[test]
fn every_demo_login_of_the_report_signs_in() {
    on_both(|backend| async move {
        let f = Fixture::empty(backend).await;
        let report = mds_demo::load(&f.app, at(0))
            .await
            .unwrap_or_else(|e| panic!("load: {e:?}"));
        for login in [SUPPORT, DOCTOR, REGULATOR, ASSISTANT, PATIENT] {
            assert!(
                report.logins.iter().any(|l| l.login == login),
                "{login} missing from the report"
            );
        }
        let mut failing = Vec::new();
        for l in &report.logins {
            assert_eq!(
                l.totp_secret,
                mds_demo::demo_totp_secret(&l.login),
                "{}: secret of the report",
                l.login
            );
            let r = f
                .app
                .login(
                    request(
                        &l.login,
                        mds_demo::DEMO_PASSWORD,
                        &code(&l.totp_secret, at(MINUTE)),
                        None,
                    ),
                    at(MINUTE),
                )
                .await;
            if r.is_err() {
                failing.push(format!("{}: {}", l.login, outcome(&r)));
            }
        }
        assert!(
            failing.is_empty(),
            "demo logins that cannot sign in: {failing:?}"
        );
    });
}

#[test]
fn the_scale_dataset_seeds_records_the_benchmark_doctor_can_list_and_read() {
    on_both(|backend| async move {
        let f = Fixture::empty(backend).await;
        let spec = mds_demo::scale::ScaleSpec {
            patients: 6,
            documents_per_patient: 4,
            sample: 2,
            patients_per_batch: 4,
        };
        let mut progress = Vec::new();
        let report = mds_demo::scale::seed_scale(&f.app, &spec, at(0), |n| progress.push(n))
            .await
            .unwrap_or_else(|e| panic!("seed: {e:?}"));
        assert_eq!((report.patients, report.documents), (6, 24));
        assert_eq!(progress, vec![4, 6], "one progress call per batch");
        assert_eq!(report.sample.len(), 2);
        let doctor = actor(&f.app, DOCTOR, at(MINUTE)).await;
        for pid in &report.sample {
            let page = f
                .app
                .list_documents(&doctor, pid, Default::default(), None, at(MINUTE))
                .await
                .unwrap_or_else(|e| panic!("list {pid}: {e:?}"));
            assert_eq!(page.total, 4, "{pid}");
            let doc = &page.items[0];
            let content = f
                .app
                .document_content_for(&doctor, pid, &doc.id, None, at(MINUTE))
                .await
                .unwrap_or_else(|e| panic!("read {pid}: {e:?}"));
            assert!(content.content.starts_with(b"%PDF-"), "{pid}");
            assert!(
                (1024..=5 * 1024).contains(&content.content.len()),
                "{}",
                content.content.len()
            );
        }
        // A second seed would reuse the CAFAT numbers: refused, its batch rolled back.
        let again = mds_demo::scale::seed_scale(&f.app, &spec, at(HOUR), |_| {}).await;
        assert!(
            again.is_err(),
            "a second seed into the same directory is refused"
        );
        let check = f
            .app
            .check_vault()
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(
            check.missing_or_unreadable.is_empty() && check.digest_mismatch.is_empty(),
            "{check:?}"
        );
        assert_chain_intact(&f.app).await;
    });
}
