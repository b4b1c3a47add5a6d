//! How a notification reaches an account's mailbox: at once, in the daily digest, or not at
//! all. The account chooses per kind, except for the mandatory kinds (emergency accesses,
//! account events), which always go at once. The decision is `route`, pure.

use super::{Kind, Recipient};
use serde::Serialize;

/// An account's choice for one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailMode {
    Immediate,
    /// In the daily digest (`crate::information::digest`).
    Digest,
    Never,
}

impl EmailMode {
    pub const ALL: [EmailMode; 3] = [EmailMode::Immediate, EmailMode::Digest, EmailMode::Never];

    pub fn as_str(self) -> &'static str {
        match self {
            EmailMode::Immediate => "immediate",
            EmailMode::Digest => "digest",
            EmailMode::Never => "never",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// What a kind does when the account never chose: every access goes in the digest (a
    /// doctor at work reads a record many times a day), everything else at once.
    pub fn default_for(kind: Kind) -> Self {
        match kind {
            Kind::Access => EmailMode::Digest,
            _ => EmailMode::Immediate,
        }
    }

    /// What an account chose for `kind`, among its stored choices `(kind, mode)` (the rows of
    /// `mds_store::notifications::preferences`); `None` when it never chose.
    pub fn chosen(choices: &[(String, String)], kind: Kind) -> Option<Self> {
        choices
            .iter()
            .find(|(k, _)| k == kind.as_str())
            .and_then(|(_, m)| Self::parse(m))
    }

    /// The mode that applies: the mandatory kinds always go at once, the others as chosen.
    pub fn effective(kind: Kind, chosen: Option<EmailMode>) -> Self {
        if kind.mandatory() {
            EmailMode::Immediate
        } else {
            chosen.unwrap_or(Self::default_for(kind))
        }
    }
}

/// Where one notification's e-mail goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    Outbox,
    Digest,
    Nowhere,
}

/// The e-mail route of `kind` for `r`, given what the account chose: nothing without an
/// address, nothing to an inactive account except the events of the account itself (closure,
/// erasure: the point of telling), else the effective mode.
pub(crate) fn route(kind: Kind, r: &Recipient, chosen: Option<EmailMode>) -> Route {
    if r.email.is_none() || !(r.active || kind.account_event()) {
        return Route::Nowhere;
    }
    match EmailMode::effective(kind, chosen) {
        EmailMode::Immediate => Route::Outbox,
        EmailMode::Digest => Route::Digest,
        EmailMode::Never => Route::Nowhere,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mds_domain::AccountId;
    use EmailMode::{Digest, Immediate, Never};

    #[test]
    fn email_route_decision_table() {
        let r = |email: bool, active: bool| Recipient {
            account_id: AccountId::from_uuid_text("a".to_owned()),
            email: email.then(|| "p@example.nc".to_owned()),
            active,
            language: mds_domain::Language::Fr,
        };
        // (name, kind, recipient, chosen, expected)
        let cases = [
            (
                "document, default",
                Kind::DocumentAdded,
                r(true, true),
                None,
                Route::Outbox,
            ),
            (
                "document, never",
                Kind::DocumentAdded,
                r(true, true),
                Some(Never),
                Route::Nowhere,
            ),
            (
                "document, digest",
                Kind::DocumentAdded,
                r(true, true),
                Some(Digest),
                Route::Digest,
            ),
            (
                "document, no address",
                Kind::DocumentAdded,
                r(false, true),
                None,
                Route::Nowhere,
            ),
            (
                "document, inactive",
                Kind::DocumentAdded,
                r(true, false),
                None,
                Route::Nowhere,
            ),
            (
                "access, default",
                Kind::Access,
                r(true, true),
                None,
                Route::Digest,
            ),
            (
                "access, immediate",
                Kind::Access,
                r(true, true),
                Some(Immediate),
                Route::Outbox,
            ),
            (
                "access, never",
                Kind::Access,
                r(true, true),
                Some(Never),
                Route::Nowhere,
            ),
            (
                "first access, default",
                Kind::FirstAccess,
                r(true, true),
                None,
                Route::Outbox,
            ),
            (
                "break-glass, never",
                Kind::BreakGlass,
                r(true, true),
                Some(Never),
                Route::Outbox,
            ),
            (
                "break-glass, digest",
                Kind::BreakGlass,
                r(true, true),
                Some(Digest),
                Route::Outbox,
            ),
            (
                "samu, never",
                Kind::Samu,
                r(true, true),
                Some(Never),
                Route::Outbox,
            ),
            (
                "break-glass, inactive",
                Kind::BreakGlass,
                r(true, false),
                None,
                Route::Nowhere,
            ),
            (
                "closure, closed",
                Kind::AccountClosed,
                r(true, false),
                Some(Never),
                Route::Outbox,
            ),
            (
                "erasure, no address",
                Kind::ErasureDone,
                r(false, false),
                None,
                Route::Nowhere,
            ),
            (
                "consent, never",
                Kind::ConsentRequest,
                r(true, true),
                Some(Never),
                Route::Nowhere,
            ),
        ];
        let failing: Vec<_> = cases
            .iter()
            .filter(|(_, k, rc, chosen, want)| route(*k, rc, *chosen) != *want)
            .map(|c| c.0)
            .collect();
        assert!(failing.is_empty(), "failing cases: {failing:?}");
    }

    #[test]
    fn modes_round_trip() {
        for m in EmailMode::ALL {
            assert_eq!(EmailMode::parse(m.as_str()), Some(m));
        }
        assert_eq!(EmailMode::parse("weekly"), None);
    }
}
