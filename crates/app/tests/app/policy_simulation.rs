//! Issue 17, item 5 — policy as data. Every decision event carries the stamps of the matrices
//! that took it; `simulate_policy` replays a scripted month of the real audit under a candidate
//! and reports exactly the decisions the candidate turns (permit ↔ denial), nothing outside
//! the period, nothing it cannot reproduce. Both backends, fixed clock.

use mds_app::operator::policy_simulation::Simulation;
use mds_app::record::consent::ConsentAnswer;
use mds_app::record::documents::{DocumentQuery, NewDocument};
use mds_app::{Actor, App};
use mds_domain::{DocumentId, PatientId, Timestamp};
use mds_policy::{Policy, PolicySettings, EMBEDDED_ACCESS_MATRIX, EMBEDDED_HABILITATION};
use mds_testkit::app::*;
use std::collections::BTreeSet;

/// The ids of the decision events recorded since `seq`.
async fn decisions_since(app: &App, seq: i64) -> Vec<String> {
    events_after(app, seq)
        .await
        .into_iter()
        .filter(|e| e.rule.is_some() && e.detail.get("policy").is_some())
        .map(|e| e.id)
        .collect()
}

fn document(type_code: &str, title: &str) -> NewDocument {
    NewDocument {
        type_code: type_code.to_owned(),
        title: title.to_owned(),
        act_date: "2026-11-20".to_owned(),
        confirms_patient_informed: true,
        visible_to_patient_now: true,
        content: format!("{title}.").into_bytes(),
        ..NewDocument::default()
    }
}

struct Month<'a> {
    app: &'a App,
    patient: Actor,
    marie: PatientId,
    psychologist: Actor,
}

impl Month<'_> {
    async fn consent(&self, t: Timestamp) {
        let asked = self
            .app
            .request_consent(&self.psychologist, &self.marie, "Suivi", false, None, t)
            .await
            .unwrap();
        self.app
            .answer_consent(
                &self.patient,
                &self.marie,
                &asked.id,
                ConsentAnswer::Approve,
                None,
                t,
            )
            .await
            .unwrap();
    }

    /// `pro` opens `doc` at `t`; the ids of the decisions it recorded.
    async fn read(&self, pro: &Actor, doc: &DocumentId, t: Timestamp) -> Vec<String> {
        let seq = last_seq(self.app).await;
        let _ = self
            .app
            .document_metadata(pro, &self.marie, doc, None, t)
            .await;
        decisions_since(self.app, seq).await
    }

    async fn list(&self, pro: &Actor, t: Timestamp) -> Vec<String> {
        let seq = last_seq(self.app).await;
        let q = DocumentQuery {
            limit: 50,
            ..DocumentQuery::default()
        };
        let _ = self.app.list_documents(pro, &self.marie, q, None, t).await;
        decisions_since(self.app, seq).await
    }
}

/// The shipped matrix with `read` and `list` by consent, break-glass and SAMU narrowed to the
/// depositor (consent alone would break "losing an access never widens").
fn narrowed(version: &str) -> String {
    EMBEDDED_ACCESS_MATRIX
        .replace("# version: mds-2026.1", &format!("# version: {version}"))
        .replace(
            "read,unless_hidden_from_patient,unless_confidential_and_not_depositor,unless_confidential_and_not_depositor,unless_confidential_and_not_depositor,unless_confidential_and_not_depositor,if_depositor,no",
            "read,unless_hidden_from_patient,unless_confidential_and_not_depositor,if_depositor,if_depositor,if_depositor,if_depositor,no",
        )
        .replace(
            "list,unless_hidden_from_patient,unless_confidential_and_not_depositor,unless_confidential_and_not_depositor,unless_confidential_and_not_depositor,unless_confidential_and_not_depositor,no,no",
            "list,unless_hidden_from_patient,unless_confidential_and_not_depositor,if_depositor,if_depositor,if_depositor,no,no",
        )
}

fn candidate(matrix: &str, habilitation: &str) -> Policy {
    Policy::load(matrix, habilitation, PolicySettings::default()).unwrap()
}

fn changed(report: &Simulation) -> BTreeSet<String> {
    report.changed.iter().map(|c| c.id.clone()).collect()
}

