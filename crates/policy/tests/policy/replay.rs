//! Replay (`mds policy simulate`): a decision recorded with its inputs, replayed under the
//! policy it was taken by, gives itself back — for any facts, actor and action — unless it
//! hangs on a fact the audit does not record; and replayed under any other matrices (random
//! ones, safe or not, and narrowed habilitations) it gives exactly what `decide` would have
//! answered on the real facts under them.

use crate::properties::{action, asked, scenario, Asked};
use crate::scenario::{actor, ActorKind, Doc, Scenario, HOUR_MS, NOW};
use mds_policy::replay::{replay, Inputs, RecordInputs, Recorded, Replay, Role, GOVERNED};
use mds_policy::{
    decide, Decision, Facts, Habilitation, Matrix, MatrixCell, Policy, PolicySettings, Request,
    EMBEDDED_HABILITATION,
};
use proptest::prelude::*;
use proptest::sample::select;

/// Rules that hang on facts a decision event does not record (another record, another
/// structure, a representation's end, the holder's death behind a representative).
const UNRECORDED: [&str; 6] = [
    "patient.not_owner",
    "software.not_structure_member",
    "document.other_record",
    "request.inconsistent",
    "representation.ended",
    "representation.record_closed",
];

/// The request `a` asks on `s`, its facts, the decision and the inputs it records.
fn decided(s: &Scenario, a: &Asked) -> (Request, Facts<'static>, Decision, Inputs) {
    let facts = s.facts();
    let Some(actor) = actor(a.kind, a.profession, a.samu_regulator) else {
        panic!("unknown profession {}", a.profession);
    };
    let request = Request {
        actor,
        action: action(a),
        record: crate::scenario::record(),
    };
    let decision = decide(&request, &facts, NOW);
    let inputs = Inputs::of(&request, &facts);
    (request, facts, decision, inputs)
}

/// `decision`, recorded with `inputs`, replayed under the policy of `s` it was taken by.
fn replayed_under_its_policy(s: &Scenario, decision: &Decision, inputs: &Inputs) -> Replay {
    let rule = decision.rule().id();
    let recorded = Recorded {
        inputs,
        mode: decision.mode().as_str(),
        rule: &rule,
        permit: decision.is_permit(),
    };
    replay(&recorded, s.policy(), s.policy())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_recorded_decision_replays_to_itself(s in scenario(), a in asked()) {
        let (_, _, decision, inputs) = decided(&s, &a);
        let rule = decision.rule().id();
        match replayed_under_its_policy(&s, &decision, &inputs) {
            Replay::Same => {}
            Replay::NotGoverned => prop_assert!(
                inputs.role == Role::Support || !GOVERNED.contains(&inputs.action),
                "{inputs:?}"
            ),
            Replay::NotReproduced => prop_assert!(
                UNRECORDED.contains(&rule.as_str()),
                "{rule} not reproduced from {inputs:?}, mode {}", decision.mode()
            ),
            Replay::Changed { before, after } | Replay::Reworded { before, after } => {
                prop_assert!(false, "the same policy changed {before:?} into {after:?}")
            }
        }
    }
}

/// Found by the property above (CI, stop 15): the attending physician of a limited record
/// reads a confidential document under SAMU; the declaration, which the care team carries,
/// must survive the rebuild although the membership gives no mode there.
#[test]
fn the_attending_physician_of_a_limited_record_replays_under_samu() {
    let s = Scenario {
        limited: true,
        team: true,
        attending: true,
        samu: Some(HOUR_MS),
        attending_sees_confidential: true,
        ..Scenario::default()
    };
    let a = Asked {
        kind: ActorKind::Pro,
        profession: "medecin",
        samu_regulator: true,
        verb: "read",
        text: "",
        doc: Doc {
            confidential: true,
            type_code: "11488-4".to_owned(),
            ..Doc::default()
        },
    };
    let (_, _, decision, inputs) = decided(&s, &a);
    assert_eq!(
        (decision.mode().as_str(), decision.rule().id().as_str()),
        ("samu", "attending_physician.sees_confidential")
    );
    assert_eq!(
        replayed_under_its_policy(&s, &decision, &inputs),
        Replay::Same
    );
}

/// A random access matrix (the blocked column `no`, as `decide` never reads it).
fn any_matrix() -> impl Strategy<Value = Matrix> {
    proptest::collection::vec(select(MatrixCell::ALL.to_vec()), 30).prop_map(|cells| {
        let mut text =
            String::from("action,patient,care_team,consented,break_glass,samu,no_access,blocked\n");
        for (row, action) in ["add", "read", "modify", "list", "delete"]
            .iter()
            .enumerate()
        {
            let cells: Vec<&str> = cells[row * 6..row * 6 + 6]
                .iter()
                .map(|c| c.as_str())
                .collect();
            text.push_str(&format!("{action},{},no\n", cells.join(",")));
        }
        Matrix::from_csv(&text).unwrap()
    })
}

