//! The patient's history as IHE BALP `AuditEvent`s: `GET /fhir/AuditEvent?patient=…`, for
//! the patient owner of the record only, newest first, paged (`next` link). Each event
//! carries the same French line as the portal's history (in its narrative), what happened
//! (a RESTful interaction, and MDS's audit action), who acted as far as the patient may know
//! it, and the document when the patient may see it. Reading it is itself audited by the
//! app, and shows in the next page read.

use crate::auth::{ClientIp, FhirActor};
use crate::codes;
use crate::documents::referenced_id;
use crate::format::{wanted, Fhir, Params};
use crate::model::audit::{AuditAgent, AuditEntity, AuditEvent, AuditSource};
use crate::model::bundle::{Bundle, BundleLink};
use crate::model::common::{CodeableConcept, Coding, Narrative, Reference};
use crate::model::Resource;
use crate::{Base, FhirError};
use axum::extract::State;
use axum::http::HeaderMap;
use mds_app::information::history::{parse_date, HistoryFilter, PageRequest};
use mds_app::interop::audit_trail::{Agent, AuditTrailEntry};
use mds_app::App;
use mds_domain::{Outcome, PatientId, Timestamp};

const KNOWN: &[&str] = &["patient", "date", "_count", "before"];

const PARTICIPATION: &str = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

/// The RESTful interaction (BALP subtype) and the CRUDE action of an MDS audit action.
fn interaction(action: &str) -> (&'static str, &'static str) {
    match action {
        "document.search" | "patient.search" => ("search-type", "E"),
        "document.add"
        | "patient.create"
        | "consent.request"
        | "record.break_glass.open"
        | "record.samu.open" => ("create", "C"),
        "document.delete" | "patient.erase" => ("delete", "D"),
        a if a.ends_with(".read") || a.starts_with("document.read") || a == "record.open" => {
            ("read", "R")
        }
        "patient.export" | "patient.legal_export" | "audit.extract" => ("read", "R"),
        _ => ("update", "U"),
    }
}

fn outcome_code(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Permit | Outcome::Success => "0",
        Outcome::Deny => "4",
        Outcome::Failure => "8",
    }
}

fn account(resource_type: &str, id: &str) -> Reference {
    Reference::identified(resource_type, codes::ACCOUNT_SYSTEM, id)
}

fn agent(type_code: &str, display: &str, who: Option<Reference>, requestor: bool) -> AuditAgent {
    AuditAgent {
        type_: Some(CodeableConcept::of(Coding::new(
            PARTICIPATION,
            type_code,
            Some(display),
        ))),
        who,
        requestor,
    }
}

/// Who acted, as BALP agents: the requestor first, then whom they acted for.
fn agents(patient_id: &PatientId, a: &Agent, reads: bool) -> Vec<AuditAgent> {
    let (code, display) = if reads {
        ("IRCP", "information recipient")
    } else {
        ("AUT", "author")
    };
    let named = |who: Option<Reference>| agent(code, display, who, true);
    let for_professional = |p: &Option<mds_domain::AccountId>| {
        p.as_ref().map(|p| {
            agent(
                "RESP",
                "responsible party",
                Some(account("Practitioner", p.as_str())),
                false,
            )
        })
    };
    let with_display = |display: &str| Reference {
        display: Some(display.to_owned()),
        ..Reference::default()
    };
    match a {
        Agent::Patient => vec![named(Some(Reference::to("Patient", patient_id.as_str())))],
        Agent::Professional { account: p, .. } => {
            vec![named(Some(account("Practitioner", p.as_str())))]
        }
        Agent::Assistant {
            for_professional: p,
        } => {
            let mut v = vec![named(Some(with_display("Secrétariat d'un professionnel")))];
            v.extend(for_professional(p));
            v
        }
        Agent::Software {
            structure,
            for_professional: p,
        } => {
            let who = match structure {
                Some(s) => Reference {
                    display: Some("Logiciel d'une structure de soins".to_owned()),
                    ..Reference::identified("Organization", codes::STRUCTURE_SYSTEM, s.as_str())
                },
                None => with_display("Logiciel d'une structure de soins"),
            };
            let mut v = vec![named(Some(who))];
            v.extend(for_professional(p));
            v
        }
        Agent::Support => vec![named(Some(with_display("Support Mon Drive Santé")))],
        Agent::System => vec![named(Some(with_display("Mon Drive Santé")))],
        Agent::Other => vec![named(Some(with_display("Autre utilisateur")))],
    }
}

