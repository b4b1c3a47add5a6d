//! Configuration: built-in defaults, then an optional TOML file, then `MDS_*` environment
//! variables (`MDS_VAULT_S3_BUCKET` sets `vault.s3.bucket`). Unknown keys, in the file or in
//! the environment, are refused with a message naming them. Secrets are read from files
//! named in the configuration, never written in it.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on. Loopback by default: put a reverse proxy or `tls` in front.
    pub listen: String,
    /// Address people use to reach the service, when a reverse proxy sits in front
    /// (e.g. `https://mondrivesante.nc`). An `https://` address marks session cookies `Secure`.
    pub public_url: String,
    /// Data directory: SQLite database, local vault, master key file.
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://…`; empty = `sqlite://<data_dir>/mds.db`.
    pub database_url: String,
    /// File holding the database URL (for a PostgreSQL password), instead of `database_url`.
    pub database_url_file: String,
    pub tls: TlsConfig,
    pub vault: VaultConfig,
    pub log: LogConfig,
    pub security: mds_app::Settings,
    /// Outgoing e-mail (notification outbox); the password comes from `MDS_SMTP_PASSWORD`.
    pub smtp: mds_app::information::outbox::SmtpSettings,
    pub jobs: JobsConfig,
    pub connections: ConnectionsConfig,
    pub metrics: MetricsConfig,
    pub policy: PolicyConfig,
}

/// The access policy's data: the access matrix and the habilitation matrix, each a CSV file
/// that declares its version on a `# version: …` line. A file is accepted at start only if it
/// keeps the safety properties (`mds policy check` says so before); check a new version's
/// effect on the past with `mds policy simulate`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PolicyConfig {
    /// Access matrix (action × access mode); empty = the shipped `reference/access-matrix.csv`.
    pub access_matrix: String,
    /// Habilitation matrix (profession, document type); empty = the shipped
    /// `reference/habilitation.csv`.
    pub habilitation: String,
}

/// The Prometheus endpoint (`GET /metrics`), on its own listener, never on the public port.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// Address of the metrics listener (e.g. `127.0.0.1:9464`); empty = no metrics endpoint.
    pub listen: String,
    /// A file holding a bearer token the scraper must send; empty = none (keep `listen` on
    /// loopback or a private network then).
    pub token_file: String,
}

/// What one client may hold of the server (issue 14): slow and idle clients are closed, and
/// one address cannot take every connection.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConnectionsConfig {
    /// Seconds a client has to send a request's headers; past it the connection is closed.
    pub header_read_timeout_seconds: u64,
    /// Seconds a request body may go without sending anything; past it the request ends
    /// with 408 and nothing of it is stored.
    pub body_idle_timeout_seconds: u64,
    /// Open connections allowed from one client address; more are closed at once. A
    /// hospital's NAT is one address: its browsers keep about 6 connections each.
    pub max_per_address: usize,
}

