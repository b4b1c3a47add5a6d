//! Patient records for professionals (identitovigilance, DESIGN.md section 2): creation of an
//! `inactive` record for a person present, and patient search. Refusals (minor, duplicates)
//! create nothing; a near match is held for support review instead of being created. This
//! module never shows a list of patients: a search needs enough criteria and is capped.

use crate::{Actor, App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::identity::{check_adult_at, CafatRules, IdentityError, IdentityInput};
use mds_domain::{
    similarity, AccountId, AccountKind, AccountState, FileOwnerKind, FilePurpose, Format,
    IdentityStatus, IdentityTraits, MatchKind, PatientId, ReviewStatus, Timestamp,
};
use mds_store::{care_team, directory, enrolments, identity_files, new_id, patients, StoreError};
use serde::{Deserialize, Serialize};

/// Largest identity scan or consent form accepted.
pub const IDENTITY_FILE_MAX_BYTES: usize = 5 * 1024 * 1024;
/// At most this many records answer a search.
pub const SEARCH_MAX_RESULTS: usize = 5;
/// Near-match candidates compared per creation (same birth date and sex).
const NEAR_MATCH_CANDIDATES: i64 = 500;

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
    /// Professionals (account ids) of the care team, chosen with the person.
    pub care_team: Vec<AccountId>,
    /// Leave the creating professional out of the care team (included by default).
    #[serde(default)]
    pub exclude_creator: bool,
    /// The signed consent form (PDF, JPEG or PNG), stored encrypted.
    #[serde(skip)]
    pub consent_form: Option<Vec<u8>>,
}

/// What confirms an identity, and nothing more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = PatientOut)]
pub struct PatientSummary {
    #[schema(value_type = String)]
    pub id: PatientId,
    pub birth_name: String,
    pub first_names: Vec<String>,
    pub birth_date: String,
    pub sex: String,
    pub birth_place: String,
    /// provisional or validated.
    #[schema(value_type = String)]
    pub identity_status: IdentityStatus,
    /// pending, active, inactive, closed or erased.
    #[schema(value_type = String)]
    pub record_state: AccountState,
    pub deceased: bool,
}

impl PatientSummary {
    pub(crate) fn of(p: &patients::PatientRow) -> Self {
        Self {
            id: p.id.clone(),
            birth_name: p.birth_name.clone(),
            first_names: serde_json::from_str(&p.first_names).unwrap_or_default(),
            birth_date: p.birth_date.clone(),
            sex: p.sex.clone(),
            birth_place: p.birth_place.clone(),
            identity_status: p.identity_status,
            record_state: p.record_state,
            deceased: p.died_on.is_some(),
        }
    }
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

/// Patient search criteria: the CAFAT number with the birth date, or the traits.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum PatientQuery {
    Cafat {
        cafat: String,
        birth_date: String,
    },
    Traits {
        birth_name: String,
        first_name: String,
        birth_date: String,
        sex: String,
        /// Narrows to this birth place code when given (an exact match, never a widening).
        #[serde(default)]
        birth_place: Option<String>,
    },
}

/// One refusal from a list of identity errors: the first code, every message (so that a form
/// can show them all at once).
pub(crate) fn identity_refusal(errors: &[IdentityError]) -> AppError {
    let code = errors
        .first()
        .map_or("invalid_identity", IdentityError::code);
    let message = errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    AppError::invalid(code, message)
}

pub(crate) fn minor_refusal(adult_on: time::Date) -> AppError {
    AppError::invalid(
        "minor",
        format!(
            "Cette personne a moins de 18 ans : la création d'un compte Mon Drive Santé n'est \
             pas possible pour l'instant (possible à partir du {:02}/{:02}/{}).",
            adult_on.day(),
            u8::from(adult_on.month()),
            adult_on.year()
        ),
    )
}

/// Validates identity input at `now` (Nouméa date) and refuses minors.
pub(crate) fn validate_identity(
    input: &IdentityInput,
    now: Timestamp,
) -> Result<IdentityTraits, AppError> {
    let today = now
        .noumea_date()
        .ok_or_else(|| AppError::Internal("clock out of range".to_owned()))?;
    let traits = input
        .validate(&CafatRules::default(), today)
        .map_err(|e| identity_refusal(&e))?;
    check_adult_at(traits.birth_date.date(), now).map_err(|e| match e {
        IdentityError::Minor { adult_on } => minor_refusal(adult_on),
        e => identity_refusal(&[e]),
    })?;
    Ok(traits)
}

/// Traits of a stored record, for comparisons (shape-only checks).
pub(crate) fn stored_traits(p: &patients::PatientRow) -> Option<IdentityTraits> {
    let input = IdentityInput {
        cafat: p.cafat_number.clone(),
        birth_name: p.birth_name.clone(),
        first_names: serde_json::from_str(&p.first_names).ok()?,
        birth_date: p.birth_date.clone(),
        sex: p.sex.clone(),
        birth_place: p.birth_place.clone(),
    };
    let rules = CafatRules {
        min_len: 1,
        max_len: CafatRules::ABSOLUTE_MAX_LEN,
    };
    input.validate(&rules, time::Date::MAX).ok()
}

