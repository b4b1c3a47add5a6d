//! `mds export verify FILE` and `mds audit verify-export FILE`: a record's export checked
//! offline (`mds_app::patients::export_verify`), against the keys the service publishes at
//! `/.well-known/mds-audit-key` — a saved copy given with `--keys`, or the service's own
//! list read from its database. Exit 0 when everything holds, 1 naming each problem.

use crate::ops::{open, ConfigArg};
use crate::runtime::RunError;
use clap::Args;
use mds_app::patients::export_verify::{self, Scope, TrustedKey};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub(crate) struct VerifyExport {
    /// The export (ZIP) to check.
    file: PathBuf,
    /// The service's public keys as published at /.well-known/mds-audit-key (JSON). Without
    /// it, the keys are read from the configured service's database.
    #[arg(long)]
    keys: Option<PathBuf>,
    #[command(flatten)]
    config: ConfigArg,
}

pub(crate) async fn run(args: &VerifyExport, scope: Scope) -> Result<ExitCode, RunError> {
    let read = |path: &PathBuf| {
        std::fs::read(path).map_err(|e| RunError::Other(format!("{}: {e}", path.display())))
    };
    let zip = read(&args.file)?;
    let keys: Vec<TrustedKey> = match &args.keys {
        Some(path) => export_verify::parse_published_keys(&read(path)?)
            .map_err(|e| RunError::Other(format!("{}: {e}", path.display())))?,
        None => {
            let (_, app) = open(&args.config).await?;
            let keys = app.signing_public_keys(crate::runtime::now()).await?;
            let mut out = Vec::with_capacity(keys.len());
            for k in keys {
                let public_key = data_encoding::BASE64URL_NOPAD
                    .decode(k.public_key.as_bytes())
                    .map_err(|e| RunError::Other(format!("stored key {}: {e}", k.key_id)))?;
                out.push(TrustedKey {
                    key_id: k.key_id,
                    public_key,
                });
            }
            out
        }
    };
    let report = export_verify::verify_export(&zip, &keys, scope);
    for finding in &report.findings {
        println!("PROBLEM {finding}");
    }
    let what = match scope {
        Scope::Files => format!("{} files", report.files),
        Scope::Everything => format!(
            "{} files; {} audit events, {} proved against {} signed checkpoints ({} withheld \
             until their document is shown to you), {} newer than the last checkpoint",
            report.files,
            report.events,
            report.proved,
            report.checkpoints,
            report.withheld,
            report.pending
        ),
    };
    Ok(if report.findings.is_empty() {
        println!(
            "export intact: signed by key {}; {what}",
            report.key_id.as_deref().unwrap_or("?")
        );
        ExitCode::SUCCESS
    } else {
        println!(
            "export NOT intact: {} problems; {what}",
            report.findings.len()
        );
        ExitCode::FAILURE
    })
}
