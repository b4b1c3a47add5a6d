//! The access mode of a professional on a record (DESIGN.md 4.1), and the mode a decision is
//! taken in for any actor. Computing the mode grants nothing by itself: `decide` does.

use crate::facts::{EmergencyKind, Facts};
use crate::matrix::MatrixColumn;
use crate::request::ProfessionalActor;
use mds_domain::Timestamp;
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
    Support,
    /// A professional, or someone acting in a professional's name.
    Professional(AccessMode),
}

impl Mode {
    /// `patient`, `support`, or the access mode (`care_team`, `no_access`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::Support => "support",
            Self::Professional(mode) => mode.as_str(),
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
/// The record's state (closed, pending…) is not part of the mode; `decide` checks it.
pub fn access_mode(
    professional: &ProfessionalActor,
    facts: &Facts<'_>,
    now: Timestamp,
) -> AccessMode {
    let who = &professional.account;
    if facts.is_blocked(who) {
        AccessMode::Blocked
    } else if facts.in_care_team(who) {
        AccessMode::CareTeam
    } else if facts.has_valid_consent(who, now) {
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
