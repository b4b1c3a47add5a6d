//! Delivery of the e-mail outbox over SMTP (lettre). At least once, made idempotent for the
//! reader: a row is claimed (so no other instance sends it meanwhile), sent, and marked sent
//! right after the server accepted it; its id is the Message-ID, so the rare copy re-sent
//! after a crash between acceptance and marking (once the claim has expired) carries the same
//! Message-ID and is recognisable — SMTP has no way to make that window smaller. A
//! failed attempt is retried with exponential backoff (capped); after `max_attempts` the row
//! is marked failed and left for operators. Credentials never come from the configuration
//! file: the binary reads the password from the environment.

use crate::{App, AppError};
use lettre::message::{header::ContentType, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use mds_domain::Timestamp;
use mds_observe::metrics::{OUTBOX_FAILURES, OUTBOX_SENT};
use mds_store::outbox;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The `[smtp]` section of the configuration.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    /// Sender, e.g. `Mon Drive Santé <ne-pas-repondre@mondrivesante.nc>`.
    pub from: String,
    /// `none` (a relay on loopback), `starttls` (required: never falls back to plaintext) or
    /// `tls` (implicit TLS). The server's certificate is always verified, against the public
    /// roots and `ca_file`.
    pub tls: String,
    /// A PEM file of certificate authorities to trust besides the public roots (a private
    /// relay's CA); empty = the public roots only.
    pub ca_file: String,
    /// Login for SMTP authentication; empty = none. The password comes from the
    /// `MDS_SMTP_PASSWORD` environment variable only.
    pub username: String,
    /// E-mails sent per run at most.
    pub batch_size: i64,
    /// Delay before the second attempt; doubled at each failure up to `backoff_max_seconds`.
    pub backoff_base_seconds: i64,
    pub backoff_max_seconds: i64,
    /// Attempts after which an e-mail is marked failed.
    pub max_attempts: i64,
    /// Seconds to wait for the SMTP server.
    pub timeout_seconds: u64,
}

impl Default for SmtpSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 25,
            from: "Mon Drive Santé <ne-pas-repondre@mondrivesante.nc>".into(),
            tls: "none".into(),
            ca_file: String::new(),
            username: String::new(),
            batch_size: 50,
            backoff_base_seconds: 30,
            backoff_max_seconds: 3600,
            max_attempts: 20,
            timeout_seconds: 10,
        }
    }
}

impl SmtpSettings {
    /// Checks the values a start-up should refuse.
    pub fn validate(&self) -> Result<(), String> {
        if !matches!(self.tls.as_str(), "none" | "starttls" | "tls") {
            return Err(format!(
                "smtp.tls = {:?}: expected \"none\", \"starttls\" or \"tls\"",
                self.tls
            ));
        }
        if self.tls == "none" && !self.username.is_empty() && !is_loopback(&self.host) {
            return Err(format!(
                "smtp.username is set with smtp.tls = \"none\" towards {}: the password would \
                 cross the network in clear; use \"starttls\" or \"tls\"",
                self.host
            ));
        }
        if self.tls == "none" && !self.ca_file.is_empty() {
            return Err(
                "smtp.ca_file is set with smtp.tls = \"none\": choose starttls or tls".into(),
            );
        }
        self.from
            .parse::<Mailbox>()
            .map_err(|e| format!("smtp.from = {:?}: {e}", self.from))?;
        if self.batch_size < 1 || self.backoff_base_seconds < 1 || self.max_attempts < 1 {
            return Err(
                "smtp: batch_size, backoff_base_seconds and max_attempts must be positive".into(),
            );
        }
        if self.backoff_max_seconds < self.backoff_base_seconds {
            return Err("smtp.backoff_max_seconds must not be below backoff_base_seconds".into());
        }
        Ok(())
    }

    /// Delay before the next attempt, after `attempts` failed ones.
    pub fn backoff_ms(&self, attempts: i64) -> i64 {
        let exp = u32::try_from((attempts - 1).clamp(0, 30)).unwrap_or(30);
        let delay = self.backoff_base_seconds.saturating_mul(1_i64 << exp);
        delay.min(self.backoff_max_seconds) * 1000
    }
}

