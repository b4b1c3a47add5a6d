//! The support console's screens, in-process on SQLite and PostgreSQL: the directory of
//! professionals (search, one page each, suspend and reactivate with a reason, the
//! suspended professional's open session refused at its next page) and the supervision
//! alerts (list, review with a comment).
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use axum::http::StatusCode;
use mds_testkit::web::*;

/// The address of the first professional link of a directory page.
fn first_professional(body: &str) -> String {
    let start = body.find("href=\"/support/professionals/").unwrap() + "href=\"".len();
    let end = start + body[start..].find('"').unwrap();
    body[start..end].to_owned()
}

#[test]
fn support_suspends_a_professional_whose_open_session_ends_then_reactivates_them() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut bio = site.browser();
        bio.signed_in(BIOLOGIST).await;
        bio.get("/pro").await.expect(StatusCode::OK, "bio before");

        let mut support = site.browser();
        let csrf = support.signed_in(SUPPORT).await;
        let all = support
            .get("/support/professionals")
            .await
            .expect(StatusCode::OK, "directory");
        assert!(all.body.contains("TEIN Hélène"), "{}", all.body);
        assert!(
            all.body.contains("WAMYTAN"),
            "every professional without a search"
        );
        let found = support
            .get("/support/professionals?q=tei")
            .await
            .expect(StatusCode::OK, "search");
        assert!(found.body.contains("TEIN Hélène"), "{}", found.body);
        assert!(!found.body.contains("WAMYTAN"), "the search filters");
        let none = support
            .get("/support/professionals?q=%3Cscript%3Ezz")
            .await
            .expect(StatusCode::OK, "no match");
        assert!(none.body.contains("Aucun professionnel trouvé."));
        assert!(
            none.body.contains("&lt;script&gt;zz"),
            "search echoed as text"
        );

        let page = first_professional(&found.body);
        let shown = support.get(&page).await.expect(StatusCode::OK, "page");
        assert!(shown
            .body
            .contains("Toutes ses sessions sont fermées immédiatement"));
        assert!(shown.body.contains(&format!("action=\"{page}/suspend\"")));

        // The session's token is required.
        let reason = "Usurpation signalée par l'Ordre";
        let refused = support
            .post(&format!("{page}/suspend"), &[("reason", reason)])
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        bio.get("/pro").await.expect(StatusCode::OK, "still open");

        support
            .post(
                &format!("{page}/suspend"),
                &[("csrf", &csrf), ("reason", reason)],
            )
            .await
            .redirects_to(&page, "suspend");
        let suspended = support.get(&page).await.expect(StatusCode::OK, "after");
        assert!(suspended.body.contains("suspendu"), "{}", suspended.body);
        assert!(suspended
            .body
            .contains(&format!("action=\"{page}/reactivate\"")));

        let next = bio.get("/pro").await;
        assert_eq!(next.status, StatusCode::SEE_OTHER, "{}", next.body);
        assert!(next.location().starts_with("/login"), "{}", next.location());

        // Suspending twice is a conflict shown as a French page, not a crash.
        let twice = support
            .post(
                &format!("{page}/suspend"),
                &[("csrf", &csrf), ("reason", reason)],
            )
            .await;
        assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.body);

        support
            .post(
                &format!("{page}/reactivate"),
                &[("csrf", &csrf), ("reason", "Vérification faite")],
            )
            .await
            .redirects_to(&page, "reactivate");
        let back = support
            .get(&page)
            .await
            .expect(StatusCode::OK, "reactivated");
        assert!(back.body.contains(&format!("action=\"{page}/suspend\"")));
    });
}

#[test]
fn the_directory_is_for_support_agents_only() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut pro = site.browser();
        let csrf = pro.signed_in(DOCTOR).await;
        pro.get("/support/professionals")
            .await
            .redirects_to("/", "a professional is sent back");
        let mut support = site.browser();
        support.signed_in(SUPPORT).await;
        let list = support.get("/support/professionals?q=tein").await;
        let page = first_professional(&list.body);
        pro.get(&page).await.redirects_to("/", "page");
        pro.post(
            &format!("{page}/suspend"),
            &[("csrf", &csrf), ("reason", "x")],
        )
        .await
        .redirects_to("/", "a professional cannot suspend");
        let still = support.get(&page).await.expect(StatusCode::OK, "unchanged");
        assert!(still.body.contains(&format!("action=\"{page}/suspend\"")));
        support
            .get("/support/professionals/nope")
            .await
            .expect(StatusCode::NOT_FOUND, "unknown professional");
    });
}

