//! Seeding: rows written straight into the service for the demo data and benchmark datasets
//! (the `mds-demo` crate drives it; nothing in the product does). It takes plain values and
//! checks only what the store needs, so a caller can write many rows fast; several inserts can
//! share one transaction (`SeedBatch`), committed together or not at all.
//!
//! Every insert writes its audit event in the batch's transaction, by `system` (a document
//! deposited as a named professional is recorded as theirs, like a real deposit), with
//! `"seed": origin` in its detail so that seeded rows can be told from real ones. Documents go
//! through the record's deposit mechanics: content sealed in the vault first, the record must
//! accept documents, and the objects of a batch that fails are deleted.

use crate::operator::directory::{AssistantRow, NewStructure, ProfessionalRow};
use crate::record::deposit::{deposit_refused, Deposit, DepositExtras, FeedCheck};
use crate::{Actor, App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::identity::IdentityInput;
use mds_domain::{
    AccountId, AccountKind, AccountState, DepositorKind, DocumentId, DocumentSource,
    IdentifierKind, IdentityStatus, PatientId, ReviewStatus, StructureId, Timestamp,
};
use mds_store::{accounts, care_team, directory, documents, enrolments, new_id, patients, Tx};

/// An active account whose second factor is already enrolled.
#[derive(Clone, Debug)]
pub struct SeedAccount {
    pub login: String,
    pub kind: AccountKind,
    pub display_name: String,
    pub email: Option<String>,
    /// An argon2id hash (`secrets::hash_password`): hash once for many accounts.
    pub password_hash: String,
    /// Base32 TOTP secret.
    pub totp_secret: String,
}

/// A patient record with its identity validated in person, taken as given (not validated:
/// names are only normalised here for the searches and duplicate checks).
#[derive(Clone, Debug)]
pub struct SeedPatient {
    pub identity: IdentityInput,
    /// Its portal account, if it has one (the record is then `active`, else `inactive`).
    pub account_id: Option<AccountId>,
    pub email: Option<String>,
}

/// A professional in a record's care team.
#[derive(Clone, Debug)]
pub struct SeedCareTeamMember {
    pub patient_id: PatientId,
    pub professional_account_id: AccountId,
    pub attending_physician: bool,
    /// Who chose them (the patient's account, or a support agent for an inactive record).
    pub added_by: AccountId,
}

/// A document of a record.
#[derive(Clone, Debug)]
pub struct SeedDocument {
    pub patient_id: PatientId,
    /// LOINC code of its type.
    pub type_code: String,
    pub title: String,
    /// `AAAA-MM-JJ`.
    pub act_date: String,
    /// The professional who wrote and deposited it, and their structure; `None` for a
    /// document deposited by the service itself (benchmarks).
    pub deposited_by: Option<(AccountId, StructureId)>,
    pub hidden_from_patient: bool,
    pub content: Vec<u8>,
}

/// A seeded record as a loader finds it again by its CAFAT number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeededPatient {
    pub id: PatientId,
    pub account_id: Option<AccountId>,
    pub record_state: AccountState,
}

/// The seeding API of an application, for one origin (`"demo"`, `"bench"`…).
pub struct Seeder<'a> {
    app: &'a App,
    origin: String,
}

impl App {
    /// The seeding API; `origin` is written in the detail of every audit event it writes.
    pub fn seeder(&self, origin: &str) -> Seeder<'_> {
        Seeder {
            app: self,
            origin: origin.to_owned(),
        }
    }
}

