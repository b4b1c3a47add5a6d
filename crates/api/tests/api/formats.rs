//! The format check through the REST upload (issue 14, item 4): content that only starts like
//! an accepted format is refused with today's `unsupported_format` answer and the reason;
//! DTDs keep their own code even without a prolog; real files and a CDA document starting
//! with a comment are stored with their format.

use axum::http::StatusCode;
use mds_testkit::api::*;
use mds_testkit::files;

#[test]
fn issue_14_uploads_are_recognised_by_their_structure() {
    on_both(|backend| async move {
        let mut w = World::new(backend).await;
        let pid = w.patient_id(MARIE_CAFAT).await;
        let uri = format!("/api/v1/records/{pid}/documents");
        let fields = [
            ("type_code", "11488-4"),
            ("title", "Examen"),
            ("act_date", "2026-11-20"),
            ("confirms_patient_informed", "true"),
        ];
        let html = "<html><body><script>alert(1)</script></body></html>";
        let refused: [(&str, Vec<u8>, &str, &str); 4] = [
            (
                "%PDF- then HTML",
                format!("%PDF-1.4\n{html}\n").into_bytes(),
                "unsupported_format",
                "PDF",
            ),
            (
                "JPEG magic then HTML",
                [&[0xff, 0xd8, 0xff, 0xe0], html.as_bytes()].concat(),
                "unsupported_format",
                "JPEG",
            ),
            (
                "DOCTYPE without prolog",
                b"<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><ClinicalDocument xmlns=\"urn:hl7-org:v3\">&e;</ClinicalDocument>".to_vec(),
                "xml_doctype_refused",
                "DOCTYPE",
            ),
            ("HTML page", html.into(), "unsupported_format", "CDA"),
        ];
        let mut failing = Vec::new();
        for (name, content, code, reason) in refused {
            let a = w.upload(DOCTOR, &uri, &fields, &content).await;
            let message = a.json["error"]["message"].as_str().unwrap_or("");
            if (a.status, a.code()) != (StatusCode::UNPROCESSABLE_ENTITY, code)
                || !message.contains(reason)
            {
                failing.push(format!("{name}: {} {}", a.status, a.json));
            }
        }
        // The sample without its XML declaration (which may only come first), after a comment.
        let body = String::from_utf8_lossy(files::CDA);
        let comment_first = format!("<!-- export -->{}", body.split_once("?>").unwrap().1);
        let accepted: [(&str, &[u8], &str); 3] = [
            ("PDF", files::PDF, "application/pdf"),
            ("JPEG", files::JPEG, "image/jpeg"),
            (
                "CDA starting with a comment",
                comment_first.as_bytes(),
                "application/xml",
            ),
        ];
        for (name, content, format) in accepted {
            let a = w.upload(DOCTOR, &uri, &fields, content).await;
            if (a.status, a.json["format"].as_str()) != (StatusCode::CREATED, Some(format)) {
                failing.push(format!("{name}: {} {}", a.status, a.json));
            }
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:#?}");
    });
}
