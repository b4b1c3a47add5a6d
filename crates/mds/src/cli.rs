//! Command-line interface: `mds serve`, `mds demo`, `mds admin`, `mds audit`, `mds export`, `mds keys`,
//! `mds vault`, `mds bench`, `mds openapi`.

use crate::ops::{open, open_with_bars, print_json, support_actor, ConfigArg};
use crate::runtime::{self, RunError};
use clap::{Parser, Subcommand};
use mds_app::patients::export_verify::Scope;
use mds_domain::{AccountId, StructureId};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "mds", version, about = "Mon Drive Santé — le dossier médical partagé de la Nouvelle-Calédonie", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the service (HTTP or HTTPS), applying database migrations first.
    Serve {
        #[command(flatten)]
        config: ConfigArg,
        /// Load the demo data first (idempotent) and print the demo logins.
        #[arg(long)]
        demo: bool,
    },
    /// Demo data: load it, or print the current second-factor code of a demo login.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Operator tasks of the support service, without the web.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// The tamper-evident audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// A record's export: check its signature and files offline.
    #[command(subcommand)]
    Export(ExportCommand),
    /// The access policy as data: check candidate matrices, simulate them over the audit.
    #[command(subcommand)]
    Policy(crate::policy_cmd::PolicyCommand),
    /// Master keys of the document vault.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Document vault maintenance.
    #[command(subcommand)]
    Vault(VaultCommand),
    /// Benchmarks (write into the configured data directory: use a throwaway one).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Print the OpenAPI document of the REST API.
    Openapi,
    /// A consistent backup of the running service (database, vault objects, manifest; never
    /// the master keys), or `backup verify DIR` to check one without restoring it.
    #[command(args_conflicts_with_subcommands = true)]
    Backup {
        #[command(subcommand)]
        check: Option<BackupCommand>,
        /// A new or empty directory.
        dir: Option<PathBuf>,
        /// Also copy the master key file here (another medium; refused inside DIR).
        #[arg(long)]
        keys_to: Option<PathBuf>,
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Restore a backup into an empty database and an empty vault, then check its audit chain.
    Restore {
        dir: PathBuf,
        #[command(flatten)]
        config: ConfigArg,
    },
}

