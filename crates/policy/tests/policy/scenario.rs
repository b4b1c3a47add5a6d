//! What the decision table and the property tests share: a fixed clock, fixed identities, and
//! a `Scenario` that builds `Facts` from a handful of switches.

use mds_domain::{
    AccountId, AccountState, DocumentId, DocumentStatus, PatientId, Profession, StructureId,
    Timestamp,
};
use mds_policy::{
    Actor, CareTeamMember, Consent, DocumentFacts, EmergencyKind, EmergencySession, Facts, Policy,
    ProfessionalActor, RecordFacts, Representative,
};
use std::sync::OnceLock;

/// The fixed clock of every test.
pub const NOW: Timestamp = Timestamp::from_millis(1_800_000_000_000);
pub const HOUR_MS: i64 = 3_600_000;

fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// The record owner.
pub fn patient_account() -> AccountId {
    AccountId::from_uuid_text(uuid(1))
}
/// "R": a legal representative of the record's holder (when the facts say so).
pub fn representative_account() -> AccountId {
    AccountId::from_uuid_text(uuid(7))
}
/// "P": the professional who acts (directly, through an assistant or through software).
pub fn p_account() -> AccountId {
    AccountId::from_uuid_text(uuid(2))
}
/// "Q": another professional, depositor of documents by default.
pub fn q_account() -> AccountId {
    AccountId::from_uuid_text(uuid(3))
}
pub fn record() -> PatientId {
    PatientId::from_uuid_text(uuid(101))
}
pub fn other_record() -> PatientId {
    PatientId::from_uuid_text(uuid(102))
}
pub fn structure() -> StructureId {
    StructureId::from_uuid_text(uuid(201))
}
pub fn other_structure() -> StructureId {
    StructureId::from_uuid_text(uuid(202))
}

/// Switches describing what the store knows. All refer to P unless named `_other`.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub state: AccountState,
    pub identity_validated: bool,
    pub deceased: bool,
    pub limited: bool,
    pub team: bool,
    pub attending: bool,
    pub team_other: bool,
    /// (expires_at − now in ms, revoked)
    pub consent: Option<(i64, bool)>,
    /// expires_at − now in ms
    pub break_glass: Option<i64>,
    pub samu: Option<i64>,
    pub block: bool,
    pub block_other: bool,
    pub oppose_break_glass: bool,
    pub oppose_samu: bool,
    pub opposition: bool,
    pub informed: bool,
    pub attending_sees_confidential: bool,
    /// R represents the holder until now + this many ms.
    pub represented: Option<i64>,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            state: AccountState::Active,
            identity_validated: true,
            deceased: false,
            limited: false,
            team: false,
            attending: false,
            team_other: false,
            consent: None,
            break_glass: None,
            samu: None,
            block: false,
            block_other: false,
            oppose_break_glass: false,
            oppose_samu: false,
            opposition: false,
            informed: true,
            attending_sees_confidential: false,
            represented: None,
        }
    }
}

