//! What every operator command shares: the configuration argument, opening the service's
//! application, the support agent a command acts for, and printing results as JSON.

use crate::runtime::{self, RunError};
use clap::Args;
use mds_app::{Actor, App};
use std::path::PathBuf;

#[derive(Args, Clone)]
pub(crate) struct ConfigArg {
    /// TOML configuration file (defaults, then this file, then MDS_* environment variables).
    #[arg(long, short = 'c', global = true)]
    pub(crate) config: Option<PathBuf>,
}

pub(crate) async fn open(config: &ConfigArg) -> Result<(crate::config::Config, App), RunError> {
    let cfg = runtime::load_config(config.config.as_deref())?;
    runtime::init_logs(&cfg);
    let app = runtime::open(&cfg).await?;
    Ok((cfg, app))
}

/// [`open`] for a long operator command: the application draws its progress as bars.
pub(crate) async fn open_with_bars(
    config: &ConfigArg,
) -> Result<(crate::config::Config, App), RunError> {
    let (cfg, app) = open(config).await?;
    Ok((
        cfg,
        app.with_progress(std::sync::Arc::new(crate::bars::Bars::default())),
    ))
}

/// The support agent an operator command acts for; must be an active support account.
pub(crate) async fn support_actor(app: &App, login: &str) -> Result<Actor, RunError> {
    app.operator_actor(login).await.map_err(|_| {
        RunError::Other(format!(
            "{login} is not an active support account (create one with `mds admin create-support`)"
        ))
    })
}

pub(crate) fn print_json(value: &impl serde::Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("mds: cannot print the result: {e}"),
    }
}
