//! Patient search for professionals, assistants and support (DESIGN.md section 2): by CAFAT
//! number and birth date, or by traits. It never shows a list of patients: a search needs
//! enough criteria and is capped, and every search is audited (without its criteria).

use super::identity::{identity_refusal, PatientSummary, NEAR_MATCH_CANDIDATES};
use crate::{Actor, App, AppError};
use mds_audit::{NewEvent, Outcome};
use mds_domain::identity::IdentifierRules;
use mds_domain::{AccountKind, AccountState, Timestamp};
use mds_store::patients;
use serde::Deserialize;

/// At most this many records answer a search.
pub const SEARCH_MAX_RESULTS: usize = 5;

/// Patient search criteria: the CAFAT number with the birth date, or the traits.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum PatientQuery {
    Cafat {
        /// `cafat` (also when absent or empty) or `amg`: the kind of the number.
        #[serde(default)]
        identifier_kind: String,
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

impl App {
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
                identifier_kind,
                cafat,
                birth_date: b,
            } => {
                let kind = mds_domain::IdentifierKind::from_input(identifier_kind)
                    .map_err(|e| identity_refusal(&[e]))?;
                let rules = IdentifierRules::default();
                let cafat = mds_domain::CafatNumber::parse_kind(cafat, kind, rules.of(kind))
                    .map_err(|e| identity_refusal(&[e]))?;
                let b = birth_date(b)?;
                let found: Vec<_> = patients::by_identifier(pool, kind, cafat.as_str())
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