/// Lookups by natural key, for a loader that must find what an earlier run seeded.
impl Seeder<'_> {
    pub async fn structure_by_ridet(&self, ridet: &str) -> Result<Option<StructureId>, AppError> {
        Ok(directory::structure_by_ridet(&self.app.db, ridet)
            .await?
            .map(|s| s.id))
    }

    /// The account of a login, as the actor of the use cases a loader drives next (no session:
    /// like an operator command, its actions are audited under its name).
    pub async fn actor(&self, login: &str) -> Result<Option<Actor>, AppError> {
        Ok(accounts::by_login(&self.app.db, login)
            .await?
            .map(|a| Actor {
                account_id: a.id,
                kind: a.kind,
                display_name: a.display_name,
                session_hash: String::new(),
                software: None,
                acting_professional: None,
                acting_structure: None,
                acting_for: None,
            }))
    }

    pub async fn is_professional(&self, account_id: &AccountId) -> Result<bool, AppError> {
        Ok(directory::professional(&self.app.db, account_id)
            .await?
            .is_some())
    }

    pub async fn is_assistant(&self, account_id: &AccountId) -> Result<bool, AppError> {
        Ok(directory::assistant(&self.app.db, account_id)
            .await?
            .is_some())
    }

    pub async fn patient_by_cafat(&self, cafat: &str) -> Result<Option<SeededPatient>, AppError> {
        Ok(
            patients::by_identifier(&self.app.db, IdentifierKind::Cafat, cafat)
                .await?
                .map(|p| SeededPatient {
                    id: p.id,
                    account_id: p.account_id,
                    record_state: p.record_state,
                }),
        )
    }

    /// The SHA-256 (hex) of the content of each current document of a record.
    pub async fn document_digests(&self, patient_id: &PatientId) -> Result<Vec<String>, AppError> {
        Ok(documents::current_for_patient(&self.app.db, patient_id)
            .await?
            .into_iter()
            .map(|d| d.sha256)
            .collect())
    }

    /// Whether a creation resembling `candidate` was held for review, whatever its decision.
    pub async fn review_held_for(&self, candidate: &PatientId) -> Result<bool, AppError> {
        for status in ReviewStatus::ALL {
            let reviews = enrolments::reviews_with_status(&self.app.db, *status, 1000).await?;
            if reviews
                .iter()
                .any(|r| r.candidate_patient_id.as_ref() == Some(candidate))
            {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

impl<'a> Seeder<'a> {
    /// Starts a batch: its inserts commit together at `now` ([`SeedBatch::commit`]), or not
    /// at all.
    pub async fn batch(&self, now: Timestamp) -> Result<SeedBatch<'a>, AppError> {
        Ok(SeedBatch {
            app: self.app,
            origin: self.origin.clone(),
            tx: self.app.db.begin().await?,
            now,
            deposits: Vec::new(),
        })
    }
}

/// Inserts that commit together. Dropped without [`SeedBatch::commit`] (after an insert
/// failed, say), nothing is written but the content of its documents already sealed, which the
/// orphan sweep removes; a document refused is deleted at once.
pub struct SeedBatch<'a> {
    app: &'a App,
    origin: String,
    tx: Tx,
    now: Timestamp,
    /// Documents whose content is in the vault, to delete if the batch fails.
    deposits: Vec<documents::DocumentRow>,
}

impl SeedBatch<'_> {
    fn event(&self, action: &str, mut detail: serde_json::Value) -> NewEvent {
        detail["seed"] = self.origin.clone().into();
        NewEvent {
            detail,
            ..NewEvent::new(ActorKind::System, action, Outcome::Success)
        }
    }

    async fn audit(&mut self, ev: NewEvent) -> Result<(), AppError> {
        mds_audit::append(&mut self.tx, ev, self.now.millis()).await?;
        Ok(())
    }

    /// A structure, taken as given (the directory's checks of `create_structure` are not run).
    pub async fn structure(&mut self, s: &NewStructure) -> Result<StructureId, AppError> {
        let row = directory::StructureRow {
            id: StructureId::from_uuid_text(new_id()),
            name: s.name.clone(),
            ridet: s.ridet.clone(),
            kind: s.kind.clone(),
            commune: s.commune.clone(),
            created_at_ms: self.now.millis(),
        };
        directory::insert_structure(&mut self.tx, &row).await?;
        let ev = self.event(
            "directory.structure.create",
            serde_json::json!({ "structure_id": row.id }),
        );
        self.audit(ev).await?;
        Ok(row.id)
    }

    pub async fn account(&mut self, a: &SeedAccount) -> Result<AccountId, AppError> {
        let id = AccountId::from_uuid_text(new_id());
        let (sealed, key_id) = self.app.seal_totp(&id, &a.totp_secret)?;
        let row = accounts::AccountRow {
            id,
            kind: a.kind,
            login: a.login.clone(),
            display_name: a.display_name.clone(),
            email: a.email.clone(),
            password_hash: Some(a.password_hash.clone()),
            totp_secret: Some(sealed),
            totp_key_id: Some(key_id),
            totp_confirmed: true,
            totp_last_step: 0,
            state: AccountState::Active,
            created_at_ms: self.now.millis(),
            updated_at_ms: self.now.millis(),
        };
        accounts::insert(&mut self.tx, &row).await?;
        let ev = self.event(
            "directory.account.create",
            serde_json::json!({ "account_id": row.id, "kind": row.kind }),
        );
        self.audit(ev).await?;
        Ok(row.id)
    }

    /// The directory entry of a professional whose account is seeded.
    pub async fn professional(&mut self, row: &ProfessionalRow) -> Result<(), AppError> {
        directory::insert_professional(&mut self.tx, row).await?;
        let ev = self.event(
            "directory.professional.create",
            serde_json::json!({ "account_id": row.account_id }),
        );
        self.audit(ev).await
    }

    /// An assistant (whose account is seeded) and the professional they act for.
    pub async fn assistant(&mut self, row: &AssistantRow) -> Result<(), AppError> {
        directory::insert_assistant(&mut self.tx, row).await?;
        let ev = self.event(
            "directory.assistant.create",
            serde_json::json!({ "account_id": row.account_id,
                "professional_account_id": row.professional_account_id }),
        );
        self.audit(ev).await
    }

    pub async fn patient(&mut self, p: &SeedPatient) -> Result<PatientId, AppError> {
        let i = &p.identity;
        let first_names =
            serde_json::to_string(&i.first_names).map_err(|e| AppError::Internal(e.to_string()))?;
        let row = patients::PatientRow {
            id: PatientId::from_uuid_text(new_id()),
            account_id: p.account_id.clone(),
            identifier_kind: IdentifierKind::from_input(&i.identifier_kind)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            identifier_number: i.cafat.clone(),
            birth_name: i.birth_name.clone(),
            birth_name_norm: fold(&i.birth_name),
            first_names,
            first_names_norm: i
                .first_names
                .iter()
                .map(|n| fold(n))
                .collect::<Vec<_>>()
                .join(" "),
            birth_date: i.birth_date.clone(),
            sex: i.sex.clone(),
            birth_place: i.birth_place.clone(),
            identity_status: IdentityStatus::Validated,
            validated_by: None,
            validated_how: Some("in_person".into()),
            validated_at_ms: Some(self.now.millis()),
            record_state: if p.account_id.is_some() {
                AccountState::Active
            } else {
                AccountState::Inactive
            },
            email: p.email.clone(),
            phone: None,
            died_on: None,
            created_at_ms: self.now.millis(),
        };
        patients::insert(&mut self.tx, &row).await?;
        let ev = NewEvent {
            patient_id: Some(row.id.to_string()),
            ..self.event("patient.create", serde_json::json!({}))
        };
        self.audit(ev).await?;
        Ok(row.id)
    }

    /// Adds a member to a care team (and makes them its attending physician if asked);
    /// `false`, with nothing written, if they already are a member.
    pub async fn care_team_member(&mut self, m: &SeedCareTeamMember) -> Result<bool, AppError> {
        let member = care_team::CareTeamMember {
            patient_id: m.patient_id.clone(),
            professional_account_id: m.professional_account_id.clone(),
            attending_physician: false,
            added_by: m.added_by.clone(),
            added_at_ms: self.now.millis(),
        };
        if !care_team::add(&mut self.tx, &member).await? {
            return Ok(false);
        }
        if m.attending_physician {
            care_team::set_attending(
                &mut self.tx,
                &m.patient_id,
                Some(&m.professional_account_id),
            )
            .await?;
        }
        let ev = NewEvent {
            patient_id: Some(m.patient_id.to_string()),
            ..self.event(
                "care_team.add",
                serde_json::json!({ "professional_account_id": m.professional_account_id,
                    "attending_physician": m.attending_physician }),
            )
        };
        self.audit(ev).await?;
        Ok(true)
    }

    /// Deposits a document: its content is sealed in the vault now, its row written in the
    /// batch if the record accepts documents (as the service's own deposits are checked).
    pub async fn document(&mut self, d: SeedDocument) -> Result<DocumentId, AppError> {
        let (deposit, author, structure) = d.into_deposit();
        let row = self.app.seal_deposit(deposit, None, self.now).await?;
        self.write_document(row, author, structure).await
    }

    /// Writes a document's row (decided again like a real deposit) and its audit event, by
    /// its author when deposited as a professional; its content is deleted at once if the row
    /// is refused, or if the batch fails.
    async fn write_document(
        &mut self,
        row: documents::DocumentRow,
        author: Option<AccountId>,
        structure: Option<StructureId>,
    ) -> Result<DocumentId, AppError> {
        let ev = match (author, structure) {
            (Some(author), Some(structure)) => NewEvent {
                actor_kind: ActorKind::Professional,
                actor_id: Some(author.to_string()),
                structure_id: Some(structure.to_string()),
                ..self.event("document.add", serde_json::json!({}))
            },
            _ => self.event("document.add", serde_json::json!({})),
        };
        let extras = DepositExtras::default();
        let written = self
            .app
            .write_deposit(
                &mut self.tx,
                &row,
                &extras,
                &FeedCheck::Service,
                ev,
                self.now,
            )
            .await;
        if let Err(e) = written {
            // Refused like a real deposit: its content goes now, not at the next sweep.
            self.app.discard_deposits(std::slice::from_ref(&row)).await;
            return Err(deposit_refused(e));
        }
        let id = row.id.clone();
        self.deposits.push(row);
        Ok(id)
    }

    /// Commits every insert of the batch; on failure, deletes the content of its documents.
    pub async fn commit(self) -> Result<(), AppError> {
        let Self {
            app, tx, deposits, ..
        } = self;
        if let Err(e) = tx.commit().await {
            app.discard_deposits(&deposits).await;
            return Err(deposit_refused(e.into()));
        }
        Ok(())
    }
}

