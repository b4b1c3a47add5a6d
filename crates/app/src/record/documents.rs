//! Documents of a record: add, list and search, read metadata and content, modify (a new
//! version replacing the old one) and delete (content erased, the audit keeps that it
//! happened). Each use case asks the policy through the record's gate and acts only with the
//! permit; storage mechanics (vault first, then row and audit in one transaction) are in
//! `record::deposit`.

use super::gate::{document_facts, visibility, Delete, Gate, Modify, Opened, Read};
use crate::patients::identity::PatientBanner;
use crate::record::deposit::{Deposit, DepositExtras, FeedCheck};
use crate::{Actor, App, AppError};
use mds_audit::Outcome;
use mds_domain::{
    AccountId, AccountKind, DepositorKind, DocumentId, DocumentSource, DocumentStatus,
    DocumentType, Format, PatientId, StructureId, Timestamp,
};
use mds_policy::{Action, Actor as PolicyActor, Permit};
use mds_store::documents;
use serde::Serialize;

pub use mds_store::documents::DocumentFilter;

/// Metadata of a document as shown to those who may see it (also the REST wire shape).
#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = DocumentOut)]
pub struct DocumentView {
    #[schema(value_type = String)]
    pub id: DocumentId,
    #[schema(value_type = String)]
    pub patient_id: PatientId,
    /// LOINC or CI-SIS code (`reference/document-types.csv`).
    pub type_code: String,
    /// Its French label from the reference list (empty for a code the list no longer has).
    pub type_label: &'static str,
    pub class_code: String,
    pub title: String,
    pub act_date: String,
    #[schema(value_type = Option<String>)]
    pub author_account_id: Option<AccountId>,
    #[schema(value_type = Option<String>)]
    pub author_structure_id: Option<StructureId>,
    #[schema(value_type = Option<String>)]
    pub depositor_account_id: Option<AccountId>,
    /// professional, patient or software.
    #[schema(value_type = String)]
    pub source: DocumentSource,
    /// MIME type recognised from the content.
    #[schema(value_type = String)]
    pub format: Format,
    pub size_bytes: i64,
    pub sha256: String,
    pub version: i64,
    #[schema(value_type = Option<String>)]
    pub replaces_id: Option<DocumentId>,
    /// current, superseded or deleted.
    #[schema(value_type = String)]
    pub status: DocumentStatus,
    /// Masked from professionals.
    pub confidential: bool,
    pub hidden_from_patient: bool,
    pub created_at_ms: i64,
}

impl From<&documents::DocumentRow> for DocumentView {
    fn from(r: &documents::DocumentRow) -> Self {
        Self::from(r.clone())
    }
}

impl From<documents::DocumentRow> for DocumentView {
    /// The view of a row the caller no longer needs: its texts move instead of being copied
    /// (a page of fifty rows is some five hundred strings).
    fn from(r: documents::DocumentRow) -> Self {
        Self {
            type_label: DocumentType::from_code(&r.type_code).map_or("", DocumentType::label_fr),
            id: r.id,
            patient_id: r.patient_id,
            type_code: r.type_code,
            class_code: r.class_code,
            title: r.title,
            act_date: r.act_date,
            author_account_id: r.author_account_id,
            author_structure_id: r.author_structure_id,
            depositor_account_id: r.depositor_account_id,
            source: r.source,
            format: r.format,
            size_bytes: r.size_bytes,
            sha256: r.sha256,
            version: r.version,
            replaces_id: r.replaces_id,
            status: r.status,
            confidential: r.confidential,
            hidden_from_patient: r.hidden_from_patient,
            created_at_ms: r.created_at_ms,
        }
    }
}

/// A document to add (or a new version), as received from the depositor.
#[derive(Clone, Debug, Default)]
pub struct NewDocument {
    /// LOINC or CI-SIS code from `reference/document-types.csv`.
    pub type_code: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub act_date: String,
    /// The structure the author acts from; defaults to the professional's first structure.
    pub structure_id: Option<StructureId>,
    pub confidential: bool,
    pub hidden_from_patient: bool,
    /// The depositor makes a document of a type with an announcement delay visible to the
    /// patient at once (the patient was already told); without it such a deposit is hidden
    /// from the patient for the delay (`Settings::announcement_delay_days`).
    pub visible_to_patient_now: bool,
    /// The professional confirms that the patient was informed (needed the first time).
    pub confirms_patient_informed: bool,
    pub content: Vec<u8>,
}

