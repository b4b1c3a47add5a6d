//! Decision table of the renderer: each case names an event, the resolved names, the reader
//! and the exact French line expected. Every failing case is listed by name.

use super::render::{line, Audience, DocumentName, Names, Person, Professional};
use mds_audit::{AuditRecord, Outcome};
use serde_json::json;

/// 22/11/2026 14:32 in Nouméa (03:32 UTC).
const AT: i64 = 1_795_318_320_000;

fn ev(
    action: &str,
    outcome: Outcome,
    mode: Option<&str>,
    detail: serde_json::Value,
) -> AuditRecord {
    AuditRecord {
        seq: 1,
        id: "e".into(),
        at_ms: AT,
        actor_kind: mds_audit::ActorKind::Professional,
        actor_id: Some("a".into()),
        on_behalf_of: None,
        structure_id: None,
        action: action.into(),
        patient_id: Some("p".into()),
        document_id: None,
        access_mode: mode.map(str::to_owned),
        outcome,
        rule: None,
        detail,
        ip: None,
        prev_hash: String::new(),
        hash: String::new(),
    }
}

fn nea() -> Person {
    Person::Professional(Professional {
        name: "Jean Néa".into(),
        doctor: true,
        profession: Some("Médecin".into()),
        structure: Some("Centre hospitalier X".into()),
    })
}

fn kaloi() -> Person {
    Person::Professional(Professional {
        name: "Paul Kaloï".into(),
        doctor: false,
        profession: Some("Infirmier".into()),
        structure: None,
    })
}

fn titled(actor: Person) -> Names {
    Names {
        document: DocumentName::Titled("Compte rendu de consultation".into()),
        ..Names::of(actor)
    }
}

fn with_subject(actor: Person, subject: &str) -> Names {
    Names {
        subject: Some(subject.into()),
        ..Names::of(actor)
    }
}

struct Case {
    name: &'static str,
    event: AuditRecord,
    names: Names,
    audience: Audience,
    want: &'static str,
}

fn case(
    name: &'static str,
    event: AuditRecord,
    names: Names,
    audience: Audience,
    want: &'static str,
) -> Case {
    Case {
        name,
        event,
        names,
        audience,
        want,
    }
}

