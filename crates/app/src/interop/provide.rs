//! Several documents deposited into one record in one submission, all or nothing (IHE MHD
//! ITI-65): new documents and new versions replacing current ones. Each document is decided
//! by the record's gate exactly as `add_document` / `modify_document` decide it (a denial is
//! audited and stops the submission); then every content goes to the vault, and every row,
//! version change, information-duty confirmation, notification and audit event commits in
//! one transaction — each deposit decided again there, under the writer lock. If anything
//! fails, nothing is stored: the objects already written are deleted, and the failing
//! document's request is audited as a failure naming its error.
//!
//! The content checks are those of `App::store_document_ext` (type, format recognised from
//! the bytes, no DTD in XML), repeated here because that function commits one document per
//! transaction; the tests check that both refuse the same contents with the same codes.

use crate::record::deposit::{check_content, Deposit, DepositExtras, FeedCheck};
use crate::record::documents::{DocumentView, NewDocument};
use crate::record::gate::{document_facts, Gate, Modify};
use crate::{Actor, App, AppError};
use mds_audit::{NewEvent, Outcome};
use mds_domain::{DocumentId, DocumentStatus, DocumentType, Format, PatientId, Timestamp};
use mds_policy::Action;
use mds_store::{documents, new_id, StoreError};
use sha2::{Digest, Sha256};

const ADD: &str = "document.add";
const MODIFY: &str = "document.modify";

/// One document of a submission.
#[derive(Clone, Debug)]
pub struct Submitted {
    pub document: NewDocument,
    /// The current version this document replaces (a new version, as `modify_document`
    /// makes one); `None` for a new document.
    pub replaces: Option<DocumentId>,
}

/// Why a submission stored nothing, and which of its documents failed (`None`: the
/// submission as a whole, e.g. an unknown record).
#[derive(Debug)]
pub struct ProvideError {
    pub index: Option<usize>,
    pub error: AppError,
}

impl ProvideError {
    fn whole(error: AppError) -> Self {
        Self { index: None, error }
    }

    fn at(index: usize) -> impl FnOnce(AppError) -> Self {
        move |error| Self {
            index: Some(index),
            error,
        }
    }
}

/// A document decided, checked and ready to be written.
struct Prepared {
    deposit: Deposit,
    extras: DepositExtras,
    request: mds_policy::Request,
    event: NewEvent,
    doc_type: DocumentType,
    format: Format,
    sha256: String,
}

fn duplicate() -> AppError {
    AppError::conflict(
        "duplicate_document",
        "Ce document est déjà dans le dossier.",
    )
}

impl App {
    /// Patients (own record), professionals, assistants (in their professional's name) and
    /// structure software. Deposits every document of `items` into the record, or none: the
    /// first refusal (policy, size, metadata, format, duplicate, a record that stopped
    /// accepting documents) stops the submission and names the document that caused it.
    pub async fn provide_documents(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        items: Vec<Submitted>,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Vec<DocumentView>, ProvideError> {
        if items.is_empty() {
            return Err(ProvideError::whole(AppError::invalid(
                "empty_submission",
                "La soumission ne contient aucun document.",
            )));
        }
        let gate = self
            .gate(actor, patient_id, ADD, ip, now)
            .await
            .map_err(ProvideError::whole)?;
        let mut prepared: Vec<Prepared> = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            let p = self
                .prepare(actor, &gate, item, &prepared, now)
                .await
                .map_err(ProvideError::at(index))?;
            prepared.push(p);
        }
        self.store_all(prepared, now).await
    }

    /// Decides one document through the gate and checks it (size, metadata, structure,
    /// content, duplicate within the submission); a refusal after a permit is audited as a
    /// failure.
    async fn prepare(
        &self,
        actor: &Actor,
        gate: &Gate<'_>,
        item: Submitted,
        earlier: &[Prepared],
        now: Timestamp,
    ) -> Result<Prepared, AppError> {
        let d = item.document;
        let (mut deposit, extras, request, event) = match &item.replaces {
            Some(old_id) => {
                let old = self.document_row(gate, old_id, MODIFY).await?;
                let request = gate.request(Action::ModifyDocument(document_facts(&old)));
                let detail = serde_json::json!({ "replaces_id": old.id });
                let (opened, ev) = gate.open::<Modify>(self, old, MODIFY, detail).await?;
                if let Err(e) = self.check_deposit(actor, gate, &d).await {
                    return Err(self.audit_failure(ev, e, now).await);
                }
                let old = opened.row();
                let mut deposit = self.deposit_for(gate, opened.permit(), d)?;
                // A new version keeps the masking the old one had (as `modify_document`).
                deposit.confidential |= old.confidential;
                let extras = DepositExtras {
                    replaces: Some((old.id.clone(), old.version)),
                    informed_by: None,
                };
                (deposit, extras, request, ev)
            }
            None => {
                let action = Action::AddDocument {
                    confirms_patient_informed: d.confirms_patient_informed,
                };
                let request = gate.request(action.clone());
                let detail = serde_json::json!({ "type_code": d.type_code });
                let (permit, ev) = gate.authorize(self, action, ADD, detail).await?;
                if let Err(e) = self.check_deposit(actor, gate, &d).await {
                    return Err(self.audit_failure(ev, e, now).await);
                }
                let informed_by = gate
                    .actor
                    .professional()
                    .filter(|p| !gate.facts.was_informed_by(&p.account))
                    .map(|p| p.account.clone());
                let deposit = self.deposit_for(gate, &permit, d)?;
                let extras = DepositExtras {
                    replaces: None,
                    informed_by,
                };
                (deposit, extras, request, ev)
            }
        };
        let checked = check_content(&deposit).and_then(|(t, f)| {
            let sha256 = data_encoding::HEXLOWER.encode(&Sha256::digest(&deposit.content));
            if earlier.iter().any(|p| p.sha256 == sha256) {
                Err(duplicate())
            } else {
                Ok((t, f, sha256))
            }
        });
        let (doc_type, format, sha256) = match checked {
            Ok(c) => c,
            Err(e) => return Err(self.audit_failure(event, e, now).await),
        };
        deposit.type_code = doc_type.code().to_owned();
        Ok(Prepared {
            deposit,
            extras,
            request,
            event: NewEvent {
                outcome: Outcome::Permit,
                ..event
            },
            doc_type,
            format,
            sha256,
        })
    }

