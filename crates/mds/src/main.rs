//! `mds`, the one binary of Mon Drive Santé: the service and its operator commands.

mod admin_directory;
mod admin_patients;
mod admin_structure_access;
mod admin_supervision;
mod backup;
mod bars;
mod bench_aead;
mod bench_seed;
mod cli;
mod config;
mod connections;
mod metrics;
mod ops;
mod policy_cmd;
mod runtime;
mod serve;
mod tls;
mod verify_export;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

/// Workers of the async runtime: one per core, and at least `MIN_WORKERS`. SQLite statements
/// run on the worker that issues them (db.rs); a long one (a job's pass, an audit export)
/// holds its worker, and on a one- or two-core machine that would be the whole server.
/// With a few more workers than cores the kernel shares the cores and requests go on.
const MIN_WORKERS: usize = 4;

fn worker_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .max(MIN_WORKERS)
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(worker_threads())
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
