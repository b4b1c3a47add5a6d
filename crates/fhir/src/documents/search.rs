//! ITI-67 Find Document References (`GET /fhir/DocumentReference?…`, or `POST …/_search`
//! with the parameters in a form) and the read of one `DocumentReference`. The search is the
//! record listing of the app: the list rule of the matrix applied per document, superseded
//! and deleted versions never listed, one audit event per search.

use super::{document_reference, referenced_id};
use crate::auth::{ClientIp, FhirActor};
use crate::codes;
use crate::format::{wanted, Fhir, IdPath, Params};
use crate::model::bundle::{Bundle, BundleLink};
use crate::model::Resource;
use crate::{Base, FhirError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use mds_app::record::documents::{DocumentFilter, DocumentQuery};
use mds_app::{Actor, App};
use mds_domain::{AccountId, DocumentId, PatientId};

/// The search parameters of ITI-67 MDS understands.
const KNOWN: &[&str] = &[
    "patient",
    "patient.identifier",
    "status",
    "type",
    "category",
    "date",
    "period",
    "author",
    "_count",
    "_offset",
];

/// The audit action a search is recorded under.
const SEARCH: &str = "document.search";

/// A `token` parameter: `system|code`, or a code alone.
fn token(value: &str) -> (Option<&str>, &str) {
    match value.split_once('|') {
        Some((system, code)) => (Some(system).filter(|s| !s.is_empty()), code),
        None => (None, value),
    }
}

fn one_code<'a>(name: &str, value: &'a str) -> Result<(Option<&'a str>, &'a str), FhirError> {
    if value.contains(',') {
        return Err(FhirError::not_supported(format!(
            "Un seul code à la fois pour « {name} »."
        )));
    }
    Ok(token(value))
}

/// A date of a `date` parameter with its prefix: `(from, to)` bounds, inclusive.
fn date_bounds(value: &str) -> Result<(Option<String>, Option<String>), FhirError> {
    let (prefix, date) = match value.get(..2) {
        Some(p @ ("ge" | "le" | "eq")) => (p, &value[2..]),
        Some("gt" | "lt" | "ne" | "sa" | "eb" | "ap") => {
            return Err(FhirError::not_supported(
                "Préfixes de date acceptés : ge, le et eq.",
            ))
        }
        _ => ("eq", value),
    };
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    if time::Date::parse(date, &fmt).is_err() {
        return Err(FhirError::invalid(
            "invalid_date",
            "Date invalide : AAAA-MM-JJ, avec ge, le ou eq.",
        ));
    }
    let d = Some(date.to_owned());
    Ok(match prefix {
        "ge" => (d, None),
        "le" => (None, d),
        _ => (d.clone(), d),
    })
}

/// The record a search names (`patient` or `patient.identifier`, exactly one).
async fn record_named(
    app: &App,
    actor: &Actor,
    base: &Base,
    params: &Params,
    ip: Option<String>,
) -> Result<PatientId, FhirError> {
    match (
        params.single("patient")?,
        params.single("patient.identifier")?,
    ) {
        (Some(p), None) => {
            let id = referenced_id(base, p, "Patient").unwrap_or_else(|| p.to_owned());
            Ok(PatientId::named(&id))
        }
        (None, Some(identifier)) => {
            let (system, value) = token(identifier);
            let Some(kind) = system.and_then(codes::identifier_kind) else {
                return Err(FhirError::invalid(
                    "unknown_identifier_system",
                    format!(
                        "Identifiant de patient attendu : {}|<numéro CAFAT> ou {}|<numéro AMG>.",
                        codes::CAFAT_SYSTEM,
                        codes::AMG_SYSTEM
                    ),
                ));
            };
            Ok(app
                .record_of_identifier(actor, kind, value, SEARCH, ip, crate::now())
                .await?)
        }
        _ => Err(FhirError::http(
            axum::http::StatusCode::BAD_REQUEST,
            "required",
            "patient_required",
            "Indiquez le dossier : patient=<id> ou patient.identifier=<système CAFAT ou \
             AMG>|<numéro>.",
        )),
    }
}

