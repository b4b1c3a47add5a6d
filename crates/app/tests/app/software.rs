//! Issue 5, part 4 — structure software (DESIGN.md 7): credentials created and revoked by
//! support (secret shown once, stored hashed), authentication in the name of an active member
//! of the structure, preloads through the record gate with the limits of section 7 (10
//! documents per patient per preload, 50 distinct patients per professional per 24 h), and
//! suspension refused at once on every surface. Both backends, fixed clock.
#![allow(clippy::unwrap_used)]

use mds_app::patients::creation::{Creation, NewPatient};
use mds_app::record::documents::NewDocument;
use mds_app::{Actor, App};
use mds_domain::identity::IdentityInput;
use mds_domain::{AccountId, ActorKind, CredentialState, PatientId, StructureId, Timestamp};
use mds_testkit::app::*;
use mds_testkit::typed;

const DAY: i64 = 24 * HOUR;
/// Dr Néa's structure in the demo data.
const NEA_RIDET: &str = "0900001.001";
/// A structure Dr Néa does not work in.
const OTHER_RIDET: &str = "0900002.001";

fn later(t: Timestamp, ms: i64) -> Timestamp {
    Timestamp::from_millis(t.millis() + ms)
}

async fn structure(app: &App, ridet: &str) -> StructureId {
    mds_store::directory::structure_by_ridet(app.db(), ridet)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn marie(app: &App) -> PatientId {
    mds_store::patients::by_cafat(app.db(), MARIE_CAFAT)
        .await
        .unwrap()
        .unwrap()
        .id
}

fn doc(i: usize) -> NewDocument {
    NewDocument {
        type_code: "11488-4".to_owned(),
        title: format!("Compte rendu {i}"),
        act_date: "2026-09-20".to_owned(),
        confirms_patient_informed: true,
        content: format!("Compte rendu de consultation numéro {i}.").into_bytes(),
        ..NewDocument::default()
    }
}

fn docs(n: usize, from: usize) -> Vec<NewDocument> {
    (from..from + n).map(doc).collect()
}

/// A credential of `ridet` created by support; returns its id and secret.
async fn credential(app: &App, support: &Actor, ridet: &str) -> (String, String) {
    let s = structure(app, ridet).await;
    let c = app
        .create_software_credential(
            support,
            &typed::<StructureId>(&s),
            "Logiciel du cabinet",
            at(0),
        )
        .await
        .unwrap();
    (c.credential.id, c.token)
}

#[test]
fn support_creates_lists_and_revokes_credentials_whose_secret_is_shown_once() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let s = structure(&f.app, NEA_RIDET).await;
        let before = last_seq(&f.app).await;
        let c = f
            .app
            .create_software_credential(
                &support,
                &typed::<StructureId>(&s),
                " DPI du cabinet ",
                at(MINUTE),
            )
            .await
            .unwrap();
        assert!(c.token.starts_with("mds-sw-"), "{backend:?}");
        assert_eq!(c.credential.label, "DPI du cabinet");
        let row = mds_store::structure_credentials::by_id(f.app.db(), &c.credential.id)
            .await
            .unwrap()
            .unwrap();
        assert_ne!(
            row.token_hash, c.token,
            "{backend:?}: only a hash is stored"
        );
        assert!(!row.token_hash.contains(&c.token[7..]), "{backend:?}");
        let evs = events_after(&f.app, before).await;
        assert_eq!(evs.len(), 1);
        assert_eq!(evs[0].action, "structure_software.credential.create");
        assert_eq!(evs[0].structure_id.as_deref(), Some(s.as_str()));
        assert!(
            !evs[0].detail.to_string().contains(&c.token),
            "no secret in the audit"
        );

        let cases = [
            (
                "a professional",
                outcome(
                    &f.app
                        .create_software_credential(&doctor, &typed::<StructureId>(&s), "x", at(0))
                        .await,
                ),
                "forbidden",
            ),
            (
                "unknown structure",
                outcome(
                    &f.app
                        .create_software_credential(
                            &support,
                            &typed::<StructureId>("nope"),
                            "x",
                            at(0),
                        )
                        .await,
                ),
                "unknown_structure",
            ),
            (
                "empty label",
                outcome(
                    &f.app
                        .create_software_credential(&support, &typed::<StructureId>(&s), " ", at(0))
                        .await,
                ),
                "invalid_field",
            ),
        ];
        let failing: Vec<_> = cases.iter().filter(|c| c.1 != c.2).collect();
        assert!(failing.is_empty(), "{backend:?}: {failing:?}");

        let list = f
            .app
            .list_software_credentials(&support, &typed::<StructureId>(&s))
            .await
            .unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].state, typed::<CredentialState>("active"));
        let dr = doctor.account_id.to_string();
        assert!(f
            .app
            .authenticate_software(&c.token, &typed::<AccountId>(&dr), None, at(MINUTE))
            .await
            .is_ok());
        let id = &c.credential.id;
        f.app
            .revoke_software_credential(&support, id, at(2 * MINUTE))
            .await
            .unwrap();
        assert_eq!(
            outcome(
                &f.app
                    .revoke_software_credential(&support, id, at(2 * MINUTE))
                    .await
            ),
            "credential_already_revoked"
        );
        assert_eq!(
            outcome(
                &f.app
                    .authenticate_software(&c.token, &typed::<AccountId>(&dr), None, at(3 * MINUTE))
                    .await
            ),
            "unauthenticated",
            "{backend:?}: a revoked credential is refused"
        );
        let last = events_after(&f.app, 0).await;
        let last = last.last().unwrap();
        assert_eq!(
            (last.action.as_str(), last.rule.as_deref()),
            ("software.authenticate", Some("software.credential_revoked"))
        );
        assert_eq!(
            f.app
                .list_software_credentials(&support, &typed::<StructureId>(&s))
                .await
                .unwrap()[0]
                .state,
            typed::<CredentialState>("revoked")
        );
    });
}

