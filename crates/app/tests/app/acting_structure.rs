//! The structure a professional acts from, per session (issue 15): one who works in two
//! structures acts from the first until they choose, the choice holds for that session only,
//! is audited with the structure, and is refused for a structure not theirs; a professional
//! with one structure has nothing to choose; patients and support have no such choice. Both
//! backends, fixed clock.

use mds_testkit::app::*;

#[test]
fn a_professional_in_two_structures_chooses_one_per_session() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let session = sign_in(app, REGULATOR, at(0)).await;
        let other_session = sign_in(app, REGULATOR, at(STEP)).await;
        let me = app.authenticate(&session.token, at(STEP)).await.unwrap();
        let first = me.acting_structure.clone().expect("a structure");
        assert!(first.choosable, "{backend:?}: two structures");

        let choices = app.structure_choices(&me).await.unwrap();
        assert_eq!(choices.len(), 2, "{backend:?}");
        let current: Vec<_> = choices.iter().filter(|c| c.current).collect();
        assert_eq!(current.len(), 1);
        assert_eq!(current[0].name, first.name);
        let other = choices.iter().find(|c| !c.current).unwrap().clone();

        app.choose_structure(&me, &other.id, None, at(2 * STEP))
            .await
            .unwrap();
        let me = app
            .authenticate(&session.token, at(2 * STEP))
            .await
            .unwrap();
        assert_eq!(
            me.acting_structure.clone().map(|s| s.name),
            Some(other.name.clone())
        );
        let acting = me.acting_professional.clone().unwrap();
        assert_eq!(
            acting.structure,
            Some(other.id.clone()),
            "{backend:?}: the policy's facts"
        );
        let elsewhere = app
            .authenticate(&other_session.token, at(2 * STEP))
            .await
            .unwrap();
        assert_eq!(
            elsewhere.acting_structure.map(|s| s.name),
            Some(first.name),
            "{backend:?}: another session keeps its own"
        );
        let events = events_of(app, "auth.structure.choose").await;
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].structure_id.as_deref(), Some(other.id.as_str()));

        let support = actor(app, SUPPORT, at(0)).await;
        let not_theirs = mds_domain::StructureId::named("00000000-0000-4000-8000-000000000000");
        let table = [
            (
                "not theirs",
                app.choose_structure(&me, &not_theirs, None, at(3 * STEP))
                    .await,
            ),
            (
                "support",
                app.choose_structure(&support, &other.id, None, at(3 * STEP))
                    .await,
            ),
        ];
        let got: Vec<_> = table.iter().map(|(n, r)| (*n, outcome(r))).collect();
        assert_eq!(
            got,
            [
                ("not theirs", "unknown_structure"),
                ("support", "forbidden")
            ]
        );

        let doctor = sign_in(app, DOCTOR, at(0)).await;
        let doctor = app.authenticate(&doctor.token, at(STEP)).await.unwrap();
        assert!(
            doctor.acting_structure.is_some_and(|s| !s.choosable),
            "{backend:?}: one structure, nothing to choose"
        );
        let patient = sign_in(app, PATIENT, at(0)).await;
        let patient = app.authenticate(&patient.token, at(STEP)).await.unwrap();
        assert_eq!(patient.acting_structure, None);
    });
}
