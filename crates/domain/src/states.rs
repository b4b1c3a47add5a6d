//! The closed sets of values a record, a document or an access can be in, each stored and
//! exchanged as a stable snake_case text (`as_str` / `parse`). Nothing above the store
//! compares these as text: the store decodes them into these types.

use serde::{Deserialize, Serialize};

/// Declares a text-backed enumeration: `as_str`, `parse`, `ALL` and serde as the same text.
macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stored (and exchanged) text.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// Who deposited a document, as the record shows its origin (DESIGN.md 5).
    DocumentSource {
        Professional => "professional",
        Patient => "patient",
        /// A structure's software, in the name of one of its professionals.
        Software => "software",
    }
);

text_enum!(
    /// The kind of user who uploaded a document (the author may be another person).
    DepositorKind {
        Patient => "patient",
        Professional => "professional",
        /// In the name of their professional, who is the author.
        Assistant => "assistant",
        Software => "software",
    }
);

text_enum!(
    /// Whether a patient's identity traits were checked against an identity document.
    IdentityStatus {
        Provisional => "provisional",
        Validated => "validated",
    }
);

text_enum!(
    /// The life of a consent request (DESIGN.md 4.3). A granted consent becomes `Expired`
    /// when the expiry job records its end (and is shown as such once past its end).
    ConsentState {
        Requested => "requested",
        Granted => "granted",
        Refused => "refused",
        Revoked => "revoked",
        Expired => "expired",
    }
);

text_enum!(
    /// The two kinds of emergency access (DESIGN.md 4.1, modes 4 and 5).
    EmergencyKind {
        BreakGlass => "break_glass",
        Samu => "samu",
    }
);

text_enum!(
    /// A self-enrolment waiting for support's identity verification.
    EnrolmentState {
        Pending => "pending",
        Validated => "validated",
        Rejected => "rejected",
    }
);

text_enum!(
    /// A professional's creation held for support because of a near duplicate.
    ReviewStatus {
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
    }
);

text_enum!(
    /// A supervision alert, raised by a rule, then reviewed by support.
    AlertState {
        Open => "open",
        Reviewed => "reviewed",
    }
);

text_enum!(
    /// A structure software credential.
    CredentialState {
        Active => "active",
        Revoked => "revoked",
    }
);

text_enum!(
    /// What an identity file (a scan, a signed form) belongs to.
    FileOwnerKind {
        Patient => "patient",
        Enrolment => "enrolment",
        Review => "review",
        /// A request of a person who lost their second factor.
        Recovery => "recovery",
    }
);

text_enum!(
    /// Where a request of a person who lost their second factor stands.
    RecoveryState {
        Pending => "pending",
        /// Support checked the identity and re-issued an enrolment (or found nothing to do).
        Handled => "handled",
        /// Support could not confirm the identity; the person is told why.
        Rejected => "rejected",
    }
);

text_enum!(
    /// What a patient's identifier number is (DESIGN.md 2): a CAFAT affiliation number, or the
    /// number of a provincial free medical aid card (AMG) for a person without CAFAT cover.
    /// Each kind is its own number space.
    IdentifierKind {
        Cafat => "cafat",
        Amg => "amg",
    }
);

text_enum!(
    /// What an identity file is.
    FilePurpose {
        IdentityDocument => "identity_document",
        CafatCard => "cafat_card",
        /// The dedicated consent signed at an inactive record's creation.
        ConsentForm => "consent_form",
        /// The signed form of a consent given in person by a patient without an account.
        ConsentAttestation => "consent_attestation",
        /// The legal document naming a person's legal representative (a minor's parenthood,
        /// a guardianship or curatorship judgment).
        LegalRepresentation => "legal_representation",
    }
);

text_enum!(
    /// Why an account holder represents a person (issue 15): a parent for a minor, a
    /// guardian (tutelle) or a curator (curatelle) for a protected adult.
    RepresentationKind {
        Parent => "parent",
        Guardian => "guardian",
        Curator => "curator",
    }
);

