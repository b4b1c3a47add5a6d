//! `GET /fhir/metadata`: the CapabilityStatement, listing exactly what `/fhir` serves — no
//! more (a client must not discover an interaction by failing it) — and the IHE actors it
//! instantiates.

use crate::format::{wanted, Fhir, Params};
use crate::model::capability::{
    CapabilityStatement, Implementation, Interaction, Rest, RestResource, SearchParam, Security,
    Software,
};
use crate::model::Resource;
use crate::profile::Kind;
use crate::{Base, FhirError};
use axum::http::HeaderMap;

/// Last change of what this statement lists.
const DATE: &str = "2026-12-06";

/// IHE MHD 4.2 Document Responder and Document Recipient, IHE PDQm Patient Demographics
/// Supplier.
pub const INSTANTIATES: [&str; 3] = [
    "https://profiles.ihe.net/ITI/MHD/CapabilityStatement/IHE.MHD.DocumentRecipient|4.2.2",
    "https://profiles.ihe.net/ITI/MHD/CapabilityStatement/IHE.MHD.DocumentResponder|4.2.2",
    "https://profiles.ihe.net/ITI/PDQm/CapabilityStatement/IHE.PDQm.Supplier",
];

fn interactions(codes: &[&str]) -> Vec<Interaction> {
    codes
        .iter()
        .map(|c| Interaction {
            code: (*c).to_owned(),
            documentation: None,
        })
        .collect()
}

fn param(name: &str, type_: &str, documentation: &str) -> SearchParam {
    SearchParam {
        name: name.to_owned(),
        type_: type_.to_owned(),
        documentation: documentation.to_owned(),
    }
}

fn resources() -> Vec<RestResource> {
    let mut resources = vec![
        RestResource {
            type_: "DocumentReference".to_owned(),
            documentation: Some(
                "ITI-67 (recherche) et lecture ; suppression (DELETE) par le patient ou le \
                 déposant. Le dépôt passe par la transaction ITI-65 (POST /fhir)."
                    .to_owned(),
            ),
            interaction: interactions(&["read", "search-type", "delete"]),
            search_param: vec![
                param("patient", "reference", "Dossier : Patient/<id> ou <id>. Obligatoire, sauf avec patient.identifier."),
                param("patient.identifier", "token", "Dossier par son numéro CAFAT (https://mondrivesante.nc/fhir/sid/cafat|<numéro>) ou AMG (https://mondrivesante.nc/fhir/sid/amg|<numéro>)."),
                param("status", "token", "current (seules les versions en vigueur sont listées)."),
                param("type", "token", "Type du document : http://loinc.org|<code> ou le système TRE_A05 (un code)."),
                param("category", "token", "Classe du document (TRE_A03-ClasseDocument, un code)."),
                param("date", "date", "Date de l'acte, avec les préfixes ge, le ou eq (AAAA-MM-JJ)."),
                param("period", "date", "Comme date : la date de l'acte."),
                param("author", "reference", "Professionnel auteur : Practitioner/<id de compte>."),
                param("_count", "number", "Taille de page, 100 au plus (50 par défaut)."),
            ],
        },
        RestResource {
            type_: "Binary".to_owned(),
            documentation: Some(
                "ITI-68 : le contenu du document, dans son propre format, ou en Binary FHIR \
                 (base64) avec Accept: application/fhir+json ou _format=json."
                    .to_owned(),
            ),
            interaction: interactions(&["read"]),
            search_param: Vec::new(),
        },
        RestResource {
            type_: "Patient".to_owned(),
            documentation: Some(
                "ITI-78 : recherche (5 réponses au plus, auditée) par identifiant CAFAT et \
                 date de naissance, ou par nom de naissance, prénom, date de naissance et \
                 sexe ; création d'un dossier inactif (professionnels)."
                    .to_owned(),
            ),
            interaction: interactions(&["search-type", "create"]),
            search_param: vec![
                param("identifier", "token", "https://mondrivesante.nc/fhir/sid/cafat|<numéro> ou https://mondrivesante.nc/fhir/sid/amg|<numéro>, avec birthdate."),
                param("birthdate", "date", "Date de naissance (AAAA-MM-JJ), toujours requise."),
                param("family", "string", "Nom de naissance (recherche par traits)."),
                param("given", "string", "Un prénom (recherche par traits)."),
                param("gender", "token", "female, male ou other (recherche par traits)."),
            ],
        },
        RestResource {
            type_: "AuditEvent".to_owned(),
            documentation: Some(
                "Historique du dossier pour son patient (IHE BALP), paginé ; la lecture est \
                 elle-même tracée."
                    .to_owned(),
            ),
            interaction: interactions(&["search-type"]),
            search_param: vec![
                param("patient", "reference", "Son propre dossier : Patient/<id>."),
                param("date", "date", "Jour (heure de Nouméa), préfixes ge et le."),
                param("_count", "number", "Taille de page, 100 au plus (50 par défaut)."),
            ],
        },
    ];
    // The health profile, read-only (`profile`): read by id, and the searches of a record by
    // patient alone.
    resources.extend(Kind::ALL.into_iter().map(|kind| RestResource {
        type_: kind.type_name().to_owned(),
        documentation: Some(kind.documentation().to_owned()),
        interaction: interactions(&["read", "search-type"]),
        search_param: vec![param(
            "patient",
            "reference",
            "Dossier : Patient/<id> ou <id>. Obligatoire ; toutes les entrées de la rubrique \
             (recherche tracée, sous les règles d'accès du profil).",
        )],
    }));
    resources
}