impl Default for ConnectionsConfig {
    fn default() -> Self {
        Self {
            header_read_timeout_seconds: 10,
            body_idle_timeout_seconds: 20,
            max_per_address: 256,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JobsConfig {
    /// Seconds between two passes of the job runner (outbox, timers, expiry, retention…).
    pub tick_seconds: u64,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self { tick_seconds: 5 }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TlsConfig {
    /// PEM certificate chain; with `key_file`, the server speaks HTTPS itself.
    pub cert_file: String,
    pub key_file: String,
    /// PEM certificate(s) of the CA that issues structure software's client certificates;
    /// empty = none asked. With it, a client may present a certificate of that CA (browsers
    /// and other clients still connect without one); a registered certificate then stands in
    /// for the software's token (docs/FHIR.md).
    pub client_ca_file: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VaultConfig {
    /// `local` (a directory) or `s3` (S3-compatible object storage).
    pub backend: VaultBackend,
    /// Master key file; empty = `<data_dir>/master.keys`, created on first start.
    pub master_key_file: String,
    /// Directory of the local backend; empty = `<data_dir>/vault`.
    pub local_dir: String,
    pub s3: S3Config,
}

/// Where the vault keeps its sealed objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VaultBackend {
    Local,
    S3,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct S3Config {
    pub endpoint: String,
    pub region: String,
    pub bucket: String,
    pub access_key_id: String,
    /// File holding the secret access key.
    pub secret_access_key_file: String,
    /// Path-style addressing (`endpoint/bucket/key`), needed by most local servers.
    pub path_style: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `text` or `json`.
    pub format: LogFormat,
    /// A `tracing` filter, e.g. `info` or `mds=debug,sqlx=warn`.
    pub level: String,
}

/// How log lines are written on standard error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for a log collector.
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            public_url: String::new(),
            data_dir: PathBuf::from("./mds-data"),
            database_url: String::new(),
            database_url_file: String::new(),
            tls: TlsConfig::default(),
            vault: VaultConfig::default(),
            log: LogConfig::default(),
            security: mds_app::Settings::default(),
            policy: PolicyConfig::default(),
            smtp: mds_app::information::outbox::SmtpSettings::default(),
            jobs: JobsConfig::default(),
            connections: ConnectionsConfig::default(),
            metrics: MetricsConfig::default(),
        }
    }
}

impl Default for VaultConfig {
    fn default() -> Self {
        Self {
            backend: VaultBackend::Local,
            master_key_file: String::new(),
            local_dir: String::new(),
            s3: S3Config::default(),
        }
    }
}

impl Default for S3Config {
    fn default() -> Self {
        Self {
            endpoint: String::new(),
            region: "us-east-1".into(),
            bucket: "mds-documents".into(),
            access_key_id: String::new(),
            secret_access_key_file: String::new(),
            path_style: true,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: LogFormat::Text,
            level: "info,sqlx=warn".into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid configuration file {path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("unknown environment variable {0}: no such configuration key (see `mds serve --help` and README)")]
    UnknownEnv(String),
    #[error("environment variable {name}: {message}")]
    Env { name: String, message: String },
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// Environment variables with this prefix belong to the test harness, not to the service.
const TEST_PREFIX: &str = "MDS_TEST_";

/// The SMTP password: read from the environment only, never a configuration key.
pub const SMTP_PASSWORD_ENV: &str = "MDS_SMTP_PASSWORD";

impl Config {
    pub fn load(
        file: Option<&Path>,
        env: impl Iterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let defaults = toml::Value::try_from(Config::default())
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        let mut merged = defaults.clone();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.to_owned(),
                source,
            })?;
            let value: toml::Value = text
                .parse::<toml::Table>()
                .map(toml::Value::Table)
                .map_err(|e| ConfigError::File {
                    path: path.to_owned(),
                    message: e.to_string(),
                })?;
            merge(&mut merged, value);
            // Reject unknown keys of the file before the environment can mask them.
            merged
                .clone()
                .try_into::<Config>()
                .map_err(|e| ConfigError::File {
                    path: path.to_owned(),
                    message: e.to_string(),
                })?;
        }
        let mut known = Vec::new();
        leaf_paths(&defaults, &mut Vec::new(), &mut known);
        for (name, raw) in env {
            let Some(rest) = name.strip_prefix("MDS_") else {
                continue;
            };
            if name.starts_with(TEST_PREFIX) || name == SMTP_PASSWORD_ENV {
                continue;
            }
            let Some((path, default)) = known
                .iter()
                .find(|(p, _)| p.join("_").to_uppercase() == rest)
            else {
                return Err(ConfigError::UnknownEnv(name));
            };
            let value = typed(default, &raw).map_err(|message| ConfigError::Env {
                name: name.clone(),
                message,
            })?;
            set_path(&mut merged, path, value);
        }
        let config: Config = merged
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::Invalid(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        self.listen.parse::<std::net::SocketAddr>().map_err(|_| {
            ConfigError::Invalid(format!(
                "listen = {:?} is not an address like 127.0.0.1:8080",
                self.listen
            ))
        })?;
        if self.tls.cert_file.is_empty() != self.tls.key_file.is_empty() {
            return Err(ConfigError::Invalid(
                "tls.cert_file and tls.key_file go together".into(),
            ));
        }
        if !self.tls.client_ca_file.is_empty() && self.tls.cert_file.is_empty() {
            return Err(ConfigError::Invalid(
                "tls.client_ca_file needs tls.cert_file and tls.key_file: client certificates \
                 are read only where mds terminates TLS"
                    .into(),
            ));
        }
        let s = &self.security;
        if s.session_idle_min_minutes < 1
            || s.session_idle_min_minutes > s.session_idle_minutes
            || s.session_idle_minutes > s.session_idle_max_minutes
            || s.session_idle_max_minutes > 24 * 60
        {
            return Err(ConfigError::Invalid(
                "security: session_idle_min_minutes ≤ session_idle_minutes ≤ \
                 session_idle_max_minutes ≤ 1440, the minimum at least 1"
                    .into(),
            ));
        }
        if s.session_idle_minutes < 1
            || s.session_absolute_hours < 1
            || s.login_max_failures < 1
            || s.login_max_failures_per_login < 1
            || s.login_max_failures_per_address < 1
            || s.login_window_minutes < 1
            || s.login_owner_alert_failures < 1
            || s.enrolment_max_per_address_hour < 1
            || s.enrolment_max_pending < 1
            || s.enrolment_queue_alert < 1
            || s.password_min_length < 8
        {
            return Err(ConfigError::Invalid(
                "security: timeouts and limits must be positive, password_min_length at least 8"
                    .into(),
            ));
        }
        for (key, days) in &s.announcement_delay_days {
            let known = match key.strip_prefix("class:") {
                Some(class) => mds_domain::DocumentType::all()
                    .iter()
                    .any(|t| t.class_code() == class),
                None => mds_domain::DocumentType::from_code(key).is_some(),
            };
            if !known || !(1..=90).contains(days) {
                return Err(ConfigError::Invalid(format!(
                    "security.announcement_delay_days: {key:?} = {days}: a document type code \
                     or \"class:<code>\" of reference/document-types.csv, from 1 to 90 days"
                )));
            }
        }
        if s.hidden_reminder_days < 1 || s.hidden_release_days <= s.hidden_reminder_days {
            return Err(ConfigError::Invalid(
                "security: hidden_reminder_days must be positive and below hidden_release_days"
                    .into(),
            ));
        }
        self.smtp.validate().map_err(ConfigError::Invalid)?;
        if !self.metrics.listen.is_empty() {
            let addr: std::net::SocketAddr = self.metrics.listen.parse().map_err(|_| {
                ConfigError::Invalid(format!(
                    "metrics.listen = {:?} is not an address",
                    self.metrics.listen
                ))
            })?;
            if self.listen.parse::<std::net::SocketAddr>().ok() == Some(addr) && addr.port() != 0 {
                return Err(ConfigError::Invalid(
                    "metrics.listen must differ from listen: the metrics stay off the public port"
                        .into(),
                ));
            }
        }
        if self.jobs.tick_seconds < 1 {
            return Err(ConfigError::Invalid("jobs.tick_seconds: at least 1".into()));
        }
        if !(1..=92).contains(&s.erasure_deadline_days) {
            return Err(ConfigError::Invalid(
                "security.erasure_deadline_days: from 1 to 92 (an erasure is due within 3 months)"
                    .into(),
            ));
        }
        if !(0..24).contains(&s.supervision_night_start_hour)
            || !(0..24).contains(&s.supervision_night_end_hour)
            || s.supervision_denied_burst_minutes < 1
            || s.software_preload_max_documents < 1
            || s.software_max_patients_24h < 1
        {
            return Err(ConfigError::Invalid(
                "security: supervision night hours from 0 to 23, software limits and the denial \
                 window at least 1"
                    .into(),
            ));
        }
        Ok(())
    }

    pub fn database_url(&self) -> Result<String, ConfigError> {
        if !self.database_url_file.is_empty() {
            let url = std::fs::read_to_string(&self.database_url_file).map_err(|source| {
                ConfigError::Read {
                    path: self.database_url_file.clone().into(),
                    source,
                }
            })?;
            return Ok(url.trim().to_owned());
        }
        if !self.database_url.is_empty() {
            return Ok(self.database_url.clone());
        }
        Ok(format!(
            "sqlite://{}",
            self.data_dir.join("mds.db").display()
        ))
    }

    /// Whether people reach the service over HTTPS through a proxy.
    pub fn public_url_is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn master_key_file(&self) -> PathBuf {
        if self.vault.master_key_file.is_empty() {
            self.data_dir.join("master.keys")
        } else {
            PathBuf::from(&self.vault.master_key_file)
        }
    }

    pub fn local_vault_dir(&self) -> PathBuf {
        if self.vault.local_dir.is_empty() {
            self.data_dir.join("vault")
        } else {
            PathBuf::from(&self.vault.local_dir)
        }
    }
}

fn merge(base: &mut toml::Value, over: toml::Value) {
    match (base, over) {
        (toml::Value::Table(b), toml::Value::Table(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, o) => *b = o,
    }
}

fn leaf_paths(
    v: &toml::Value,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, toml::Value)>,
) {
    match v {
        toml::Value::Table(t) => {
            for (k, child) in t {
                prefix.push(k.clone());
                leaf_paths(child, prefix, out);
                prefix.pop();
            }
        }
        leaf => out.push((prefix.clone(), leaf.clone())),
    }
}

fn typed(default: &toml::Value, raw: &str) -> Result<toml::Value, String> {
    Ok(match default {
        toml::Value::Integer(_) => toml::Value::Integer(
            raw.trim()
                .parse()
                .map_err(|_| format!("expected an integer, got {raw:?}"))?,
        ),
        toml::Value::Boolean(_) => toml::Value::Boolean(match raw.trim() {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" => false,
            _ => return Err(format!("expected true or false, got {raw:?}")),
        }),
        _ => toml::Value::String(raw.to_owned()),
    })
}

fn set_path(root: &mut toml::Value, path: &[String], value: toml::Value) {
    let mut cur = root;
    for (i, key) in path.iter().enumerate() {
        let toml::Value::Table(t) = cur else { return };
        if i + 1 == path.len() {
            t.insert(key.clone(), value);
            return;
        }
        cur = t
            .entry(key.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn defaults_then_file_then_environment() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "listen = \"127.0.0.1:9000\"\n[vault]\nbackend = \"s3\"\n[vault.s3]\nbucket = \"from-file\"\n[security]\nsession_idle_minutes = 20").unwrap();
        let c = Config::load(
            Some(f.path()),
            env(&[
                ("MDS_VAULT_S3_BUCKET", "from-env"),
                ("MDS_SECURITY_LOGIN_MAX_FAILURES", "7"),
                ("MDS_SECURITY_MAX_PATIENT_DOCUMENT_BYTES", "1048576"),
                ("MDS_SECURITY_ATTENDING_PHYSICIAN_SEES_CONFIDENTIAL", "true"),
                ("MDS_TEST_PG_URL", "ignored"),
                ("HOME", "/root"),
            ]),
        )
        .unwrap();
        assert_eq!(c.listen, "127.0.0.1:9000");
        assert_eq!(c.vault.backend, VaultBackend::S3);
        assert_eq!(c.vault.s3.bucket, "from-env");
        assert_eq!(c.security.session_idle_minutes, 20);
        assert_eq!(c.security.login_max_failures, 7);
        assert_eq!(c.security.max_patient_document_bytes, 1_048_576);
        assert_eq!(c.security.max_document_bytes, 20 * 1024 * 1024);
        assert!(c.security.attending_physician_sees_confidential);
        assert_eq!(c.vault.s3.region, "us-east-1");
        assert_eq!(c.database_url().unwrap(), "sqlite://./mds-data/mds.db");
    }

    #[test]
    fn vault_backend_and_log_format_are_one_of_their_names() {
        let c = Config::load(
            None,
            env(&[("MDS_VAULT_BACKEND", "s3"), ("MDS_LOG_FORMAT", "json")]),
        )
        .unwrap();
        assert_eq!(
            (c.vault.backend, c.log.format),
            (VaultBackend::S3, LogFormat::Json)
        );
        for (name, value, expected) in [
            ("MDS_VAULT_BACKEND", "ftp", "`local` or `s3`"),
            ("MDS_LOG_FORMAT", "xml", "`text` or `json`"),
        ] {
            let err = Config::load(None, env(&[(name, value)]))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(value) && err.contains(expected), "{err}");
        }
    }

    #[test]
    fn identity_scans_and_erasure_deadline_are_configurable() {
        let c = Config::load(None, env(&[])).unwrap();
        assert!(!c.security.keep_identity_scans);
        assert_eq!(c.security.erasure_deadline_days, 92);
        let c = Config::load(
            None,
            env(&[
                ("MDS_SECURITY_KEEP_IDENTITY_SCANS", "true"),
                ("MDS_SECURITY_ERASURE_DEADLINE_DAYS", "30"),
            ]),
        )
        .unwrap();
        assert!(c.security.keep_identity_scans);
        assert_eq!(c.security.erasure_deadline_days, 30);
        let err = Config::load(None, env(&[("MDS_SECURITY_ERASURE_DEADLINE_DAYS", "120")]))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("erasure_deadline_days"), "{err}");
    }

    #[test]
    fn smtp_settings_come_from_the_file_and_environment_but_not_the_password() {
        let c = Config::load(
            None,
            env(&[
                ("MDS_SMTP_HOST", "smtp.example.nc"),
                ("MDS_SMTP_PORT", "587"),
                ("MDS_SMTP_TLS", "starttls"),
                ("MDS_SMTP_PASSWORD", "not a key"),
                ("MDS_JOBS_TICK_SECONDS", "2"),
            ]),
        )
        .unwrap();
        assert_eq!(
            (c.smtp.host.as_str(), c.smtp.port, c.smtp.tls.as_str()),
            ("smtp.example.nc", 587, "starttls")
        );
        assert_eq!(c.jobs.tick_seconds, 2);
        let err = Config::load(None, env(&[("MDS_SMTP_TLS", "ssl")]))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("smtp.tls"), "{err}");
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "[smtp]\npassword = \"secret\"").unwrap();
        let err = Config::load(Some(f.path()), env(&[]))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("password"), "{err}");
    }

    #[test]
    fn unknown_and_malformed_settings_are_refused_by_name() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "[vault]\nbackedn = \"s3\"").unwrap();
        let err = Config::load(Some(f.path()), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("backedn"), "{err}");

        let err = Config::load(None, env(&[("MDS_LISTN", "x")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("MDS_LISTN"), "{err}");

        let err = Config::load(None, env(&[("MDS_SECURITY_SESSION_IDLE_MINUTES", "soon")]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("MDS_SECURITY_SESSION_IDLE_MINUTES") && err.contains("integer"),
            "{err}"
        );

        let err = Config::load(None, env(&[("MDS_LISTEN", "localhost")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("listen"), "{err}");

        let mut bad = tempfile::NamedTempFile::new().unwrap();
        writeln!(bad, "listen = ").unwrap();
        let err = Config::load(Some(bad.path()), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("invalid configuration file"), "{err}");
    }

    #[test]
    fn announcement_delays_name_known_types_or_classes_within_90_days() {
        // (case, table body, accepted)
        let cases = [
            (
                "a type and a class",
                "\"60568-3\" = 15\n\"class:31\" = 7",
                true,
            ),
            ("the bounds", "\"60568-3\" = 1\n\"51969-4\" = 90", true),
            ("unknown type", "\"99999-9\" = 15", false),
            ("unknown class", "\"class:99\" = 15", false),
            ("zero days", "\"60568-3\" = 0", false),
            ("over 90 days", "\"60568-3\" = 91", false),
        ];
        let mut failing = Vec::new();
        for (case, body, ok) in cases {
            let mut file = tempfile::NamedTempFile::new().unwrap();
            writeln!(file, "[security.announcement_delay_days]\n{body}").unwrap();
            let loaded = Config::load(Some(file.path()), env(&[]));
            if loaded.is_ok() != ok {
                failing.push(format!("{case}: {:?}", loaded.err()));
            }
        }
        assert!(failing.is_empty(), "{failing:#?}");
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(file, "[security.announcement_delay_days]\n\"class:31\" = 7").unwrap();
        let c = Config::load(Some(file.path()), env(&[])).unwrap();
        assert_eq!(c.security.announcement_delay("18748-4", "31"), Some(7));
        assert_eq!(c.security.announcement_delay("11488-4", "10"), None);
    }

    #[test]
    fn the_documented_example_lists_every_key_with_its_default() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/mds.example.toml");
        let text = std::fs::read_to_string(path).unwrap();
        let documented: toml::Value = text.parse::<toml::Table>().map(toml::Value::Table).unwrap();
        let defaults = toml::Value::try_from(Config::default()).unwrap();
        assert_eq!(documented, defaults, "docs/mds.example.toml is out of date");
    }
}
