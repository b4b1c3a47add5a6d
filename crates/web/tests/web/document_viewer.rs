//! The document viewer and the patient's own documents, in-process on SQLite and PostgreSQL:
//! a PDF framed from an inline answer under its own sandboxing policy, an image, a hostile CDA
//! rendered as plain HTML (nothing executable, nothing remote), adding through the multipart
//! form (anti-CSRF token first), deleting after a confirmation, and another patient meeting
//! the uniform not-found page.
#![allow(clippy::unwrap_used)] // integration tests: a failed unwrap is a failed test

use axum::http::StatusCode;
use mds_testkit::web::*;

const CELINE: &str = "celine.dk@demo.mds.nc";
const PDF: &[u8] = mds_testkit::files::PDF;
const PNG: &[u8] = mds_testkit::files::PNG;
const INLINE_CSP: &str = "default-src 'none'; sandbox; frame-ancestors 'self'";

/// A CDA whose narrative tries every trick: scripts, handlers, `javascript:` and remote
/// links, remote images, frames, markup in text.
const HOSTILE_CDA: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <title>Compte rendu <script>alert('titre')</script>de radiologie</title>
  <effectiveTime value="20261105"/>
  <recordTarget><patientRole><patient><name><given>Céline</given><family>Dupont-Kasarhérou</family></name>
    <birthTime value="19901130"/></patient></patientRole></recordTarget>
  <author><time value="20261105"/><assignedAuthor><assignedPerson><name><prefix>Dr</prefix><given>Paul</given>
    <family>Radio</family></name></assignedPerson><representedOrganization><name>Centre d'imagerie</name>
    </representedOrganization></assignedAuthor></author>
  <component><structuredBody>
    <component><section><title>Conclusion</title><text>
      <paragraph onclick="alert(1)" styleCode="Bold">Pas d'anomalie décelée.<script>alert('x')</script></paragraph>
      <paragraph>Voir <linkHtml href="javascript:alert(2)">le détail</linkHtml> et
        <linkHtml href="https://evil.example/leak">la source</linkHtml>.</paragraph>
      <renderMultiMedia referencedObject="img1"/>
      <xhtml:img src="https://evil.example/pixel.png" onerror="alert(3)"/>
      <xhtml:iframe src="https://evil.example/frame">cadre</xhtml:iframe>
      <list><item>&lt;b onmouseover=alert(4)&gt;gras&lt;/b&gt;</item><item>Deuxième point</item></list>
      <table><thead><tr><th>Examen</th><th>Résultat</th></tr></thead>
        <tbody><tr><td>Radiographie thoracique</td><td>Normale</td></tr></tbody></table>
    </text>
    <entry><observationMedia ID="img1"><value mediaType="image/png">
      <reference value="https://evil.example/scan.png"/></value></observationMedia></entry>
    </section></component>
  </structuredBody></component>
</ClinicalDocument>"#;

/// Adds a document through the patient's form; returns its page's address.
async fn add(b: &mut Browser<'_>, csrf: &str, title: &str, file: (&str, &[u8])) -> String {
    let page = b
        .post_multipart(
            "/patient/documents/add",
            &[
                ("csrf", csrf),
                ("type_code", "11488-4"),
                ("act_date", "2026-11-05"),
                ("title", title),
            ],
            ("file", file.0, file.1),
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "add {title}: {}",
        page.body
    );
    let to = page.location().to_owned();
    let path = to
        .strip_suffix("?ok=added")
        .unwrap_or_else(|| panic!("{to}"));
    assert!(path.starts_with("/patient/documents/"), "{to}");
    path.to_owned()
}

