//! `mds admin` commands for support's corrections of the directory and the queue of lost
//! second factors: a structure's or a professional's entry corrected (fields not given keep
//! their value), the pending requests listed (JSON) and one closed. Each acts as a named
//! support agent (`--as`), recorded in the audit trail like the same action in the console.

use crate::ops::{open, print_json, support_actor, ConfigArg};
use crate::runtime::RunError;
use clap::Subcommand;
use mds_app::operator::directory_edit::{ProfessionalEdit, StructureEdit};
use mds_domain::{AccountId, RecoveryState, StructureId, Timestamp};

#[derive(Subcommand)]
pub enum DirectoryAdmin {
    /// Correct a structure's name, kind or commune (its RIDET number stays).
    EditStructure {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Structure id
        structure: StructureId,
        #[arg(long)]
        name: Option<String>,
        /// hospital, clinic, dispensary, medical_centre, practice, pharmacy, laboratory, samu, other
        #[arg(long)]
        kind: Option<String>,
        /// INSEE code of a New Caledonian commune (98801–98833)
        #[arg(long)]
        commune: Option<String>,
    },
    /// Correct a professional's entry; their rights follow at their next request.
    EditProfessional {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Account id
        account: AccountId,
        #[arg(long)]
        first_name: Option<String>,
        #[arg(long)]
        last_name: Option<String>,
        /// Profession slug (medecin, infirmier, pharmacien…)
        #[arg(long)]
        profession: Option<String>,
        #[arg(long)]
        professional_id: Option<String>,
        /// Every structure they work in (repeat the option); replaces the list
        #[arg(long = "structure")]
        structures: Vec<StructureId>,
        /// true or false
        #[arg(long)]
        samu_regulator: Option<bool>,
    },
    /// List the lost-second-factor requests waiting (JSON, oldest first).
    ListRecoveryRequests {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
    },
    /// Close a lost-second-factor request: handled, or rejected with the reason e-mailed.
    CloseRecoveryRequest {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Request id
        request: String,
        /// handled or rejected
        #[arg(long)]
        outcome: String,
        /// Optional when handled; the reason told to the person when rejected
        #[arg(long, default_value = "")]
        note: String,
    },
}

pub async fn run(cmd: DirectoryAdmin, now: Timestamp) -> Result<(), RunError> {
    match cmd {
        DirectoryAdmin::EditStructure {
            config,
            as_login,
            structure,
            name,
            kind,
            commune,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            let current = app.get_structure(&actor, &structure).await?;
            let edit = StructureEdit {
                name: name.unwrap_or(current.name),
                kind: kind.unwrap_or(current.kind),
                commune: commune.unwrap_or(current.commune),
            };
            let s = app.edit_structure(&actor, &structure, edit, now).await?;
            println!(
                "structure {} ({}): {}, {}, {}",
                s.id, s.ridet, s.name, s.kind, s.commune
            );
        }
        DirectoryAdmin::EditProfessional {
            config,
            as_login,
            account,
            first_name,
            last_name,
            profession,
            professional_id,
            structures,
            samu_regulator,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            let current = app.get_professional(&actor, &account).await?;
            let edit = ProfessionalEdit {
                first_name: first_name.unwrap_or(current.first_name),
                last_name: last_name.unwrap_or(current.last_name),
                profession: profession.unwrap_or_else(|| current.profession.slug().to_owned()),
                professional_id: professional_id.unwrap_or(current.professional_id),
                structure_ids: if structures.is_empty() {
                    current.structure_ids
                } else {
                    structures
                },
                samu_regulator: samu_regulator.unwrap_or(current.samu_regulator),
            };
            let p = app.edit_professional(&actor, &account, edit, now).await?;
            println!(
                "professional {}: {} {}, {}, {} structure(s){}",
                p.account_id,
                p.first_name,
                p.last_name,
                p.profession.slug(),
                p.structure_ids.len(),
                if p.samu_regulator {
                    ", SAMU regulator"
                } else {
                    ""
                }
            );
        }
        DirectoryAdmin::ListRecoveryRequests { config, as_login } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            print_json(&app.list_recovery_requests(&actor, now).await?);
        }
        DirectoryAdmin::CloseRecoveryRequest {
            config,
            as_login,
            request,
            outcome,
            note,
        } => {
            let state = match outcome.as_str() {
                "handled" => RecoveryState::Handled,
                "rejected" => RecoveryState::Rejected,
                _ => {
                    return Err(mds_app::AppError::invalid(
                        "invalid_outcome",
                        "--outcome : handled ou rejected.",
                    )
                    .into())
                }
            };
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            app.close_recovery_request(&actor, &request, state, &note, now)
                .await?;
            println!("request {request} closed ({outcome})");
        }
    }
    Ok(())
}
