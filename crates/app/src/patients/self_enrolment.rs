//! Self-enrolment of a patient (DESIGN.md section 3, account `pending`), the person's side: they
//! send the traits, contact, a password and scans of the identity document and CAFAT card
//! (encrypted in the vault), and follow the request with the status token given at
//! submission. Support's checks and decision are `patients::enrolment_queue`; the quotas and
//! the handling of submissions that name an existing account or record (answered like any
//! other, never disclosed) are `patients::enrolment_guard`.

use crate::accounts::password;
pub use crate::patients::enrolment_guard::EnrolmentReceipt;
use crate::patients::enrolment_guard::{Admission, Existing};
use crate::patients::identity::{
    check_duplicates, check_identity_file, email_address, new_row, phone_number, validate_identity,
};
use crate::secrets::{hash_password, random_token, token_hash};
use crate::{App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::identity::IdentityInput;
use mds_domain::{
    AccountId, AccountKind, AccountState, EnrolmentState, FileOwnerKind, FilePurpose,
    IdentityStatus, Login, Timestamp,
};
use mds_store::{accounts, enrolments, identity_files, new_id, patients, StoreError};
use serde::Serialize;

/// What a person sends to enrol.
#[derive(Clone, Debug, Default)]
pub struct SelfEnrolment {
    pub identity: IdentityInput,
    pub email: String,
    pub phone: Option<String>,
    pub password: String,
    pub identity_document: Vec<u8>,
    pub cafat_card: Vec<u8>,
    /// The person confirms having read, before sending, what the record is for, their rights
    /// and the use of their CAFAT number (the notice of `RIGHTS_NOTICE_VERSION`).
    pub informed_of_rights: bool,
}

/// What the person reads with the status token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = StatusOut)]
pub struct EnrolmentStatus {
    /// pending, validated or rejected.
    #[schema(value_type = String)]
    pub status: EnrolmentState,
    /// Why support rejected the request.
    pub reason: Option<String>,
}

impl App {
    /// Anyone (anonymous). The quotas (`admit_self_enrolment`), then the submission
    /// (`submit_admitted_enrolment`). Surfaces that read a large body check the quotas
    /// before reading it and call the two apart.
    pub async fn submit_self_enrolment(
        &self,
        e: SelfEnrolment,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<EnrolmentReceipt, AppError> {
        let admission = self.admit_self_enrolment(ip.as_deref(), now).await?;
        self.submit_admitted_enrolment(admission, e, ip, now).await
    }

    /// Anyone (anonymous), once admitted. Checks the submission's shape (refusals name the
    /// field), stores the scans encrypted, then creates the pending account, the provisional
    /// record and the request in one transaction. A submission naming an existing account
    /// or record gets the same receipt, and is recorded for support instead
    /// (`enrolment_guard`): the answer never tells whether a person has a record.
    pub async fn submit_admitted_enrolment(
        &self,
        _admission: Admission,
        e: SelfEnrolment,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<EnrolmentReceipt, AppError> {
        if !e.informed_of_rights {
            return Err(AppError::invalid(
                "information_not_acknowledged",
                "Lisez l'information sur Mon Drive Santé et vos droits, puis cochez la case qui \
                 le confirme.",
            ));
        }
        let traits = validate_identity(&e.identity, now)?;
        let email = email_address(&e.email)?;
        let login = Login::parse(&email).ok_or_else(|| {
            AppError::invalid("invalid_email", "L'adresse e-mail n'est pas valide.")
        })?;
        let phone = e
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(phone_number)
            .transpose()?;
        password::check_strength(&e.password, &email, self.settings.password_min_length)?;
        let id_format = check_identity_file(&e.identity_document, "pièce d'identité")?;
        let cafat_format = check_identity_file(&e.cafat_card, "carte CAFAT ou AMG")?;
        // Hashed whatever follows, so that a duplicate costs the same time as a new person.
        let hash = hash_password(&e.password)?;
        if let Some(existing) = self.existing_for(&traits, login.as_str()).await? {
            return self.record_duplicate(existing, ip, now).await;
        }
        let near = match check_duplicates(self, &traits).await {
            Ok(near) => near,
            // The same identity written differently (an exact match by similarity).
            Err(AppError::Conflict { .. }) => {
                let existing = Existing {
                    kind: "identity",
                    patient_id: None,
                    account_id: None,
                };
                return self.record_duplicate(existing, ip, now).await;
            }
            Err(e) => return Err(e),
        };

        let request_id = new_id();
        let owner = (FileOwnerKind::Enrolment, request_id.as_str());
        let mut files = Vec::new();
        for (purpose, format, content) in [
            (
                FilePurpose::IdentityDocument,
                id_format,
                &e.identity_document,
            ),
            (FilePurpose::CafatCard, cafat_format, &e.cafat_card),
        ] {
            match self
                .seal_identity_file(owner, purpose, format, content, now)
                .await
            {
                Ok(f) => files.push(f),
                Err(err) => {
                    let keys: Vec<String> = files.iter().map(|f| f.object_key.clone()).collect();
                    self.discard_objects(&keys).await;
                    return Err(err);
                }
            }
        }
        let account_id = AccountId::from_uuid_text(new_id());
        let mut row = new_row(
            &traits,
            IdentityStatus::Provisional,
            AccountState::Pending,
            Some(now),
        );
        row.account_id = Some(account_id.clone());
        row.email = Some(email.clone());
        row.phone = phone;
        let token = random_token();
        let display = format!(
            "{} {}",
            traits.first_names.first().entered(),
            traits.birth_name.entered()
        );
        let ip_again = ip.clone();
        let committed = async {
            let mut tx = self.db.begin().await?;
            let account = accounts::AccountRow {
                id: account_id.clone(),
                kind: AccountKind::Patient,
                login: login.as_str().to_owned(),
                display_name: display,
                email: Some(email.clone()),
                password_hash: Some(hash),
                totp_secret: None,
                totp_key_id: None,
                totp_confirmed: false,
                totp_last_step: 0,
                state: AccountState::Pending,
                created_at_ms: now.millis(),
                updated_at_ms: now.millis(),
            };
            // A conflict here is a submission naming the same person committed meanwhile.
            accounts::insert(&mut tx, &account).await?;
            patients::insert(&mut tx, &row).await?;
            let request = enrolments::EnrolmentRequestRow {
                id: request_id.clone(),
                patient_id: Some(row.id.clone()),
                account_id: account_id.clone(),
                status_token_hash: token_hash(&token),
                status: EnrolmentState::Pending,
                near_match_patient_id: near.as_ref().map(|(id, _)| id.clone()),
                reason: None,
                decided_by: None,
                decided_at_ms: None,
                submitted_at_ms: now.millis(),
            };
            enrolments::insert_request(&mut tx, &request).await?;
            for f in &files {
                identity_files::insert(&mut tx, f).await?;
            }
            let ev = NewEvent {
                patient_id: Some(row.id.to_string()),
                detail: serde_json::json!({
                    "request_id": request_id, "account_id": account_id,
                    "near_match": near.is_some(),
                    "informed_of_rights": super::RIGHTS_NOTICE_VERSION,
                }),
                ip,
                ..NewEvent::new(
                    ActorKind::Anonymous,
                    "patient.enrolment.submit",
                    Outcome::Success,
                )
            };
            let stored = mds_audit::append(&mut tx, ev, now.millis()).await?;
            self.watch_queue(&mut tx, stored.seq, now).await?;
            tx.commit().await?;
            Ok::<_, AppError>(())
        }
        .await;
        if let Err(err) = committed {
            let keys: Vec<String> = files.iter().map(|f| f.object_key.clone()).collect();
            self.discard_objects(&keys).await;
            if let AppError::Store(StoreError::Conflict(_)) = err {
                if let Some(existing) = self.existing_for(&traits, login.as_str()).await? {
                    return self.record_duplicate(existing, ip_again, now).await;
                }
            }
            return Err(err);
        }
        Ok(EnrolmentReceipt {
            request_id,
            status_token: token,
        })
    }

    /// Anyone holding the status token given at submission.
    pub async fn self_enrolment_status(&self, token: &str) -> Result<EnrolmentStatus, AppError> {
        if token.is_empty() || token.len() > 128 {
            return Err(AppError::NotFound);
        }
        let hash = token_hash(token);
        if let Some(r) = enrolments::request_by_token_hash(&self.db, &hash).await? {
            return Ok(EnrolmentStatus {
                status: r.status,
                reason: r.reason,
            });
        }
        // A submission that named an existing account or record reads like any other.
        if enrolments::duplicate_token_exists(&self.db, &hash).await? {
            return Ok(EnrolmentStatus {
                status: EnrolmentState::Pending,
                reason: None,
            });
        }
        Err(AppError::NotFound)
    }
}
