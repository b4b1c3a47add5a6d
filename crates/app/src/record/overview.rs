//! The record as a professional (or their assistant) opens it in the portal: who the patient
//! is, the access mode and the rule that decides it in words, the documents the rules allow,
//! and which next steps the policy would permit (ask consent, break-glass, SAMU, add).
//!
//! The opening is one audited decision (`record.open`, on listing); the offers are the
//! policy's answers to hypothetical requests and grant nothing: each step, when taken, goes
//! through its own use case and its own decision.

use super::documents::{DocumentPage, DocumentQuery};
use crate::patients::identity::{PatientBanner, PatientSummary};
use crate::{Actor, App, AppError};
use mds_domain::{AccountKind, AccountState, PatientId, Timestamp};
use mds_policy::{AccessMode, Action, Decision, Mode};
use serde::Serialize;

/// How the actor stands towards the record, as decided for listing its documents.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AccessView {
    /// `care_team`, `consented`, `break_glass`, `samu`, `no_access`, `blocked`.
    pub mode: String,
    pub permitted: bool,
    /// Stable rule id.
    pub rule: String,
    /// The policy's sentence, in French.
    pub explanation: String,
    /// The same sentence in English.
    #[serde(skip)]
    pub explanation_en: String,
    /// When a consent or an emergency access ends (ms since the epoch); `None` for the care
    /// team and when there is no access.
    pub ends_at_ms: Option<i64>,
}

/// What the policy would permit next on this record.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct NextSteps {
    pub add_document: bool,
    pub request_consent: bool,
    pub break_glass: bool,
    pub samu: bool,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RecordOverview {
    pub patient: PatientSummary,
    /// The identifier number and its kind (CAFAT or AMG), for the patient banner.
    pub identifier_kind: mds_domain::IdentifierKind,
    pub cafat: String,
    pub access: AccessView,
    /// Whether the policy opens the record's health profile to this reader.
    pub profile: bool,
    /// The documents the rules allow, when listing is permitted.
    pub documents: Option<DocumentPage>,
    pub next: NextSteps,
    /// Whether the patient opposes being fed by this professional; `None` when the actor may
    /// not record such an opposition (assistants).
    pub feeding_opposed: Option<bool>,
    /// The actor's in-person consents on this record whose signed form is still to attach.
    pub consent_forms_missing: Vec<MissingConsentForm>,
}

/// An in-person consent waiting for its signed form (`consent_form`).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct MissingConsentForm {
    pub consent_id: String,
    pub purpose: String,
    pub given_at: Timestamp,
}

fn access_view(d: &Decision) -> AccessView {
    AccessView {
        mode: d.mode().as_str().to_owned(),
        permitted: d.is_permit(),
        rule: d.rule().id(),
        explanation: d.explanation().to_owned(),
        explanation_en: d.explanation_en().to_owned(),
        ends_at_ms: None,
    }
}

impl App {
    /// Professionals and assistants. Opens a record to add a document: who the patient is,
    /// for the add form's patient banner, when the policy would let the actor add (audited as
    /// the record's opening with that decision; a denial answers like the add would).
    pub async fn record_banner(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<PatientBanner, AppError> {
        if !matches!(
            actor.kind,
            AccountKind::Professional | AccountKind::Assistant
        ) {
            return Err(AppError::NotFound);
        }
        let name = "record.open";
        let gate = self.gate(actor, patient_id, name, ip, now).await?;
        let action = Action::AddDocument {
            confirms_patient_informed: true,
        };
        let (_, ev) = gate
            .authorize(
                self,
                action,
                name,
                serde_json::json!({ "purpose": "add_form" }),
            )
            .await?;
        mds_audit::record(&self.db, ev, now.millis()).await?;
        Ok(PatientBanner::of(&gate.patient))
    }

    /// The banner of an add form shown again after its submission was refused: that request
    /// was decided and audited by the add itself, so this decides again without a second
    /// event, and names the patient only to an actor the policy would let add.
    pub async fn record_banner_after_refusal(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        now: Timestamp,
    ) -> Result<Option<PatientBanner>, AppError> {
        if !matches!(
            actor.kind,
            AccountKind::Professional | AccountKind::Assistant
        ) {
            return Ok(None);
        }
        let gate = match self.gate(actor, patient_id, "record.open", None, now).await {
            Ok(g) => g,
            Err(AppError::NotFound) => return Ok(None),
            Err(e) => return Err(e),
        };
        let d = gate.decide(Action::AddDocument {
            confirms_patient_informed: true,
        });
        Ok(d.is_permit().then(|| PatientBanner::of(&gate.patient)))
    }

    /// Professionals and assistants. Opens a record: identity, access and what it allows.
    pub async fn record_overview(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        q: DocumentQuery,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<RecordOverview, AppError> {
        if !matches!(
            actor.kind,
            AccountKind::Professional | AccountKind::Assistant
        ) {
            return Err(AppError::NotFound);
        }
        let name = "record.open";
        let gate = self.gate(actor, patient_id, name, ip.clone(), now).await?;
        if gate.patient.record_state == AccountState::Erased {
            return Err(AppError::NotFound);
        }
        let list = gate.decide(Action::ListDocuments);
        let ev = gate.event(name, &Action::ListDocuments, &list);
        mds_audit::record(&self.db, ev, now.millis()).await?;
        let permits = |a: Action| gate.decide(a).is_permit();
        let next = NextSteps {
            add_document: permits(Action::AddDocument {
                confirms_patient_informed: true,
            }),
            request_consent: !list.is_permit() && permits(Action::RequestConsent),
            break_glass: !list.is_permit()
                && permits(Action::OpenBreakGlass {
                    reason: "offre d'accès d'urgence".to_owned(),
                }),
            samu: !list.is_permit()
                && permits(Action::OpenSamuAccess {
                    call_reference: "offre".to_owned(),
                }),
        };
        let feeding_opposed = permits(Action::RecordFeedingOpposition)
            .then(|| gate.facts.opposes_feeding_by(&actor.account_id));
        let patient = PatientSummary::of(&gate.patient);
        let mut access = access_view(&list);
        if let (Mode::Professional(mode), Some(professional)) =
            (list.mode(), gate.actor.professional())
        {
            access.ends_at_ms =
                mds_policy::access_ends(&gate.facts, &professional.account, mode, now)
                    .map(Timestamp::millis);
        }
        let documents = if list.is_permit() {
            Some(self.list_documents(actor, patient_id, q, ip, now).await?)
        } else {
            None
        };
        // Only an access given by consent can come from an in-person consent: the care
        // team's reads (the hot path) do not look.
        let by_consent = matches!(list.mode(), Mode::Professional(AccessMode::Consented));
        let consent_forms_missing = match gate.actor.professional().filter(|_| by_consent) {
            Some(me) => self
                .missing_forms_of(&me.account, gate.patient_id())
                .await?
                .into_iter()
                .map(|c| MissingConsentForm {
                    consent_id: c.id,
                    purpose: c.purpose,
                    given_at: Timestamp::from_millis(c.decided_at_ms.unwrap_or(c.requested_at_ms)),
                })
                .collect(),
            None => Vec::new(),
        };
        Ok(RecordOverview {
            profile: permits(Action::ReadProfile),
            consent_forms_missing,
            identifier_kind: gate.patient.identifier_kind,
            cafat: gate.patient.identifier_number.clone(),
            patient,
            access,
            documents,
            next,
            feeding_opposed,
        })
    }
}