impl SeedDocument {
    /// The deposit it makes, with its author and their structure when deposited as a
    /// professional (otherwise by software).
    fn into_deposit(self) -> (Deposit, Option<AccountId>, Option<StructureId>) {
        let (author, structure) = self.deposited_by.unzip();
        let (depositor_kind, source) = match author {
            Some(_) => (DepositorKind::Professional, DocumentSource::Professional),
            None => (DepositorKind::Software, DocumentSource::Software),
        };
        let deposit = Deposit {
            patient_id: self.patient_id,
            type_code: self.type_code,
            title: self.title,
            act_date: self.act_date,
            author_account_id: author.clone(),
            author_structure_id: structure.clone(),
            depositor_account_id: author.clone(),
            depositor_kind,
            source,
            confidential: false,
            hidden_from_patient: self.hidden_from_patient,
            // Seeded data states each document's visibility itself.
            visible_to_patient_now: !self.hidden_from_patient,
            content: self.content,
        };
        (deposit, author, structure)
    }
}

/// Upper-case ASCII folding of a seeded name, as identity validation normalises it (a name it
/// would refuse is only upper-cased).
fn fold(name: &str) -> String {
    mds_domain::identity::BirthName::parse(name)
        .map(|n| n.normalized().to_owned())
        .unwrap_or_else(|_| name.to_uppercase())
}
