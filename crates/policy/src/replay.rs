//! Re-deciding a recorded decision under a candidate policy (`mds policy simulate`).
//!
//! A decision event records, besides its mode, rule and outcome, the [`Inputs`] `decide`
//! reads for the actions the matrices govern: the action, who acted (role, profession,
//! attending physician, information given, opposition), the record's state and, for an action
//! on a document, the document's type, masking, hiding, status and whether the actor deposited
//! it. [`replay`] rebuilds facts that give the recorded mode and inputs, runs `decide` under
//! the policy the event was decided by, and trusts the rebuilt facts only if that reproduces
//! the recorded decision exactly; it then runs `decide` under the candidate.
//! Nothing of the policy's logic is repeated here: both answers come from `decide`.
//!
//! What is not recorded cannot be replayed: a decision that hangs on something else (a
//! representation that ended, a document of another record…) is reported as not reproduced,
//! and the documents a past list showed are not recorded (a list is replayed as one decision).

use crate::decide::decide;
use crate::decision::Decision;
use crate::facts::{CareTeamMember, Consent, EmergencySession, Facts, Policy, RecordFacts};
use crate::facts::{EmergencyKind, Representative};
use crate::mode::AccessMode;
use crate::request::{Action, ActionKind, Actor, DocumentFacts, ProfessionalActor, Request};
use mds_domain::{AccountId, AccountState, DocumentId, DocumentStatus, PatientId, Profession};
use mds_domain::{StructureId, Timestamp};

/// The actions whose decision reads the access matrix or the habilitation.
pub const GOVERNED: [ActionKind; 7] = [
    ActionKind::AddDocument,
    ActionKind::ReadDocument,
    ActionKind::ModifyDocument,
    ActionKind::ListDocuments,
    ActionKind::DeleteDocument,
    ActionKind::MaskDocument,
    ActionKind::UnmaskDocument,
];

/// Who acted, as far as the policy distinguishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Patient,
    Representative,
    Professional,
    Assistant,
    Software,
    Support,
}

impl Role {
    pub const ALL: [Self; 6] = [
        Self::Patient,
        Self::Representative,
        Self::Professional,
        Self::Assistant,
        Self::Software,
        Self::Support,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::Representative => "representative",
            Self::Professional => "professional",
            Self::Assistant => "assistant",
            Self::Software => "software",
            Self::Support => "support",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// What a decision event records for replay: every fact `decide` reads for a governed action
/// besides the mode (recorded beside it) and the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inputs {
    pub action: ActionKind,
    pub role: Role,
    /// The professional whose rights applied (also for an assistant or software).
    pub profession: Option<Profession>,
    pub record: RecordInputs,
    /// That professional is the record's declared attending physician.
    pub attending_physician: bool,
    /// For a deposit: the patient was informed (confirmed now or before by that professional).
    pub informed: bool,
    /// The patient opposed being fed by that professional.
    pub feeding_opposed: bool,
    /// The targeted document, when it belongs to the record acted on (facts about another
    /// record's document are never written into this one's audit).
    pub document: Option<DocumentInputs>,
}

/// The record's own facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordInputs {
    pub state: AccountState,
    pub identity_validated: bool,
    pub deceased: bool,
    pub limited: bool,
}

/// The facts of the targeted document the matrices read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentInputs {
    pub type_code: String,
    pub confidential: bool,
    pub hidden_from_patient: bool,
    /// Deposited in the name of the account whose rights applied.
    pub by_actor: bool,
    pub status: DocumentStatus,
}

impl Inputs {
    /// The inputs of `request` on `facts`, to record with its decision.
    pub fn of(request: &Request, facts: &Facts<'_>) -> Self {
        Self::of_parts(&request.actor, &request.action, &request.record, facts)
    }

