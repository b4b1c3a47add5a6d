//! Property tests of the policy: invariants that must hold for any facts, actor and action,
//! not only for the hand-written cases of the decision table.

use crate::scenario::{actor, ActorKind, Depositor, Doc, Scenario, HOUR_MS, NOW};
use mds_domain::profile::Section;
use mds_domain::{AccountId, AccountState, DocumentStatus};
use mds_policy::{decide, visible_in_list, Action, Decision, Request};
use proptest::prelude::*;
use proptest::sample::select;

const PROFESSIONS: [&str; 5] = [
    "medecin",
    "pharmacien",
    "infirmier",
    "psychologue",
    "technicien_laboratoire",
];
const TYPES: [&str; 5] = ["11488-4", "60593-1", "68599-0", "11502-2", "00000-0"];
const REASONS: [&str; 3] = ["", "urgence", "Patient inconscient aux urgences"];
const VERBS: [&str; 26] = [
    "add",
    "add_confirm",
    "read",
    "modify",
    "list",
    "delete",
    "care_team",
    "consent_request",
    "break_glass",
    "samu",
    "block",
    "unblock",
    "emergency_settings",
    "mask",
    "unmask",
    "mask_all",
    "hide",
    "unhide",
    "oppose",
    "lift_opposition",
    "history",
    "export",
    "profile",
    "profile_add_measurement",
    "profile_add_allergy",
    "profile_remove",
];

/// Expiry offsets around the boundary, and none.
fn expiry() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![Just(None), select(vec![-1, 0, 1, HOUR_MS]).prop_map(Some)]
}

pub(crate) fn scenario() -> impl Strategy<Value = Scenario> {
    let state = select(vec![
        AccountState::Active,
        AccountState::Inactive,
        AccountState::Pending,
        AccountState::Closed,
        AccountState::Erased,
    ]);
    let record = (state, any::<bool>(), any::<bool>(), any::<bool>());
    let team = (any::<bool>(), any::<bool>(), any::<bool>());
    let grants = (expiry(), any::<bool>(), expiry(), expiry());
    let flags = (
        any::<[bool; 2]>(),
        any::<[bool; 2]>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    );
    (record, team, grants, flags).prop_map(
        |(
            (state, unvalidated, deceased, limited),
            (team, attending, team_other),
            (consent, revoked, break_glass, samu),
            ([block, block_other], [oppose_bg, oppose_samu], opposition, informed, setting),
        )| Scenario {
            state,
            identity_validated: !unvalidated,
            deceased,
            limited,
            team,
            attending,
            team_other,
            consent: consent.map(|o| (o, revoked)),
            break_glass,
            samu,
            block,
            block_other,
            oppose_break_glass: oppose_bg,
            oppose_samu,
            opposition,
            informed,
            attending_sees_confidential: setting,
            represented: None,
        },
    )
}

fn doc() -> impl Strategy<Value = Doc> {
    let status = select(vec![
        DocumentStatus::Current,
        DocumentStatus::Superseded,
        DocumentStatus::Deleted,
    ]);
    let depositor = select(vec![
        Depositor::P,
        Depositor::Q,
        Depositor::Patient,
        Depositor::Representative,
        Depositor::Unknown,
    ]);
    (
        any::<bool>(),
        any::<bool>(),
        depositor,
        select(TYPES.to_vec()),
        status,
    )
        .prop_map(
            |(confidential, hidden_from_patient, depositor, type_code, status)| Doc {
                confidential,
                hidden_from_patient,
                depositor,
                type_code: type_code.to_owned(),
                status,
                other_record: false,
            },
        )
}

#[derive(Clone, Debug)]
pub(crate) struct Asked {
    pub(crate) kind: ActorKind,
    pub(crate) profession: &'static str,
    pub(crate) samu_regulator: bool,
    pub(crate) verb: &'static str,
    pub(crate) text: &'static str,
    pub(crate) doc: Doc,
}

pub(crate) fn asked() -> impl Strategy<Value = Asked> {
    let kind = select(vec![
        ActorKind::Patient,
        ActorKind::StrangerPatient,
        ActorKind::Pro,
        ActorKind::Assistant,
        ActorKind::Support,
        ActorKind::Software,
        ActorKind::SoftwareForeign,
    ]);
    (
        kind,
        select(PROFESSIONS.to_vec()),
        any::<bool>(),
        select(VERBS.to_vec()),
        select(REASONS.to_vec()),
        doc(),
    )
        .prop_map(
            |(kind, profession, samu_regulator, verb, text, doc)| Asked {
                kind,
                profession,
                samu_regulator,
                verb,
                text,
                doc,
            },
        )
}