#[derive(Subcommand)]
enum BackupCommand {
    /// Check a backup (manifest, sizes and SHA-256, database, audit chain) without restoring.
    Verify { dir: PathBuf },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Load the fictional New Caledonian demo data (twice loads nothing more).
    Load {
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Print the current TOTP code of a demo login (demo accounts only).
    Code {
        /// A demo login, e.g. dr.nea@demo.mds.nc
        login: String,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a support agent account and print its one-time enrolment token.
    CreateSupport {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long)]
        login: String,
        /// Display name, e.g. "Marie Support".
        #[arg(long)]
        name: String,
    },
    /// Create a care structure (acting as the named support agent).
    CreateStructure {
        #[command(flatten)]
        config: ConfigArg,
        /// Login of the support agent on whose behalf the operator acts (recorded in the audit).
        #[arg(long = "as")]
        as_login: String,
        #[arg(long)]
        name: String,
        /// RIDET number, e.g. 1234567.001
        #[arg(long)]
        ridet: String,
        /// hospital, clinic, dispensary, medical_centre, practice, pharmacy, laboratory, samu, other
        #[arg(long)]
        kind: String,
        /// INSEE code of the commune (98801–98833)
        #[arg(long)]
        commune: String,
    },
    /// Create a professional account and print its one-time enrolment token.
    CreateProfessional {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        #[arg(long)]
        login: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        first_name: String,
        #[arg(long)]
        last_name: String,
        /// Profession slug (medecin, infirmier, pharmacien, sage_femme, psychologue, …)
        #[arg(long)]
        profession: String,
        #[arg(long)]
        professional_id: String,
        /// Structure id (repeat for several structures)
        #[arg(long = "structure", required = true)]
        structures: Vec<StructureId>,
        #[arg(long)]
        samu_regulator: bool,
    },
    /// Create an assistant acting for a professional and print its enrolment token.
    CreateAssistant {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        #[arg(long)]
        login: String,
        #[arg(long)]
        first_name: String,
        #[arg(long)]
        last_name: String,
        /// Account id of the professional
        #[arg(long)]
        professional: AccountId,
    },
    /// Suspend an account (all its sessions end at once).
    Suspend {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Account id
        account: AccountId,
        #[arg(long)]
        reason: String,
    },
    /// Lift the suspension of an account.
    Reactivate {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        account: AccountId,
        #[arg(long)]
        reason: String,
    },
    /// Issue a new activation code to an account after an identity check (a lost second
    /// factor: the old one and every session end, the code is printed and not e-mailed; an
    /// expired activation code: a new one, also e-mailed). Prints the code once.
    ReissueEnrolment {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Account id
        account: AccountId,
        /// The identity check made (document shown, directory data compared).
        #[arg(long)]
        evidence: String,
    },
    #[command(flatten)]
    Patients(crate::admin_patients::PatientAdmin),
    #[command(flatten)]
    Supervision(crate::admin_supervision::SupervisionAdmin),
    #[command(flatten)]
    Directory(crate::admin_directory::DirectoryAdmin),
    #[command(flatten)]
    StructureAccess(crate::admin_structure_access::StructureAccessAdmin),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain; exit 0 when intact, 1 naming the first bad event otherwise.
    Verify {
        #[command(flatten)]
        config: ConfigArg,
        /// An anchor printed by an earlier verification, SEQ:HASH, kept outside the database:
        /// detects a truncation even if the head row was forged too.
        #[arg(long, conflicts_with = "anchor_file")]
        anchor: Option<String>,
        /// A checkpoint file kept outside the database (another disk, a WORM store): its last
        /// `SEQ:HASH` line is used as the anchor, and the new head is appended when intact.
        #[arg(long)]
        anchor_file: Option<PathBuf>,
    },
    /// Check a record's export: its signature and files, and that none of the record's audit
    /// events was removed or altered after a signed checkpoint (docs/AUDIT-PROOFS.md).
    VerifyExport(crate::verify_export::VerifyExport),
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Check the service's signature of the manifest and every file against it.
    Verify(crate::verify_export::VerifyExport),
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Add a new master key and re-wrap every document key under it (content untouched).
    Rotate {
        #[command(flatten)]
        config: ConfigArg,
        /// Then re-seal the objects still in an older content format (as `mds keys reseal`).
        #[arg(long)]
        reseal: bool,
    },
    /// Re-seal the documents and identity files still in an older content format: new
    /// object, new data key and nonce under the current master key, row repointed, old
    /// object deleted. Audited; safe to interrupt, running it again resumes.
    Reseal {
        #[command(flatten)]
        config: ConfigArg,
        /// Re-seal at most this many objects in this run (spread the work over several runs).
        #[arg(long)]
        limit: Option<u64>,
    },
    /// Remove keys that no longer wrap anything (after every running instance has restarted
    /// or reloaded its keys since the rotation).
    Retire {
        #[command(flatten)]
        config: ConfigArg,
    },
}

#[derive(Subcommand)]
enum VaultCommand {
    /// Check that every committed document decrypts and matches its SHA-256.
    Check {
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Remove stored objects that no document references (older than the grace period).
    Sweep {
        #[command(flatten)]
        config: ConfigArg,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Store COUNT small documents for the first demo patient as fast as possible.
    VaultWrites {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long, default_value_t = 1000)]
        count: u64,
    },
    /// Seed a scale dataset into a throwaway data directory: PATIENTS records of
    /// DOCUMENTS_PER_PATIENT 1–5 KB documents, with their care teams and audit events, in
    /// batched transactions; prints a JSON report.
    Seed(crate::bench_seed::SeedArgs),
    /// Time COUNT access decisions on one core (no database: pure policy).
    Policy {
        #[arg(long, default_value_t = 10_000_000)]
        count: u64,
    },
    /// Time sealing and opening content in each vault content format on one core (format 1
    /// XChaCha20-Poly1305, format 2 AES-256-GCM); no data directory. Pin it (`taskset -c 0`).
    Aead {
        /// Plaintext bytes per seal (repeat the option for several sizes).
        #[arg(long = "size", default_values_t = [4096usize, 102_400, 1_048_576])]
        sizes: Vec<usize>,
        /// Seals and opens per format and size; default: about 256 MiB of content each.
        #[arg(long)]
        count: Option<u64>,
    },
}

