//! The outcome of `decide`. A denial is an ordinary value, not an error. A `Permit` can only be
//! built inside this crate, so code that requires one cannot be reached without a decision.

use crate::mode::Mode;
use crate::request::ActionKind;
use crate::rule::{deny_text, deny_text_en, permit_text, permit_text_en, Rule};
use mds_domain::{DocumentId, PatientId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Permit(Permit),
    Deny(Denial),
}

/// Proof that policy allowed one action on one record (and document). Its fields are private
/// and it has no public constructor: only `decide` makes one. Functions that act (read content,
/// store a version…) should take a `&Permit` and check `action()`/`document()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Permit {
    mode: Mode,
    rule: Rule,
    explanation: &'static str,
    explanation_en: &'static str,
    action: ActionKind,
    patient: PatientId,
    document: Option<DocumentId>,
}

/// A refusal, with the rule that decided it and the sentence to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denial {
    pub mode: Mode,
    pub rule: Rule,
    /// Plain French, readable by a patient or shown to the professional.
    pub reason: &'static str,
    /// The same sentence in English.
    pub reason_en: &'static str,
}

impl Permit {
    pub(crate) fn new(
        mode: Mode,
        rule: Rule,
        as_depositor: bool,
        action: ActionKind,
        patient: PatientId,
        document: Option<DocumentId>,
    ) -> Self {
        Self {
            mode,
            rule,
            explanation: permit_text(rule, mode, as_depositor),
            explanation_en: permit_text_en(rule, mode, as_depositor),
            action,
            patient,
            document,
        }
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn rule(&self) -> Rule {
        self.rule
    }

    /// Plain French, e.g. « Autorisé : vous faites partie de l'équipe de soins. »
    pub fn explanation(&self) -> &'static str {
        self.explanation
    }

    /// The same sentence in English.
    pub fn explanation_en(&self) -> &'static str {
        self.explanation_en
    }

    /// The action this permit covers.
    pub fn action(&self) -> ActionKind {
        self.action
    }

    /// The record this permit covers.
    pub fn patient(&self) -> &PatientId {
        &self.patient
    }

    /// The document this permit covers, for actions on one document.
    pub fn document(&self) -> Option<&DocumentId> {
        self.document.as_ref()
    }

    /// True when this permit covers `action` on `patient` (and `document`, if given).
    pub fn covers(
        &self,
        action: ActionKind,
        patient: &PatientId,
        document: Option<&DocumentId>,
    ) -> bool {
        self.action == action && &self.patient == patient && self.document.as_ref() == document
    }
}

impl Denial {
    pub(crate) fn new(mode: Mode, rule: Rule) -> Self {
        Self {
            mode,
            rule,
            reason: deny_text(rule, mode),
            reason_en: deny_text_en(rule, mode),
        }
    }
}

impl Decision {
    pub fn is_permit(&self) -> bool {
        matches!(self, Self::Permit(_))
    }

    pub fn mode(&self) -> Mode {
        match self {
            Self::Permit(p) => p.mode,
            Self::Deny(d) => d.mode,
        }
    }

    pub fn rule(&self) -> Rule {
        match self {
            Self::Permit(p) => p.rule,
            Self::Deny(d) => d.rule,
        }
    }

    /// The plain-French sentence for either outcome.
    pub fn explanation(&self) -> &'static str {
        match self {
            Self::Permit(p) => p.explanation,
            Self::Deny(d) => d.reason,
        }
    }

    /// The same sentence in English.
    pub fn explanation_en(&self) -> &'static str {
        match self {
            Self::Permit(p) => p.explanation_en,
            Self::Deny(d) => d.reason_en,
        }
    }

    /// `Ok(permit)` to go on with, `Err(denial)` to audit and answer.
    pub fn into_result(self) -> Result<Permit, Denial> {
        match self {
            Self::Permit(p) => Ok(p),
            Self::Deny(d) => Err(d),
        }
    }
}