fn header(p: &Page, name: &str) -> String {
    p.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn a_pdf_is_framed_from_an_inline_sandboxed_answer_and_an_image_is_shown() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut celine = site.browser();
        let csrf = celine.signed_in(CELINE).await;
        let form = celine
            .get("/patient/documents/add")
            .await
            .expect(StatusCode::OK, "add form");
        assert!(
            form.body.contains("Le document sera visible par vous"),
            "{}",
            form.body
        );
        assert!(form.body.contains("5 Mo"), "{}", form.body);
        let doc = add(
            &mut celine,
            &csrf,
            "Échographie — compte rendu",
            ("e.pdf", PDF),
        )
        .await;
        let page = celine
            .get(&format!("{doc}?ok=added"))
            .await
            .expect(StatusCode::OK, "pdf page");
        assert!(
            page.body.contains("Document ajouté à votre dossier."),
            "{}",
            page.body
        );
        let frame = format!("<iframe class=\"pdf\" src=\"{doc}/view\"");
        assert!(page.body.contains(&frame), "{}", page.body);
        assert!(page
            .body
            .contains("title=\"Document PDF — Échographie — compte rendu\""));
        // The page's policy is the strict one, plus frames of this site (checked in Browser).
        assert!(header(&page, "content-security-policy").ends_with("; frame-src 'self'"));
        let view = celine
            .get(&format!("{doc}/view"))
            .await
            .expect(StatusCode::OK, "pdf inline");
        assert_eq!(header(&view, "content-type"), "application/pdf");
        assert!(header(&view, "content-disposition").starts_with("inline; filename="));
        assert_eq!(header(&view, "content-security-policy"), INLINE_CSP);
        assert_eq!(header(&view, "x-content-type-options"), "nosniff");
        assert_eq!(header(&view, "x-frame-options"), "SAMEORIGIN");
        // The portal's client reads bodies as text: compare the same lossy reading.
        assert_eq!(view.body, String::from_utf8_lossy(PDF));
        // The download stays an attachment, never framed.
        let download = celine.get(&format!("{doc}/content")).await;
        assert!(header(&download, "content-disposition").starts_with("attachment"));
        assert_eq!(header(&download, "x-frame-options"), "DENY");

        let img = add(&mut celine, &csrf, "Photo de l'ordonnance", ("o.png", PNG)).await;
        let page = celine.get(&img).await.expect(StatusCode::OK, "image page");
        assert!(
            page.body.contains(&format!(
                "<img class=\"doc-image\" src=\"{img}/view\" alt=\"Photo de l&#39;ordonnance\">"
            )) || page.body.contains(&format!(
                "<img class=\"doc-image\" src=\"{img}/view\" alt=\"Photo de l'ordonnance\">"
            )),
            "{}",
            page.body
        );
        assert!(!page.body.contains("<iframe"), "no frame for an image");
        let view = celine
            .get(&format!("{img}/view"))
            .await
            .expect(StatusCode::OK, "png");
        assert_eq!(header(&view, "content-type"), "image/png");
        assert_eq!(header(&view, "content-security-policy"), INLINE_CSP);
        assert_eq!(header(&view, "x-content-type-options"), "nosniff");
    });
}

#[test]
fn a_hostile_cda_is_rendered_as_plain_text_without_anything_active_or_remote() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut celine = site.browser();
        let csrf = celine.signed_in(CELINE).await;
        let doc = add(
            &mut celine,
            &csrf,
            "Radio <b>thorax</b>",
            ("r.xml", HOSTILE_CDA.as_bytes()),
        )
        .await;
        // Browser::get checks the strict policy, no inline script, no handler, no javascript:.
        let page = celine.get(&doc).await.expect(StatusCode::OK, "cda page");
        let b = &page.body;
        for shown in [
            "Compte rendu de radiologie",
            "05/11/2026",
            "Céline Dupont-Kasarhérou",
            "30/11/1990",
            "Dr Paul Radio",
            "Centre d&#39;imagerie",
            "<h3>Conclusion</h3>",
            "Pas d&#39;anomalie décelée.",
            "Voir le détail et la source.",
            "&lt;b onmouseover=alert(4)&gt;gras&lt;/b&gt;",
            "<th scope=\"col\">Examen</th>",
            "<td>Radiographie thoracique</td>",
            "Une image ou un contenu multimédia",
            "Radio &lt;b&gt;thorax&lt;/b&gt;",
        ] {
            let found = b.contains(shown) || b.contains(&shown.replace("&#39;", "'"));
            assert!(found, "{shown} not in {b}");
        }
        let lower = b.to_lowercase();
        for absent in [
            "evil.example",
            "<iframe",
            "<img",
            "alert(",
            "onclick",
            "onerror",
            "<b>",
        ] {
            let allowed = absent == "alert(" && lower.contains("alert(4)");
            let count = lower.matches(absent).count();
            let expected = usize::from(allowed);
            assert_eq!(count, expected, "{absent} in {b}");
        }
        assert_eq!(
            lower.matches("<script").count(),
            1,
            "only the site's script: {b}"
        );
        // A CDA declaring entities is refused at the deposit, in the form.
        let refused = celine
            .post_multipart(
                "/patient/documents/add",
                &[
                    ("csrf", &csrf),
                    ("type_code", "11488-4"),
                    ("act_date", "2026-11-05"),
                    ("title", "Entités"),
                ],
                (
                    "file",
                    "x.xml",
                    b"<?xml version=\"1.0\"?><!DOCTYPE c [<!ENTITY x \"y\">]><ClinicalDocument>&x;</ClinicalDocument>",
                ),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "entities");
        assert!(
            refused.body.contains("DOCTYPE et ENTITY"),
            "{}",
            refused.body
        );
        assert!(refused.body.contains("value=\"Entités\""), "fields kept");
    });
}

