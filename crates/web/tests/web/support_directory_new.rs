//! The support console's directory forms, in-process on SQLite and PostgreSQL over the demo
//! data: a new structure, a professional in it, an assistant for that professional (the
//! one-time enrolment token shown on the answer, the new entry listed), refusals shown next to
//! the form with what was typed, other portals' sessions sent back, and each creation audited.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use axum::http::StatusCode;
use mds_domain::{Profession, StructureId};
use mds_testkit::typed;
use mds_testkit::web::*;

#[test]
fn support_creates_a_structure_a_professional_in_it_and_an_assistant_for_them() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let support_id = find_account_id(&site.app, SUPPORT).await.unwrap();
        let mut support = site.browser();
        let csrf = support.signed_in(SUPPORT).await;

        let structures = support.get("/support/structures").await;
        for link in [
            "/support/structures/new",
            "/support/professionals/new",
            "/support/assistants/new",
        ] {
            assert!(
                structures.body.contains(&format!("href=\"{link}\"")),
                "{link}"
            );
            let form = support.get(link).await.expect(StatusCode::OK, link);
            assert_safe_html(&form, link);
            assert!(form.body.contains("name=\"csrf\""), "{link}");
        }
        let pro_form = support.get("/support/professionals/new").await;
        assert!(pro_form.body.contains("Identifiant professionnel (RPPS)"));
        assert!(pro_form.body.contains("<option value=\"sage_femme\""));
        assert!(pro_form
            .body
            .contains("Dispensaire provincial de Koné (démo)"));
        assert!(pro_form.body.contains("à remettre à la personne"));
        let listing = support.get("/support/professionals").await;
        assert!(listing.body.contains("href=\"/support/professionals/new\""));

        // The structure.
        let created = support
            .post(
                "/support/structures/new",
                &[
                    ("csrf", &csrf),
                    ("name", "Cabinet des Cocotiers (test)"),
                    ("ridet", "7654321.002"),
                    ("kind", "practice"),
                    ("commune", "98803"),
                ],
            )
            .await
            .expect(StatusCode::OK, "structure created");
        assert!(created.body.contains("Structure créée"), "{}", created.body);
        let structure = between(&created.body, "/support/professionals/new?structure=", "\"");
        let listed = support.get("/support/structures").await;
        assert!(listed.body.contains("Cabinet des Cocotiers (test)"));
        assert!(listed.body.contains("7654321.002"));
        let preset = support
            .get(&format!("/support/professionals/new?structure={structure}"))
            .await
            .expect(StatusCode::OK, "preset structure");
        assert!(preset
            .body
            .contains(&format!("<option value=\"{structure}\" selected")));

        // A professional in it: the token is shown once, on this answer.
        let pro = support
            .post(
                "/support/professionals/new",
                &[
                    ("csrf", &csrf),
                    ("last_name", "Wahnyamalla"),
                    ("first_name", "Henriette"),
                    ("login", "h.wahnyamalla@test.mds.nc"),
                    ("email", "h.wahnyamalla@test.mds.nc"),
                    ("profession", "sage_femme"),
                    ("professional_id", "810009999"),
                    ("structure_ids", &structure),
                ],
            )
            .await
            .expect(StatusCode::OK, "professional created");
        assert_safe_html(&pro, "professional created");
        let token = between(
            &pro.body,
            "id=\"enrolment-token\" aria-describedby=\"token-hint\">",
            "<",
        );
        assert_eq!(token.chars().count(), 12, "{token}");
        assert!(pro.body.contains("Remettez ce code"), "{}", pro.body);
        let pro_id = find_account_id(&site.app, "h.wahnyamalla@test.mds.nc")
            .await
            .unwrap();
        assert!(pro
            .body
            .contains(&format!("href=\"/support/professionals/{pro_id}\"")));
        let row = mds_store::directory::professional(site.app.db(), &pro_id).await;
        let row = row.unwrap().unwrap();
        assert_eq!(row.structure_ids, vec![typed::<StructureId>(&structure)]);
        assert_eq!(row.profession, typed::<Profession>("sage_femme"));
        let page = support
            .get(&format!("/support/professionals/{pro_id}"))
            .await
            .expect(StatusCode::OK, "new professional's page");
        assert!(page.body.contains("WAHNYAMALLA Henriette"));
        assert!(!page.body.contains(&token), "the token is shown once");
        let found = support.get("/support/professionals?q=Wahny").await;
        assert!(
            found.body.contains("WAHNYAMALLA Henriette"),
            "{}",
            found.body
        );
        assert!(page.body.contains(&format!(
            "href=\"/support/assistants/new?professional={pro_id}\""
        )));

        // An assistant for that professional.
        let assistant = support
            .post(
                "/support/assistants/new",
                &[
                    ("csrf", &csrf),
                    ("professional_account_id", &pro_id),
                    ("last_name", "Poithily"),
                    ("first_name", "Sonia"),
                    ("login", "s.poithily@test.mds.nc"),
                    ("email", ""),
                ],
            )
            .await
            .expect(StatusCode::OK, "assistant created");
        let atoken = between(
            &assistant.body,
            "id=\"enrolment-token\" aria-describedby=\"token-hint\">",
            "<",
        );
        assert!(atoken.chars().count() == 12 && atoken != token);
        let listed = support.get("/support/structures").await;
        assert!(listed.body.contains("POITHILY Sonia"), "{}", listed.body);
        assert!(!listed.body.contains(&atoken));

        // Audited, with the support agent who did it.
        for (action, n) in [
            ("directory.structure.create", 1),
            ("directory.professional.create", 1),
            ("directory.assistant.create", 1),
        ] {
            let evs: Vec<_> = events_of(&site.app, action)
                .await
                .into_iter()
                .filter(|e| e.actor_id.as_deref() == Some(support_id.as_str()))
                .collect();
            assert_eq!(evs.len(), n, "{action}");
        }
        let ev = &events_of(&site.app, "directory.structure.create").await;
        assert_eq!(
            ev.last().unwrap().structure_id.as_deref(),
            Some(structure.as_str())
        );
        let ev = &events_of(&site.app, "directory.assistant.create").await;
        assert_eq!(
            ev.last().unwrap().on_behalf_of.as_deref(),
            Some(pro_id.as_str())
        );
    });
}

