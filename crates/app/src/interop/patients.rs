//! Patient search for a patient-demographics supplier (IHE PDQm ITI-78): the search of
//! `App::search_patients` — same criteria, same cap, same audit, near matches never shown —
//! whose answers also carry the CAFAT number, the identifier a professional's software files
//! the patient under.

use crate::patients::identity::PatientSummary;
use crate::patients::search::PatientQuery;
use crate::{Actor, App, AppError};
use mds_domain::{IdentifierKind, Timestamp};
use mds_store::patients;

/// A patient found, with the identifier number of the record and its kind (CAFAT or AMG).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentifiedPatient {
    pub summary: PatientSummary,
    pub identifier_kind: IdentifierKind,
    pub cafat: String,
}

impl App {
    /// Professionals, assistants and support agents (as `search_patients`): the records
    /// found, at most `patients::SEARCH_MAX_RESULTS`, each with its CAFAT number.
    pub async fn search_patients_identified(
        &self,
        actor: &Actor,
        q: PatientQuery,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Vec<IdentifiedPatient>, AppError> {
        let found = self.search_patients(actor, q, ip, now).await?;
        let mut out = Vec::with_capacity(found.len());
        for summary in found {
            // The record was just found; one erased since answers nothing.
            if let Some(row) = patients::by_id(&self.db, &summary.id).await? {
                out.push(IdentifiedPatient {
                    identifier_kind: row.identifier_kind,
                    cafat: row.identifier_number,
                    summary,
                });
            }
        }
        Ok(out)
    }
}
