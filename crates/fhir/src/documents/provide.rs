//! ITI-65 Provide Document Bundle: `POST /fhir` with a transaction `Bundle`. Two shapes:
//!
//! - a submission: one SubmissionSet `List`, one or more `POST DocumentReference` (new
//!   documents, or with `relatesTo` `replaces` a new version of a current one) and their
//!   contents, as `POST Binary` entries named by `attachment.url` (`urn:uuid:` references
//!   resolved within the Bundle) or inline in `attachment.data`. All or nothing: it is one
//!   use case of the app (`provide_documents`), and the first failing entry is named in the
//!   `OperationOutcome`. The SubmissionSet's extension `patient-informed` (valueBoolean) is
//!   the professional's confirmation that the patient was informed.
//! - a change of one existing document: one `PUT DocumentReference/{id}` whose `status` is
//!   `entered-in-error` (deletion) or whose `securityLabel`s are the document's new masking
//!   and hiding (`changes`).
//!
//! What this module checks is the Bundle itself — its shape, its references, that each
//! content is what its declared type says; the rules of the record are the app's.

use super::changes::{self, Change};
use super::referenced_id;
use crate::auth::{ClientIp, FhirActor};
use crate::codes;
use crate::format::{wanted, JsonBody, Params};
use crate::model::bundle::{Bundle, BundleEntry, BundleResponse};
use crate::model::common::Reference;
use crate::model::documents::{Binary, DocumentReference, List};
use crate::model::Resource;
use crate::{Base, FhirError};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use mds_app::interop::provide::Submitted;
use mds_app::record::documents::{DocumentView, NewDocument};
use mds_app::{Actor, App, AppError};
use mds_domain::{DocumentId, DocumentType, IdentifierKind, PatientId, StructureId};
use serde_json::Value;

mod contents;

use contents::Contents;

/// One entry of the received Bundle, read.
struct Entry {
    full_url: Option<String>,
    method: String,
    url: String,
    resource: Parsed,
}

enum Parsed {
    SubmissionSet(Box<List>),
    Document(Box<DocumentReference>),
    Binary(Binary),
}

fn bad(code: &'static str, message: impl Into<String>) -> FhirError {
    FhirError::invalid(code, message)
}

/// 422: what the entry says is understood but cannot be accepted.
fn unprocessable(issue: &'static str, code: &'static str, message: impl Into<String>) -> FhirError {
    FhirError::http(StatusCode::UNPROCESSABLE_ENTITY, issue, code, message)
}

/// Structure and providers. Provides documents (ITI-65) or changes one.
pub async fn provide(
    State(app): State<App>,
    FhirActor(actor): FhirActor,
    ClientIp(ip): ClientIp,
    base: Base,
    params: Params,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, FhirError> {
    wanted(&params, &headers)?;
    params.only(&[])?;
    let entries = read_bundle(body)?;
    if entries.iter().any(|e| e.method == "PUT") {
        return change(&app, &actor, ip, &base, &entries).await;
    }
    submit(&app, &actor, ip, &base, &entries).await
}

/// Reads the Bundle's entries, refusing what is not a transaction of the resources MDS
/// accepts.
fn read_bundle(body: Value) -> Result<Vec<Entry>, FhirError> {
    if body.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
        return Err(bad(
            "wrong_resource_type",
            "Une ressource Bundle de type transaction est attendue.",
        ));
    }
    if body.get("type").and_then(Value::as_str) != Some("transaction") {
        return Err(bad(
            "not_a_transaction",
            "Le Bundle doit être de type « transaction » (ITI-65).",
        ));
    }
    let raw = match body.get("entry") {
        Some(Value::Array(entries)) if !entries.is_empty() => entries,
        _ => return Err(bad("empty_bundle", "Le Bundle ne contient aucune entrée.")),
    };
    let mut entries: Vec<Entry> = Vec::with_capacity(raw.len());
    for (index, e) in raw.iter().enumerate() {
        let full_url = e.get("fullUrl").and_then(Value::as_str).map(str::to_owned);
        let entry = read_entry(e, full_url.clone())
            .map_err(|err| err.at_entry(index, full_url.as_deref()))?;
        if let Some(u) = &full_url {
            if entries
                .iter()
                .any(|other| other.full_url.as_deref() == Some(u))
            {
                return Err(bad(
                    "duplicate_full_url",
                    "fullUrl déjà utilisé par une autre entrée.",
                )
                .at_entry(index, Some(u)));
            }
        }
        entries.push(entry);
    }
    Ok(entries)
}

