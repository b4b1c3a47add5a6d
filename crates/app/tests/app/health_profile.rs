//! The health profile (issue 17, item 7) through the application, on both backends: Marie
//! fills it in; who reads what of it, each read and refusal audited; what a professional may
//! add and remove; the history's lines; the export; the erasure.
#![allow(clippy::unwrap_used)]

use mds_app::information::history::{HistoryFilter, PageRequest};
use mds_app::record::profile::{HealthProfile, ProfileScope};
use mds_audit::Outcome;
use mds_domain::profile::{ContactRole, Day, DonationPosition, Entry, Quantity, Section, Severity};
use mds_domain::PatientId;
use mds_testkit::app::*;

fn day(text: &str) -> Day {
    Day::parse(text).unwrap()
}

fn weight(kg: f64, on: &str) -> Entry {
    Entry::Measurement {
        quantity: Quantity::Weight,
        value: kg,
        second: None,
        on: day(on),
    }
}

fn allergy() -> Entry {
    Entry::Allergy {
        substance: "Pénicilline".to_owned(),
        reaction: Some("œdème de Quincke".to_owned()),
        severity: Severity::Severe,
    }
}

fn sections(p: &HealthProfile) -> Vec<(Section, usize)> {
    p.sections
        .iter()
        .map(|s| (s.section, s.entries.len()))
        .collect()
}

/// Marie's profile: an allergy, three weights typed out of order, a trusted person, and an
/// organ donation position given twice (the second replaces the first).
async fn fill(app: &mds_app::App, pid: &PatientId) {
    let marie = actor(app, PATIENT, at(0)).await;
    let entries = [
        allergy(),
        weight(71.0, "2026-05-01"),
        weight(73.46, "2026-03-01"),
        weight(70.2, "2026-07-01"),
        Entry::Contact {
            role: ContactRole::TrustedPerson,
            name: "Paul Wéa".to_owned(),
            relation: Some("frère".to_owned()),
            phone: Some("+687 27 12 34".to_owned()),
        },
        Entry::OrganDonation {
            position: DonationPosition::Refuses,
            note: None,
        },
        Entry::OrganDonation {
            position: DonationPosition::Accepts,
            note: None,
        },
    ];
    for (i, e) in entries.into_iter().enumerate() {
        let n = i64::try_from(i).unwrap();
        app.add_profile_entry(&marie, pid, e, None, at(MINUTE * (n + 1)))
            .await
            .unwrap();
    }
}

#[test]
fn the_patient_fills_her_profile_and_reads_it_in_order() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let pid = mds_demo::patient_id(app).await.unwrap().unwrap();
        fill(app, &pid).await;
        let marie = actor(app, PATIENT, at(HOUR)).await;
        let p = app
            .health_profile(&marie, &pid, None, at(HOUR))
            .await
            .unwrap();
        assert_eq!(p.scope, ProfileScope::Full);
        assert_eq!(
            sections(&p),
            [
                (Section::Allergies, 1),
                (Section::Treatments, 0),
                (Section::Conditions, 0),
                (Section::Contacts, 1),
                (Section::OrganDonation, 1),
                (Section::AdvanceDirectives, 0),
                (Section::Vaccinations, 0),
                (Section::Measurements, 3),
            ]
        );
        assert_eq!(p.may_add, Section::ALL.to_vec());
        let weights: Vec<String> = p
            .section(Section::Measurements)
            .unwrap()
            .entries
            .iter()
            .map(|e| e.summary.clone())
            .collect();
        // By the day measured, rounded to 100 g.
        assert_eq!(
            weights,
            [
                "Poids : 73,5 kg, le 01/03/2026",
                "Poids : 71 kg, le 01/05/2026",
                "Poids : 70,2 kg, le 01/07/2026"
            ]
        );
        let donation = &p.section(Section::OrganDonation).unwrap().entries[0];
        assert_eq!(donation.summary, "Le patient accepte le don d'organes");
        assert!(donation.mine && !donation.by_professional);

        // A bad value is refused in French, and nothing is stored.
        let before = count(app, "profile_entries").await;
        let err = app
            .add_profile_entry(&marie, &pid, weight(900.0, "2026-09-02"), None, at(HOUR))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Poids : la valeur doit être comprise entre 0,3 et 400 kg."
        );
        assert_eq!(count(app, "profile_entries").await, before);
        assert_chain_intact(app).await;
    });
}

/// (who, the actor, the scope read or the error, the read's audited outcome and mode)
type ReadCase = (
    &'static str,
    mds_app::Actor,
    Result<ProfileScope, &'static str>,
    Outcome,
    &'static str,
);

