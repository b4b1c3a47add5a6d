//! The gate of a record: who acts (as the policy sees them), the facts of the record loaded
//! from the store, one decision per request and its audit event. It decides nothing itself.

use crate::record::policy_inputs;
use crate::{Actor, App, AppError};
use mds_audit::ActorKind;
use mds_audit::{NewEvent, Outcome};
use mds_domain::{
    AccountId, AccountKind, AccountState, DocumentId, IdentityStatus, PatientId, Timestamp,
};
use mds_policy::{
    Action, ActionKind, Actor as PolicyActor, CareTeamMember, Consent, Decision, DocumentFacts,
    EmergencySession, EmergencySettings, Facts, Permit, ProfessionalActor, RecordFacts,
    Representative, Request, Rule,
};
use mds_store::record_access;
use mds_store::{directory, documents, patients};
use serde::Serialize;

/// A record as named to its owner.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = RecordOut)]
pub struct RecordRef {
    #[schema(value_type = String)]
    pub patient_id: PatientId,
    /// pending, active, inactive, closed or erased.
    #[schema(value_type = String)]
    pub state: AccountState,
}

/// One request on one record: the actor, the record and its facts at `now`.
pub(crate) struct Gate<'a> {
    pub actor: PolicyActor,
    pub account: &'a Actor,
    pub patient: patients::PatientRow,
    pub facts: Facts<'a>,
    /// When the acting professional's last access to the record was told to the patient
    /// (`None`: their first access).
    pub access_told_at_ms: Option<i64>,
    pub ip: Option<String>,
    pub now: Timestamp,
}

/// The `actor_kind` of the audit: a structure's software is recorded as such, whoever it
/// acts for.
fn audit_kind(actor: &Actor) -> ActorKind {
    if actor.software.is_some() {
        ActorKind::StructureSoftware
    } else {
        actor.kind.into()
    }
}

impl App {
    /// The professional's facts from the directory (profession, first structure, SAMU role).
    pub(crate) async fn professional_actor(
        &self,
        account_id: &AccountId,
    ) -> Result<ProfessionalActor, AppError> {
        // A suspended (or not yet enrolled) professional lends their rights to nobody: not
        // to an assistant, not to a structure's software.
        let (profession, samu_regulator, structure) =
            directory::professional_facts(&self.db, account_id)
                .await?
                .ok_or(AppError::Forbidden)?;
        Ok(ProfessionalActor {
            account: account_id.clone(),
            profession,
            structure,
            samu_regulator,
        })
    }

    /// The authenticated account as the policy sees it.
    pub(crate) async fn policy_actor(&self, actor: &Actor) -> Result<PolicyActor, AppError> {
        let account = actor.account_id.clone();
        if let Some(sw) = &actor.software {
            let mut professional = self.professional_actor(&account).await?;
            let member = directory::professional(&self.db, &account)
                .await?
                .is_some_and(|p| p.structure_ids.contains(&sw.structure_id));
            if member {
                professional.structure = Some(sw.structure_id.clone());
            }
            return Ok(PolicyActor::Software {
                structure: sw.structure_id.clone(),
                professional,
            });
        }
        // Read with the session by `authenticate` (one statement); looked up otherwise.
        let known = actor.acting_professional.clone();
        Ok(match actor.kind {
            AccountKind::Patient => PolicyActor::Patient { account },
            AccountKind::Support => PolicyActor::Support { account },
            AccountKind::Professional => {
                PolicyActor::Professional(match known.filter(|p| p.account == account) {
                    Some(p) => p,
                    None => self.professional_actor(&account).await?,
                })
            }
            AccountKind::Assistant => {
                let professional = match known {
                    Some(p) => p,
                    None => {
                        let a = directory::assistant(&self.db, &account)
                            .await?
                            .ok_or(AppError::Forbidden)?;
                        self.professional_actor(&a.professional_account_id).await?
                    }
                };
                PolicyActor::Assistant {
                    account,
                    professional,
                }
            }
        })
    }