fn read_entry(e: &Value, full_url: Option<String>) -> Result<Entry, FhirError> {
    let request = e.get("request");
    let text = |key: &str| {
        request
            .and_then(|r| r.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let (Some(method), Some(url)) = (text("method"), text("url")) else {
        return Err(bad(
            "request_missing",
            "request.method et request.url sont obligatoires.",
        ));
    };
    let Some(resource) = e.get("resource") else {
        return Err(bad(
            "resource_missing",
            "L'entrée ne contient pas de ressource.",
        ));
    };
    let kind = resource
        .get("resourceType")
        .and_then(Value::as_str)
        .unwrap_or("");
    let parsed = match (kind, method.as_str()) {
        ("List", "POST") => Parsed::SubmissionSet(Box::new(read_list(resource)?)),
        ("DocumentReference", "POST" | "PUT") => {
            let d: DocumentReference = from_value(kind, resource)?;
            if !d.modifier_extension.is_empty() {
                return Err(FhirError::not_supported(
                    "modifierExtension non pris en charge.",
                ));
            }
            Parsed::Document(Box::new(d))
        }
        ("Binary", "POST") => Parsed::Binary(from_value(kind, resource)?),
        _ => {
            return Err(FhirError::not_supported(format!(
                "{method} {kind} n'est pas accepté dans une transaction : List (SubmissionSet), \
                 DocumentReference et Binary en POST, DocumentReference en PUT."
            )))
        }
    };
    Ok(Entry {
        full_url,
        method,
        url,
        resource: parsed,
    })
}

fn from_value<T: serde::de::DeserializeOwned>(kind: &str, v: &Value) -> Result<T, FhirError> {
    serde_json::from_value(v.clone()).map_err(|e| {
        bad(
            "invalid_resource",
            format!("Ressource {kind} illisible : {e}."),
        )
    })
}

fn read_list(v: &Value) -> Result<List, FhirError> {
    let list: List = from_value("List", v)?;
    if !list.modifier_extension.is_empty() {
        return Err(FhirError::not_supported(
            "modifierExtension non pris en charge.",
        ));
    }
    let submission_set = list.code.iter().flat_map(|c| c.coding.iter()).any(|c| {
        c.system.as_deref() == Some(codes::MHD_LIST_TYPES)
            && c.code.as_deref() == Some("submissionset")
    });
    if !submission_set {
        return Err(FhirError::not_supported(format!(
            "Seule la liste SubmissionSet est acceptée (code {}|submissionset).",
            codes::MHD_LIST_TYPES
        )));
    }
    Ok(list)
}

/// The patient a reference names: by its id, or by its CAFAT or AMG identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Subject {
    Id(String),
    Identifier(IdentifierKind, String),
}

fn subject_of(base: &Base, r: &Reference) -> Result<Subject, FhirError> {
    if let Some(reference) = &r.reference {
        return referenced_id(base, reference, "Patient")
            .map(Subject::Id)
            .ok_or_else(|| {
                bad(
                    "invalid_subject",
                    "Patient attendu sous la forme Patient/<id> (ou par son identifiant CAFAT \
                     ou AMG).",
                )
            });
    }
    let kind = r
        .identifier
        .as_ref()
        .and_then(|i| codes::identifier_kind(i.system.as_deref()?).map(|k| (k, i)));
    match kind {
        Some((kind, i)) => Ok(Subject::Identifier(
            kind,
            i.value.clone().unwrap_or_default(),
        )),
        None => Err(bad(
            "invalid_subject",
            format!(
                "Patient attendu : Patient/<id>, ou un identifiant {}|<numéro> ou {}|<numéro>.",
                codes::CAFAT_SYSTEM,
                codes::AMG_SYSTEM
            ),
        )),
    }
}

/// The MDS type code of a document's `type` (LOINC, or the CI-SIS system for French codes).
fn type_code(d: &DocumentReference) -> Result<DocumentType, FhirError> {
    let codings: Vec<_> = d.type_.iter().flat_map(|t| t.coding.iter()).collect();
    if codings.is_empty() {
        return Err(FhirError::http(
            StatusCode::BAD_REQUEST,
            "required",
            "document_type_missing",
            "DocumentReference.type est obligatoire (code LOINC ou CI-SIS).",
        ));
    }
    codings
        .iter()
        .filter_map(|c| {
            let code = c.code.as_deref()?;
            let system_ok = c
                .system
                .as_deref()
                .is_none_or(|s| codes::is_type_system(s, code));
            system_ok.then(|| DocumentType::from_code(code)).flatten()
        })
        .next()
        .ok_or_else(|| {
            unprocessable(
                "code-invalid",
                "unknown_document_type",
                "Type de document inconnu : code LOINC ou CI-SIS de la liste de référence \
                 (reference/document-types.csv).",
            )
        })
}

/// The new document a `POST DocumentReference` describes, with its content.
fn new_document(
    base: &Base,
    d: &DocumentReference,
    content: Vec<u8>,
    informed: bool,
) -> Result<Submitted, FhirError> {
    if d.status != "current" {
        return Err(bad(
            "invalid_status",
            "Un document déposé a le statut « current » ; pour supprimer, envoyez \
             PUT DocumentReference/<id> avec le statut « entered-in-error ».",
        ));
    }
    let doc_type = type_code(d)?;
    for coding in d.category.iter().flat_map(|c| c.coding.iter()) {
        let ours = coding.system.as_deref().is_some_and(codes::is_class_system);
        if ours && coding.code.as_deref() != Some(doc_type.class_code()) {
            return Err(unprocessable(
                "code-invalid",
                "class_mismatch",
                format!(
                    "La classe ne correspond pas au type : le type {} est de la classe {} ({}).",
                    doc_type.code(),
                    doc_type.class_code(),
                    doc_type.class_label_fr()
                ),
            ));
        }
    }
    let att = d.content.first().map(|c| &c.attachment);
    let title = att
        .and_then(|a| a.title.clone())
        .or_else(|| d.description.clone())
        .unwrap_or_else(|| doc_type.label_fr().to_owned());
    let act_date = d
        .context
        .as_ref()
        .and_then(|c| c.period.as_ref())
        .and_then(|p| p.start.clone())
        .or_else(|| att.and_then(|a| a.creation.clone()))
        .map(|date| date.chars().take(10).collect::<String>())
        .ok_or_else(|| {
            FhirError::http(
                StatusCode::BAD_REQUEST,
                "required",
                "act_date_missing",
                "La date de l'acte est obligatoire : context.period.start (ou \
                 attachment.creation).",
            )
        })?;
    let mut structures = d.author.iter().filter_map(|a| {
        if let Some(r) = &a.reference {
            return referenced_id(base, r, "Organization");
        }
        a.identifier
            .as_ref()
            .filter(|i| i.system.as_deref() == Some(codes::STRUCTURE_SYSTEM))
            .and_then(|i| i.value.clone())
    });
    let structure_id = structures.next().map(|s| StructureId::named(&s));
    if structures.next().is_some() {
        return Err(FhirError::not_supported(
            "Une seule structure auteur (Organization) par document.",
        ));
    }
    let labels = changes::labels(d)?;
    let replaces = match d.relates_to.as_slice() {
        [] => None,
        [r] if r.code == "replaces" => {
            let target = r.target.reference.as_deref().unwrap_or("");
            let id = referenced_id(base, target, "DocumentReference").ok_or_else(|| {
                bad(
                    "invalid_relates_to",
                    "relatesTo.target : DocumentReference/<id> du document remplacé.",
                )
            })?;
            Some(DocumentId::named(&id))
        }
        _ => {
            return Err(FhirError::not_supported(
                "relatesTo : seul « replaces » (un document remplacé) est pris en charge.",
            ))
        }
    };
    Ok(Submitted {
        document: NewDocument {
            type_code: doc_type.code().to_owned(),
            title,
            act_date,
            structure_id,
            confidential: labels.masked,
            hidden_from_patient: labels.hidden_from_patient,
            // No FHIR element says "announced already": a type with an announcement delay
            // is hidden for it (docs/FHIR.md); the depositor releases it when told.
            visible_to_patient_now: false,
            confirms_patient_informed: informed,
            content,
        },
        replaces,
    })
}

/// Whether an element carries MDS's `patient-informed` extension set to true.
fn confirms_informed(extensions: &[crate::model::common::Extension]) -> bool {
    extensions
        .iter()
        .any(|e| e.url == codes::EXT_PATIENT_INFORMED && e.value_boolean == Some(true))
}

/// A submission: new documents and new versions, all or nothing.
async fn submit(
    app: &App,
    actor: &Actor,
    ip: Option<String>,
    base: &Base,
    entries: &[Entry],
) -> Result<Response, FhirError> {
    let sets: Vec<(usize, &List)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match &e.resource {
            Parsed::SubmissionSet(l) => Some((i, l.as_ref())),
            _ => None,
        })
        .collect();
    let (set_index, set) = match sets.as_slice() {
        [one] => *one,
        [] => {
            return Err(FhirError::http(
                StatusCode::BAD_REQUEST,
                "required",
                "submission_set_missing",
                "La transaction doit contenir une liste SubmissionSet (List).",
            ))
        }
        [_, (second, _), ..] => {
            return Err(bad(
                "several_submission_sets",
                "Une seule SubmissionSet par transaction.",
            )
            .at_entry(*second, entries[*second].full_url.as_deref()))
        }
    };
    let documents: Vec<(usize, &DocumentReference)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match &e.resource {
            Parsed::Document(d) => Some((i, d.as_ref())),
            _ => None,
        })
        .collect();
    if documents.is_empty() {
        return Err(bad(
            "no_document",
            "La transaction ne contient aucun DocumentReference.",
        ));
    }
    let at = |i: usize| move |e: FhirError| e.at_entry(i, entries[i].full_url.as_deref());
    check_listed(set, entries, &documents).map_err(at(set_index))?;
    let informed = confirms_informed(&set.extension);
    let mut subject = match &set.subject {
        Some(r) => Some(subject_of(base, r).map_err(at(set_index))?),
        None => None,
    };
    let mut contents = Contents::new(entries)?;
    let mut items = Vec::with_capacity(documents.len());
    let mut binary_of = Vec::with_capacity(documents.len());
    for (index, d) in &documents {
        let this = d
            .subject
            .as_ref()
            .ok_or_else(|| {
                bad(
                    "subject_missing",
                    "DocumentReference.subject est obligatoire.",
                )
            })
            .and_then(|r| subject_of(base, r))
            .map_err(at(*index))?;
        match &subject {
            Some(s) if *s != this => {
                return Err(bad(
                    "several_patients",
                    "Tous les documents d'une transaction concernent le même patient.",
                )
                .at_entry(*index, entries[*index].full_url.as_deref()))
            }
            _ => subject = Some(this),
        }
        let (content, binary) = contents.of(d).map_err(at(*index))?;
        let informed = informed || confirms_informed(&d.extension);
        items.push(new_document(base, d, content, informed).map_err(at(*index))?);
        binary_of.push(binary);
    }
    if let Some((index, url)) = contents.unused() {
        return Err(bad(
            "binary_unused",
            "Ce Binary n'est le contenu d'aucun DocumentReference.",
        )
        .at_entry(index, Some(url)));
    }
    let now = crate::now();
    let patient_id = match subject {
        Some(Subject::Id(id)) => PatientId::named(&id),
        Some(Subject::Identifier(kind, n)) => {
            app.record_of_identifier(actor, kind, &n, "document.add", ip.clone(), now)
                .await?
        }
        None => return Err(bad("subject_missing", "Le patient n'est pas indiqué.")),
    };
    let views = app
        .provide_documents(actor, &patient_id, items, ip, now)
        .await
        .map_err(|e| match e.index.and_then(|i| documents.get(i)) {
            Some((entry, _)) => {
                FhirError::App(e.error).at_entry(*entry, entries[*entry].full_url.as_deref())
            }
            None => FhirError::App(e.error),
        })?;
    Ok(transaction_response(
        base, entries, &documents, &binary_of, &views,
    ))
}