/// Who reads Marie's profile, and what of it.
#[test]
fn readers_follow_the_access_modes_and_every_read_is_audited() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let pid = mds_demo::patient_id(app).await.unwrap().unwrap();
        fill(app, &pid).await;
        let now = at(HOUR);
        let doctor = actor(app, DOCTOR, now).await;
        let regulator = actor(app, REGULATOR, now).await;

        let cases: Vec<ReadCase> = vec![
            (
                "care team doctor",
                doctor.clone(),
                Ok(ProfileScope::Full),
                Outcome::Permit,
                "care_team",
            ),
            (
                "pharmacist of the care team",
                actor(app, PHARMACIST, now).await,
                Ok(ProfileScope::Full),
                Outcome::Permit,
                "care_team",
            ),
            (
                "nurse without access",
                actor(app, NURSE, now).await,
                Err("not_found"),
                Outcome::Deny,
                "no_access",
            ),
            (
                "regulator before any access",
                regulator.clone(),
                Err("not_found"),
                Outcome::Deny,
                "no_access",
            ),
            (
                "assistant",
                actor(app, ASSISTANT, now).await,
                Err("not_found"),
                Outcome::Deny,
                "care_team",
            ),
            (
                "support",
                actor(app, SUPPORT, now).await,
                Err("not_found"),
                Outcome::Deny,
                "support",
            ),
            (
                "another patient",
                actor(app, OTHER_PATIENT, now).await,
                Err("not_found"),
                Outcome::Deny,
                "patient",
            ),
        ];
        let mut failures = Vec::new();
        for (name, who, expected, audited, mode) in cases {
            let before = last_seq(app).await;
            let got = app.health_profile(&who, &pid, None, now).await;
            let got_scope = got.as_ref().map(|p| p.scope).map_err(|_| outcome(&got));
            let events = events_after(app, before).await;
            let reads: Vec<_> = events
                .iter()
                .filter(|e| e.action == "profile.read")
                .map(|e| (e.outcome, e.access_mode.clone().unwrap_or_default()))
                .collect();
            if got_scope != expected || reads != vec![(audited, mode.to_owned())] {
                failures.push(format!("{name}: got {got_scope:?}, audited {reads:?}"));
            }
        }
        assert!(
            failures.is_empty(),
            "failing cases:\n{}",
            failures.join("\n")
        );

        // Break-glass: the emergency sections only, emergency first.
        app.open_emergency_access(
            &regulator,
            &pid,
            false,
            "Patiente inconsciente amenée aux urgences",
            None,
            now,
        )
        .await
        .unwrap();
        let p = app
            .health_profile(&regulator, &pid, None, now)
            .await
            .unwrap();
        assert_eq!(p.scope, ProfileScope::Emergency);
        assert_eq!(
            sections(&p),
            [
                (Section::Allergies, 1),
                (Section::Treatments, 0),
                (Section::Conditions, 0),
                (Section::Contacts, 1),
                (Section::OrganDonation, 1),
                (Section::AdvanceDirectives, 0),
            ]
        );
        assert_eq!(p.may_add, [Section::Vaccinations, Section::Measurements]);
        let read = events_of(app, "profile.read").await;
        let last = read.last().unwrap();
        assert_eq!(last.access_mode.as_deref(), Some("break_glass"));
        assert_eq!(last.detail["scope"], "emergency");
        assert_eq!(last.detail["entries"], 3);
        assert_eq!(last.rule.as_deref(), Some("profile.access"));

        // The patient's history names both reads, in words.
        let marie = actor(app, PATIENT, now).await;
        let page = app
            .record_history(
                &marie,
                &pid,
                &HistoryFilter::default(),
                PageRequest::default(),
                None,
                at(HOUR + MINUTE),
            )
            .await
            .unwrap();
        let text: Vec<&str> = page.entries.iter().map(|e| e.text.as_str()).collect();
        let has = |needle: &str| text.iter().any(|t| t.contains(needle));
        assert!(has("a consulté le profil médical de votre dossier (accès en tant que membre de l'équipe de soins)"), "{text:#?}");
        assert!(has("a consulté les informations d'urgence du profil médical de votre dossier (accès en urgence par bris de glace"), "{text:#?}");

        // Blocked: nothing any more.
        app.block_professional(&marie, &pid, &account_id(app, DOCTOR).await, None, now)
            .await
            .unwrap();
        let blocked = app.health_profile(&doctor, &pid, None, now).await;
        assert_eq!(outcome(&blocked), "not_found");
        assert_chain_intact(app).await;
    });
}

