//! What a decision's audit event records of the policy (issue 17, item 5): under
//! `detail.policy` the stamps (version@digest) of the access matrix and the habilitation that
//! decided, and under `detail.inputs` the facts they read ([`Inputs`]) — for the actions the
//! matrices govern, only the action's name otherwise. Written by the gate (as the event's
//! `decision`, which the audit merges into whatever detail the use case leaves) and read back
//! by `mds policy simulate`, so both directions sit in this file.

use mds_domain::{AccountState, DocumentStatus, PatientId, Profession};
use mds_policy::replay::{governed_action, DocumentInputs, Inputs, RecordInputs, Role, GOVERNED};
use mds_policy::{Action, Actor, Facts, Policy};
use serde_json::{json, Map, Value};

pub(crate) const POLICY_KEY: &str = "policy";
pub(crate) const INPUTS_KEY: &str = "inputs";
/// The two kinds of policy file, as the stamps name them.
pub(crate) const MATRIX: &str = "matrix";
pub(crate) const HABILITATION: &str = "habilitation";

/// The flags of [`Inputs`], written only when set (the usual case, none, costs nothing).
const ATTENDING: &str = "attending_physician";
const INFORMED: &str = "informed";
const OPPOSED: &str = "feeding_opposed";
const NOT_VALIDATED: &str = "identity_not_validated";
const DECEASED: &str = "deceased";
const LIMITED: &str = "limited";

/// The stamps of `policy`, as recorded.
pub(crate) fn stamps(policy: &Policy) -> Value {
    json!({
        MATRIX: policy.sources.matrix.stamp(),
        HABILITATION: policy.sources.habilitation.stamp(),
    })
}

/// The decision part of an event's detail: the stamps and the inputs of the decision.
pub(crate) fn decision_detail(
    actor: &Actor,
    action: &Action,
    on: &PatientId,
    facts: &Facts<'_>,
) -> Map<String, Value> {
    let kind = action.kind();
    let mut recorded = Map::new();
    recorded.insert("action".into(), kind.as_str().into());
    if GOVERNED.contains(&kind) {
        let inputs = Inputs::of_parts(actor, action, on, facts);
        recorded.insert("role".into(), inputs.role.as_str().into());
        if let Some(p) = inputs.profession {
            recorded.insert("profession".into(), p.slug().into());
        }
        recorded.insert("record".into(), inputs.record.state.as_str().into());
        let flags: Vec<&str> = [
            (ATTENDING, inputs.attending_physician),
            (INFORMED, inputs.informed),
            (OPPOSED, inputs.feeding_opposed),
            (NOT_VALIDATED, !inputs.record.identity_validated),
            (DECEASED, inputs.record.deceased),
            (LIMITED, inputs.record.limited),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect();
        if !flags.is_empty() {
            recorded.insert("flags".into(), flags.into());
        }
        if let Some(d) = &inputs.document {
            recorded.insert(
                "document".into(),
                json!({
                    "type": d.type_code,
                    "confidential": d.confidential,
                    "hidden_from_patient": d.hidden_from_patient,
                    "by_actor": d.by_actor,
                    "status": d.status.as_str(),
                }),
            );
        }
    }
    Map::from_iter([
        (POLICY_KEY.to_owned(), stamps(facts.policy)),
        (INPUTS_KEY.to_owned(), Value::Object(recorded)),
    ])
}

/// What an event's detail says of a decision.
pub(crate) enum Recorded<'a> {
    /// No stamps: the event records no decision of the policy (or predates the stamps).
    Unstamped,
    /// An action no matrix governs.
    NotGoverned,
    /// A governed action whose inputs do not read back (a profession renamed since…).
    Unreadable,
    Decision(&'a Value, Inputs),
}

pub(crate) fn recorded(detail: &Value) -> Recorded<'_> {
    let (Some(stamps), Some(inputs)) = (detail.get(POLICY_KEY), detail.get(INPUTS_KEY)) else {
        return Recorded::Unstamped;
    };
    let action = inputs.get("action").and_then(Value::as_str);
    if action.and_then(governed_action).is_none() {
        return Recorded::NotGoverned;
    }
    match read_inputs(inputs) {
        Some(i) => Recorded::Decision(stamps, i),
        None => Recorded::Unreadable,
    }
}

fn read_inputs(i: &Value) -> Option<Inputs> {
    let text = |key: &str| i.get(key).and_then(Value::as_str);
    let flags: Vec<&str> = match i.get("flags") {
        None => Vec::new(),
        Some(f) => f
            .as_array()?
            .iter()
            .map(Value::as_str)
            .collect::<Option<_>>()?,
    };
    let flag = |name: &str| flags.contains(&name);
    let document = match i.get("document") {
        None => None,
        Some(d) => {
            let flag = |key: &str| d.get(key).and_then(Value::as_bool);
            Some(DocumentInputs {
                type_code: d.get("type")?.as_str()?.to_owned(),
                confidential: flag("confidential")?,
                hidden_from_patient: flag("hidden_from_patient")?,
                by_actor: flag("by_actor")?,
                status: DocumentStatus::parse(d.get("status")?.as_str()?)?,
            })
        }
    };
    Some(Inputs {
        action: governed_action(text("action")?)?,
        role: Role::parse(text("role")?)?,
        profession: match text("profession") {
            Some(slug) => Some(Profession::from_slug(slug)?),
            None => None,
        },
        record: RecordInputs {
            state: AccountState::parse(text("record")?)?,
            identity_validated: !flag(NOT_VALIDATED),
            deceased: flag(DECEASED),
            limited: flag(LIMITED),
        },
        attending_physician: flag(ATTENDING),
        informed: flag(INFORMED),
        feeding_opposed: flag(OPPOSED),
        document,
    })
}
