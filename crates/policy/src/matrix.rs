//! The MDS access matrix (DESIGN.md 4.2) as data: document action × access mode → a cell such as
//! `if_depositor`. Loaded from CSV; this module only evaluates cells, it does not know actors.

use crate::csv;
use crate::error::PolicyError;
use crate::request::DocumentFacts;

/// The shipped copy of `reference/access-matrix.csv`.
pub const EMBEDDED_ACCESS_MATRIX: &str = include_str!("../../../reference/access-matrix.csv");
pub(crate) const FILE: &str = "access-matrix";

/// The document actions the matrix speaks about (its rows).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MatrixAction {
    Add,
    Read,
    Modify,
    List,
    Delete,
}

impl MatrixAction {
    pub const ALL: [Self; 5] = [
        Self::Add,
        Self::Read,
        Self::Modify,
        Self::List,
        Self::Delete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Read => "read",
            Self::Modify => "modify",
            Self::List => "list",
            Self::Delete => "delete",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The columns of the matrix: the patient, then each access mode of a professional.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MatrixColumn {
    Patient,
    CareTeam,
    Consented,
    BreakGlass,
    Samu,
    NoAccess,
    Blocked,
}

impl MatrixColumn {
    pub const ALL: [Self; 7] = [
        Self::Patient,
        Self::CareTeam,
        Self::Consented,
        Self::BreakGlass,
        Self::Samu,
        Self::NoAccess,
        Self::Blocked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::CareTeam => "care_team",
            Self::Consented => "consented",
            Self::BreakGlass => "break_glass",
            Self::Samu => "samu",
            Self::NoAccess => "no_access",
            Self::Blocked => "blocked",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One cell of the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MatrixCell {
    Yes,
    No,
    /// Only the account in whose name the document was deposited.
    IfDepositor,
    /// Unless the document is masked from professionals and the actor did not deposit it.
    UnlessConfidentialAndNotDepositor,
    /// Unless the document is hidden from the patient (pending an announcement consultation).
    UnlessHiddenFromPatient,
}

impl MatrixCell {
    pub const ALL: [Self; 5] = [
        Self::Yes,
        Self::No,
        Self::IfDepositor,
        Self::UnlessConfidentialAndNotDepositor,
        Self::UnlessHiddenFromPatient,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
            Self::IfDepositor => "if_depositor",
            Self::UnlessConfidentialAndNotDepositor => "unless_confidential_and_not_depositor",
            Self::UnlessHiddenFromPatient => "unless_hidden_from_patient",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// Applies the cell to a document (`None` for actions on the whole record: add, list).
    /// Without a document, a condition on the document cannot fail, but `if_depositor` cannot
    /// hold either.
    pub fn evaluate(self, document: Option<&DocumentFacts>, is_depositor: bool) -> CellOutcome {
        match (self, document) {
            (Self::Yes, _) => CellOutcome::Allowed,
            (Self::No, _) => CellOutcome::Refused,
            (Self::IfDepositor, Some(_)) if is_depositor => CellOutcome::AllowedAsDepositor,
            (Self::IfDepositor, _) => CellOutcome::Refused,
            (Self::UnlessConfidentialAndNotDepositor, Some(d)) if d.confidential => {
                if is_depositor {
                    CellOutcome::AllowedAsDepositor
                } else {
                    CellOutcome::Refused
                }
            }
            (Self::UnlessHiddenFromPatient, Some(d)) if d.hidden_from_patient => {
                CellOutcome::Refused
            }
            (Self::UnlessConfidentialAndNotDepositor | Self::UnlessHiddenFromPatient, _) => {
                CellOutcome::Allowed
            }
        }
    }
}

/// What a cell says about one document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellOutcome {
    Allowed,
    /// Allowed because the actor deposited the document (worth saying in the explanation).
    AllowedAsDepositor,
    Refused,
}

/// The typed matrix. Parsing checks its shape; the safety properties (a blocked professional
/// gets nothing…) are checked by [`crate::safety::check`] when a policy is loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matrix {
    cells: [[MatrixCell; 7]; 5],
}

impl Matrix {
    /// Parses a matrix file: a header `action,<column>…` naming each of the seven columns once
    /// (in any order), then one row per action, each action exactly once.
    pub fn from_csv(text: &str) -> Result<Self, PolicyError> {
        let mut records = csv::records(text);
        let header = records.next().ok_or(PolicyError::Empty { file: FILE })?;
        let expected = "action,patient,care_team,consented,break_glass,samu,no_access,blocked";
        if header.fields.first() != Some(&"action") {
            return Err(PolicyError::BadHeader {
                file: FILE,
                line: header.line,
                expected,
            });
        }
        let mut columns: Vec<MatrixColumn> = Vec::new();
        for name in &header.fields[1..] {
            let column = MatrixColumn::parse(name).ok_or_else(|| PolicyError::UnknownColumn {
                file: FILE,
                line: header.line,
                value: (*name).to_owned(),
            })?;
            if columns.contains(&column) {
                return Err(PolicyError::DuplicateColumn {
                    file: FILE,
                    line: header.line,
                    value: (*name).to_owned(),
                });
            }
            columns.push(column);
        }
        if columns.len() != MatrixColumn::ALL.len() {
            return Err(PolicyError::BadHeader {
                file: FILE,
                line: header.line,
                expected,
            });
        }

        let mut rows: [Option<[MatrixCell; 7]>; 5] = [None; 5];
        for record in records {
            let line = record.line;
            if record.fields.len() != header.fields.len() {
                return Err(PolicyError::FieldCount {
                    file: FILE,
                    line,
                    expected: header.fields.len(),
                    found: record.fields.len(),
                });
            }
            let name = record.fields[0];
            let action = MatrixAction::parse(name).ok_or_else(|| PolicyError::UnknownAction {
                file: FILE,
                line,
                value: name.to_owned(),
            })?;
            if rows[action.index()].is_some() {
                return Err(PolicyError::DuplicateAction {
                    file: FILE,
                    line,
                    value: name.to_owned(),
                });
            }
            let mut row = [MatrixCell::No; 7];
            for (column, value) in columns.iter().zip(&record.fields[1..]) {
                let cell = MatrixCell::parse(value).ok_or_else(|| PolicyError::UnknownValue {
                    file: FILE,
                    line,
                    value: (*value).to_owned(),
                })?;
                row[column.index()] = cell;
            }
            rows[action.index()] = Some(row);
        }

        let mut cells = [[MatrixCell::No; 7]; 5];
        for action in MatrixAction::ALL {
            cells[action.index()] = rows[action.index()].ok_or(PolicyError::MissingAction {
                file: FILE,
                action: action.as_str(),
            })?;
        }
        Ok(Self { cells })
    }

    /// A matrix that refuses everything: the fail-closed fallback.
    pub fn deny_all() -> Self {
        Self {
            cells: [[MatrixCell::No; 7]; 5],
        }
    }

    pub fn cell(&self, action: MatrixAction, column: MatrixColumn) -> MatrixCell {
        self.cells[action.index()][column.index()]
    }
}

impl Default for Matrix {
    /// The embedded MDS matrix. Its loading is checked by the tests; if it ever failed, the
    /// fallback refuses everything rather than guess.
    fn default() -> Self {
        Self::from_csv(EMBEDDED_ACCESS_MATRIX).unwrap_or_else(|_| Self::deny_all())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_matrix_loads_and_matches_design() {
        let m = Matrix::from_csv(EMBEDDED_ACCESS_MATRIX).unwrap();
        assert_eq!(m, Matrix::default());
        use MatrixAction as A;
        use MatrixCell as C;
        use MatrixColumn as K;
        assert_eq!(m.cell(A::Read, K::Patient), C::UnlessHiddenFromPatient);
        assert_eq!(
            m.cell(A::Read, K::Samu),
            C::UnlessConfidentialAndNotDepositor
        );
        assert_eq!(m.cell(A::Read, K::NoAccess), C::IfDepositor);
        assert_eq!(m.cell(A::List, K::NoAccess), C::No);
        assert_eq!(m.cell(A::Delete, K::Patient), C::Yes);
        assert_eq!(m.cell(A::Add, K::NoAccess), C::Yes);
        for a in A::ALL {
            assert_eq!(m.cell(a, K::Blocked), C::No);
        }
    }

    #[test]
    fn columns_may_come_in_any_order() {
        let text = "action,blocked,no_access,samu,break_glass,consented,care_team,patient\n\
                    add,no,yes,yes,yes,yes,yes,yes\nread,no,no,no,no,no,no,yes\n\
                    modify,no,no,no,no,no,no,no\nlist,no,no,no,no,no,no,no\n\
                    delete,no,no,no,no,no,no,no\n";
        let m = Matrix::from_csv(text).unwrap();
        assert_eq!(
            m.cell(MatrixAction::Read, MatrixColumn::Patient),
            MatrixCell::Yes
        );
        assert_eq!(
            m.cell(MatrixAction::Read, MatrixColumn::CareTeam),
            MatrixCell::No
        );
    }

    #[test]
    fn malformed_matrices_are_refused() {
        let head = "action,patient,care_team,consented,break_glass,samu,no_access,blocked\n";
        let ok_rows = [
            "add,yes,yes,yes,yes,yes,yes,no",
            "read,yes,yes,yes,yes,yes,yes,no",
            "modify,yes,yes,yes,yes,yes,yes,no",
            "list,yes,yes,yes,yes,yes,yes,no",
            "delete,yes,yes,yes,yes,yes,yes,no",
        ];
        let with = |rows: &[&str]| format!("{head}{}\n", rows.join("\n"));
        assert!(Matrix::from_csv(&with(&ok_rows)).is_ok());
        assert_eq!(Matrix::from_csv(""), Err(PolicyError::Empty { file: FILE }));
        assert!(matches!(
            Matrix::from_csv("verb,patient\n"),
            Err(PolicyError::BadHeader { line: 1, .. })
        ));
        assert!(matches!(
            Matrix::from_csv("action,patient,care_team\n"),
            Err(PolicyError::BadHeader { .. })
        ));
        assert!(matches!(
            Matrix::from_csv("action,patient,patient\n"),
            Err(PolicyError::DuplicateColumn { .. })
        ));
        assert!(matches!(
            Matrix::from_csv("action,patient,doctor\n"),
            Err(PolicyError::UnknownColumn { .. })
        ));
        let mut rows = ok_rows;
        rows[1] = "read,maybe,yes,yes,yes,yes,yes,no";
        assert!(matches!(
            Matrix::from_csv(&with(&rows)),
            Err(PolicyError::UnknownValue { line: 3, .. })
        ));
        rows[1] = "read,yes,yes";
        assert!(matches!(
            Matrix::from_csv(&with(&rows)),
            Err(PolicyError::FieldCount { found: 3, .. })
        ));
        rows[1] = "print,yes,yes,yes,yes,yes,yes,no";
        assert!(matches!(
            Matrix::from_csv(&with(&rows)),
            Err(PolicyError::UnknownAction { .. })
        ));
        rows[1] = "add,yes,yes,yes,yes,yes,yes,no";
        assert!(matches!(
            Matrix::from_csv(&with(&rows)),
            Err(PolicyError::DuplicateAction { line: 3, .. })
        ));
        assert!(matches!(
            Matrix::from_csv(&with(&ok_rows[..4])),
            Err(PolicyError::MissingAction {
                action: "delete",
                ..
            })
        ));
    }
}
