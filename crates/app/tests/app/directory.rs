//! Directory use cases as decision tables: only support may change the directory, and each
//! invalid input gets its stable error code (`AppError::code`). A refused change leaves
//! nothing behind. Both backends, fixed clock.

use mds_app::operator::directory::{NewAssistant, NewProfessional, NewStructure};
use mds_app::AppError;
use mds_domain::{AccountId, StructureId};
use mds_testkit::app::*;
use mds_testkit::typed;

#[test]
fn only_support_may_change_the_directory() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let s = any_structure_id(&f.app, &support).await;
        let doctor_id = account_id(&f.app, DOCTOR).await;
        let mut failing = Vec::new();
        for (i, login) in [DOCTOR, REGULATOR, ASSISTANT, PATIENT]
            .into_iter()
            .enumerate()
        {
            let who = actor(&f.app, login, at(0)).await;
            let n = i + 1;
            let results = [
                (
                    "create_structure",
                    outcome(
                        &f.app
                            .create_structure(&who, structure(&format!("777777{n}.001")), at(0))
                            .await,
                    ),
                ),
                (
                    "create_professional",
                    outcome(
                        &f.app
                            .create_professional(
                                &who,
                                professional(&format!("p{n}@x.nc"), &format!("4040000000{n}"), &s),
                                at(0),
                            )
                            .await,
                    ),
                ),
                (
                    "create_assistant",
                    outcome(
                        &f.app
                            .create_assistant(
                                &who,
                                NewAssistant {
                                    login: format!("a{n}@x.nc"),
                                    email: None,
                                    first_name: "Rose".into(),
                                    last_name: "Hnawia".into(),
                                    professional_account_id: doctor_id.clone(),
                                },
                                at(0),
                            )
                            .await,
                    ),
                ),
                (
                    "suspend",
                    outcome(
                        &f.app
                            .set_suspended(&who, &doctor_id, true, "test", at(0))
                            .await,
                    ),
                ),
            ];
            for (action, got) in results {
                if got != "forbidden" {
                    failing.push(format!("{login} {action}: {got}"));
                }
            }
        }
        assert!(failing.is_empty(), "not forbidden: {failing:?}");
        // Nothing was created or changed.
        let structures = f
            .app
            .list_structures(&support)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(
            structures.iter().all(|s| !s.ridet.starts_with("777777")),
            "a structure was created"
        );
        assert!(mds_store::accounts::by_login(f.app.db(), "p1@x.nc")
            .await
            .ok()
            .flatten()
            .is_none());
        sign_in(&f.app, DOCTOR, at(STEP)).await;
    });
}

#[test]
fn invalid_structures_get_their_error_code() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let with = |change: fn(&mut NewStructure)| {
            let mut s = structure("1234567.001");
            change(&mut s);
            s
        };
        let cases: Vec<(&str, NewStructure, &str)> = vec![
            ("valid", with(|_| {}), "ok"),
            (
                "RIDET without the dot",
                with(|s| s.ridet = "1234567001".into()),
                "invalid_ridet",
            ),
            (
                "RIDET too short",
                with(|s| s.ridet = "123456.001".into()),
                "invalid_ridet",
            ),
            (
                "RIDET with letters",
                with(|s| s.ridet = "12345A7.001".into()),
                "invalid_ridet",
            ),
            (
                "commune of France",
                with(|s| s.commune = "75056".into()),
                "invalid_commune",
            ),
            (
                "commune code out of range",
                with(|s| s.commune = "98899".into()),
                "invalid_commune",
            ),
            (
                "unknown kind",
                with(|s| s.kind = "spa".into()),
                "invalid_structure_kind",
            ),
            (
                "empty name",
                with(|s| s.name = "  ".into()),
                "invalid_field",
            ),
            (
                "duplicate RIDET of a demo structure",
                with(|s| s.ridet = "0900001.001".into()),
                "duplicate_ridet",
            ),
            (
                "duplicate RIDET of the valid case",
                with(|s| s.kind = "clinic".into()),
                "duplicate_ridet",
            ),
        ];
        let mut failing = Vec::new();
        for (name, input, expected) in cases {
            let got = outcome(&f.app.create_structure(&support, input, at(0)).await);
            if got != expected {
                failing.push(format!("{name}: expected {expected}, got {got}"));
            }
        }
        assert!(failing.is_empty(), "failing cases: {failing:?}");
    });
}

#[test]
fn invalid_professionals_get_their_error_code() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let s = any_structure_id(&f.app, &support).await;
        let base = professional("n.valid@cht.nc", "50500000001", &s);
        let with = |change: &dyn Fn(&mut NewProfessional)| {
            let mut p = base.clone();
            change(&mut p);
            p
        };
        let cases: Vec<(&str, NewProfessional, &str)> = vec![
            (
                "unknown profession",
                with(&|p| p.profession = "sorcier".into()),
                "invalid_profession",
            ),
            (
                "assistant is not a profession here",
                with(&|p| p.profession = "assistant".into()),
                "invalid_profession",
            ),
            (
                "SAMU regulator who is a nurse",
                with(&|p| p.samu_regulator = true),
                "invalid_samu_role",
            ),
            (
                "professional id too short",
                with(&|p| p.professional_id = "12345".into()),
                "invalid_professional_id",
            ),
            (
                "professional id with a dash",
                with(&|p| p.professional_id = "505-000001".into()),
                "invalid_professional_id",
            ),
            (
                "no structure",
                with(&|p| p.structure_ids.clear()),
                "structure_required",
            ),
            (
                "unknown structure",
                with(&|p| p.structure_ids = vec![typed::<StructureId>(mds_store::new_id())]),
                "unknown_structure",
            ),
            (
                "invalid login",
                with(&|p| p.login = "a b@cht.nc".into()),
                "invalid_login",
            ),
            (
                "empty first name",
                with(&|p| p.first_name = String::new()),
                "invalid_field",
            ),
            (
                "duplicate login",
                with(&|p| p.login = DOCTOR.into()),
                "duplicate_login",
            ),
            (
                "duplicate login in capitals",
                with(&|p| p.login = DOCTOR.to_uppercase()),
                "duplicate_login",
            ),
            (
                "duplicate professional id",
                with(&|p| p.professional_id = "10100000001".into()),
                "duplicate_professional_id",
            ),
            (
                "SAMU regulator who is a doctor",
                with(&|p| {
                    p.profession = "medecin".into();
                    p.samu_regulator = true;
                }),
                "ok",
            ),
        ];
        let mut failing = Vec::new();
        for (name, input, expected) in cases {
            let got = outcome(&f.app.create_professional(&support, input, at(0)).await);
            if got != expected {
                failing.push(format!("{name}: expected {expected}, got {got}"));
            }
        }
        assert!(failing.is_empty(), "failing cases: {failing:?}");
    });
}