/// Every item of the SubmissionSet names a DocumentReference of the Bundle, and every
/// DocumentReference is in it.
fn check_listed(
    set: &List,
    entries: &[Entry],
    documents: &[(usize, &DocumentReference)],
) -> Result<(), FhirError> {
    let is_document = |url: &str| {
        documents
            .iter()
            .any(|(i, _)| entries[*i].full_url.as_deref() == Some(url))
    };
    for item in &set.entry {
        let r = item.item.reference.as_deref().unwrap_or("");
        if !is_document(r) {
            return Err(bad(
                "unresolved_reference",
                format!("La SubmissionSet désigne « {r} », qui n'est aucun DocumentReference de la transaction."),
            ));
        }
    }
    for (i, _) in documents {
        let listed = entries[*i].full_url.as_deref().is_some_and(|u| {
            set.entry
                .iter()
                .any(|item| item.item.reference.as_deref() == Some(u))
        });
        if !listed {
            return Err(bad(
                "document_not_listed",
                "Chaque DocumentReference doit figurer dans la SubmissionSet (par son fullUrl).",
            ));
        }
    }
    Ok(())
}

fn created(location: Option<String>, full_url: Option<String>) -> BundleEntry {
    BundleEntry {
        full_url,
        resource: None,
        search: None,
        response: Some(BundleResponse {
            status: "201 Created".to_owned(),
            location,
        }),
    }
}

