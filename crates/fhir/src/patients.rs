//! IHE PDQm ITI-78 (`GET /fhir/Patient?…`, or `POST /fhir/Patient/_search`): the patient
//! search of the app — the CAFAT identifier with the birth date, or the birth name, a first
//! name, the birth date and the sex; five answers at most; audited; near matches never shown
//! — answering only what confirms an identity. And `POST /fhir/Patient`: the creation of an
//! inactive record for a person present, with the identity rules and the near-duplicate hold
//! of the app.

use crate::auth::{ClientIp, FhirActor};
use crate::codes;
use crate::documents::search::posted_params;
use crate::error::outcome;
use crate::format::{wanted, Fhir, JsonBody, Params};
use crate::model::bundle::{Bundle, BundleLink};
use crate::model::common::{Address, Extension, Identifier};
use crate::model::patient::{HumanName, Patient};
use crate::model::Resource;
use crate::{Base, FhirError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use mds_app::interop::patients::IdentifiedPatient;
use mds_app::patients::creation::{Creation, NewPatient};
use mds_app::patients::identity::PatientSummary;
use mds_app::patients::search::PatientQuery;
use mds_app::App;
use mds_domain::identity::IdentityInput;
use mds_domain::{AccountId, AccountState, IdentifierKind};

const KNOWN: &[&str] = &["identifier", "birthdate", "family", "given", "gender"];

fn gender_of(sex: &str) -> &'static str {
    match sex {
        "F" => "female",
        "M" => "male",
        _ => "other",
    }
}

fn sex_of(gender: &str) -> Result<&'static str, FhirError> {
    match gender {
        "female" => Ok("F"),
        "male" => Ok("M"),
        "other" => Ok("I"),
        _ => Err(FhirError::invalid(
            "invalid_gender",
            "Sexe : female, male ou other.",
        )),
    }
}

/// The record's state as MDS names it.
fn state_code(state: AccountState) -> &'static str {
    state.as_str()
}

/// A patient found or created, as PDQm answers it.
fn patient(summary: &PatientSummary, kind: IdentifierKind, number: &str) -> Patient {
    let place = &summary.birth_place;
    let place_name = mds_domain::commune::find_nc_commune(place).map(|c| c.name.to_owned());
    Patient {
        id: Some(summary.id.to_string()),
        extension: vec![
            Extension::code(codes::EXT_RECORD_STATE, state_code(summary.record_state)),
            Extension {
                url: codes::EXT_BIRTH_PLACE.to_owned(),
                value_address: Some(Address {
                    extension: vec![Extension::string(codes::EXT_INSEE_CODE, place)],
                    text: Some(place_name.unwrap_or_else(|| place.clone())),
                    country: None,
                }),
                ..Extension::default()
            },
        ],
        identifier: vec![Identifier {
            use_: Some("official".to_owned()),
            ..Identifier::new(codes::identifier_system(kind), number)
        }],
        active: Some(matches!(
            summary.record_state,
            AccountState::Active | AccountState::Inactive
        )),
        name: vec![HumanName {
            use_: Some("official".to_owned()),
            family: Some(summary.birth_name.clone()),
            given: summary.first_names.clone(),
            text: None,
        }],
        telecom: Vec::new(),
        gender: Some(gender_of(&summary.sex).to_owned()),
        birth_date: Some(summary.birth_date.clone()),
        deceased_boolean: Some(summary.deceased),
        modifier_extension: Vec::new(),
    }
}

