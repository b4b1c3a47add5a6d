//! The safety properties a candidate policy must keep before it is accepted (issue 17, item 5),
//! as data: each is a list of inequalities between matrix cells ("this cell allows no more
//! than that one"), the same properties `tests/policy/properties.rs` checks on `decide`.
//! "Allows no more" is computed, not ordered by hand: a cell allows no more than another when,
//! in every situation a cell can see (a document or none, masked or not, hidden from the
//! patient or not, deposited by the actor or not), the first allows only where the second does.
//! A violation names the cell and the property, so the authority sees what to change.

use crate::habilitation::Habilitation;
use crate::matrix::{CellOutcome, Matrix, MatrixAction, MatrixCell, MatrixColumn};
use crate::request::DocumentFacts;
use mds_domain::{DocumentStatus, PatientId, Profession};
use std::fmt;

mod diff;
pub use diff::{differences, CellChange, Differences};

/// A property the policy keeps whatever its version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Property {
    /// A blocked professional gets nothing (a block overrides every access).
    BlockedSeesNothing,
    /// Losing an access (leaving the care team, a consent revoked, a session expired) never
    /// widens access: the mode then falls to the next one `access_mode` finds (care team, then
    /// consent, then break-glass, then SAMU, then none), which must allow no more.
    LosingAccessNeverWidens,
    /// A professional without access gets nothing deposited by others, so a refusal says
    /// nothing about the document.
    NoAccessGetsOnlyOwnDeposits,
    /// What a list shows can be opened.
    ListedCanBeRead,
    /// The patient always reads and lists what is not hidden from them.
    PatientSeesWhatIsNotHidden,
    /// A document hidden from the patient stays hidden until it is released.
    HiddenStaysHidden,
    /// A document masked from professionals stays with its depositor.
    MaskedStaysMasked,
    /// Only the depositor deposits a new version of a document.
    OnlyTheDepositorModifies,
    /// Assistants add documents and never read: the habilitation opens nothing to them.
    AssistantsReadNothing,
}

impl Property {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BlockedSeesNothing => "blocked professionals see nothing",
            Self::LosingAccessNeverWidens => "losing an access never widens access",
            Self::NoAccessGetsOnlyOwnDeposits => {
                "a professional without access gets only their own deposits"
            }
            Self::ListedCanBeRead => "what is listed can be read",
            Self::PatientSeesWhatIsNotHidden => "the patient sees what is not hidden from them",
            Self::HiddenStaysHidden => "a document hidden from the patient stays hidden",
            Self::MaskedStaysMasked => "a masked document stays with its depositor",
            Self::OnlyTheDepositorModifies => "only the depositor modifies a document",
            Self::AssistantsReadNothing => "assistants never read",
        }
    }
}

/// One side of an inequality: a cell of the candidate, or a fixed value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Term {
    Cell(MatrixAction, MatrixColumn),
    Value(MatrixCell),
}

/// A broken property: `cell` (of the candidate) allows more than `limit` or less than `floor`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    Matrix {
        property: Property,
        action: MatrixAction,
        column: MatrixColumn,
        found: MatrixCell,
        /// The cell it must allow no more (`true`) or no less (`false`) than, and its value.
        at_most: bool,
        bound: Term,
        bound_value: MatrixCell,
    },
    Habilitation {
        property: Property,
        profession: &'static str,
        type_code: &'static str,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Matrix {
                property,
                action,
                column,
                found,
                at_most,
                bound,
                bound_value,
            } => {
                let side = if *at_most { "no more" } else { "no less" };
                let against = match bound {
                    Term::Cell(a, c) => format!(
                        "cell {} × {} (`{}`)",
                        a.as_str(),
                        c.as_str(),
                        bound_value.as_str()
                    ),
                    Term::Value(v) => format!("`{}`", v.as_str()),
                };
                write!(
                    f,
                    "access matrix cell {} × {} = `{}` must allow {side} than {against} ({})",
                    action.as_str(),
                    column.as_str(),
                    found.as_str(),
                    property.as_str()
                )
            }
            Self::Habilitation {
                property,
                profession,
                type_code,
            } => write!(
                f,
                "habilitation row {profession},{type_code} is not allowed ({})",
                property.as_str()
            ),
        }
    }
}

const PROFESSIONAL_ACCESS: [MatrixColumn; 4] = [
    MatrixColumn::CareTeam,
    MatrixColumn::Consented,
    MatrixColumn::BreakGlass,
    MatrixColumn::Samu,
];

