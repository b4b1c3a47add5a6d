//! `mds`, the one binary of Mon Drive Santé: the service and its operator commands.

mod admin_patients;
mod admin_structure_access;
mod admin_supervision;
mod bench_aead;
mod bench_seed;
mod cli;
mod config;
mod ops;
mod runtime;
mod serve;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mds: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(cli::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("mds: {e}");
            ExitCode::FAILURE
        }
    }
}