pub(crate) fn action(asked: &Asked) -> Action {
    let d = asked.doc.facts();
    match asked.verb {
        "add" => Action::AddDocument {
            confirms_patient_informed: false,
        },
        "add_confirm" => Action::AddDocument {
            confirms_patient_informed: true,
        },
        "read" => Action::ReadDocument(d),
        "modify" => Action::ModifyDocument(d),
        "list" => Action::ListDocuments,
        "delete" => Action::DeleteDocument(d),
        "care_team" => Action::ManageCareTeam,
        "consent_request" => Action::RequestConsent,
        "break_glass" => Action::OpenBreakGlass {
            reason: asked.text.to_owned(),
        },
        "samu" => Action::OpenSamuAccess {
            call_reference: asked.text.to_owned(),
        },
        "block" => Action::Block,
        "unblock" => Action::Unblock,
        "emergency_settings" => Action::SetEmergencySettings,
        "mask" => Action::MaskDocument(d),
        "unmask" => Action::UnmaskDocument(d),
        "mask_all" => Action::MaskAll,
        "hide" => Action::SetHiddenFromPatient(d),
        "unhide" => Action::LiftHiddenFromPatient(d),
        "oppose" => Action::RecordFeedingOpposition,
        "lift_opposition" => Action::LiftFeedingOpposition,
        "history" => Action::ReadHistory,
        "export" => Action::Export,
        "profile" => Action::ReadProfile,
        "profile_add_measurement" => Action::AddProfileEntry {
            section: Section::Measurements,
        },
        "profile_add_allergy" => Action::AddProfileEntry {
            section: Section::Allergies,
        },
        "profile_remove" => Action::RemoveProfileEntry {
            section: Section::Measurements,
            author: d
                .depositor
                .unwrap_or_else(|| AccountId::from_uuid_text(String::new())),
        },
        _ => Action::Close,
    }
}

/// The decision and the list visibility of `asked` under `scenario`.
fn outcome(scenario: &Scenario, asked: &Asked) -> (Decision, bool) {
    outcome_with(scenario.facts(), asked)
}

/// The same, with facts prepared by the caller.
fn outcome_with(facts: mds_policy::Facts<'static>, asked: &Asked) -> (Decision, bool) {
    let Some(actor) = actor(asked.kind, asked.profession, asked.samu_regulator) else {
        panic!("unknown profession {}", asked.profession);
    };
    let listed = visible_in_list(&actor, &facts, &asked.doc.facts(), NOW);
    let request = Request {
        actor,
        action: action(asked),
        record: crate::scenario::record(),
    };
    (decide(&request, &facts, NOW), listed)
}