/// Search filters and page of a record listing.
#[derive(Clone, Debug, Default)]
pub struct DocumentQuery {
    pub filter: documents::DocumentFilter,
    /// At most 100; 50 when zero.
    pub limit: usize,
    pub offset: usize,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = DocumentPageOut)]
pub struct DocumentPage {
    pub items: Vec<DocumentView>,
    /// Visible documents matching the filters, all pages together.
    pub total: usize,
}

/// Decrypted content with its metadata.
#[derive(Clone, Debug)]
pub struct DocumentContent {
    pub meta: DocumentView,
    /// A slice of the decrypted object's own buffer (no copy on the way out).
    pub content: bytes::Bytes,
}

/// The act dates a deposit may carry: from 1900-01-01 to one year after today in New
/// Caledonia (a letter may announce an appointment; a far-future date would sort first for
/// ever, and a year 0 is a typing error).
pub fn plausible_act_date(text: &str, now: Timestamp) -> bool {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let (Ok(day), Some(today)) = (time::Date::parse(text, &fmt), now.noumea_date()) else {
        return false;
    };
    let first = time::Date::from_calendar_date(1900, time::Month::January, 1);
    let last = today.replace_year(today.year() + 1).unwrap_or(today);
    first.is_ok_and(|first| day >= first) && day <= last
}

fn check_new(d: &NewDocument, now: Timestamp) -> Result<(), AppError> {
    if DocumentType::from_code(&d.type_code).is_none() {
        return Err(AppError::invalid(
            "unknown_document_type",
            "Type de document inconnu.",
        ));
    }
    let title = d.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(AppError::invalid(
            "invalid_title",
            "Le titre est obligatoire (200 caractères au plus).",
        ));
    }
    if let Err(why) = mds_domain::text::check_line(title) {
        return Err(AppError::invalid(
            "invalid_title",
            format!("Titre refusé : {}.", why.reason_fr()),
        ));
    }
    if !plausible_act_date(&d.act_date, now) {
        return Err(AppError::invalid(
            "invalid_act_date",
            "Date de l'acte invalide : AAAA-MM-JJ, du 1er janvier 1900 à un an après aujourd'hui.",
        ));
    }
    if d.content.is_empty() {
        return Err(AppError::invalid("empty_document", "Le document est vide."));
    }
    Ok(())
}

impl App {
    /// The largest upload accepted from this kind of account.
    pub fn max_upload_bytes(&self, kind: AccountKind) -> usize {
        if kind == AccountKind::Patient {
            self.settings.max_patient_document_bytes
        } else {
            self.settings.max_document_bytes
        }
    }

    /// Loads the document `document_id` for an action on it through `gate`; unknown ids are
    /// audited and answer `NotFound`.
    pub(crate) async fn document_row(
        &self,
        gate: &Gate<'_>,
        document_id: &DocumentId,
        audit_action: &str,
    ) -> Result<documents::DocumentRow, AppError> {
        match documents::by_id(&self.db, document_id).await? {
            Some(r) => Ok(r),
            None => Err(gate.unknown_document(self, audit_action, document_id).await),
        }
    }

