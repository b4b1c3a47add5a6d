//! The creation of a record by a professional for a person present (DESIGN.md section 2): an
//! `inactive` record, identity validated in person, its care team and the signed consent
//! form. Refusals (minor, duplicates) create nothing; a near match is held for support review
//! (`patients::reviews`) instead of being created.

use super::identity::{
    check_duplicates, check_identity_file, duplicate_cafat, duplicate_identity, email_address,
    new_row, phone_number, validate_identity, PatientSummary,
};
use crate::{Actor, App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::identity::IdentityInput;
use mds_domain::{
    AccountId, AccountKind, AccountState, FileOwnerKind, FilePurpose, Format, IdentityStatus,
    IdentityTraits, MatchKind, PatientId, ReviewStatus, Timestamp,
};
use mds_store::{care_team, directory, enrolments, identity_files, new_id, patients, StoreError};
use serde::{Deserialize, Serialize};

/// A record created by a professional for a person present.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct NewPatient {
    pub identity: IdentityInput,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The professional checked the identity document (ID card or passport).
    pub identity_document_checked: bool,
    /// The professional checked the CAFAT card.
    pub cafat_card_checked: bool,
    /// The person signed the dedicated consent form.
    pub consent_signed: bool,
    /// The person was told, before the creation, what the record is for, their rights and
    /// the use of their CAFAT number (the notice of `RIGHTS_NOTICE_VERSION`).
    pub informed_of_rights: bool,
    /// Professionals (account ids) of the care team, chosen with the person.
    pub care_team: Vec<AccountId>,
    /// Leave the creating professional out of the care team (included by default).
    #[serde(default)]
    pub exclude_creator: bool,
    /// The signed consent form (PDF, JPEG or PNG), stored encrypted.
    #[serde(skip)]
    pub consent_form: Option<Vec<u8>>,
}

/// The result of a creation request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Creation {
    Created {
        patient: PatientSummary,
    },
    /// A near match exists: nothing was created; support reviews the submission.
    HeldForReview {
        review_id: String,
    },
}

/// Inserts a record created by a professional (`creator`) with its care team, in `tx`.
pub(crate) async fn insert_created(
    tx: &mut mds_store::Tx,
    row: &patients::PatientRow,
    creator: &AccountId,
    team: &[AccountId],
    now: Timestamp,
) -> Result<(), AppError> {
    patients::insert(&mut *tx, row).await.map_err(|e| match e {
        StoreError::Conflict(m) if m.contains("identifier") => duplicate_cafat(row.identifier_kind),
        StoreError::Conflict(_) => duplicate_identity(),
        e => e.into(),
    })?;
    patients::set_created_by(&mut *tx, &row.id, creator).await?;
    for member in team {
        let m = care_team::CareTeamMember {
            patient_id: row.id.clone(),
            professional_account_id: member.clone(),
            attending_physician: false,
            added_by: creator.clone(),
            added_at_ms: now.millis(),
        };
        care_team::add(&mut *tx, &m).await?;
    }
    Ok(())
}

/// The care team of a creation: the creator first unless excluded, then the chosen
/// professionals, each once; every one must be an active professional of the directory.
pub(crate) async fn creation_team(
    app: &App,
    creator: &AccountId,
    chosen: &[AccountId],
    exclude_creator: bool,
) -> Result<Vec<AccountId>, AppError> {
    let mut team: Vec<AccountId> = Vec::new();
    if !exclude_creator {
        team.push(creator.clone());
    }
    for id in chosen {
        if !team.contains(id) {
            team.push(id.clone());
        }
    }
    if team.len() > 50 {
        return Err(AppError::invalid(
            "care_team_too_large",
            "L'équipe de soins compte au plus 50 professionnels.",
        ));
    }
    for id in &team {
        let known = directory::professional(&app.db, id).await?;
        if known.is_none_or(|k| k.state != AccountState::Active) {
            return Err(AppError::invalid(
                "unknown_professional",
                "Un membre choisi pour l'équipe de soins n'est pas un professionnel actif de \
                 l'annuaire.",
            ));
        }
    }
    Ok(team)
}

