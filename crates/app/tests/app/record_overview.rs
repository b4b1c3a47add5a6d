//! The record as the professional portal opens it (`App::record_overview`), as a decision
//! table on Marie Wéa's demo record: the access mode, whether listing is permitted, the
//! documents, and the next steps offered. Each opening is one audited decision. Both backends.
#![allow(clippy::unwrap_used)]

use mds_app::record::documents::DocumentQuery;
use mds_app::record::overview::NextSteps;
use mds_app::AppError;
use mds_domain::PatientId;
use mds_testkit::app::*;
use mds_testkit::typed;

struct Case {
    name: &'static str,
    login: &'static str,
    mode: &'static str,
    permitted: bool,
    next: NextSteps,
}

const fn next(
    add_document: bool,
    request_consent: bool,
    break_glass: bool,
    samu: bool,
) -> NextSteps {
    NextSteps {
        add_document,
        request_consent,
        break_glass,
        samu,
    }
}

const CASES: &[Case] = &[
    Case {
        name: "care team doctor reads, nothing to ask",
        login: DOCTOR,
        mode: "care_team",
        permitted: true,
        next: next(true, false, false, false),
    },
    Case {
        name: "midwife outside the team may ask consent or break the glass",
        login: "sf.gope@demo.mds.nc",
        mode: "no_access",
        permitted: false,
        next: next(true, true, true, false),
    },
    Case {
        name: "SAMU regulator is also offered the regulation access",
        login: REGULATOR,
        mode: "no_access",
        permitted: false,
        next: next(true, true, true, true),
    },
    Case {
        name: "psychologist (medico-social) never uses emergency access",
        login: "psy.hnawia@demo.mds.nc",
        mode: "no_access",
        permitted: false,
        next: next(true, true, false, false),
    },
    Case {
        name: "assistant adds for the doctor, never reads",
        login: ASSISTANT,
        mode: "care_team",
        permitted: false,
        next: next(true, false, false, false),
    },
];

#[test]
fn the_record_view_follows_the_decision() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let pid = mds_demo::patient_id(app).await.unwrap().unwrap();
        let mut failures = Vec::new();
        for c in CASES {
            // Each account signs in once: a TOTP step is accepted once.
            let actor = actor(app, c.login, at(0)).await;
            let before = last_seq(app).await;
            let o = app
                .record_overview(&actor, &pid, DocumentQuery::default(), None, at(MINUTE))
                .await
                .unwrap();
            let got = (
                o.access.mode.as_str(),
                o.access.permitted,
                o.documents.is_some(),
                o.next,
            );
            let want = (c.mode, c.permitted, c.permitted, c.next);
            if got != want {
                failures.push(format!("{}: got {got:?}, want {want:?}", c.name));
            }
            if o.patient.birth_name != "Wéa"
                || o.access.explanation.is_empty()
                || o.access.rule.is_empty()
            {
                failures.push(format!(
                    "{}: identity or explanation missing: {o:?}",
                    c.name
                ));
            }
            let opened: Vec<_> = events_after(app, before)
                .await
                .into_iter()
                .filter(|e| e.action == "record.open")
                .collect();
            let audited = opened.len() == 1
                && opened[0].access_mode.as_deref() == Some(c.mode)
                && opened[0].rule.as_deref() == Some(o.access.rule.as_str());
            if !audited {
                failures.push(format!(
                    "{}: record.open not audited once with mode and rule: {opened:?}",
                    c.name
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "failing cases:\n{}",
            failures.join("\n")
        );
        // The patient and support have no such view; an unknown record is not found.
        for login in [PATIENT, SUPPORT] {
            let a = actor(app, login, at(0)).await;
            let r = app
                .record_overview(&a, &pid, DocumentQuery::default(), None, at(MINUTE))
                .await;
            assert!(matches!(r, Err(AppError::NotFound)), "{login}: {r:?}");
        }
        let doctor = actor(app, DOCTOR, at(2 * STEP)).await;
        let r = app
            .record_overview(
                &doctor,
                &typed::<PatientId>("00000000-0000-4000-8000-000000000000"),
                DocumentQuery::default(),
                None,
                at(MINUTE),
            )
            .await;
        assert!(matches!(r, Err(AppError::NotFound)), "{r:?}");
        assert_chain_intact(app).await;
    });
}

#[test]
fn the_record_view_says_whether_the_patient_opposes_feeding() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let pid = mds_demo::patient_id(app).await.unwrap().unwrap();
        let doctor = actor(app, DOCTOR, at(0)).await;
        let assistant = actor(app, ASSISTANT, at(0)).await;
        let open = |a| app.record_overview(a, &pid, DocumentQuery::default(), None, at(MINUTE));
        let o = open(&doctor).await.unwrap();
        assert_eq!(
            (o.feeding_opposed, o.next.add_document),
            (Some(false), true)
        );
        app.record_feeding_opposition(&doctor, &pid, None, at(MINUTE))
            .await
            .unwrap();
        let o = open(&doctor).await.unwrap();
        assert_eq!(
            (o.feeding_opposed, o.next.add_document),
            (Some(true), false)
        );
        // The assistant acts for the doctor but never manages the opposition.
        let o = open(&assistant).await.unwrap();
        assert_eq!(o.feeding_opposed, None);
        app.lift_feeding_opposition(&doctor, &pid, None, at(MINUTE))
            .await
            .unwrap();
        let o = open(&doctor).await.unwrap();
        assert_eq!(
            (o.feeding_opposed, o.next.add_document),
            (Some(false), true)
        );
        assert_chain_intact(app).await;
    });
}