/// The `transaction-response`: one entry per request entry, in order.
fn transaction_response(
    base: &Base,
    entries: &[Entry],
    documents: &[(usize, &DocumentReference)],
    binary_of: &[Option<&str>],
    views: &[DocumentView],
) -> Response {
    let document_at = |i: usize| documents.iter().position(|(e, _)| *e == i);
    let entry = entries
        .iter()
        .enumerate()
        .map(|(i, e)| match &e.resource {
            Parsed::SubmissionSet(_) => created(None, None),
            Parsed::Document(_) => match document_at(i).and_then(|k| views.get(k)) {
                Some(v) => created(
                    Some(format!("DocumentReference/{}", v.id)),
                    Some(base.url(&format!("DocumentReference/{}", v.id))),
                ),
                None => created(None, None),
            },
            Parsed::Binary(_) => {
                let k = binary_of
                    .iter()
                    .position(|b| b.is_some() && *b == e.full_url.as_deref());
                match k.and_then(|k| views.get(k)) {
                    Some(v) => created(
                        Some(format!("Binary/{}", v.id)),
                        Some(base.url(&format!("Binary/{}", v.id))),
                    ),
                    None => created(None, None),
                }
            }
        })
        .collect();
    transaction_bundle(entry)
}

fn transaction_bundle(entry: Vec<BundleEntry>) -> Response {
    crate::wire::fhir_json(
        StatusCode::OK,
        &Resource::Bundle(Bundle {
            type_: "transaction-response".to_owned(),
            timestamp: crate::now().to_rfc3339(),
            total: None,
            link: Vec::new(),
            entry,
        }),
    )
    .into_response()
}

