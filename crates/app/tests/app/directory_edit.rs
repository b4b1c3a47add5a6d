//! Issue 15, item 8 — support corrects the directory: a professional (names, number,
//! profession, SAMU role, structures) and a structure (name, kind, commune). Decision tables
//! for the refusals (the creation's checks), the change audited with what changed, nothing
//! audited when nothing changed, and a professional's rights following at their next request.
//! Both backends, fixed clock.

use mds_app::operator::directory_edit::{ProfessionalEdit, StructureEdit};
use mds_domain::{AccountId, Profession, StructureId};
use mds_testkit::app::*;
use mds_testkit::typed;

/// The nurse of the demo as the directory says it, to change one field at a time.
async fn nurse_as_is(f: &Fixture, support: &mds_app::Actor) -> (AccountId, ProfessionalEdit) {
    let id = account_id(&f.app, NURSE).await;
    let p = f.app.get_professional(support, &id).await.unwrap();
    let edit = ProfessionalEdit {
        first_name: p.first_name,
        last_name: p.last_name,
        profession: p.profession.slug().to_owned(),
        professional_id: p.professional_id,
        structure_ids: p.structure_ids,
        samu_regulator: p.samu_regulator,
    };
    (id, edit)
}

#[test]
fn refused_corrections_of_a_professional_get_their_code_and_change_nothing() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let (nurse, as_is) = nurse_as_is(&f, &support).await;
        let doctor_number = f
            .app
            .get_professional(&support, &account_id(&f.app, DOCTOR).await)
            .await
            .unwrap()
            .professional_id;
        let with = |change: &dyn Fn(&mut ProfessionalEdit)| {
            let mut e = as_is.clone();
            change(&mut e);
            e
        };
        let before = last_seq(&f.app).await;
        let cases: Vec<(&str, ProfessionalEdit, &str)> = vec![
            (
                "unknown profession",
                with(&|e| e.profession = "sorcier".into()),
                "invalid_profession",
            ),
            (
                "staff is no profession",
                with(&|e| e.profession = "assistant".into()),
                "invalid_profession",
            ),
            (
                "a nurse as SAMU regulator",
                with(&|e| e.samu_regulator = true),
                "invalid_samu_role",
            ),
            (
                "no structure",
                with(&|e| e.structure_ids.clear()),
                "structure_required",
            ),
            (
                "unknown structure",
                with(&|e| {
                    e.structure_ids =
                        vec![typed::<StructureId>("00000000-0000-4000-8000-0000000000aa")]
                }),
                "unknown_structure",
            ),
            (
                "short number",
                with(&|e| e.professional_id = "12345".into()),
                "invalid_professional_id",
            ),
            (
                "another's number",
                with(&|e| e.professional_id = doctor_number.clone()),
                "duplicate_professional_id",
            ),
            (
                "empty last name",
                with(&|e| e.last_name = "  ".into()),
                "invalid_field",
            ),
        ];
        let mut failing = Vec::new();
        for (name, edit, expected) in cases {
            let got = outcome(
                &f.app
                    .edit_professional(&support, &nurse, edit, at(MINUTE))
                    .await,
            );
            if got != expected {
                failing.push(format!("{name}: expected {expected}, got {got}"));
            }
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:#?}");
        // Only support; an unknown professional is not found.
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let refused = f
            .app
            .edit_professional(&doctor, &nurse, as_is.clone(), at(MINUTE))
            .await;
        assert_eq!(outcome(&refused), "forbidden", "{backend:?}");
        let nobody = typed::<AccountId>("00000000-0000-4000-8000-0000000000bb");
        let refused = f
            .app
            .edit_professional(&support, &nobody, as_is.clone(), at(MINUTE))
            .await;
        assert_eq!(outcome(&refused), "not_found", "{backend:?}");
        // Nothing changed: the same row, nothing audited.
        let same = f
            .app
            .edit_professional(&support, &nurse, as_is.clone(), at(MINUTE))
            .await
            .unwrap();
        assert_eq!(
            same,
            f.app.get_professional(&support, &nurse).await.unwrap()
        );
        assert!(
            events_after(&f.app, before)
                .await
                .iter()
                .all(|e| e.action != "directory.professional.update"),
            "{backend:?}"
        );
    });
}