#[test]
fn support_reviews_a_supervision_alert_with_a_comment() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        site.app.run_supervision(now()).await.unwrap();
        let mut support = site.browser();
        let csrf = support.signed_in(SUPPORT).await;
        let before = support
            .get("/support/alerts")
            .await
            .expect(StatusCode::OK, "alerts");
        assert!(!before.body.contains("/review\""), "{}", before.body);

        // A burst of denials: the nurse opens a record outside her care again and again.
        let mut nurse = site.browser();
        nurse.signed_in(NURSE).await;
        let record = nurse.get(MARIE_CONTEXT).await.location().to_owned();
        for _ in 0..12 {
            nurse.get(&format!("{record}/documents/nope")).await;
        }
        let report = site.app.run_supervision(now()).await.unwrap();
        assert!(report.alerts_raised >= 1, "{report:?}");

        let open = support
            .get("/support/alerts?state=open")
            .await
            .expect(StatusCode::OK, "open alerts");
        assert!(open.body.contains("Kaloï"), "{}", open.body);
        let start = open.body.find("action=\"/support/alerts/").unwrap() + "action=\"".len();
        let end = start + open.body[start..].find('"').unwrap();
        let review = open.body[start..end].to_owned();

        // The comment is required (a French message), the session's token too.
        let empty = support
            .post(&review, &[("csrf", &csrf), ("comment", "  ")])
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("Un commentaire est obligatoire"));
        let comment = "<script>alert(1)</script> appel passé à l'infirmière";
        let forged = support.post(&review, &[("comment", comment)]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);

        support
            .post(&review, &[("csrf", &csrf), ("comment", comment)])
            .await
            .redirects_to("/support/alerts?state=reviewed", "review");
        let reviewed = support
            .get("/support/alerts?state=reviewed")
            .await
            .expect(StatusCode::OK, "reviewed");
        assert!(reviewed
            .body
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; appel passé"));
        assert!(!reviewed.body.contains(&format!("action=\"{review}\"")));
        let again = support
            .post(&review, &[("csrf", &csrf), ("comment", "encore")])
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

        let mut pro = site.browser();
        pro.signed_in(DOCTOR).await;
        pro.get("/support/alerts")
            .await
            .redirects_to("/", "professionals are sent back");
    });
}

const PDF: &[u8] = mds_testkit::files::PDF;
const PNG: &[u8] = mds_testkit::files::PNG;
const PASSWORD: &str = "Kanak-Santé-2026!";

/// A request in the queue, sent through the use case the public form will call.
async fn enrol(
    site: &Site,
    name: &str,
    cafat: &str,
    email: &str,
) -> mds_app::patients::self_enrolment::EnrolmentReceipt {
    let e = mds_app::patients::self_enrolment::SelfEnrolment {
        identity: mds_domain::identity::IdentityInput {
            identifier_kind: String::new(),
            cafat: cafat.into(),
            birth_name: name.into(),
            first_names: vec!["Josiane".into()],
            birth_date: "1991-02-03".into(),
            sex: "F".into(),
            birth_place: "98814".into(),
        },
        email: email.into(),
        phone: Some("+687 25 12 34".into()),
        password: PASSWORD.into(),
        identity_document: PDF.to_vec(),
        cafat_card: PNG.to_vec(),
        informed_of_rights: true,
    };
    site.app
        .submit_self_enrolment(e, None, now())
        .await
        .unwrap()
}

/// The address after `prefix` in the first `href="prefix…"` or `src="prefix…"` of a page.
fn link(body: &str, attr: &str, prefix: &str) -> String {
    let needle = format!("{attr}=\"{prefix}");
    let start = body.find(&needle).unwrap() + attr.len() + 2;
    let end = start + body[start..].find('"').unwrap();
    body[start..end].to_owned()
}

