//! Temporary preload (référentiel EXI 11 and 12, DESIGN.md 7): a structure's software
//! *reads*, ahead of a planned care episode, the relevant documents of a record into its
//! local store for one professional. Preloading is a declared purpose of reads, with a care
//! date, and three limits:
//!
//! - no earlier than `software_preload_days_ahead` (3) days before the care date, and not
//!   after it;
//! - at most `software_max_patients_24h` (50) distinct patients per professional in 24 h,
//!   counted from the permitted preload listings, in the transaction that records the next;
//! - at most `software_preload_max_documents` (10) documents per patient and professional:
//!   a preload listing returns at most that many, and content reads count the distinct
//!   documents read in preload for the patient over the preload horizon (the days ahead
//!   plus the care day), whatever care date is declared.
//!
//! Content is given only to the professional the preload was declared for: a content read
//! in preload needs a preload listing of the same record by the same professional within
//! the horizon. Purpose and care date are recorded in the audit (and so in the patient's
//! history). Feeding (adding documents) has none of these limits. Each read still goes
//! through the record's gate, decided as the professional in person.

use crate::record::documents::{DocumentContent, DocumentPage, DocumentQuery, DocumentView};
use crate::record::gate::{Gate, Read};
use crate::{Actor, App, AppError};
use mds_audit::{NewEvent, Outcome};
use mds_domain::{DocumentId, PatientId, Timestamp};
use mds_policy::Action;
use mds_store::structure_access as rows;

/// The audit action of a preload listing (the declaration of a preload).
pub const PRELOAD_LIST: &str = "document.preload";
/// The audit action of a content read in preload.
pub const PRELOAD_READ: &str = "document.preload.read";
/// The purpose a preload read records.
pub const PURPOSE: &str = "preload";
const DAY_MS: i64 = 24 * 3_600_000;

/// A declared preload: the date of the planned care episode (`YYYY-MM-DD`, New Caledonia).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preload {
    pub care_date: String,
}

impl App {
    /// The preload horizon: the days ahead plus the care day.
    fn preload_horizon_ms(&self) -> i64 {
        (self.settings.software_preload_days_ahead + 1) * DAY_MS
    }

    /// The care date, if it is from today to the days ahead (New Caledonia calendar).
    fn check_care_date(&self, p: &Preload, now: Timestamp) -> Result<String, AppError> {
        let days = self.settings.software_preload_days_ahead;
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        let refuse = || {
            AppError::invalid(
                "preload_care_date",
                format!(
                    "Date de soins invalide pour un préchargement : une date (AAAA-MM-JJ) \
                     d'aujourd'hui à {days} jours au plus."
                ),
            )
        };
        let day = time::Date::parse(p.care_date.trim(), &fmt).map_err(|_| refuse())?;
        let today = now
            .noumea_date()
            .ok_or_else(|| AppError::Internal("date out of range".into()))?;
        let last = today
            .checked_add(time::Duration::days(days))
            .ok_or_else(refuse)?;
        if day < today || day > last {
            return Err(refuse());
        }
        Ok(day.to_string())
    }

    /// Records a refusal of a preload as a denial of `ev`, and returns `error`.
    async fn refuse_preload(
        &self,
        ev: NewEvent,
        rule: &str,
        error: AppError,
        now: Timestamp,
    ) -> AppError {
        let ev = NewEvent {
            outcome: Outcome::Deny,
            rule: Some(rule.to_owned()),
            ..ev
        };
        match self.record_event(ev, now.millis()).await {
            Ok(_) => error,
            Err(e) => e.into(),
        }
    }

