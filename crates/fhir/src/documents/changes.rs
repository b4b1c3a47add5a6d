//! Changes of an existing document: deletion (`DELETE /fhir/DocumentReference/{id}`, or a
//! transaction entry `PUT DocumentReference/{id}` whose `status` is `entered-in-error`, as the
//! French DMP deletes through ITI-65), and its security labels in such an entry — masking
//! from professionals (`MASQUE_PS`: the patient, or a professional at the patient's request;
//! unmasking: the patient) and hiding from the patient (`INVISIBLE_PATIENT`: the depositor,
//! who may also lift it). Each change is one use case of the app, decided and audited there.

use crate::auth::{ClientIp, FhirActor};
use crate::codes;
use crate::format::{wanted, IdPath, Params};
use crate::model::documents::DocumentReference;
use crate::FhirError;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use mds_app::{Actor, App};
use mds_domain::DocumentId;

/// The patient (any document) or the depositor. Deletes the document (its content is erased;
/// the audit keeps that it happened). 204 when done.
pub async fn delete(
    State(app): State<App>,
    FhirActor(actor): FhirActor,
    ClientIp(ip): ClientIp,
    params: Params,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> Result<StatusCode, FhirError> {
    wanted(&params, &headers)?;
    params.only(&[])?;
    let document_id = DocumentId::named(&id);
    let now = crate::now();
    let patient_id = app
        .record_of_document(&actor, &document_id, "document.delete", ip.clone(), now)
        .await?;
    app.delete_document(&actor, &patient_id, &document_id, ip, now)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The flags a `DocumentReference` asks for through its security labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Labels {
    pub masked: bool,
    pub hidden_from_patient: bool,
}

/// Reads the security labels of a received `DocumentReference`: MDS's two visibility codes;
/// the HL7 confidentiality codes (`N`, `R`…) are accepted and change nothing; any other label
/// is refused, since MDS could not honour it.
pub fn labels(d: &DocumentReference) -> Result<Labels, FhirError> {
    let mut out = Labels {
        masked: false,
        hidden_from_patient: false,
    };
    for coding in d.security_label.iter().flat_map(|c| c.coding.iter()) {
        let system = coding.system.as_deref().unwrap_or("");
        let code = coding.code.as_deref().unwrap_or("");
        match (system, code) {
            (s, codes::MASKED) if codes::is_visibility_system(s) => out.masked = true,
            (s, codes::HIDDEN) if codes::is_visibility_system(s) => out.hidden_from_patient = true,
            ("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", _) => {}
            _ => {
                return Err(FhirError::not_supported(format!(
                    "Étiquette de sécurité non prise en charge : {system}|{code}. Étiquettes \
                     acceptées : {}|{} et {}|{}.",
                    codes::VISIBILITY,
                    codes::MASKED,
                    codes::VISIBILITY,
                    codes::HIDDEN
                )))
            }
        }
    }
    Ok(out)
}

/// What a transaction entry `PUT DocumentReference/{id}` asks of an existing document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Delete,
    Labels(Labels),
}

/// Applies `change` to the document through the app's use cases, each decided and audited:
/// only what differs from the document's current flags is asked.
pub async fn apply(
    app: &App,
    actor: &Actor,
    document_id: &DocumentId,
    change: Change,
    ip: Option<String>,
) -> Result<(), FhirError> {
    let now = crate::now();
    match change {
        Change::Delete => {
            let patient_id = app
                .record_of_document(actor, document_id, "document.delete", ip.clone(), now)
                .await?;
            app.delete_document(actor, &patient_id, document_id, ip, now)
                .await?;
        }
        Change::Labels(wanted) => {
            let patient_id = app
                .record_of_document(
                    actor,
                    document_id,
                    "document.read_metadata",
                    ip.clone(),
                    now,
                )
                .await?;
            let current = app
                .document_metadata(actor, &patient_id, document_id, ip.clone(), now)
                .await?;
            if wanted.masked != current.confidential {
                app.set_document_masked(
                    actor,
                    &patient_id,
                    document_id,
                    wanted.masked,
                    ip.clone(),
                    now,
                )
                .await?;
            }
            if wanted.hidden_from_patient != current.hidden_from_patient {
                app.set_hidden_from_patient(
                    actor,
                    &patient_id,
                    document_id,
                    wanted.hidden_from_patient,
                    ip,
                    now,
                )
                .await?;
            }
        }
    }
    Ok(())
}
