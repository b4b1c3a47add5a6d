//! A patient's identity as every patient use case checks it (identitovigilance, DESIGN.md
//! section 2): traits validated and minors refused, exact duplicates refused and the first
//! near match found, the record row built from validated traits, the contact checked, and the
//! identity files (scans, signed forms) recognised and sealed in the vault. What confirms an
//! identity is shown as a `PatientSummary`, and nothing more.

use crate::{App, AppError};
use mds_domain::format::{recognise, Refusal};
use mds_domain::identity::rectification::DuplicateCheck;
use mds_domain::identity::{check_adult_at, IdentifierRules, IdentityError, IdentityInput};
use mds_domain::{
    similarity, AccountState, FileOwnerKind, FilePurpose, Format, IdentifierKind, IdentityStatus,
    IdentityTraits, MatchKind, PatientId, Timestamp,
};
use mds_store::{identity_files, new_id, patients};
use serde::Serialize;

/// Largest identity scan or consent form accepted.
pub const IDENTITY_FILE_MAX_BYTES: usize = 5 * 1024 * 1024;
/// Near-match candidates compared per creation (same birth date and sex), and records read
/// per search before filtering.
pub(crate) const NEAR_MATCH_CANDIDATES: i64 = 500;

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

/// Who a record is, for the banner of each page of a record in the professional portal: the
/// summary and the CAFAT number, so that no one acts on the wrong patient. Given only to a
/// reader the record's gate let through (a search result carries no CAFAT).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PatientBanner {
    pub patient: PatientSummary,
    /// The kind of the number in `cafat` (CAFAT or AMG).
    pub identifier_kind: IdentifierKind,
    pub cafat: String,
}

impl PatientBanner {
    pub(crate) fn of(p: &patients::PatientRow) -> Self {
        Self {
            patient: PatientSummary::of(p),
            identifier_kind: p.identifier_kind,
            cafat: p.identifier_number.clone(),
        }
    }
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
        .validate(&IdentifierRules::default(), today)
        .map_err(|e| identity_refusal(&e))?;
    check_adult_at(traits.birth_date.date(), now).map_err(|e| match e {
        IdentityError::Minor { adult_on } => minor_refusal(adult_on),
        e => identity_refusal(&[e]),
    })?;
    Ok(traits)
}

/// A stored record's identity as typed (`first_names` as a list), or `None` if its first
/// names are not a JSON list.
fn input_of(p: &patients::PatientRow) -> Option<IdentityInput> {
    Some(IdentityInput {
        identifier_kind: p.identifier_kind.as_str().to_owned(),
        cafat: p.identifier_number.clone(),
        birth_name: p.birth_name.clone(),
        first_names: serde_json::from_str(&p.first_names).ok()?,
        birth_date: p.birth_date.clone(),
        sex: p.sex.clone(),
        birth_place: p.birth_place.clone(),
    })
}

/// [`input_of`], a corrupt row being the store's fault.
pub(crate) fn stored_input(p: &patients::PatientRow) -> Result<IdentityInput, AppError> {
    input_of(p).ok_or_else(|| AppError::Internal(format!("record {}: first names", p.id)))
}

/// Whether two rows hold the same identity as entered (accents and case included).
pub(crate) fn same_entered_identity(a: &patients::PatientRow, b: &patients::PatientRow) -> bool {
    (
        &a.birth_name,
        &a.first_names,
        &a.birth_date,
        &a.sex,
        &a.birth_place,
    ) == (
        &b.birth_name,
        &b.first_names,
        &b.birth_date,
        &b.sex,
        &b.birth_place,
    )
}

/// Traits of a stored record, for comparisons (shape-only checks).
pub(crate) fn stored_traits(p: &patients::PatientRow) -> Option<IdentityTraits> {
    let input = input_of(p)?;
    input
        .validate(&IdentifierRules::STORED, time::Date::MAX)
        .ok()
}

pub(crate) fn duplicate_cafat(kind: IdentifierKind) -> AppError {
    AppError::conflict(
        "duplicate_cafat",
        IdentityError::DuplicateCafat { kind }.to_string()
            + " Recherchez le patient au lieu de le créer.",
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
    if patients::by_identifier(pool, traits.identifier_kind, traits.cafat.as_str())
        .await?
        .is_some()
    {
        return Err(duplicate_cafat(traits.identifier_kind));
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

/// The duplicate check of `traits` (a corrected identity) against every record but `except`
/// (the record being corrected, whose CAFAT number does not change).
pub(crate) async fn duplicate_check_except(
    app: &App,
    traits: &IdentityTraits,
    except: &PatientId,
) -> Result<DuplicateCheck, AppError> {
    let row = new_row(
        traits,
        IdentityStatus::Provisional,
        AccountState::Pending,
        None,
    );
    let same = patients::by_traits(&app.db, &traits_key(&row)).await?;
    if same.is_some_and(|other| &other.id != except) {
        return Ok(DuplicateCheck::Exact);
    }
    let candidates =
        patients::by_birth(&app.db, &row.birth_date, &row.sex, NEAR_MATCH_CANDIDATES).await?;
    let mut check = DuplicateCheck::Clear;
    for c in candidates.iter().filter(|c| &c.id != except) {
        match stored_traits(c).map(|other| similarity(traits, &other)) {
            Some(MatchKind::Exact) => return Ok(DuplicateCheck::Exact),
            Some(MatchKind::Near { .. }) => check = DuplicateCheck::Near,
            _ => {}
        }
    }
    Ok(check)
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
        identifier_kind: traits.identifier_kind,
        identifier_number: traits.cafat.as_str().to_owned(),
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
    let refused = |why: Option<Refusal>| {
        let why = why.map_or(String::new(), |w| format!(" ({})", w.reason_fr()));
        AppError::invalid(
            "unsupported_format",
            format!("Le fichier « {label} » doit être un PDF, une image JPEG ou PNG{why}."),
        )
    };
    match recognise(content) {
        Ok(found) if matches!(found.format, Format::Pdf | Format::Jpeg | Format::Png) => {
            Ok(found.format)
        }
        Ok(_) => Err(refused(None)),
        Err(why) => Err(refused(Some(why))),
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
        self.ensure_room(content.len())?;
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
}
