//! Document content in the vault, from the record's point of view: depositing content with
//! its row, decided again under the writer lock, and reading it back (the operator's integrity
//! check, key rotation and orphan sweep are `operator::vault`).
//!
//! Write order (crash safety): 1. the encrypted object is written and made durable under a
//! new server-generated key; 2. the row referencing it commits, with its audit event, in one
//! transaction; 3. if step 2 fails the object is deleted. A crash between 1 and 2 leaves an
//! orphan object (no row), never a row without content; `sweep_orphans` removes orphans older
//! than a grace period. The record's use cases decide who may deposit (through the gate); this
//! module holds the storage mechanics they call, and the seeding API (`operator::seed`) too.

use crate::{App, AppError};
use mds_audit::NewEvent;
use mds_domain::format::{recognise, Refusal};
use mds_domain::{
    AccountId, DepositorKind, DocumentId, DocumentSource, DocumentStatus, DocumentType, Format,
    PatientId, StructureId, Timestamp,
};
use mds_store::{documents, new_id, StoreError};

/// A document to store with its metadata, already authorised by the caller.
#[derive(Clone, Debug)]
pub struct Deposit {
    pub patient_id: PatientId,
    pub type_code: String,
    pub title: String,
    pub act_date: String,
    pub author_account_id: Option<AccountId>,
    pub author_structure_id: Option<StructureId>,
    pub depositor_account_id: Option<AccountId>,
    pub depositor_kind: DepositorKind,
    pub source: DocumentSource,
    pub confidential: bool,
    pub hidden_from_patient: bool,
    /// The depositor lifts the announcement delay of the document's type, if it has one.
    pub visible_to_patient_now: bool,
    pub content: Vec<u8>,
}

/// Writes committed together with a deposit's row.
#[derive(Clone, Debug, Default)]
pub(crate) struct DepositExtras {
    /// `(id, version)` of the current version this deposit replaces.
    pub replaces: Option<(DocumentId, i64)>,
    /// The professional whose information duty towards the patient this deposit confirms.
    pub informed_by: Option<AccountId>,
}

/// What a deposit is checked against again inside its write transaction, on the facts read
/// there (a death, a closure, a block or a revoked access recorded while the content was
/// being written wins).
pub(crate) enum FeedCheck {
    /// The request the record's gate decided: decided again.
    Decided(Box<mds_policy::Request>),
    /// A seeded deposit (`operator::seed`: demo data, benchmarks): the record must accept
    /// documents at all.
    Service,
}

/// The answer to a deposit whose row did not commit: the same document twice in a record is
/// a conflict the depositor can understand.
pub(crate) fn deposit_refused(e: AppError) -> AppError {
    match e {
        AppError::Store(StoreError::Conflict(_)) => AppError::conflict(
            "duplicate_document",
            "Ce document est déjà dans le dossier.",
        ),
        e => e,
    }
}

/// The refusal of a deposit that the record no longer accepts.
fn feeding_refused(rule: mds_policy::Rule, reason: &'static str) -> AppError {
    use mds_policy::Rule;
    match rule {
        Rule::RecordDeceased => crate::patients::life::deceased(),
        Rule::RecordPending | Rule::RecordClosed | Rule::RecordErased => AppError::conflict(
            "record_not_open",
            "Ce dossier n'est pas ouvert (en attente, clôturé ou supprimé) : aucun \
             document ne peut y être ajouté.",
        ),
        Rule::IdentityNotValidated => AppError::conflict(
            "identity_not_validated",
            "L'identité de ce patient n'est pas encore validée : aucun document ne peut \
             être ajouté.",
        ),
        other => AppError::Denied {
            rule: other.id(),
            message: reason,
        },
    }
}

