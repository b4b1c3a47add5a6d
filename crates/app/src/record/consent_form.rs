//! The signed form of an in-person consent, attached after the consent was recorded (issue 15,
//! item 7): a professional who attested a patient's consent in person without scanning the
//! form at once attaches it later, from the record's page. Only the professional who
//! collected the consent attaches its form, once; the file is checked (PDF, JPEG or PNG) and
//! stored encrypted with the patient's identity files like an attestation given with the
//! consent, readable by support only (`attestation`). Audited as `consent.attestation.attach`.

use super::consent::ATTESTATION_PURPOSE;
use crate::patients::identity::check_identity_file;
use crate::{Actor, App, AppError};
use mds_audit::NewEvent;
use mds_domain::{AccountId, FileOwnerKind, PatientId, Timestamp};
use mds_policy::Action;
use mds_store::identity_files;
use mds_store::record_access::{self, ConsentRow};

impl App {
    /// The in-person consents `me` collected on the record that still wait for their signed
    /// form, newest first (the record's page offers to complete them).
    pub(super) async fn missing_forms_of(
        &self,
        me: &AccountId,
        patient_id: &PatientId,
    ) -> Result<Vec<ConsentRow>, AppError> {
        Ok(record_access::in_person_without_form(&self.db, patient_id, me).await?)
    }

    /// Attaches the signed form `content` to the in-person consent `consent_id` the actor
    /// collected on the record. Another professional's consent, a consent of another record,
    /// one given otherwise or already completed: `NotFound` (audited as a denial).
    pub async fn attach_consent_form(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        consent_id: &str,
        content: &[u8],
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let name = "consent.attestation.attach";
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let detail =
            serde_json::json!({ "consent_id": consent_id.chars().take(64).collect::<String>() });
        let (_, ev) = gate
            .authorize(self, Action::RequestConsent, name, detail)
            .await?;
        let me = gate
            .actor
            .professional()
            .map(|p| p.account.clone())
            .ok_or(AppError::Forbidden)?;
        let open = self.missing_forms_of(&me, gate.patient_id()).await?;
        if !open.iter().any(|c| c.id == consent_id) {
            let denied = NewEvent {
                outcome: mds_audit::Outcome::Deny,
                rule: Some("attestation.not_yours".to_owned()),
                ..ev
            };
            self.record_event(denied, now.millis()).await?;
            return Err(AppError::NotFound);
        }
        let format = check_identity_file(content, "formulaire de consentement signé")?;
        let owner = (FileOwnerKind::Patient, gate.patient_id().as_str());
        let file = self
            .seal_identity_file(owner, ATTESTATION_PURPOSE, format, content, now)
            .await?;
        let committed = async {
            let mut tx = self.db.begin().await?;
            identity_files::insert(&mut tx, &file).await?;
            if !record_access::set_attestation_file_once(&mut tx, consent_id, &file.id).await? {
                tx.rollback().await?;
                return Err(AppError::conflict(
                    "attestation_present",
                    "Le formulaire signé de ce consentement est déjà joint.",
                ));
            }
            let ev = NewEvent {
                detail: serde_json::json!({ "consent_id": consent_id, "attestation_file_id": file.id,
                    "attestation_sha256": file.sha256 }),
                ..ev
            };
            mds_audit::append(&mut tx, ev, now.millis()).await?;
            tx.commit().await?;
            Ok::<_, AppError>(())
        }
        .await;
        if let Err(e) = committed {
            self.discard_objects(std::slice::from_ref(&file.object_key))
                .await;
            return Err(e);
        }
        Ok(())
    }
}