    /// Everything the policy needs to know about a record at `now`, read where `ex` reads
    /// (inside a write transaction, the facts a decision is checked against again before its
    /// change commits), in one statement; and whether `professional` (who acts, or for whom
    /// an assistant or a software acts) has accessed the record before.
    pub(crate) async fn load_facts_in(
        &self,
        ex: impl Into<mds_store::Ex<'_>>,
        patient: &patients::PatientRow,
        professional: Option<&AccountId>,
        now: Timestamp,
    ) -> Result<(Facts<'_>, Option<i64>), AppError> {
        let record = record_facts(patient);
        let rows = record_access::access_facts(ex, &patient.id, professional, now.millis()).await?;
        let mut facts = Facts::new(&self.policy, record);
        facts.care_team = rows
            .care_team
            .into_iter()
            .map(|(professional, attending_physician)| CareTeamMember {
                professional,
                attending_physician,
            })
            .collect();
        facts.consents = rows
            .consents
            .into_iter()
            .map(|(grantee, expires, revoked)| Consent {
                grantee,
                expires_at: Timestamp::from_millis(expires),
                revoked,
            })
            .collect();
        facts.emergency_sessions = rows
            .emergency_sessions
            .into_iter()
            .map(|(professional, kind, expires)| EmergencySession {
                professional,
                kind,
                expires_at: Timestamp::from_millis(expires),
            })
            .collect();
        facts.blocked = rows.blocked;
        facts.feeding_oppositions = rows.feeding_oppositions;
        facts.informed = rows.informed;
        facts.record.limited = rows.limited;
        facts.representatives = rows
            .representatives
            .into_iter()
            .map(|(account, ends)| Representative {
                account,
                ends_at: Timestamp::from_millis(ends),
            })
            .collect();
        let (oppose_break_glass, oppose_samu) = rows.emergency_settings;
        facts.emergency_settings = EmergencySettings {
            oppose_break_glass,
            oppose_samu,
        };
        Ok((facts, rows.access_told_at_ms))
    }

    /// Opens the gate of a record. An unknown record is audited as a denial and answers
    /// `NotFound`, like a record the actor may not see.
    pub(crate) async fn gate<'a>(
        &'a self,
        actor: &'a Actor,
        patient_id: &PatientId,
        audit_action: &str,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Gate<'a>, AppError> {
        let policy_actor = match self.policy_actor(actor).await {
            Ok(a) => a,
            Err(AppError::Forbidden) => {
                // The professional whose rights would apply is suspended or unknown.
                let (actor_id, on_behalf_of) = match &actor.software {
                    Some(sw) => (sw.credential_id.clone(), Some(actor.account_id.to_string())),
                    None => (actor.account_id.to_string(), None),
                };
                let ev = NewEvent {
                    actor_id: Some(actor_id),
                    on_behalf_of,
                    rule: Some("actor.professional_inactive".to_owned()),
                    detail: serde_json::json!({ "requested_patient_id": patient_id }),
                    ip,
                    ..NewEvent::new(audit_kind(actor), audit_action, Outcome::Deny)
                };
                mds_audit::record(&self.db, ev, now.millis()).await?;
                return Err(AppError::Forbidden);
            }
            Err(e) => return Err(e),
        };
        let Some(patient) = patients::by_id(&self.db, patient_id).await? else {
            let ev = NewEvent {
                rule: Some("record.unknown".to_owned()),
                detail: serde_json::json!({ "requested_patient_id": patient_id }),
                ..base_event(actor, &policy_actor, audit_action, Outcome::Deny, ip)
            };
            self.record_event(ev, now.millis()).await?;
            return Err(AppError::NotFound);
        };
        let professional = policy_actor.professional().map(|p| p.account.clone());
        let (facts, access_told_at_ms) = self
            .load_facts_in(&self.db, &patient, professional.as_ref(), now)
            .await?;
        Ok(Gate {
            actor: policy_actor,
            account: actor,
            patient,
            facts,
            access_told_at_ms,
            ip,
            now,
        })
    }

    /// The record of a patient account (patients only).
    pub async fn my_record(&self, actor: &Actor) -> Result<RecordRef, AppError> {
        actor.require(AccountKind::Patient)?;
        let p = patients::by_account(&self.db, &actor.account_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(RecordRef {
            patient_id: p.id,
            state: p.record_state,
        })
    }
}

/// The audit event of a request on a record, before its outcome details.
pub(crate) fn base_event(
    actor: &Actor,
    policy_actor: &PolicyActor,
    action: &str,
    outcome: Outcome,
    ip: Option<String>,
) -> NewEvent {
    let pro = policy_actor.professional();
    // A structure's software is recorded by its credential, acting for the professional
    // it named (both recorded, as the DMP's "AIR simplifié" requires).
    let (actor_id, on_behalf_of) = match (&actor.software, policy_actor) {
        (Some(sw), _) => (sw.credential_id.clone(), Some(actor.account_id.to_string())),
        (None, PolicyActor::Assistant { professional, .. }) => (
            actor.account_id.to_string(),
            Some(professional.account.to_string()),
        ),
        (None, _) => (actor.account_id.to_string(), None),
    };
    NewEvent {
        actor_id: Some(actor_id),
        on_behalf_of,
        structure_id: pro.and_then(|p| p.structure.as_ref().map(ToString::to_string)),
        ip,
        ..NewEvent::new(audit_kind(actor), action, outcome)
    }
}

