//! Runs the decision table `tests/policy/cases.txt`: one line per case,
//! `name | actor | facts | action | expected`, and lists every failing case by name.
//! The grammar of each column is described at the top of the data file.

use crate::scenario::{actor, ActorKind, Depositor, Doc, Scenario, HOUR_MS, NOW};
use mds_domain::profile::Section;
use mds_domain::{AccountId, AccountState, DocumentStatus};
use mds_policy::{decide, visible_in_list, Action, Decision, Request};
use std::collections::BTreeSet;

const CASES: &str = include_str!("cases.txt");

struct Case {
    name: String,
    actor_kind: ActorKind,
    profession: String,
    samu_regulator: bool,
    scenario: Scenario,
    verb: String,
    argument: String,
    doc: Doc,
    expected: Expected,
}

#[derive(Debug, PartialEq, Eq)]
enum Expected {
    Decision {
        permit: bool,
        mode: String,
        rule: String,
    },
    Listed(bool),
}

fn parse_actor(text: &str) -> Result<(ActorKind, String, bool), String> {
    let mut words = text.split_whitespace();
    let kind = match words.next() {
        Some("patient") => ActorKind::Patient,
        Some("stranger_patient") => ActorKind::StrangerPatient,
        Some("representative") => ActorKind::Representative,
        Some("pro") => ActorKind::Pro,
        Some("assistant") => ActorKind::Assistant,
        Some("support") => ActorKind::Support,
        Some("software") => ActorKind::Software,
        Some("software_foreign") => ActorKind::SoftwareForeign,
        other => return Err(format!("unknown actor {other:?}")),
    };
    let profession = words.next().unwrap_or("medecin").to_owned();
    let samu = match words.next() {
        None => false,
        Some("samu") => true,
        Some(other) => return Err(format!("unknown actor flag `{other}`")),
    };
    Ok((kind, profession, samu))
}

fn offset(token: &str, prefix: &str) -> Result<Option<i64>, String> {
    if token == prefix {
        return Ok(Some(HOUR_MS));
    }
    match token.strip_prefix(prefix).and_then(|t| t.strip_prefix('@')) {
        Some(n) => n
            .parse()
            .map(Some)
            .map_err(|_| format!("bad offset in `{token}`")),
        None => Ok(None),
    }
}

fn parse_facts(text: &str) -> Result<Scenario, String> {
    let mut s = Scenario::default();
    for token in text.split_whitespace() {
        if let Some(state) = token.strip_prefix("state=") {
            s.state = AccountState::parse(state).ok_or(format!("bad state `{state}`"))?;
        } else if let Some(o) = offset(token, "consent")? {
            s.consent = Some((o, false));
        } else if let Some(o) = offset(token, "bg")? {
            s.break_glass = Some(o);
        } else if let Some(o) = offset(token, "represented")? {
            s.represented = Some(o);
        } else if let Some(o) = offset(token, "samu")? {
            s.samu = Some(o);
        } else {
            match token {
                "-" => {}
                "unvalidated" => s.identity_validated = false,
                "deceased" => s.deceased = true,
                "limited" => s.limited = true,
                "team" => s.team = true,
                "attending" => s.attending = true,
                "team_other" => s.team_other = true,
                "consent_revoked" => s.consent = Some((HOUR_MS, true)),
                "block" => s.block = true,
                "block_other" => s.block_other = true,
                "oppose_bg" => s.oppose_break_glass = true,
                "oppose_samu" => s.oppose_samu = true,
                "opposition" => s.opposition = true,
                "uninformed" => s.informed = false,
                "attending_sees_confidential" => s.attending_sees_confidential = true,
                other => return Err(format!("unknown fact `{other}`")),
            }
        }
    }
    Ok(s)
}

fn parse_doc(words: &[&str]) -> Result<Doc, String> {
    let mut doc = Doc::default();
    for word in words {
        if let Some(code) = word.strip_prefix("type=") {
            doc.type_code = code.to_owned();
            continue;
        }
        match *word {
            "conf" => doc.confidential = true,
            "hidden" => doc.hidden_from_patient = true,
            "mine" => doc.depositor = Depositor::P,
            "by_patient" => doc.depositor = Depositor::Patient,
            "by_representative" => doc.depositor = Depositor::Representative,
            "by_unknown" => doc.depositor = Depositor::Unknown,
            "superseded" => doc.status = DocumentStatus::Superseded,
            "deleted" => doc.status = DocumentStatus::Deleted,
            "other_record" => doc.other_record = true,
            other => return Err(format!("unknown document flag `{other}`")),
        }
    }
    Ok(doc)
}

fn parse_expected(text: &str) -> Result<Expected, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words[..] {
        ["visible"] => Ok(Expected::Listed(true)),
        ["hidden"] => Ok(Expected::Listed(false)),
        [outcome @ ("permit" | "deny"), mode, rule] => Ok(Expected::Decision {
            permit: outcome == "permit",
            mode: mode.to_owned(),
            rule: rule.to_owned(),
        }),
        _ => Err(format!("bad expectation `{text}`")),
    }
}