    /// Builds the deposit of `d` for the actor of `gate` (author, depositor, source).
    /// Builds the deposit of `d` for the actor of `gate` (author, depositor, source), into the
    /// record `permit` covers.
    pub(crate) fn deposit_for(
        &self,
        gate: &Gate<'_>,
        permit: &Permit,
        d: NewDocument,
    ) -> Result<Deposit, AppError> {
        let (author, structure, depositor_kind, source) = match &gate.actor {
            PolicyActor::Patient { account } => (
                account.clone(),
                None,
                DepositorKind::Patient,
                DocumentSource::Patient,
            ),
            PolicyActor::Professional(p)
            | PolicyActor::Assistant {
                professional: p, ..
            } => {
                let structure = d.structure_id.clone().or_else(|| p.structure.clone());
                let kind = if matches!(gate.actor, PolicyActor::Assistant { .. }) {
                    DepositorKind::Assistant
                } else {
                    DepositorKind::Professional
                };
                (
                    p.account.clone(),
                    structure,
                    kind,
                    DocumentSource::Professional,
                )
            }
            PolicyActor::Software { professional, .. } => (
                professional.account.clone(),
                professional.structure.clone(),
                DepositorKind::Software,
                DocumentSource::Software,
            ),
            PolicyActor::Support { .. } => return Err(AppError::NotFound),
        };
        let is_patient = source == DocumentSource::Patient;
        Ok(Deposit {
            patient_id: permit.patient().clone(),
            type_code: d.type_code,
            title: d.title.trim().to_owned(),
            act_date: d.act_date,
            author_account_id: (!is_patient).then(|| author.clone()),
            author_structure_id: structure,
            depositor_account_id: Some(author),
            depositor_kind,
            source,
            confidential: d.confidential,
            hidden_from_patient: d.hidden_from_patient && !is_patient,
            visible_to_patient_now: d.visible_to_patient_now,
            content: d.content,
        })
    }

    /// Checks that a structure named by a professional is one of theirs.
    async fn check_structure(&self, gate: &Gate<'_>, d: &NewDocument) -> Result<(), AppError> {
        let (Some(s), Some(p)) = (&d.structure_id, gate.actor.professional()) else {
            return Ok(());
        };
        let pro = mds_store::directory::professional(&self.db, &p.account)
            .await?
            .ok_or(AppError::Forbidden)?;
        if pro.structure_ids.contains(s) {
            Ok(())
        } else {
            Err(AppError::invalid(
                "invalid_structure",
                "Vous n'exercez pas dans cette structure.",
            ))
        }
    }

