//! The preload of structure software (DESIGN.md 7): several documents into one record in one
//! request, within the limits of section 7 (documents per patient per preload, distinct
//! patients per professional per 24 h). The preload itself is a permitted audit event, and
//! each document still goes through the record's gate.

use crate::record::documents::{DocumentView, NewDocument};
use crate::{Actor, App, AppError};
use mds_audit::{NewEvent, Outcome};
use mds_domain::{PatientId, Timestamp};
use mds_policy::Action;
use serde::Serialize;

/// The audit action of a preload, whose permitted events the 24 h quota counts.
const PRELOAD_ACTION: &str = "document.preload";
const DAY_MS: i64 = 24 * 3_600_000;

/// The outcome of one document of a preload.
#[derive(Clone, Debug, Serialize)]
pub struct PreloadItem {
    pub index: usize,
    pub document: Option<DocumentView>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

impl App {
    /// Structure software only. Adds several documents to one record in one request: at most
    /// `software_preload_max_documents`, and for at most `software_max_patients_24h`
    /// distinct patients per professional in 24 h (counted from the audit, in the
    /// transaction that records the preload). Each document then goes through the gate.
    pub async fn preload_documents(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        docs: Vec<NewDocument>,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Vec<PreloadItem>, AppError> {
        if actor.software.is_none() {
            return Err(AppError::Forbidden);
        }
        let max = self.settings.software_preload_max_documents;
        if docs.len() > max {
            return Err(too_many(max, docs.len()));
        }
        if docs.is_empty() {
            return Err(AppError::invalid(
                "preload_empty",
                "Le préchargement ne contient aucun document.",
            ));
        }
        let gate = self
            .gate(actor, patient_id, PRELOAD_ACTION, ip.clone(), now)
            .await?;
        let confirms = docs.iter().all(|d| d.confirms_patient_informed);
        let detail = serde_json::json!({ "documents": docs.len() });
        let (_permit, ev) = gate
            .authorize(
                self,
                Action::AddDocument {
                    confirms_patient_informed: confirms,
                },
                PRELOAD_ACTION,
                detail,
            )
            .await?;
        self.reserve_patient(actor, gate.patient_id(), ev, now)
            .await?;
        let mut out = Vec::with_capacity(docs.len());
        for (index, d) in docs.into_iter().enumerate() {
            let r = self
                .add_document(actor, patient_id, d, ip.clone(), now)
                .await;
            out.push(match r {
                Ok(v) => PreloadItem {
                    index,
                    document: Some(v),
                    error_code: None,
                    error_message: None,
                },
                Err(e) => PreloadItem {
                    index,
                    document: None,
                    error_code: Some(e.code().to_owned()),
                    error_message: Some(e.public_message()),
                },
            });
        }
        Ok(out)
    }

    /// Counts the distinct patients preloaded in the professional's name over 24 h and,
    /// within the limit, records this preload: one write transaction, so two concurrent
    /// preloads cannot both take the last place.
    async fn reserve_patient(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        ev: NewEvent,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let limit = self.settings.software_max_patients_24h;
        let pro = &actor.account_id;
        let mut tx = self.db.begin().await?;
        let seen = mds_store::supervision::distinct_patients_since(
            &mut tx,
            pro,
            PRELOAD_ACTION,
            now.millis() - DAY_MS + 1,
        )
        .await?;
        let known = seen.iter().any(|p| p == patient_id);
        if !known && seen.len() >= limit {
            tx.rollback().await?;
            let denied = NewEvent {
                outcome: Outcome::Deny,
                rule: Some("software.patient_limit".to_owned()),
                detail: serde_json::json!({ "limit": limit, "patients_24h": seen.len() }),
                ..ev
            };
            mds_audit::record(&self.db, denied, now.millis()).await?;
            return Err(AppError::invalid(
                "software_patient_limit",
                format!(
                    "Limite atteinte : un logiciel de structure alimente au plus {limit} dossiers \
                     de patients différents par professionnel sur 24 heures. Réessayez plus tard."
                ),
            ));
        }
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn too_many(max: usize, got: usize) -> AppError {
    AppError::invalid(
        "preload_too_many_documents",
        format!(
            "Un préchargement contient au plus {max} documents pour un même patient \
             ({got} reçus). Envoyez les suivants dans un autre préchargement."
        ),
    )
}
