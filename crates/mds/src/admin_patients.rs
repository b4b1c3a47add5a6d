//! `mds admin` commands for the support tasks on patient records that an operator needs
//! without the web: the self-enrolment queue and its decisions, the near-match review queue,
//! activation of an inactive record, recording a death, rectification requests and the
//! limitation of a record, the export of a record on request or for an authority, the legal
//! representatives of a record (listed, recorded on the legal document checked, ended), and
//! one run of the retention job. Each acts as a named support agent (`--as`), recorded in the
//! audit trail like the same action on the web.

use crate::ops::{open, print_json, support_actor, ConfigArg};
use crate::runtime::RunError;
use clap::Subcommand;
use mds_app::patients::export::{HeirRelationship, HeirRequest, SupportExport};
use mds_app::patients::representatives::RepresentationInput;
use mds_domain::{PatientId, RepresentationKind, Timestamp};

#[derive(Subcommand)]
pub enum PatientAdmin {
    /// List the self-enrolments waiting for identity verification (JSON).
    ListEnrolments {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
    },
    /// List the creations held because of a near match, for review (JSON).
    ListReviews {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
    },
    /// Validate a self-enrolment after checking its scans; prints the patient's TOTP
    /// enrolment token.
    ValidateEnrolment {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Request id
        request: String,
    },
    /// Reject a self-enrolment; the person reads the reason with their status token.
    RejectEnrolment {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        request: String,
        #[arg(long)]
        reason: String,
    },
    /// Activate an inactive record on the patient's request; prints the enrolment token.
    ActivatePatient {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Patient id
        patient: PatientId,
        /// The patient's e-mail (the one given at creation if absent)
        #[arg(long)]
        email: Option<String>,
        /// Reference of the patient's request (letter, call, ticket)
        #[arg(long)]
        request: String,
    },
    /// Record the death of a patient (AAAA-MM-JJ or JJ/MM/AAAA).
    RecordDeath {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        patient: PatientId,
        #[arg(long)]
        date: String,
    },
    /// Export a record a person cannot download themselves (an inactive record, after an
    /// identity check) or a closed record's legal export, into a new ZIP file (never
    /// overwritten, readable by its owner only).
    ExportRecord {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Patient id
        patient: PatientId,
        /// Reference of the request (and of the identity check, for a person)
        #[arg(long)]
        reference: String,
        /// The ZIP file to create
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Export a deceased person's record for an heir (the legal export), after checking the
    /// heir's identity and justification, into a new ZIP file (never overwritten, readable by
    /// its owner only). Relationship: spouse, child, parent, sibling or other_heir.
    HeirExport {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Patient id
        patient: PatientId,
        /// The heir's name, as on the identity document checked
        #[arg(long)]
        heir: String,
        #[arg(long)]
        relationship: String,
        /// The justification checked and the request's reference
        #[arg(long)]
        justification: String,
        /// The ZIP file to create
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// List the rectification requests waiting for a decision (JSON).
    ListRectifications {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
    },
    /// Apply a rectification request after comparing the evidence; refused when the corrected
    /// identity is another record's, held on a near match unless --confirmed-distinct.
    ApplyRectification {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Request id
        request: String,
        /// The evidence compared (document seen, its date)
        #[arg(long)]
        evidence: String,
        /// The near record reported was examined: two different people
        #[arg(long)]
        confirmed_distinct: bool,
    },
    /// Reject a rectification request; the patient reads the reason.
    RejectRectification {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        request: String,
        #[arg(long)]
        reason: String,
    },
    /// Limit a record's use at the patient's request (professionals then act only through an
    /// emergency access), or lift the limitation with --lift.
    LimitRecord {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        patient: PatientId,
        #[arg(long)]
        lift: bool,
    },
    /// List the legal representatives of a record, ended ones included (JSON, newest first).
    ListRepresentatives {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Patient id
        #[arg(long)]
        patient: PatientId,
    },
    /// Record a legal representative of a record on the legal document checked (a minor's
    /// parenthood, a guardianship or curatorship judgment); both people are told.
    AddRepresentative {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Patient id of the represented person
        #[arg(long)]
        patient: PatientId,
        /// Login of the representative's own active patient account
        #[arg(long)]
        login: String,
        /// parent (of a minor), guardian (of a minor or an adult) or curator (of an adult)
        #[arg(long)]
        kind: String,
        /// Last day of the representation, included (JJ/MM/AAAA or AAAA-MM-JJ)
        #[arg(long)]
        last_day: String,
        /// Reference of the request
        #[arg(long)]
        reference: String,
        /// The legal document checked (PDF, JPEG or PNG, 5 MB at most)
        #[arg(long)]
        document: std::path::PathBuf,
    },
    /// End a running representation now; both people are told.
    EndRepresentation {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long = "as")]
        as_login: String,
        /// Patient id of the represented person
        #[arg(long)]
        patient: PatientId,
        /// Representation id (from list-representatives)
        #[arg(long)]
        id: String,
    },
    /// Run the retention job once: purge archives older than 10 years, carry out erasures.
    RunRetention {
        #[command(flatten)]
        config: ConfigArg,
    },
}