/// The shipped habilitation, or one closed to some professions.
fn any_habilitation() -> impl Strategy<Value = Habilitation> {
    select(vec![
        None,
        Some("psychologue"),
        Some("medecin"),
        Some("pharmacien"),
    ])
    .prop_map(|closed| {
        let text: String = EMBEDDED_HABILITATION
            .lines()
            .filter(|l| closed.is_none_or(|p| !l.starts_with(&format!("{p},"))))
            .map(|l| format!("{l}\n"))
            .collect();
        Habilitation::from_csv(&text).unwrap()
    })
}

fn outcome_of(d: &Decision) -> (bool, String) {
    (d.is_permit(), d.rule().id())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 3000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn replay_under_a_candidate_is_what_decide_answers_on_the_real_facts(
        s in scenario(),
        a in asked(),
        matrix in any_matrix(),
        habilitation in any_habilitation(),
    ) {
        let (request, facts, decision, inputs) = decided(&s, &a);
        let rule = decision.rule().id();
        let recorded = Recorded {
            inputs: &inputs,
            mode: decision.mode().as_str(),
            rule: &rule,
            permit: decision.is_permit(),
        };
        let candidate = Policy { matrix, habilitation, ..s.policy().clone() };
        let real = decide(&request, &Facts { policy: &candidate, ..facts.clone() }, NOW);
        match replay(&recorded, s.policy(), &candidate) {
            Replay::Same => prop_assert_eq!(outcome_of(&real), outcome_of(&decision)),
            Replay::Reworded { after, .. } | Replay::Changed { after, .. } => {
                prop_assert_eq!(outcome_of(&real), (after.permit, after.rule));
            }
            Replay::NotGoverned => prop_assert_eq!(outcome_of(&real), outcome_of(&decision)),
            Replay::NotReproduced => prop_assert!(UNRECORDED.contains(&rule.as_str()), "{rule}"),
        }
    }
}

/// A consented professional reading a document they did not deposit: allowed by the shipped
/// matrix, refused when the candidate narrows `read × consented` (and the emergency modes
/// below it, and their lists, as the safety properties want) to `if_depositor`.
#[test]
fn a_narrowed_cell_changes_exactly_the_decisions_it_reached() {
    let shipped = Policy::default();
    let matrix = mds_policy::EMBEDDED_ACCESS_MATRIX
        .replace(
            "read,unless_hidden_from_patient,unless_confidential_and_not_depositor,unless_confidential_and_not_depositor,unless_confidential_and_not_depositor,unless_confidential_and_not_depositor,if_depositor,no",
            "read,unless_hidden_from_patient,unless_confidential_and_not_depositor,if_depositor,if_depositor,if_depositor,if_depositor,no",
        )
        .replace(
            "list,unless_hidden_from_patient,unless_confidential_and_not_depositor,unless_confidential_and_not_depositor,unless_confidential_and_not_depositor,unless_confidential_and_not_depositor,no,no",
            "list,unless_hidden_from_patient,unless_confidential_and_not_depositor,if_depositor,if_depositor,if_depositor,no,no",
        )
        .replace("mds-2026.1", "candidate-1");
    let candidate =
        Policy::load(&matrix, EMBEDDED_HABILITATION, PolicySettings::default()).unwrap();
    assert_ne!(candidate.sources.matrix, shipped.sources.matrix);
    let read = |mode: &str, by_actor: bool, rule: &str| {
        let inputs = Inputs {
            action: mds_policy::ActionKind::ReadDocument,
            role: Role::Professional,
            profession: mds_domain::Profession::from_slug("medecin"),
            record: RecordInputs {
                state: mds_domain::AccountState::Active,
                identity_validated: true,
                deceased: false,
                limited: false,
            },
            attending_physician: false,
            informed: false,
            feeding_opposed: false,
            document: Some(mds_policy::replay::DocumentInputs {
                type_code: "11488-4".to_owned(),
                confidential: false,
                hidden_from_patient: false,
                by_actor,
                status: mds_domain::DocumentStatus::Current,
            }),
        };
        let recorded = Recorded {
            inputs: &inputs,
            mode,
            rule,
            permit: true,
        };
        replay(&recorded, &shipped, &candidate)
    };
    let ucnd = "matrix.read.unless_confidential_and_not_depositor";
    match read("consented", false, ucnd) {
        Replay::Changed { before, after } => {
            assert!(before.permit && !after.permit);
            assert_eq!(after.rule, "matrix.read.if_depositor");
        }
        other => panic!("{other:?}"),
    }
    // Still allowed to its depositor, now by the narrower cell.
    assert!(matches!(
        read("consented", true, ucnd),
        Replay::Reworded { before, after } if before.permit && after.rule == "matrix.read.if_depositor"
    ));
    assert_eq!(read("care_team", false, ucnd), Replay::Same);
    // A rule the recorded facts do not lead to is not trusted.
    assert_eq!(
        read("care_team", false, "matrix.read.yes"),
        Replay::NotReproduced
    );
}