impl Scenario {
    /// The shipped policy, with the attending-physician setting as asked. Built once per
    /// test binary: parsing the matrices for each of thousands of cases would dominate.
    pub fn policy(&self) -> &'static Policy {
        static PLAIN: OnceLock<Policy> = OnceLock::new();
        static ATTENDING: OnceLock<Policy> = OnceLock::new();
        let cell = if self.attending_sees_confidential {
            &ATTENDING
        } else {
            &PLAIN
        };
        cell.get_or_init(|| {
            let mut policy = Policy::default();
            policy.settings.attending_physician_sees_confidential =
                self.attending_sees_confidential;
            policy
        })
    }

    pub fn facts(&self) -> Facts<'static> {
        let policy = self.policy();
        let mut facts = Facts::new(
            policy,
            RecordFacts {
                patient: record(),
                owner: Some(patient_account()),
                state: self.state,
                identity_validated: self.identity_validated,
                deceased: self.deceased,
                limited: self.limited,
            },
        );
        if self.team || self.attending {
            facts.care_team.push(CareTeamMember {
                professional: p_account(),
                attending_physician: self.attending,
            });
        }
        if self.team_other {
            facts.care_team.push(CareTeamMember {
                professional: q_account(),
                attending_physician: false,
            });
        }
        if let Some((offset, revoked)) = self.consent {
            facts.consents.push(Consent {
                grantee: p_account(),
                expires_at: Timestamp::from_millis(NOW.millis() + offset),
                revoked,
            });
        }
        for (kind, offset) in [
            (EmergencyKind::BreakGlass, self.break_glass),
            (EmergencyKind::Samu, self.samu),
        ] {
            if let Some(offset) = offset {
                facts.emergency_sessions.push(EmergencySession {
                    professional: p_account(),
                    kind,
                    expires_at: Timestamp::from_millis(NOW.millis() + offset),
                });
            }
        }
        if self.block {
            facts.blocked.push(p_account());
        }
        if self.block_other {
            facts.blocked.push(q_account());
        }
        if self.opposition {
            facts.feeding_oppositions.push(p_account());
        }
        if self.informed {
            facts.informed.push(p_account());
        }
        facts.emergency_settings.oppose_break_glass = self.oppose_break_glass;
        facts.emergency_settings.oppose_samu = self.oppose_samu;
        if let Some(offset) = self.represented {
            facts.representatives.push(Representative {
                account: representative_account(),
                ends_at: Timestamp::from_millis(NOW.millis() + offset),
            });
        }
        facts
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorKind {
    Patient,
    StrangerPatient,
    Representative,
    Pro,
    Assistant,
    Support,
    Software,
    SoftwareForeign,
}

pub fn professional(profession: &str, samu_regulator: bool) -> Option<ProfessionalActor> {
    Some(ProfessionalActor {
        account: p_account(),
        profession: Profession::from_slug(profession)?,
        structure: Some(structure()),
        samu_regulator,
    })
}

pub fn actor(kind: ActorKind, profession: &str, samu_regulator: bool) -> Option<Actor> {
    let pro = || professional(profession, samu_regulator);
    Some(match kind {
        ActorKind::Patient => Actor::Patient {
            account: patient_account(),
        },
        ActorKind::StrangerPatient => Actor::Patient {
            account: AccountId::from_uuid_text(uuid(6)),
        },
        ActorKind::Representative => Actor::Patient {
            account: representative_account(),
        },
        ActorKind::Pro => Actor::Professional(pro()?),
        ActorKind::Assistant => Actor::Assistant {
            account: AccountId::from_uuid_text(uuid(4)),
            professional: pro()?,
        },
        ActorKind::Support => Actor::Support {
            account: AccountId::from_uuid_text(uuid(5)),
        },
        ActorKind::Software => Actor::Software {
            structure: structure(),
            professional: pro()?,
        },
        ActorKind::SoftwareForeign => Actor::Software {
            structure: other_structure(),
            professional: pro()?,
        },
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depositor {
    P,
    Q,
    Patient,
    Representative,
    Unknown,
}

#[derive(Clone, Debug)]
pub struct Doc {
    pub confidential: bool,
    pub hidden_from_patient: bool,
    pub depositor: Depositor,
    pub type_code: String,
    pub status: DocumentStatus,
    pub other_record: bool,
}

impl Default for Doc {
    fn default() -> Self {
        Self {
            confidential: false,
            hidden_from_patient: false,
            depositor: Depositor::Q,
            type_code: "11488-4".to_owned(),
            status: DocumentStatus::Current,
            other_record: false,
        }
    }
}

impl Doc {
    pub fn facts(&self) -> DocumentFacts {
        DocumentFacts {
            id: DocumentId::from_uuid_text(uuid(301)),
            patient: if self.other_record {
                other_record()
            } else {
                record()
            },
            depositor: match self.depositor {
                Depositor::P => Some(p_account()),
                Depositor::Q => Some(q_account()),
                Depositor::Patient => Some(patient_account()),
                Depositor::Representative => Some(representative_account()),
                Depositor::Unknown => None,
            },
            type_code: self.type_code.clone(),
            confidential: self.confidential,
            hidden_from_patient: self.hidden_from_patient,
            status: self.status,
        }
    }
}
