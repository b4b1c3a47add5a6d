//! The access mode of a professional on a record (DESIGN.md 4.1), and the mode a decision is
//! taken in for any actor. Computing the mode grants nothing by itself: `decide` does.

use crate::facts::{EmergencyKind, Facts};
use crate::matrix::MatrixColumn;
use crate::request::ProfessionalActor;
use mds_domain::{AccountId, Timestamp};
use std::fmt;

/// How a professional stands towards a record, first match wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccessMode {
    Blocked,
    CareTeam,
    Consented,
    BreakGlass,
    Samu,
    NoAccess,
}

/// When the access `professional` holds in `mode` ends: the latest valid consent, or the
/// latest open session of that emergency kind; `None` for the modes that do not expire (care
/// team) or when nothing is held at `now`.
pub fn access_ends(
    facts: &Facts,
    professional: &AccountId,
    mode: AccessMode,
    now: Timestamp,
) -> Option<Timestamp> {
    match mode {
        AccessMode::Consented => facts.consent_ends(professional, now),
        AccessMode::BreakGlass => facts.session_ends(professional, EmergencyKind::BreakGlass, now),
        AccessMode::Samu => facts.session_ends(professional, EmergencyKind::Samu, now),
        AccessMode::Blocked | AccessMode::CareTeam | AccessMode::NoAccess => None,
    }
}

impl AccessMode {
    pub const ALL: [Self; 6] = [
        Self::Blocked,
        Self::CareTeam,
        Self::Consented,
        Self::BreakGlass,
        Self::Samu,
        Self::NoAccess,
    ];

    pub fn as_str(self) -> &'static str {
        self.column().as_str()
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }

    pub fn column(self) -> MatrixColumn {
        match self {
            Self::Blocked => MatrixColumn::Blocked,
            Self::CareTeam => MatrixColumn::CareTeam,
            Self::Consented => MatrixColumn::Consented,
            Self::BreakGlass => MatrixColumn::BreakGlass,
            Self::Samu => MatrixColumn::Samu,
            Self::NoAccess => MatrixColumn::NoAccess,
        }
    }
}

/// The mode a decision was taken in, recorded in the audit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// The patient acting on their own record.
    Patient,
    /// A legal representative acting on the represented person's record, with the patient's
    /// rights.
    Representative,
    Support,
    /// A professional, or someone acting in a professional's name.
    Professional(AccessMode),
}

impl Mode {
    /// `patient`, `representative`, `support`, or the access mode (`care_team`, `no_access`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::Representative => "representative",
            Self::Support => "support",
            Self::Professional(mode) => mode.as_str(),
        }
    }

    /// The mode `as_str` names, if any.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "patient" => Some(Self::Patient),
            "representative" => Some(Self::Representative),
            "support" => Some(Self::Support),
            other => AccessMode::parse(other).map(Self::Professional),
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The access mode of `professional` on the record of `facts` at `now`:
/// blocked, then care team, then consent, then break-glass (health professionals only, not
/// opposed, unexpired), then SAMU (regulators only, not opposed, unexpired), else no access.
/// On a limited record, the care team and consents give no mode: only an emergency does.
/// The record's state (closed, pending…) is not part of the mode; `decide` checks it.
pub fn access_mode(
    professional: &ProfessionalActor,
    facts: &Facts<'_>,
    now: Timestamp,
) -> AccessMode {
    let who = &professional.account;
    let ordinary = !facts.record.limited;
    if facts.is_blocked(who) {
        AccessMode::Blocked
    } else if ordinary && facts.in_care_team(who) {
        AccessMode::CareTeam
    } else if ordinary && facts.has_valid_consent(who, now) {
        AccessMode::Consented
    } else if professional.profession.is_health()
        && !facts.emergency_settings.oppose_break_glass
        && facts.has_open_session(who, EmergencyKind::BreakGlass, now)
    {
        AccessMode::BreakGlass
    } else if professional.samu_regulator
        && professional.profession.is_health()
        && !facts.emergency_settings.oppose_samu
        && facts.has_open_session(who, EmergencyKind::Samu, now)
    {
        AccessMode::Samu
    } else {
        AccessMode::NoAccess
    }
}

#[cfg(test)]
mod access_ends_tests {
    use super::*;
    use crate::facts::{Consent, EmergencySession, Facts, RecordFacts};
    use crate::Policy;
    use mds_domain::{AccountState, PatientId};

    #[test]
    fn when_an_access_ends() {
        let policy = Policy::default();
        let me = AccountId::named("1cd6f0fe-b697-49bf-a0f4-92e5798a3d61");
        let other = AccountId::named("a162d231-7a1a-4266-b089-13a2ba2befa6");
        let at = Timestamp::from_millis;
        let mut f = Facts::new(
            &policy,
            RecordFacts {
                patient: PatientId::named("0b0f3c1e-8a54-4c2f-9d59-6f1e2a7b9c10"),
                owner: None,
                state: AccountState::Active,
                identity_validated: true,
                deceased: false,
                limited: false,
            },
        );
        f.consents = vec![
            Consent {
                grantee: me.clone(),
                expires_at: at(5_000),
                revoked: false,
            },
            Consent {
                grantee: me.clone(),
                expires_at: at(9_000),
                revoked: true,
            },
            Consent {
                grantee: other.clone(),
                expires_at: at(8_000),
                revoked: false,
            },
        ];
        f.emergency_sessions = vec![
            EmergencySession {
                professional: me.clone(),
                kind: EmergencyKind::BreakGlass,
                expires_at: at(3_000),
            },
            EmergencySession {
                professional: me.clone(),
                kind: EmergencyKind::BreakGlass,
                expires_at: at(4_000),
            },
            EmergencySession {
                professional: other.clone(),
                kind: EmergencyKind::Samu,
                expires_at: at(7_000),
            },
        ];
        // (mode, now, ends)
        let table = [
            (AccessMode::Consented, 1_000, Some(5_000)),
            (AccessMode::Consented, 5_000, None),
            (AccessMode::BreakGlass, 1_000, Some(4_000)),
            (AccessMode::BreakGlass, 4_000, None),
            (AccessMode::Samu, 1_000, None),
            (AccessMode::CareTeam, 1_000, None),
            (AccessMode::NoAccess, 1_000, None),
        ];
        for (mode, now, ends) in table {
            assert_eq!(
                access_ends(&f, &me, mode, at(now)),
                ends.map(at),
                "{mode:?} at {now}"
            );
        }
        assert_eq!(
            access_ends(&f, &other, AccessMode::Samu, at(1_000)),
            Some(at(7_000))
        );
    }
}
