//! Decision table of the renderer: each case names an event, the resolved names (labels in the
//! reader's language), the reader and the exact line expected in French and in English. Every
//! failing case is listed by name and language.

use super::render::{line, reads_line, Audience, DocumentName, Names, Person, Professional, Reads};
use mds_audit::{AuditRecord, Outcome};
use mds_domain::Language;
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

/// Profession labels come resolved in the reader's language (`names`).
fn nea(l: Language) -> Person {
    Person::Professional(Professional {
        name: "Jean Néa".into(),
        doctor: true,
        profession: Some(l.pick("Médecin", "Doctor").into()),
        structure: Some("Centre hospitalier X".into()),
    })
}

fn kaloi(l: Language) -> Person {
    Person::Professional(Professional {
        name: "Paul Kaloï".into(),
        doctor: false,
        profession: Some(l.pick("Infirmier", "Nurse").into()),
        structure: None,
    })
}

/// The short form `names` gives the professional an event is about.
fn nea_short(l: Language) -> &'static str {
    l.pick("Dr Jean Néa (médecin)", "Dr Jean Néa (doctor)")
}

fn kaloi_short(l: Language) -> &'static str {
    l.pick("Paul Kaloï (infirmier)", "Paul Kaloï (nurse)")
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
    fr: &'static str,
    en: &'static str,
}

impl Case {
    fn want(&self, l: Language) -> &'static str {
        l.pick(self.fr, self.en)
    }
}

fn case(
    name: &'static str,
    event: AuditRecord,
    names: Names,
    audience: Audience,
    fr: &'static str,
    en: &'static str,
) -> Case {
    Case {
        name,
        event,
        names,
        audience,
        fr,
        en,
    }
}

