//! What the store knows about a record when a request arrives, and the policy configuration
//! (settings and matrices) it is judged by. Loading these is the caller's job; this module only
//! answers simple questions about them at a given `now`.

use crate::error::PolicyError;
use crate::habilitation::{Habilitation, EMBEDDED_HABILITATION, FILE as HABILITATION_FILE};
use crate::matrix::{Matrix, EMBEDDED_ACCESS_MATRIX, FILE as MATRIX_FILE};
use crate::source::Source;
use mds_domain::{AccountId, AccountState, PatientId, Timestamp};

/// Settings of the policy (configuration, with documented defaults).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicySettings {
    /// Whether the declared attending physician (médecin traitant) also reads and lists
    /// documents masked from professionals. French law says yes; the MDS matrix is silent.
    /// Default: no.
    pub attending_physician_sees_confidential: bool,
}

/// Everything configurable the decision uses, built once at start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub matrix: Matrix,
    pub habilitation: Habilitation,
    pub settings: PolicySettings,
    /// The versions and digests of the two files, written in each decision's audit event.
    pub sources: Sources,
}

/// Where the two matrices of a policy came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sources {
    pub matrix: Source,
    pub habilitation: Source,
}

impl Policy {
    /// Loads a policy from the text of its two files: each must parse, declare its version,
    /// and the pair must keep every safety property ([`crate::safety::check`]), or the
    /// policy is refused with the cells that break them.
    pub fn load(
        matrix: &str,
        habilitation: &str,
        settings: PolicySettings,
    ) -> Result<Self, PolicyError> {
        let sources = Sources {
            matrix: Source::of(MATRIX_FILE, matrix)?,
            habilitation: Source::of(HABILITATION_FILE, habilitation)?,
        };
        let matrix = Matrix::from_csv(matrix)?;
        let habilitation = Habilitation::from_csv(habilitation)?;
        let violations = crate::safety::check(&matrix, &habilitation);
        if !violations.is_empty() {
            return Err(PolicyError::Unsafe {
                violations: violations.iter().map(ToString::to_string).collect(),
            });
        }
        Ok(Self {
            matrix,
            habilitation,
            settings,
            sources,
        })
    }

    /// The shipped matrices with these settings. Their loading is checked by the tests; if it
    /// ever failed, the fallback refuses everything rather than guess.
    pub fn shipped(settings: PolicySettings) -> Self {
        Self::load(
            EMBEDDED_ACCESS_MATRIX,
            EMBEDDED_HABILITATION,
            settings.clone(),
        )
        .unwrap_or_else(|_| {
            let refused = Source::made(
                "deny-all".to_owned(),
                String::new(),
                std::sync::Arc::from(""),
            );
            Self {
                matrix: Matrix::deny_all(),
                habilitation: Habilitation::closed(),
                settings,
                sources: Sources {
                    matrix: refused.clone(),
                    habilitation: refused,
                },
            }
        })
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self::shipped(PolicySettings::default())
    }
}

/// The record itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordFacts {
    pub patient: PatientId,
    /// The patient's portal account, if one exists.
    pub owner: Option<AccountId>,
    /// `pending`, `active`, `inactive`, `closed` or `erased`. (`suspended`, a staff state,
    /// is treated as closed.)
    pub state: AccountState,
    pub identity_validated: bool,
    pub deceased: bool,
    /// The patient limited the use of the record while a request of theirs is examined:
    /// professionals may only act through an emergency access (rule `record.limited`).
    pub limited: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CareTeamMember {
    pub professional: AccountId,
    /// Declared attending physician (médecin traitant) of the patient.
    pub attending_physician: bool,
}

/// An explicit temporary access given by the patient to a professional outside the care team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consent {
    pub grantee: AccountId,
    /// Expired from this instant on (see [`is_unexpired`]).
    pub expires_at: Timestamp,
    pub revoked: bool,
}

/// The two kinds of emergency access (a domain value: sessions are stored with it).
pub use mds_domain::EmergencyKind;

/// An emergency session opened by a professional on this record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmergencySession {
    pub professional: AccountId,
    pub kind: EmergencyKind,
    /// Expired from this instant on (see [`is_unexpired`]).
    pub expires_at: Timestamp,
}

