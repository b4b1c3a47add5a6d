//! E-mail over TLS (issue 16 item 3) against a real SMTP server (aiosmtpd) with a certificate
//! from a test authority: STARTTLS and implicit TLS deliver, authenticated, only when the
//! server's certificate is verified (trusted authority, right name) and the password is
//! right; otherwise nothing is sent and the e-mail stays in the outbox. Both backends.

use mds_app::information::outbox::{OutboxDelivery, SmtpSettings};
use mds_app::App;
use mds_store::outbox;
use mds_testkit::app::*;

const USER: &str = "mds-outbox";
const PASSWORD: &str = "relay-secret-2026";

/// Queues one e-mail: a SAMU access to Céline's record is told to her.
async fn queue_one(app: &App) {
    let celine = patient_id_by_cafat(app, "2345678").await;
    let regulator = actor(app, REGULATOR, at(0)).await;
    app.open_emergency_access(&regulator, &celine, true, "APP-0042", None, at(0))
        .await
        .unwrap();
}

async fn unsent(app: &App) -> usize {
    let rows = outbox::all(app.db()).await.unwrap();
    rows.iter().filter(|r| r.sent_at_ms.is_none()).count()
}

#[test]
fn mail_goes_out_over_verified_tls_only() {
    on_both(|backend| async move {
        // The authority and the mail directories live in a first fixture's directory.
        let home = Fixture::demo(backend).await;
        let dir = &home.dir;
        let ca = TestCa::new(&dir.path().join("ca"));
        let good = ca.issue("server", "IP:127.0.0.1,DNS:localhost");
        let wrong_name = ca.issue("elsewhere", "DNS:mail.example.nc");
        let ca_file = ca.cert.to_string_lossy().into_owned();
        // (case, mode, server certificate, trust the test authority, password, delivered)
        let cases = [
            ("STARTTLS", "starttls", &good, true, PASSWORD, true),
            ("implicit TLS", "tls", &good, true, PASSWORD, true),
            (
                "unknown authority",
                "starttls",
                &good,
                false,
                PASSWORD,
                false,
            ),
            (
                "unknown authority, implicit",
                "tls",
                &good,
                false,
                PASSWORD,
                false,
            ),
            (
                "certificate for another name",
                "tls",
                &wrong_name,
                true,
                PASSWORD,
                false,
            ),
            (
                "wrong password",
                "starttls",
                &good,
                true,
                "not-the-password",
                false,
            ),
        ];
        for (i, (case, mode, cert, trusted, password, delivered)) in cases.into_iter().enumerate() {
            let f = Fixture::demo(backend).await;
            queue_one(&f.app).await;
            let waiting = unsent(&f.app).await;
            assert!(waiting > 0, "{case}: an e-mail is queued");
            let mail_dir = dir.path().join(format!("mail-{i}"));
            let sink = SmtpSink::start_tls(mode, free_port(), &mail_dir, cert, USER, PASSWORD);
            let settings = SmtpSettings {
                host: "127.0.0.1".to_owned(),
                port: sink.port,
                tls: mode.to_owned(),
                ca_file: if trusted {
                    ca_file.clone()
                } else {
                    String::new()
                },
                username: USER.to_owned(),
                timeout_seconds: 5,
                ..SmtpSettings::default()
            };
            settings.validate().unwrap();
            let job = OutboxDelivery::new(settings, Some(password.to_owned()));
            let report = job.deliver(&f.app, at(MINUTE)).await.unwrap();
            let mails = sink.mails();
            if delivered {
                assert_eq!(report.sent as usize, waiting, "{case}: {report:?}");
                assert_eq!(unsent(&f.app).await, 0, "{case}");
                assert_eq!(mails.len(), waiting, "{case}");
                for m in &mails {
                    assert_eq!(m["tls"], true, "{case}: encrypted session");
                    assert_eq!(m["login"], USER, "{case}: authenticated");
                }
            } else {
                assert_eq!(report.sent, 0, "{case}: {report:?}");
                assert!(report.last_error.is_some(), "{case}: the error is reported");
                assert!(mails.is_empty(), "{case}: nothing reached the server");
                assert_eq!(unsent(&f.app).await, waiting, "{case}: still in the outbox");
            }
            sink.stop();
        }
    });
}

/// A relay that greets and then stops answering must not hold the outbox: the exchange is
/// bounded, the e-mail stays queued for a retry.
#[test]
fn a_relay_that_stops_answering_does_not_hold_the_outbox() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        queue_one(&f.app).await;
        let waiting = unsent(&f.app).await;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let silent = std::thread::spawn(move || {
            // Greets, then holds the connection open without another word until the client
            // gives up (reads until it closes).
            if let Ok((mut conn, _)) = listener.accept() {
                let _ = std::io::Write::write_all(&mut conn, b"220 relay ESMTP\r\n");
                let mut buf = [0_u8; 256];
                while std::io::Read::read(&mut conn, &mut buf).is_ok_and(|n| n > 0) {}
            }
        });
        let settings = SmtpSettings {
            host: "127.0.0.1".to_owned(),
            port,
            timeout_seconds: 1,
            ..SmtpSettings::default()
        };
        let started = std::time::Instant::now();
        let report = OutboxDelivery::new(settings, None)
            .deliver(&f.app, at(MINUTE))
            .await
            .unwrap();
        let took = started.elapsed();
        assert_eq!((report.sent, report.retried), (0, 1), "{report:?}");
        assert!(
            took < std::time::Duration::from_secs(30),
            "held for {took:?}"
        );
        assert_eq!(unsent(&f.app).await, waiting, "still queued");
        silent.join().unwrap();
    });
}