/// The cases with the names resolved in `l`.
#[allow(clippy::too_many_lines)]
fn cases(l: Language) -> Vec<Case> {
    use Audience::{Actor, Authority, Owner};
    use Outcome::{Deny, Failure, Permit, Success};
    let null = serde_json::Value::Null;
    vec![
        case("read by the care team", ev("document.read", Permit, Some("care_team"), null.clone()), titled(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a consulté le document « Compte rendu de consultation » (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, read the document “Compte rendu de consultation” (access as a member of the care team)"),
        case("read with consent", ev("document.read", Permit, Some("consented"), null.clone()), titled(kaloi(l)), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a consulté le document « Compte rendu de consultation » (accès avec votre consentement)",
            "22/11/2026 14:32 — Paul Kaloï, nurse, read the document “Compte rendu de consultation” (access with your consent)"),
        case("read under break-glass shows the reason", ev("document.read", Permit, Some("break_glass"), null.clone()),
            Names { emergency: Some("Patient inconscient aux urgences".into()), ..titled(nea(l)) }, Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a consulté le document « Compte rendu de consultation » (accès en urgence par bris de glace : Patient inconscient aux urgences)",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, read the document “Compte rendu de consultation” (emergency access by break-glass: Patient inconscient aux urgences)"),
        case("read by the SAMU shows the call", ev("document.read", Permit, Some("samu"), null.clone()),
            Names { emergency: Some("988-2026-0042".into()), ..titled(nea(l)) }, Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a consulté le document « Compte rendu de consultation » (accès par la régulation du SAMU, appel 988-2026-0042)",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, read the document “Compte rendu de consultation” (access by the SAMU regulation, call 988-2026-0042)"),
        case("hidden document is not named", ev("document.add", Permit, Some("care_team"), null.clone()), Names::of(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a ajouté un document à votre dossier (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, added a document to your record (access as a member of the care team)"),
        case("denied read", ev("document.read", Deny, Some("no_access"), null.clone()), titled(kaloi(l)), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a tenté de consulter le document « Compte rendu de consultation » : accès refusé",
            "22/11/2026 14:32 — Paul Kaloï, nurse, tried to read the document “Compte rendu de consultation”: access denied"),
        case("denied add", ev("document.add", Deny, Some("blocked"), null.clone()), Names::of(kaloi(l)), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a tenté d'ajouter un document à votre dossier : accès refusé",
            "22/11/2026 14:32 — Paul Kaloï, nurse, tried to add a document to your record: access denied"),
        case("failed add", ev("document.add", Failure, Some("care_team"), json!({"error": "too_large"})), Names::of(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a tenté d'ajouter un document à votre dossier : l'opération n'a pas abouti",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, tried to add a document to your record: the operation failed"),
        case("malformed request", ev("record.request_refused", Failure, Some("request.invalid"), json!({"error": "invalid_body"})), Names::of(kaloi(l)), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a tenté d'envoyer une demande mal formée concernant votre dossier : l'opération n'a pas abouti",
            "22/11/2026 14:32 — Paul Kaloï, nurse, tried to send a malformed request about your record: the operation failed"),
        case("patient search", ev("document.search", Permit, Some("patient"), null.clone()), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez recherché des documents de votre dossier",
            "22/11/2026 14:32 — You searched for documents in your record"),
        case("professional search", ev("document.search", Permit, Some("care_team"), null.clone()), Names::of(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a recherché des documents de votre dossier (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, searched for documents in your record (access as a member of the care team)"),
        case("a professional opens the record", ev("record.open", Permit, Some("care_team"), null.clone()), Names::of(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a ouvert votre dossier (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, opened your record (access as a member of the care team)"),
        case("own access log, record opened", ev("record.open", Permit, Some("consented"), null.clone()), Names::of(Person::You), Actor,
            "22/11/2026 14:32 — Vous avez ouvert le dossier du patient (accès avec le consentement du patient)",
            "22/11/2026 14:32 — You opened the patient's record (access with the patient's consent)"),
        case("a legal representative reads, told to the holder", ev("document.read", Permit, Some("representative"), null.clone()),
            titled(Person::Representative { name: "Céline Dupont".into(), for_owner: true }), Owner,
            "22/11/2026 14:32 — Céline Dupont, votre représentant légal, a consulté le document « Compte rendu de consultation »",
            "22/11/2026 14:32 — Céline Dupont, your legal representative, read the document “Compte rendu de consultation”"),
        case("a legal representative's search, for an authority", ev("document.search", Permit, Some("representative"), null.clone()),
            Names::of(Person::Representative { name: "Céline Dupont".into(), for_owner: false }), Authority,
            "22/11/2026 14:32 — Céline Dupont, son représentant légal, a recherché des documents du dossier du patient",
            "22/11/2026 14:32 — Céline Dupont, their legal representative, searched for documents in the patient's record"),
        case("a representative whose account is gone", ev("record.emergency_settings", Permit, Some("representative"), json!({"oppose_break_glass": true, "oppose_samu": false})),
            Names::of(Person::Representative { name: String::new(), for_owner: true }), Owner,
            "22/11/2026 14:32 — Votre représentant légal a réglé les accès en urgence à votre dossier : bris de glace refusé, régulation du SAMU acceptée",
            "22/11/2026 14:32 — Your legal representative set the emergency accesses to your record: break-glass refused, SAMU regulation accepted"),
        case("the patient's own read has no mode", ev("document.read", Permit, Some("patient"), null.clone()), titled(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez consulté le document « Compte rendu de consultation »",
            "22/11/2026 14:32 — You read the document “Compte rendu de consultation”"),
        case("metadata", ev("document.read_metadata", Permit, Some("care_team"), null.clone()), titled(kaloi(l)), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a consulté la description du document « Compte rendu de consultation » (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — Paul Kaloï, nurse, read the description of the document “Compte rendu de consultation” (access as a member of the care team)"),
        case("modify", ev("document.modify", Permit, Some("care_team"), null.clone()), titled(kaloi(l)), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a déposé une nouvelle version du document « Compte rendu de consultation » (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — Paul Kaloï, nurse, uploaded a new version of the document “Compte rendu de consultation” (access as a member of the care team)"),
        case("delete by the patient", ev("document.delete", Permit, Some("patient"), null.clone()), titled(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez supprimé le document « Compte rendu de consultation »",
            "22/11/2026 14:32 — You deleted the document “Compte rendu de consultation”"),
        case("mask at the patient's request", ev("document.mask", Permit, Some("care_team"), json!({"at_patient_request": true})), titled(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a masqué le document « Compte rendu de consultation » aux professionnels, à votre demande",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, masked the document “Compte rendu de consultation” from professionals, at your request"),
        case("unmask", ev("document.unmask", Permit, Some("patient"), null.clone()), titled(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez rendu le document « Compte rendu de consultation » de nouveau visible par les professionnels",
            "22/11/2026 14:32 — You made the document “Compte rendu de consultation” visible to professionals again"),
        case("mask all", ev("document.mask_all", Permit, Some("patient"), json!({"masked": 3})), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez masqué tous les documents de votre dossier aux professionnels",
            "22/11/2026 14:32 — You masked all the documents in your record from professionals"),
        case("unmask all", ev("document.unmask_all", Permit, Some("patient"), json!({"unmasked": 3})), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez rendu de nouveau visibles par les professionnels les documents de votre dossier que vous aviez masqués",
            "22/11/2026 14:32 — You made the documents in your record that you had masked visible to professionals again"),
        case("hide from patient", ev("document.hide_from_patient", Permit, Some("care_team"), null.clone()), Names::of(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a réservé un document à une consultation d'annonce",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, kept a document for an announcement consultation"),
        case("show to patient", ev("document.show_to_patient", Permit, Some("care_team"), null.clone()), titled(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a rendu le document « Compte rendu de consultation » visible par vous",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, made the document “Compte rendu de consultation” visible to you"),
        case("care team read", ev("care_team.read", Permit, Some("patient"), null.clone()), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez consulté l'équipe de soins de votre dossier",
            "22/11/2026 14:32 — You viewed the care team of your record"),
        case("care team add as attending", ev("care_team.add", Permit, Some("patient"), json!({"attending_physician": true})),
            with_subject(Person::You, nea_short(l)), Owner,
            "22/11/2026 14:32 — Vous avez ajouté Dr Jean Néa (médecin) à l'équipe de soins comme médecin traitant",
            "22/11/2026 14:32 — You added Dr Jean Néa (doctor) to the care team as attending physician"),
        case("care team add by support", ev("care_team.add", Permit, Some("support"), null.clone()),
            with_subject(Person::Support, kaloi_short(l)), Owner,
            "22/11/2026 14:32 — Le support Mon Drive Santé a ajouté Paul Kaloï (infirmier) à l'équipe de soins",
            "22/11/2026 14:32 — Mon Drive Santé support added Paul Kaloï (nurse) to the care team"),
        case("care team remove", ev("care_team.remove", Permit, Some("patient"), null.clone()),
            with_subject(Person::You, kaloi_short(l)), Owner,
            "22/11/2026 14:32 — Vous avez retiré Paul Kaloï (infirmier) de l'équipe de soins",
            "22/11/2026 14:32 — You removed Paul Kaloï (nurse) from the care team"),
        case("attending physician", ev("care_team.attending_physician", Permit, Some("patient"), null.clone()),
            with_subject(Person::You, nea_short(l)), Owner,
            "22/11/2026 14:32 — Vous avez déclaré Dr Jean Néa (médecin) comme médecin traitant",
            "22/11/2026 14:32 — You declared Dr Jean Néa (doctor) as attending physician"),
        case("no attending physician", ev("care_team.attending_physician", Permit, Some("patient"), null.clone()),
            Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez retiré la déclaration de médecin traitant",
            "22/11/2026 14:32 — You withdrew the attending physician declaration"),
        case("consent request", ev("consent.request", Permit, Some("no_access"), json!({"state": "requested"})), Names::of(kaloi(l)), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a demandé votre accord pour accéder à votre dossier",
            "22/11/2026 14:32 — Paul Kaloï, nurse, asked for your consent to access your record"),
        case("consent attested in person", ev("consent.request", Permit, Some("no_access"), json!({"state": "granted"})), Names::of(kaloi(l)), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a attesté avoir recueilli en personne votre accord pour un accès temporaire à votre dossier",
            "22/11/2026 14:32 — Paul Kaloï, nurse, attested having obtained your consent in person for a temporary access to your record"),
        case("consent approved", ev("consent.approve", Permit, Some("patient"), null.clone()),
            with_subject(Person::You, kaloi_short(l)), Owner,
            "22/11/2026 14:32 — Vous avez accepté la demande d'accès de Paul Kaloï (infirmier)",
            "22/11/2026 14:32 — You accepted the access request from Paul Kaloï (nurse)"),
        case("consent refused", ev("consent.refuse", Permit, Some("patient"), null.clone()),
            with_subject(Person::You, kaloi_short(l)), Owner,
            "22/11/2026 14:32 — Vous avez refusé la demande d'accès de Paul Kaloï (infirmier)",
            "22/11/2026 14:32 — You refused the access request from Paul Kaloï (nurse)"),
        case("consent revoked", ev("consent.revoke", Permit, Some("patient"), null.clone()),
            with_subject(Person::You, kaloi_short(l)), Owner,
            "22/11/2026 14:32 — Vous avez retiré l'accès temporaire accordé à Paul Kaloï (infirmier)",
            "22/11/2026 14:32 — You withdrew the temporary access granted to Paul Kaloï (nurse)"),
        case("consent code", ev("consent.code", Permit, Some("no_access"), null.clone()), Names::of(kaloi(l)), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a saisi le code d'accord que vous lui avez communiqué et obtenu un accès temporaire à votre dossier",
            "22/11/2026 14:32 — Paul Kaloï, nurse, entered the consent code you gave them and obtained a temporary access to your record"),
        case("wrong consent code", ev("consent.code", Failure, Some("no_access"), null.clone()), Names::of(kaloi(l)), Owner,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a tenté de saisir un code d'accord : l'opération n'a pas abouti",
            "22/11/2026 14:32 — Paul Kaloï, nurse, tried to enter a consent code: the operation failed"),
        case("block", ev("record.block", Permit, Some("patient"), null.clone()),
            with_subject(Person::You, kaloi_short(l)), Owner,
            "22/11/2026 14:32 — Vous avez bloqué l'accès de Paul Kaloï (infirmier) à votre dossier",
            "22/11/2026 14:32 — You blocked the access of Paul Kaloï (nurse) to your record"),
        case("unblock", ev("record.unblock", Permit, Some("patient"), null.clone()),
            with_subject(Person::You, kaloi_short(l)), Owner,
            "22/11/2026 14:32 — Vous avez débloqué l'accès de Paul Kaloï (infirmier) à votre dossier",
            "22/11/2026 14:32 — You unblocked the access of Paul Kaloï (nurse) to your record"),
        case("emergency settings", ev("record.emergency_settings", Permit, Some("patient"), json!({"oppose_break_glass": true, "oppose_samu": false})),
            Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez réglé les accès en urgence à votre dossier : bris de glace refusé, régulation du SAMU acceptée",
            "22/11/2026 14:32 — You set the emergency accesses to your record: break-glass refused, SAMU regulation accepted"),
        case("break-glass opened", ev("record.break_glass.open", Permit, Some("no_access"), json!({"detail": {"reason": "Patient inconscient"}, "session_id": "s"})), Names::of(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a ouvert un accès en urgence (bris de glace) à votre dossier, motif : « Patient inconscient »",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, opened an emergency access (break-glass) to your record, reason: “Patient inconscient”"),
        case("break-glass refused", ev("record.break_glass.open", Deny, Some("no_access"), json!({"reason": "Patient inconscient"})), Names::of(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a tenté d'ouvrir un accès en urgence (bris de glace) à votre dossier, motif : « Patient inconscient » : accès refusé",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, tried to open an emergency access (break-glass) to your record, reason: “Patient inconscient”: access denied"),
        case("SAMU opened", ev("record.samu.open", Permit, Some("no_access"), json!({"detail": {"call_reference": "988-1"}})), Names::of(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a ouvert un accès de régulation du SAMU à votre dossier, appel 988-1",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, opened a SAMU regulation access to your record, call 988-1"),
        case("feeding opposition", ev("record.feeding_opposition.record", Permit, Some("care_team"), null.clone()), Names::of(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a enregistré votre opposition à ce que ce professionnel alimente votre dossier",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, recorded your objection to this professional adding to your record"),
        case("feeding opposition lifted", ev("record.feeding_opposition.lift", Permit, Some("care_team"), null.clone()), Names::of(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a levé votre opposition à ce que ce professionnel alimente votre dossier",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, lifted your objection to this professional adding to your record"),
        case("emergency settings read", ev("record.emergency_settings.read", Permit, Some("patient"), null.clone()), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez consulté les réglages des accès en urgence de votre dossier",
            "22/11/2026 14:32 — You viewed the emergency access settings of your record"),
        case("blocked professionals read", ev("record.blocks.read", Permit, Some("patient"), null.clone()), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez consulté la liste des professionnels bloqués de votre dossier",
            "22/11/2026 14:32 — You viewed the list of professionals blocked from your record"),
        case("profile read by the care team", ev("profile.read", Permit, Some("care_team"), json!({"scope": "full", "entries": 3})), Names::of(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a consulté le profil médical de votre dossier (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, viewed the health profile of your record (access as a member of the care team)"),
        case("profile read in an emergency", ev("profile.read", Permit, Some("break_glass"), json!({"scope": "emergency", "entries": 2})), Names::of(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a consulté les informations d'urgence du profil médical de votre dossier (accès en urgence par bris de glace)",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, viewed the emergency items of the health profile of your record (emergency access by break-glass)"),
        case("profile measurement added", ev("profile.add", Permit, Some("care_team"), json!({"section": "measurements", "entry_id": "e"})), Names::of(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a ajouté une information au profil médical de votre dossier, rubrique « Mesures » (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, added an item to the health profile of your record, section \"Measurements\" (access as a member of the care team)"),
        case("profile entry removed by the patient", ev("profile.remove", Permit, Some("patient"), json!({"section": "allergies", "entry_id": "e"})), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez retiré une information du profil médical de votre dossier, rubrique « Allergies et intolérances »",
            "22/11/2026 14:32 — You removed an item from the health profile of your record, section \"Allergies and intolerances\""),
        case("history read", ev("history.read", Permit, Some("patient"), null.clone()), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez consulté l'historique d'activité de votre dossier",
            "22/11/2026 14:32 — You viewed the activity history of your record"),
        case("preview as a professional", ev("record.preview", Permit, Some("patient"), null.clone()), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez regardé ce qu'un professionnel verrait de votre dossier (simulation, rien ne lui a été ouvert)",
            "22/11/2026 14:32 — You looked at what a professional would see of your record (a simulation: nothing was opened to them)"),
        case("history denied to a professional", ev("history.read", Deny, Some("care_team"), null.clone()), Names::of(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a tenté de consulter l'historique d'activité de votre dossier : accès refusé",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, tried to view the activity history of your record: access denied"),
        case("audit extract", ev("audit.extract", Success, None, null.clone()), Names::of(Person::Support), Owner,
            "22/11/2026 14:32 — Le support Mon Drive Santé a extrait le journal d'audit de votre dossier pour une autorité",
            "22/11/2026 14:32 — Mon Drive Santé support extracted the audit log of your record for an authority"),
        case("export", ev("patient.export", Success, None, null.clone()), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez téléchargé une copie complète de votre dossier",
            "22/11/2026 14:32 — You downloaded a full copy of your record"),
        case("legal export", ev("patient.legal_export", Success, None, null.clone()), Names::of(Person::Support), Owner,
            "22/11/2026 14:32 — Le support Mon Drive Santé a produit une copie de votre dossier pour une autorité",
            "22/11/2026 14:32 — Mon Drive Santé support produced a copy of your record for an authority"),
        case("heir export", ev("patient.export.heir", Success, None, null.clone()), Names::of(Person::Support), Authority,
            "22/11/2026 14:32 — Le support Mon Drive Santé a produit une copie du dossier du patient pour un ayant droit",
            "22/11/2026 14:32 — Mon Drive Santé support produced a copy of the patient's record for an heir"),
        case("created by a professional", ev("patient.create", Success, None, null.clone()), Names::of(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a créé votre dossier",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, created your record"),
        case("system erase", ev("patient.erase", Success, None, null.clone()), Names::of(Person::System), Authority,
            "22/11/2026 14:32 — Mon Drive Santé a effacé le dossier du patient",
            "22/11/2026 14:32 — Mon Drive Santé erased the patient's record"),
        case("activation", ev("patient.activate", Success, None, null.clone()), Names::of(Person::Support), Owner,
            "22/11/2026 14:32 — Le support Mon Drive Santé a activé le compte en ligne lié à votre dossier",
            "22/11/2026 14:32 — Mon Drive Santé support activated the online account linked to your record"),
        case("closure", ev("patient.close", Success, None, null.clone()), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez fermé votre dossier",
            "22/11/2026 14:32 — You closed your record"),
        case("erasure request", ev("patient.erasure.request", Success, None, null.clone()), Names::of(Person::You), Owner,
            "22/11/2026 14:32 — Vous avez demandé l'effacement de votre dossier",
            "22/11/2026 14:32 — You asked for the erasure of your record"),
        case("death", ev("patient.death.record", Success, None, null.clone()), Names::of(Person::Support), Authority,
            "22/11/2026 14:32 — Le support Mon Drive Santé a enregistré un décès sur le dossier du patient",
            "22/11/2026 14:32 — Mon Drive Santé support recorded a death on the patient's record"),
        case("enrolment by someone not signed in", ev("patient.enrolment.submit", Success, None, null.clone()), Names::of(Person::Anonymous), Owner,
            "22/11/2026 14:32 — Une personne non connectée a déposé une demande d'ouverture de compte pour votre dossier",
            "22/11/2026 14:32 — Someone who was not signed in submitted a request to open an account for your record"),
        case("unknown action falls back to a sentence", ev("something.new", Permit, Some("care_team"), null.clone()), Names::of(nea(l)), Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a effectué une action sur votre dossier (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, took an action on your record (access as a member of the care team)"),
        case("own access log read", ev("access_log.read", Success, None, null.clone()), Names::of(Person::You), Actor,
            "22/11/2026 14:32 — Vous avez consulté votre journal d'accès",
            "22/11/2026 14:32 — You viewed your access log"),
        case("login seen by an authority", ev("auth.login", Success, None, null.clone()), Names::of(kaloi(l)), Authority,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a ouvert une session",
            "22/11/2026 14:32 — Paul Kaloï, nurse, signed in"),
        case("password step seen by its author", ev("auth.password", Success, None, null.clone()), Names::of(Person::You), Actor,
            "22/11/2026 14:32 — Vous avez saisi votre mot de passe (première étape de la connexion)",
            "22/11/2026 14:32 — You entered your password (first step of signing in)"),
        case("password step seen by an authority", ev("auth.password", Success, None, null.clone()), Names::of(kaloi(l)), Authority,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a saisi son mot de passe (première étape de la connexion)",
            "22/11/2026 14:32 — Paul Kaloï, nurse, entered their password (first step of signing in)"),
        case("unknown action outside a record", AuditRecord { patient_id: None, ..ev("directory.new", Success, None, null.clone()) }, Names::of(Person::Support), Authority,
            "22/11/2026 14:32 — Le support Mon Drive Santé a effectué une action dans Mon Drive Santé",
            "22/11/2026 14:32 — Mon Drive Santé support took an action in Mon Drive Santé"),
        case("assistant in the name of a doctor", ev("document.add", Permit, Some("care_team"), null.clone()),
            Names { document: DocumentName::Titled("Ordonnance".into()), ..Names::of(Person::Assistant { name: "Marie Tiaou".into(), for_professional: Box::new(nea(l)) }) }, Owner,
            "22/11/2026 14:32 — Marie Tiaou (secrétariat du Dr Jean Néa, médecin, Centre hospitalier X) a ajouté le document « Ordonnance » à votre dossier (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — Marie Tiaou (assistant to Dr Jean Néa, doctor, Centre hospitalier X) added the document “Ordonnance” to your record (access as a member of the care team)"),
        case("another patient's attempt", ev("document.search", Deny, Some("patient"), null.clone()), Names::of(Person::OtherPatient), Owner,
            "22/11/2026 14:32 — Un autre patient a tenté de rechercher des documents de votre dossier : accès refusé",
            "22/11/2026 14:32 — Another patient tried to search for documents in your record: access denied"),
        case("own access log shows the type only", ev("document.read", Permit, Some("consented"), null.clone()),
            Names { document: DocumentName::Typed(l.pick("Compte rendu opératoire", "Operative report").into()), ..Names::of(Person::You) }, Actor,
            "22/11/2026 14:32 — Vous avez consulté un document de type « Compte rendu opératoire » (accès avec le consentement du patient)",
            "22/11/2026 14:32 — You read a document of type “Operative report” (access with the patient's consent)"),
        case("own access log, add", ev("document.add", Permit, Some("care_team"), null.clone()),
            Names { document: DocumentName::Typed(l.pick("Ordonnance", "Prescription").into()), ..Names::of(Person::You) }, Actor,
            "22/11/2026 14:32 — Vous avez ajouté un document de type « Ordonnance » au dossier du patient (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — You added a document of type “Prescription” to the patient's record (access as a member of the care team)"),
        case("authority reads the patient's actions", ev("consent.approve", Permit, Some("patient"), null.clone()),
            with_subject(Person::Patient, kaloi_short(l)), Authority,
            "22/11/2026 14:32 — Le patient a accepté la demande d'accès de Paul Kaloï (infirmier)",
            "22/11/2026 14:32 — The patient accepted the access request from Paul Kaloï (nurse)"),
        case("authority: consent request", ev("consent.request", Permit, Some("no_access"), json!({"state": "requested"})), Names::of(kaloi(l)), Authority,
            "22/11/2026 14:32 — Paul Kaloï, infirmier, a demandé l'accord du patient pour accéder au dossier du patient",
            "22/11/2026 14:32 — Paul Kaloï, nurse, asked for the patient's consent to access the patient's record"),
    ]
}

#[test]
fn renderer_decision_table() {
    let failures: Vec<String> = Language::ALL
        .into_iter()
        .flat_map(|l| cases(l).into_iter().map(move |c| (l, c)))
        .filter_map(|(l, c)| {
            let got = line(&c.event, &c.names, c.audience, l);
            let want = c.want(l);
            (got != want)
                .then(|| format!("{} ({}):\n  got  {got}\n  want {want}", c.name, l.code()))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Words of the French phrases that no English line may hold (a phrase left untranslated).
const FRENCH: [&str; 31] = [
    " a consulté",
    " avez ",
    " a tenté",
    "votre",
    "vous",
    "Vous",
    "dossier",
    "accès",
    "refusé",
    "l'opération",
    "équipe",
    "médecin",
    "infirmier",
    "soins",
    "urgence",
    "bris de glace",
    "régulation",
    " le ",
    " la ",
    " les ",
    " de ",
    " du ",
    " des ",
    " d'",
    " à ",
    " au ",
    " et ",
    " un ",
    " une ",
    "«",
    "»",
];

/// The names and texts people typed, which stay as written: left out of the check.
const TYPED: [&str; 9] = [
    "Compte rendu de consultation",
    "Centre hospitalier X",
    "Clinique du Port",
    "Patient inconscient aux urgences",
    "Patient inconscient",
    "Jean Néa",
    "Paul Kaloï",
    "Céline Dupont",
    "Marie Tiaou",
];

fn french_words_in(english: &str) -> Vec<&'static str> {
    let mut text = english.to_owned();
    for typed in TYPED {
        text = text.replace(typed, "");
    }
    FRENCH.into_iter().filter(|w| text.contains(w)).collect()
}

#[test]
fn no_english_line_holds_french_words() {
    let failing: Vec<String> = cases(Language::En)
        .iter()
        .filter_map(|c| {
            let got = line(&c.event, &c.names, c.audience, Language::En);
            let found = french_words_in(&got);
            (!found.is_empty()).then(|| format!("{}: {found:?} in {got}", c.name))
        })
        .collect();
    assert!(failing.is_empty(), "{}", failing.join("\n"));
    // The guard itself catches a French line.
    let french = cases(Language::Fr);
    let c = &french[0];
    assert!(!french_words_in(&line(&c.event, &c.names, c.audience, Language::Fr)).is_empty());
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
    // (rule, access mode, the French reason, the English one)
    let table = [
        ("blocked", "blocked", ", car vous avez bloqué ce professionnel",
            ", because you blocked this professional"),
        ("matrix.read.unless_confidential_and_not_depositor", "care_team", ", car ce document est masqué aux professionnels",
            ", because this document is masked from professionals"),
        ("matrix.read.yes", "no_access", ", car ce professionnel n'est pas dans votre équipe de soins et n'a ni votre accord ni d'accès d'urgence",
            ", because this professional is not in your care team and has neither your consent nor an emergency access"),
        ("matrix.delete.if_depositor", "care_team", ", car seul le professionnel qui a déposé ce document peut le faire",
            ", because only the professional who added this document may do this"),
        ("matrix.read.if_depositor", "no_access", ", car ce professionnel n'est pas dans votre équipe de soins et n'a ni votre accord ni d'accès d'urgence",
            ", because this professional is not in your care team and has neither your consent nor an emergency access"),
        ("habilitation.type_not_open", "care_team", ", car sa profession n'a pas accès à ce type de document",
            ", because their profession has no access to this type of document"),
        ("break_glass.opposed", "no_access", ", car vous avez refusé les accès d'urgence à votre dossier",
            ", because you refused emergency access to your record"),
        ("samu.opposed", "no_access", ", car vous avez refusé l'accès du SAMU à votre dossier",
            ", because you refused SAMU access to your record"),
        ("opposition.feeding", "care_team", ", car vous avez refusé que ce professionnel alimente votre dossier",
            ", because you objected to this professional adding to your record"),
        ("break_glass.reason_insufficient", "no_access", ", car le motif d'urgence déclaré était insuffisant",
            ", because the emergency reason given was not sufficient"),
        ("break_glass.not_health_professional", "no_access", ", car seuls les professionnels de santé peuvent déclarer un accès d'urgence",
            ", because only health professionals may declare an emergency access"),
        ("samu.not_regulator", "no_access", ", car seul un médecin régulateur du SAMU peut ouvrir cet accès",
            ", because only a SAMU regulating doctor may open this access"),
        ("samu.call_reference_required", "no_access", ", car la référence de l'appel au SAMU manquait",
            ", because the SAMU call reference was missing"),
        ("information_duty.not_confirmed", "care_team", ", car ce professionnel n'a pas confirmé vous avoir donné l'information préalable",
            ", because this professional did not confirm having informed you beforehand"),
        ("record.closed", "care_team", ", car votre dossier est clôturé",
            ", because your record is closed"),
        ("control.patient_only", "care_team", ", car cette action vous est réservée",
            ", because only you may take this action"),
        ("patient.not_owner", "patient", ", car cette action vous est réservée",
            ", because only you may take this action"),
        ("support.no_medical_content", "support", ", car le support n'a jamais accès au contenu médical",
            ", because support never has access to medical content"),
        ("request.inconsistent", "care_team", ", car la demande était incohérente",
            ", because the request was inconsistent"),
        ("actor.professional_inactive", "care_team", ", car le compte de ce professionnel est suspendu ou inactif",
            ", because this professional's account is suspended or inactive"),
        // a rule id nobody knows: the general sentence, never the code
        ("matrix.unknown.cell", "care_team", ", car les règles d'accès ne le permettent pas dans sa situation",
            ", because the access rules do not allow it in their situation"),
    ];
    for (rule, mode, fr, en) in table {
        let got = line(
            &denied(rule, mode),
            &titled(kaloi(Language::Fr)),
            Audience::Owner,
            Language::Fr,
        );
        let want = format!("22/11/2026 14:32 — Paul Kaloï, infirmier, a tenté de consulter le document « Compte rendu de consultation » : accès refusé{fr}");
        assert_eq!(got, want, "{rule}");
        let got = line(
            &denied(rule, mode),
            &titled(kaloi(Language::En)),
            Audience::Owner,
            Language::En,
        );
        let want = format!("22/11/2026 14:32 — Paul Kaloï, nurse, tried to read the document “Compte rendu de consultation”: access denied{en}");
        assert_eq!(got, want, "{rule} (en)");
        assert!(french_words_in(&got).is_empty(), "{rule}: {got}");
        // Professionals and authorities read the refusal without the patient's words.
        let actor = line(
            &denied(rule, mode),
            &titled(kaloi(Language::Fr)),
            Audience::Authority,
            Language::Fr,
        );
        assert!(actor.ends_with(": accès refusé"), "{rule}: {actor}");
        let actor = line(
            &denied(rule, mode),
            &titled(kaloi(Language::En)),
            Audience::Authority,
            Language::En,
        );
        assert!(actor.ends_with(": access denied"), "{rule}: {actor}");
    }
}

#[test]
fn no_line_shows_a_raw_code() {
    for (l, c) in Language::ALL
        .into_iter()
        .flat_map(|l| cases(l).into_iter().map(move |c| (l, c)))
    {
        let got = line(&c.event, &c.names, c.audience, l);
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

/// A professional's reads of one day on one line, in both languages: several documents (a
/// title, a type, an untitled one) read several times, and one document read twice.
#[test]
fn grouped_reads_in_both_languages() {
    // 22/11/2026 from 09:02 (03:32 UTC is 14:32 in Nouméa).
    let earlier = AT - (5 * 60 + 30) * 60_000;
    let newest = ev(
        "document.read",
        Outcome::Permit,
        Some("care_team"),
        serde_json::Value::Null,
    );
    let table = [
        (
            Language::Fr,
            "22/11/2026 de 09:02 à 14:32 — Dr Jean Néa, médecin, Centre hospitalier X, a consulté 3 documents (4 consultations) : « Bilan », un document de type « Ordonnance » et un document (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — Vous avez consulté 2 fois le document « Bilan » (accès en tant que membre de l'équipe de soins)",
        ),
        (
            Language::En,
            "22/11/2026 from 09:02 to 14:32 — Dr Jean Néa, doctor, Centre hospitalier X, read 3 documents (4 reads): “Bilan”, a document of type “Prescription” and a document (access as a member of the care team)",
            "22/11/2026 14:32 — You read the document “Bilan” 2 times (access as a member of the care team)",
        ),
    ];
    for (l, many, twice) in table {
        let typed = DocumentName::Typed(l.pick("Ordonnance", "Prescription").into());
        let mut reads = Reads::first(Some("d1"), DocumentName::Titled("Bilan".into()), AT);
        reads.add(Some("d2"), typed, AT);
        reads.add(Some("d1"), DocumentName::Titled("Bilan".into()), AT);
        reads.add(Some("d3"), DocumentName::Unnamed, earlier);
        let got = reads_line(&newest, &Names::of(nea(l)), &reads, Audience::Owner, l);
        assert_eq!(got, many, "{}", l.code());
        let mut reads = Reads::first(Some("d1"), DocumentName::Titled("Bilan".into()), AT);
        reads.add(Some("d1"), DocumentName::Titled("Bilan".into()), AT);
        let got = reads_line(&newest, &Names::of(Person::You), &reads, Audience::Actor, l);
        assert_eq!(got, twice, "{}", l.code());
        if l == Language::En {
            assert!(french_words_in(&got).is_empty(), "{got}");
        }
    }
}

/// The assistant and software forms, and a preload's purpose, in both languages.
#[test]
fn assistants_software_and_preloads_in_both_languages() {
    fn software(for_professional: Person, structure: Option<&str>) -> Names {
        bilan(Names::of(Person::Software {
            structure: structure.map(str::to_owned),
            for_professional: Box::new(for_professional),
        }))
    }
    fn assistant(for_professional: Person) -> Person {
        Person::Assistant {
            name: "Marie Tiaou".into(),
            for_professional: Box::new(for_professional),
        }
    }
    let null = serde_json::Value::Null;
    let preload = json!({"purpose": "preload", "care_date": "2026-11-25"});
    // (name, event, names in a language, reader, French, English)
    type NamesIn = fn(Language) -> Names;
    let cases: [(&str, AuditRecord, NamesIn, Audience, &str, &str); 6] = [
        ("software for a professional", ev("document.read", Outcome::Permit, Some("care_team"), null.clone()),
            |l| software(nea_plain(l), Some("Clinique du Port")), Audience::Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, via le logiciel de Clinique du Port, a consulté le document « Bilan » (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, through the software of Clinique du Port, read the document “Bilan” (access as a member of the care team)"),
        ("software for the reader", ev("document.read", Outcome::Permit, Some("care_team"), null.clone()),
            |_| software(Person::You, None), Audience::Actor,
            "22/11/2026 14:32 — Vous, via le logiciel d'une structure de soins, avez consulté le document « Bilan » (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — You, through the software of a care facility, read the document “Bilan” (access as a member of the care team)"),
        ("software for nobody known", ev("document.read", Outcome::Permit, Some("care_team"), null.clone()),
            |_| software(Person::Unknown, Some("Clinique du Port")), Audience::Owner,
            "22/11/2026 14:32 — Le logiciel de Clinique du Port a consulté le document « Bilan » (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — The software of Clinique du Port read the document “Bilan” (access as a member of the care team)"),
        ("the reader's assistant", ev("document.add", Outcome::Permit, Some("care_team"), null.clone()),
            |_| bilan(Names::of(assistant(Person::You))), Audience::Actor,
            "22/11/2026 14:32 — Marie Tiaou (de votre secrétariat) a ajouté le document « Bilan » au dossier du patient (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — Marie Tiaou (your assistant) added the document “Bilan” to the patient's record (access as a member of the care team)"),
        ("an assistant of nobody known", ev("document.add", Outcome::Permit, Some("care_team"), null.clone()),
            |_| Names::of(assistant(Person::Unknown)), Audience::Owner,
            "22/11/2026 14:32 — Marie Tiaou (secrétariat d'un professionnel) a ajouté un document à votre dossier (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — Marie Tiaou (a professional's assistant) added a document to your record (access as a member of the care team)"),
        ("a preload read", ev("document.read", Outcome::Permit, Some("care_team"), preload),
            |l| bilan(Names::of(nea_plain(l))), Audience::Owner,
            "22/11/2026 14:32 — Dr Jean Néa, médecin, a consulté le document « Bilan » pour des soins prévus le 25/11/2026 (accès en tant que membre de l'équipe de soins)",
            "22/11/2026 14:32 — Dr Jean Néa, doctor, read the document “Bilan” for care planned on 25/11/2026 (access as a member of the care team)"),
    ];
    let mut failing = Vec::new();
    for (name, event, names, audience, fr, en) in &cases {
        for l in Language::ALL {
            let got = line(event, &names(l), *audience, l);
            let want = l.pick(*fr, *en);
            if got != want {
                failing.push(format!(
                    "{name} ({}):\n  got  {got}\n  want {want}",
                    l.code()
                ));
            }
            if l == Language::En && !french_words_in(&got).is_empty() {
                failing.push(format!("{name}: French words in {got}"));
            }
        }
    }
    assert!(failing.is_empty(), "{}", failing.join("\n"));
}

/// Dr Néa without a structure.
fn nea_plain(l: Language) -> Person {
    match nea(l) {
        Person::Professional(p) => Person::Professional(Professional {
            structure: None,
            ..p
        }),
        other => other,
    }
}

/// `names` about the document titled « Bilan ».
fn bilan(names: Names) -> Names {
    Names {
        document: DocumentName::Titled("Bilan".into()),
        ..names
    }
}

/// Issue 17, item 2: every refusal the holder reads carries its reason in words, whatever the
/// rule of the policy and the mode, in French and in English — and no line shows a rule's code
/// or a mode's code.
#[test]
fn every_rule_of_the_policy_reads_in_words_never_as_a_code() {
    let modes = [
        "care_team",
        "consented",
        "break_glass",
        "samu",
        "no_access",
        "blocked",
        "patient",
        "support",
    ];
    let mut failing = Vec::new();
    for rule in mds_policy::Rule::all() {
        let id = rule.id();
        for mode in modes {
            for (lang, because) in [(Language::Fr, ", car "), (Language::En, ", because ")] {
                for outcome in [Outcome::Deny, Outcome::Permit] {
                    let mut e = ev(
                        "document.read",
                        outcome,
                        Some(mode),
                        serde_json::Value::Null,
                    );
                    e.rule = Some(id.clone());
                    let got = line(&e, &titled(kaloi(lang)), Audience::Owner, lang);
                    // A code has a dot or an underscore (« blocked » is also a word).
                    let raw = (id.contains(['.', '_']) && got.contains(&id))
                        || got.contains("matrix.")
                        || got.contains('_');
                    let reasoned = outcome != Outcome::Deny || got.contains(because);
                    if raw || !reasoned {
                        failing.push(format!("{id} {mode} {outcome:?} {lang:?}: {got}"));
                    }
                }
            }
        }
    }
    assert!(failing.is_empty(), "{failing:#?}");
}