    /// Structure software only. Lists the documents of a record for a preload before the
    /// care episode of `preload`: at most `software_preload_max_documents` of them (the
    /// first of the list order), within the three limits; recorded with its purpose and care
    /// date. The seam of ITI-67 with `purpose=preload`.
    pub async fn preload_list_documents(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        preload: &Preload,
        q: DocumentQuery,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<DocumentPage, AppError> {
        if actor.software.is_none() {
            return Err(AppError::Forbidden);
        }
        // Parsed first, refused after the policy: a denied actor's request stays a denial.
        let filter = crate::record::documents::checked_filter(q.filter);
        let gate = self.gate(actor, patient_id, PRELOAD_LIST, ip, now).await?;
        let detail = serde_json::json!({ "purpose": PURPOSE, "care_date": preload.care_date });
        let (_permit, ev) = gate
            .authorize(self, Action::ListDocuments, PRELOAD_LIST, detail)
            .await?;
        let filter = match filter {
            Ok(f) => f,
            Err(e) => return Err(self.audit_failure(ev, e, now).await),
        };
        let care_date = match self.check_care_date(preload, now) {
            Ok(d) => d,
            Err(e) => return Err(self.refuse_preload(ev, "preload.care_date", e, now).await),
        };
        let max = self.settings.software_preload_max_documents;
        let page = self.listed_page(&gate, &filter, max, q.offset, now).await?;
        let ev = NewEvent {
            detail: serde_json::json!({
                "purpose": PURPOSE, "care_date": care_date, "documents": page.items.len(),
            }),
            ..ev
        };
        self.reserve_preload_patient(actor, gate.patient_id(), ev, now)
            .await?;
        Ok(page)
    }

    /// Counts the distinct patients preloaded in the professional's name over 24 h and,
    /// within the limit, records this preload listing: one write transaction, so two
    /// concurrent preloads cannot both take the last place.
    async fn reserve_preload_patient(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        ev: NewEvent,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let limit = self.settings.software_max_patients_24h;
        let mut tx = self.db.begin().await?;
        let seen = mds_store::supervision::distinct_patients_since(
            &mut tx,
            &actor.account_id,
            PRELOAD_LIST,
            now.millis() - DAY_MS + 1,
        )
        .await?;
        if !seen.contains(patient_id) && seen.len() >= limit {
            tx.rollback().await?;
            let ev = NewEvent {
                detail: serde_json::json!({
                    "purpose": PURPOSE, "care_date": ev.detail.get("care_date"),
                    "limit": limit, "patients_24h": seen.len(),
                }),
                ..ev
            };
            let error = AppError::invalid(
                "preload_patient_limit",
                format!(
                    "Limite atteinte : un logiciel de structure précharge au plus {limit} \
                     dossiers de patients différents par professionnel sur 24 heures. \
                     Réessayez plus tard."
                ),
            );
            return Err(self
                .refuse_preload(ev, "preload.patient_limit", error, now)
                .await);
        }
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Structure software only. The content of a document read for a preload before the
    /// care episode of `preload`, for the professional who declared it by a preload listing
    /// of the record; at most `software_preload_max_documents` distinct documents per
    /// patient. The seam of ITI-68 with `purpose=preload`.
    pub async fn preload_document_content(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        document_id: &DocumentId,
        preload: &Preload,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<DocumentContent, AppError> {
        if actor.software.is_none() {
            return Err(AppError::Forbidden);
        }
        let gate = self.gate(actor, patient_id, PRELOAD_READ, ip, now).await?;
        let row = self.document_row(&gate, document_id, PRELOAD_READ).await?;
        let detail = serde_json::json!({ "purpose": PURPOSE, "care_date": preload.care_date });
        let (opened, ev) = gate.open::<Read>(self, row, PRELOAD_READ, detail).await?;
        let care_date = match self.check_care_date(preload, now) {
            Ok(d) => d,
            Err(e) => return Err(self.refuse_preload(ev, "preload.care_date", e, now).await),
        };
        let ev = NewEvent {
            detail: serde_json::json!({ "purpose": PURPOSE, "care_date": care_date }),
            ..ev
        };
        self.count_preloaded_document(&gate, document_id, ev, now)
            .await?;
        Ok(DocumentContent {
            content: opened.content(self).await?,
            meta: DocumentView::from(opened.row()),
        })
    }

    /// Checks that the professional declared a preload of this record, and that this
    /// document is within the documents per patient; records the read in the same write
    /// transaction as the count.
    async fn count_preloaded_document(
        &self,
        gate: &Gate<'_>,
        document_id: &DocumentId,
        ev: NewEvent,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let pro = &gate.account.account_id;
        let patient = gate.patient_id();
        let since = now.millis() - self.preload_horizon_ms();
        let max = self.settings.software_preload_max_documents;
        let mut tx = self.db.begin().await?;
        let declared =
            mds_store::supervision::distinct_patients_since(&mut tx, pro, PRELOAD_LIST, since)
                .await?
                .contains(patient);
        let read = rows::documents_read_since(&mut tx, pro, patient, PRELOAD_READ, since).await?;
        let refusal = if !declared {
            Some((
                "preload.not_declared",
                AppError::invalid(
                    "preload_not_declared",
                    "Aucun préchargement de ce dossier n'a été déclaré pour ce professionnel : \
                     listez d'abord ses documents pour ce préchargement.",
                ),
            ))
        } else if !read.contains(document_id) && read.len() >= max {
            Some((
                "preload.document_limit",
                AppError::invalid(
                    "preload_too_many_documents",
                    format!(
                        "Un préchargement porte sur au plus {max} documents par patient. \
                         Consultez les suivants lors de la prise en charge."
                    ),
                ),
            ))
        } else {
            None
        };
        if let Some((rule, error)) = refusal {
            tx.rollback().await?;
            return Err(self.refuse_preload(ev, rule, error, now).await);
        }
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }
}