/// Every inequality `narrow ≤ wide` the matrix must satisfy, with its property.
pub fn constraints() -> Vec<(Property, Term, Term)> {
    use MatrixAction as A;
    use MatrixCell as V;
    use MatrixColumn as C;
    use Term::{Cell, Value};
    let mut out = Vec::new();
    // The order `access_mode` tries the modes in, the weakest last.
    let precedence = [
        C::CareTeam,
        C::Consented,
        C::BreakGlass,
        C::Samu,
        C::NoAccess,
    ];
    for action in A::ALL {
        out.push((
            Property::BlockedSeesNothing,
            Cell(action, C::Blocked),
            Value(V::No),
        ));
        for pair in precedence.windows(2) {
            out.push((
                Property::LosingAccessNeverWidens,
                Cell(action, pair[1]),
                Cell(action, pair[0]),
            ));
        }
    }
    for action in [A::Read, A::Modify, A::Delete] {
        out.push((
            Property::NoAccessGetsOnlyOwnDeposits,
            Cell(action, C::NoAccess),
            Value(V::IfDepositor),
        ));
    }
    for column in C::ALL {
        out.push((
            Property::ListedCanBeRead,
            Cell(A::List, column),
            Cell(A::Read, column),
        ));
        out.push((
            Property::OnlyTheDepositorModifies,
            Cell(A::Modify, column),
            Value(V::IfDepositor),
        ));
    }
    for action in [A::Read, A::List] {
        out.push((
            Property::PatientSeesWhatIsNotHidden,
            Value(V::UnlessHiddenFromPatient),
            Cell(action, C::Patient),
        ));
        out.push((
            Property::HiddenStaysHidden,
            Cell(action, C::Patient),
            Value(V::UnlessHiddenFromPatient),
        ));
        for column in PROFESSIONAL_ACCESS.into_iter().chain([C::NoAccess]) {
            out.push((
                Property::MaskedStaysMasked,
                Cell(action, column),
                Value(V::UnlessConfidentialAndNotDepositor),
            ));
        }
    }
    out
}

/// The properties `matrix` and `habilitation` break (empty: the candidate may be accepted).
pub fn check(matrix: &Matrix, habilitation: &Habilitation) -> Vec<Violation> {
    let value = |term: Term| match term {
        Term::Cell(a, c) => matrix.cell(a, c),
        Term::Value(v) => v,
    };
    let mut out = Vec::new();
    for (property, narrow, wide) in constraints() {
        let (n, w) = (value(narrow), value(wide));
        if allows_no_more(n, w) {
            continue;
        }
        // Name the candidate's cell: the narrow side if it is one, else the wide side.
        let (cell, at_most, bound) = match (narrow, wide) {
            (Term::Cell(a, c), _) => ((a, c), true, wide),
            (Term::Value(_), Term::Cell(a, c)) => ((a, c), false, narrow),
            (Term::Value(_), Term::Value(_)) => continue,
        };
        out.push(Violation::Matrix {
            property,
            action: cell.0,
            column: cell.1,
            found: matrix.cell(cell.0, cell.1),
            at_most,
            bound,
            bound_value: value(bound),
        });
    }
    if let Some(assistant) = Profession::from_slug("assistant") {
        for type_code in habilitation.types_for(assistant) {
            out.push(Violation::Habilitation {
                property: Property::AssistantsReadNothing,
                profession: assistant.slug(),
                type_code,
            });
        }
    }
    out
}

/// Whether `narrow` allows only where `wide` allows, in every situation a cell can see.
pub fn allows_no_more(narrow: MatrixCell, wide: MatrixCell) -> bool {
    situations().all(|(document, depositor)| {
        let allowed =
            |cell: MatrixCell| cell.evaluate(document.as_ref(), depositor) != CellOutcome::Refused;
        !allowed(narrow) || allowed(wide)
    })
}

/// No document, or one with each combination of masked / hidden; deposited by the actor or not.
fn situations() -> impl Iterator<Item = (Option<DocumentFacts>, bool)> {
    let document = |confidential: bool, hidden_from_patient: bool| DocumentFacts {
        id: mds_domain::DocumentId::named(""),
        patient: PatientId::named(""),
        depositor: None,
        type_code: String::new(),
        confidential,
        hidden_from_patient,
        status: DocumentStatus::Current,
    };
    let documents = [
        None,
        Some(document(false, false)),
        Some(document(true, false)),
        Some(document(false, true)),
        Some(document(true, true)),
    ];
    documents
        .into_iter()
        .flat_map(|d| [(d.clone(), false), (d, true)])
}

#[cfg(test)]
mod tests;
