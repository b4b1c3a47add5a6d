//! The health profile (issue 17, item 7) as FHIR R4 resources, read-only, searched by record:
//! `GET /fhir/{AllergyIntolerance,MedicationStatement,Immunization,Observation,RelatedPerson}
//! ?patient=<id>` (or `Patient/<id>`). Each search is one `App::health_profile` — the record
//! gate decides (the patient, their representative, a health professional with an access;
//! under break-glass or SAMU the emergency sections only) and audits, denials included — and
//! answers the entries of one section as it was returned, nothing more. Chronic conditions,
//! organ donation and advance directives have no resource here (`docs/FHIR.md`). A read by id
//! (`GET [type]/<id>`) finds the entry's record (`record_of_profile_entry`, an unknown entry
//! audited) and is the same profile read, answering the entry only if that read shows it and
//! it is of the type asked.

mod resources;

use crate::auth::{ClientIp, FhirActor};
use crate::documents::referenced_id;
use crate::format::{wanted, Fhir, IdPath, Params};
use crate::model::bundle::{Bundle, BundleLink};
use crate::{Base, FhirError};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use mds_app::App;
use mds_domain::profile::Section;
use mds_domain::{PatientId, ProfileEntryId};

/// The resource types of the profile, each the image of one section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    AllergyIntolerance,
    MedicationStatement,
    Immunization,
    Observation,
    RelatedPerson,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Self::AllergyIntolerance,
        Self::MedicationStatement,
        Self::Immunization,
        Self::Observation,
        Self::RelatedPerson,
    ];

    pub fn type_name(self) -> &'static str {
        match self {
            Self::AllergyIntolerance => "AllergyIntolerance",
            Self::MedicationStatement => "MedicationStatement",
            Self::Immunization => "Immunization",
            Self::Observation => "Observation",
            Self::RelatedPerson => "RelatedPerson",
        }
    }

    /// What the CapabilityStatement says of it.
    pub fn documentation(self) -> &'static str {
        match self {
            Self::AllergyIntolerance => {
                "Profil de santé : allergies et intolérances déclarées par le patient \
                 (substance en texte, criticité, réaction). Lecture seule."
            }
            Self::MedicationStatement => {
                "Profil de santé : traitements en cours déclarés par le patient \
                 (médicament et posologie en texte). Lecture seule."
            }
            Self::Immunization => {
                "Profil de santé : vaccinations (vaccin en texte, date, lot), saisies par le \
                 patient ou un professionnel. Hors accès d'urgence. Lecture seule."
            }
            Self::Observation => {
                "Profil de santé : mesures (LOINC et UCUM) — poids 29463-7 (kg), taille 8302-2 \
                 (cm), tension 85354-9 avec systolique 8480-6 et diastolique 8462-4 (mm[Hg]), \
                 glycémie 2339-0 (g/L, catégorie laboratory). Hors accès d'urgence. Lecture \
                 seule."
            }
            Self::RelatedPerson => {
                "Profil de santé : personne de confiance et contacts d'urgence (lien, \
                 téléphone). Lecture seule."
            }
        }
    }

    pub fn section(self) -> Section {
        match self {
            Self::AllergyIntolerance => Section::Allergies,
            Self::MedicationStatement => Section::Treatments,
            Self::Immunization => Section::Vaccinations,
            Self::Observation => Section::Measurements,
            Self::RelatedPerson => Section::Contacts,
        }
    }
}