/// The query of a search's parameters: the CAFAT identifier with the birth date, or the
/// traits.
fn query(params: &Params) -> Result<PatientQuery, FhirError> {
    params.only(KNOWN)?;
    let birthdate = params
        .single("birthdate")?
        .map(|d| d.strip_prefix("eq").unwrap_or(d));
    let identifier = params.single("identifier")?;
    let (family, given, gender) = (
        params.single("family")?,
        params.single("given")?,
        params.single("gender")?,
    );
    match (identifier, family, given, gender, birthdate) {
        (Some(identifier), None, None, None, Some(birth_date)) => {
            let (system, value) = identifier.split_once('|').unwrap_or(("", identifier));
            let Some(kind) = codes::identifier_kind(system) else {
                return Err(FhirError::invalid(
                    "unknown_identifier_system",
                    format!(
                        "Identifiant attendu : {}|<numéro CAFAT> ou {}|<numéro AMG>.",
                        codes::CAFAT_SYSTEM,
                        codes::AMG_SYSTEM
                    ),
                ));
            };
            Ok(PatientQuery::Cafat {
                identifier_kind: kind.as_str().to_owned(),
                cafat: value.to_owned(),
                birth_date: birth_date.to_owned(),
            })
        }
        (None, Some(family), Some(given), Some(gender), Some(birth_date)) => {
            Ok(PatientQuery::Traits {
                birth_name: family.to_owned(),
                first_name: given.to_owned(),
                birth_date: birth_date.to_owned(),
                sex: sex_of(gender)?.to_owned(),
                birth_place: None,
            })
        }
        _ => Err(FhirError::http(
            StatusCode::BAD_REQUEST,
            "required",
            "insufficient_criteria",
            "Recherchez avec identifier (CAFAT ou AMG) et birthdate, ou avec family (nom de \
             naissance), given (un prénom), birthdate et gender.",
        )),
    }
}

fn searchset(base: &Base, found: &[IdentifiedPatient]) -> Resource {
    let entry = found
        .iter()
        .map(|p| {
            Bundle::matched(
                base.url(&format!("Patient/{}", p.summary.id)),
                Resource::Patient(patient(&p.summary, p.identifier_kind, &p.cafat)),
            )
        })
        .collect();
    // The criteria stay out of the links: they are personal data.
    let link = vec![BundleLink {
        relation: "self".to_owned(),
        url: base.url("Patient"),
    }];
    Resource::Bundle(Bundle::searchset(
        Some(u64::try_from(found.len()).unwrap_or(u64::MAX)),
        link,
        entry,
    ))
}

/// Professionals, assistants and their structures' software (and support). ITI-78.
pub async fn search(
    State(app): State<App>,
    FhirActor(actor): FhirActor,
    ClientIp(ip): ClientIp,
    base: Base,
    params: Params,
    headers: HeaderMap,
) -> Result<Fhir, FhirError> {
    wanted(&params, &headers)?;
    let q = query(&params)?;
    let found = app
        .search_patients_identified(&actor, q, ip, crate::now())
        .await?;
    Ok(Fhir(searchset(&base, &found)))
}

/// ITI-78 with the criteria in a form body (they then stay out of every URL): as [`search`].
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

/// A boolean sub-extension of the creation attestation.
fn attested(p: &Patient, what: &str) -> bool {
    p.extension
        .iter()
        .filter(|e| e.url == codes::EXT_CREATION)
        .flat_map(|e| e.extension.iter())
        .any(|e| e.url == what && e.value_boolean == Some(true))
}

