//! Issue 17, item 1 — « voir mon dossier comme le Dr X »: the preview's list equals, document
//! for document, what the professional then gets when they really list the record, in every
//! access mode (care team, consent with habilitation, no access, break-glass, SAMU, blocked,
//! emergency opposed); the preview leaves nothing in the professional's access log, opens
//! nothing, and is audited once as the patient's own action. Both backends, fixed clock.

use mds_app::record::consent::ConsentAnswer;
use mds_app::record::documents::{DocumentQuery, NewDocument};
use mds_app::record::emergency::EmergencyChoices;
use mds_app::record::preview::{Preview, Situation, Subject};
use mds_app::{Actor, App};
use mds_domain::{PatientId, Timestamp};
use mds_testkit::app::*;

/// What the professional really lists: the ids, and each with whether it is hidden from the
/// patient (a refusal lists nothing).
async fn really_listed(
    app: &App,
    pro: &Actor,
    marie: &PatientId,
    t: Timestamp,
) -> (Vec<String>, Vec<(String, bool)>) {
    let q = DocumentQuery {
        limit: 100,
        ..DocumentQuery::default()
    };
    match app.list_documents(pro, marie, q, None, t).await {
        Ok(page) => {
            let ids = page.items.iter().map(|d| d.id.to_string()).collect();
            let flags = page
                .items
                .iter()
                .map(|d| (d.id.to_string(), d.hidden_from_patient))
                .collect();
            (ids, flags)
        }
        Err(_) => (Vec::new(), Vec::new()),
    }
}

fn named_shown(p: &Preview) -> Vec<String> {
    p.lines
        .iter()
        .filter(|l| l.shown)
        .map(|l| l.document.id.to_string())
        .collect()
}

/// Previews `login` in `situation`, checks it leaves no trace of the professional, then
/// lets the professional act for real (opening the emergency access of the situation) and
/// compares. Returns the preview.
async fn compare(
    app: &App,
    patient: &Actor,
    marie: &PatientId,
    (login, pro): (&str, &Actor),
    situation: Situation,
    t: Timestamp,
) -> Result<Preview, String> {
    let sessions = count(app, "emergency_sessions").await;
    let before = last_seq(app).await;
    let preview = app
        .preview_record_as(
            patient,
            marie,
            Subject::Professional(pro.account_id.as_str()),
            situation,
            None,
            t,
        )
        .await
        .map_err(|e| format!("{login} {situation:?}: {e:?}"))?;
    let events = events_after(app, before).await;
    let pro_id = pro.account_id.to_string();
    if events.len() != 1
        || events[0].action != "record.preview"
        || events[0].actor_id.as_deref() != Some(patient.account_id.as_str())
        || events
            .iter()
            .any(|e| e.on_behalf_of.as_deref() == Some(pro_id.as_str()))
    {
        return Err(format!("{login} {situation:?}: events {events:?}"));
    }
    if count(app, "emergency_sessions").await != sessions {
        return Err(format!(
            "{login} {situation:?}: the preview opened an access"
        ));
    }
    match situation {
        Situation::Today => {}
        Situation::BreakGlass | Situation::Samu => {
            let samu = situation == Situation::Samu;
            let text = if samu {
                "SAMU-2026-0042"
            } else {
                "Patient inconscient aux urgences"
            };
            let _ = app
                .open_emergency_access(pro, marie, samu, text, None, t)
                .await;
        }
    }
    let (ids, real) = really_listed(app, pro, marie, t).await;
    let patient_sees: Vec<String> = preview
        .lines
        .iter()
        .map(|l| l.document.id.to_string())
        .collect();
    let expected: Vec<String> = ids
        .iter()
        .filter(|id| patient_sees.contains(id))
        .cloned()
        .collect();
    // What the professional got beyond the preview's lines is only what is hidden from the
    // patient (never named nor counted to them).
    let beyond_hidden = real
        .iter()
        .filter(|d| !patient_sees.contains(&d.0))
        .all(|d| d.1);
    if named_shown(&preview) != expected || !beyond_hidden {
        return Err(format!(
            "{login} {situation:?}: preview {:?}, real {ids:?} (beyond the preview all hidden from the patient: {beyond_hidden})",
            named_shown(&preview),
        ));
    }
    // The health profile: what the preview says is what the professional then reads.
    let real_profile = match app.health_profile(pro, marie, None, t).await {
        Ok(p) if p.scope == mds_app::record::profile::ProfileScope::Emergency => "emergency",
        Ok(_) => "full",
        Err(_) => "none",
    };
    let said = if preview.profile.contains("informations d'urgence") {
        "emergency"
    } else if preview.profile.contains("en entier") {
        "full"
    } else {
        "none"
    };
    if said != real_profile {
        return Err(format!(
            "{login} {situation:?}: preview says {:?}, the profile read gave {real_profile}",
            preview.profile
        ));
    }
    Ok(preview)
}