pub async fn run(cmd: PatientAdmin, now: Timestamp) -> Result<(), RunError> {
    match cmd {
        PatientAdmin::ListEnrolments { config, as_login } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            print_json(&app.list_self_enrolments(&actor, now).await?);
        }
        PatientAdmin::ListReviews { config, as_login } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            print_json(&app.list_identity_reviews(&actor, now).await?);
        }
        PatientAdmin::ValidateEnrolment {
            config,
            as_login,
            request,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            let v = app.validate_self_enrolment(&actor, &request, now).await?;
            println!(
                "enrolment validated: patient {}. One-time enrolment token for the patient's second factor:\n{}",
                v.patient_id, v.enrolment_token
            );
        }
        PatientAdmin::RejectEnrolment {
            config,
            as_login,
            request,
            reason,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            app.reject_self_enrolment(&actor, &request, &reason, now)
                .await?;
            println!("enrolment {request} rejected");
        }
        PatientAdmin::ActivatePatient {
            config,
            as_login,
            patient,
            email,
            request,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            let a = app
                .activate_patient(&actor, &patient, email.as_deref(), &request, now)
                .await?;
            println!(
                "record {} activated, login {}. One-time enrolment token, to hand to the patient:\n{}",
                a.patient_id, a.login, a.enrolment_token
            );
        }
        PatientAdmin::RecordDeath {
            config,
            as_login,
            patient,
            date,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            app.record_death(&actor, &patient, &date, now).await?;
            println!("death recorded for {patient}");
        }
        PatientAdmin::ExportRecord {
            config,
            as_login,
            patient,
            reference,
            out,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            // Refuse an existing path before the export is made (and audited).
            if out.exists() {
                return Err(RunError::Other(format!(
                    "{} already exists: choose a new file",
                    out.display()
                )));
            }
            let (bytes, kind) = app
                .support_export(&actor, &patient, &reference, now)
                .await?;
            write_new_private(&out, &bytes)?;
            let what = match kind {
                SupportExport::Legal => "legal export (documents hidden from the patient included)",
                SupportExport::OnRequest => "export on the person's request",
            };
            println!(
                "{what} of {patient}: {} bytes written to {}",
                bytes.len(),
                out.display()
            );
        }
        PatientAdmin::HeirExport {
            config,
            as_login,
            patient,
            heir,
            relationship,
            justification,
            out,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            let relationship = HeirRelationship::parse(&relationship).ok_or_else(|| {
                RunError::Other(
                    "--relationship: one of spouse, child, parent, sibling, other_heir".into(),
                )
            })?;
            if out.exists() {
                return Err(RunError::Other(format!(
                    "{} already exists: choose a new file",
                    out.display()
                )));
            }
            let request = HeirRequest {
                heir_name: heir,
                relationship,
                justification,
            };
            let bytes = app.heir_export(&actor, &patient, &request, now).await?;
            write_new_private(&out, &bytes)?;
            println!(
                "legal export of {patient} for an heir: {} bytes written to {}",
                bytes.len(),
                out.display()
            );
        }
        PatientAdmin::ListRectifications { config, as_login } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            print_json(&app.pending_rectifications(&actor).await?);
        }
        PatientAdmin::ApplyRectification {
            config,
            as_login,
            request,
            evidence,
            confirmed_distinct,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            let r = app
                .apply_rectification(&actor, &request, &evidence, confirmed_distinct, now)
                .await?;
            println!(
                "rectification {request} applied: {} of {} corrected; the patient is told",
                r.field, r.patient_id
            );
        }
        PatientAdmin::RejectRectification {
            config,
            as_login,
            request,
            reason,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            app.reject_rectification(&actor, &request, &reason, now)
                .await?;
            println!("rectification {request} rejected; the patient is told");
        }
        PatientAdmin::LimitRecord {
            config,
            as_login,
            patient,
            lift,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            let l = app.set_limitation(&actor, &patient, !lift, now).await?;
            let state = if l.limited { "limited" } else { "not limited" };
            println!("record {patient}: {state}; the patient is told");
        }
        PatientAdmin::ListRepresentatives {
            config,
            as_login,
            patient,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            print_json(&app.representations(&actor, &patient, now).await?);
        }
        PatientAdmin::AddRepresentative {
            config,
            as_login,
            patient,
            login,
            kind,
            last_day,
            reference,
            document,
        } => {
            let kind = RepresentationKind::parse(kind.trim()).ok_or_else(|| {
                mds_app::AppError::invalid(
                    "representation_kind_invalid",
                    "--kind : parent, guardian ou curator.",
                )
            })?;
            let content = std::fs::read(&document)
                .map_err(|e| RunError::Other(format!("cannot read {}: {e}", document.display())))?;
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            let input = RepresentationInput {
                login: login.trim(),
                kind,
                last_day: last_day.trim(),
                reference: &reference,
                document: &content,
            };
            let r = app
                .record_representation(&actor, &patient, input, None, now)
                .await?;
            println!(
                "representation {} recorded: {} ({}) represents {patient} as {} until {} included; both are told",
                r.id,
                r.representative_name,
                r.representative_login,
                r.kind.as_str(),
                r.last_day
            );
        }
        PatientAdmin::EndRepresentation {
            config,
            as_login,
            patient,
            id,
        } => {
            let (_, app) = open(&config).await?;
            let actor = support_actor(&app, &as_login).await?;
            app.end_representation(&actor, &patient, &id, None, now)
                .await?;
            println!("representation {id} of {patient} ended; both are told");
        }
        PatientAdmin::RunRetention { config } => {
            let (_, app) = open(&config).await?;
            print_json(&app.run_retention(now).await?);
        }
    }
    Ok(())
}

/// Creates `path` (refused if it exists), readable and writable by its owner only, with
/// `bytes`, synced to disk.
fn write_new_private(path: &std::path::Path, bytes: &[u8]) -> Result<(), RunError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| RunError::Other(format!("cannot create {}: {e}", path.display())))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}