proptest! {
    // No failure files are written into the source tree; a failing case is printed instead.
    #![proptest_config(ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn blocking_never_turns_a_denial_into_a_permission(s in scenario(), a in asked()) {
        let (before, listed_before) = outcome(&s, &a);
        for blocked in [Scenario { block: true, ..s.clone() }, Scenario { block_other: true, ..s.clone() }] {
            let (after, listed_after) = outcome(&blocked, &a);
            prop_assert!(before.is_permit() || !after.is_permit(), "{before:?} became {after:?}");
            prop_assert!(listed_before || !listed_after);
        }
    }

    #[test]
    fn a_block_denies_every_professional_action(
        s in scenario(),
        a in asked(),
        kind in select(vec![ActorKind::Pro, ActorKind::Assistant, ActorKind::Software, ActorKind::SoftwareForeign]),
    ) {
        let a = Asked { kind, ..a };
        let (after, listed) = outcome(&Scenario { block: true, ..s }, &a);
        prop_assert!(!after.is_permit(), "permitted while blocked: {after:?}");
        prop_assert!(!listed);
    }

    #[test]
    fn revoking_a_consent_never_widens_access(s in scenario(), a in asked(), offset in expiry()) {
        let granted = Scenario { consent: offset.map(|o| (o, false)), ..s.clone() };
        let (with_consent, listed_with) = outcome(&granted, &a);
        for without in [Scenario { consent: offset.map(|o| (o, true)), ..s.clone() }, Scenario { consent: None, ..s }] {
            let (decision, listed) = outcome(&without, &a);
            prop_assert!(with_consent.is_permit() || !decision.is_permit(),
                "revoking widened {with_consent:?} to {decision:?}");
            prop_assert!(listed_with || !listed);
        }
    }

    #[test]
    fn a_patient_always_sees_what_is_not_hidden_from_them(
        s in scenario(),
        a in asked(),
        status in select(vec![DocumentStatus::Current, DocumentStatus::Superseded]),
    ) {
        let s = Scenario { state: AccountState::Active, ..s };
        let doc = Doc { hidden_from_patient: false, status, ..a.doc.clone() };
        let a = Asked { kind: ActorKind::Patient, verb: "read", doc, ..a };
        let (read, listed) = outcome(&s, &a);
        prop_assert!(read.is_permit(), "patient refused: {read:?}");
        prop_assert_eq!(listed, a.doc.status == DocumentStatus::Current);
    }

    #[test]
    fn the_scope_admits_what_the_lister_shows(s in scenario(), a in asked()) {
        let Some(actor) = actor(a.kind, a.profession, a.samu_regulator) else {
            panic!("unknown profession {}", a.profession);
        };
        let facts = s.facts();
        let lister = mds_policy::Lister::new(&actor, &facts, NOW);
        let d = a.doc.facts();
        // The store applies the scope to the record's current documents only.
        let current = d.status == DocumentStatus::Current && d.patient == facts.record.patient;
        prop_assert_eq!(current && lister.scope().admits(&d), lister.shows(&d), "{:?}", lister.scope());
    }

    #[test]
    fn what_is_listed_can_be_read(s in scenario(), a in asked()) {
        let a = Asked { verb: "read", ..a };
        let (read, listed) = outcome(&s, &a);
        prop_assert!(!listed || read.is_permit(), "listed but {read:?}");
    }

    #[test]
    fn an_expired_grant_counts_as_none(s in scenario(), a in asked(), past in select(vec![-1_i64, 0])) {
        let none = Scenario { consent: None, break_glass: None, samu: None, ..s.clone() };
        let expired = Scenario {
            consent: Some((past, false)),
            break_glass: Some(past),
            samu: Some(past),
            ..s
        };
        prop_assert_eq!(outcome(&none, &a), outcome(&expired, &a));
    }

    #[test]
    fn support_and_assistants_never_read(
        s in scenario(),
        a in asked(),
        kind in select(vec![ActorKind::Support, ActorKind::Assistant]),
    ) {
        for verb in ["read", "list", "profile"] {
            let (decision, listed) = outcome(&s, &Asked { kind, verb, ..a.clone() });
            prop_assert!(!decision.is_permit() && !listed);
        }
    }

    #[test]
    fn the_order_of_facts_does_not_matter(s in scenario(), a in asked()) {
        let mut reversed = s.facts();
        reversed.care_team.reverse();
        reversed.consents.reverse();
        reversed.emergency_sessions.reverse();
        reversed.blocked.reverse();
        reversed.feeding_oppositions.reverse();
        reversed.informed.reverse();
        prop_assert_eq!(outcome(&s, &a), outcome_with(reversed, &a));
    }

    #[test]
    fn a_denial_never_depends_on_what_the_document_holds(
        s in scenario(),
        a in asked(),
        other in doc(),
        verb in select(vec!["read", "modify", "delete"]),
    ) {
        // A professional without any access to the record, on a document deposited by
        // someone else: whatever the document is (type, confidentiality, visibility), the
        // answer is the same, so it reveals nothing about it.
        let s = Scenario { team: false, attending: false, consent: None, break_glass: None, samu: None, ..s };
        let first = Asked { kind: ActorKind::Pro, verb, doc: Doc { depositor: Depositor::Q, ..a.doc.clone() }, ..a.clone() };
        let second = Asked { doc: Doc { depositor: Depositor::Q, status: first.doc.status, other_record: first.doc.other_record, ..other }, ..first.clone() };
        let (d1, _) = outcome(&s, &first);
        let (d2, _) = outcome(&s, &second);
        prop_assert!(!d1.is_permit() && !d2.is_permit(), "{d1:?} / {d2:?}");
        prop_assert_eq!((d1.rule(), d1.explanation()), (d2.rule(), d2.explanation()));
    }

    #[test]
    fn a_representative_has_the_holders_rights_only_while_the_representation_runs(
        s in scenario(),
        a in asked(),
        end in -2 * HOUR_MS..2 * HOUR_MS,
    ) {
        // R represents the holder until NOW + end. While it runs and the record is open
        // (an inactive record included), R gets exactly what the holder of an active record
        // would get on the same document, R's own deposits standing for the holder's.
        let s = Scenario { represented: Some(end), ..s };
        let rep = Asked { kind: ActorKind::Representative, ..a.clone() };
        let (decision, listed) = outcome(&s, &rep);
        let open = matches!(s.state, AccountState::Active | AccountState::Inactive) && !s.deceased;
        if end <= 0 || !open {
            prop_assert!(!decision.is_permit(), "{decision:?}");
            prop_assert!(!listed);
        } else {
            let swapped = match a.doc.depositor {
                Depositor::Representative => Depositor::Patient,
                Depositor::Patient => Depositor::Representative,
                other => other,
            };
            let holder = Asked { kind: ActorKind::Patient, doc: Doc { depositor: swapped, ..a.doc.clone() }, ..a };
            let active = Scenario { state: AccountState::Active, ..s };
            let (h, hl) = outcome(&active, &holder);
            prop_assert_eq!(decision.is_permit(), h.is_permit(), "{:?} / {:?}", decision, h);
            prop_assert_eq!(decision.rule(), h.rule());
            prop_assert_eq!(listed, hl);
        }
    }
}
