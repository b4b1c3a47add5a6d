//! Issue 18, item 10: the export a person can read. The ZIP holds `index.html` and
//! `index.pdf` listing the documents, each link of the page names a file of the archive,
//! files are named by date and title (sanitised, unique), every text of the page is escaped,
//! and the manifest lists the new files with their SHA-256. Both backends, fixed clock.
#![allow(clippy::unwrap_used)]

use mds_app::record::documents::NewDocument;
use mds_testkit::app::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;

const HOSTILE: &str = "<script>alert(\"x\")</script> Bilan d'œil & co";

fn document(title: &str, act_date: &str, salt: &str) -> NewDocument {
    NewDocument {
        type_code: "11488-4".to_owned(),
        title: title.to_owned(),
        act_date: act_date.to_owned(),
        confirms_patient_informed: true,
        content: mds_testkit::files::pdf(&format!("Bilan {salt}")),
        ..NewDocument::default()
    }
}

pub(crate) fn unzip(bytes: Vec<u8>) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut files = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        files.insert(entry.name().unwrap().to_string(), content);
    }
    files
}

/// The targets of the page's `href="…"`.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

#[test]
fn issue_18_the_export_holds_a_readable_index_whose_links_resolve() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let patient = actor(&f.app, PATIENT, at(0)).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let marie = patient_id_by_cafat(&f.app, "1234567").await;
        for salt in ["un", "deux"] {
            f.app
                .add_document(
                    &doctor,
                    &marie,
                    document(HOSTILE, "2026-09-01", salt),
                    None,
                    at(MINUTE),
                )
                .await
                .unwrap();
        }
        let files = unzip(
            f.app
                .export_own_record(&patient, at(2 * MINUTE))
                .await
                .unwrap(),
        );
        let html = String::from_utf8(files["index.html"].clone()).unwrap();

        // Self-contained, French, no script; the hostile title escaped.
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"),
            "{html}"
        );
        assert!(!html.to_lowercase().contains("<script"), "{html}");
        assert!(!html.contains("src="), "nothing loaded from outside");
        assert!(html.contains(
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Bilan d&#39;œil &amp; co"
        ));
        assert!(html.contains("<td data-label=\"Date\">01/09/2026</td>"));
        assert!(
            html.contains("Jean NÉA") || html.contains("NÉA"),
            "the author: {html}"
        );

        // Every link names a file of the archive; every document is linked once.
        let docs: serde_json::Value = serde_json::from_slice(&files["documents.json"]).unwrap();
        let docs = docs.as_array().unwrap();
        assert_eq!(docs.len(), 6, "{backend:?}: 4 demo documents and 2 added");
        let targets = links(&html);
        for t in &targets {
            assert!(files.contains_key(t), "{backend:?}: link {t} resolves");
        }
        for d in docs {
            let file = d["file"].as_str().unwrap();
            assert_eq!(
                targets.iter().filter(|t| *t == file).count(),
                1,
                "{file} linked"
            );
            let name = file.strip_prefix("documents/").unwrap();
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                    && !name.starts_with('.'),
                "{name}"
            );
        }
        // Same date, same title: two distinct names made of the date and the title.
        let mut same: Vec<&str> = docs
            .iter()
            .filter(|d| d["title"] == HOSTILE)
            .map(|d| d["file"].as_str().unwrap())
            .collect();
        same.sort_unstable();
        assert_eq!(
            same,
            [
                "documents/2026-09-01_script-alert-x-script-Bilan-d-oeil-co.pdf",
                "documents/2026-09-01_script-alert-x-script-Bilan-d-oeil-co_2.pdf",
            ],
            "{backend:?}"
        );

        // The printable list, a PDF naming the same documents.
        let pdf = &files["index.pdf"];
        assert!(pdf.starts_with(b"%PDF-1.4\n") && pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(pdf);
        assert!(text.contains("/BaseFont /Helvetica /Encoding /WinAnsiEncoding"));
        assert!(text.contains(same[0]), "the file names in the PDF");

        // The manifest lists the new files with their SHA-256, like the others.
        let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
        let listed = manifest["files"].as_array().unwrap();
        assert_eq!(
            listed.len(),
            files.len() - 2,
            "all but the manifest and its signature"
        );
        for name in ["index.html", "index.pdf"] {
            let entry = listed.iter().find(|e| e["path"] == name).unwrap();
            let digest = data_encoding::HEXLOWER.encode(&Sha256::digest(&files[name]));
            assert_eq!(entry["sha256"], digest.as_str(), "{backend:?}: {name}");
        }
        // For a look by hand (pdftotext, a browser): MDS_EXPORT_SAMPLE_DIR=/some/dir.
        if let Ok(dir) = std::env::var("MDS_EXPORT_SAMPLE_DIR") {
            for (name, content) in &files {
                let path = std::path::Path::new(&dir).join(name);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, content).unwrap();
            }
        }
    });
}
