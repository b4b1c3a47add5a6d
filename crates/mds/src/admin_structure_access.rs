//! `mds admin` commands for structure authentication (the DMP's "AIR simplifié"): the public
//! keys or client certificates of a structure's software (register a JWK, a JWKS or a PEM
//! certificate from a file, list, revoke) and each
//! structure's list of authorised professionals with end dates. Each acts as a named support
//! agent (`--as`), recorded in the audit trail like the same action in the console.

use crate::ops::{open, print_json, support_actor, ConfigArg};
use crate::runtime::RunError;
use clap::Subcommand;
use mds_domain::{AccountId, StructureId, Timestamp};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum StructureAccessAdmin {
    /// Register the public key(s) of a software credential: a JWK or a JWKS read from a file
    /// (`-` for standard input), or its TLS client certificate (PEM; `--certificate` is the
    /// same option). Prints the keys registered (JSON).
    RegisterStructureKeys {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Credential id (the software's client id)
        #[arg(long)]
        credential: String,
        /// File holding the JWK or JWKS (public keys only), or the PEM client certificate
        #[arg(long, alias = "certificate")]
        jwks: PathBuf,
    },
    /// List the keys of a structure's software (JSON).
    ListStructureKeys {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        #[arg(long)]
        structure: StructureId,
    },
    /// Revoke a key: its assertions are refused, its access tokens end.
    RevokeStructureKey {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Key id (as listed, not the kid)
        key: String,
    },
    /// Put a professional of the structure on its software's list of authorised
    /// professionals, or change their end date (at most 3 years ahead).
    AuthoriseProfessional {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        #[arg(long)]
        structure: StructureId,
        /// Account id or professional number
        #[arg(long)]
        professional: String,
        /// Last day, YYYY-MM-DD (New Caledonia)
        #[arg(long)]
        until: String,
    },
    /// Take a professional off a structure's list of authorised professionals.
    RemoveAuthorisedProfessional {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        #[arg(long)]
        structure: StructureId,
        /// Account id
        #[arg(long)]
        professional: AccountId,
    },
    /// A structure's list of authorised professionals (JSON).
    ListAuthorisedProfessionals {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        #[arg(long)]
        structure: StructureId,
    },
}

fn read_jwks(path: &PathBuf) -> Result<String, RunError> {
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(path)
    };
    text.map_err(|e| RunError::Other(format!("cannot read {}: {e}", path.display())))
}

pub async fn run(cmd: StructureAccessAdmin, now: Timestamp) -> Result<(), RunError> {
    match cmd {
        StructureAccessAdmin::RegisterStructureKeys {
            config,
            as_login,
            credential,
            jwks,
        } => {
            let text = read_jwks(&jwks)?;
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            print_json(
                &app.register_structure_keys(&actor, &credential, &text, now)
                    .await?,
            );
        }
        StructureAccessAdmin::ListStructureKeys {
            config,
            as_login,
            structure,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            print_json(&app.list_structure_keys(&actor, &structure).await?);
        }
        StructureAccessAdmin::RevokeStructureKey {
            config,
            as_login,
            key,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            app.revoke_structure_key(&actor, &key, now).await?;
            println!("structure key {key} revoked");
        }
        StructureAccessAdmin::AuthoriseProfessional {
            config,
            as_login,
            structure,
            professional,
            until,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            print_json(
                &app.authorise_structure_professional(
                    &actor,
                    &structure,
                    &professional,
                    &until,
                    now,
                )
                .await?,
            );
        }
        StructureAccessAdmin::RemoveAuthorisedProfessional {
            config,
            as_login,
            structure,
            professional,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            app.remove_structure_professional(&actor, &structure, &professional, now)
                .await?;
            println!("professional {professional} removed from the list of structure {structure}");
        }
        StructureAccessAdmin::ListAuthorisedProfessionals {
            config,
            as_login,
            structure,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            print_json(
                &app.list_structure_professionals(&actor, &structure, now)
                    .await?,
            );
        }
    }
    Ok(())
}
