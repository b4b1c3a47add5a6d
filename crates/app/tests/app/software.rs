//! Issue 5, part 4 — structure software (DESIGN.md 7): credentials created and revoked by
//! support (secret shown once, stored hashed, an end date at most 3 years ahead: EXI 29),
//! authentication with the secret in the name of an authorised, active member of the
//! structure who signed in with two factors, and suspension refused at once on every
//! surface. Preloading is reading (issue 12): `preload.rs`. Both backends, fixed clock.
#![allow(clippy::unwrap_used)]

use crate::structure_access::day_after;
use mds_app::record::documents::NewDocument;
use mds_app::structure_access::credentials::NewCredential;
use mds_app::{Actor, App};
use mds_domain::{CredentialState, PatientId, StructureId};
use mds_testkit::app::*;
use mds_testkit::typed;

const DAY: i64 = 24 * HOUR;
/// Dr Néa's structure in the demo data.
const NEA_RIDET: &str = "0900001.001";
/// A structure Dr Néa does not work in.
const OTHER_RIDET: &str = "0900002.001";

fn new_credential(label: &str) -> NewCredential {
    NewCredential {
        label: label.to_owned(),
        ends_on: day_after(at(0), 365),
        with_secret: true,
    }
}

/// Puts Dr Néa on the list of authorised professionals of `ridet`'s software.
async fn authorise_doctor(app: &App, support: &Actor, ridet: &str) {
    let s = structure(app, ridet).await;
    let dr = account_id(app, DOCTOR).await;
    app.authorise_structure_professional(support, &s, dr.as_str(), &day_after(at(0), 365), at(0))
        .await
        .unwrap();
}

async fn structure(app: &App, ridet: &str) -> StructureId {
    mds_store::directory::structure_by_ridet(app.db(), ridet)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn marie(app: &App) -> PatientId {
    mds_store::patients::by_identifier(app.db(), mds_domain::IdentifierKind::Cafat, MARIE_CAFAT)
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

/// A credential of `ridet` created by support; returns its id and secret.
async fn credential(app: &App, support: &Actor, ridet: &str) -> (String, String) {
    let s = structure(app, ridet).await;
    let c = app
        .create_software_credential(
            support,
            &typed::<StructureId>(&s),
            &new_credential("Logiciel du cabinet"),
            at(0),
        )
        .await
        .unwrap();
    (c.credential.id, c.token.unwrap())
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
                &new_credential(" DPI du cabinet "),
                at(MINUTE),
            )
            .await
            .unwrap();
        let token = c.token.clone().unwrap();
        assert!(token.starts_with("mds-sw-"), "{backend:?}");
        assert!(c.credential.expires_at_ms > at(364 * DAY).millis());
        assert_eq!(c.credential.label, "DPI du cabinet");
        let row = mds_store::structure_credentials::by_id(f.app.db(), &c.credential.id)
            .await
            .unwrap()
            .unwrap();
        assert_ne!(row.token_hash, token, "{backend:?}: only a hash is stored");
        assert!(!row.token_hash.contains(&token[7..]), "{backend:?}");
        let evs = events_after(&f.app, before).await;
        assert_eq!(evs.len(), 1);
        assert_eq!(evs[0].action, "structure_software.credential.create");
        assert_eq!(evs[0].structure_id.as_deref(), Some(s.as_str()));
        assert!(
            !evs[0].detail.to_string().contains(&token),
            "no secret in the audit"
        );

        let cases = [
            (
                "a professional",
                outcome(
                    &f.app
                        .create_software_credential(
                            &doctor,
                            &typed::<StructureId>(&s),
                            &new_credential("x"),
                            at(0),
                        )
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
                            &new_credential("x"),
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
                        .create_software_credential(
                            &support,
                            &typed::<StructureId>(&s),
                            &new_credential(" "),
                            at(0),
                        )
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
        authorise_doctor(&f.app, &support, NEA_RIDET).await;
        let dr = doctor.account_id.to_string();
        assert!(f
            .app
            .authenticate_software(&token, &dr, true, None, at(MINUTE))
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
                    .authenticate_software(&token, &dr, true, None, at(3 * MINUTE))
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
        // A credential past its end date is refused like a revoked one.
        let (_, other) = credential(&f.app, &support, NEA_RIDET).await;
        assert_eq!(
            outcome(
                &f.app
                    .authenticate_software(&other, &dr, true, None, at(366 * DAY))
                    .await
            ),
            "unauthenticated"
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
        authorise_doctor(&f.app, &support, NEA_RIDET).await;
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
            let got = outcome(&f.app.authenticate_software(token, pro, true, None, t).await);
            if got != expected {
                failing.push(format!("{name}: {got}, expected {expected}"));
            }
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:?}");
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
        // The assistant's session: each call authenticates it again, as each request does.
        let assistant_session = sign_in(&f.app, ASSISTANT, at(0)).await.token;
        let assistant = f.app.authenticate(&assistant_session, at(0)).await.unwrap();
        let (_, token) = credential(&f.app, &support, NEA_RIDET).await;
        authorise_doctor(&f.app, &support, NEA_RIDET).await;
        let dr = account_id(&f.app, DOCTOR).await;
        let m = marie(&f.app).await;
        // An enrolment token the account holds (as a reset would issue).
        let enrol = "TEST-2345-AB";
        let hash = mds_app::secrets::hash_password("2345AB").unwrap();
        mds_store::accounts::insert_enrolment_token(
            f.app.db(),
            "TEST",
            &hash,
            &dr,
            at(DAY).millis(),
        )
        .await
        .unwrap();
        let t = at(2 * STEP);
        assert!(f
            .app
            .authenticate_software(&token, dr.as_str(), true, None, t)
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
                outcome(
                    &f.app
                        .authenticate_software(&token, dr.as_str(), true, None, t)
                        .await,
                ),
                "forbidden",
            ),
            (
                "their assistant adding in their name, on the next request",
                outcome(&{
                    let assistant = f.app.authenticate(&assistant_session, t).await.unwrap();
                    f.app
                        .add_document(&assistant, &typed::<PatientId>(&m), doc(2), None, t)
                        .await
                }),
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
            .authenticate_software(&token, dr.as_str(), true, None, t)
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