impl App {
    /// Stores content, then commits its row with `event` and the writes that must commit with
    /// it: the version it replaces (marked superseded) and the information duty confirmed by
    /// this deposit (see the module docs for the write order).
    pub(crate) async fn store_document_ext(
        &self,
        d: Deposit,
        extras: DepositExtras,
        check: FeedCheck,
        event: NewEvent,
        now: Timestamp,
    ) -> Result<documents::DocumentRow, AppError> {
        let row = self.seal_deposit(d, extras.replaces.as_ref(), now).await?;
        let committed = async {
            let mut tx = self.db.begin().await?;
            self.write_deposit(&mut tx, &row, &extras, &check, event, now)
                .await?;
            tx.commit().await?;
            Ok::<_, AppError>(())
        }
        .await;
        if let Err(e) = committed {
            self.discard_deposits(std::slice::from_ref(&row)).await;
            return Err(deposit_refused(e));
        }
        Ok(row)
    }

    /// Step 1 of the write order: checks the type and the format, then writes the encrypted
    /// content to the vault, durably; returns the row that will reference it (`replaces`: the
    /// `(id, version)` of the current version this deposit replaces).
    pub(crate) async fn seal_deposit(
        &self,
        d: Deposit,
        replaces: Option<&(DocumentId, i64)>,
        now: Timestamp,
    ) -> Result<documents::DocumentRow, AppError> {
        let (doc_type, format) = check_content(&d)?;
        // A type with an announcement delay: hidden from the patient unless its depositor
        // (never the patient themselves) makes it visible at once. A new version of a
        // document is not delayed again (hiding it stays the depositor's explicit choice).
        let delayed = d.source != DocumentSource::Patient
            && !d.visible_to_patient_now
            && replaces.is_none()
            && self
                .settings
                .announcement_delay(doc_type.code(), doc_type.class_code())
                .is_some();
        self.ensure_room(d.content.len())?;
        let sealed = self.vault.put(&d.content).await?;
        Ok(documents::DocumentRow {
            id: DocumentId::from_uuid_text(new_id()),
            patient_id: d.patient_id,
            type_code: doc_type.code().to_owned(),
            class_code: doc_type.class_code().to_owned(),
            title: d.title,
            act_date: d.act_date,
            author_account_id: d.author_account_id,
            author_structure_id: d.author_structure_id,
            depositor_account_id: d.depositor_account_id,
            depositor_kind: d.depositor_kind,
            source: d.source,
            format,
            size_bytes: i64::try_from(sealed.size).unwrap_or(i64::MAX),
            sha256: sealed.sha256_hex,
            version: replaces.map_or(1, |(_, v)| v + 1),
            replaces_id: replaces.map(|(id, _)| id.clone()),
            status: DocumentStatus::Current,
            confidential: d.confidential,
            hidden_from_patient: d.hidden_from_patient || delayed,
            created_at_ms: now.millis(),
            content: Some(documents::ContentRef {
                object_key: sealed.object_key,
                wrapped_key: sealed.wrapped_key,
                key_id: sealed.key_id,
            }),
        })
    }

    /// Step 2, in the caller's transaction: the deposit decided again on the facts read there,
    /// the replaced version superseded, the information duty recorded, the row, what the
    /// patient is told (or the timers of a hidden document) and `event`.
    pub(crate) async fn write_deposit(
        &self,
        tx: &mut mds_store::Tx,
        row: &documents::DocumentRow,
        extras: &DepositExtras,
        check: &FeedCheck,
        event: NewEvent,
        now: Timestamp,
    ) -> Result<(), AppError> {
        self.check_feeding(&mut *tx, &row.patient_id, check, now)
            .await?;
        if let Some((old, _)) = &extras.replaces {
            if !documents::mark_superseded(&mut *tx, old).await? {
                return Err(AppError::conflict(
                    "document_changed",
                    "Ce document a été modifié ou supprimé entre-temps.",
                ));
            }
        }
        if let Some(professional) = &extras.informed_by {
            mds_store::record_access::add_pair(
                &mut *tx,
                mds_store::record_access::PairTable::InformationDuty,
                &row.patient_id,
                professional,
                now.millis(),
            )
            .await?;
        }
        documents::insert(&mut *tx, row).await?;
        crate::information::notifications::hidden::document_stored(&self.settings, tx, row, now)
            .await?;
        let ev = NewEvent {
            patient_id: Some(row.patient_id.to_string()),
            document_id: Some(row.id.to_string()),
            ..event
        };
        mds_audit::append(&mut *tx, ev, now.millis()).await?;
        Ok(())
    }

