//! The signed attestation of an in-person consent, read back by support (for a dispute or a
//! check by the authority). It is an identity proof, not medical content: professionals and
//! patients never read it back through the API (they get `NotFound`, like any record they may
//! not see); support reads it. Every attempt is audited, denials included.

use super::consent::ATTESTATION_PURPOSE;
use crate::{Actor, App, AppError};
use mds_audit::{NewEvent, Outcome};
use mds_domain::{AccountKind, FileOwnerKind, Format, PatientId, Timestamp};
use mds_store::{identity_files, record_access};

/// A consent given in person with its signed attestation, as support lists them on a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttestedConsent {
    pub consent_id: String,
    /// « Prénom Nom » of the professional who collected it.
    pub professional: String,
    pub purpose: String,
    /// `granted`, `revoked`, `expired`…
    pub state: String,
    pub given_at: Timestamp,
    /// Whether the signed form was attached (a consent may be attested without it).
    pub has_file: bool,
}

/// A decrypted attestation file.
#[derive(Clone, Debug)]
pub struct AttestationFile {
    /// PDF, JPEG or PNG.
    pub format: Format,
    pub content: bytes::Bytes,
}

impl App {
    /// Support only: the record's consents attested as given in person, newest
    /// first (what the console lists, each attestation then read by
    /// [`App::consent_attestation`]). Audited as `consent.attestation.list`; another caller is
    /// refused (`Forbidden`), audited as a denial.
    pub async fn attested_consents(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        now: Timestamp,
    ) -> Result<Vec<AttestedConsent>, AppError> {
        let support = actor.kind == AccountKind::Support;
        let ev = |outcome, count: usize| NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: Some(patient_id.to_string()),
            detail: serde_json::json!({ "attested": count }),
            ..NewEvent::new(actor.kind.into(), "consent.attestation.list", outcome)
        };
        if !support {
            self.record_event(ev(Outcome::Deny, 0), now.millis())
                .await?;
            return Err(AppError::Forbidden);
        }
        let mut out = Vec::new();
        for c in record_access::consents_for_patient(&self.db, patient_id).await? {
            if !c.attested {
                continue;
            }
            let pro = mds_store::directory::professional(&self.db, &c.professional_account_id)
                .await?
                .map_or_else(
                    || c.professional_account_id.to_string(),
                    |p| format!("{} {}", p.first_name, p.last_name),
                );
            out.push(AttestedConsent {
                consent_id: c.id.clone(),
                professional: pro,
                purpose: c.purpose.clone(),
                state: c.state.as_str().to_owned(),
                given_at: Timestamp::from_millis(c.decided_at_ms.unwrap_or(c.requested_at_ms)),
                has_file: record_access::attestation_file_id(&self.db, &c.id)
                    .await?
                    .is_some(),
            });
        }
        out.sort_by_key(|c| std::cmp::Reverse(c.given_at));
        self.record_event(ev(Outcome::Success, out.len()), now.millis())
            .await?;
        Ok(out)
    }

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