#[test]
fn software_acts_only_for_an_active_member_of_its_structure() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let (_, own) = credential(&f.app, &support, NEA_RIDET).await;
        let (_, other) = credential(&f.app, &support, OTHER_RIDET).await;
        let dr = account_id(&f.app, DOCTOR).await;
        let assistant = account_id(&f.app, ASSISTANT).await;
        let t = at(MINUTE);
        let cases = [
            ("member", own.as_str(), dr.as_str(), "ok"),
            (
                "not a member of that structure",
                other.as_str(),
                dr.as_str(),
                "forbidden",
            ),
            (
                "an assistant is not a professional",
                own.as_str(),
                assistant.as_str(),
                "forbidden",
            ),
            ("unknown professional", own.as_str(), "nope", "forbidden"),
            (
                "unknown secret",
                "mds-sw-nope",
                dr.as_str(),
                "unauthenticated",
            ),
            (
                "a session token is not a credential",
                "abc",
                dr.as_str(),
                "unauthenticated",
            ),
        ];
        let mut failing = Vec::new();
        for (name, token, pro, expected) in cases {
            let got = outcome(
                &f.app
                    .authenticate_software(token, &typed::<AccountId>(&pro), None, t)
                    .await,
            );
            if got != expected {
                failing.push(format!("{name}: {got}, expected {expected}"));
            }
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:?}");
    });
}

