use super::*;
use crate::matrix::EMBEDDED_ACCESS_MATRIX;
use MatrixAction as A;
use MatrixCell as V;
use MatrixColumn as C;

fn shipped() -> Matrix {
    Matrix::from_csv(EMBEDDED_ACCESS_MATRIX).unwrap()
}

/// The shipped matrix with some cells replaced.
fn with_cells(changes: &[(MatrixAction, MatrixColumn, MatrixCell)]) -> Matrix {
    let header: Vec<&str> = EMBEDDED_ACCESS_MATRIX
        .lines()
        .find(|l| l.starts_with("action,"))
        .unwrap()
        .split(',')
        .collect();
    let text: String = EMBEDDED_ACCESS_MATRIX
        .lines()
        .map(|line| {
            let mut fields: Vec<String> = line.split(',').map(str::to_owned).collect();
            for (action, column, cell) in changes {
                if fields.first().map(String::as_str) == Some(action.as_str()) {
                    let at = header.iter().position(|h| *h == column.as_str()).unwrap();
                    fields[at] = cell.as_str().to_owned();
                }
            }
            fields.join(",") + "\n"
        })
        .collect();
    Matrix::from_csv(&text).unwrap()
}

fn with_cell(action: MatrixAction, column: MatrixColumn, cell: MatrixCell) -> Matrix {
    with_cells(&[(action, column, cell)])
}

#[test]
fn the_shipped_policy_keeps_every_property() {
    assert_eq!(check(&shipped(), &Habilitation::default()), Vec::new());
}