fn optional(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

impl App {
    /// Professional only. Creates the `inactive` record of a person present whose identity
    /// document and CAFAT card were checked and who signed the consent form. Nothing is
    /// created on a refusal; a near match holds the submission for support review.
    pub async fn create_patient(
        &self,
        actor: &Actor,
        p: NewPatient,
        now: Timestamp,
    ) -> Result<Creation, AppError> {
        actor.require(AccountKind::Professional)?;
        if !(p.identity_document_checked
            && p.cafat_card_checked
            && p.consent_signed
            && p.informed_of_rights)
        {
            return Err(AppError::invalid(
                "attestation_missing",
                "Attestez avoir vérifié la pièce d'identité et la carte CAFAT de la personne \
                 présente, l'avoir informée (finalités, droits, usage du numéro CAFAT) et \
                 recueilli son consentement signé.",
            ));
        }
        let traits = validate_identity(&p.identity, now)?;
        let email = optional(p.email.as_deref())
            .map(email_address)
            .transpose()?;
        let phone = optional(p.phone.as_deref()).map(phone_number).transpose()?;
        let creator = actor.account_id.clone();
        let team = creation_team(self, &creator, &p.care_team, p.exclude_creator).await?;
        let consent_format = p
            .consent_form
            .as_deref()
            .map(|c| check_identity_file(c, "consentement signé"))
            .transpose()?;
        let near = check_duplicates(self, &traits).await?;

        if let Some((candidate, kind)) = near {
            return self
                .hold_for_review(actor, &p, &traits, candidate, kind, consent_format, now)
                .await;
        }

        let mut row = new_row(
            &traits,
            IdentityStatus::Validated,
            AccountState::Inactive,
            Some(now),
        );
        row.validated_by = Some(creator.clone());
        row.validated_how = Some("in_person".to_owned());
        row.validated_at_ms = Some(now.millis());
        row.email = email;
        row.phone = phone;
        let file = match (&p.consent_form, consent_format) {
            (Some(content), Some(format)) => Some(
                self.seal_identity_file(
                    (FileOwnerKind::Patient, row.id.as_str()),
                    FilePurpose::ConsentForm,
                    format,
                    content,
                    now,
                )
                .await?,
            ),
            _ => None,
        };
        let committed = async {
            let mut tx = self.db.begin().await?;
            insert_created(&mut tx, &row, &creator, &team, now).await?;
            if let Some(f) = &file {
                identity_files::insert(&mut tx, f).await?;
            }
            let ev = NewEvent {
                actor_id: Some(creator.to_string()),
                patient_id: Some(row.id.to_string()),
                detail: serde_json::json!({
                    "record_state": "inactive", "identity": "validated", "how": "in_person",
                    "care_team": team.len(), "consent_form": file.is_some(),
                    "informed_of_rights": super::RIGHTS_NOTICE_VERSION,
                }),
                ..NewEvent::new(ActorKind::Professional, "patient.create", Outcome::Success)
            };
            mds_audit::append(&mut tx, ev, now.millis()).await?;
            tx.commit().await?;
            Ok::<_, AppError>(())
        }
        .await;
        if let Err(e) = committed {
            if let Some(f) = &file {
                self.discard_objects(std::slice::from_ref(&f.object_key))
                    .await;
            }
            return Err(e);
        }
        Ok(Creation::Created {
            patient: PatientSummary::of(&row),
        })
    }

    #[allow(clippy::too_many_arguments)]
    async fn hold_for_review(
        &self,
        actor: &Actor,
        p: &NewPatient,
        traits: &IdentityTraits,
        candidate: PatientId,
        kind: MatchKind,
        consent_format: Option<Format>,
        now: Timestamp,
    ) -> Result<Creation, AppError> {
        let review_id = new_id();
        let submission = serde_json::json!({
            "identity": traits, "email": p.email, "phone": p.phone,
            "identity_document_checked": p.identity_document_checked,
            "cafat_card_checked": p.cafat_card_checked, "consent_signed": p.consent_signed,
            "care_team": p.care_team, "exclude_creator": p.exclude_creator,
        });
        let row = enrolments::IdentityReviewRow {
            id: review_id.clone(),
            submitted_by: actor.account_id.clone(),
            submission: submission.to_string(),
            candidate_patient_id: Some(candidate.clone()),
            match_reason: serde_json::to_string(&kind).unwrap_or_default(),
            status: ReviewStatus::Pending,
            decided_by: None,
            decided_at_ms: None,
            decision_note: None,
            patient_id: None,
            submitted_at_ms: now.millis(),
        };
        let file = match (&p.consent_form, consent_format) {
            (Some(content), Some(format)) => Some(
                self.seal_identity_file(
                    (FileOwnerKind::Review, &review_id),
                    FilePurpose::ConsentForm,
                    format,
                    content,
                    now,
                )
                .await?,
            ),
            _ => None,
        };
        let committed = async {
            let mut tx = self.db.begin().await?;
            enrolments::insert_review(&mut tx, &row).await?;
            if let Some(f) = &file {
                identity_files::insert(&mut tx, f).await?;
            }
            let ev = NewEvent {
                actor_id: Some(actor.account_id.to_string()),
                detail: serde_json::json!({ "review_id": review_id, "candidate_patient_id": candidate }),
                ..NewEvent::new(ActorKind::Professional, "patient.create.held_for_review", Outcome::Success)
            };
            mds_audit::append(&mut tx, ev, now.millis()).await?;
            tx.commit().await?;
            Ok::<_, AppError>(())
        }
        .await;
        if let Err(e) = committed {
            if let Some(f) = &file {
                self.discard_objects(std::slice::from_ref(&f.object_key))
                    .await;
            }
            return Err(e);
        }
        Ok(Creation::HeldForReview { review_id })
    }
}
