//! Several instances on one database (issue 16): an e-mail claimed by one delivery is not
//! sent by another; a crash between the server's acceptance and the row marked sent re-sends
//! it once the claim expires, with the same Message-ID; a leased job runs once per interval
//! however many runners share the database, and again once a dead holder's lease ends.
//! Both backends; a real SMTP server on loopback.

use mds_app::information::outbox::{OutboxDelivery, SmtpSettings};
use mds_app::jobs::{run_loop, Job, JobFuture, JobReport};
use mds_app::App;
use mds_domain::Timestamp;
use mds_store::job_leases;
use mds_store::outbox;
use mds_testkit::app::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

const REASON: &str = "Patiente inconsciente aux urgences, antécédents inconnus.";

fn delivery(port: u16) -> OutboxDelivery {
    let settings = SmtpSettings {
        port,
        timeout_seconds: 10,
        ..SmtpSettings::default()
    };
    OutboxDelivery::new(settings, None)
}

/// The claim of an e-mail with a 10 s SMTP timeout: twice the 30 s exchange, plus 60 s.
const CLAIM_MS: i64 = 120_000;

#[test]
fn a_claimed_email_is_sent_by_one_delivery_and_a_crash_resends_it_with_its_message_id() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let first = &f.app;
        let second = f.second_process();
        let sink = SmtpSink::start(free_port(), &f.dir.path().join("mail"));
        let job = delivery(sink.port);
        // The demo's own e-mails first.
        job.deliver(first, at(0)).await.unwrap();
        let before = sink.mails().len();

        let celine = patient_id_by_cafat(first, "2345678").await;
        let nurse = actor(first, NURSE, at(0)).await;
        first
            .open_emergency_access(&nurse, &celine, false, REASON, None, at(0))
            .await
            .unwrap();
        // Instance 1 claims it; instance 2 finds nothing to send meanwhile.
        let row = job
            .claim(first, at(0))
            .await
            .unwrap()
            .expect("a due e-mail");
        assert_eq!(row.kind, "break_glass");
        let other = job.deliver(&second, at(1_000)).await.unwrap();
        assert_eq!(other.sent, 0, "{backend:?}: claimed by the first instance");
        // Instance 1 sends it, then dies before marking it sent.
        job.send(&row).await.unwrap();
        assert_eq!(sink.mails().len(), before + 1);
        let early = job.deliver(&second, at(CLAIM_MS - 1)).await.unwrap();
        assert_eq!(early.sent, 0, "{backend:?}: the claim still holds");
        let after = job.deliver(&second, at(CLAIM_MS)).await.unwrap();
        assert_eq!(
            after.sent, 1,
            "{backend:?}: sent again once the claim expired"
        );
        assert_eq!(job.deliver(first, at(CLAIM_MS + 1)).await.unwrap().sent, 0);

        let mails = sink.mails();
        assert_eq!(mails.len(), before + 2, "{backend:?}");
        let expected = format!("<{}@mondrivesante.nc>", row.id);
        let copies: Vec<&serde_json::Value> = mails
            .iter()
            .filter(|m| m["message_id"] == expected.as_str())
            .collect();
        assert_eq!(
            copies.len(),
            2,
            "{backend:?}: the crash's duplicate, same Message-ID"
        );
        for m in copies {
            assert!(m["body"].as_str().unwrap().contains("bris de glace"), "{m}");
        }
        let stored = outbox::all(first.db()).await.unwrap();
        let stored = stored.iter().find(|r| r.id == row.id).unwrap();
        assert!(stored.sent_at_ms.is_some(), "{backend:?}");
    });
}

#[test]
fn a_job_lease_is_held_by_one_instance_until_the_job_is_next_due() {
    on_both(|backend| async move {
        let f = Fixture::empty(backend).await;
        let db = f.app.db();
        let lease = 600_000;
        // (instance, at, action, expected): take = acquire until at + lease; finish = next due
        // at + 60 s.
        let table: [(&str, i64, &str, bool); 8] = [
            ("a", 0, "take", true),
            ("b", 1, "take", false),
            ("a", 5, "finish", true),
            ("b", 59_999, "take", false),
            ("b", 60_000, "take", true),
            ("a", 60_001, "take", false),
            // b dies during its run: its lease ends at 60 000 + 600 000.
            ("a", 659_999, "take", false),
            ("a", 660_000, "take", true),
        ];
        for (who, t, action, expected) in table {
            let mut tx = db.begin().await.unwrap();
            let got = match action {
                "take" => job_leases::acquire(&mut tx, "timers", who, t, t + lease).await,
                _ => job_leases::finish(&mut tx, "timers", who, t, 60_000).await,
            }
            .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(got, expected, "{backend:?}: {who} {action} at {t}");
        }
        let rows = job_leases::all(db).await.unwrap();
        assert_eq!((rows[0].holder.as_str(), rows[0].runs), ("a", 3));
    });
}

/// A job that counts its runs.
struct Counting(Arc<AtomicU64>);

impl Job for Counting {
    fn name(&self) -> &'static str {
        "counting"
    }

    fn every(&self) -> Duration {
        Duration::from_secs(3600)
    }

    fn run_once<'a>(&'a self, _app: &'a App, _now: Timestamp) -> JobFuture<'a> {
        Box::pin(async move {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(JobReport::default())
        })
    }
}

#[test]
fn three_runners_on_one_database_run_an_hourly_job_once() {
    on_both(|backend| async move {
        let f = Fixture::empty(backend).await;
        let runs = Arc::new(AtomicU64::new(0));
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let mut runners = Vec::new();
        for i in 0..3 {
            let app = if i == 0 {
                f.app.clone()
            } else {
                f.second_process()
            };
            let jobs: Vec<Box<dyn Job>> = vec![Box::new(Counting(runs.clone()))];
            runners.push(tokio::spawn(run_loop(
                app,
                jobs,
                Duration::from_millis(20),
                now,
                format!("runner-{i}"),
                stopped.clone(),
            )));
        }
        tokio::time::sleep(Duration::from_millis(600)).await;
        stop.send(true).unwrap();
        for r in runners {
            r.await.unwrap();
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1, "{backend:?}");
        let lease = &job_leases::all(f.app.db()).await.unwrap()[0];
        assert!(lease.finished_at_ms.is_some(), "{backend:?}");
        assert!(
            lease.until_ms >= lease.started_at_ms + 3_600_000,
            "{backend:?}"
        );
    });
}
