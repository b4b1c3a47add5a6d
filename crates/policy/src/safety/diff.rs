//! What a candidate policy changes against the one in force, for the authority to read
//! before publishing: each matrix cell that differs (and whether it widens, narrows or
//! both), each habilitation row opened or closed.

use crate::facts::Policy;
use crate::matrix::{MatrixAction, MatrixCell, MatrixColumn};
use crate::safety::allows_no_more;
use mds_domain::Profession;

/// One cell that differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellChange {
    pub action: MatrixAction,
    pub column: MatrixColumn,
    pub from: MatrixCell,
    pub to: MatrixCell,
    /// Allows somewhere the current cell refuses.
    pub widens: bool,
    /// Refuses somewhere the current cell allows.
    pub narrows: bool,
}

/// Everything a candidate changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Differences {
    pub cells: Vec<CellChange>,
    /// Habilitation rows (profession slug, type code) the candidate opens.
    pub opened: Vec<(&'static str, &'static str)>,
    /// Rows it closes.
    pub closed: Vec<(&'static str, &'static str)>,
    /// Professions (assistants aside) the candidate opens no type to: they would read only
    /// their own deposits. Not refused (closing is safe), but worth a second look.
    pub professions_without_rows: Vec<&'static str>,
}

impl Differences {
    /// No cell or row changes (professions without rows are a note, not a change).
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty() && self.opened.is_empty() && self.closed.is_empty()
    }
}

pub fn differences(current: &Policy, candidate: &Policy) -> Differences {
    let mut cells = Vec::new();
    for action in MatrixAction::ALL {
        for column in MatrixColumn::ALL {
            let (from, to) = (
                current.matrix.cell(action, column),
                candidate.matrix.cell(action, column),
            );
            if from != to {
                cells.push(CellChange {
                    action,
                    column,
                    from,
                    to,
                    widens: !allows_no_more(to, from),
                    narrows: !allows_no_more(from, to),
                });
            }
        }
    }
    let before: Vec<_> = current.habilitation.rows().collect();
    let after: Vec<_> = candidate.habilitation.rows().collect();
    let professions_without_rows = Profession::all()
        .iter()
        .filter(|p| p.slug() != "assistant")
        .filter(|p| candidate.habilitation.types_for(**p).next().is_none())
        .map(|p| p.slug())
        .collect();
    Differences {
        professions_without_rows,
        cells,
        opened: after
            .iter()
            .filter(|r| !before.contains(r))
            .copied()
            .collect(),
        closed: before
            .iter()
            .filter(|r| !after.contains(r))
            .copied()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::PolicySettings;
    use crate::habilitation::EMBEDDED_HABILITATION;
    use crate::matrix::EMBEDDED_ACCESS_MATRIX;

    #[test]
    fn cells_and_rows_that_differ_are_listed() {
        let current = Policy::default();
        assert!(differences(&current, &current).is_empty());
        let matrix = EMBEDDED_ACCESS_MATRIX.replace(
            "delete,yes,if_depositor",
            "delete,if_depositor,if_depositor",
        );
        let habilitation = EMBEDDED_HABILITATION.replace("medecin,11488-4,published\r\n", "")
            + "infirmier,68599-0,nc\r\n";
        let candidate = Policy::load(&matrix, &habilitation, PolicySettings::default()).unwrap();
        let d = differences(&current, &candidate);
        assert_eq!(
            d.cells,
            vec![CellChange {
                action: MatrixAction::Delete,
                column: MatrixColumn::Patient,
                from: MatrixCell::Yes,
                to: MatrixCell::IfDepositor,
                widens: false,
                narrows: true,
            }]
        );
        assert_eq!(d.opened, vec![("infirmier", "68599-0")]);
        assert_eq!(d.closed, vec![("medecin", "11488-4")]);
        assert_eq!(d.professions_without_rows, Vec::<&str>::new());
        let only_doctors = "# version: x\nprofession,type_code\nmedecin,11488-4\n";
        let narrow = Policy::load(
            EMBEDDED_ACCESS_MATRIX,
            only_doctors,
            PolicySettings::default(),
        )
        .unwrap();
        let d = differences(&current, &narrow);
        assert!(d.professions_without_rows.contains(&"infirmier"));
        assert!(!d.professions_without_rows.contains(&"medecin"));
        assert!(!d.professions_without_rows.contains(&"assistant"));
    }
}