#[test]
fn the_add_form_checks_its_token_first_and_explains_refusals() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut celine = site.browser();
        let csrf = celine.signed_in(CELINE).await;
        let fields = |token: &'static str| {
            vec![
                ("title", "Sans jeton"),
                ("csrf", token),
                ("type_code", "11488-4"),
                ("act_date", "2026-11-05"),
            ]
        };
        // The token must come first: a late (even right) token is refused.
        let mut late = fields("");
        late[1].1 = &csrf;
        celine
            .post_multipart("/patient/documents/add", &late, ("file", "a.pdf", PDF))
            .await
            .expect(StatusCode::FORBIDDEN, "late token");
        celine
            .post_multipart(
                "/patient/documents/add",
                &[("csrf", "wrong"), ("title", "x")],
                ("file", "a.pdf", PDF),
            )
            .await
            .expect(StatusCode::FORBIDDEN, "wrong token");
        let empty_title = celine
            .post_multipart(
                "/patient/documents/add",
                &[
                    ("csrf", &csrf),
                    ("type_code", "11488-4"),
                    ("act_date", "2026-11-05"),
                    ("title", "  "),
                ],
                ("file", "a.pdf", PDF),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, "no title");
        assert!(
            empty_title.body.contains("Le titre est obligatoire"),
            "{}",
            empty_title.body
        );
        assert!(empty_title.body.contains("role=\"alert\""));
        let list = celine
            .get("/patient/documents")
            .await
            .expect(StatusCode::OK, "list");
        assert!(
            list.body.contains("href=\"/patient/documents/add\""),
            "link to the form"
        );
        assert!(!list.body.contains("Sans jeton"), "nothing was added");
    });
}