#[test]
fn a_scripted_month_replayed_under_candidates_reports_exactly_the_changed_decisions() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let day = |d: i64| at(d * DAY + HOUR);
        let t0 = day(0);
        let marie = patient_id_by_cafat(app, MARIE_CAFAT).await;
        let m = Month {
            app,
            patient: actor(app, PATIENT, t0).await,
            marie: marie.clone(),
            psychologist: actor(app, PSYCHOLOGIST, t0).await,
        };
        let doctor = actor(app, DOCTOR, t0).await;
        let pharmacist = actor(app, PHARMACIST, t0).await;
        // The doctor's discharge letter (open to psychologists) and consultation report (not).
        let letter = app
            .add_document(
                &doctor,
                &marie,
                document("11490-0", "Lettre de sortie"),
                None,
                t0,
            )
            .await
            .unwrap()
            .id;
        let report = app
            .add_document(
                &doctor,
                &marie,
                document("11488-4", "Consultation"),
                None,
                t0,
            )
            .await
            .unwrap()
            .id;

        // What the candidates must turn: the psychologist's consented reads of the doctor's
        // letter. Their consented list stays allowed under the narrowed matrix (a list is
        // allowed unless its cell is `no`; what it shows is filtered document by document,
        // which the audit does not record): same outcome, another rule.
        let mut letter_reads = Vec::new();
        m.consent(day(1)).await;
        letter_reads.extend(m.read(&m.psychologist, &letter, day(1)).await);
        let lists = m.list(&m.psychologist, day(1)).await;
        // Unchanged by both: refused by the habilitation first; the psychologist's own
        // deposit; the care team; no access; an expired consent.
        m.read(&m.psychologist, &report, day(1)).await;
        let own = app
            .add_document(
                &m.psychologist,
                &marie,
                document("68599-0", "Bilan"),
                None,
                day(1),
            )
            .await
            .unwrap()
            .id;
        m.read(&m.psychologist, &own, day(1)).await;
        m.read(&doctor, &letter, day(2)).await;
        m.read(&pharmacist, &letter, day(2)).await;
        m.read(&m.psychologist, &letter, day(3)).await;
        // Decisions whose use case writes its own detail keep their stamps too: the patient
        // masks the report, the doctor deletes it.
        app.set_document_masked(&m.patient, &marie, &report, true, None, day(4))
            .await
            .unwrap();
        app.delete_document(&doctor, &marie, &report, None, day(4))
            .await
            .unwrap();
        m.consent(day(20)).await;
        letter_reads.extend(m.read(&m.psychologist, &letter, day(20)).await);
        // After the period: never reported.
        m.consent(day(31)).await;
        m.read(&m.psychologist, &letter, day(31)).await;
        assert_eq!((letter_reads.len(), lists.len()), (2, 1), "{backend:?}");

        // Every decision carries the stamps of the policy in force.
        let stamps = serde_json::json!({
            "matrix": app.policy().sources.matrix.stamp(),
            "habilitation": app.policy().sources.habilitation.stamp(),
        });
        let read_event = events_of(app, "document.read_metadata").await;
        assert!(!read_event.is_empty());
        for e in &read_event {
            assert_eq!(e.detail["policy"], stamps, "{backend:?}: {e:?}");
        }
        assert!(stamps["matrix"]
            .as_str()
            .unwrap()
            .starts_with("mds-2026.1@"));

        let month = (at(0), at(30 * DAY));
        let simulate = |policy: Policy| async move {
            app.simulate_policy(&policy, month.0, month.1, day(40))
                .await
                .unwrap()
        };
        let by_matrix = simulate(candidate(
            &narrowed("candidate-consent"),
            EMBEDDED_HABILITATION,
        ))
        .await;
        let want: BTreeSet<String> = letter_reads.iter().cloned().collect();
        assert_eq!(changed(&by_matrix), want, "{backend:?}: {by_matrix:#?}");
        for c in &by_matrix.changed {
            assert!(c.before.permit && !c.after.permit, "{c:?}");
            assert_eq!(c.access_mode.as_deref(), Some("consented"));
            assert!(c.after.rule.ends_with(".if_depositor"), "{c:?}");
        }
        // Reworded: the list, the psychologist's read of their own deposit (now by
        // `if_depositor`), the read of the report (now refused by the matrix before the
        // habilitation).
        assert_eq!(by_matrix.reworded, 3, "{backend:?}: {by_matrix:#?}");

        let closed = EMBEDDED_HABILITATION
            .replace("# version: mds-2026.1", "# version: candidate-psy")
            .replace("psychologue,11490-0,default\r\n", "");
        assert_ne!(
            closed,
            EMBEDDED_HABILITATION.replace("mds-2026.1", "candidate-psy")
        );
        let by_habilitation = simulate(candidate(EMBEDDED_ACCESS_MATRIX, &closed)).await;
        let want: BTreeSet<String> = letter_reads.iter().cloned().collect();
        assert_eq!(changed(&by_habilitation), want, "{backend:?}");
        assert!(by_habilitation
            .changed
            .iter()
            .all(|c| c.after.rule == "habilitation.type_not_open"));

        // A new version of the same cells changes nothing; every decision of the month was
        // taken by the policy in force and is reproduced from what the audit recorded.
        let same = simulate(candidate(
            &EMBEDDED_ACCESS_MATRIX.replace("mds-2026.1", "mds-2026.2"),
            EMBEDDED_HABILITATION,
        ))
        .await;
        assert!(same.changed.is_empty() && same.reworded == 0, "{same:#?}");
        for e in events_after(app, 0).await {
            if e.access_mode.is_some() && e.at_ms < month.1.millis() && e.at_ms >= month.0.millis()
            {
                assert!(
                    e.detail.get("policy").is_some(),
                    "{backend:?}: unstamped {e:?}"
                );
            }
        }
        for r in [&by_matrix, &by_habilitation, &same] {
            assert_eq!(r.unstamped, 0, "{backend:?}: {r:#?}");
            assert_eq!(
                (r.earlier_policy, r.unknown_policy, r.not_reproduced),
                (0, 0, 0),
                "{backend:?}: {r:#?}"
            );
            assert!(r.unchanged > 5 && r.not_governed > 0, "{r:#?}");
            assert_eq!(r.decisions, same.decisions);
        }
        // The simulation itself is audited, with the candidate's stamps.
        let audited = events_of(app, "policy.simulate").await;
        assert_eq!(audited.len(), 3);
        assert_eq!(
            audited[2].detail["candidate"]["matrix"]
                .as_str()
                .map(|s| s.starts_with("mds-2026.2@")),
            Some(true)
        );
    });
}