/// One search: the record named by `patient`, the entries of `kind`'s section as the caller
/// may see them.
async fn search(
    kind: Kind,
    app: App,
    actor: mds_app::Actor,
    ip: Option<String>,
    base: Base,
    params: Params,
    headers: HeaderMap,
) -> Result<Fhir, FhirError> {
    wanted(&params, &headers)?;
    params.only(&["patient"])?;
    let Some(patient) = params.single("patient")? else {
        return Err(FhirError::http(
            StatusCode::BAD_REQUEST,
            "required",
            "patient_required",
            "Indiquez le dossier : patient=Patient/<id> ou patient=<id>.",
        ));
    };
    let patient_id = PatientId::named(
        &referenced_id(&base, patient, "Patient").unwrap_or_else(|| patient.to_owned()),
    );
    let profile = app
        .health_profile(&actor, &patient_id, ip, crate::now())
        .await?;
    let entry: Vec<_> = profile
        .section(kind.section())
        .map(|s| s.entries.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|e| resources::resource(kind, &profile.patient_id, e))
        .map(|r| Bundle::matched(base.url(&format!("{}/{}", kind.type_name(), r.1)), r.0))
        .collect();
    let query = serde_urlencoded::to_string(&params.0).unwrap_or_default();
    let link = vec![BundleLink {
        relation: "self".to_owned(),
        url: base.url(&format!("{}?{query}", kind.type_name())),
    }];
    let total = u64::try_from(entry.len()).ok();
    Ok(Fhir(crate::model::Resource::Bundle(Bundle::searchset(
        total, link, entry,
    ))))
}

/// One read by id: the entry's record, its profile as the caller may see it, the entry if
/// shown and of `kind`'s section; anything else is « not found ».
async fn read(
    kind: Kind,
    app: App,
    actor: mds_app::Actor,
    ip: Option<String>,
    params: Params,
    headers: HeaderMap,
    id: String,
) -> Result<Fhir, FhirError> {
    wanted(&params, &headers)?;
    params.only(&[])?;
    let entry_id = ProfileEntryId::named(&id);
    let now = crate::now();
    let patient_id = app
        .record_of_profile_entry(&actor, &entry_id, ip.clone(), now)
        .await?;
    let profile = app.health_profile(&actor, &patient_id, ip, now).await?;
    profile
        .section(kind.section())
        .and_then(|s| s.entries.iter().find(|e| e.id == entry_id))
        .and_then(|e| resources::resource(kind, &profile.patient_id, e))
        .map(|(r, _)| Fhir(r))
        .ok_or_else(|| mds_app::AppError::NotFound.into())
}

macro_rules! read_handler {
    ($(#[$doc:meta])* $name:ident, $kind:expr) => {
        $(#[$doc])*
        pub async fn $name(
            State(app): State<App>,
            FhirActor(actor): FhirActor,
            ClientIp(ip): ClientIp,
            params: Params,
            headers: HeaderMap,
            IdPath(id): IdPath,
        ) -> Result<Fhir, FhirError> {
            read($kind, app, actor, ip, params, headers, id).await
        }
    };
}

read_handler!(
    /// Whoever may read the record's profile. One allergy or intolerance.
    allergy,
    Kind::AllergyIntolerance
);
read_handler!(
    /// Whoever may read the record's profile. One treatment.
    treatment,
    Kind::MedicationStatement
);
read_handler!(
    /// Whoever may read the full profile. One vaccination.
    vaccination,
    Kind::Immunization
);
read_handler!(
    /// Whoever may read the full profile. One measurement.
    measurement,
    Kind::Observation
);
read_handler!(
    /// Whoever may read the record's profile. One contact.
    contact,
    Kind::RelatedPerson
);

macro_rules! search_handler {
    ($(#[$doc:meta])* $name:ident, $kind:expr) => {
        $(#[$doc])*
        pub async fn $name(
            State(app): State<App>,
            FhirActor(actor): FhirActor,
            ClientIp(ip): ClientIp,
            base: Base,
            params: Params,
            headers: HeaderMap,
        ) -> Result<Fhir, FhirError> {
            search($kind, app, actor, ip, base, params, headers).await
        }
    };
}

search_handler!(
    /// Whoever may read the record's profile. Its allergies and intolerances.
    allergies,
    Kind::AllergyIntolerance
);
search_handler!(
    /// Whoever may read the record's profile. Its current treatments.
    treatments,
    Kind::MedicationStatement
);
search_handler!(
    /// Whoever may read the full profile (not an emergency access). Its vaccinations.
    vaccinations,
    Kind::Immunization
);
search_handler!(
    /// Whoever may read the full profile (not an emergency access). Its measurements.
    measurements,
    Kind::Observation
);
search_handler!(
    /// Whoever may read the record's profile. The trusted person and emergency contacts.
    contacts,
    Kind::RelatedPerson
);
