//! `mds bench seed`: the scale dataset of the benchmarks (`mds_demo::scale`), written into the
//! configured data directory with a progress line on standard error, the records of the
//! sample written to a file (for `scripts/bench/wrk.sh --sample`) and the report as JSON.

use crate::ops::{open, ConfigArg};
use crate::runtime::RunError;
use clap::Args;
use mds_demo::scale::{seed_scale, ScaleSpec};
use mds_domain::Timestamp;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub(crate) struct SeedArgs {
    #[command(flatten)]
    config: ConfigArg,
    #[arg(long)]
    patients: u64,
    #[arg(long)]
    documents_per_patient: u32,
    /// Records with the benchmarks' doctor in the care team, spread evenly.
    #[arg(long, default_value_t = 100)]
    sample: u64,
    /// Where to write the sample's patient ids, one per line.
    #[arg(long)]
    sample_file: Option<PathBuf>,
    /// Patients per transaction.
    #[arg(long, default_value_t = 200)]
    batch: u32,
}

pub(crate) async fn run(args: &SeedArgs, now: Timestamp) -> Result<(), RunError> {
    let (_, app) = open(&args.config).await?;
    let spec = ScaleSpec {
        patients: args.patients,
        documents_per_patient: args.documents_per_patient,
        sample: args.sample,
        patients_per_batch: args.batch,
    };
    let started = std::time::Instant::now();
    let total = args.patients.max(1);
    let report = seed_scale(&app, &spec, now, |done| {
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        let docs = done * u64::from(args.documents_per_patient);
        eprint!(
            "\r{done} / {total} patients ({} %), {docs} documents, {:.0} documents/s   ",
            done * 100 / total,
            docs as f64 / secs
        );
        let _ = std::io::stderr().flush();
    })
    .await?;
    eprintln!();
    if let Some(path) = &args.sample_file {
        let lines: String = report.sample.iter().map(|p| format!("{p}\n")).collect();
        std::fs::write(path, lines)
            .map_err(|e| RunError::Other(format!("{}: {e}", path.display())))?;
    }
    let json = serde_json::json!({
        "patients": report.patients,
        "documents": report.documents,
        "seconds": report.seconds,
        "documents_per_second": report.documents_per_second,
        "sample": report.sample.len(),
    });
    println!("{json}");
    Ok(())
}