/// Anyone, signed in or not. The CapabilityStatement of `/fhir`.
pub async fn capabilities(
    base: Base,
    params: Params,
    headers: HeaderMap,
) -> Result<Fhir, FhirError> {
    wanted(&params, &headers)?;
    params.only(&[])?;
    Ok(Fhir(Resource::CapabilityStatement(CapabilityStatement {
        status: "active".to_owned(),
        date: DATE.to_owned(),
        publisher: "Mon Drive Santé".to_owned(),
        kind: "instance".to_owned(),
        instantiates: INSTANTIATES.iter().map(|s| (*s).to_owned()).collect(),
        software: Software {
            name: "Mon Drive Santé".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        implementation: Implementation {
            description: "Dossier médical partagé de la Nouvelle-Calédonie".to_owned(),
            url: Some(base.0.clone()),
        },
        fhir_version: "4.0.1".to_owned(),
        format: vec!["application/fhir+json".to_owned(), "json".to_owned()],
        rest: vec![Rest {
            mode: "server".to_owned(),
            documentation: "Les règles d'accès de Mon Drive Santé s'appliquent à chaque \
                            requête, comme sur les portails et l'API REST ; tout est tracé. \
                            Le profil de santé est en lecture seule ; ses maladies \
                            chroniques, sa position sur le don d'organes et ses directives \
                            anticipées ne sont pas exposées en FHIR (portails et API REST \
                            seulement)."
                .to_owned(),
            security: Security {
                cors: false,
                description: "Authorization: Bearer <jeton de session> d'un professionnel, \
                              d'un assistant ou d'un patient ; ou l'identifiant logiciel \
                              d'une structure (Bearer mds-at-… ou mds-sw-…, ou son \
                              certificat client TLS enregistré) avec l'en-tête \
                              X-MDS-Professional: <id de compte du professionnel>."
                    .to_owned(),
            },
            resource: resources(),
            interaction: vec![Interaction {
                code: "transaction".to_owned(),
                documentation: Some(
                    "ITI-65 Provide Document Bundle : dépôt, tout ou rien, de documents \
                     (nouveaux ou remplaçant une version), ou modification d'un document \
                     (étiquettes de sécurité, entered-in-error)."
                        .to_owned(),
                ),
            }],
        }],
    })))
}