    /// [`Self::of`] from the request's parts (no request to build on the hot path).
    pub fn of_parts(actor: &Actor, action: &Action, on: &PatientId, facts: &Facts<'_>) -> Self {
        let (role, acting) = match actor {
            Actor::Patient { account } if facts.record.owner.as_ref() != Some(account) => {
                (Role::Representative, Some(account))
            }
            Actor::Patient { account } => (Role::Patient, Some(account)),
            Actor::Support { account } => (Role::Support, Some(account)),
            Actor::Professional(p) => (Role::Professional, Some(&p.account)),
            Actor::Assistant { professional, .. } => (Role::Assistant, Some(&professional.account)),
            Actor::Software { professional, .. } => (Role::Software, Some(&professional.account)),
        };
        let pro = actor.professional().map(|p| &p.account);
        let record = &facts.record;
        let same_record = *on == record.patient;
        Self {
            action: action.kind(),
            role,
            profession: actor.professional().map(|p| p.profession),
            record: RecordInputs {
                state: record.state,
                identity_validated: record.identity_validated,
                deceased: record.deceased,
                limited: record.limited,
            },
            attending_physician: pro.is_some_and(|a| facts.is_attending_physician(a)),
            informed: match action {
                Action::AddDocument {
                    confirms_patient_informed,
                } => *confirms_patient_informed || pro.is_some_and(|a| facts.was_informed_by(a)),
                _ => false,
            },
            feeding_opposed: pro.is_some_and(|a| facts.opposes_feeding_by(a)),
            document: action
                .document()
                .filter(|d| same_record && d.patient == record.patient)
                .map(|d| DocumentInputs {
                    type_code: d.type_code.clone(),
                    confidential: d.confidential,
                    hidden_from_patient: d.hidden_from_patient,
                    by_actor: d.depositor.is_some() && d.depositor.as_ref() == acting,
                    status: d.status,
                }),
        }
    }
}

/// A decision as the audit recorded it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recorded<'a> {
    pub inputs: &'a Inputs,
    /// `care_team`, `patient`… (`Mode::as_str`).
    pub mode: &'a str,
    /// `Rule::id`.
    pub rule: &'a str,
    pub permit: bool,
}

/// A decision's outcome, for the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub permit: bool,
    pub rule: String,
}

impl Outcome {
    fn of(decision: &Decision) -> Self {
        Self {
            permit: decision.is_permit(),
            rule: decision.rule().id(),
        }
    }
}

/// What replaying one recorded decision gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Replay {
    /// The action reads neither matrix: no candidate can change it.
    NotGoverned,
    /// The recorded facts do not reproduce the recorded decision under its own policy.
    NotReproduced,
    /// Same outcome, same rule.
    Same,
    /// Same outcome, decided by another rule (a permit by another cell…).
    Reworded { before: Outcome, after: Outcome },
    /// A permit became a denial or the reverse.
    Changed { before: Outcome, after: Outcome },
}

/// Replays `recorded`, decided under `baseline`, under `candidate`.
pub fn replay(recorded: &Recorded<'_>, baseline: &Policy, candidate: &Policy) -> Replay {
    if recorded.inputs.role == Role::Support || !GOVERNED.contains(&recorded.inputs.action) {
        return Replay::NotGoverned;
    }
    let Some(situation) = Situation::rebuild(recorded) else {
        return Replay::NotReproduced;
    };
    let before = situation.decide(baseline);
    let reproduced = before.is_permit() == recorded.permit
        && before.rule().id() == recorded.rule
        && before.mode().as_str() == recorded.mode;
    if !reproduced {
        return Replay::NotReproduced;
    }
    let after = situation.decide(candidate);
    let (before, after) = (Outcome::of(&before), Outcome::of(&after));
    if before == after {
        Replay::Same
    } else if before.permit == after.permit {
        Replay::Reworded { before, after }
    } else {
        Replay::Changed { before, after }
    }
}

/// Facts rebuilt from a recorded decision; the policy is given when deciding.
struct Situation {
    request: Request,
    record: RecordFacts,
    care_team: Vec<CareTeamMember>,
    consents: Vec<Consent>,
    sessions: Vec<EmergencySession>,
    blocked: Vec<AccountId>,
    oppositions: Vec<AccountId>,
    informed: Vec<AccountId>,
    representatives: Vec<Representative>,
}

const NOW: Timestamp = Timestamp::from_millis(1_000_000_000_000);
const LATER: Timestamp = NOW.plus_seconds(3600);

fn id(text: &str) -> String {
    format!("replay-{text}")
}