/// A change of one existing document (`PUT DocumentReference/{id}`).
async fn change(
    app: &App,
    actor: &Actor,
    ip: Option<String>,
    base: &Base,
    entries: &[Entry],
) -> Result<Response, FhirError> {
    let mut puts = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.method == "PUT");
    let (index, entry) = puts.next().ok_or(FhirError::App(AppError::NotFound))?;
    let others = entries
        .iter()
        .any(|e| !matches!(e.resource, Parsed::SubmissionSet(_)) && e.method != "PUT");
    if puts.next().is_some() || others {
        return Err(FhirError::not_supported(
            "Une transaction de modification concerne un seul document \
             (PUT DocumentReference/<id>), sans dépôt.",
        ));
    }
    let Parsed::Document(d) = &entry.resource else {
        return Err(FhirError::not_supported(
            "Seul un DocumentReference se modifie.",
        ));
    };
    let at = |e: FhirError| e.at_entry(index, entry.full_url.as_deref());
    let id = referenced_id(base, &entry.url, "DocumentReference")
        .ok_or_else(|| at(bad("invalid_url", "request.url : DocumentReference/<id>.")))?;
    if d.id.as_deref().is_some_and(|own| own != id) {
        return Err(at(bad(
            "id_mismatch",
            "L'id de la ressource diffère de celui de request.url.",
        )));
    }
    let wanted = match d.status.as_str() {
        "entered-in-error" => Change::Delete,
        "current" => Change::Labels(changes::labels(d).map_err(at)?),
        other => {
            return Err(at(bad(
                "invalid_status",
                format!("Statut « {other} » : seuls current et entered-in-error sont acceptés."),
            )))
        }
    };
    let document_id = DocumentId::named(&id);
    changes::apply(app, actor, &document_id, wanted, ip)
        .await
        .map_err(at)?;
    let entry = entries
        .iter()
        .map(|e| BundleEntry {
            full_url: None,
            resource: None,
            search: None,
            response: Some(BundleResponse {
                status: "200 OK".to_owned(),
                location: (e.method == "PUT").then(|| format!("DocumentReference/{id}")),
            }),
        })
        .collect();
    Ok(transaction_bundle(entry))
}