impl RepresentationKind {
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Parent => "parent (titulaire de l'autorité parentale)",
            Self::Guardian => "tuteur",
            Self::Curator => "curateur",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Parent => "parent (holding parental authority)",
            Self::Guardian => "guardian",
            Self::Curator => "curator",
        }
    }
}

text_enum!(
    /// Who performed an audited action.
    ActorKind {
        Patient => "patient",
        Professional => "professional",
        Assistant => "assistant",
        Support => "support",
        /// The service itself (timers, expiry, retention, supervision).
        System => "system",
        /// A structure's software acting in the name of one of its professionals.
        StructureSoftware => "structure_software",
        /// Someone not signed in (a failed sign-in, a self-enrolment).
        Anonymous => "anonymous",
    }
);

impl From<crate::AccountKind> for ActorKind {
    fn from(kind: crate::AccountKind) -> Self {
        match kind {
            crate::AccountKind::Patient => Self::Patient,
            crate::AccountKind::Professional => Self::Professional,
            crate::AccountKind::Assistant => Self::Assistant,
            crate::AccountKind::Support => Self::Support,
        }
    }
}

text_enum!(
    /// The result of an audited action. A denial by the policy is `Deny`; an action that was
    /// permitted but failed afterwards (wrong password, storage error) is `Failure`.
    Outcome {
        Permit => "permit",
        Deny => "deny",
        Success => "success",
        Failure => "failure",
    }
);

text_enum!(
    /// A timer fires once, or is cancelled before.
    TimerState {
        Pending => "pending",
        Fired => "fired",
        Cancelled => "cancelled",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_round_trips_through_its_text() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            text: fn(T) -> &'static str,
            parse: fn(&str) -> Option<T>,
        ) {
            for v in all {
                assert_eq!(parse(text(*v)), Some(*v));
            }
            assert_eq!(parse("no-such-value"), None);
        }
        check(
            DocumentSource::ALL,
            DocumentSource::as_str,
            DocumentSource::parse,
        );
        check(
            DepositorKind::ALL,
            DepositorKind::as_str,
            DepositorKind::parse,
        );
        check(
            IdentityStatus::ALL,
            IdentityStatus::as_str,
            IdentityStatus::parse,
        );
        check(ConsentState::ALL, ConsentState::as_str, ConsentState::parse);
        check(
            EmergencyKind::ALL,
            EmergencyKind::as_str,
            EmergencyKind::parse,
        );
        check(
            EnrolmentState::ALL,
            EnrolmentState::as_str,
            EnrolmentState::parse,
        );
        check(ReviewStatus::ALL, ReviewStatus::as_str, ReviewStatus::parse);
        check(AlertState::ALL, AlertState::as_str, AlertState::parse);
        check(
            RepresentationKind::ALL,
            RepresentationKind::as_str,
            RepresentationKind::parse,
        );
        check(
            CredentialState::ALL,
            CredentialState::as_str,
            CredentialState::parse,
        );
        check(
            FileOwnerKind::ALL,
            FileOwnerKind::as_str,
            FileOwnerKind::parse,
        );
        check(FilePurpose::ALL, FilePurpose::as_str, FilePurpose::parse);
        check(
            RecoveryState::ALL,
            RecoveryState::as_str,
            RecoveryState::parse,
        );
        check(
            IdentifierKind::ALL,
            IdentifierKind::as_str,
            IdentifierKind::parse,
        );
        check(ActorKind::ALL, ActorKind::as_str, ActorKind::parse);
        check(Outcome::ALL, Outcome::as_str, Outcome::parse);
        check(TimerState::ALL, TimerState::as_str, TimerState::parse);
    }

    #[test]
    fn serde_uses_the_stored_text() {
        let json = serde_json::to_string(&EmergencyKind::BreakGlass).unwrap_or_default();
        assert_eq!(json, "\"break_glass\"");
    }
}