/// The creation request a `Patient` describes.
fn new_patient(base: &Base, p: &Patient) -> Result<NewPatient, FhirError> {
    if !p.modifier_extension.is_empty() {
        return Err(FhirError::not_supported(
            "modifierExtension non pris en charge.",
        ));
    }
    // The CAFAT number when there is one, else the AMG number (nothing: refused as a
    // missing CAFAT number).
    let (kind, cafat) = IdentifierKind::ALL
        .iter()
        .find_map(|kind| {
            p.identifier
                .iter()
                .find(|i| i.system.as_deref() == Some(codes::identifier_system(*kind)))
                .map(|i| (*kind, i.value.clone().unwrap_or_default()))
        })
        .unwrap_or_default();
    let name = p
        .name
        .iter()
        .find(|n| n.use_.as_deref() == Some("official"))
        .or_else(|| p.name.first());
    let birth_place = p
        .extension
        .iter()
        .filter(|e| e.url == codes::EXT_BIRTH_PLACE)
        .filter_map(|e| e.value_address.as_ref())
        .flat_map(|a| a.extension.iter())
        .find(|e| e.url == codes::EXT_INSEE_CODE)
        .and_then(|e| e.value_string.clone())
        .unwrap_or_default();
    let telecom = |system: &str| {
        p.telecom
            .iter()
            .find(|t| t.system.as_deref() == Some(system))
            .and_then(|t| t.value.clone())
    };
    let care_team = p
        .extension
        .iter()
        .filter(|e| e.url == codes::EXT_CARE_TEAM)
        .filter_map(|e| e.value_reference.as_ref())
        .filter_map(|r| r.reference.as_deref())
        .map(|r| {
            crate::documents::referenced_id(base, r, "Practitioner")
                .map(|id| AccountId::named(&id))
                .ok_or_else(|| {
                    FhirError::invalid(
                        "invalid_care_team",
                        "Membre de l'équipe de soins : Practitioner/<id de compte>.",
                    )
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(NewPatient {
        identity: IdentityInput {
            identifier_kind: kind.as_str().to_owned(),
            cafat,
            birth_name: name.and_then(|n| n.family.clone()).unwrap_or_default(),
            first_names: name.map(|n| n.given.clone()).unwrap_or_default(),
            birth_date: p.birth_date.clone().unwrap_or_default(),
            sex: match p.gender.as_deref() {
                Some(g) => sex_of(g)?.to_owned(),
                None => String::new(),
            },
            birth_place,
        },
        email: telecom("email"),
        phone: telecom("phone"),
        identity_document_checked: attested(p, "identity-document-checked"),
        cafat_card_checked: attested(p, "cafat-card-checked"),
        consent_signed: attested(p, "consent-signed"),
        informed_of_rights: attested(p, "informed-of-rights"),
        care_team,
        exclude_creator: false,
        consent_form: None,
    })
}

/// A professional (active account). Creates the inactive record of a person present: 201
/// with the `Patient`; 202 with an `OperationOutcome` when a near identity exists (nothing
/// created, support reviews the request).
pub async fn create(
    State(app): State<App>,
    FhirActor(actor): FhirActor,
    base: Base,
    params: Params,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, FhirError> {
    wanted(&params, &headers)?;
    params.only(&[])?;
    if body.get("resourceType").and_then(|v| v.as_str()) != Some("Patient") {
        return Err(FhirError::invalid(
            "wrong_resource_type",
            "Une ressource Patient est attendue.",
        ));
    }
    let p: Patient = serde_json::from_value(body).map_err(|e| {
        FhirError::invalid(
            "invalid_resource",
            format!("Ressource Patient illisible : {e}."),
        )
    })?;
    let input = new_patient(&base, &p)?;
    let cafat: String = input
        .identity
        .cafat
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let kind = IdentifierKind::from_input(&input.identity.identifier_kind).unwrap_or_default();
    match app.create_patient(&actor, input, crate::now()).await? {
        Creation::Created { patient: summary } => {
            let location = base.url(&format!("Patient/{}", summary.id));
            let mut r = crate::wire::fhir_json(
                StatusCode::CREATED,
                &Resource::Patient(patient(&summary, kind, &cafat)),
            );
            if let Ok(v) = HeaderValue::from_str(&location) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            Ok(r)
        }
        Creation::HeldForReview { review_id } => {
            let message = format!(
                "{} Aucun dossier n'a été créé : la demande (n° {review_id}) est transmise au \
                 support de Mon Drive Santé pour vérification de l'identité.",
                mds_domain::IdentityError::NearMatchToReview
            );
            let body = outcome(
                "information",
                "informational",
                "near_match_review",
                message,
                Vec::new(),
            );
            Ok(
                crate::wire::fhir_json(StatusCode::ACCEPTED, &Resource::OperationOutcome(body))
                    .into_response(),
            )
        }
    }
}
