//! The one multipart reader (`mds_http::multipart`) on any body under a fixed boundary: the
//! document form (declared parts, limits, repetitions) and the portals' variant (anti-CSRF
//! token first). Never panics; what it returns respects the declared limits.
#![no_main]

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use libfuzzer_sys::fuzz_target;
use mds_http::multipart::{read, read_after_token, Part};
use std::sync::OnceLock;

const BOUNDARY: &str = "mds-fuzz-boundary";

const DOCUMENT: &[Part] = &[
    Part::text("type_code", 64),
    Part::text("title", 200),
    Part::text("act_date", 32),
    Part::text("confirms_patient_informed", 8),
    Part::file("file"),
    Part::text("label", 64).repeated(3),
];

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
    })
}

fn multipart(data: &[u8]) -> Option<Multipart> {
    let req = Request::builder()
        .method("POST")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(data.to_vec()))
        .ok()?;
    runtime().block_on(Multipart::from_request(req, &())).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((&variant, body)) = data.split_first() else {
        return;
    };
    let Some(form) = multipart(body) else {
        return;
    };
    if variant & 1 == 0 {
        if let Ok(mut form) = runtime().block_on(read(form, DOCUMENT)) {
            assert!(form.take_all("label").len() <= 3);
            assert!(form.take("title").is_none_or(|t| t.len() <= 200));
            let _ = form.text("type_code");
        }
    } else {
        let token_ok = |t: &str| t == "jeton";
        if let Ok(form) = runtime().block_on(read_after_token(form, token_ok, DOCUMENT)) {
            assert!(!form.has("csrf"));
        }
    }
});
