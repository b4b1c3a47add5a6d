//! `mds admin` commands for supervision and structure software: one run of the supervision
//! job, the alert list and its review, and the credentials of structure software (the secret
//! printed once). Each support task acts as a named support agent (`--as`), recorded in the
//! audit trail like the same action through the API.

use crate::ops::{open, print_json, support_actor, ConfigArg};
use crate::runtime::RunError;
use clap::Subcommand;
use mds_domain::{StructureId, Timestamp};

#[derive(Subcommand)]
pub enum SupervisionAdmin {
    /// Run the supervision job once: judge new audit events, raise alerts (JSON report).
    RunSupervision {
        #[command(flatten)]
        config: ConfigArg,
    },
    /// List supervision alerts, newest first (JSON).
    ListAlerts {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// open or reviewed (default: both)
        #[arg(long)]
        state: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// Mark an alert reviewed, with a comment.
    ReviewAlert {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Alert id
        alert: String,
        #[arg(long)]
        comment: String,
    },
    /// Create a credential for a structure's software; prints its secret once.
    CreateSoftwareCredential {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Structure id
        #[arg(long)]
        structure: StructureId,
        #[arg(long)]
        label: String,
    },
    /// List the software credentials of a structure (JSON, never the secrets).
    ListSoftwareCredentials {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        #[arg(long)]
        structure: StructureId,
    },
    /// Revoke a software credential.
    RevokeSoftwareCredential {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Credential id
        credential: String,
    },
}

pub async fn run(cmd: SupervisionAdmin, now: Timestamp) -> Result<(), RunError> {
    match cmd {
        SupervisionAdmin::RunSupervision { config } => {
            let (_, app) = open(&config).await?;
            print_json(&app.run_supervision(now).await?);
        }
        SupervisionAdmin::ListAlerts {
            config,
            as_login,
            state,
            limit,
            offset,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            print_json(
                &app.list_alerts(&actor, state.as_deref(), limit, offset)
                    .await?,
            );
        }
        SupervisionAdmin::ReviewAlert {
            config,
            as_login,
            alert,
            comment,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            app.review_alert(&actor, &alert, &comment, now).await?;
            println!("alert {alert} reviewed");
        }
        SupervisionAdmin::CreateSoftwareCredential {
            config,
            as_login,
            structure,
            label,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            let c = app
                .create_software_credential(&actor, &structure, &label, now)
                .await?;
            println!(
                "software credential {} created. Its secret, shown once (send it as \
                 `Authorization: Bearer …` with `X-MDS-Professional: <account id>`):\n{}",
                c.credential.id, c.token
            );
        }
        SupervisionAdmin::ListSoftwareCredentials {
            config,
            as_login,
            structure,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            print_json(&app.list_software_credentials(&actor, &structure).await?);
        }
        SupervisionAdmin::RevokeSoftwareCredential {
            config,
            as_login,
            credential,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            app.revoke_software_credential(&actor, &credential, now)
                .await?;
            println!("software credential {credential} revoked");
        }
    }
    Ok(())
}