    /// Patients (own record), professionals, assistants (for their professional). Adds a
    /// document to a record.
    pub async fn add_document(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        d: NewDocument,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<DocumentView, AppError> {
        let action_name = "document.add";
        let gate = self.gate(actor, patient_id, action_name, ip, now).await?;
        let action = Action::AddDocument {
            confirms_patient_informed: d.confirms_patient_informed,
        };
        let request = gate.request(action.clone());
        let detail = serde_json::json!({ "type_code": d.type_code });
        let (permit, ev) = gate.authorize(self, action, action_name, detail).await?;
        if let Err(e) = self.check_deposit(actor, &gate, &d).await {
            return Err(self.audit_failure(ev, e, now).await);
        }
        let informed_by = gate
            .actor
            .professional()
            .filter(|p| !gate.facts.was_informed_by(&p.account))
            .map(|p| p.account.clone());
        let deposit = self.deposit_for(&gate, &permit, d)?;
        let extras = DepositExtras {
            replaces: None,
            informed_by,
        };
        let ev = mds_audit::NewEvent {
            outcome: Outcome::Permit,
            ..ev
        };
        let check = FeedCheck::Decided(Box::new(request));
        match self
            .store_document_ext(deposit, extras, check, ev.clone(), now)
            .await
        {
            Ok(row) => Ok(DocumentView::from(&row)),
            Err(e) => Err(self.audit_failure(ev, e, now).await),
        }
    }

    /// Size, metadata and structure of a deposit, checked once the policy has permitted it.
    pub(crate) async fn check_deposit(
        &self,
        actor: &Actor,
        gate: &Gate<'_>,
        d: &NewDocument,
    ) -> Result<(), AppError> {
        let max = self.max_upload_bytes(actor.kind);
        if d.content.len() > max {
            return Err(AppError::TooLarge { max_bytes: max });
        }
        if actor.kind == AccountKind::Patient && d.hidden_from_patient {
            return Err(AppError::invalid(
                "hidden_from_patient_not_allowed",
                "Un patient ne peut pas se masquer ses propres documents : « hidden_from_patient » est réservé aux professionnels.",
            ));
        }
        check_new(d, gate.now)?;
        self.check_structure(gate, d).await
    }

    /// A permitted deposit that failed (too large, invalid, duplicate…) is still audited,
    /// as a failure with the error's code; returns the error to answer.
    pub(crate) async fn audit_failure(
        &self,
        ev: mds_audit::NewEvent,
        e: AppError,
        now: Timestamp,
    ) -> AppError {
        let ev = mds_audit::NewEvent {
            outcome: Outcome::Failure,
            detail: serde_json::json!({ "error": e.code(), "request": ev.detail }),
            ..ev
        };
        if let Err(audit) = self.record_event(ev, now.millis()).await {
            tracing::warn!(error = %audit, "could not audit a failed deposit");
        }
        e
    }

    /// Patients, professionals (as the matrix and habilitation allow). Lists and searches the
    /// current documents of a record; every search is recorded.
    pub async fn list_documents(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        q: DocumentQuery,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<DocumentPage, AppError> {
        let action_name = "document.search";
        let f = &q.filter;
        // The detail of what was asked (bounded by the audit), then the filter parsed; a
        // malformed one is refused after the policy, so a denied actor's search stays a
        // denial and a permitted one is audited as a failure: one event either way.
        let detail = serde_json::json!({
            "type_code": f.type_code, "class_code": f.class_code,
            "act_date_from": f.act_date_from, "act_date_to": f.act_date_to,
            "author_account_id": f.author_account_id, "structure_id": f.author_structure_id,
        });
        let mut q = q;
        let filter = checked_filter(std::mem::take(&mut q.filter));
        let gate = self.gate(actor, patient_id, action_name, ip, now).await?;
        let (_permit, ev) = gate
            .authorize(self, Action::ListDocuments, action_name, detail)
            .await?;
        q.filter = match filter {
            Ok(f) => f,
            Err(e) => return Err(self.audit_failure(ev, e, now).await),
        };
        let limit = match q.limit {
            0 => 50,
            n => n.min(100),
        };
        let page = self
            .listed_page(&gate, &q.filter, limit, q.offset, now)
            .await?;
        self.audit_record_read(&gate, ev, now).await?;
        Ok(page)
    }

    /// One page of what the gate's actor is shown of the record, and the total: chosen and
    /// counted by the store under the policy's list scope, each row still shown only if the
    /// policy shows it.
    pub(crate) async fn listed_page(
        &self,
        gate: &Gate<'_>,
        filter: &documents::DocumentFilter,
        limit: usize,
        offset: usize,
        now: Timestamp,
    ) -> Result<DocumentPage, AppError> {
        let lister = mds_policy::Lister::new(&gate.actor, &gate.facts, now);
        let scope = lister.scope();
        let visible = visibility(&scope);
        let (rows, total) =
            documents::page(&self.db, gate.patient_id(), filter, &visible, limit, offset).await?;
        let items = rows
            .into_iter()
            .filter(|r| lister.shows(&document_facts(r)))
            .map(DocumentView::from)
            .collect();
        Ok(DocumentPage {
            items,
            total: usize::try_from(total).unwrap_or(0),
        })
    }

    /// Whoever may read the document. Its metadata.
    pub async fn document_metadata(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        document_id: &DocumentId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<DocumentView, AppError> {
        let action = "document.read_metadata";
        let opened = self
            .open_for_reading(actor, patient_id, document_id, action, ip, now)
            .await?;
        Ok(DocumentView::from(opened.row()))
    }

    /// Whoever may read the document. Its decrypted content.
    pub async fn document_content_for(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        document_id: &DocumentId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<DocumentContent, AppError> {
        let action = "document.read";
        let opened = self
            .open_for_reading(actor, patient_id, document_id, action, ip, now)
            .await?;
        Ok(DocumentContent {
            content: opened.content(self).await?,
            meta: DocumentView::from(opened.row()),
        })
    }

    /// Whoever may read the document. What a page showing the document needs, with one
    /// decision and one audit event: its metadata, and its content when the page shows it
    /// itself (`shown_in_page` tells which formats, e.g. text and CDA; a PDF or an image is
    /// framed and fetched by the browser as a read of its own).
    pub async fn document_for_page(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        document_id: &DocumentId,
        shown_in_page: fn(Format) -> bool,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(DocumentView, Option<bytes::Bytes>, PatientBanner), AppError> {
        let gate = self
            .gate(actor, patient_id, "document.read", ip, now)
            .await?;
        // Who the record is, for the page's patient banner (the reader sees the record).
        let patient = PatientBanner::of(&gate.patient);
        let row = self
            .document_row(&gate, document_id, "document.read")
            .await?;
        let in_page = shown_in_page(row.format);
        let action = if in_page {
            "document.read"
        } else {
            "document.read_metadata"
        };
        let (opened, ev) = gate
            .open::<Read>(self, row, action, serde_json::Value::Null)
            .await?;
        self.audit_record_read(&gate, ev, now).await?;
        let content = match in_page {
            true => Some(opened.content(self).await?),
            false => None,
        };
        Ok((DocumentView::from(opened.row()), content, patient))
    }

    /// Opens a document for reading through the record's gate; the read is audited.
    async fn open_for_reading(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        document_id: &DocumentId,
        action_name: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Opened<Read>, AppError> {
        let gate = self.gate(actor, patient_id, action_name, ip, now).await?;
        let row = self.document_row(&gate, document_id, action_name).await?;
        let (opened, ev) = gate
            .open::<Read>(self, row, action_name, serde_json::Value::Null)
            .await?;
        self.audit_record_read(&gate, ev, now).await?;
        Ok(opened)
    }

    /// The depositor (as the matrix allows). Deposits a new version replacing the document;
    /// the old version leaves the lists (status `superseded`).
    pub async fn modify_document(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        document_id: &DocumentId,
        d: NewDocument,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<DocumentView, AppError> {
        let action_name = "document.modify";
        let gate = self.gate(actor, patient_id, action_name, ip, now).await?;
        let old = self.document_row(&gate, document_id, action_name).await?;
        let detail = serde_json::json!({ "replaces_id": old.id });
        let request = gate.request(Action::ModifyDocument(document_facts(&old)));
        let (opened, ev) = gate.open::<Modify>(self, old, action_name, detail).await?;
        if let Err(e) = self.check_deposit(actor, &gate, &d).await {
            return Err(self.audit_failure(ev, e, now).await);
        }
        let old = opened.row();
        let mut deposit = self.deposit_for(&gate, opened.permit(), d)?;
        // A new version keeps the masking the old one had.
        deposit.confidential |= old.confidential;
        let extras = DepositExtras {
            replaces: Some((old.id.clone(), old.version)),
            informed_by: None,
        };
        let ev = mds_audit::NewEvent {
            outcome: Outcome::Permit,
            ..ev
        };
        let check = FeedCheck::Decided(Box::new(request));
        match self
            .store_document_ext(deposit, extras, check, ev.clone(), now)
            .await
        {
            Ok(row) => Ok(DocumentView::from(&row)),
            Err(e) => Err(self.audit_failure(ev, e, now).await),
        }
    }

    /// The patient (any document) or the depositor. Deletes a document: its content (and that
    /// of the versions it replaced) is erased; the audit keeps that it happened.
    pub async fn delete_document(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        document_id: &DocumentId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let action_name = "document.delete";
        let gate = self.gate(actor, patient_id, action_name, ip, now).await?;
        let row = self.document_row(&gate, document_id, action_name).await?;
        let (opened, ev) = gate
            .open::<Delete>(self, row, action_name, serde_json::Value::Null)
            .await?;
        let mut tx = self.db.begin().await?;
        let mut erased = Vec::new();
        let mut next = Some(opened.row().id.clone());
        while let Some(id) = next.take() {
            let current = documents::by_id(&mut tx, &id).await?;
            if let Some(Some(content)) = documents::mark_deleted(&mut tx, &id).await? {
                erased.push(content.object_key);
            }
            next = current.and_then(|c| c.replaces_id);
        }
        // EXI 09: a professional's withdrawal is told to the patient (not a document they
        // never saw: one still hidden from them until an announcement).
        let withdrawn = opened.row();
        if actor.kind != AccountKind::Patient && !withdrawn.hidden_from_patient {
            let m =
                crate::information::notifications::Message::document_withdrawn(&actor.display_name)
                    .about(None, Some(actor.account_id.as_str()));
            crate::information::notifications::tell_patient(
                &mut tx,
                &withdrawn.patient_id,
                &m,
                now,
            )
            .await?;
        }
        let ev = mds_audit::NewEvent {
            outcome: Outcome::Permit,
            detail: serde_json::json!({ "versions_erased": erased.len() }),
            ..ev
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        for key in erased {
            if let Err(e) = self.vault.delete(&key).await {
                tracing::warn!(object = %key, error = %e, "could not erase a deleted document's content; the orphan sweep will");
            }
        }
        Ok(())
    }
}

/// Longest type or class code accepted in a filter (the catalogue's are under 20 characters).
const MAX_CODE_CHARS: usize = 64;

/// A listing's filters, parsed and bounded before the gate (issue 14): codes of at most
/// `MAX_CODE_CHARS` printable characters, dates read as days (`AAAA-MM-JJ` or `JJ/MM/AAAA`)
/// and compared as ISO days — never as the text the client sent.
pub fn checked_filter(
    mut f: documents::DocumentFilter,
) -> Result<documents::DocumentFilter, AppError> {
    for (field, code) in [("type_code", &f.type_code), ("class_code", &f.class_code)] {
        if let Some(c) = code {
            if c.chars().count() > MAX_CODE_CHARS || c.chars().any(char::is_control) {
                return Err(AppError::invalid(
                    "invalid_filter",
                    format!("« {field} » : code invalide ({MAX_CODE_CHARS} caractères au plus)."),
                ));
            }
        }
    }
    for (field, day) in [("from", &mut f.act_date_from), ("to", &mut f.act_date_to)] {
        if let Some(text) = day.as_deref() {
            let parsed = mds_domain::time::parse_day(text).ok_or_else(|| {
                AppError::invalid(
                    "invalid_date",
                    format!("« {field} » : date invalide (AAAA-MM-JJ ou JJ/MM/AAAA)."),
                )
            })?;
            *day = Some(format!(
                "{:04}-{:02}-{:02}",
                parsed.year(),
                u8::from(parsed.month()),
                parsed.day()
            ));
        }
    }
    Ok(f)
}

#[cfg(test)]
mod view_tests {
    use super::*;

    fn id(n: u8) -> String {
        format!("00000000-0000-4000-8000-0000000000{n:02x}")
    }

    /// Every field distinct, so that a field moved into the wrong place shows.
    fn row() -> documents::DocumentRow {
        documents::DocumentRow {
            id: DocumentId::from_uuid_text(id(1)),
            patient_id: PatientId::from_uuid_text(id(2)),
            type_code: "11488-4".to_owned(),
            class_code: "REPORTS".to_owned(),
            title: "Compte rendu".to_owned(),
            act_date: "2026-11-30".to_owned(),
            author_account_id: Some(AccountId::from_uuid_text(id(3))),
            author_structure_id: Some(StructureId::from_uuid_text(id(4))),
            depositor_account_id: Some(AccountId::from_uuid_text(id(5))),
            depositor_kind: DepositorKind::Assistant,
            source: DocumentSource::Software,
            format: Format::Pdf,
            size_bytes: 1234,
            sha256: "ab".repeat(32),
            version: 3,
            replaces_id: Some(DocumentId::from_uuid_text(id(6))),
            status: DocumentStatus::Superseded,
            confidential: true,
            hidden_from_patient: true,
            created_at_ms: 42,
            content: None,
        }
    }

    #[test]
    fn a_row_moved_into_its_view_is_the_view_of_the_row() {
        let r = row();
        let borrowed = DocumentView::from(&r);
        assert_eq!(DocumentView::from(r), borrowed);
        assert_eq!(
            borrowed.author_account_id.map(|a| a.as_str().to_owned()),
            Some(id(3))
        );
        assert_eq!(
            borrowed.depositor_account_id.map(|a| a.as_str().to_owned()),
            Some(id(5))
        );
        assert!(!borrowed.type_label.is_empty());
    }
}