#[test]
fn professionals_add_vaccinations_and_measurements_and_remove_only_theirs() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let pid = mds_demo::patient_id(app).await.unwrap().unwrap();
        fill(app, &pid).await;
        let now = at(HOUR);
        let doctor = actor(app, DOCTOR, now).await;
        let pressure = Entry::Measurement {
            quantity: Quantity::BloodPressure,
            value: 132.0,
            second: Some(84.0),
            on: day("2026-09-01"),
        };
        let added = app
            .add_profile_entry(&doctor, &pid, pressure, None, now)
            .await
            .unwrap();
        assert!(added.by_professional && added.mine);
        assert_eq!(added.author_name, doctor.display_name);

        let refused = app
            .add_profile_entry(&doctor, &pid, allergy(), None, now)
            .await;
        assert_eq!(outcome(&refused), "access_denied");
        let nurse = actor(app, NURSE, now).await;
        let outsider = app
            .add_profile_entry(&nurse, &pid, weight(70.0, "2026-09-01"), None, now)
            .await;
        assert_eq!(outcome(&outsider), "not_found");

        let marie = actor(app, PATIENT, now).await;
        let p = app.health_profile(&marie, &pid, None, now).await.unwrap();
        let theirs = p.section(Section::Allergies).unwrap().entries[0].id.clone();
        let mine = app
            .remove_profile_entry(&doctor, &pid, &theirs, None, now)
            .await;
        assert_eq!(outcome(&mine), "access_denied");
        app.remove_profile_entry(&doctor, &pid, &added.id, None, now)
            .await
            .unwrap();
        // The patient removes what she wrote; an entry that is gone is not found.
        app.remove_profile_entry(&marie, &pid, &theirs, None, now)
            .await
            .unwrap();
        let again = app
            .remove_profile_entry(&marie, &pid, &theirs, None, now)
            .await;
        assert_eq!(outcome(&again), "not_found");

        let audited: Vec<(String, Outcome)> = events_after(app, 0)
            .await
            .into_iter()
            .filter(|e| e.action.starts_with("profile.") && e.action != "profile.read")
            .filter(|e| {
                e.actor_id.as_deref() != Some(marie.account_id.as_str()) || e.at_ms >= now.millis()
            })
            .map(|e| (e.action, e.outcome))
            .collect();
        assert_eq!(
            audited,
            [
                ("profile.add".to_owned(), Outcome::Permit),
                ("profile.add".to_owned(), Outcome::Deny),
                ("profile.add".to_owned(), Outcome::Deny),
                ("profile.remove".to_owned(), Outcome::Deny),
                ("profile.remove".to_owned(), Outcome::Permit),
                ("profile.remove".to_owned(), Outcome::Permit),
                ("profile.remove".to_owned(), Outcome::Deny),
            ]
        );
        assert_chain_intact(app).await;
    });
}

#[test]
fn the_export_carries_the_profile_and_erasure_removes_it() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let pid = mds_demo::patient_id(app).await.unwrap().unwrap();
        fill(app, &pid).await;
        let marie = actor(app, PATIENT, at(HOUR)).await;
        let zip = app.export_own_record(&marie, at(HOUR)).await.unwrap();
        let files = crate::export_index::unzip(zip);
        let profile: serde_json::Value = serde_json::from_slice(&files["profile.json"]).unwrap();
        let allergies = &profile["sections"][0];
        assert_eq!(allergies["section"], "allergies");
        assert_eq!(allergies["entries"][0]["entry"]["substance"], "Pénicilline");
        let index = String::from_utf8(files["index.html"].clone()).unwrap();
        assert!(index.contains("<h2>Profil médical</h2>"), "{index}");
        assert!(index.contains("Poids : 70,2 kg, le 01/07/2026"), "{index}");
        let manifest = String::from_utf8(files["manifest.json"].clone()).unwrap();
        assert!(manifest.contains("\"profile.json\""));
        assert!(count(app, "profile_entries").await > 0);

        // Erasure takes the profile with the record.
        let support = actor(app, SUPPORT, at(HOUR)).await;
        app.request_erasure_for_patient(
            &support,
            &pid,
            "Demande écrite reçue le 1er décembre",
            at(HOUR),
        )
        .await
        .unwrap();
        let report = app.run_retention(at(2 * HOUR)).await.unwrap();
        assert_eq!(report.erased, 1);
        assert_eq!(count(app, "profile_entries").await, 0);
    });
}