impl Situation {
    fn rebuild(recorded: &Recorded<'_>) -> Option<Self> {
        let inputs = recorded.inputs;
        let owner = AccountId::from_uuid_text(id("owner"));
        let professional_account = AccountId::from_uuid_text(id("professional"));
        let patient = PatientId::from_uuid_text(id("record"));
        let mode = if inputs.role == Role::Patient || inputs.role == Role::Representative {
            None
        } else {
            Some(AccessMode::parse(recorded.mode)?)
        };
        let professional = || {
            Some(ProfessionalActor {
                account: professional_account.clone(),
                profession: inputs.profession?,
                structure: (inputs.role == Role::Software)
                    .then(|| StructureId::from_uuid_text(id("structure"))),
                samu_regulator: mode == Some(AccessMode::Samu),
            })
        };
        let representative = AccountId::from_uuid_text(id("representative"));
        let (actor, acting) = match inputs.role {
            Role::Patient => (
                Actor::Patient {
                    account: owner.clone(),
                },
                owner.clone(),
            ),
            Role::Representative => (
                Actor::Patient {
                    account: representative.clone(),
                },
                representative.clone(),
            ),
            Role::Professional => (
                Actor::Professional(professional()?),
                professional_account.clone(),
            ),
            Role::Assistant => (
                Actor::Assistant {
                    account: AccountId::from_uuid_text(id("assistant")),
                    professional: professional()?,
                },
                professional_account.clone(),
            ),
            Role::Software => {
                let professional = professional()?;
                let structure = professional.structure.clone()?;
                (
                    Actor::Software {
                        structure,
                        professional,
                    },
                    professional_account.clone(),
                )
            }
            Role::Support => return None,
        };
        let document = inputs.document.as_ref().map(|d| DocumentFacts {
            id: DocumentId::from_uuid_text(id("document")),
            patient: patient.clone(),
            depositor: Some(if d.by_actor {
                acting.clone()
            } else {
                AccountId::from_uuid_text(id("someone-else"))
            }),
            type_code: d.type_code.clone(),
            confidential: d.confidential,
            hidden_from_patient: d.hidden_from_patient,
            status: d.status,
        });
        let action = action(inputs.action, document)?;
        let pro_only = |on: bool| {
            if on {
                vec![professional_account.clone()]
            } else {
                Vec::new()
            }
        };
        Some(Self {
            request: Request {
                actor,
                action,
                record: patient.clone(),
            },
            record: RecordFacts {
                patient,
                owner: Some(owner),
                state: inputs.record.state,
                identity_validated: inputs.record.identity_validated,
                deceased: inputs.record.deceased,
                limited: inputs.record.limited,
            },
            // The attending physician is a care team member whatever mode applied: on a
            // limited record the membership gives no mode, but the declaration still counts.
            care_team: if mode == Some(AccessMode::CareTeam) || inputs.attending_physician {
                vec![CareTeamMember {
                    professional: professional_account.clone(),
                    attending_physician: inputs.attending_physician,
                }]
            } else {
                Vec::new()
            },
            consents: match mode {
                Some(AccessMode::Consented) => vec![Consent {
                    grantee: professional_account.clone(),
                    expires_at: LATER,
                    revoked: false,
                }],
                _ => Vec::new(),
            },
            sessions: match mode {
                Some(AccessMode::BreakGlass) => {
                    vec![session(&professional_account, EmergencyKind::BreakGlass)]
                }
                Some(AccessMode::Samu) => vec![session(&professional_account, EmergencyKind::Samu)],
                _ => Vec::new(),
            },
            blocked: pro_only(mode == Some(AccessMode::Blocked)),
            oppositions: pro_only(inputs.feeding_opposed),
            informed: pro_only(inputs.informed),
            representatives: vec![Representative {
                account: representative,
                ends_at: LATER,
            }],
        })
    }

    fn decide(&self, policy: &Policy) -> Decision {
        let facts = Facts {
            care_team: self.care_team.clone(),
            consents: self.consents.clone(),
            emergency_sessions: self.sessions.clone(),
            blocked: self.blocked.clone(),
            feeding_oppositions: self.oppositions.clone(),
            informed: self.informed.clone(),
            representatives: self.representatives.clone(),
            ..Facts::new(policy, self.record.clone())
        };
        decide(&self.request, &facts, NOW)
    }
}

fn session(professional: &AccountId, kind: EmergencyKind) -> EmergencySession {
    EmergencySession {
        professional: professional.clone(),
        kind,
        expires_at: LATER,
    }
}

fn action(kind: ActionKind, document: Option<DocumentFacts>) -> Option<Action> {
    Some(match kind {
        ActionKind::AddDocument => Action::AddDocument {
            confirms_patient_informed: false,
        },
        ActionKind::ListDocuments => Action::ListDocuments,
        ActionKind::ReadDocument => Action::ReadDocument(document?),
        ActionKind::ModifyDocument => Action::ModifyDocument(document?),
        ActionKind::DeleteDocument => Action::DeleteDocument(document?),
        ActionKind::MaskDocument => Action::MaskDocument(document?),
        ActionKind::UnmaskDocument => Action::UnmaskDocument(document?),
        _ => return None,
    })
}

/// `ActionKind::as_str` back, for the actions replay knows.
pub fn governed_action(text: &str) -> Option<ActionKind> {
    GOVERNED.into_iter().find(|k| k.as_str() == text)
}