fn parse_case(line: &str) -> Result<Case, String> {
    let columns: Vec<&str> = line.split('|').map(str::trim).collect();
    let [name, actor_text, facts, action, expected] = columns[..] else {
        return Err(format!("expected 5 columns, found {}", columns.len()));
    };
    let (actor_kind, profession, samu_regulator) = parse_actor(actor_text)?;
    let (verb, argument) = action.split_once(' ').unwrap_or((action, ""));
    let doc_words: Vec<&str> = argument.split_whitespace().collect();
    let carries_text = matches!(verb, "break_glass" | "samu" | "profile_add");
    Ok(Case {
        name: name.to_owned(),
        actor_kind,
        profession,
        samu_regulator,
        scenario: parse_facts(facts)?,
        verb: verb.to_owned(),
        argument: argument.to_owned(),
        doc: if carries_text {
            Doc::default()
        } else {
            parse_doc(&doc_words)?
        },
        expected: parse_expected(expected)?,
    })
}

fn action(case: &Case) -> Result<Option<Action>, String> {
    let d = || case.doc.facts();
    Ok(Some(match case.verb.as_str() {
        "add" => Action::AddDocument {
            confirms_patient_informed: false,
        },
        "add_confirm" => Action::AddDocument {
            confirms_patient_informed: true,
        },
        "read" => Action::ReadDocument(d()),
        "modify" => Action::ModifyDocument(d()),
        "list" => Action::ListDocuments,
        "delete" => Action::DeleteDocument(d()),
        "care_team" => Action::ManageCareTeam,
        "consent_request" => Action::RequestConsent,
        "break_glass" => Action::OpenBreakGlass {
            reason: case.argument.clone(),
        },
        "samu" => Action::OpenSamuAccess {
            call_reference: case.argument.clone(),
        },
        "block" => Action::Block,
        "unblock" => Action::Unblock,
        "emergency_settings" => Action::SetEmergencySettings,
        "mask" => Action::MaskDocument(d()),
        "unmask" => Action::UnmaskDocument(d()),
        "mask_all" => Action::MaskAll,
        "hide" => Action::SetHiddenFromPatient(d()),
        "unhide" => Action::LiftHiddenFromPatient(d()),
        "oppose" => Action::RecordFeedingOpposition,
        "lift_opposition" => Action::LiftFeedingOpposition,
        "history" => Action::ReadHistory,
        "export" => Action::Export,
        "close" => Action::Close,
        "profile" => Action::ReadProfile,
        "profile_add" => Action::AddProfileEntry {
            section: Section::parse(&case.argument)
                .ok_or(format!("unknown section `{}`", case.argument))?,
        },
        "profile_remove" => Action::RemoveProfileEntry {
            section: Section::Measurements,
            author: case
                .doc
                .facts()
                .depositor
                .unwrap_or_else(|| AccountId::from_uuid_text(String::new())),
        },
        "list_entry" => return Ok(None),
        other => return Err(format!("unknown action `{other}`")),
    }))
}

/// Runs one case; `Err` describes the mismatch.
fn run(case: &Case) -> Result<(), String> {
    let actor = actor(case.actor_kind, &case.profession, case.samu_regulator)
        .ok_or(format!("unknown profession `{}`", case.profession))?;
    let facts = case.scenario.facts();
    let Some(action) = action(case)? else {
        let listed = visible_in_list(&actor, &facts, &case.doc.facts(), NOW);
        let expected = Expected::Listed(listed);
        return (expected == case.expected)
            .then_some(())
            .ok_or(format!("expected {:?}, got {expected:?}", case.expected));
    };
    let request = Request {
        actor,
        action,
        record: crate::scenario::record(),
    };
    let decision = decide(&request, &facts, NOW);
    let got = Expected::Decision {
        permit: decision.is_permit(),
        mode: decision.mode().as_str().to_owned(),
        rule: decision.rule().id(),
    };
    if got != case.expected {
        return Err(format!(
            "expected {:?}, got {got:?} « {} »",
            case.expected,
            decision.explanation()
        ));
    }
    let text = decision.explanation();
    let sentence_ok = match &decision {
        Decision::Permit(_) => text.starts_with("Autorisé"),
        Decision::Deny(_) => !text.starts_with("Autorisé") && text.ends_with('.'),
    };
    sentence_ok
        .then_some(())
        .ok_or(format!("explanation does not fit the outcome: « {text} »"))
}

#[test]
fn decision_table() {
    let mut failures = Vec::new();
    let mut names = BTreeSet::new();
    let mut count = 0;
    for (index, line) in CASES.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        count += 1;
        match parse_case(line) {
            Err(e) => failures.push(format!("line {}: cannot parse: {e}", index + 1)),
            Ok(case) => {
                if !names.insert(case.name.clone()) {
                    failures.push(format!("line {}: duplicate name {}", index + 1, case.name));
                }
                if let Err(e) = run(&case) {
                    failures.push(format!("{} (line {}): {e}", case.name, index + 1));
                }
            }
        }
    }
    assert!(count > 150, "the table looks truncated: {count} cases");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