#[test]
fn a_refused_entry_is_shown_next_to_the_form_with_what_was_typed() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut support = site.browser();
        let csrf = support.signed_in(SUPPORT).await;
        let structure = mds_store::directory::list_structures(site.app.db()).await;
        let structure = structure.unwrap()[0].clone();
        let before = events_of(&site.app, "directory.professional.create")
            .await
            .len();

        let pro = |profession: &'static str, login: &'static str| {
            let sid = structure.id.clone();
            let csrf = csrf.clone();
            move || {
                vec![
                    ("csrf".to_owned(), csrf.clone()),
                    ("last_name".to_owned(), "Tein".to_owned()),
                    ("first_name".to_owned(), "Gaston".to_owned()),
                    ("login".to_owned(), login.to_owned()),
                    ("profession".to_owned(), profession.to_owned()),
                    ("professional_id".to_owned(), "810007777".to_owned()),
                    ("structure_ids".to_owned(), sid.clone().to_string()),
                ]
            }
        };
        for (fields, message) in [
            (
                pro("astronaute", "g.tein@test.mds.nc")(),
                "Profession inconnue.",
            ),
            (
                pro("medecin", DOCTOR)(),
                "Cet identifiant de connexion est déjà utilisé.",
            ),
        ] {
            let refs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let page = support
                .post("/support/professionals/new", &refs)
                .await
                .expect(StatusCode::UNPROCESSABLE_ENTITY, message);
            assert_safe_html(&page, message);
            assert!(page.body.contains("role=\"alert\""), "{}", page.body);
            assert!(page.body.contains(message), "{}", page.body);
            assert!(page.body.contains("value=\"Tein\""), "typed name kept");
            assert!(page.body.contains("value=\"Gaston\""));
            assert!(page.body.contains("value=\"810007777\""));
            assert!(page
                .body
                .contains(&format!("<option value=\"{}\" selected", structure.id)));
            assert!(!page.body.contains("enrolment-token"));
        }
        let no_structure = support
            .post(
                "/support/professionals/new",
                &[
                    ("csrf", &csrf),
                    ("last_name", "Tein"),
                    ("first_name", "Gaston"),
                    ("login", "g.tein@test.mds.nc"),
                    ("profession", "medecin"),
                    ("professional_id", "810007777"),
                    ("samu_regulator", "1"),
                ],
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "no structure");
        assert!(no_structure.body.contains("au moins une structure"));
        assert!(
            no_structure.body.contains("checked"),
            "the box stays ticked"
        );
        assert_eq!(
            events_of(&site.app, "directory.professional.create")
                .await
                .len(),
            before,
            "nothing created"
        );
        assert!(find_account_id(&site.app, "g.tein@test.mds.nc")
            .await
            .is_none());

        let dup = support
            .post(
                "/support/structures/new",
                &[
                    ("csrf", &csrf),
                    ("name", "Doublon <b>test</b>"),
                    ("ridet", &structure.ridet),
                    ("kind", "clinic"),
                    ("commune", "98818"),
                ],
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "duplicate RIDET");
        assert!(dup
            .body
            .contains("Une structure avec ce numéro RIDET existe déjà."));
        assert!(
            dup.body
                .contains("value=\"Doublon &lt;b&gt;test&lt;/b&gt;\""),
            "{}",
            dup.body
        );
        assert!(dup.body.contains("<option value=\"clinic\" selected"));
        assert!(dup.body.contains("<option value=\"98818\" selected"));
        let bad_ridet = support
            .post(
                "/support/structures/new",
                &[
                    ("csrf", &csrf),
                    ("name", "Autre"),
                    ("ridet", "12-34"),
                    ("kind", "clinic"),
                    ("commune", "98818"),
                ],
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "bad RIDET");
        assert!(bad_ridet.body.contains("1234567.001"));
        assert!(bad_ridet.body.contains("value=\"12-34\""));

        let unknown = support
            .post(
                "/support/assistants/new",
                &[
                    ("csrf", &csrf),
                    ("professional_account_id", "nobody"),
                    ("last_name", "Poithily"),
                    ("first_name", "Sonia"),
                    ("login", "s.poithily@test.mds.nc"),
                ],
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "unknown professional");
        assert!(unknown.body.contains("Professionnel inconnu."));
        assert!(unknown.body.contains("value=\"Poithily\""));
        assert!(find_account_id(&site.app, "s.poithily@test.mds.nc")
            .await
            .is_none());
    });
}

