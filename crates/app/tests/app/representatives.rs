//! Issue 15, item 5 — legal representatives: support records Céline as the guardian of Joseph
//! (an inactive record, without an account) on a sealed legal document; Céline then acts on
//! Joseph's record with the patient's rights, everything audited with the mode
//! `representative` and worded « son représentant légal »; she is told of what happens on it;
//! anyone else is answered as if the record did not exist; the representation stops at its
//! last day and when support ends it. Both backends.

use mds_app::information::history::{HistoryFilter, PageRequest};
use mds_app::patients::representatives::RepresentationInput;
use mds_app::record::documents::DocumentQuery;
use mds_domain::{PatientId, RepresentationKind, Timestamp};
use mds_testkit::app::*;

/// `JJ/MM/AAAA` of the day in Nouméa `days` after `at(0)`.
fn day_after(days: i64) -> String {
    let d = at(days * DAY).noumea_date().unwrap();
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

fn input<'a>(
    login: &'a str,
    kind: RepresentationKind,
    last_day: &'a str,
) -> RepresentationInput<'a> {
    RepresentationInput {
        login,
        kind,
        last_day,
        reference: "Demande 2026-118, jugement de tutelle du tribunal de Nouméa",
        document: mds_testkit::files::PDF,
    }
}

async fn documents(
    f: &Fixture,
    who: &mds_app::Actor,
    pid: &PatientId,
    now: Timestamp,
) -> Result<i64, &'static str> {
    f.app
        .list_documents(who, pid, DocumentQuery::default(), None, now)
        .await
        .map(|p| i64::try_from(p.total).unwrap_or(i64::MAX))
        .map_err(|e| outcome(&Err::<(), _>(e)))
}

#[test]
fn a_guardian_acts_on_the_record_with_the_patients_rights_until_the_end() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let celine = actor(&f.app, OTHER_PATIENT, at(0)).await;
        let marie = actor(&f.app, PATIENT, at(0)).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let joseph = patient_id_by_cafat(&f.app, JOSEPH_CAFAT).await;
        let before = last_seq(&f.app).await;

        // Before: Céline is nobody to Joseph's record.
        assert_eq!(
            documents(&f, &celine, &joseph, at(MINUTE)).await,
            Err("not_found"),
            "{backend:?}"
        );

        let last_day = day_after(10);
        let view = f
            .app
            .record_representation(
                &support,
                &joseph,
                input(OTHER_PATIENT, RepresentationKind::Guardian, &last_day),
                None,
                at(2 * MINUTE),
            )
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: {e:?}"));
        assert!(
            view.current && view.last_day == last_day,
            "{backend:?}: {view:?}"
        );
        // Her list of represented people, then acting for Joseph.
        let people = f
            .app
            .represented_records(&celine, at(3 * MINUTE))
            .await
            .unwrap();
        assert_eq!(people.len(), 1, "{backend:?}");
        assert_eq!(people[0].patient_id, joseph);
        assert_eq!(people[0].name, "Joseph Poigoune", "{backend:?}");
        let total = documents(&f, &celine, &joseph, at(4 * MINUTE))
            .await
            .unwrap();
        assert!(total > 0, "{backend:?}: she sees his documents");
        // The patient's rights, not more: a document hidden from the patient stays hidden, she
        // manages the emergency settings like him.
        let choices = mds_app::record::emergency::EmergencyChoices {
            oppose_break_glass: true,
            oppose_samu: false,
        };
        f.app
            .set_emergency_settings(&celine, &joseph, choices, None, at(5 * MINUTE))
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: {e:?}"));
        // Anyone else: as if the record did not exist.
        assert_eq!(
            documents(&f, &marie, &joseph, at(6 * MINUTE)).await,
            Err("not_found"),
            "{backend:?}"
        );

        // A professional's access is told to her, naming Joseph in the portal.
        f.app
            .list_documents(
                &doctor,
                &joseph,
                DocumentQuery::default(),
                None,
                at(7 * MINUTE),
            )
            .await
            .unwrap();
        let inbox = f.app.notifications(&celine, false, 50, 0).await.unwrap();
        assert!(
            inbox.items.iter().any(|n| n
                .text
                .starts_with("Dossier de Joseph Poigoune, que vous représentez :")
                && n.kind == "first_access"),
            "{backend:?}: {:?}",
            inbox.items.iter().map(|n| &n.text).collect::<Vec<_>>()
        );
        assert!(
            inbox.items.iter().any(|n| n.kind == "representation"),
            "{backend:?}: she was told of the representation"
        );

        // The audit: her events carry the mode, the history words them.
        let events = events_after(&f.app, before).await;
        let search = events
            .iter()
            .find(|e| {
                e.action == "document.search"
                    && e.actor_id.as_deref() == Some(celine.account_id.as_str())
                    && e.outcome == mds_audit::Outcome::Permit
            })
            .expect("her search is audited");
        assert_eq!(
            search.access_mode.as_deref(),
            Some("representative"),
            "{backend:?}"
        );
        assert_eq!(search.patient_id.as_deref(), Some(joseph.as_str()));
        let recorded = events
            .iter()
            .find(|e| e.action == "representation.record")
            .unwrap();
        assert_eq!(
            recorded.actor_id.as_deref(),
            Some(support.account_id.as_str())
        );
        assert_eq!(
            recorded.detail["request"],
            "Demande 2026-118, jugement de tutelle du tribunal de Nouméa"
        );
        let stored = stored_events_after(&f.app, before).await;
        let recorded = stored
            .iter()
            .find(|e| e.action == "representation.record")
            .unwrap();
        assert!(
            recorded.detail.to_string().contains("\"sealed\"")
                && !recorded.detail.to_string().contains("tutelle"),
            "{backend:?}: the request's reference is sealed: {}",
            recorded.detail
        );
        let history = f
            .app
            .record_history(
                &celine,
                &joseph,
                &HistoryFilter::default(),
                PageRequest::default(),
                None,
                at(8 * MINUTE),
            )
            .await
            .unwrap();
        assert!(
            history.entries.iter().any(|e| e.text.contains("Vous avez")),
            "{backend:?}: her own events read « Vous »: {:?}",
            history.entries.iter().map(|e| &e.text).collect::<Vec<_>>()
        );

        // The last day passed: refused with its own rule, answered as not found.
        let after_end = at(12 * DAY);
        assert_eq!(
            documents(&f, &celine, &joseph, after_end).await,
            Err("not_found"),
            "{backend:?}"
        );
        let denial = events_after(&f.app, before)
            .await
            .into_iter()
            .rev()
            .find(|e| {
                e.actor_id.as_deref() == Some(celine.account_id.as_str())
                    && e.outcome == mds_audit::Outcome::Deny
            })
            .unwrap();
        assert_eq!(
            denial.rule.as_deref(),
            Some("representation.ended"),
            "{backend:?}"
        );
        assert!(f
            .app
            .represented_records(&celine, after_end)
            .await
            .unwrap()
            .is_empty());
        assert_chain_intact(&f.app).await;
    });
}

