//! The patient's reads of their own record settings (`App::emergency_settings`,
//! `App::blocked_professionals`): a decision table of who may read them on Céline's demo
//! record, then the reads following the changes (emergency settings, block, unblock), each
//! read audited with its decision. Both backends.
#![allow(clippy::unwrap_used)]

use mds_app::record::emergency::EmergencyChoices;
use mds_audit::Outcome;
use mds_domain::AccountId;
use mds_testkit::app::*;
use mds_testkit::typed;

const CELINE: &str = "celine.dk@demo.mds.nc";

struct Case {
    name: &'static str,
    login: &'static str,
    /// Read someone else's record (Marie's) instead of Céline's.
    other_record: bool,
    expected: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "the patient reads her own settings",
        login: CELINE,
        other_record: false,
        expected: "ok",
    },
    Case {
        name: "a patient never reads another patient's settings, nor learns it exists",
        login: CELINE,
        other_record: true,
        expected: "not_found",
    },
    Case {
        name: "the care team's midwife may not read them",
        login: MIDWIFE,
        other_record: false,
        expected: "access_denied",
    },
    Case {
        name: "support may not read them",
        login: SUPPORT,
        other_record: false,
        expected: "access_denied",
    },
    Case {
        name: "an assistant may not read them",
        login: ASSISTANT,
        other_record: false,
        expected: "not_found",
    },
];

#[test]
fn only_the_patient_reads_her_settings_and_every_read_is_audited() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let now = at(0);
        let celine = actor(app, CELINE, now).await;
        let celine_pid = app.my_record(&celine).await.unwrap().patient_id;
        let marie_pid = mds_demo::patient_id(app).await.unwrap().unwrap();
        let mut failures = Vec::new();
        for c in CASES {
            let who = if c.login == CELINE {
                celine.clone()
            } else {
                actor(app, c.login, now).await
            };
            let pid = if c.other_record {
                &marie_pid
            } else {
                &celine_pid
            };
            let before = last_seq(app).await;
            let settings = app.emergency_settings(&who, pid, None, now).await;
            let blocked = app.blocked_professionals(&who, pid, None, now).await;
            let events = events_after(app, before).await;
            let got = (outcome(&settings), outcome(&blocked));
            let expected_outcome = if c.expected == "ok" {
                Outcome::Permit
            } else {
                Outcome::Deny
            };
            let audited: Vec<_> = events
                .iter()
                .map(|e| (e.action.as_str(), e.outcome))
                .collect();
            let want = vec![
                ("record.emergency_settings.read", expected_outcome),
                ("record.blocks.read", expected_outcome),
            ];
            if got != (c.expected, c.expected) || audited != want {
                failures.push(format!("{}: got {got:?}, audited {audited:?}", c.name));
            }
        }
        assert!(
            failures.is_empty(),
            "failing cases:\n{}",
            failures.join("\n")
        );
        assert_chain_intact(app).await;
    });
}

#[test]
fn the_reads_follow_the_changes() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let celine = actor(app, CELINE, at(0)).await;
        let pid = app.my_record(&celine).await.unwrap().patient_id;

        // Never chose: both emergency accesses accepted; nobody blocked.
        let s = app
            .emergency_settings(&celine, &pid, None, at(1))
            .await
            .unwrap();
        assert_eq!(
            s,
            EmergencyChoices {
                oppose_break_glass: false,
                oppose_samu: false
            }
        );
        assert!(app
            .blocked_professionals(&celine, &pid, None, at(1))
            .await
            .unwrap()
            .is_empty());

        let choice = EmergencyChoices {
            oppose_break_glass: true,
            oppose_samu: false,
        };
        app.set_emergency_settings(&celine, &pid, choice, None, at(2))
            .await
            .unwrap();
        assert_eq!(
            app.emergency_settings(&celine, &pid, None, at(3))
                .await
                .unwrap(),
            choice
        );

        let doctor = account_id(app, DOCTOR).await;
        let nurse = account_id(app, "inf.kaloi@demo.mds.nc").await;
        app.block_professional(&celine, &pid, &nurse, None, at(MINUTE))
            .await
            .unwrap();
        app.block_professional(&celine, &pid, &doctor, None, at(2 * MINUTE))
            .await
            .unwrap();
        let blocked = app
            .blocked_professionals(&celine, &pid, None, at(3 * MINUTE))
            .await
            .unwrap();
        let seen: Vec<_> = blocked
            .iter()
            .map(|b| {
                let profession = b.profession.map_or("", |p| p.slug());
                (b.name.as_str(), profession, b.blocked_at_ms)
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                ("Paul Kaloï", "infirmier", T0 + MINUTE),
                ("Jean Néa", "medecin", T0 + 2 * MINUTE),
            ],
            "oldest block first, with names from the directory"
        );

        app.unblock_professional(&celine, &pid, &nurse, None, at(4 * MINUTE))
            .await
            .unwrap();
        let left = app
            .blocked_professionals(&celine, &pid, None, at(5 * MINUTE))
            .await
            .unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].professional_account_id, doctor);

        // A suspended professional can still be unblocked (the block outlives the suspension).
        let support = actor(app, "support@demo.mds.nc", at(0)).await;
        app.set_suspended(&support, &doctor, true, "enquête", at(4 * MINUTE))
            .await
            .unwrap();
        app.unblock_professional(&celine, &pid, &doctor, None, at(5 * MINUTE))
            .await
            .unwrap();
        assert!(app
            .blocked_professionals(&celine, &pid, None, at(5 * MINUTE))
            .await
            .unwrap()
            .is_empty());
        let unknown = app
            .unblock_professional(
                &celine,
                &pid,
                &typed::<AccountId>("not-an-account"),
                None,
                at(5 * MINUTE),
            )
            .await;
        assert_eq!(outcome(&unknown), "unknown_professional");

        // Closed: the record's settings are no longer read through the portal account.
        app.close_own_record(&celine, true, at(6 * MINUTE))
            .await
            .unwrap();
        let after = app
            .emergency_settings(&celine, &pid, None, at(7 * MINUTE))
            .await;
        assert_ne!(outcome(&after), "ok", "closed record");
        assert_chain_intact(app).await;
    });
}
