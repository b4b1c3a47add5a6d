//! Kinds and states of accounts, and the login name they sign in with.

use serde::{Deserialize, Serialize};

/// Who an account belongs to. An assistant always acts for one professional.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Patient,
    Professional,
    Assistant,
    Support,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::Professional => "professional",
            Self::Assistant => "assistant",
            Self::Support => "support",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "patient" => Self::Patient,
            "professional" => Self::Professional,
            "assistant" => Self::Assistant,
            "support" => Self::Support,
            _ => return None,
        })
    }

    /// Professionals, assistants and support agents must use a second factor; patients too,
    /// but they may later use a one-time code by e-mail instead of TOTP.
    pub fn requires_totp(self) -> bool {
        !matches!(self, Self::Patient)
    }
}

/// Life cycle of an account (DESIGN.md section 3, plus `suspended` for staff).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    /// Created, waiting for its owner to choose a password and enrol a second factor
    /// (staff) or for support verification (self-enrolled patient).
    Pending,
    Active,
    /// Patient record created by a professional; no portal access.
    Inactive,
    /// Staff account suspended by support: every session ends at once.
    Suspended,
    Closed,
    Erased,
}

impl AccountState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::Suspended => "suspended",
            Self::Closed => "closed",
            Self::Erased => "erased",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => Self::Pending,
            "active" => Self::Active,
            "inactive" => Self::Inactive,
            "suspended" => Self::Suspended,
            "closed" => Self::Closed,
            "erased" => Self::Erased,
            _ => return None,
        })
    }

    pub fn may_sign_in(self) -> bool {
        matches!(self, Self::Active)
    }
}

impl std::fmt::Display for AccountKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for AccountState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A login: an e-mail-like identifier, compared case-insensitively.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Login(String);

impl Login {
    /// Trims and lower-cases; refuses empty, over-long or control-character logins.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().to_lowercase();
        let ok = (3..=254).contains(&t.chars().count())
            && t.chars().all(|c| !c.is_control() && !c.is_whitespace());
        ok.then_some(Self(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_is_normalised_and_checked() {
        assert_eq!(
            Login::parse("  Dr.Nea@CHT.nc ").map(|l| l.0),
            Some("dr.nea@cht.nc".to_owned())
        );
        assert!(Login::parse("a b@c").is_none());
        assert!(Login::parse("ab").is_none());
        assert!(Login::parse("x\u{7}y@z").is_none());
    }

    #[test]
    fn kinds_and_states_round_trip() {
        for k in [
            AccountKind::Patient,
            AccountKind::Professional,
            AccountKind::Assistant,
            AccountKind::Support,
        ] {
            assert_eq!(AccountKind::parse(k.as_str()), Some(k));
        }
        for s in [
            AccountState::Pending,
            AccountState::Active,
            AccountState::Inactive,
            AccountState::Suspended,
            AccountState::Closed,
            AccountState::Erased,
        ] {
            assert_eq!(AccountState::parse(s.as_str()), Some(s));
        }
    }
}