#[test]
fn support_compares_the_scans_with_the_traits_then_validates_or_rejects() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let first = enrol(&site, "Wahmetu", "777111", "josiane.w@example.nc").await;
        let second = enrol(&site, "Poindi", "777222", "autre.w@example.nc").await;
        let mut support = site.browser();
        let csrf = support.signed_in(SUPPORT).await;
        let home = support
            .get("/support")
            .await
            .expect(StatusCode::OK, "queue");
        let page = format!("/support/enrolments/{}", first.request_id);
        assert!(
            home.body.contains(&format!("href=\"{page}\"")),
            "{}",
            home.body
        );

        let shown = support.get(&page).await.expect(StatusCode::OK, "request");
        for text in [
            "WAHMETU",
            "Josiane",
            "777111",
            "josiane.w@example.nc",
            "Carte CAFAT",
        ] {
            assert!(shown.body.contains(text), "{text}: {}", shown.body);
        }
        let image = link(&shown.body, "src", &format!("{page}/scans/"));
        let pdf = link(&shown.body, "href", &format!("{page}/scans/"));
        assert_ne!(image, pdf);
        let png = support.get(&image).await.expect(StatusCode::OK, "image");
        assert_eq!(png.headers["content-type"], "image/png");
        // The portal's client reads bodies as text: compare the same lossy reading.
        assert_eq!(png.body, String::from_utf8_lossy(PNG), "decrypted scan");
        let doc = support.get(&pdf).await.expect(StatusCode::OK, "pdf");
        assert_eq!(doc.headers["content-type"], "application/pdf");
        assert!(doc.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"));

        let mut pro = site.browser();
        pro.signed_in(DOCTOR).await;
        pro.get(&image)
            .await
            .redirects_to("/", "professionals see no scan");
        pro.get(&page).await.redirects_to("/", "nor the request");

        let forged = support.post(&format!("{page}/validate"), &[]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let done = support
            .post(&format!("{page}/validate"), &[("csrf", &csrf)])
            .await
            .expect(StatusCode::OK, "validated");
        assert!(done.body.contains("Inscription validée"));
        let start = done.body.find("id=\"enrolment-token\">").unwrap() + 21;
        let token = &done.body[start..start + done.body[start..].find('<').unwrap()];
        // The token shown is the one that activates the account's second factor.
        site.app
            .begin_enrolment(token, "Autre-Mot-de-passe-2026", now())
            .await
            .unwrap();
        support
            .get(&page)
            .await
            .expect(StatusCode::NOT_FOUND, "no longer pending");

        let other = format!("/support/enrolments/{}", second.request_id);
        let empty = support
            .post(
                &format!("{other}/reject"),
                &[("csrf", &csrf), ("reason", " ")],
            )
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        let reason = "La carte CAFAT est illisible : envoyez une photo nette.";
        support
            .post(
                &format!("{other}/reject"),
                &[("csrf", &csrf), ("reason", reason)],
            )
            .await
            .redirects_to("/support", "rejected");
        let status = site
            .app
            .self_enrolment_status(&second.status_token)
            .await
            .unwrap();
        assert_eq!(
            (status.status.as_str(), status.reason.as_deref()),
            ("rejected", Some(reason))
        );
    });
}

/// A multipart form with text fields then files, in order.
pub(crate) async fn post_parts(
    b: &mut Browser<'_>,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> Page {
    let form = fields
        .iter()
        .fold(Multipart::new(), |form, (k, v)| form.text(k, v));
    let form = files.iter().fold(form, |form, (name, content)| {
        form.file(name, &format!("{name}.bin"), content)
    });
    b.post_form(path, form.finish()).await
}

/// The text of the element `id` (a `code` element) of a page.
pub(crate) fn code_of(body: &str, id: &str) -> String {
    let needle = format!("id=\"{id}\">");
    let start = body.find(&needle).unwrap_or_else(|| panic!("{id}: {body}")) + needle.len();
    body[start..start + body[start..].find('<').unwrap()].to_owned()
}