/// A host name that stays on this machine.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// What one delivery pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub sent: u64,
    /// E-mails that failed this time and will be tried again.
    pub retried: u64,
    /// E-mails given up on (visible to operators).
    pub failed: u64,
    /// The last error met, for the log.
    pub last_error: Option<String>,
}

/// The delivery of the outbox over SMTP: one pass at a time, run by the job runner (`jobs`).
pub struct OutboxDelivery {
    settings: SmtpSettings,
    password: Option<String>,
}

impl OutboxDelivery {
    pub fn new(settings: SmtpSettings, password: Option<String>) -> Self {
        Self { settings, password }
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        let s = &self.settings;
        let tls = match s.tls.as_str() {
            "tls" => Tls::Wrapper(self.tls_parameters()?),
            "starttls" => Tls::Required(self.tls_parameters()?),
            _ => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)
            .port(s.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(s.timeout_seconds)));
        if !s.username.is_empty() {
            let password = self.password.clone().unwrap_or_default();
            builder = builder.credentials(Credentials::new(s.username.clone(), password));
        }
        Ok(builder.build())
    }

    /// The longest one e-mail's exchange may take: a few server replies' worth.
    fn exchange_limit(&self) -> Duration {
        Duration::from_secs(self.settings.timeout_seconds.saturating_mul(3).max(1))
    }

    /// Certificate verification on, always: the public roots, plus `ca_file`'s authorities.
    fn tls_parameters(&self) -> Result<TlsParameters, String> {
        let s = &self.settings;
        let mut params = TlsParameters::builder(s.host.clone());
        if !s.ca_file.is_empty() {
            let pem = std::fs::read(&s.ca_file)
                .map_err(|e| format!("smtp.ca_file {}: {e}", s.ca_file))?;
            let ca = Certificate::from_pem(&pem)
                .map_err(|e| format!("smtp.ca_file {}: {e}", s.ca_file))?;
            params = params.add_root_certificate(ca);
        }
        params.build_rustls().map_err(|e| e.to_string())
    }

    fn message(&self, row: &outbox::EmailRow) -> Result<lettre::Message, String> {
        let from: Mailbox = self.settings.from.parse().map_err(|e| format!("{e}"))?;
        let to: Mailbox = row
            .recipient
            .parse()
            .map_err(|e| format!("recipient: {e}"))?;
        let domain = from.email.domain().to_owned();
        lettre::Message::builder()
            .from(from)
            .to(to)
            .subject(row.subject.clone())
            .message_id(Some(format!("<{}@{domain}>", row.id)))
            .header(ContentType::TEXT_PLAIN)
            .body(row.body.clone())
            .map_err(|e| e.to_string())
    }

    /// How long a claimed e-mail is kept from other deliveries: its exchange with the server
    /// and the commit that follows, with room to spare.
    fn claim_ms(&self) -> i64 {
        let exchange = i64::try_from(self.exchange_limit().as_millis()).unwrap_or(i64::MAX / 4);
        exchange.saturating_mul(2).saturating_add(60_000)
    }

    /// Claims the next due e-mail for this delivery (step 1 of 3: claim, send, record).
    pub async fn claim(
        &self,
        app: &App,
        now: Timestamp,
    ) -> Result<Option<outbox::EmailRow>, AppError> {
        let mut tx = app.db().begin().await?;
        let row = outbox::claim_next(&mut tx, now.millis(), now.millis() + self.claim_ms()).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Sends one claimed e-mail (step 2 of 3); the error says whether it is permanent.
    pub async fn send(&self, row: &outbox::EmailRow) -> Result<(), (String, bool)> {
        let transport = self.transport().map_err(|e| (e, false))?;
        self.send_with(&transport, row).await
    }

    async fn send_with(
        &self,
        transport: &AsyncSmtpTransport<Tokio1Executor>,
        row: &outbox::EmailRow,
    ) -> Result<(), (String, bool)> {
        let message = self.message(row).map_err(|e| (e, true))?;
        // lettre bounds the connection, not every reply: a relay that stops answering
        // mid-session must not hold the job, so the whole exchange is bounded too.
        match tokio::time::timeout(self.exchange_limit(), transport.send(message)).await {
            Ok(sent) => sent
                .map(|_| ())
                .map_err(|e| (e.to_string(), e.is_permanent())),
            Err(_) => Err(("the SMTP server stopped answering".to_owned(), false)),
        }
    }

    /// Sends the due e-mails once: each is claimed, sent, then marked sent or failed. A pass
    /// stops after half a claim's length, so the claims it takes from `now` stay ahead of the
    /// real time of their sending; the rest waits for the next pass.
    pub async fn deliver(&self, app: &App, now: Timestamp) -> Result<Delivery, AppError> {
        let mut report = Delivery::default();
        let started = std::time::Instant::now();
        let pass_limit = Duration::from_millis(u64::try_from(self.claim_ms() / 2).unwrap_or(0));
        let mut transport = None;
        for _ in 0..self.settings.batch_size {
            if started.elapsed() >= pass_limit {
                break;
            }
            let Some(row) = self.claim(app, now).await? else {
                break;
            };
            let transport = transport.get_or_insert_with(|| self.transport());
            let outcome = match transport {
                Ok(t) => self.send_with(t, &row).await,
                Err(e) => Err((e.clone(), false)),
            };
            let transient = matches!(outcome, Err((_, false)));
            self.record(app, &row, outcome, now, &mut report).await?;
            // The server is unreachable or busy: the other rows wait for the next run,
            // untouched, instead of each waiting for a timeout now.
            if transient {
                break;
            }
        }
        Ok(report)
    }

    /// Records the outcome of one sending (step 3 of 3).
    async fn record(
        &self,
        app: &App,
        row: &outbox::EmailRow,
        outcome: Result<(), (String, bool)>,
        now: Timestamp,
        report: &mut Delivery,
    ) -> Result<(), AppError> {
        let mut tx = app.db().begin().await?;
        match outcome {
            Ok(()) => {
                outbox::mark_sent(&mut tx, &row.id, now.millis()).await?;
                OUTBOX_SENT.inc(&[]);
                report.sent += 1;
            }
            Err((error, permanent)) => {
                let attempts = row.attempts + 1;
                let give_up = permanent || attempts >= self.settings.max_attempts;
                let next = now.millis() + self.settings.backoff_ms(attempts);
                let failed_at = give_up.then_some(now.millis());
                outbox::mark_attempt_failed(&mut tx, &row.id, next, failed_at, &error).await?;
                if give_up {
                    OUTBOX_FAILURES.inc(&["given_up"]);
                    report.failed += 1;
                } else {
                    OUTBOX_FAILURES.inc(&["retried"]);
                    report.retried += 1;
                }
                report.last_error = Some(error);
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let s = SmtpSettings::default();
        let got: Vec<i64> = (1..=9).map(|a| s.backoff_ms(a) / 1000).collect();
        assert_eq!(got, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(s.backoff_ms(10_000) / 1000, 3600);
    }

    #[test]
    fn settings_are_checked() {
        assert!(SmtpSettings::default().validate().is_ok());
        let bad_tls = SmtpSettings {
            tls: "ssl".into(),
            ..SmtpSettings::default()
        };
        assert!(bad_tls.validate().is_err_and(|e| e.contains("smtp.tls")));
        let bad_from = SmtpSettings {
            from: "not an address".into(),
            ..SmtpSettings::default()
        };
        assert!(bad_from.validate().is_err_and(|e| e.contains("smtp.from")));
    }

    /// A password never crosses the network in clear; a CA file means TLS.
    #[test]
    fn credentials_and_authorities_require_tls_off_this_machine() {
        // (host, tls, username, ca_file, accepted)
        let table = [
            ("smtp.gouv.nc", "none", "mds", "", false),
            ("smtp.gouv.nc", "starttls", "mds", "", true),
            ("smtp.gouv.nc", "tls", "mds", "/etc/mds/ca.pem", true),
            ("smtp.gouv.nc", "none", "", "", true),
            ("127.0.0.1", "none", "mds", "", true),
            ("localhost", "none", "mds", "", true),
            ("::1", "none", "mds", "", true),
            ("smtp.gouv.nc", "none", "", "/etc/mds/ca.pem", false),
        ];
        for (host, tls, username, ca_file, accepted) in table {
            let s = SmtpSettings {
                host: host.into(),
                tls: tls.into(),
                username: username.into(),
                ca_file: ca_file.into(),
                ..SmtpSettings::default()
            };
            assert_eq!(
                s.validate().is_ok(),
                accepted,
                "{host} {tls} {username:?} {ca_file:?}"
            );
        }
    }
}
