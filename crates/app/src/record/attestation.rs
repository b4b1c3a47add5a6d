//! The signed attestation of an in-person consent, read back by support (for a dispute or a
//! check by the authority). It is an identity proof, not medical content: professionals and
//! patients never read it back through the API (they get `NotFound`, like any record they may
//! not see); support reads it. Every attempt is audited, denials included.

use super::consent::ATTESTATION_PURPOSE;
use crate::{Actor, App, AppError};
use mds_audit::{NewEvent, Outcome};
use mds_domain::{AccountKind, FileOwnerKind, Format, PatientId, Timestamp};
use mds_store::{identity_files, record_access};

/// A decrypted attestation file.
#[derive(Clone, Debug)]
pub struct AttestationFile {
    /// PDF, JPEG or PNG.
    pub format: Format,
    pub content: bytes::Bytes,
}

impl App {
    /// Support only. The signed attestation attached to the consent `consent_id` of the record
    /// `patient_id`. Any other caller, and any consent without an attestation, answers
    /// `NotFound` like a record that does not exist, audited as a denial.
    pub async fn consent_attestation(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        consent_id: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<AttestationFile, AppError> {
        let support = actor.kind == AccountKind::Support;
        let pool = &self.db;
        let consent = match support {
            true => record_access::consent_by_id(pool, consent_id)
                .await?
                .filter(|c| &c.patient_id == patient_id),
            false => None,
        };
        let file_id = match &consent {
            Some(c) => record_access::attestation_file_id(pool, &c.id).await?,
            None => None,
        };
        let file = match &file_id {
            Some(id) => {
                identity_files::for_owner(pool, FileOwnerKind::Patient, patient_id.as_str())
                    .await?
                    .into_iter()
                    .find(|f| &f.id == id && f.purpose == ATTESTATION_PURPOSE)
            }
            None => None,
        };
        let event = |outcome, rule: &str, detail| NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: consent.as_ref().map(|c| c.patient_id.to_string()),
            rule: Some(rule.to_owned()),
            detail,
            ip: ip.clone(),
            ..NewEvent::new(actor.kind.into(), "consent.attestation.read", outcome)
        };
        let Some(file) = file else {
            let rule = if support {
                "attestation.unknown"
            } else {
                "attestation.support_only"
            };
            let detail = serde_json::json!({
                "requested_consent_id": consent_id.chars().take(64).collect::<String>(),
                "requested_patient_id": patient_id,
            });
            self.record_event(event(Outcome::Deny, rule, detail), now.millis())
                .await?;
            return Err(AppError::NotFound);
        };
        let content = self
            .vault
            .get(&file.object_key, &file.wrapped_key, &file.key_id)
            .await?;
        let detail = serde_json::json!({ "consent_id": consent_id, "file_id": file.id,
            "sha256": file.sha256 });
        self.record_event(
            event(Outcome::Permit, "attestation.support", detail),
            now.millis(),
        )
        .await?;
        Ok(AttestationFile {
            format: file.format,
            content,
        })
    }
}