#[test]
fn a_person_enrols_support_validates_the_person_activates_and_signs_in() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut person = site.browser();
        let form = person
            .get("/inscription")
            .await
            .expect(StatusCode::OK, "form");
        let csrf = form.csrf();
        let email = "josiane.poindi@example.nc";
        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("birth_name", "Poindi"),
            ("first_names", "Josiane Marie"),
            ("birth_date", "1990-04-05"),
            ("sex", "F"),
            ("birth_place", "98818"),
            ("cafat", "555444"),
            ("email", "pas-une-adresse"),
            ("phone", ""),
            ("password", PASSWORD),
            ("informed_of_rights", "yes"),
        ];
        let files: &[(&str, &[u8])] = &[("identity_document", PDF), ("cafat_card", PNG)];
        let mut stranger = site.browser();
        let forged = post_parts(&mut stranger, "/inscription", &fields, files).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "no nonce cookie");
        let refused = post_parts(&mut person, "/inscription", &fields, files).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains("n'est pas valide"),
            "{}",
            refused.body
        );
        assert!(
            refused.body.contains("value=\"Poindi\""),
            "typed values kept"
        );
        fields[7] = ("email", email);
        let sent = post_parts(&mut person, "/inscription", &fields, files)
            .await
            .expect(StatusCode::OK, "sent");
        let tracking = code_of(&sent.body, "status-token");

        let status_form = person.get("/inscription/suivi").await;
        let csrf = status_form.csrf();
        let pending = person
            .post(
                "/inscription/suivi",
                &[("csrf", &csrf), ("token", &tracking)],
            )
            .await
            .expect(StatusCode::OK, "status");
        assert!(pending.body.contains("en cours de vérification"));

        let mut support = site.browser();
        let s_csrf = support.signed_in(SUPPORT).await;
        let queue = support.get("/support").await;
        let request = link(&queue.body, "href", "/support/enrolments/");
        let shown = support
            .get(&request)
            .await
            .expect(StatusCode::OK, "request");
        assert!(shown.body.contains("POINDI") && shown.body.contains("Josiane Marie"));
        // Issue 18, item 9: the birth place by its name.
        assert!(shown.body.contains("Nouméa (98818)"), "{}", shown.body);
        let done = support
            .post(&format!("{request}/validate"), &[("csrf", &s_csrf)])
            .await
            .expect(StatusCode::OK, "validated");
        let activation = code_of(&done.body, "enrolment-token");
        assert!(activation.chars().count() <= 12, "{activation}");
        assert!(done.body.contains(email), "the address it was e-mailed to");
        // Typed as a person might: lower case, spaces for hyphens.
        let activation = activation.replace('-', " ").to_lowercase();

        let validated = person
            .post(
                "/inscription/suivi",
                &[("csrf", &csrf), ("token", &tracking)],
            )
            .await;
        assert!(validated.body.contains("Votre demande est validée"));

        let csrf = person.get("/activation").await.csrf();
        let wrong = person
            .post(
                "/activation",
                &[("csrf", &csrf), ("token", "nope"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(
            wrong.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            wrong.body
        );
        let password = "Nouveau-mot-de-passe-2026";
        let step1 = person
            .post(
                "/activation",
                &[
                    ("csrf", &csrf),
                    ("token", &activation),
                    ("password", password),
                ],
            )
            .await
            .expect(StatusCode::OK, "secret");
        let secret = code_of(&step1.body, "totp-secret");
        let step = mds_app::accounts::totp::step_at(now().millis());
        let code = mds_app::accounts::totp::code_at_step(&secret, step).unwrap();
        person
            .post(
                "/activation/confirm",
                &[
                    ("csrf", &csrf),
                    ("token", &activation),
                    ("secret", &secret),
                    ("code", &code),
                ],
            )
            .await
            .redirects_to("/login", "activated");

        let next = mds_app::accounts::totp::code_at_step(&secret, step + 1).unwrap();
        person
            .password_step(email, password, "")
            .await
            .redirects_to("/login/code", "the password step");
        person
            .code_step(&next, "")
            .await
            .redirects_to("/patient", "the person signs in");
        let home = person.get("/patient").await.expect(StatusCode::OK, "home");
        assert!(home.body.contains("Josiane"), "{}", home.body);
    });
}

#[test]
fn a_rejection_reason_reaches_the_person_as_text() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let receipt = enrol(&site, "Naisseline", "777333", "n.n@example.nc").await;
        let mut support = site.browser();
        let csrf = support.signed_in(SUPPORT).await;
        let reason = "<script>alert(1)</script> <b>Photo floue</b>";
        support
            .post(
                &format!("/support/enrolments/{}/reject", receipt.request_id),
                &[("csrf", &csrf), ("reason", reason)],
            )
            .await
            .redirects_to("/support", "rejected");
        let mut person = site.browser();
        let csrf = person.get("/inscription/suivi").await.csrf();
        let forged = site
            .browser()
            .post(
                "/inscription/suivi",
                &[("csrf", &csrf), ("token", &receipt.status_token)],
            )
            .await;
        assert_eq!(
            forged.status,
            StatusCode::FORBIDDEN,
            "the nonce cookie is required"
        );
        let status = person
            .post(
                "/inscription/suivi",
                &[("csrf", &csrf), ("token", &receipt.status_token)],
            )
            .await
            .expect(StatusCode::OK, "status");
        assert!(status.body.contains("Votre demande a été refusée."));
        assert!(status
            .body
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;Photo floue&lt;/b&gt;"));
        let unknown = person
            .post("/inscription/suivi", &[("csrf", &csrf), ("token", "nope")])
            .await;
        assert!(unknown.body.contains("Ce numéro de suivi est inconnu."));
    });
}