/// One event of the history as a BALP AuditEvent.
fn audit_event(base: &Base, patient_id: &PatientId, e: &AuditTrailEntry) -> AuditEvent {
    let (subtype, action) = interaction(&e.action);
    let mut entity = vec![AuditEntity {
        what: Reference::to("Patient", patient_id.as_str()),
        type_: Coding::new(
            "http://terminology.hl7.org/CodeSystem/audit-entity-type",
            "1",
            Some("Person"),
        ),
        role: Coding::new(
            "http://terminology.hl7.org/CodeSystem/object-role",
            "1",
            Some("Patient"),
        ),
    }];
    if let Some(d) = &e.document_id {
        entity.push(AuditEntity {
            what: Reference::to("DocumentReference", d.as_str()),
            type_: Coding::new(
                "http://terminology.hl7.org/CodeSystem/audit-entity-type",
                "2",
                Some("System Object"),
            ),
            role: Coding::new(
                "http://terminology.hl7.org/CodeSystem/object-role",
                "4",
                Some("Domain Resource"),
            ),
        });
    }
    let mut purpose = Vec::new();
    if let Some(mode) = &e.access_mode {
        let mut concept = CodeableConcept::of(Coding::new(codes::ACCESS_MODE, mode, None));
        if matches!(mode.as_str(), "break_glass" | "samu") {
            concept.coding.push(Coding::new(
                "http://terminology.hl7.org/CodeSystem/v3-ActReason",
                "ETREAT",
                Some("Emergency Treatment"),
            ));
        }
        purpose.push(concept);
    }
    AuditEvent {
        id: e.seq.to_string(),
        text: Narrative::text(&e.text),
        type_: Coding::new(
            "http://terminology.hl7.org/CodeSystem/audit-event-type",
            "rest",
            Some("Restful Operation"),
        ),
        subtype: vec![
            Coding::new("http://hl7.org/fhir/restful-interaction", subtype, None),
            Coding::new(codes::AUDIT_ACTION, &e.action, None),
        ],
        action: action.to_owned(),
        recorded: Timestamp::from_millis(e.at_ms).to_rfc3339(),
        outcome: outcome_code(e.outcome).to_owned(),
        purpose_of_event: purpose,
        agent: agents(patient_id, &e.agent, matches!(action, "R" | "E")),
        source: AuditSource {
            observer: Reference {
                display: Some("Mon Drive Santé".to_owned()),
                ..Reference::identified("Device", codes::URI_SYSTEM, &base.0)
            },
            type_: vec![Coding::new(
                "http://terminology.hl7.org/CodeSystem/security-source-type",
                "4",
                Some("Application Server"),
            )],
        },
        entity,
    }
}

/// The filter of the `date` parameters: days in Nouméa, `ge` and `le`.
fn filter(params: &Params) -> Result<HistoryFilter, FhirError> {
    let mut f = HistoryFilter::default();
    for value in params.all("date") {
        let (prefix, date) = match (value.get(..2), value.get(2..)) {
            (Some(p), Some(d)) => (p, d),
            _ => ("", value),
        };
        let day = |d: &str| parse_date(d).map_err(FhirError::from);
        match prefix {
            "ge" => f.from = Some(day(date)?),
            "le" => f.to = Some(day(date)?),
            _ => {
                return Err(FhirError::not_supported(
                    "Dates de l'historique : ge<AAAA-MM-JJ> et le<AAAA-MM-JJ>.",
                ))
            }
        }
    }
    Ok(f)
}

/// The patient owner of the record. The record's history, as AuditEvents (newest first).
pub async fn search(
    State(app): State<App>,
    FhirActor(actor): FhirActor,
    ClientIp(ip): ClientIp,
    base: Base,
    params: Params,
    headers: HeaderMap,
) -> Result<Fhir, FhirError> {
    wanted(&params, &headers)?;
    params.only(KNOWN)?;
    let Some(patient) = params.single("patient")? else {
        return Err(FhirError::http(
            axum::http::StatusCode::BAD_REQUEST,
            "required",
            "patient_required",
            "Indiquez le dossier : patient=Patient/<id>.",
        ));
    };
    let patient_id = PatientId::named(
        &referenced_id(&base, patient, "Patient").unwrap_or_else(|| patient.to_owned()),
    );
    let f = filter(&params)?;
    let number = |name: &str| -> Result<Option<i64>, FhirError> {
        params
            .single(name)?
            .map(|n| {
                n.parse::<i64>().map_err(|_| {
                    FhirError::invalid("invalid_number", format!("« {name} » : nombre attendu."))
                })
            })
            .transpose()
    };
    let size = number("_count")?.unwrap_or(0).clamp(0, 100);
    let page = PageRequest {
        before: number("before")?,
        size: u32::try_from(size).unwrap_or(0),
    };
    let trail = app
        .record_audit_trail(&actor, &patient_id, &f, page, ip, crate::now())
        .await?;
    let url = |before: Option<i64>| {
        let mut kept: Vec<(&str, String)> = params
            .0
            .iter()
            .filter(|(k, _)| k != "before")
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        if let Some(b) = before {
            kept.push(("before", b.to_string()));
        }
        base.url(&format!(
            "AuditEvent?{}",
            serde_urlencoded::to_string(&kept).unwrap_or_default()
        ))
    };
    let mut link = vec![BundleLink {
        relation: "self".to_owned(),
        url: url(page.before),
    }];
    if let Some(next) = trail.next {
        link.push(BundleLink {
            relation: "next".to_owned(),
            url: url(Some(next)),
        });
    }
    let entry = trail
        .entries
        .iter()
        .map(|e| {
            Bundle::matched(
                base.url(&format!("AuditEvent/{}", e.seq)),
                Resource::AuditEvent(audit_event(&base, &trail.patient_id, e)),
            )
        })
        .collect();
    Ok(Fhir(Resource::Bundle(Bundle::searchset(None, link, entry))))
}
