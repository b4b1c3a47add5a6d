//! The French phrases of each audited action: what was done (past participle) and what was
//! attempted (infinitive), with the record, the document and the people named as the reader
//! may see them; and the access mode in words. Unknown actions get a generic sentence.

use super::{detail_str, Audience, DocumentName, Names, Person};
use mds_audit::{AuditRecord, Outcome};

/// What was done (past participle phrase), what was attempted (infinitive phrase), and
/// whether the access mode is worth saying.
pub(super) struct Phrase {
    pub done: String,
    pub attempt: String,
    pub shows_mode: bool,
}

fn phrase(done: String, attempt: String, shows_mode: bool) -> Phrase {
    Phrase {
        done,
        attempt,
        shows_mode,
    }
}

pub(super) struct Words<'a> {
    pub ev: &'a AuditRecord,
    pub names: &'a Names,
    pub audience: Audience,
}

impl Words<'_> {
    fn owner(&self) -> bool {
        self.audience == Audience::Owner
    }

    /// « votre dossier » / « le dossier du patient ».
    fn record(&self) -> &'static str {
        if self.owner() {
            "votre dossier"
        } else {
            "le dossier du patient"
        }
    }

    /// « à votre dossier » / « au dossier du patient ».
    fn to_record(&self) -> &'static str {
        if self.owner() {
            "à votre dossier"
        } else {
            "au dossier du patient"
        }
    }

    fn of_record(&self) -> &'static str {
        if self.owner() {
            "de votre dossier"
        } else {
            "du dossier du patient"
        }
    }

    /// « votre » / « du patient » after a noun: « l'accord du patient ».
    fn yours(&self, noun: &str) -> String {
        if self.owner() {
            format!("votre {noun}")
        } else {
            format!("l'{noun} du patient")
        }
    }

    fn document(&self) -> String {
        match &self.names.document {
            DocumentName::Titled(t) => format!("le document « {t} »"),
            DocumentName::Typed(label) => format!("un document de type « {label} »"),
            DocumentName::Unnamed => "un document".to_owned(),
        }
    }

    /// « du document « … » » / « d'un document ».
    fn of_document(&self) -> String {
        match self.document().strip_prefix("le ") {
            Some(rest) => format!("du {rest}"),
            None => format!("d'{}", self.document()),
        }
    }

    fn subject(&self) -> String {
        self.names
            .subject
            .clone()
            .unwrap_or_else(|| "un professionnel".to_owned())
    }

    fn detail_text(&self, key: &str) -> Option<String> {
        detail_str(&self.ev.detail, key).map(str::to_owned)
    }

    /// « , rubrique « Mesures » » for a profile change.
    fn profile_section(&self) -> String {
        detail_str(&self.ev.detail, "section")
            .and_then(mds_domain::profile::Section::parse)
            .map(|s| format!(", rubrique « {} »", s.label_fr()))
            .unwrap_or_default()
    }

    fn detail_flag(&self, key: &str) -> bool {
        self.ev
            .detail
            .get(key)
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false)
    }

    /// The access mode in words, for professionals' reads and changes.
    pub fn mode(&self) -> String {
        let acts_as_professional = matches!(
            self.names.actor,
            Person::Professional(_) | Person::Assistant { .. } | Person::Software { .. }
        ) || (self.audience == Audience::Actor
            && self.names.actor == Person::You);
        if !acts_as_professional {
            return String::new();
        }
        match self.ev.access_mode.as_deref() {
            Some("care_team") => " (accès en tant que membre de l'équipe de soins)".to_owned(),
            Some("consented") if self.owner() => " (accès avec votre consentement)".to_owned(),
            Some("consented") => " (accès avec le consentement du patient)".to_owned(),
            Some("break_glass") => match &self.names.emergency {
                Some(reason) => format!(" (accès en urgence par bris de glace : {reason})"),
                None => " (accès en urgence par bris de glace)".to_owned(),
            },
            Some("samu") => match &self.names.emergency {
                Some(call) => format!(" (accès par la régulation du SAMU, appel {call})"),
                None => " (accès par la régulation du SAMU)".to_owned(),
            },
            _ => String::new(),
        }
    }

    pub fn phrase(&self) -> Phrase {
        let rec = self.record();
        let doc = self.document();
        let of_doc = self.of_document();
        let who = self.subject();
        let to_rec = self.to_record();
        let of_rec = self.of_record();
        match self.ev.action.as_str() {
            "document.add" => {
                let attempt = if self.ev.outcome == Outcome::Deny {
                    format!("ajouter un document {to_rec}")
                } else {
                    format!("ajouter {doc} {to_rec}")
                };
                phrase(format!("ajouté {doc} {to_rec}"), attempt, true)
            }
            "document.read" => phrase(format!("consulté {doc}"), format!("consulter {doc}"), true),
            "document.preload" => phrase(
                format!("préchargé la liste des documents {of_rec}"),
                format!("précharger les documents {of_rec}"),
                true,
            ),
            "document.preload.read" => phrase(
                format!("préchargé {doc}"),
                format!("précharger {doc}"),
                true,
            ),
            "record.open" => phrase(format!("ouvert {rec}"), format!("ouvrir {rec}"), true),
            "profile.read" => {
                let what = if detail_str(&self.ev.detail, "scope") == Some("emergency") {
                    "les informations d'urgence du profil médical"
                } else {
                    "le profil médical"
                };
                phrase(
                    format!("consulté {what} {of_rec}"),
                    format!("consulter le profil médical {of_rec}"),
                    true,
                )
            }
            "profile.add" => {
                let section = self.profile_section();
                phrase(
                    format!("ajouté une information au profil médical {of_rec}{section}"),
                    format!("ajouter une information au profil médical {of_rec}{section}"),
                    true,
                )
            }
            "profile.remove" => {
                let section = self.profile_section();
                phrase(
                    format!("retiré une information du profil médical {of_rec}{section}"),
                    format!("retirer une information du profil médical {of_rec}{section}"),
                    true,
                )
            }
            // A request refused for its form before any use case (always a failure).
            "record.request_refused" => phrase(
                format!("envoyé une demande concernant {rec}"),
                format!("envoyer une demande mal formée concernant {rec}"),
                false,
            ),
            "document.read_metadata" => phrase(
                format!("consulté la description {of_doc}"),
                format!("consulter la description {of_doc}"),
                true,
            ),
            "document.search" => phrase(
                format!("recherché des documents {}", self.of_record()),
                format!("rechercher des documents {}", self.of_record()),
                true,
            ),
            "document.modify" => phrase(
                format!("déposé une nouvelle version {of_doc}"),
                format!("modifier {doc}"),
                true,
            ),
            "document.delete" => {
                phrase(format!("supprimé {doc}"), format!("supprimer {doc}"), true)
            }
            "document.mask" => {
                let request = if self.detail_flag("at_patient_request") {
                    if self.owner() {
                        ", à votre demande"
                    } else {
                        ", à la demande du patient"
                    }
                } else {
                    ""
                };
                phrase(
                    format!("masqué {doc} aux professionnels{request}"),
                    format!("masquer {doc} aux professionnels"),
                    false,
                )
            }
            "document.unmask" => phrase(
                format!(
                    "rendu {doc} de nouveau visible par les professionnels{}",
                    if self.detail_flag("at_patient_request") {
                        ", à la demande du patient"
                    } else {
                        ""
                    }
                ),
                format!("rendre {doc} visible par les professionnels"),
                false,
            ),
            "document.mask_all" => phrase(
                format!(
                    "masqué tous les documents {} aux professionnels",
                    self.of_record()
                ),
                format!(
                    "masquer tous les documents {} aux professionnels",
                    self.of_record()
                ),
                false,
            ),
            "document.unmask_all" => {
                let whose = if self.names.actor == Person::You {
                    "que vous aviez"
                } else {
                    "qu'il avait"
                };
                phrase(
                    format!(
                        "rendu de nouveau visibles par les professionnels les documents {} {whose} masqués",
                        self.of_record()
                    ),
                    format!(
                        "rendre de nouveau visibles les documents masqués {}",
                        self.of_record()
                    ),
                    false,
                )
            }
            "document.hide_from_patient" => phrase(
                format!("réservé {doc} à une consultation d'annonce"),
                format!("réserver {doc} à une consultation d'annonce"),
                false,
            ),
            "document.show_to_patient" => {
                let to = if self.owner() { "vous" } else { "le patient" };
                phrase(
                    format!("rendu {doc} visible par {to}"),
                    format!("rendre {doc} visible par {to}"),
                    false,
                )
            }
            "care_team.read" => phrase(
                format!("consulté l'équipe de soins {}", self.of_record()),
                format!("consulter l'équipe de soins {}", self.of_record()),
                false,
            ),
            "care_team.add" => {
                let attending = if self.detail_flag("attending_physician") {
                    " comme médecin traitant"
                } else {
                    ""
                };
                phrase(
                    format!("ajouté {who} à l'équipe de soins{attending}"),
                    format!("ajouter {who} à l'équipe de soins"),
                    false,
                )
            }
            "care_team.remove" => phrase(
                format!("retiré {who} de l'équipe de soins"),
                format!("retirer {who} de l'équipe de soins"),
                false,
            ),
            "care_team.attending_physician" if self.names.subject.is_none() => phrase(
                "retiré la déclaration de médecin traitant".to_owned(),
                "retirer la déclaration de médecin traitant".to_owned(),
                false,
            ),
            "care_team.attending_physician" => phrase(
                format!("déclaré {who} comme médecin traitant"),
                format!("déclarer {who} comme médecin traitant"),
                false,
            ),
            "patient.care_team.change" => phrase(
                format!("modifié l'équipe de soins {}", self.of_record()),
                format!("modifier l'équipe de soins {}", self.of_record()),
                false,
            ),
            "consent.list" => phrase(
                format!("consulté les demandes d'accès {to_rec}"),
                format!("consulter les demandes d'accès {to_rec}"),
                false,
            ),
            "consent.request" if self.detail_text("state").as_deref() == Some("granted") => phrase(
                format!(
                    "attesté avoir recueilli en personne {} pour un accès temporaire {to_rec}",
                    self.yours("accord")
                ),
                format!("demander {} pour accéder {to_rec}", self.yours("accord")),
                false,
            ),
            "consent.request" => phrase(
                format!("demandé {} pour accéder {to_rec}", self.yours("accord")),
                format!("demander {} pour accéder {to_rec}", self.yours("accord")),
                false,
            ),
            "consent.approve" => phrase(
                format!("accepté la demande d'accès {}", super::de_name(&who)),
                format!("accepter la demande d'accès {}", super::de_name(&who)),
                false,
            ),
            "consent.refuse" => phrase(
                format!("refusé la demande d'accès {}", super::de_name(&who)),
                format!("refuser la demande d'accès {}", super::de_name(&who)),
                false,
            ),
            "consent.revoke" => phrase(
                format!("retiré l'accès temporaire accordé à {who}"),
                format!("retirer l'accès temporaire accordé à {who}"),
                false,
            ),
            "consent.code" => {
                let code = if self.owner() {
                    "le code d'accord que vous lui avez communiqué"
                } else {
                    "le code d'accord du patient"
                };
                phrase(
                    format!("saisi {code} et obtenu un accès temporaire {to_rec}"),
                    "saisir un code d'accord".to_owned(),
                    false,
                )
            }
            "record.block" => phrase(
                format!("bloqué l'accès {} {to_rec}", super::de_name(&who)),
                format!("bloquer l'accès {} {to_rec}", super::de_name(&who)),
                false,
            ),
            "record.unblock" => phrase(
                format!("débloqué l'accès {} {to_rec}", super::de_name(&who)),
                format!("débloquer l'accès {} {to_rec}", super::de_name(&who)),
                false,
            ),
            "record.emergency_settings.read" => phrase(
                format!("consulté les réglages des accès en urgence {of_rec}"),
                format!("consulter les réglages des accès en urgence {of_rec}"),
                false,
            ),
            "record.blocks.read" => phrase(
                format!("consulté la liste des professionnels bloqués {of_rec}"),
                format!("consulter la liste des professionnels bloqués {of_rec}"),
                false,
            ),
            "record.emergency_settings" => {
                let choice = |key: &str, feminine: bool| match (self.detail_flag(key), feminine) {
                    (true, false) => "refusé",
                    (false, false) => "accepté",
                    (true, true) => "refusée",
                    (false, true) => "acceptée",
                };
                phrase(
                    format!(
                        "réglé les accès en urgence {to_rec} : bris de glace {}, régulation du SAMU {}",
                        choice("oppose_break_glass", false),
                        choice("oppose_samu", true)
                    ),
                    format!("régler les accès en urgence {to_rec}"),
                    false,
                )
            }
            "record.break_glass.open" => {
                let reason = self
                    .detail_text("reason")
                    .map(|r| format!(", motif : « {r} »"))
                    .unwrap_or_default();
                phrase(
                    format!("ouvert un accès en urgence (bris de glace) {to_rec}{reason}"),
                    format!("ouvrir un accès en urgence (bris de glace) {to_rec}{reason}"),
                    false,
                )
            }
            "record.samu.open" => {
                let call = self
                    .detail_text("call_reference")
                    .map(|c| format!(", appel {c}"))
                    .unwrap_or_default();
                phrase(
                    format!("ouvert un accès de régulation du SAMU {to_rec}{call}"),
                    format!("ouvrir un accès de régulation du SAMU {to_rec}{call}"),
                    false,
                )
            }
            "record.feeding_opposition.record" => phrase(
                format!(
                    "enregistré {} à ce que ce professionnel alimente {rec}",
                    self.yours("opposition")
                ),
                format!(
                    "enregistrer {} à ce que ce professionnel alimente {rec}",
                    self.yours("opposition")
                ),
                false,
            ),
            "record.feeding_opposition.lift" => phrase(
                format!(
                    "levé {} à ce que ce professionnel alimente {rec}",
                    self.yours("opposition")
                ),
                format!(
                    "lever {} à ce que ce professionnel alimente {rec}",
                    self.yours("opposition")
                ),
                false,
            ),
            "record.preview" => phrase(
                format!("regardé ce qu'un professionnel verrait de {rec} (simulation, rien ne lui a été ouvert)"),
                format!("regarder ce qu'un professionnel verrait de {rec}"),
                false,
            ),
            "history.read" => phrase(
                format!("consulté l'historique d'activité {}", self.of_record()),
                format!("consulter l'historique d'activité {}", self.of_record()),
                false,
            ),
            "audit.read" => phrase(
                format!("consulté le journal d'audit {}", self.of_record()),
                format!("consulter le journal d'audit {}", self.of_record()),
                false,
            ),
            "audit.extract" => phrase(
                format!(
                    "extrait le journal d'audit {} pour une autorité",
                    self.of_record()
                ),
                format!("extraire le journal d'audit {}", self.of_record()),
                false,
            ),
            "patient.create" => phrase(format!("créé {rec}"), format!("créer {rec}"), false),
            "patient.search" => phrase(
                format!("retrouvé {rec} par une recherche de patient"),
                "rechercher un patient".to_owned(),
                false,
            ),
            "patient.activate" => phrase(
                format!("activé le compte en ligne lié {to_rec}"),
                format!("activer le compte en ligne lié {to_rec}"),
                false,
            ),
            "patient.enrolment.submit" => phrase(
                format!("déposé une demande d'ouverture de compte pour {rec}"),
                format!("déposer une demande d'ouverture de compte pour {rec}"),
                false,
            ),
            "patient.enrolment.scan.read" => phrase(
                "consulté une pièce justificative de la demande d'ouverture de compte".to_owned(),
                "consulter une pièce justificative de la demande d'ouverture de compte".to_owned(),
                false,
            ),
            "patient.enrolment.validate" => phrase(
                "validé la demande d'ouverture de compte".to_owned(),
                "valider la demande d'ouverture de compte".to_owned(),
                false,
            ),
            "patient.review.approve" => phrase(
                format!("validé la création {of_rec} après vérification de l'identité"),
                format!("valider la création {of_rec}"),
                false,
            ),
            "patient.review.reject" => phrase(
                "écarté une demande de création de dossier en doublon".to_owned(),
                "écarter une demande de création de dossier".to_owned(),
                false,
            ),
            "patient.close" => phrase(format!("fermé {rec}"), format!("fermer {rec}"), false),
            "patient.rectification.request" => phrase(
                format!("demandé la correction d'une information d'identité {of_rec}"),
                format!("demander la correction d'une information d'identité {of_rec}"),
                false,
            ),
            "patient.rectification.apply" => phrase(
                format!("corrigé une information d'identité {of_rec}, après vérification"),
                format!("corriger une information d'identité {of_rec}"),
                false,
            ),
            "patient.rectification.reject" => phrase(
                format!("refusé une demande de correction d'identité {of_rec}"),
                format!("refuser une demande de correction d'identité {of_rec}"),
                false,
            ),
            "record.limitation.set" => phrase(
                format!("limité l'utilisation {of_rec}"),
                format!("limiter l'utilisation {of_rec}"),
                false,
            ),
            "record.limitation.lift" => phrase(
                format!("levé la limitation {of_rec}"),
                format!("lever la limitation {of_rec}"),
                false,
            ),
            "patient.erasure.request" => phrase(
                format!("demandé l'effacement {of_rec}"),
                format!("demander l'effacement {of_rec}"),
                false,
            ),
            "patient.death.record" => phrase(
                format!("enregistré un décès sur {rec}"),
                format!("enregistrer un décès sur {rec}"),
                false,
            ),
            "patient.erase" => phrase(format!("effacé {rec}"), format!("effacer {rec}"), false),
            "patient.export" => phrase(
                format!("téléchargé une copie complète {of_rec}"),
                format!("télécharger une copie complète {of_rec}"),
                false,
            ),
            "patient.export.on_request" => phrase(
                format!("produit une copie complète {of_rec} à la demande de la personne"),
                format!("produire une copie complète {of_rec}"),
                false,
            ),
            "consent.attestation.read" => phrase(
                format!("consulté une attestation de consentement signée {of_rec}"),
                format!("consulter une attestation de consentement signée {of_rec}"),
                false,
            ),
            "consent.attestation.list" => phrase(
                format!("consulté la liste des consentements attestés {of_rec}"),
                format!("consulter la liste des consentements attestés {of_rec}"),
                false,
            ),
            "patient.export.heir" => phrase(
                format!("produit une copie {of_rec} pour un ayant droit"),
                format!("produire une copie {of_rec}"),
                false,
            ),
            "patient.legal_export" => phrase(
                format!("produit une copie {of_rec} pour une autorité"),
                format!("produire une copie {of_rec}"),
                false,
            ),
            "access_log.read" => {
                let whose = if self.audience == Audience::Actor {
                    "votre"
                } else {
                    "son"
                };
                phrase(
                    format!("consulté {whose} journal d'accès"),
                    format!("consulter {whose} journal d'accès"),
                    false,
                )
            }
            "auth.login" => phrase(
                "ouvert une session".to_owned(),
                "ouvrir une session".to_owned(),
                false,
            ),
            "auth.password" => {
                let whose = if self.audience == Audience::Actor {
                    "votre"
                } else {
                    "son"
                };
                phrase(
                    format!("saisi {whose} mot de passe (première étape de la connexion)"),
                    format!("saisir {whose} mot de passe"),
                    false,
                )
            }
            "auth.logout" => phrase(
                "fermé sa session".to_owned(),
                "fermer sa session".to_owned(),
                false,
            ),
            _ if self.ev.patient_id.is_none() => phrase(
                "effectué une action dans Mon Drive Santé".to_owned(),
                "effectuer une action dans Mon Drive Santé".to_owned(),
                false,
            ),
            _ => phrase(
                format!("effectué une action sur {rec}"),
                format!("effectuer une action sur {rec}"),
                true,
            ),
        }
    }
}