#[test]
fn other_portals_cannot_use_the_forms_and_a_missing_token_is_refused() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut doctor = site.browser();
        let dcsrf = doctor.signed_in(DOCTOR).await;
        let mut assistant = site.browser();
        let acsrf = assistant.signed_in(ASSISTANT).await;
        let paths = [
            "/support/structures/new",
            "/support/professionals/new",
            "/support/assistants/new",
        ];
        for path in paths {
            doctor.get(path).await.redirects_to("/", path);
            assistant.get(path).await.redirects_to("/", path);
            for (who, csrf) in [(&mut doctor, &dcsrf), (&mut assistant, &acsrf)] {
                who.post(
                    path,
                    &[
                        ("csrf", csrf),
                        ("name", "Intrus"),
                        ("ridet", "1111111.001"),
                        ("kind", "clinic"),
                        ("commune", "98818"),
                        ("last_name", "Intrus"),
                        ("first_name", "Intrus"),
                        ("login", "intrus@test.mds.nc"),
                        ("profession", "medecin"),
                        ("professional_id", "810001111"),
                    ],
                )
                .await
                .redirects_to("/", path);
            }
        }
        let mut anonymous = site.browser();
        let page = anonymous.get("/support/structures/new").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert!(page.location().starts_with("/login"), "{}", page.location());

        let mut support = site.browser();
        support.signed_in(SUPPORT).await;
        let forged = support
            .post(
                "/support/structures/new",
                &[
                    ("csrf", "forged"),
                    ("name", "Intrus"),
                    ("ridet", "1111111.001"),
                    ("kind", "clinic"),
                    ("commune", "98818"),
                ],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
        assert!(find_account_id(&site.app, "intrus@test.mds.nc")
            .await
            .is_none());
        for action in [
            "directory.structure.create",
            "directory.professional.create",
        ] {
            assert!(events_of(&site.app, action).await.iter().all(|e| e
                .detail
                .to_string()
                .find("Intrus")
                .is_none()));
        }
        let all = mds_store::directory::list_structures(site.app.db()).await;
        assert!(all.unwrap().iter().all(|s| s.name != "Intrus"));
    });
}
