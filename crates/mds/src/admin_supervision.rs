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
    /// Create a credential for a structure's software, until an end date at most 3 years
    /// ahead; prints its id (the client id at /fhir/auth/token) and its secret once.
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
        /// Last day of validity, YYYY-MM-DD (New Caledonia), at most 3 years ahead
        #[arg(long)]
        until: String,
        /// Issue no bearer secret: the software authenticates with its keys only
        #[arg(long)]
        keys_only: bool,
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
            until,
            keys_only,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            let new = mds_app::structure_access::credentials::NewCredential {
                label,
                ends_on: until,
                with_secret: !keys_only,
            };
            let c = app
                .create_software_credential(&actor, &structure, &new, now)
                .await?;
            println!(
                "software credential {} created, until {}; it is the client id at \
                 /fhir/auth/token (register its keys with register-structure-keys).",
                c.credential.id,
                mds_domain::Timestamp::from_millis(c.credential.expires_at_ms - 1)
                    .to_noumea_display()
            );
            if let Some(token) = c.token {
                println!(
                    "Its secret, shown once (send it as `Authorization: Bearer …` with \
                     `X-MDS-Professional` and `X-MDS-Professional-Amr: mfa`):\n{token}"
                );
            }
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