#[test]
fn a_corrected_professional_acts_with_the_new_rights_at_the_next_request() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let (nurse, as_is) = nurse_as_is(&f, &support).await;
        let session = sign_in(&f.app, NURSE, at(0)).await;
        let acting = session.actor.acting_professional.clone().unwrap();
        assert_eq!(
            acting.profession,
            Profession::from_slug("infirmier").unwrap()
        );
        let structures = f.app.list_structures(&support).await.unwrap();
        let other = structures
            .iter()
            .find(|s| !as_is.structure_ids.contains(&s.id))
            .unwrap()
            .id
            .clone();
        let before = last_seq(&f.app).await;
        let edit = ProfessionalEdit {
            last_name: "Kaloï-Wema".into(),
            profession: "medecin".into(),
            samu_regulator: true,
            structure_ids: vec![other.clone()],
            ..as_is.clone()
        };
        let after = f
            .app
            .edit_professional(&support, &nurse, edit, at(MINUTE))
            .await
            .unwrap();
        assert_eq!(after.structure_ids, vec![other.clone()], "{backend:?}");
        let account = mds_store::accounts::by_id(f.app.db(), &nurse)
            .await
            .unwrap()
            .unwrap();
        assert!(
            account.display_name.ends_with("Kaloï-Wema"),
            "{backend:?}: {}",
            account.display_name
        );

        // The same session, at its next request: the new profession, role and structure.
        let next = f
            .app
            .authenticate(&session.token, at(2 * MINUTE))
            .await
            .unwrap();
        let acting = next.acting_professional.unwrap();
        assert_eq!(
            acting.profession,
            Profession::from_slug("medecin").unwrap(),
            "{backend:?}"
        );
        assert!(acting.samu_regulator, "{backend:?}");
        assert_eq!(acting.structure, Some(other.clone()), "{backend:?}");

        let events = events_after(&f.app, before).await;
        let ev = events
            .iter()
            .find(|e| e.action == "directory.professional.update")
            .unwrap();
        assert_eq!(ev.actor_id.as_deref(), Some(support.account_id.as_str()));
        assert_eq!(
            ev.detail["changed"],
            serde_json::json!(["last_name", "profession", "samu_regulator", "structure_ids"]),
            "{backend:?}"
        );
        assert_eq!(
            ev.detail["profession"]["before"], "infirmier",
            "{backend:?}"
        );
        assert_eq!(
            ev.detail["structure_ids"]["after"],
            serde_json::json!([other]),
            "{backend:?}"
        );
        assert_chain_intact(&f.app).await;
    });
}

#[test]
fn a_structure_is_corrected_and_keeps_its_ridet() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let support = actor(&f.app, SUPPORT, at(0)).await;
        let s = f.app.list_structures(&support).await.unwrap().remove(0);
        let edit = |name: &str, kind: &str, commune: &str| StructureEdit {
            name: name.into(),
            kind: kind.into(),
            commune: commune.into(),
        };
        let cases = [
            ("empty name", edit("", "clinic", "98818"), "invalid_field"),
            (
                "unknown kind",
                edit("Clinique", "spa", "98818"),
                "invalid_structure_kind",
            ),
            (
                "commune outside New Caledonia",
                edit("Clinique", "clinic", "75056"),
                "invalid_commune",
            ),
        ];
        for (name, e, expected) in cases {
            let got = outcome(&f.app.edit_structure(&support, &s.id, e, at(MINUTE)).await);
            assert_eq!(got, expected, "{backend:?}: {name}");
        }
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let refused = f
            .app
            .edit_structure(&doctor, &s.id, edit("X", "clinic", "98818"), at(MINUTE))
            .await;
        assert_eq!(outcome(&refused), "forbidden", "{backend:?}");

        let before = last_seq(&f.app).await;
        let after = f
            .app
            .edit_structure(
                &support,
                &s.id,
                edit("Clinique Kuindo-Magnin", "clinic", "98818"),
                at(MINUTE),
            )
            .await
            .unwrap();
        assert_eq!(
            (after.ridet.as_str(), after.kind.as_str()),
            (s.ridet.as_str(), "clinic"),
            "{backend:?}"
        );
        let listed = f.app.list_structures(&support).await.unwrap();
        assert!(
            listed
                .iter()
                .any(|x| x.id == s.id && x.name == "Clinique Kuindo-Magnin"),
            "{backend:?}"
        );
        let events = events_after(&f.app, before).await;
        let ev = events
            .iter()
            .find(|e| e.action == "directory.structure.update")
            .unwrap();
        assert_eq!(
            ev.structure_id.as_deref(),
            Some(s.id.as_str()),
            "{backend:?}"
        );
        assert!(ev.detail["changed"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("name")));
    });
}