/// The filters of a search, and whether it can match anything at all (only current
/// versions are listed; a `status` without `current` matches nothing).
fn filters(base: &Base, params: &Params) -> Result<(DocumentFilter, bool), FhirError> {
    let mut f = DocumentFilter::default();
    let mut matches_anything = true;
    if let Some(status) = params.single("status")? {
        matches_anything = status.split(',').any(|s| s == "current");
    }
    if let Some(t) = params.single("type")? {
        let (system, code) = one_code("type", t)?;
        f.type_code = Some(match system {
            Some(s) if !codes::is_type_system(s, code) => format!("{s}|{code}"),
            _ => code.to_owned(),
        });
    }
    if let Some(c) = params.single("category")? {
        let (system, code) = one_code("category", c)?;
        f.class_code = Some(match system {
            Some(s) if !codes::is_class_system(s) => format!("{s}|{code}"),
            _ => code.to_owned(),
        });
    }
    for value in params.all("date").chain(params.all("period")) {
        let (from, to) = date_bounds(value)?;
        // Several bounds narrow: the latest start, the earliest end.
        if let Some(from) = from {
            f.act_date_from = Some(f.act_date_from.map_or(from.clone(), |old| old.max(from)));
        }
        if let Some(to) = to {
            f.act_date_to = Some(f.act_date_to.map_or(to.clone(), |old| old.min(to)));
        }
    }
    if let Some(a) = params.single("author")? {
        let id = referenced_id(base, a, "Practitioner").unwrap_or_else(|| a.to_owned());
        f.author_account_id = Some(AccountId::named(&id));
    }
    Ok((f, matches_anything))
}

fn number(params: &Params, name: &str, default: usize) -> Result<usize, FhirError> {
    match params.single(name)? {
        None => Ok(default),
        Some(n) => n.parse().map_err(|_| {
            FhirError::invalid(
                "invalid_number",
                format!("« {name} » doit être un nombre entier positif."),
            )
        }),
    }
}

/// The address of this search with `offset` (self and next links).
fn page_url(base: &Base, params: &Params, offset: usize) -> String {
    let mut kept: Vec<(&str, String)> = params
        .0
        .iter()
        .filter(|(k, _)| k != "_offset")
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    if offset > 0 {
        kept.push(("_offset", offset.to_string()));
    }
    let query = serde_urlencoded::to_string(&kept).unwrap_or_default();
    base.url(&format!("DocumentReference?{query}"))
}

/// Patients (own record, except documents hidden from them) and professionals or their
/// structures' software (as the access mode and the habilitation allow). ITI-67.
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
    let (filter, matches_anything) = filters(&base, &params)?;
    let count = number(&params, "_count", 50)?.clamp(1, 100);
    let offset = number(&params, "_offset", 0)?;
    let patient_id = record_named(&app, &actor, &base, &params, ip.clone()).await?;
    let q = DocumentQuery {
        filter,
        limit: count,
        offset,
    };
    let page = app
        .list_documents(&actor, &patient_id, q, ip, crate::now())
        .await?;
    let (total, items) = if matches_anything {
        (page.total, page.items)
    } else {
        (0, Vec::new())
    };
    let mut link = vec![BundleLink {
        relation: "self".to_owned(),
        url: page_url(&base, &params, offset),
    }];
    if offset + items.len() < total {
        link.push(BundleLink {
            relation: "next".to_owned(),
            url: page_url(&base, &params, offset + items.len()),
        });
    }
    let entry = items
        .iter()
        .map(|v| {
            Bundle::matched(
                base.url(&format!("DocumentReference/{}", v.id)),
                Resource::DocumentReference(document_reference(&base, v)),
            )
        })
        .collect();
    Ok(Fhir(Resource::Bundle(Bundle::searchset(
        Some(u64::try_from(total).unwrap_or(u64::MAX)),
        link,
        entry,
    ))))
}

/// ITI-67 with the parameters in an `application/x-www-form-urlencoded` body (and the
/// query): same as [`search`].
pub async fn search_posted(
    State(app): State<App>,
    actor: FhirActor,
    ip: ClientIp,
    base: Base,
    params: Params,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Fhir, FhirError> {
    let posted = posted_params(&headers, &body)?;
    let all = Params(params.0.into_iter().chain(posted.0).collect());
    search(State(app), actor, ip, base, all, headers).await
}

/// The parameters of a `POST …/_search` form.
pub fn posted_params(headers: &HeaderMap, body: &[u8]) -> Result<Params, FhirError> {
    let form = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return Err(FhirError::http(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not-supported",
            "unsupported_media_type",
            "Envoyez les paramètres en application/x-www-form-urlencoded.",
        ));
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| FhirError::invalid("invalid_query", "Paramètres de requête illisibles."))?;
    Params::parse(text)
}

/// Whoever may read the document. One `DocumentReference` (its metadata; audited as a read
/// of the metadata).
pub async fn read(
    State(app): State<App>,
    FhirActor(actor): FhirActor,
    ClientIp(ip): ClientIp,
    base: Base,
    params: Params,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> Result<Fhir, FhirError> {
    wanted(&params, &headers)?;
    params.only(&[])?;
    let action = "document.read_metadata";
    let document_id = DocumentId::named(&id);
    let now = crate::now();
    let patient_id = app
        .record_of_document(&actor, &document_id, action, ip.clone(), now)
        .await?;
    let v = app
        .document_metadata(&actor, &patient_id, &document_id, ip, now)
        .await?;
    Ok(Fhir(Resource::DocumentReference(document_reference(
        &base, &v,
    ))))
}