#[test]
fn support_ends_a_representation_and_the_session_goes_back_to_its_own_record() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let joseph = patient_id_by_cafat(&f.app, JOSEPH_CAFAT).await;
        let last_day = day_after(30);
        let view = f
            .app
            .record_representation(
                &support,
                &joseph,
                input(OTHER_PATIENT, RepresentationKind::Curator, &last_day),
                None,
                at(MINUTE),
            )
            .await
            .unwrap();
        let session = sign_in(&f.app, OTHER_PATIENT, at(2 * MINUTE)).await;
        let celine = session.actor.clone();
        f.app
            .act_for(&celine, Some(&joseph), None, at(3 * MINUTE))
            .await
            .unwrap();
        // The session now works on Joseph's record (read again with the session).
        let acting = f
            .app
            .authenticate(&session.token, at(4 * MINUTE))
            .await
            .unwrap();
        let record = f.app.portal_record(&acting, at(4 * MINUTE)).await.unwrap();
        assert_eq!(record.patient_id, joseph, "{backend:?}");
        assert_eq!(record.acting_for.as_deref(), Some("Joseph Poigoune"));

        // A second running representation of the same pair is refused.
        let again = f
            .app
            .record_representation(
                &support,
                &joseph,
                input(OTHER_PATIENT, RepresentationKind::Curator, &last_day),
                None,
                at(5 * MINUTE),
            )
            .await;
        assert_eq!(outcome(&again), "representation_exists", "{backend:?}");

        f.app
            .end_representation(&support, &joseph, &view.id, None, at(6 * MINUTE))
            .await
            .unwrap();
        let ended = f
            .app
            .end_representation(&support, &joseph, &view.id, None, at(7 * MINUTE))
            .await;
        assert_eq!(outcome(&ended), "representation_ended", "{backend:?}");
        let acting = f
            .app
            .authenticate(&session.token, at(8 * MINUTE))
            .await
            .unwrap();
        assert_eq!(
            acting.acting_for, None,
            "{backend:?}: the session was sent back"
        );
        let record = f.app.portal_record(&acting, at(8 * MINUTE)).await.unwrap();
        assert_ne!(record.patient_id, joseph);
        assert_eq!(
            documents(&f, &celine, &joseph, at(9 * MINUTE)).await,
            Err("not_found")
        );
        let listed = f
            .app
            .representations(&support, &joseph, at(10 * MINUTE))
            .await
            .unwrap();
        assert_eq!(listed.len(), 1);
        assert!(
            !listed[0].current && listed[0].ended_at.is_some(),
            "{backend:?}: kept, ended"
        );
        // Acting for a record one does not represent: not found, audited as a denial.
        let refused = f
            .app
            .act_for(&acting, Some(&joseph), None, at(11 * MINUTE))
            .await;
        assert_eq!(outcome(&refused), "not_found", "{backend:?}");
    });
}

