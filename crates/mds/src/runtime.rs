//! Wiring shared by every subcommand: configuration → logs, database, vault, application.

use crate::config::{Config, ConfigError, LogFormat, VaultBackend};
use mds_app::App;
use mds_store::Db;
use mds_vault::{Backend, KeyRing, LocalDir, S3Config, S3Store, Vault};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Store(#[from] mds_store::StoreError),
    #[error("document vault: {0}")]
    Vault(#[from] mds_vault::VaultError),
    #[error("{0}")]
    App(#[from] mds_app::AppError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Other(String),
}

pub fn load_config(file: Option<&Path>) -> Result<Config, RunError> {
    Ok(Config::load(file, std::env::vars())?)
}

pub fn init_logs(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log.level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.log.format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Opens database (migrated) and vault, and builds the application. Says so when it creates
/// the master key.
pub async fn open(config: &Config) -> Result<App, RunError> {
    std::fs::create_dir_all(&config.data_dir).map_err(|source| RunError::DataDir {
        path: config.data_dir.display().to_string(),
        source,
    })?;
    let key_file = config.master_key_file();
    let (keys, created) = KeyRing::load_or_create(&key_file)?;
    if created {
        eprintln!("mds: created a new master key in {} (permissions 0600). Back it up separately from the data: without it, documents cannot be read.", key_file.display());
    }
    let backend = vault_backend(config).await?;
    let vault = Vault::new(backend, keys);
    let db = Db::connect(&config.database_url()?).await?;
    db.migrate().await?;
    Ok(App::new(db, vault, config.security.clone())?
        .with_policy(load_policy(config, None, None)?)
        .with_key_file(key_file)
        .with_public_url(&config.public_url))
}

/// The policy: the configured matrix files (or the shipped ones), each replaced by `matrix` or
/// `habilitation` when given (a candidate), parsed and checked against the safety properties.
pub fn load_policy(
    config: &Config,
    matrix: Option<&Path>,
    habilitation: Option<&Path>,
) -> Result<mds_policy::Policy, RunError> {
    let text = |given: Option<&Path>, configured: &str, shipped: &str| {
        let path = given.or_else(|| (!configured.is_empty()).then(|| Path::new(configured)));
        match path {
            None => Ok(shipped.to_owned()),
            Some(p) => std::fs::read_to_string(p)
                .map_err(|e| RunError::Other(format!("policy file {}: {e}", p.display()))),
        }
    };
    let m = text(
        matrix,
        &config.policy.access_matrix,
        mds_policy::EMBEDDED_ACCESS_MATRIX,
    )?;
    let h = text(
        habilitation,
        &config.policy.habilitation,
        mds_policy::EMBEDDED_HABILITATION,
    )?;
    mds_policy::Policy::load(&m, &h, config.security.policy_settings())
        .map_err(|e| RunError::Other(format!("policy: {e}")))
}

/// The vault's storage as configured (local directory or S3 bucket, created if missing),
/// without keys: what backup and restore move, still encrypted.
pub async fn vault_backend(config: &Config) -> Result<Backend, RunError> {
    Ok(match config.vault.backend {
        VaultBackend::S3 => {
            let s3 = &config.vault.s3;
            let secret = if s3.secret_access_key_file.is_empty() {
                String::new()
            } else {
                std::fs::read_to_string(&s3.secret_access_key_file)
                    .map_err(|e| {
                        RunError::Other(format!(
                            "cannot read vault.s3.secret_access_key_file {}: {e}",
                            s3.secret_access_key_file
                        ))
                    })?
                    .trim()
                    .to_owned()
            };
            let store = S3Store::new(S3Config {
                endpoint: s3.endpoint.clone(),
                region: s3.region.clone(),
                bucket: s3.bucket.clone(),
                access_key_id: s3.access_key_id.clone(),
                secret_access_key: secret,
                path_style: s3.path_style,
            })?;
            store.ensure_bucket().await?;
            Backend::S3(store)
        }
        VaultBackend::Local => Backend::Local(LocalDir::open(&config.local_vault_dir())?),
    })
}

pub fn now() -> mds_domain::Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    mds_domain::Timestamp::from_millis(ms)
}