#[allow(clippy::too_many_lines)]
fn cases() -> Vec<Case> {
    use Audience::{Actor, Authority, Owner};
    use Outcome::{Deny, Failure, Permit, Success};
    let null = serde_json::Value::Null;
    vec![
        case("read by the care team", ev("document.read", Permit, Some("care_team"), null.clone()), titled(nea()), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a consulté le document « Compte rendu de consultation » (accès en tant que membre de l'équipe de soins)"),
        case("read with consent", ev("document.read", Permit, Some("consented"), null.clone()), titled(kaloi()), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a consulté le document « Compte rendu de consultation » (accès avec votre consentement)"),
        case("read under break-glass shows the reason", ev("document.read", Permit, Some("break_glass"), null.clone()),
            Names { emergency: Some("Patient inconscient aux urgences".into()), ..titled(nea()) }, Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a consulté le document « Compte rendu de consultation » (accès en urgence par bris de glace : Patient inconscient aux urgences)"),
        case("read by the SAMU shows the call", ev("document.read", Permit, Some("samu"), null.clone()),
            Names { emergency: Some("988-2026-0042".into()), ..titled(nea()) }, Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a consulté le document « Compte rendu de consultation » (accès par la régulation du SAMU, appel 988-2026-0042)"),
        case("hidden document is not named", ev("document.add", Permit, Some("care_team"), null.clone()), Names::of(nea()), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a ajouté un document à votre dossier (accès en tant que membre de l'équipe de soins)"),
        case("denied read", ev("document.read", Deny, Some("no_access"), null.clone()), titled(kaloi()), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a tenté de consulter le document « Compte rendu de consultation » : accès refusé"),
        case("denied add", ev("document.add", Deny, Some("blocked"), null.clone()), Names::of(kaloi()), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a tenté d'ajouter un document à votre dossier : accès refusé"),
        case("failed add", ev("document.add", Failure, Some("care_team"), json!({"error": "too_large"})), Names::of(nea()), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a tenté d'ajouter un document à votre dossier : l'opération n'a pas abouti"),
        case("malformed request", ev("record.request_refused", Failure, Some("request.invalid"), json!({"error": "invalid_body"})), Names::of(kaloi()), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a tenté d'envoyer une demande mal formée concernant votre dossier : l'opération n'a pas abouti"),
        case("patient search", ev("document.search", Permit, Some("patient"), null.clone()), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez recherché des documents de votre dossier"),
        case("professional search", ev("document.search", Permit, Some("care_team"), null.clone()), Names::of(nea()), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a recherché des documents de votre dossier (accès en tant que membre de l'équipe de soins)"),
        case("a professional opens the record", ev("record.open", Permit, Some("care_team"), null.clone()), Names::of(nea()), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a ouvert votre dossier (accès en tant que membre de l'équipe de soins)"),
        case("own access log, record opened", ev("record.open", Permit, Some("consented"), null.clone()), Names::of(Person::You), Actor,
            "22/11/2026 14:32 — Vous avez ouvert le dossier du patient (accès avec le consentement du patient)"),
        case("a legal representative reads, told to the holder", ev("document.read", Permit, Some("representative"), null.clone()),
            titled(Person::Representative { name: "Céline Dupont".into(), for_owner: true }), Owner,
            "22/11/2026 14:32 — Céline Dupont, votre représentant légal, a consulté le document « Compte rendu de consultation »"),
        case("a legal representative's search, for an authority", ev("document.search", Permit, Some("representative"), null.clone()),
            Names::of(Person::Representative { name: "Céline Dupont".into(), for_owner: false }), Authority,
            "22/11/2026 14:32 — Céline Dupont, son représentant légal, a recherché des documents du dossier du patient"),
        case("a representative whose account is gone", ev("record.emergency_settings", Permit, Some("representative"), json!({"oppose_break_glass": true, "oppose_samu": false})),
            Names::of(Person::Representative { name: String::new(), for_owner: true }), Owner,
            "22/11/2026 14:32 — Votre représentant légal a réglé les accès en urgence à votre dossier : bris de glace refusé, régulation du SAMU acceptée"),
        case("the patient's own read has no mode", ev("document.read", Permit, Some("patient"), null.clone()), titled(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez consulté le document « Compte rendu de consultation »"),
        case("metadata", ev("document.read_metadata", Permit, Some("care_team"), null.clone()), titled(kaloi()), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a consulté la description du document « Compte rendu de consultation » (accès en tant que membre de l'équipe de soins)"),
        case("modify", ev("document.modify", Permit, Some("care_team"), null.clone()), titled(kaloi()), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a déposé une nouvelle version du document « Compte rendu de consultation » (accès en tant que membre de l'équipe de soins)"),
        case("delete by the patient", ev("document.delete", Permit, Some("patient"), null.clone()), titled(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez supprimé le document « Compte rendu de consultation »"),
        case("mask at the patient's request", ev("document.mask", Permit, Some("care_team"), json!({"at_patient_request": true})), titled(nea()), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a masqué le document « Compte rendu de consultation » aux professionnels, à votre demande"),
        case("unmask", ev("document.unmask", Permit, Some("patient"), null.clone()), titled(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez rendu le document « Compte rendu de consultation » de nouveau visible par les professionnels"),
        case("mask all", ev("document.mask_all", Permit, Some("patient"), json!({"masked": 3})), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez masqué tous les documents de votre dossier aux professionnels"),
        case("unmask all", ev("document.unmask_all", Permit, Some("patient"), json!({"unmasked": 3})), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez rendu de nouveau visibles par les professionnels les documents de votre dossier que vous aviez masqués"),
        case("hide from patient", ev("document.hide_from_patient", Permit, Some("care_team"), null.clone()), Names::of(nea()), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a réservé un document à une consultation d'annonce"),
        case("show to patient", ev("document.show_to_patient", Permit, Some("care_team"), null.clone()), titled(nea()), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a rendu le document « Compte rendu de consultation » visible par vous"),
        case("care team read", ev("care_team.read", Permit, Some("patient"), null.clone()), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez consulté l'équipe de soins de votre dossier"),
        case("care team add as attending", ev("care_team.add", Permit, Some("patient"), json!({"attending_physician": true})),
            with_subject(Person::You, "Dr Jean Néa (médecin)"), Owner,
            "22/11/2026 14:32 — Vous avez ajouté Dr Jean Néa (médecin) à l'équipe de soins comme médecin traitant"),
        case("care team add by support", ev("care_team.add", Permit, Some("support"), null.clone()),
            with_subject(Person::Support, "Paul Kaloï (infirmier)"), Owner,
            "22/11/2026 14:32 — Le support Mon Drive Santé a ajouté Paul Kaloï (infirmier) à l'équipe de soins"),
        case("care team remove", ev("care_team.remove", Permit, Some("patient"), null.clone()),
            with_subject(Person::You, "Paul Kaloï (infirmier)"), Owner,
            "22/11/2026 14:32 — Vous avez retiré Paul Kaloï (infirmier) de l'équipe de soins"),
        case("attending physician", ev("care_team.attending_physician", Permit, Some("patient"), null.clone()),
            with_subject(Person::You, "Dr Jean Néa (médecin)"), Owner,
            "22/11/2026 14:32 — Vous avez déclaré Dr Jean Néa (médecin) comme médecin traitant"),
        case("no attending physician", ev("care_team.attending_physician", Permit, Some("patient"), null.clone()),
            Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez retiré la déclaration de médecin traitant"),
        case("consent request", ev("consent.request", Permit, Some("no_access"), json!({"state": "requested"})), Names::of(kaloi()), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a demandé votre accord pour accéder à votre dossier"),
        case("consent attested in person", ev("consent.request", Permit, Some("no_access"), json!({"state": "granted"})), Names::of(kaloi()), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a attesté avoir recueilli en personne votre accord pour un accès temporaire à votre dossier"),
        case("consent approved", ev("consent.approve", Permit, Some("patient"), null.clone()),
            with_subject(Person::You, "Paul Kaloï (infirmier)"), Owner,
            "22/11/2026 14:32 — Vous avez accepté la demande d'accès de Paul Kaloï (infirmier)"),
        case("consent refused", ev("consent.refuse", Permit, Some("patient"), null.clone()),
            with_subject(Person::You, "Paul Kaloï (infirmier)"), Owner,
            "22/11/2026 14:32 — Vous avez refusé la demande d'accès de Paul Kaloï (infirmier)"),
        case("consent revoked", ev("consent.revoke", Permit, Some("patient"), null.clone()),
            with_subject(Person::You, "Paul Kaloï (infirmier)"), Owner,
            "22/11/2026 14:32 — Vous avez retiré l'accès temporaire accordé à Paul Kaloï (infirmier)"),
        case("consent code", ev("consent.code", Permit, Some("no_access"), null.clone()), Names::of(kaloi()), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a saisi le code d'accord que vous lui avez communiqué et obtenu un accès temporaire à votre dossier"),
        case("wrong consent code", ev("consent.code", Failure, Some("no_access"), null.clone()), Names::of(kaloi()), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a tenté de saisir un code d'accord : l'opération n'a pas abouti"),
        case("block", ev("record.block", Permit, Some("patient"), null.clone()),
            with_subject(Person::You, "Paul Kaloï (infirmier)"), Owner,
            "22/11/2026 14:32 — Vous avez bloqué l'accès de Paul Kaloï (infirmier) à votre dossier"),
        case("unblock", ev("record.unblock", Permit, Some("patient"), null.clone()),
            with_subject(Person::You, "Paul Kaloï (infirmier)"), Owner,
            "22/11/2026 14:32 — Vous avez débloqué l'accès de Paul Kaloï (infirmier) à votre dossier"),
        case("emergency settings", ev("record.emergency_settings", Permit, Some("patient"), json!({"oppose_break_glass": true, "oppose_samu": false})),
            Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez réglé les accès en urgence à votre dossier : bris de glace refusé, régulation du SAMU acceptée"),
        case("break-glass opened", ev("record.break_glass.open", Permit, Some("no_access"), json!({"detail": {"reason": "Patient inconscient"}, "session_id": "s"})), Names::of(nea()), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a ouvert un accès en urgence (bris de glace) à votre dossier, motif : « Patient inconscient »"),
        case("break-glass refused", ev("record.break_glass.open", Deny, Some("no_access"), json!({"reason": "Patient inconscient"})), Names::of(nea()), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a tenté d'ouvrir un accès en urgence (bris de glace) à votre dossier, motif : « Patient inconscient » : accès refusé"),
        case("SAMU opened", ev("record.samu.open", Permit, Some("no_access"), json!({"detail": {"call_reference": "988-1"}})), Names::of(nea()), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a ouvert un accès de régulation du SAMU à votre dossier, appel 988-1"),
        case("feeding opposition", ev("record.feeding_opposition.record", Permit, Some("care_team"), null.clone()), Names::of(nea()), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a enregistré votre opposition à ce que ce professionnel alimente votre dossier"),
        case("feeding opposition lifted", ev("record.feeding_opposition.lift", Permit, Some("care_team"), null.clone()), Names::of(nea()), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a levé votre opposition à ce que ce professionnel alimente votre dossier"),
        case("emergency settings read", ev("record.emergency_settings.read", Permit, Some("patient"), null.clone()), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez consulté les réglages des accès en urgence de votre dossier"),
        case("blocked professionals read", ev("record.blocks.read", Permit, Some("patient"), null.clone()), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez consulté la liste des professionnels bloqués de votre dossier"),
        case("history read", ev("history.read", Permit, Some("patient"), null.clone()), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez consulté l'historique d'activité de votre dossier"),
        case("history denied to a professional", ev("history.read", Deny, Some("care_team"), null.clone()), Names::of(nea()), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a tenté de consulter l'historique d'activité de votre dossier : accès refusé"),
        case("audit extract", ev("audit.extract", Success, None, null.clone()), Names::of(Person::Support), Owner,
            "22/11/2026 14:32 — Le support Mon Drive Santé a extrait le journal d'audit de votre dossier pour une autorité"),
        case("export", ev("patient.export", Success, None, null.clone()), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez téléchargé une copie complète de votre dossier"),
        case("legal export", ev("patient.legal_export", Success, None, null.clone()), Names::of(Person::Support), Owner,
            "22/11/2026 14:32 — Le support Mon Drive Santé a produit une copie de votre dossier pour une autorité"),
        case("heir export", ev("patient.export.heir", Success, None, null.clone()), Names::of(Person::Support), Authority,
            "22/11/2026 14:32 — Le support Mon Drive Santé a produit une copie du dossier du patient pour un ayant droit"),
        case("created by a professional", ev("patient.create", Success, None, null.clone()), Names::of(nea()), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a créé votre dossier"),
        case("system erase", ev("patient.erase", Success, None, null.clone()), Names::of(Person::System), Authority,
            "22/11/2026 14:32 — Mon Drive Santé a effacé le dossier du patient"),
        case("activation", ev("patient.activate", Success, None, null.clone()), Names::of(Person::Support), Owner,
            "22/11/2026 14:32 — Le support Mon Drive Santé a activé le compte en ligne lié à votre dossier"),
        case("closure", ev("patient.close", Success, None, null.clone()), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez fermé votre dossier"),
        case("erasure request", ev("patient.erasure.request", Success, None, null.clone()), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez demandé l'effacement de votre dossier"),
        case("death", ev("patient.death.record", Success, None, null.clone()), Names::of(Person::Support), Authority,
            "22/11/2026 14:32 — Le support Mon Drive Santé a enregistré un décès sur le dossier du patient"),
        case("enrolment by someone not signed in", ev("patient.enrolment.submit", Success, None, null.clone()), Names::of(Person::Anonymous), Owner,
            "22/11/2026 14:32 — Une personne non connectée a déposé une demande d'ouverture de compte pour votre dossier"),
        case("unknown action falls back to a sentence", ev("something.new", Permit, Some("care_team"), null.clone()), Names::of(nea()), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a effectué une action sur votre dossier (accès en tant que membre de l'équipe de soins)"),
        case("own access log read", ev("access_log.read", Success, None, null.clone()), Names::of(Person::You), Actor,
            "22/11/2026 14:32 — Vous avez consulté votre journal d'accès"),
        case("login seen by an authority", ev("auth.login", Success, None, null.clone()), Names::of(kaloi()), Authority,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a ouvert une session"),
        case("password step seen by its author", ev("auth.password", Success, None, null.clone()), Names::of(Person::You), Actor,
            "22/11/2026 14:32 — Vous avez saisi votre mot de passe (première étape de la connexion)"),
        case("password step seen by an authority", ev("auth.password", Success, None, null.clone()), Names::of(kaloi()), Authority,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a saisi son mot de passe (première étape de la connexion)"),
        case("unknown action outside a record", AuditRecord { patient_id: None, ..ev("directory.new", Success, None, null.clone()) }, Names::of(Person::Support), Authority,
            "22/11/2026 14:32 — Le support Mon Drive Santé a effectué une action dans Mon Drive Santé"),
        case("assistant in the name of a doctor", ev("document.add", Permit, Some("care_team"), null.clone()),
            Names { document: DocumentName::Titled("Ordonnance".into()), ..Names::of(Person::Assistant { name: "Marie Tiaou".into(), for_professional: Box::new(nea()) }) }, Owner,
            "22/11/2026 14:32 — Marie Tiaou (secrétariat du Dr Jean Néa, médecin, Centre hospitalier X) a ajouté le document « Ordonnance » à votre dossier (accès en tant que membre de l'équipe de soins)"),
        case("another patient's attempt", ev("document.search", Deny, Some("patient"), null.clone()), Names::of(Person::OtherPatient), Owner,
            "22/11/2026 14:32 — Un autre patient a tenté de rechercher des documents de votre dossier : accès refusé"),
        case("own access log shows the type only", ev("document.read", Permit, Some("consented"), null.clone()),
            Names { document: DocumentName::Typed("Compte rendu opératoire".into()), ..Names::of(Person::You) }, Actor,
            "22/11/2026 14:32 — Vous avez consulté un document de type « Compte rendu opératoire » (accès avec le consentement du patient)"),
        case("own access log, add", ev("document.add", Permit, Some("care_team"), null.clone()),
            Names { document: DocumentName::Typed("Ordonnance".into()), ..Names::of(Person::You) }, Actor,
            "22/11/2026 14:32 — Vous avez ajouté un document de type « Ordonnance » au dossier du patient (accès en tant que membre de l'équipe de soins)"),
        case("authority reads the patient's actions", ev("consent.approve", Permit, Some("patient"), null.clone()),
            with_subject(Person::Patient, "Paul Kaloï (infirmier)"), Authority,
            "22/11/2026 14:32 — Le patient a accepté la demande d'accès de Paul Kaloï (infirmier)"),
        case("authority: consent request", ev("consent.request", Permit, Some("no_access"), json!({"state": "requested"})), Names::of(kaloi()), Authority,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a demandé l'accord du patient pour accéder au dossier du patient"),
    ]
}

#[test]
fn renderer_decision_table() {
    let failures: Vec<String> = cases()
        .iter()
        .filter_map(|c| {
            let got = line(&c.event, &c.names, c.audience);
            (got != c.want).then(|| format!("{}:\n  got  {got}\n  want {}", c.name, c.want))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A refusal as the patient reads it: the rule of the decision in words.
#[test]
fn refusals_say_why_to_the_patient() {
    let denied = |rule: &str, mode: &str| {
        let mut e = ev(
            "document.read",
            Outcome::Deny,
            Some(mode),
            serde_json::Value::Null,
        );
        e.rule = Some(rule.to_owned());
        e
    };
    let table = [
        ("blocked", "blocked", ", car vous avez bloqué ce professionnel"),
        ("matrix.read.unless_confidential_and_not_depositor", "care_team", ", car vous avez masqué ce document aux professionnels"),
        ("matrix.read.yes", "no_access", ", car ce professionnel n'est pas dans votre équipe de soins et n'a ni votre accord ni d'accès d'urgence"),
        ("matrix.delete.if_depositor", "care_team", ", car seul le professionnel qui a déposé ce document peut le faire"),
        ("matrix.read.if_depositor", "no_access", ", car ce professionnel n'est pas dans votre équipe de soins et n'a ni votre accord ni d'accès d'urgence"),
        ("habilitation.type_not_open", "care_team", ", car sa profession n'a pas accès à ce type de document"),
        ("break_glass.opposed", "no_access", ", car vous avez refusé les accès d'urgence à votre dossier"),
        ("samu.opposed", "no_access", ", car vous avez refusé l'accès du SAMU à votre dossier"),
        ("opposition.feeding", "care_team", ", car vous avez refusé que ce professionnel alimente votre dossier"),
        ("record.closed", "care_team", ", car votre dossier est clôturé"),
        ("control.patient_only", "care_team", ", car cette action vous est réservée"),
        ("support.no_medical_content", "support", ", car le support n'a jamais accès au contenu médical"),
        // a rule that tells the patient nothing more
        ("request.inconsistent", "care_team", ""),
    ];
    for (rule, mode, reason) in table {
        let got = line(&denied(rule, mode), &titled(kaloi()), Audience::Owner);
        let want = format!("22/11/2026 14:32 — Paul Kaloï, infirmier, a tenté de consulter le document « Compte rendu de consultation » : accès refusé{reason}");
        assert_eq!(got, want, "{rule}");
        // Professionals and authorities read the refusal without the patient's words.
        let actor = line(&denied(rule, mode), &titled(kaloi()), Audience::Authority);
        assert!(actor.ends_with(": accès refusé"), "{rule}: {actor}");
    }
}

#[test]
fn no_line_shows_a_raw_code() {
    for c in cases() {
        let got = line(&c.event, &c.names, c.audience);
        for raw in [
            c.event.action.as_str(),
            "care_team",
            "break_glass",
            "no_access",
        ] {
            assert!(!got.contains(raw), "{}: {got}", c.name);
        }
    }
}

#[test]
fn de_is_elided_and_contracted_as_french_writes_it() {
    let table = [
        ("Annie Gopé (sage-femme)", "d'Annie Gopé (sage-femme)"),
        ("Émile Wéa", "d'Émile Wéa"),
        ("un professionnel", "d'un professionnel"),
        ("Dr Jean Néa", "du Dr Jean Néa"),
        ("Le Centre de Koné", "du Centre de Koné"),
        ("Jean Néa", "de Jean Néa"),
        ("Hélène Hnawia", "de Hélène Hnawia"),
        ("", "de "),
    ];
    let failing: Vec<String> = table
        .iter()
        .filter(|(name, want)| super::render::de_name(name) != *want)
        .map(|(name, want)| {
            format!(
                "{name:?}: got {:?}, want {want:?}",
                super::render::de_name(name)
            )
        })
        .collect();
    assert!(failing.is_empty(), "failing cases:\n{}", failing.join("\n"));
}