/// Version 1 (shipped) is in force, then version 2 (consent narrowed to the depositor) is
/// published. A simulation replays each decision under the files it was taken by, found in
/// `policy_versions`; a decision of files never recorded is counted, not replayed.
#[test]
fn decisions_of_an_earlier_version_are_replayed_under_its_own_files() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let first = &f.app;
        let day = |d: i64| at(d * DAY + HOUR);
        first.record_policy_in_force(day(0)).await.unwrap();
        let marie = patient_id_by_cafat(first, MARIE_CAFAT).await;
        let doctor = actor(first, DOCTOR, day(0)).await;
        let letter = first
            .add_document(
                &doctor,
                &marie,
                document("11490-0", "Lettre de sortie"),
                None,
                day(0),
            )
            .await
            .unwrap()
            .id;
        let v1 = Month {
            app: first,
            patient: actor(first, PATIENT, day(0)).await,
            marie: marie.clone(),
            psychologist: actor(first, PSYCHOLOGIST, day(0)).await,
        };
        v1.consent(day(1)).await;
        let under_v1 = v1.read(&v1.psychologist, &letter, day(1)).await;

        let second = f
            .second_process()
            .with_policy(candidate(&narrowed("mds-2026.2"), EMBEDDED_HABILITATION));
        let v2 = Month { app: &second, ..v1 };
        let seq = last_seq(&second).await;
        v2.consent(day(5)).await;
        let under_v2 = v2.read(&v2.psychologist, &letter, day(5)).await;
        // Version 2's decisions a matrix governs: the read (the consent's are not governed).
        let v2_decisions = 1;
        assert_eq!((under_v1.len(), under_v2.len()), (1, 1));
        let refused = events_after(&second, seq).await;
        assert!(refused
            .iter()
            .any(|e| e.id == under_v2[0] && e.rule.as_deref() == Some("matrix.read.if_depositor")));

        // A third version with the shipped cells, simulated from an instance on version 1:
        // version 2's files were never recorded, so its decisions are counted, not replayed.
        let v3 = || {
            candidate(
                &EMBEDDED_ACCESS_MATRIX.replace("mds-2026.1", "mds-2026.3"),
                EMBEDDED_HABILITATION,
            )
        };
        let period = (at(0), at(10 * DAY));
        let r = first
            .simulate_policy(&v3(), period.0, period.1, day(9))
            .await
            .unwrap();
        assert_eq!(
            (r.unknown_policy, r.earlier_policy),
            (v2_decisions, 0),
            "{r:#?}"
        );
        assert!(r.changed.is_empty(), "{r:#?}");

        // Once version 2 is recorded, its refusal is replayed under it and turned back.
        second.record_policy_in_force(day(5)).await.unwrap();
        let r = first
            .simulate_policy(&v3(), period.0, period.1, day(9))
            .await
            .unwrap();
        assert_eq!(
            (r.unknown_policy, r.earlier_policy, r.not_reproduced),
            (0, v2_decisions, 0),
            "{r:#?}"
        );
        let changed: Vec<&str> = r.changed.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(changed, [under_v2[0].as_str()], "{backend:?}: {r:#?}");
        assert!(!r.changed[0].before.permit && r.changed[0].after.permit);
        // From the instance on version 2, version 1's read is replayed under version 1.
        let r = second
            .simulate_policy(&v3(), period.0, period.1, day(9))
            .await
            .unwrap();
        assert_eq!(r.unknown_policy, 0, "{r:#?}");
        assert!(r.earlier_policy > 0 && r.changed.len() == 1, "{r:#?}");
        // Recording is idempotent: one row per file.
        first.record_policy_in_force(day(9)).await.unwrap();
        assert_eq!(count(first, "policy_versions").await, 3);
    });
}