#[test]
fn a_refused_creation_leaves_no_account_behind() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let s = any_structure_id(&f.app, &support).await;
        // The account row is inserted before the professional row fails on its identifier.
        let r = f
            .app
            .create_professional(
                &support,
                professional("k.wahio@cht.nc", "10100000001", &s),
                at(0),
            )
            .await;
        assert_eq!(outcome(&r), "duplicate_professional_id");
        let r = f
            .app
            .create_professional(
                &support,
                professional("k.wahio@cht.nc", "60600000001", &s),
                at(0),
            )
            .await;
        assert_eq!(
            outcome(&r),
            "ok",
            "the login of the refused creation is free"
        );
    });
}

#[test]
fn a_repeated_structure_is_not_reported_as_a_duplicate_professional() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let s = any_structure_id(&f.app, &support).await;
        let mut p = professional("r.poady@cht.nc", "70700000001", &s);
        p.structure_ids = vec![s.clone(), s.clone()];
        match f.app.create_professional(&support, p, at(0)).await {
            Ok(c) => assert_eq!(c.item.structure_ids, vec![s]),
            Err(AppError::Invalid { .. }) => {}
            Err(e) => panic!(
                "expected success or a validation error, got {}: {e:?}",
                e.code()
            ),
        }
    });
}

#[test]
fn suspension_follows_the_account_state() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let doctor = account_id(&f.app, DOCTOR).await;
        let patient = account_id(&f.app, PATIENT).await;
        let pending = {
            let s = any_structure_id(&f.app, &support).await;
            let c = f
                .app
                .create_professional(
                    &support,
                    professional("pending@cht.nc", "80800000001", &s),
                    at(0),
                )
                .await;
            c.unwrap_or_else(|e| panic!("create: {e:?}"))
                .item
                .account_id
        };
        let unknown = mds_store::new_id();
        let cases = [
            (
                "reactivate an active account",
                doctor.as_str(),
                false,
                "invalid_state",
            ),
            ("suspend an active account", doctor.as_str(), true, "ok"),
            ("suspend it again", doctor.as_str(), true, "invalid_state"),
            ("reactivate it", doctor.as_str(), false, "ok"),
            (
                "suspend a pending account",
                pending.as_str(),
                true,
                "invalid_state",
            ),
            ("suspend a patient", patient.as_str(), true, "not_found"),
            (
                "suspend an unknown account",
                unknown.as_str(),
                true,
                "not_found",
            ),
        ];
        // A blank reason is refused before anything changes (the first case below still
        // finds the doctor active).
        let blank = outcome(
            &f.app
                .set_suspended(&support, &doctor, true, "  ", at(0))
                .await,
        );
        assert_eq!(blank, "reason_required", "a suspension needs a reason");
        let mut failing = Vec::new();
        for (name, id, suspend, expected) in cases {
            let got = outcome(
                &f.app
                    .set_suspended(
                        &support,
                        &typed::<AccountId>(&id),
                        suspend,
                        "contrôle",
                        at(0),
                    )
                    .await,
            );
            if got != expected {
                failing.push(format!("{name}: expected {expected}, got {got}"));
            }
        }
        assert!(failing.is_empty(), "failing cases: {failing:?}");
    });
}

/// A patient far from digital tools types names as they can: the directory search folds
/// accents, case, hyphens and apostrophes, and each word may begin the first or the last name.
#[test]
fn the_directory_search_forgives_accents_case_and_word_order() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let patient = actor(app, PATIENT, at(0)).await;
        // (query, the names expected, in directory order)
        let cases: [(&str, &[&str]); 6] = [
            ("Kaloï", &["Paul Kaloï"]),
            ("kaloi", &["Paul Kaloï"]),
            ("KALOI paul", &["Paul Kaloï"]),
            ("paul kal", &["Paul Kaloï"]),
            ("nea", &["Jean Néa"]),
            ("paul nea", &[]),
        ];
        let mut failing = Vec::new();
        for (query, expected) in cases {
            let found: Vec<String> = app
                .search_professionals(&patient, query, 20, 0)
                .await
                .unwrap()
                .into_iter()
                .map(|p| format!("{} {}", p.first_name, p.last_name))
                .collect();
            if found != expected {
                failing.push(format!("{query}: {found:?}"));
            }
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:#?}");
        // Paging over the folded matches: everyone, two at a time, in one order.
        let all = app
            .search_professionals(&patient, "", 100, 0)
            .await
            .unwrap();
        let second = app.search_professionals(&patient, "", 2, 2).await.unwrap();
        assert_eq!(second, all[2..4].to_vec(), "{backend:?}");
    });
}