#[test]
fn a_preload_of_10_documents_is_accepted_and_of_11_refused() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let (cred, token) = credential(&f.app, &support, NEA_RIDET).await;
        let dr = account_id(&f.app, DOCTOR).await;
        let sw = f
            .app
            .authenticate_software(&token, &dr, None, at(MINUTE))
            .await
            .unwrap();
        let m = marie(&f.app).await;
        let before = last_seq(&f.app).await;
        let r = f
            .app
            .preload_documents(&sw, &typed::<PatientId>(&m), docs(11, 0), None, at(MINUTE))
            .await;
        assert_eq!(outcome(&r), "preload_too_many_documents", "{backend:?}");
        let message = r.err().unwrap().public_message();
        assert!(message.contains("au plus 10 documents"), "{message}");
        assert!(
            events_after(&f.app, before).await.is_empty(),
            "{backend:?}: nothing added"
        );

        let items = f
            .app
            .preload_documents(
                &sw,
                &typed::<PatientId>(&m),
                docs(10, 0),
                None,
                at(2 * MINUTE),
            )
            .await
            .unwrap();
        assert_eq!(items.len(), 10);
        assert!(
            items.iter().all(|i| i.document.is_some()),
            "{backend:?}: {items:?}"
        );
        let d = items[0].document.as_ref().unwrap();
        assert_eq!(
            (d.source.as_str(), d.depositor_account_id.as_deref()),
            ("software", Some(dr.as_str()))
        );
        let evs = events_after(&f.app, before).await;
        assert_eq!(
            evs.len(),
            11,
            "{backend:?}: the preload and its 10 additions"
        );
        assert_eq!(evs[0].action, "document.preload");
        for e in &evs {
            assert_eq!(
                e.actor_kind,
                typed::<ActorKind>("structure_software"),
                "{backend:?}"
            );
            assert_eq!(e.actor_id.as_deref(), Some(cred.as_str()));
            assert_eq!(e.on_behalf_of.as_deref(), Some(dr.as_str()));
            assert_eq!(e.outcome.as_str(), "permit");
            assert!(e.structure_id.is_some());
        }
        // One document failing (a duplicate) does not stop the others.
        let mut again = docs(2, 20);
        again.push(doc(0));
        let items = f
            .app
            .preload_documents(&sw, &typed::<PatientId>(&m), again, None, at(3 * MINUTE))
            .await
            .unwrap();
        let codes: Vec<_> = items
            .iter()
            .map(|i| i.error_code.as_deref().unwrap_or("ok"))
            .collect();
        assert_eq!(codes, vec!["ok", "ok", "duplicate_document"], "{backend:?}");
        assert_chain_intact(&f.app).await;
    });
}

async fn patients(app: &App, creator: &Actor, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let identity = IdentityInput {
            cafat: (700_000 + i).to_string(),
            birth_name: "Testa".to_owned(),
            first_names: vec!["Paul".to_owned()],
            birth_date: format!("{}-07-14", 1940 + i),
            sex: "M".to_owned(),
            birth_place: "98818".to_owned(),
        };
        let p = NewPatient {
            identity,
            identity_document_checked: true,
            cafat_card_checked: true,
            consent_signed: true,
            ..NewPatient::default()
        };
        match app.create_patient(creator, p, at(0)).await.unwrap() {
            Creation::Created { patient } => ids.push(patient.id),
            other => panic!("not created: {other:?}"),
        }
    }
    ids.iter().map(ToString::to_string).collect()
}

#[test]
fn software_feeds_at_most_50_distinct_patients_per_professional_in_24_hours() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let ids = patients(&f.app, &doctor, 51).await;
        let (_, token) = credential(&f.app, &support, NEA_RIDET).await;
        let dr = doctor.account_id.to_string();
        let sw = f
            .app
            .authenticate_software(&token, &typed::<AccountId>(&dr), None, at(MINUTE))
            .await
            .unwrap();
        let start = at(HOUR);
        for (i, id) in ids.iter().take(50).enumerate() {
            let t = later(start, i64::try_from(i).unwrap() * 1000);
            let r = f
                .app
                .preload_documents(&sw, &typed::<PatientId>(&id), vec![doc(i)], None, t)
                .await;
            assert_eq!(outcome(&r), "ok", "{backend:?}: patient {i}");
        }
        let t = later(start, 2 * HOUR);
        let r = f
            .app
            .preload_documents(&sw, &typed::<PatientId>(&ids[50]), vec![doc(50)], None, t)
            .await;
        assert_eq!(
            outcome(&r),
            "software_patient_limit",
            "{backend:?}: the 51st"
        );
        assert!(r.err().unwrap().public_message().contains("50 dossiers"));
        let last = events_after(&f.app, 0).await;
        let last = last.last().unwrap();
        assert_eq!(
            last.outcome.as_str(),
            "deny",
            "{backend:?}: the refusal is audited"
        );
        assert_eq!(last.rule.as_deref(), Some("software.patient_limit"));
        // A patient already fed today is not a new one.
        let r = f
            .app
            .preload_documents(&sw, &typed::<PatientId>(&ids[0]), vec![doc(60)], None, t)
            .await;
        assert_eq!(outcome(&r), "ok", "{backend:?}: a known patient");
        // Exactly 24 h after the first preloads, the first (not fed since) leaves the window
        // but the 49 others and the one fed again at +2 h still count: 50, still full.
        let r = f
            .app
            .preload_documents(
                &sw,
                &typed::<PatientId>(&ids[50]),
                vec![doc(50)],
                None,
                later(start, DAY),
            )
            .await;
        assert_eq!(
            outcome(&r),
            "software_patient_limit",
            "{backend:?}: 24 h later"
        );
        // One second later the second patient leaves the window too: a place is free.
        let t = later(start, DAY + 1000);
        let r = f
            .app
            .preload_documents(&sw, &typed::<PatientId>(&ids[50]), vec![doc(50)], None, t)
            .await;
        assert_eq!(outcome(&r), "ok", "{backend:?}: a place freed");
    });
}

