//! The health profile (issue 17, item 7) as FHIR R4 resources, read-only, searched by record:
//! `GET /fhir/{AllergyIntolerance,MedicationStatement,Immunization,Observation,RelatedPerson}
//! ?patient=<id>` (or `Patient/<id>`). Each search is one `App::health_profile` — the record
//! gate decides (the patient, their representative, a health professional with an access;
//! under break-glass or SAMU the emergency sections only) and audits, denials included — and
//! answers the entries of one section as it was returned, nothing more. Chronic conditions,
//! organ donation and advance directives have no resource here (`docs/FHIR.md`). No read by
//! id: an entry's id does not name its record, and finding the record of an entry alone
//! would be a use case of its own (as `record_of_document` is for documents).

mod resources;

use crate::auth::{ClientIp, FhirActor};
use crate::documents::referenced_id;
use crate::format::{wanted, Fhir, Params};
use crate::model::bundle::{Bundle, BundleLink};
use crate::{Base, FhirError};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use mds_app::App;
use mds_domain::profile::Section;
use mds_domain::PatientId;

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
