//! Files kept after a refused form (issue 18 item 7), on both backends and a real vault: only
//! their holder gets them back, for their form, before expiry; at most three per form field;
//! released or expired, their vault object is gone; the orphan sweep spares them.

use mds_app::held_uploads::{nonce_holder, HOLD_MINUTES, MAX_PER_FORM};
use mds_testkit::app::*;

const FORM: &str = "pro.add.file";
const PDF: &[u8] = b"%PDF-1.4 held for the test";

#[test]
fn a_held_file_comes_back_to_its_holder_only_until_it_expires() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let t = at(0);
        let objects = app.vault().list().await.unwrap().len();
        let held = app
            .hold_upload("session-a", FORM, "C:\\scans\\cr.pdf", PDF, t)
            .await
            .unwrap()
            .expect("a file is held");
        assert_eq!(held.file_name, "cr.pdf");
        assert_eq!(held.size_bytes, i64::try_from(PDF.len()).unwrap());
        assert_eq!(
            app.vault().list().await.unwrap().len(),
            objects + 1,
            "sealed in the vault"
        );
        // (holder, form, minutes later, comes back)
        let cases = [
            ("session-a", FORM, 0, true),
            ("session-a", FORM, HOLD_MINUTES - 1, true),
            ("session-b", FORM, 0, false),
            ("session-a", "enrol.identity_document", 0, false),
            ("session-a", FORM, HOLD_MINUTES, false),
        ];
        for (holder, form, minutes, back) in cases {
            let got = app
                .held_upload(holder, form, &held.id, at(minutes * MINUTE))
                .await
                .unwrap();
            assert_eq!(got.is_some(), back, "{holder} {form} after {minutes} min");
            if let Some((h, content)) = got {
                assert_eq!(h, held);
                assert_eq!(content, PDF);
            }
        }
        // The orphan sweep spares a held object however old.
        assert_eq!(app.sweep_orphans(at(10 * DAY)).await.unwrap(), 0);
        // Housekeeping after expiry removes the row and the object.
        assert_eq!(
            app.purge_held_uploads(at(HOLD_MINUTES * MINUTE))
                .await
                .unwrap(),
            1
        );
        assert_eq!(app.vault().list().await.unwrap().len(), objects);
        assert!(app
            .held_upload("session-a", FORM, &held.id, t)
            .await
            .unwrap()
            .is_none());
        // Nothing is held for an empty file.
        assert!(app
            .hold_upload("session-a", FORM, "x.pdf", b"", t)
            .await
            .unwrap()
            .is_none());
    });
}

#[test]
fn a_holder_keeps_three_files_per_field_and_releases_them() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let holder = nonce_holder("anonymous-form-nonce");
        assert_eq!(holder.len(), 64, "a SHA-256, never the nonce itself");
        let objects = app.vault().list().await.unwrap().len();
        let mut ids = Vec::new();
        for i in 0..=MAX_PER_FORM {
            let content = format!("scan {i}").into_bytes();
            let minute = i64::try_from(i).unwrap();
            let h = app
                .hold_upload(&holder, FORM, "scan.png", &content, at(minute * MINUTE))
                .await
                .unwrap()
                .unwrap();
            ids.push(h.id);
        }
        let now = at(5 * MINUTE);
        assert!(
            app.held_upload(&holder, FORM, &ids[0], now)
                .await
                .unwrap()
                .is_none(),
            "the oldest dropped"
        );
        for id in &ids[1..] {
            assert!(app
                .held_upload(&holder, FORM, id, now)
                .await
                .unwrap()
                .is_some());
        }
        assert_eq!(
            app.vault().list().await.unwrap().len(),
            objects + MAX_PER_FORM
        );
        app.release_upload(&holder, FORM, &ids[1]).await.unwrap();
        // Another holder cannot release what is not theirs.
        app.release_upload("someone-else", FORM, &ids[2])
            .await
            .unwrap();
        assert!(app
            .held_upload(&holder, FORM, &ids[1], now)
            .await
            .unwrap()
            .is_none());
        assert!(app
            .held_upload(&holder, FORM, &ids[2], now)
            .await
            .unwrap()
            .is_some());
        assert_eq!(
            app.vault().list().await.unwrap().len(),
            objects + MAX_PER_FORM - 1
        );
    });
}