/// What the policy knows about the record itself.
pub(crate) fn record_facts(patient: &patients::PatientRow) -> RecordFacts {
    RecordFacts {
        patient: patient.id.clone(),
        owner: patient.account_id.clone(),
        state: patient.record_state,
        identity_validated: patient.identity_status == IdentityStatus::Validated,
        deceased: patient.died_on.is_some(),
        limited: false,
    }
}

/// What the policy knows about a stored document.
pub(crate) fn document_facts(row: &documents::DocumentRow) -> DocumentFacts {
    DocumentFacts {
        id: row.id.clone(),
        patient: row.patient_id.clone(),
        depositor: row.depositor_account_id.clone(),
        type_code: row.type_code.clone(),
        confidential: row.confidential,
        hidden_from_patient: row.hidden_from_patient,
        status: row.status,
    }
}

/// The policy's list scope as the store's visibility conditions (the same fields, borrowed).
pub(crate) fn visibility(scope: &mds_policy::ListScope) -> documents::Visibility<'_> {
    documents::Visibility {
        nothing: !scope.any,
        depositor: scope.depositor.clone(),
        only_deposited: scope.only_deposited,
        without_hidden: scope.without_hidden,
        without_confidential: scope.without_confidential,
        types: scope.types.as_deref(),
    }
}

/// An action on one document, as a type: what [`Gate::open`] asks the policy about.
pub(crate) trait DocumentAction {
    fn action(facts: DocumentFacts) -> Action;
}

/// Reading a document's content (or its metadata).
pub(crate) struct Read;
/// Depositing a new version of a document.
pub(crate) struct Modify;
/// Deleting a document (and the versions it replaced).
pub(crate) struct Delete;
/// Changing a document's flags (masking, hiding from the patient), decided as asked.
pub(crate) struct Change;

impl DocumentAction for Read {
    fn action(facts: DocumentFacts) -> Action {
        Action::ReadDocument(facts)
    }
}

impl DocumentAction for Modify {
    fn action(facts: DocumentFacts) -> Action {
        Action::ModifyDocument(facts)
    }
}

impl DocumentAction for Delete {
    fn action(facts: DocumentFacts) -> Action {
        Action::DeleteDocument(facts)
    }
}

/// A document the policy let this request act on, tied to the very row it decided on: only
/// [`Gate::open`] makes one, so whoever holds an `Opened<Read>` reads exactly the document that
/// was permitted, and nothing else can reach its content.
pub(crate) struct Opened<K> {
    row: documents::DocumentRow,
    permit: Permit,
    kind: std::marker::PhantomData<K>,
}

impl<K> Opened<K> {
    pub fn row(&self) -> &documents::DocumentRow {
        &self.row
    }

    pub fn permit(&self) -> &Permit {
        &self.permit
    }
}

impl Opened<Read> {
    /// The decrypted content of the permitted document.
    pub async fn content(&self, app: &App) -> Result<bytes::Bytes, AppError> {
        let c = self.row.content.as_ref().ok_or(AppError::NotFound)?;
        app.sealed_content(c).await
    }
}