#[test]
fn deleting_explains_the_consequence_asks_confirmation_and_erases() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut celine = site.browser();
        let csrf = celine.signed_in(CELINE).await;
        let doc = add(&mut celine, &csrf, "Document à supprimer", ("d.pdf", PDF)).await;
        let page = celine.get(&doc).await.expect(StatusCode::OK, "page");
        assert!(page
            .body
            .contains("que vous avez ajouté, sera effacé définitivement"));
        assert!(page.body.contains(&format!("href=\"{doc}/delete\"")));
        assert!(
            page.body
                .contains("Vous pourrez le démasquer à tout moment.")
                && !page.body.contains("seul le professionnel"),
            "the masking hint of a document the patient added names no depositor"
        );
        let confirm = celine
            .get(&format!("{doc}/delete"))
            .await
            .expect(StatusCode::OK, "confirmation");
        assert!(
            confirm.body.contains("Supprimer « Document à supprimer »"),
            "{}",
            confirm.body
        );
        assert!(confirm.body.contains("ne peut pas être annulée"));
        // Without the token nothing happens.
        celine
            .post(&format!("{doc}/delete"), &[("csrf", "wrong")])
            .await
            .expect(StatusCode::FORBIDDEN, "no token");
        celine.get(&doc).await.expect(StatusCode::OK, "still there");
        celine
            .post(&format!("{doc}/delete"), &[("csrf", &csrf)])
            .await
            .redirects_to("/patient/documents?ok=deleted", "delete");
        let list = celine
            .get("/patient/documents?ok=deleted")
            .await
            .expect(StatusCode::OK, "list");
        assert!(list.body.contains("Document supprimé"), "{}", list.body);
        assert!(!list.body.contains("Document à supprimer"), "{}", list.body);
        celine.get(&doc).await.expect(StatusCode::NOT_FOUND, "gone");
        celine
            .get(&format!("{doc}/view"))
            .await
            .expect(StatusCode::NOT_FOUND, "content gone");
        // A professional's document: the consequence says so and offers masking instead.
        let list = celine.get("/patient/documents").await;
        let at = list.body.find("Consultation prénatale").unwrap();
        let start = list.body[..at].rfind("/patient/documents/").unwrap();
        let end = start + list.body[start..].find('"').unwrap();
        let pro_doc = celine
            .get(&list.body[start..end])
            .await
            .expect(StatusCode::OK, "pro doc");
        assert!(
            pro_doc.body.contains("déposé par un professionnel"),
            "{}",
            pro_doc.body
        );
        assert!(pro_doc.body.contains("masquez-le plutôt"));
        // Text documents are shown in the page.
        assert!(
            pro_doc.body.contains("Grossesse évolutive"),
            "{}",
            pro_doc.body
        );
        // The history keeps the trace of the deletion.
        let history = celine
            .get("/patient/history?who=mine")
            .await
            .expect(StatusCode::OK, "history");
        assert!(
            history.body.to_lowercase().contains("supprim"),
            "{}",
            history.body
        );
    });
}

#[test]
fn another_patient_meets_the_uniform_not_found() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut celine = site.browser();
        let csrf = celine.signed_in(CELINE).await;
        let doc = add(&mut celine, &csrf, "Privé", ("p.pdf", PDF)).await;
        let mut marie = site.browser();
        let mcsrf = marie.signed_in(PATIENT).await;
        let unknown = marie
            .get("/patient/documents/00000000-0000-4000-8000-000000000000")
            .await
            .expect(StatusCode::NOT_FOUND, "unknown");
        for path in [
            doc.clone(),
            format!("{doc}/view"),
            format!("{doc}/content"),
            format!("{doc}/delete"),
        ] {
            let p = marie.get(&path).await.expect(StatusCode::NOT_FOUND, &path);
            assert_eq!(p.body, unknown.body, "{path}");
        }
        let p = marie
            .post(&format!("{doc}/delete"), &[("csrf", &mcsrf)])
            .await
            .expect(StatusCode::NOT_FOUND, "delete");
        assert_eq!(p.body, unknown.body);
        celine
            .get(&doc)
            .await
            .expect(StatusCode::OK, "still Céline's");
    });
}

#[test]
fn a_professional_sees_the_pdf_in_the_viewer_of_the_record() {
    on_both(|backend| async move {
        let site = Site::demo(backend).await;
        let mut doctor = site.browser();
        doctor.signed_in(DOCTOR).await;
        let record = doctor.get(MARIE_CONTEXT).await.location().to_owned();
        let page = doctor.get(&record).await.expect(StatusCode::OK, "record");
        let at = page
            .body
            .find("Consultation de suivi — hypertension")
            .unwrap();
        let start = page.body[..at]
            .rfind(&format!("{record}/documents/"))
            .unwrap();
        let end = start + page.body[start..].find('"').unwrap();
        let doc = page.body[start..end].to_owned();
        let page = doctor
            .get(&doc)
            .await
            .expect(StatusCode::OK, "pro document");
        assert!(
            page.body.contains(&format!("src=\"{doc}/view\"")),
            "{}",
            page.body
        );
        let view = doctor
            .get(&format!("{doc}/view"))
            .await
            .expect(StatusCode::OK, "inline");
        assert_eq!(header(&view, "content-type"), "application/pdf");
        assert_eq!(header(&view, "content-security-policy"), INLINE_CSP);
        assert!(header(&view, "content-disposition").starts_with("inline"));
        // An assistant reads nothing, inline or not.
        let mut assistant = site.browser();
        assistant.signed_in(ASSISTANT).await;
        let p = assistant.get(&format!("{doc}/view")).await;
        assert!(
            matches!(p.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{}",
            p.status
        );
    });
}
