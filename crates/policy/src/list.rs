//! Listing a record: which of its documents an actor's list shows. [`Lister`] decides once
//! whether and in which mode the listing is permitted, then answers per document
//! ([`Lister::shows`], the same answer as `decide` on each) or as conditions on a document's
//! columns ([`ListScope`]) that the store turns into its `WHERE`, so that a page reads only
//! its rows. The two agree on every document (property test `the_scope_admits_what_the_lister_shows`).

use crate::decide::Ctx;
use crate::matrix::{MatrixAction, MatrixCell, MatrixColumn};
use crate::mode::Mode;
use crate::request::{Action, Actor, DocumentFacts};
use crate::Facts;
use mds_domain::{AccountId, DocumentStatus, Timestamp};

/// Whether `document` appears in `actor`'s list of the record of `facts`. Consistent with
/// `decide`: true only if listing is permitted, the document is the current version, and the
/// matrix's list cell and the habilitation (unless the actor deposited it) allow it. With the
/// shipped matrix, a visible document is also readable.
pub fn visible_in_list(
    actor: &Actor,
    facts: &Facts<'_>,
    document: &DocumentFacts,
    now: Timestamp,
) -> bool {
    Lister::new(actor, facts, now).shows(document)
}

const LIST: Action = Action::ListDocuments;

/// [`visible_in_list`] for every document of one listing.
pub struct Lister<'a, 'p> {
    ctx: Ctx<'a, 'p>,
    permitted: bool,
}

/// The documents of the record a listing shows, as conditions on their columns; besides
/// these, only current versions of the record's documents are ever shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListScope {
    /// False: the listing shows nothing.
    pub any: bool,
    /// The account whose deposits the conditions below spare (the patient, or the
    /// professional the actor is or acts for).
    pub depositor: Option<AccountId>,
    /// Only the depositor's documents.
    pub only_deposited: bool,
    /// Documents hidden from the patient are left out.
    pub without_hidden: bool,
    /// Confidential documents are left out, except the depositor's.
    pub without_confidential: bool,
    /// `Some`: documents of other types are left out, except the depositor's (habilitation).
    pub types: Option<Vec<&'static str>>,
}

impl ListScope {
    fn nothing() -> Self {
        Self {
            any: false,
            depositor: None,
            only_deposited: false,
            without_hidden: false,
            without_confidential: false,
            types: None,
        }
    }

    /// Whether a current document of the record meets the conditions.
    pub fn admits(&self, d: &DocumentFacts) -> bool {
        let deposited = self.depositor.is_some() && d.depositor == self.depositor;
        self.any
            && (!self.only_deposited || deposited)
            && (!self.without_hidden || !d.hidden_from_patient)
            && (!self.without_confidential || !d.confidential || deposited)
            && self
                .types
                .as_ref()
                .is_none_or(|t| deposited || t.contains(&d.type_code.as_str()))
    }
}

impl<'a, 'p> Lister<'a, 'p> {
    pub fn new(actor: &'a Actor, facts: &'a Facts<'p>, now: Timestamp) -> Self {
        let ctx = Ctx::new(actor, &LIST, &facts.record.patient, facts, now);
        let permitted = ctx.decide().is_permit();
        Self { ctx, permitted }
    }

    /// Whether `document` appears in the list (same answer as [`visible_in_list`]).
    pub fn shows(&self, document: &DocumentFacts) -> bool {
        let ctx = &self.ctx;
        if !self.permitted
            || document.status != DocumentStatus::Current
            || document.patient != ctx.facts.record.patient
        {
            return false;
        }
        match (ctx.actor, ctx.mode) {
            (Actor::Patient { account }, _) => ctx
                .document_access(
                    MatrixAction::List,
                    MatrixColumn::Patient,
                    document,
                    account,
                    None,
                )
                .is_permit(),
            (
                Actor::Professional(p)
                | Actor::Software {
                    professional: p, ..
                },
                Mode::Professional(mode),
            ) => ctx
                .document_access(
                    MatrixAction::List,
                    mode.column(),
                    document,
                    &p.account,
                    Some(p),
                )
                .is_permit(),
            _ => false,
        }
    }

    /// The same rule as [`Lister::shows`], as conditions on columns.
    pub fn scope(&self) -> ListScope {
        let ctx = &self.ctx;
        if !self.permitted {
            return ListScope::nothing();
        }
        let policy = ctx.facts.policy;
        let (column, account, professional) = match (ctx.actor, ctx.mode) {
            (Actor::Patient { account }, _) => (MatrixColumn::Patient, account, None),
            (
                Actor::Professional(p)
                | Actor::Software {
                    professional: p, ..
                },
                Mode::Professional(mode),
            ) => (mode.column(), &p.account, Some(p)),
            _ => return ListScope::nothing(),
        };
        let cell = policy.matrix.cell(MatrixAction::List, column);
        let mut scope = ListScope {
            any: true,
            depositor: Some(account.clone()),
            ..ListScope::nothing()
        };
        match cell {
            MatrixCell::Yes => {}
            MatrixCell::No => return ListScope::nothing(),
            MatrixCell::IfDepositor => scope.only_deposited = true,
            MatrixCell::UnlessHiddenFromPatient => scope.without_hidden = true,
            MatrixCell::UnlessConfidentialAndNotDepositor => {
                // The attending physician may see confidential documents (a setting).
                let attending = professional.is_some_and(|p| {
                    policy.settings.attending_physician_sees_confidential
                        && ctx.facts.is_attending_physician(&p.account)
                });
                scope.without_confidential = !attending;
            }
        }
        if let Some(p) = professional {
            scope.types = Some(policy.habilitation.types_for(p.profession).collect());
        }
        scope
    }
}