impl Gate<'_> {
    /// Asks the policy for `K` on the document `row` (audited at once when denied); the permit
    /// comes back bound to that row, with the audit event to write when the action is done.
    pub async fn open<K: DocumentAction>(
        &self,
        app: &App,
        row: documents::DocumentRow,
        audit_action: &str,
        detail: serde_json::Value,
    ) -> Result<(Opened<K>, NewEvent), AppError> {
        self.open_as(app, row, audit_action, detail, K::action)
            .await
    }

    /// [`Self::open`] for an action chosen at run time (the masking controls).
    pub async fn open_as<K>(
        &self,
        app: &App,
        row: documents::DocumentRow,
        audit_action: &str,
        detail: serde_json::Value,
        action: impl FnOnce(DocumentFacts) -> Action,
    ) -> Result<(Opened<K>, NewEvent), AppError> {
        let (permit, ev) = self
            .authorize(app, action(document_facts(&row)), audit_action, detail)
            .await?;
        let opened = Opened {
            row,
            permit,
            kind: std::marker::PhantomData,
        };
        Ok((opened, ev))
    }

    pub fn patient_id(&self) -> &PatientId {
        &self.patient.id
    }

    pub fn request(&self, action: Action) -> Request {
        Request {
            actor: self.actor.clone(),
            action,
            record: self.facts.record.patient.clone(),
        }
    }

    pub fn decide(&self, action: Action) -> Decision {
        decide_counted(&self.request(action), &self.facts, self.now)
    }

    /// The audit event of `decision` on `action` on this record, with the policy's stamps and
    /// the inputs it read (`policy_inputs`).
    pub fn event(&self, audit_action: &str, action: &Action, decision: &Decision) -> NewEvent {
        let document = action.document().map(|d| d.id.to_string());
        let outcome = if decision.is_permit() {
            Outcome::Permit
        } else {
            Outcome::Deny
        };
        NewEvent {
            patient_id: Some(self.patient.id.to_string()),
            document_id: document,
            access_mode: Some(decision.mode().as_str().to_owned()),
            rule: Some(decision.rule().id()),
            decision: Some(policy_inputs::decision_detail(
                &self.actor,
                action,
                &self.patient.id,
                &self.facts,
            )),
            ..base_event(
                self.account,
                &self.actor,
                audit_action,
                outcome,
                self.ip.clone(),
            )
        }
    }

    /// Asks the policy. A denial is audited at once and becomes the error to answer; a permit
    /// comes back with its audit event, which the caller writes in the transaction of the
    /// change (or records, for a read).
    pub async fn authorize(
        &self,
        app: &App,
        action: Action,
        audit_action: &str,
        detail: serde_json::Value,
    ) -> Result<(Permit, NewEvent), AppError> {
        let decision = self.decide(action.clone());
        let mut ev = self.event(audit_action, &action, &decision);
        ev.detail = detail;
        match decision {
            Decision::Permit(p) => Ok((p, ev)),
            Decision::Deny(d) => {
                app.record_event(ev, self.now.millis()).await?;
                Err(self.denial_error(&action, d.rule, d.reason))
            }
        }
    }

    /// Denials answer `NotFound` whenever the actor may not see what was named (the record,
    /// or the document): existence is never revealed by an error.
    pub(crate) fn denial_error(
        &self,
        action: &Action,
        rule: Rule,
        reason: &'static str,
    ) -> AppError {
        let hides = matches!(
            rule,
            Rule::PatientNotOwner
                | Rule::DocumentOtherRecord
                | Rule::RequestInconsistent
                | Rule::SupportNoMedicalContent
                | Rule::AssistantAddOnly
                | Rule::RecordErased
                | Rule::ProfileNoAccess
        );
        let lists = matches!(
            action.kind(),
            ActionKind::ListDocuments | ActionKind::ReadProfile
        );
        if hides || lists {
            return AppError::NotFound;
        }
        if let Some(d) = action.document() {
            if !self.decide(Action::ReadDocument(d.clone())).is_permit() {
                return AppError::NotFound;
            }
        }
        if rule == Rule::InformationDutyNotConfirmed {
            return AppError::invalid("information_duty_required", reason);
        }
        AppError::Denied {
            rule: rule.id(),
            message: reason,
        }
    }

    /// Audits a request naming a document that does not exist, and answers `NotFound`.
    pub async fn unknown_document(
        &self,
        app: &App,
        audit_action: &str,
        document_id: &DocumentId,
    ) -> AppError {
        let detail = serde_json::json!({ "requested_document_id": document_id });
        self.unknown(app, audit_action, "document.unknown", detail)
            .await
    }

    /// Audits a request naming something of the record that does not exist (a document, a
    /// profile entry) as a denial on `rule`, and answers `NotFound`.
    pub async fn unknown(
        &self,
        app: &App,
        audit_action: &str,
        rule: &str,
        detail: serde_json::Value,
    ) -> AppError {
        let ev = NewEvent {
            patient_id: Some(self.patient.id.to_string()),
            rule: Some(rule.to_owned()),
            detail,
            ..base_event(
                self.account,
                &self.actor,
                audit_action,
                Outcome::Deny,
                self.ip.clone(),
            )
        };
        match app.record_event(ev, self.now.millis()).await {
            Ok(_) => AppError::NotFound,
            Err(e) => e.into(),
        }
    }
}

/// `mds_policy::decide`, counted in the metrics by mode and outcome.
pub(crate) fn decide_counted(request: &Request, facts: &Facts, now: Timestamp) -> Decision {
    let decision = mds_policy::decide(request, facts, now);
    let outcome = if decision.is_permit() {
        "permit"
    } else {
        "deny"
    };
    mds_observe::metrics::DECISIONS.inc(&[decision.mode().as_str(), outcome]);
    decision
}