#[test]
fn a_suspended_professional_is_refused_at_once_on_every_surface() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let web = {
            let mut r = demo_request(DOCTOR, at(0));
            r.channel = mds_app::accounts::sign_in::Channel::Web;
            f.app.login(r, at(0)).await.unwrap()
        };
        let api = sign_in(&f.app, DOCTOR, at(STEP)).await;
        let assistant = actor(&f.app, ASSISTANT, at(0)).await;
        let (_, token) = credential(&f.app, &support, NEA_RIDET).await;
        let dr = account_id(&f.app, DOCTOR).await;
        let m = marie(&f.app).await;
        // An enrolment token the account holds (as a reset would issue).
        let enrol = "jeton-de-test-pour-enrolement";
        let hash = data_encoding::HEXLOWER.encode(&<sha2::Sha256 as sha2::Digest>::digest(enrol));
        mds_store::accounts::insert_enrolment_token(f.app.db(), &hash, &dr, at(DAY).millis())
            .await
            .unwrap();
        let t = at(2 * STEP);
        assert!(f
            .app
            .authenticate_software(&token, &dr, None, t)
            .await
            .is_ok());
        assert!(f
            .app
            .add_document(&assistant, &typed::<PatientId>(&m), doc(1), None, t)
            .await
            .is_ok());

        f.app
            .set_suspended(&support, &dr, true, "enquête", t)
            .await
            .unwrap();
        let before = last_seq(&f.app).await;
        let cases = [
            (
                "cookie session",
                outcome(&f.app.authenticate(&web.token, t).await),
                "unauthenticated",
            ),
            (
                "bearer session",
                outcome(&f.app.authenticate(&api.token, t).await),
                "unauthenticated",
            ),
            (
                "password and TOTP sign-in",
                outcome(
                    &f.app
                        .login(demo_request(DOCTOR, at(3 * STEP)), at(3 * STEP))
                        .await,
                ),
                "invalid_credentials",
            ),
            (
                "enrolment token",
                outcome(
                    &f.app
                        .begin_enrolment(enrol, "Un-mot-de-passe-solide-2026", t)
                        .await,
                ),
                "invalid_enrolment_token",
            ),
            (
                "structure software in their name",
                outcome(&f.app.authenticate_software(&token, &dr, None, t).await),
                "forbidden",
            ),
            (
                "their assistant adding in their name",
                outcome(
                    &f.app
                        .add_document(&assistant, &typed::<PatientId>(&m), doc(2), None, t)
                        .await,
                ),
                "forbidden",
            ),
        ];
        let failing: Vec<_> = cases.iter().filter(|c| c.1 != c.2).collect();
        assert!(failing.is_empty(), "{backend:?}: {failing:?}");
        let rules: Vec<_> = events_after(&f.app, before)
            .await
            .into_iter()
            .filter(|e| e.outcome.as_str() == "deny")
            .filter_map(|e| e.rule)
            .collect();
        assert!(
            rules.contains(&"software.professional_inactive".to_owned()),
            "{rules:?}"
        );
        assert!(
            rules.contains(&"actor.professional_inactive".to_owned()),
            "{rules:?}"
        );

        // Reactivated: software and assistant act again; old sessions and tokens stay ended.
        let t = at(4 * STEP);
        f.app
            .set_suspended(&support, &dr, false, "fin", t)
            .await
            .unwrap();
        assert!(f
            .app
            .authenticate_software(&token, &dr, None, t)
            .await
            .is_ok());
        assert!(f
            .app
            .add_document(&assistant, &typed::<PatientId>(&m), doc(3), None, t)
            .await
            .is_ok());
        assert_eq!(
            outcome(&f.app.authenticate(&api.token, t).await),
            "unauthenticated"
        );
        assert_eq!(
            outcome(
                &f.app
                    .begin_enrolment(enrol, "Un-mot-de-passe-solide-2026", t)
                    .await
            ),
            "invalid_enrolment_token"
        );
    });
}