    /// Step 3: deletes the content of deposits whose rows did not commit (best effort: the
    /// orphan sweep removes what is left).
    pub(crate) async fn discard_deposits(&self, rows: &[documents::DocumentRow]) {
        for c in rows.iter().filter_map(|r| r.content.as_ref()) {
            if let Err(del) = self.vault.delete(&c.object_key).await {
                tracing::warn!(object = %c.object_key, error = %del, "could not delete the object of a failed deposit; the orphan sweep will");
            }
        }
    }

    /// Decides the deposit again on the facts read inside `tx` (under the writer lock).
    pub(crate) async fn check_feeding(
        &self,
        tx: &mut mds_store::Tx,
        patient_id: &PatientId,
        check: &FeedCheck,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let patient = mds_store::patients::by_id(&mut *tx, patient_id)
            .await?
            .ok_or(AppError::NotFound)?;
        match check {
            FeedCheck::Decided(request) => {
                let (facts, _) = self.load_facts_in(&mut *tx, &patient, None, now).await?;
                match crate::record::gate::decide_counted(request, &facts, now) {
                    mds_policy::Decision::Permit(_) => Ok(()),
                    mds_policy::Decision::Deny(d) => Err(feeding_refused(d.rule, d.reason)),
                }
            }
            FeedCheck::Service => {
                let record = crate::record::gate::record_facts(&patient);
                mds_policy::record_accepts_documents(&record)
                    .map_err(|rule| feeding_refused(rule, "Ce dossier n'accepte pas de document."))
            }
        }
    }

    /// Decrypted content in the vault (no access decision here: people's reads go through
    /// `Opened<Read>`; the operator's integrity check and the legal export call this).
    pub(crate) async fn sealed_content(
        &self,
        c: &documents::ContentRef,
    ) -> Result<bytes::Bytes, AppError> {
        match self
            .vault
            .get(&c.object_key, &c.wrapped_key, &c.key_id)
            .await
        {
            Err(mds_vault::VaultError::UnknownKeyId { .. }) if self.key_file.is_some() => {
                self.reload_master_keys()?;
                Ok(self
                    .vault
                    .get(&c.object_key, &c.wrapped_key, &c.key_id)
                    .await?)
            }
            other => Ok(other?),
        }
    }

    /// Reloads the master key file (after a rotation by another process, new content is
    /// wrapped under the new current key from then on).
    pub fn reload_master_keys(&self) -> Result<(), AppError> {
        if let Some(path) = &self.key_file {
            self.vault.reload_keys(mds_vault::KeyRing::load(path)?);
            tracing::debug!(key_id = %self.vault.current_key_id(), "master keys reloaded");
        }
        Ok(())
    }
}

/// The content checks of a deposit, before anything is written: a known type and an accepted
/// format whose structure holds (`mds_domain::format::recognise`: no DOCTYPE or ENTITY
/// declaration in text or XML, XML only as a CDA document).
pub(crate) fn check_content(d: &Deposit) -> Result<(DocumentType, Format), AppError> {
    let doc_type = DocumentType::from_code(&d.type_code)
        .ok_or_else(|| AppError::invalid("unknown_document_type", "Type de document inconnu."))?;
    let format = recognise(&d.content).map_err(refused_format)?.format;
    Ok((doc_type, format))
}

/// The answer to content the format check refuses: DTDs keep their own code; every other
/// refusal is `unsupported_format`, with the reason.
pub(crate) fn refused_format(why: Refusal) -> AppError {
    match why {
        Refusal::Dtd => AppError::invalid(
            "xml_doctype_refused",
            "Document XML refusé : les déclarations DOCTYPE et ENTITY ne sont pas acceptées.",
        ),
        why => AppError::invalid(
            "unsupported_format",
            format!(
                "Format non accepté ({}) : PDF, CDA XML, JPEG, PNG ou texte.",
                why.reason_fr()
            ),
        ),
    }
}