/// The patient's emergency settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EmergencySettings {
    pub oppose_break_glass: bool,
    pub oppose_samu: bool,
}

/// The facts about one record, with the policy they are judged by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts<'p> {
    pub policy: &'p Policy,
    pub record: RecordFacts,
    pub care_team: Vec<CareTeamMember>,
    pub consents: Vec<Consent>,
    pub emergency_sessions: Vec<EmergencySession>,
    /// Professionals the patient has blocked.
    pub blocked: Vec<AccountId>,
    /// Professionals who recorded that the patient opposes being fed by them.
    pub feeding_oppositions: Vec<AccountId>,
    /// Professionals who already confirmed that the patient was informed (once per pair).
    pub informed: Vec<AccountId>,
    pub emergency_settings: EmergencySettings,
    /// The record's legal representatives, as recorded by support (ended early ones left out).
    pub representatives: Vec<Representative>,
}

/// A legal representative of the record's holder: acts on it with the patient's rights until
/// `ends_at` (excluded), while the record is open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Representative {
    pub account: AccountId,
    pub ends_at: Timestamp,
}

/// The expiry rule, everywhere: a grant is valid strictly before `expires_at`; at
/// `expires_at == now` it has expired.
pub fn is_unexpired(expires_at: Timestamp, now: Timestamp) -> bool {
    now < expires_at
}

impl<'p> Facts<'p> {
    /// Facts with no care team, consent, session, block, opposition or information yet.
    pub fn new(policy: &'p Policy, record: RecordFacts) -> Self {
        Self {
            policy,
            record,
            care_team: Vec::new(),
            consents: Vec::new(),
            emergency_sessions: Vec::new(),
            blocked: Vec::new(),
            feeding_oppositions: Vec::new(),
            informed: Vec::new(),
            emergency_settings: EmergencySettings::default(),
            representatives: Vec::new(),
        }
    }

    /// Whether `account` is recorded as a representative of the record (running or not).
    pub fn representation_of(&self, account: &AccountId) -> Option<&Representative> {
        self.representatives
            .iter()
            .filter(|r| &r.account == account)
            .max_by_key(|r| r.ends_at)
    }

    pub fn is_blocked(&self, professional: &AccountId) -> bool {
        self.blocked.contains(professional)
    }

    pub fn in_care_team(&self, professional: &AccountId) -> bool {
        self.care_team
            .iter()
            .any(|m| &m.professional == professional)
    }

    pub fn is_attending_physician(&self, professional: &AccountId) -> bool {
        self.care_team
            .iter()
            .any(|m| &m.professional == professional && m.attending_physician)
    }

    pub fn has_valid_consent(&self, professional: &AccountId, now: Timestamp) -> bool {
        self.consents
            .iter()
            .any(|c| &c.grantee == professional && !c.revoked && is_unexpired(c.expires_at, now))
    }

    pub fn has_open_session(
        &self,
        professional: &AccountId,
        kind: EmergencyKind,
        now: Timestamp,
    ) -> bool {
        self.emergency_sessions.iter().any(|s| {
            &s.professional == professional && s.kind == kind && is_unexpired(s.expires_at, now)
        })
    }

    /// When the latest valid consent of `professional` ends, if one holds at `now`.
    pub fn consent_ends(&self, professional: &AccountId, now: Timestamp) -> Option<Timestamp> {
        self.consents
            .iter()
            .filter(|c| &c.grantee == professional && !c.revoked)
            .map(|c| c.expires_at)
            .filter(|at| is_unexpired(*at, now))
            .max()
    }

    /// When the latest open emergency session of `kind` of `professional` ends, if one holds.
    pub fn session_ends(
        &self,
        professional: &AccountId,
        kind: EmergencyKind,
        now: Timestamp,
    ) -> Option<Timestamp> {
        self.emergency_sessions
            .iter()
            .filter(|s| &s.professional == professional && s.kind == kind)
            .map(|s| s.expires_at)
            .filter(|at| is_unexpired(*at, now))
            .max()
    }

    pub fn opposes_feeding_by(&self, professional: &AccountId) -> bool {
        self.feeding_oppositions.contains(professional)
    }

    pub fn was_informed_by(&self, professional: &AccountId) -> bool {
        self.informed.contains(professional)
    }
}