pub(crate) fn duplicate_cafat() -> AppError {
    AppError::conflict(
        "duplicate_cafat",
        IdentityError::DuplicateCafat.to_string() + " Recherchez le patient au lieu de le créer.",
    )
}

pub(crate) fn duplicate_identity() -> AppError {
    AppError::conflict(
        "duplicate_identity",
        IdentityError::DuplicateIdentity.to_string()
            + " Recherchez le patient au lieu de le créer.",
    )
}

/// Exact duplicates are refused; the first near match found is returned.
pub(crate) async fn check_duplicates(
    app: &App,
    traits: &IdentityTraits,
) -> Result<Option<(PatientId, MatchKind)>, AppError> {
    let pool = &app.db;
    if patients::by_cafat(pool, traits.cafat.as_str())
        .await?
        .is_some()
    {
        return Err(duplicate_cafat());
    }
    let row = new_row(
        traits,
        IdentityStatus::Provisional,
        AccountState::Pending,
        None,
    );
    if patients::by_traits(pool, &traits_key(&row))
        .await?
        .is_some()
    {
        return Err(duplicate_identity());
    }
    let candidates =
        patients::by_birth(pool, &row.birth_date, &row.sex, NEAR_MATCH_CANDIDATES).await?;
    for c in &candidates {
        let Some(other) = stored_traits(c) else {
            continue;
        };
        match similarity(traits, &other) {
            MatchKind::Exact => return Err(duplicate_identity()),
            near @ MatchKind::Near { .. } => return Ok(Some((c.id.clone(), near))),
            MatchKind::Different => {}
        }
    }
    Ok(None)
}

pub(crate) fn traits_key(row: &patients::PatientRow) -> patients::TraitsKey<'_> {
    patients::TraitsKey {
        birth_name_norm: &row.birth_name_norm,
        first_names_norm: &row.first_names_norm,
        birth_date: &row.birth_date,
        sex: &row.sex,
        birth_place: &row.birth_place,
    }
}