#[test]
fn the_preview_is_what_the_professional_then_gets_in_every_mode() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let t = at(MINUTE);
        let marie = patient_id_by_cafat(app, MARIE_CAFAT).await;
        let patient = actor(app, PATIENT, t).await;
        // Each signed in once (a second-factor code is single use).
        let mut pros = Vec::new();
        for login in [
            DOCTOR,
            PSYCHOLOGIST,
            PHARMACIST,
            BIOLOGIST,
            NURSE,
            REGULATOR,
            MIDWIFE,
        ] {
            pros.push((login, actor(app, login, t).await));
        }
        let pro = |login: &str| {
            let (l, a) = pros.iter().find(|(l, _)| *l == login).unwrap();
            (*l, a)
        };
        // The psychologist, with Marie's consent (the habilitation then narrows the types).
        let psychologist = pro(PSYCHOLOGIST).1;
        let mut failing = Vec::new();
        let before_consent = compare(
            app,
            &patient,
            &marie,
            pro(PSYCHOLOGIST),
            Situation::Today,
            t,
        )
        .await;
        match &before_consent {
            Ok(p) if p.shown_count() == 0 && p.access.starts_with("Caché") => {}
            other => failing.push(format!("psychologist before consent: {other:?}")),
        }
        let asked = app
            .request_consent(psychologist, &marie, "Bilan psychologique", false, None, t)
            .await
            .unwrap();
        app.answer_consent(&patient, &marie, &asked.id, ConsentAnswer::Approve, None, t)
            .await
            .unwrap();
        // A result hidden from Marie until its announcement: never named nor counted to her.
        let hidden = NewDocument {
            type_code: "60568-3".to_owned(),
            title: "Résultat à annoncer".to_owned(),
            act_date: "2026-11-20".to_owned(),
            hidden_from_patient: true,
            confirms_patient_informed: true,
            content: b"Compte rendu a annoncer en consultation.".to_vec(),
            ..NewDocument::default()
        };
        app.add_document(pro(DOCTOR).1, &marie, hidden, None, t)
            .await
            .unwrap();
        // The biologist, blocked.
        app.block_professional(&patient, &marie, &pro(BIOLOGIST).1.account_id, None, t)
            .await
            .unwrap();
        // A nurse the record has never met, by profession: nothing today; in an emergency,
        // what the demo's nurse (no tie to Marie either) then really gets by break-glass.
        let nurse_by_profession =
            Subject::Profession(mds_domain::Profession::from_slug("infirmier").unwrap());
        let nurse_today = app
            .preview_record_as(
                &patient,
                &marie,
                nurse_by_profession,
                Situation::Today,
                None,
                t,
            )
            .await
            .unwrap();
        let nurse_emergency = app
            .preview_record_as(
                &patient,
                &marie,
                nurse_by_profession,
                Situation::BreakGlass,
                None,
                t,
            )
            .await
            .unwrap();
        assert_eq!(
            (
                nurse_today.shown_count(),
                nurse_today.professional_id.is_none()
            ),
            (0, true),
            "{backend:?}: {}",
            nurse_today.access
        );
        let cases = [
            (DOCTOR, Situation::Today),
            (PSYCHOLOGIST, Situation::Today),
            (PHARMACIST, Situation::Today),
            (BIOLOGIST, Situation::Today),
            (BIOLOGIST, Situation::BreakGlass),
            (NURSE, Situation::BreakGlass),
            (REGULATOR, Situation::Samu),
            (MIDWIFE, Situation::Samu),
        ];
        let mut previews = Vec::new();
        for (login, situation) in cases {
            match compare(app, &patient, &marie, pro(login), situation, t).await {
                Ok(p) => previews.push((login, situation, p)),
                Err(e) => failing.push(e),
            }
        }
        // Opposed to break-glass: the preview says the opening would be refused, and the
        // midwife (no access: her SAMU opening above was refused) then gets nothing.
        app.set_emergency_settings(
            &patient,
            &marie,
            EmergencyChoices {
                oppose_break_glass: true,
                oppose_samu: false,
            },
            None,
            t,
        )
        .await
        .unwrap();
        match compare(
            app,
            &patient,
            &marie,
            pro(MIDWIFE),
            Situation::BreakGlass,
            t,
        )
        .await
        {
            Ok(p)
                if p.emergency.as_deref().is_some_and(|e| e.contains("refusé"))
                    && p.shown_count() == 0 => {}
            other => failing.push(format!("opposed break-glass: {other:?}")),
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:#?}");

        // The words: each mode in words, never a rule code.
        let words = |login: &str, situation: Situation| {
            previews
                .iter()
                .find(|(l, s, _)| *l == login && *s == situation)
                .map(|(_, _, p)| p)
                .unwrap()
        };
        let doctor = words(DOCTOR, Situation::Today);
        assert!(doctor.shown_count() > 0, "{backend:?}");
        assert!(
            !doctor
                .lines
                .iter()
                .any(|l| l.document.title == "Résultat à annoncer"),
            "{backend:?}: the hidden result is not named to the patient"
        );
        assert!(
            doctor.access.contains("équipe de soins"),
            "{}",
            doctor.access
        );
        let blocked = words(BIOLOGIST, Situation::BreakGlass);
        assert_eq!(blocked.shown_count(), 0);
        assert!(
            blocked
                .emergency
                .as_deref()
                .is_some_and(|e| e.contains("vous avez bloqué ce professionnel")),
            "{:?}",
            blocked.emergency
        );
        let nurse = words(NURSE, Situation::BreakGlass);
        assert_eq!(
            named_shown(&nurse_emergency),
            named_shown(nurse),
            "{backend:?}: a nurse by profession sees what the demo's nurse got"
        );
        assert_eq!(
            nurse_emergency.professional_name,
            "un professionnel : infirmier"
        );
        assert!(
            nurse.shown_count() > 0 && nurse.access.contains("bris de glace"),
            "{}",
            nurse.access
        );
        let psy = words(PSYCHOLOGIST, Situation::Today);
        assert!(psy.access.contains("accord"), "{}", psy.access);
        for (login, situation, p) in &previews {
            for line in &p.lines {
                let ok = (line.shown && line.why.starts_with("Visible"))
                    || (!line.shown && line.why.starts_with("Caché"));
                assert!(
                    ok && !line.why.contains("matrix.") && !line.why_en.contains('_'),
                    "{login} {situation:?}: {line:?}"
                );
            }
        }
        assert!(
            psy.lines
                .iter()
                .any(|l| !l.shown && l.why.contains("profession")),
            "{backend:?}: the habilitation hides some types from the psychologist: {:#?}",
            psy.lines
                .iter()
                .map(|l| (&l.document.type_code, l.shown, &l.why))
                .collect::<Vec<_>>()
        );
    });
}

#[test]
fn only_the_patient_previews_their_own_record() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let t = at(MINUTE);
        let marie = patient_id_by_cafat(app, MARIE_CAFAT).await;
        let doctor = actor(app, DOCTOR, t).await;
        let other = actor(app, OTHER_PATIENT, t).await;
        let patient = actor(app, PATIENT, t).await;
        let nurse = actor(app, NURSE, t).await;
        let id = nurse.account_id.to_string();
        // (case, who, professional, outcome)
        let cases = [
            ("a professional", &doctor, id.as_str(), "forbidden"),
            ("another patient", &other, id.as_str(), "not_found"),
            (
                "unknown professional",
                &patient,
                "10009999999",
                "unknown_professional",
            ),
            ("the patient", &patient, id.as_str(), "ok"),
        ];
        let mut failing = Vec::new();
        for (case, who, pro, expected) in cases {
            let r = app
                .preview_record_as(
                    who,
                    &marie,
                    Subject::Professional(pro),
                    Situation::Today,
                    None,
                    t,
                )
                .await;
            if outcome(&r) != expected {
                failing.push(format!("{case}: {}", outcome(&r)));
            }
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:#?}");
    });
}