#[test]
fn recording_refuses_what_the_law_and_the_record_do_not_allow() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let marie = actor(&f.app, PATIENT, at(0)).await;
        let joseph = patient_id_by_cafat(&f.app, JOSEPH_CAFAT).await;
        let marie_record = patient_id_by_cafat(&f.app, MARIE_CAFAT).await;
        let soon = day_after(10);
        let past = day_after(-2);
        let far = day_after(21 * 365);
        let record =
            |login: &'static str, kind, last: String, pid: PatientId, doc: &'static [u8]| {
                let app = f.app.clone();
                let support = support.clone();
                async move {
                    let i = RepresentationInput {
                        document: doc,
                        ..input(login, kind, &last)
                    };
                    outcome(
                        &app.record_representation(&support, &pid, i, None, at(MINUTE))
                            .await,
                    )
                }
            };
        use RepresentationKind::{Curator, Guardian, Parent};
        let pdf = mds_testkit::files::PDF;
        let cases: Vec<(&str, &str, &str)> = vec![
            (
                "a parent for an adult",
                record(OTHER_PATIENT, Parent, soon.clone(), joseph.clone(), pdf).await,
                "representation_parent_of_adult",
            ),
            (
                "a last day in the past",
                record(OTHER_PATIENT, Guardian, past, joseph.clone(), pdf).await,
                "representation_end_past",
            ),
            (
                "beyond twenty years",
                record(OTHER_PATIENT, Curator, far, joseph.clone(), pdf).await,
                "representation_too_long",
            ),
            (
                "an unreadable last day",
                record(
                    OTHER_PATIENT,
                    Curator,
                    "bientôt".to_owned(),
                    joseph.clone(),
                    pdf,
                )
                .await,
                "representation_end_invalid",
            ),
            (
                "an unknown login",
                record(
                    "personne@demo.mds.nc",
                    Curator,
                    soon.clone(),
                    joseph.clone(),
                    pdf,
                )
                .await,
                "representative_unknown",
            ),
            (
                "a professional's login",
                record(DOCTOR, Curator, soon.clone(), joseph.clone(), pdf).await,
                "representative_unknown",
            ),
            (
                "oneself",
                record(PATIENT, Curator, soon.clone(), marie_record.clone(), pdf).await,
                "representative_is_holder",
            ),
            (
                "a document that is not a PDF or an image",
                record(
                    OTHER_PATIENT,
                    Curator,
                    soon.clone(),
                    joseph.clone(),
                    b"just text",
                )
                .await,
                "unsupported_format",
            ),
        ];
        let failing: Vec<String> = cases
            .iter()
            .filter(|(_, got, want)| got != want)
            .map(|(name, got, want)| format!("{name}: got {got}, want {want}"))
            .collect();
        assert!(failing.is_empty(), "{backend:?}: {failing:?}");
        // Only support records one.
        let by_patient = f
            .app
            .record_representation(
                &marie,
                &joseph,
                input(OTHER_PATIENT, Curator, &soon),
                None,
                at(MINUTE),
            )
            .await;
        assert_eq!(outcome(&by_patient), "forbidden", "{backend:?}");
        assert_eq!(
            count(&f.app, "representations").await,
            0,
            "{backend:?}: nothing stored"
        );
        // The record's state: a closed record, or a person who died, gets no representative.
        f.app
            .record_death(&support, &joseph, "2026-09-01", at(2 * MINUTE))
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: {e:?}"));
        assert_eq!(
            record(OTHER_PATIENT, Curator, soon, joseph.clone(), pdf).await,
            "patient_deceased",
            "{backend:?}"
        );
    });
}