pub async fn run(cli: Cli) -> Result<ExitCode, RunError> {
    let now = runtime::now();
    match cli.command {
        Command::Serve { config, demo } => {
            let (cfg, app) = open(&config).await?;
            if demo {
                let report = mds_demo::load(&app, now).await?;
                print_demo(&report);
                mds_demo::load_support_cases(&app, now).await?;
            }
            crate::serve::serve(cfg, app).await?;
        }
        Command::Demo(DemoCommand::Load { config }) => {
            let (_, app) = open(&config).await?;
            let report = mds_demo::load(&app, now).await?;
            print_demo(&report);
            mds_demo::load_support_cases(&app, now).await?;
        }
        Command::Demo(DemoCommand::Code { login }) => {
            if !mds_demo::is_demo_login(&login) {
                return Err(RunError::Other(format!(
                    "{login} is not a demo login (…@demo.mds.nc)"
                )));
            }
            let secret = mds_demo::demo_totp_secret(&login.trim().to_lowercase());
            let step = mds_app::accounts::totp::step_at(now.millis());
            let code = mds_app::accounts::totp::code_at_step(&secret, step)
                .ok_or_else(|| RunError::Other("cannot compute the code".into()))?;
            println!("{code}");
        }
        Command::Admin(cmd) => admin(cmd, now).await?,
        Command::Audit(AuditCommand::Verify {
            config,
            anchor,
            anchor_file,
        }) => {
            let (_, app) = open(&config).await?;
            let anchor = match (&anchor, &anchor_file) {
                (Some(a), _) => Some(parse_anchor(a)?),
                (None, Some(file)) => last_anchor(file)?,
                (None, None) => None,
            };
            return Ok(match app.verify_audit(anchor, now).await? {
                mds_audit::VerifyOutcome::Intact {
                    events,
                    head_seq,
                    head_hash,
                } => {
                    println!("audit intact: {events} events; anchor to keep outside the database: {head_seq}:{head_hash}");
                    if let Some(file) = anchor_file {
                        append_anchor(&file, head_seq, &head_hash, now)?;
                    }
                    ExitCode::SUCCESS
                }
                mds_audit::VerifyOutcome::Broken {
                    seq,
                    problem,
                    message,
                } => {
                    println!("audit BROKEN at event {seq} ({problem:?}): {message}");
                    ExitCode::FAILURE
                }
            });
        }
        Command::Audit(AuditCommand::VerifyExport(args)) => {
            return crate::verify_export::run(&args, Scope::Everything).await;
        }
        Command::Export(ExportCommand::Verify(args)) => {
            return crate::verify_export::run(&args, Scope::Files).await;
        }
        Command::Policy(command) => return crate::policy_cmd::run(command).await,
        Command::Keys(KeysCommand::Rotate { config, reseal }) => {
            let (cfg, app) = open_with_bars(&config).await?;
            let (id, rewrapped) = app.rotate_master_key(&cfg.master_key_file(), now).await?;
            println!("new master key {id}; {rewrapped} document keys re-wrapped. Old keys stay until `mds keys retire`.");
            if reseal {
                return reseal_content(&app, None, now).await;
            }
        }
        Command::Keys(KeysCommand::Reseal { config, limit }) => {
            let (_, app) = open(&config).await?;
            return reseal_content(&app, limit, now).await;
        }
        Command::Keys(KeysCommand::Retire { config }) => {
            let (cfg, app) = open_with_bars(&config).await?;
            let retired = app.retire_master_keys(&cfg.master_key_file(), now).await?;
            println!(
                "retired keys: {}",
                if retired.is_empty() {
                    "none".to_owned()
                } else {
                    retired.join(", ")
                }
            );
        }
        Command::Vault(VaultCommand::Check { config }) => {
            let (_, app) = open_with_bars(&config).await?;
            let report = app.check_vault().await?;
            print_json(&report);
            if !(report.missing_or_unreadable.is_empty() && report.digest_mismatch.is_empty()) {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Vault(VaultCommand::Sweep { config }) => {
            let (_, app) = open_with_bars(&config).await?;
            let removed = app.sweep_orphans(now).await?;
            println!("{removed} orphan objects removed");
        }
        Command::Bench(BenchCommand::VaultWrites { config, count }) => {
            let (_, app) = open(&config).await?;
            let patient_id = mds_demo::patient_id(&app).await?.ok_or_else(|| {
                RunError::Other("load the demo data first (mds demo load)".into())
            })?;
            let started = std::time::Instant::now();
            mds_demo::bench::vault_writes(&app, &patient_id, count, now).await?;
            let secs = started.elapsed().as_secs_f64();
            println!(
                "{count} documents stored in {secs:.2} s ({:.1} documents/s)",
                count as f64 / secs.max(1e-9)
            );
        }
        Command::Bench(BenchCommand::Seed(args)) => crate::bench_seed::run(&args, now).await?,
        Command::Bench(BenchCommand::Policy { count }) => {
            let r = mds_demo::bench::bench_policy(count);
            println!(
                "{} decisions ({} permits) in {:.3} s: {:.0} decisions/s on one core",
                r.decisions, r.permits, r.seconds, r.decisions_per_second
            );
        }
        Command::Bench(BenchCommand::Aead { sizes, count }) => {
            crate::bench_aead::run(&sizes, count)?
        }
        Command::Openapi => println!("{}", mds_api::openapi_json()),
        Command::Backup {
            check: Some(BackupCommand::Verify { dir }),
            ..
        } => {
            let (manifest, problems) = crate::backup::verify(&dir).await?;
            print_json(&serde_json::json!({
                "ok": problems.is_empty(),
                "backend": manifest.backend,
                "objects": manifest.objects.len(),
                "audit_head": format!("{}:{}", manifest.audit_head.seq, manifest.audit_head.hash),
                "counts": manifest.counts,
                "problems": problems,
            }));
            if !problems.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Backup {
            check: None,
            dir,
            keys_to,
            config,
        } => {
            let dir = dir.ok_or_else(|| {
                RunError::Other("mds backup DIR (or mds backup verify DIR)".into())
            })?;
            let (cfg, app) = open(&config).await?;
            let manifest = crate::backup::backup(&cfg, &app, &dir, keys_to.as_deref(), now).await?;
            print_json(&serde_json::json!({
                "directory": dir.display().to_string(),
                "backend": manifest.backend,
                "objects": manifest.objects.len(),
                "audit_head": format!("{}:{}", manifest.audit_head.seq, manifest.audit_head.hash),
                "counts": manifest.counts,
                "master_keys": "not in the backup",
            }));
        }
        Command::Restore { dir, config } => {
            let cfg = crate::runtime::load_config(config.config.as_deref())?;
            crate::runtime::init_logs(&cfg);
            let restored = crate::backup::restore(&cfg, &dir, now).await?;
            print_json(&restored);
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn admin(cmd: AdminCommand, now: mds_domain::Timestamp) -> Result<(), RunError> {
    match cmd {
        AdminCommand::CreateSupport {
            config,
            login,
            name,
        } => {
            let (_, app) = open(&config).await?;
            let created = app.create_support_agent(&login, &name, now).await?;
            println!("support account {} created (pending). One-time enrolment token, to hand over securely:\n{}", created.item, created.enrolment_token);
            println!("The agent sets a password and second factor with POST /api/v1/auth/enrolment then /api/v1/auth/enrolment/confirm.");
        }
        AdminCommand::CreateStructure {
            config,
            as_login,
            name,
            ridet,
            kind,
            commune,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            let s = app
                .create_structure(
                    &actor,
                    mds_app::operator::directory::NewStructure {
                        name,
                        ridet,
                        kind,
                        commune,
                    },
                    now,
                )
                .await?;
            println!("structure created: {}", s.id);
        }
        AdminCommand::CreateProfessional {
            config,
            as_login,
            login,
            email,
            first_name,
            last_name,
            profession,
            professional_id,
            structures,
            samu_regulator,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            let input = mds_app::operator::directory::NewProfessional {
                login,
                email,
                first_name,
                last_name,
                profession,
                professional_id,
                structure_ids: structures,
                samu_regulator,
            };
            let c = app.create_professional(&actor, input, now).await?;
            println!(
                "professional {} created (pending). One-time enrolment token:\n{}",
                c.item.account_id, c.enrolment_token
            );
        }
        AdminCommand::CreateAssistant {
            config,
            as_login,
            login,
            first_name,
            last_name,
            professional,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            let input = mds_app::operator::directory::NewAssistant {
                login,
                email: None,
                first_name,
                last_name,
                professional_account_id: professional,
            };
            let c = app.create_assistant(&actor, input, now).await?;
            println!(
                "assistant {} created (pending). One-time enrolment token:\n{}",
                c.item.account_id, c.enrolment_token
            );
        }
        AdminCommand::Suspend {
            config,
            as_login,
            account,
            reason,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            app.set_suspended(&actor, &account, true, &reason, now)
                .await?;
            println!("account {account} suspended; its sessions have ended");
        }
        AdminCommand::Reactivate {
            config,
            as_login,
            account,
            reason,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            app.set_suspended(&actor, &account, false, &reason, now)
                .await?;
            println!("account {account} reactivated");
        }
        AdminCommand::ReissueEnrolment {
            config,
            as_login,
            account,
            evidence,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            let r = app
                .reissue_enrolment(&actor, &account, &evidence, now)
                .await?;
            if r.second_factor_removed {
                println!(
                    "account {account} ({}): second factor removed, {} session(s) ended; the account is told by e-mail.",
                    r.login, r.sessions_ended
                );
            } else {
                println!(
                    "account {account} ({}): the previous activation codes no longer work.",
                    r.login
                );
            }
            let emailed = if r.code_emailed {
                " (also e-mailed to the account)"
            } else {
                ", not e-mailed: hand it over yourself"
            };
            println!("One-time activation code{emailed}:\n{}", r.enrolment_code);
        }
        AdminCommand::Patients(cmd) => crate::admin_patients::run(cmd, now).await?,
        AdminCommand::Supervision(cmd) => crate::admin_supervision::run(cmd, now).await?,
        AdminCommand::Directory(cmd) => crate::admin_directory::run(cmd, now).await?,
        AdminCommand::StructureAccess(cmd) => {
            crate::admin_structure_access::run(cmd, now).await?;
        }
    }
    Ok(())
}

fn parse_anchor(text: &str) -> Result<(i64, String), RunError> {
    let (seq, hash) = text
        .trim()
        .split_once(':')
        .ok_or_else(|| RunError::Other(format!("anchor {text:?}: expected SEQ:HASH")))?;
    let seq = seq
        .parse::<i64>()
        .map_err(|_| RunError::Other(format!("anchor {text:?}: SEQ must be a number")))?;
    Ok((seq, hash.to_owned()))
}

/// The last checkpoint of an anchor file (`SEQ:HASH RFC3339` lines); none if the file is new.
fn last_anchor(file: &std::path::Path) -> Result<Option<(i64, String)>, RunError> {
    match std::fs::read_to_string(file) {
        Ok(text) => text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| parse_anchor(l.split_whitespace().next().unwrap_or_default()))
            .transpose(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(RunError::Other(format!(
            "cannot read the anchor file {}: {e}",
            file.display()
        ))),
    }
}

fn append_anchor(
    file: &std::path::Path,
    seq: i64,
    hash: &str,
    now: mds_domain::Timestamp,
) -> Result<(), RunError> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .map_err(|e| {
            RunError::Other(format!(
                "cannot write the anchor file {}: {e}",
                file.display()
            ))
        })?;
    writeln!(f, "{seq}:{hash} {}", now.to_rfc3339())?;
    f.sync_all()?;
    Ok(())
}

fn print_demo(report: &mds_demo::DemoReport) {
    println!(
        "Données de démonstration : {} éléments créés, {} déjà présents.",
        report.created, report.already_present
    );
    println!(
        "Mot de passe de tous les comptes de démonstration : {}",
        mds_demo::DEMO_PASSWORD
    );
    println!("Second facteur : code TOTP (application d'authentification avec le secret ci-dessous, ou `mds demo code IDENTIFIANT`).");
    for l in &report.logins {
        println!("  {:<28} {:<58} TOTP {}", l.login, l.role, l.totp_secret);
    }
}

/// `mds keys reseal` (and `rotate --reseal`): progress on stderr every 100 objects, the
/// report on stdout; failure when some object could not be re-sealed.
async fn reseal_content(
    app: &mds_app::App,
    limit: Option<u64>,
    now: mds_domain::Timestamp,
) -> Result<ExitCode, RunError> {
    let report = app
        .reseal_content(
            limit,
            |p| {
                if p.examined % 100 == 0 {
                    eprintln!("{} objects examined, {} re-sealed", p.examined, p.resealed);
                }
            },
            now,
        )
        .await?;
    println!(
        "content format {}: {} re-sealed, {} already current, {} changed meanwhile, {} failed{}",
        report.format,
        report.resealed,
        report.already_current,
        report.changed_meanwhile,
        report.failed.len(),
        if report.stopped_at_limit {
            " (stopped at --limit: run again to go on)"
        } else {
            ""
        }
    );
    if report.failed.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "not re-sealed (see `mds vault check`): {}",
            report.failed.join(", ")
        );
        Ok(ExitCode::FAILURE)
    }
}
