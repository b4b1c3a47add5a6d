//! `mds policy check` and `mds policy simulate` (issue 17, item 5): the authority's tools
//! before publishing new matrices. `check` loads a candidate (shape, version, safety
//! properties) and prints what it changes against the policy in force; `simulate` replays a
//! period of the real audit under it (`mds_app::operator::policy_simulation`) and lists every
//! past decision it would turn from permit to denial or back. Exit 1 when the candidate is
//! refused.

use crate::ops::{open, print_json, ConfigArg};
use crate::runtime::{self, RunError};
use clap::{Args, Subcommand};
use mds_domain::time::parse_day;
use mds_domain::Timestamp;
use mds_policy::safety::differences;
use mds_policy::Policy;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub(crate) enum PolicyCommand {
    /// Check candidate matrices (shape, version, safety properties) and print what they change
    /// against the policy in force.
    Check(Candidate),
    /// Replay the audit of a period under candidate matrices and list the past decisions that
    /// would change.
    Simulate {
        #[command(flatten)]
        candidate: Candidate,
        /// First day (AAAA-MM-JJ, Nouméa time), included.
        #[arg(long)]
        from: String,
        /// Last day (AAAA-MM-JJ, Nouméa time), included.
        #[arg(long)]
        to: String,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub(crate) struct Candidate {
    /// Candidate access matrix (CSV); default: the one in force.
    #[arg(long)]
    matrix: Option<PathBuf>,
    /// Candidate habilitation matrix (CSV); default: the one in force.
    #[arg(long)]
    habilitation: Option<PathBuf>,
    #[command(flatten)]
    config: ConfigArg,
}

pub(crate) async fn run(command: PolicyCommand) -> Result<ExitCode, RunError> {
    match command {
        PolicyCommand::Check(c) => {
            let config = runtime::load_config(c.config.config.as_deref())?;
            let current = runtime::load_policy(&config, None, None)?;
            let Some(candidate) = candidate(&config, &c)? else {
                return Ok(ExitCode::FAILURE);
            };
            print_check(&current, &candidate);
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Simulate {
            candidate: c,
            from,
            to,
            json,
        } => {
            let (from, to) = (day(&from, false)?, day(&to, true)?);
            if to <= from {
                return Err(RunError::Other("--to must not come before --from".into()));
            }
            let (config, app) = open(&c.config).await?;
            let Some(candidate) = candidate(&config, &c)? else {
                return Ok(ExitCode::FAILURE);
            };
            let report = app
                .simulate_policy(&candidate, from, to, runtime::now())
                .await?;
            if json {
                print_json(&report);
            } else {
                print_check(app.policy(), &candidate);
                print_simulation(&report);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The candidate, or `None` after printing why it is refused.
fn candidate(config: &crate::config::Config, c: &Candidate) -> Result<Option<Policy>, RunError> {
    match runtime::load_policy(config, c.matrix.as_deref(), c.habilitation.as_deref()) {
        Ok(p) => Ok(Some(p)),
        Err(RunError::Other(message)) if message.starts_with("policy: ") => {
            println!("REFUSED — {message}");
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Midnight in Nouméa of the day `text` names, or of the next day (`end`: the day included).
fn day(text: &str, end: bool) -> Result<Timestamp, RunError> {
    parse_day(text)
        .and_then(|d| if end { d.next_day() } else { Some(d) })
        .and_then(Timestamp::noumea_midnight)
        .ok_or_else(|| RunError::Other(format!("{text:?}: expected a day as AAAA-MM-JJ")))
}

fn print_check(current: &Policy, candidate: &Policy) {
    for (name, now, next) in [
        (
            "access matrix",
            &current.sources.matrix,
            &candidate.sources.matrix,
        ),
        (
            "habilitation",
            &current.sources.habilitation,
            &candidate.sources.habilitation,
        ),
    ] {
        println!(
            "{name}: in force {} (sha256 {}), candidate {} (sha256 {})",
            now.version, now.digest, next.version, next.digest
        );
    }
    println!("candidate accepted: every safety property holds");
    let d = differences(current, candidate);
    if d.is_empty() {
        println!("no change against the policy in force");
    }
    for c in &d.cells {
        let how = match (c.widens, c.narrows) {
            (true, true) => "widens and narrows",
            (true, false) => "widens",
            _ => "narrows",
        };
        println!(
            "cell {} × {}: {} → {} ({how})",
            c.action.as_str(),
            c.column.as_str(),
            c.from.as_str(),
            c.to.as_str()
        );
    }
    for (p, t) in &d.opened {
        println!("habilitation opened: {p},{t}");
    }
    for (p, t) in &d.closed {
        println!("habilitation closed: {p},{t}");
    }
    for p in &d.professions_without_rows {
        println!("note: no document type open to {p} (it would read only its own deposits)");
    }
}

fn print_simulation(r: &mds_app::operator::policy_simulation::Simulation) {
    println!(
        "{} events, {} decisions; replayed ({} under the earlier recorded version they were \
         taken by): {} would change, {} same outcome by another rule, {} unchanged; not \
         replayed: {} not governed by the matrices, {} under a version whose files were not \
         recorded, {} not reproducible from what was recorded",
        r.events,
        r.decisions,
        r.earlier_policy,
        r.changed.len(),
        r.reworded,
        r.unchanged,
        r.not_governed,
        r.unknown_policy,
        r.not_reproduced
    );
    for c in &r.changed {
        let word = |permit: bool| if permit { "permit" } else { "deny" };
        println!(
            "{} seq {} {} actor {} patient {} document {} mode {}: {} ({}) → {} ({})",
            Timestamp::from_millis(c.at_ms).to_noumea_display(),
            c.seq,
            c.action,
            c.actor_id.as_deref().unwrap_or("-"),
            c.patient_id.as_deref().unwrap_or("-"),
            c.document_id.as_deref().unwrap_or("-"),
            c.access_mode.as_deref().unwrap_or("-"),
            word(c.before.permit),
            c.before.rule,
            word(c.after.permit),
            c.after.rule
        );
    }
}