#[test]
fn allows_no_more_is_the_inclusion_of_situations() {
    let cases = [
        (V::No, V::IfDepositor, true),
        (V::IfDepositor, V::No, false),
        (V::IfDepositor, V::UnlessConfidentialAndNotDepositor, true),
        (V::UnlessConfidentialAndNotDepositor, V::IfDepositor, false),
        (V::UnlessConfidentialAndNotDepositor, V::Yes, true),
        (V::Yes, V::UnlessHiddenFromPatient, false),
        (
            V::UnlessHiddenFromPatient,
            V::UnlessConfidentialAndNotDepositor,
            false,
        ),
        (
            V::UnlessConfidentialAndNotDepositor,
            V::UnlessHiddenFromPatient,
            false,
        ),
        (V::IfDepositor, V::UnlessHiddenFromPatient, false),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter(|(n, w, want)| allows_no_more(*n, *w) != *want)
        .map(|(n, w, want)| format!("{} ≤ {}: want {want}", n.as_str(), w.as_str()))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    for cell in V::ALL {
        assert!(allows_no_more(cell, cell));
        assert!(allows_no_more(V::No, cell));
        assert!(allows_no_more(cell, V::Yes));
    }
}

/// Each candidate changes one cell of the shipped matrix; the check names that cell and the
/// property it breaks (empty: the change is allowed).
#[test]
fn each_widening_is_refused_with_its_cell_named() {
    let cases: Vec<(&str, A, C, V, Vec<Property>)> = vec![
        (
            "blocked reads",
            A::Read,
            C::Blocked,
            V::Yes,
            vec![Property::BlockedSeesNothing],
        ),
        (
            "blocked adds",
            A::Add,
            C::Blocked,
            V::Yes,
            vec![Property::BlockedSeesNothing],
        ),
        // Listing one's own deposits without access would break nothing stated…
        (
            "no access lists own",
            A::List,
            C::NoAccess,
            V::IfDepositor,
            vec![],
        ),
        // …listing everything would.
        (
            "no access lists",
            A::List,
            C::NoAccess,
            V::Yes,
            vec![
                Property::LosingAccessNeverWidens,
                Property::ListedCanBeRead,
                Property::MaskedStaysMasked,
            ],
        ),
        (
            "consent narrower than nothing",
            A::Read,
            C::Consented,
            V::No,
            vec![Property::LosingAccessNeverWidens, Property::ListedCanBeRead],
        ),
        (
            "care team sees masked",
            A::Read,
            C::CareTeam,
            V::Yes,
            vec![Property::MaskedStaysMasked],
        ),
        (
            "samu lists masked",
            A::List,
            C::Samu,
            V::Yes,
            vec![
                Property::MaskedStaysMasked,
                Property::ListedCanBeRead,
                Property::LosingAccessNeverWidens,
            ],
        ),
        (
            "patient sees hidden",
            A::Read,
            C::Patient,
            V::Yes,
            vec![Property::HiddenStaysHidden],
        ),
        (
            "patient loses reading",
            A::Read,
            C::Patient,
            V::No,
            vec![
                Property::ListedCanBeRead,
                Property::PatientSeesWhatIsNotHidden,
            ],
        ),
        (
            "anyone modifies",
            A::Modify,
            C::CareTeam,
            V::Yes,
            vec![Property::OnlyTheDepositorModifies],
        ),
        (
            // A consent revoked while a break-glass session runs would widen access.
            "narrowing consent to depositor",
            A::Read,
            C::Consented,
            V::IfDepositor,
            vec![Property::ListedCanBeRead, Property::LosingAccessNeverWidens],
        ),
        (
            "narrowing the list by consent",
            A::List,
            C::Consented,
            V::IfDepositor,
            vec![Property::LosingAccessNeverWidens],
        ),
        (
            "no access reads all",
            A::Read,
            C::NoAccess,
            V::UnlessConfidentialAndNotDepositor,
            vec![Property::NoAccessGetsOnlyOwnDeposits],
        ),
        (
            "delete only own",
            A::Delete,
            C::Patient,
            V::IfDepositor,
            vec![],
        ),
    ];
    let mut failures = Vec::new();
    for (name, action, column, cell, want) in cases {
        let got = check(&with_cell(action, column, cell), &Habilitation::default());
        let properties: Vec<Property> =
            got.iter()
                .map(|v| match v {
                    Violation::Matrix { property, .. }
                    | Violation::Habilitation { property, .. } => *property,
                })
                .collect();
        let mut sorted_got = properties.clone();
        sorted_got.sort_by_key(|p| p.as_str());
        sorted_got.dedup();
        let mut sorted_want = want.clone();
        sorted_want.sort_by_key(|p| p.as_str());
        if sorted_got != sorted_want {
            failures.push(format!("{name}: got {properties:?}, want {want:?}"));
        }
        let named = got.iter().all(|v| {
            let text = v.to_string();
            matches!(v, Violation::Matrix { action: a, column: c, .. } if (*a, *c) == (action, column))
                || text.contains(&format!("{} × {}", action.as_str(), column.as_str()))
        });
        if !named {
            failures.push(format!("{name}: the changed cell is not named in {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Narrowing consent and the emergency accesses below it together keeps every property.
#[test]
fn narrowing_a_mode_and_those_below_it_is_accepted() {
    let mut changes = Vec::new();
    for action in [A::Read, A::List] {
        for column in [C::Consented, C::BreakGlass, C::Samu] {
            changes.push((action, column, V::IfDepositor));
        }
    }
    assert_eq!(
        check(&with_cells(&changes), &Habilitation::default()),
        Vec::new()
    );
}

#[test]
fn the_message_names_the_cell_and_the_property() {
    let got = check(
        &with_cell(A::Read, C::Blocked, V::Yes),
        &Habilitation::default(),
    );
    assert_eq!(
        got.iter().map(ToString::to_string).collect::<Vec<_>>(),
        vec![
            "access matrix cell read × blocked = `yes` must allow no more than `no` \
              (blocked professionals see nothing)"
        ]
    );
}

#[test]
fn opening_a_type_to_assistants_is_refused() {
    let h = Habilitation::from_csv("profession,type_code\nmedecin,11488-4\nassistant,11488-4\n")
        .unwrap();
    let got = check(&shipped(), &h);
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].to_string(),
        "habilitation row assistant,11488-4 is not allowed (assistants never read)"
    );
}