    /// Writes every content to the vault, then every row and event in one transaction;
    /// on failure, deletes the objects and audits the failing document's request.
    async fn store_all(
        &self,
        prepared: Vec<Prepared>,
        now: Timestamp,
    ) -> Result<Vec<DocumentView>, ProvideError> {
        let mut rows = Vec::with_capacity(prepared.len());
        let mut objects = Vec::with_capacity(prepared.len());
        if let Err(e) = self.ensure_room(prepared.iter().map(|p| p.deposit.content.len()).sum()) {
            let error = match prepared.first() {
                Some(p) => self.audit_failure(p.event.clone(), e, now).await,
                None => e,
            };
            return Err(ProvideError { index: None, error });
        }
        for (index, p) in prepared.iter().enumerate() {
            match self.vault.put(&p.deposit.content).await {
                Ok(sealed) => {
                    objects.push(sealed.object_key.clone());
                    rows.push(row_of(p, sealed, now));
                }
                Err(e) => {
                    self.discard_objects(&objects).await;
                    let error = self.audit_failure(p.event.clone(), e.into(), now).await;
                    return Err(ProvideError::at(index)(error));
                }
            }
        }
        let committed = async {
            let mut tx = self
                .db
                .begin()
                .await
                .map_err(|e| (None, AppError::from(e)))?;
            for (index, (p, row)) in prepared.iter().zip(&rows).enumerate() {
                self.write_one(&mut tx, p, row, now)
                    .await
                    .map_err(|e| (Some(index), e))?;
            }
            tx.commit().await.map_err(|e| (None, AppError::from(e)))?;
            Ok::<_, (Option<usize>, AppError)>(())
        }
        .await;
        if let Err((index, error)) = committed {
            self.discard_objects(&objects).await;
            let failed = index.and_then(|i| prepared.get(i)).or(prepared.first());
            let error = match failed {
                Some(p) => self.audit_failure(p.event.clone(), error, now).await,
                None => error,
            };
            return Err(ProvideError { index, error });
        }
        Ok(rows.iter().map(DocumentView::from).collect())
    }

    /// One deposit's writes inside the submission's transaction.
    async fn write_one(
        &self,
        tx: &mut mds_store::Tx,
        p: &Prepared,
        row: &documents::DocumentRow,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let check = FeedCheck::Decided(Box::new(p.request.clone()));
        self.check_feeding(tx, &row.patient_id, &check, now).await?;
        if let Some((old, _)) = &p.extras.replaces {
            if !documents::mark_superseded(&mut *tx, old).await? {
                return Err(AppError::conflict(
                    "document_changed",
                    "Ce document a été modifié ou supprimé entre-temps.",
                ));
            }
        }
        if let Some(professional) = &p.extras.informed_by {
            mds_store::record_access::add_pair(
                &mut *tx,
                mds_store::record_access::PairTable::InformationDuty,
                &row.patient_id,
                professional,
                now.millis(),
            )
            .await?;
        }
        documents::insert(&mut *tx, row)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => duplicate(),
                e => e.into(),
            })?;
        crate::information::notifications::hidden::document_stored(&self.settings, tx, row, now)
            .await?;
        let ev = NewEvent {
            patient_id: Some(row.patient_id.to_string()),
            document_id: Some(row.id.to_string()),
            ..p.event.clone()
        };
        mds_audit::append(tx, ev, now.millis()).await?;
        Ok(())
    }
}

/// The row of a prepared deposit whose content is sealed in the vault.
fn row_of(p: &Prepared, sealed: mds_vault::Sealed, now: Timestamp) -> documents::DocumentRow {
    let d = &p.deposit;
    documents::DocumentRow {
        id: DocumentId::from_uuid_text(new_id()),
        patient_id: d.patient_id.clone(),
        type_code: p.doc_type.code().to_owned(),
        class_code: p.doc_type.class_code().to_owned(),
        title: d.title.clone(),
        act_date: d.act_date.clone(),
        author_account_id: d.author_account_id.clone(),
        author_structure_id: d.author_structure_id.clone(),
        depositor_account_id: d.depositor_account_id.clone(),
        depositor_kind: d.depositor_kind,
        source: d.source,
        format: p.format,
        size_bytes: i64::try_from(sealed.size).unwrap_or(i64::MAX),
        sha256: sealed.sha256_hex,
        version: p.extras.replaces.as_ref().map_or(1, |(_, v)| v + 1),
        replaces_id: p.extras.replaces.as_ref().map(|(id, _)| id.clone()),
        status: DocumentStatus::Current,
        confidential: d.confidential,
        hidden_from_patient: d.hidden_from_patient,
        created_at_ms: now.millis(),
        content: Some(documents::ContentRef {
            object_key: sealed.object_key,
            wrapped_key: sealed.wrapped_key,
            key_id: sealed.key_id,
        }),
    }
}