/// A new record row for validated traits.
pub(crate) fn new_row(
    traits: &IdentityTraits,
    identity_status: IdentityStatus,
    record_state: AccountState,
    now: Option<Timestamp>,
) -> patients::PatientRow {
    let first_names: Vec<&str> = traits.first_names.iter().map(|n| n.entered()).collect();
    patients::PatientRow {
        id: PatientId::from_uuid_text(new_id()),
        account_id: None,
        cafat_number: traits.cafat.as_str().to_owned(),
        birth_name: traits.birth_name.entered().to_owned(),
        birth_name_norm: traits.birth_name.normalized().to_owned(),
        first_names: serde_json::to_string(&first_names).unwrap_or_else(|_| "[]".to_owned()),
        first_names_norm: traits.first_names.normalized(),
        birth_date: traits.birth_date.to_iso(),
        sex: traits.sex.as_str().to_owned(),
        birth_place: traits.birth_place.code().to_owned(),
        identity_status,
        validated_by: None,
        validated_how: None,
        validated_at_ms: None,
        record_state,
        email: None,
        phone: None,
        died_on: None,
        created_at_ms: now.map_or(0, Timestamp::millis),
    }
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
        StoreError::Conflict(m) if m.contains("cafat") => duplicate_cafat(),
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

/// An e-mail address ([`mds_domain::contact::parse_email`]), or the refusal a form shows.
pub(crate) fn email_address(text: &str) -> Result<String, AppError> {
    mds_domain::contact::parse_email(text).ok_or_else(|| {
        AppError::invalid(
            "invalid_email",
            "L'adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.nc).",
        )
    })
}

/// A phone number ([`mds_domain::contact::parse_phone`]), or the refusal a form shows.
pub(crate) fn phone_number(text: &str) -> Result<String, AppError> {
    mds_domain::contact::parse_phone(text).ok_or_else(|| {
        AppError::invalid(
            "invalid_phone",
            "Le numéro de téléphone doit comporter de 6 à 15 chiffres (exemple : 25 12 34).",
        )
    })
}

fn optional(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// A scan or signed form: at most 5 MB, PDF, JPEG or PNG recognised from the content.
pub(crate) fn check_identity_file(content: &[u8], label: &str) -> Result<Format, AppError> {
    if content.is_empty() {
        return Err(AppError::invalid(
            "file_missing",
            format!("Le fichier « {label} » est vide ou absent."),
        ));
    }
    if content.len() > IDENTITY_FILE_MAX_BYTES {
        return Err(AppError::invalid(
            "file_too_large",
            format!("Le fichier « {label} » dépasse 5 Mo. Envoyez une image plus légère."),
        ));
    }
    match Format::sniff(content) {
        Some(f @ (Format::Pdf | Format::Jpeg | Format::Png)) => Ok(f),
        _ => Err(AppError::invalid(
            "unsupported_format",
            format!("Le fichier « {label} » doit être un PDF, une image JPEG ou PNG."),
        )),
    }
}

impl App {
    /// Puts an identity file in the vault (before the transaction that references it).
    pub(crate) async fn seal_identity_file(
        &self,
        owner: (FileOwnerKind, &str),
        purpose: FilePurpose,
        format: Format,
        content: &[u8],
        now: Timestamp,
    ) -> Result<identity_files::IdentityFileRow, AppError> {
        let sealed = self.vault.put(content).await?;
        Ok(identity_files::IdentityFileRow {
            id: new_id(),
            owner_kind: owner.0,
            owner_id: owner.1.to_owned(),
            purpose,
            format,
            size_bytes: i64::try_from(sealed.size).unwrap_or(i64::MAX),
            sha256: sealed.sha256_hex,
            object_key: sealed.object_key,
            wrapped_key: sealed.wrapped_key,
            key_id: sealed.key_id,
            created_at_ms: now.millis(),
        })
    }

    /// Deletes vault objects whose rows did not commit, or no longer exist (best effort: the
    /// orphan sweep removes what is left).
    pub(crate) async fn discard_objects(&self, keys: &[String]) {
        for key in keys {
            if let Err(e) = self.vault.delete(key).await {
                tracing::warn!(object = %key, error = %e, "could not delete a vault object; the orphan sweep will");
            }
        }
    }

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
        if !(p.identity_document_checked && p.cafat_card_checked && p.consent_signed) {
            return Err(AppError::invalid(
                "attestation_missing",
                "Attestez avoir vérifié la pièce d'identité et la carte CAFAT de la personne \
                 présente, et recueilli son consentement signé.",
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

    /// Professionals, assistants and support agents. Finds at most
    /// [`SEARCH_MAX_RESULTS`] records matching the CAFAT number and birth date, or the birth
    /// name, a first name, the birth date and the sex. Every search is audited with whether
    /// something was found; the criteria are not logged.
    pub async fn search_patients(
        &self,
        actor: &Actor,
        q: PatientQuery,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Vec<PatientSummary>, AppError> {
        if actor.kind == AccountKind::Patient {
            return Err(AppError::Forbidden);
        }
        let today = now
            .noumea_date()
            .ok_or_else(|| AppError::Internal("clock out of range".to_owned()))?;
        let birth_date = |text: &str| {
            mds_domain::BirthDate::parse(text, today)
                .map(|d| d.to_iso())
                .map_err(|e| identity_refusal(&[e]))
        };
        let pool = &self.db;
        let (by, found) = match &q {
            PatientQuery::Cafat {
                cafat,
                birth_date: b,
            } => {
                let cafat = mds_domain::CafatNumber::parse(cafat, &CafatRules::default())
                    .map_err(|e| identity_refusal(&[e]))?;
                let b = birth_date(b)?;
                let found: Vec<_> = patients::by_cafat(pool, cafat.as_str())
                    .await?
                    .into_iter()
                    .filter(|p| p.birth_date == b)
                    .collect();
                ("cafat", found)
            }
            PatientQuery::Traits {
                birth_name,
                first_name,
                birth_date: b,
                sex,
                birth_place,
            } => {
                let place = birth_place
                    .as_deref()
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(mds_domain::BirthPlace::parse)
                    .transpose()
                    .map_err(|e| identity_refusal(&[e]))?;
                let name =
                    mds_domain::BirthName::parse(birth_name).map_err(|e| identity_refusal(&[e]))?;
                let first = mds_domain::FirstNames::parse(std::slice::from_ref(first_name))
                    .map_err(|e| identity_refusal(&[e]))?;
                let sex = mds_domain::Sex::parse(sex).map_err(|e| identity_refusal(&[e]))?;
                let b = birth_date(b)?;
                let wanted = first.first().normalized().to_owned();
                let found: Vec<_> = patients::by_name_and_birth(
                    pool,
                    name.normalized(),
                    &b,
                    sex.as_str(),
                    NEAR_MATCH_CANDIDATES,
                )
                .await?
                .into_iter()
                .filter(|p| p.first_names_norm.split(' ').any(|f| f == wanted))
                .filter(|p| place.as_ref().is_none_or(|b| p.birth_place == b.code()))
                .collect();
                ("traits", found)
            }
        };
        let results: Vec<PatientSummary> = found
            .iter()
            .filter(|p| p.record_state != AccountState::Erased)
            .take(SEARCH_MAX_RESULTS)
            .map(PatientSummary::of)
            .collect();
        let ev = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: (results.len() == 1).then(|| results[0].id.to_string()),
            detail: serde_json::json!({ "by": by, "found": results.len() }),
            ip,
            ..NewEvent::new(actor.kind.into(), "patient.search", Outcome::Success)
        };
        self.record_event(ev, now.millis()).await?;
        Ok(results)
    }
}
