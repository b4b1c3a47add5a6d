//! The portals' static files, embedded in the binary: one style sheet and one small script
//! for progressive enhancement (every page works without it). Their names carry a fingerprint
//! of their content, so they can be cached for a long time and a changed file is fetched anew.

use crate::shell::error::WebError;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;

const CSS_BYTES: &[u8] = include_bytes!("../../static/mds.css");
const JS_BYTES: &[u8] = include_bytes!("../../static/mds.js");

/// FNV-1a of a file's content (not a security measure: a cache key).
const fn fingerprint(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// The served files: name, media type, content.
static FILES: LazyLock<[(String, &str, &[u8]); 3]> = LazyLock::new(|| {
    [
        (
            format!("mds-{:016x}.css", fingerprint(CSS_BYTES)),
            "text/css; charset=utf-8",
            CSS_BYTES,
        ),
        (
            format!("mds-{:016x}.js", fingerprint(JS_BYTES)),
            "text/javascript; charset=utf-8",
            JS_BYTES,
        ),
        (
            "favicon.svg".to_owned(),
            "image/svg+xml",
            include_bytes!("../../static/favicon.svg"),
        ),
    ]
});

static CSS: LazyLock<String> = LazyLock::new(|| format!("/static/{}", FILES[0].0));
static JS: LazyLock<String> = LazyLock::new(|| format!("/static/{}", FILES[1].0));

/// The address of the style sheet.
pub fn css() -> &'static str {
    &CSS
}

/// The address of the script.
pub fn js() -> &'static str {
    &JS
}

pub async fn serve(Path(file): Path<String>) -> Result<Response, WebError> {
    let (_, mime, body) = FILES
        .iter()
        .find(|(name, _, _)| *name == file)
        .ok_or(WebError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, *mime),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        *body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_file_gets_a_new_name() {
        assert_ne!(
            fingerprint(b"a { color: red }"),
            fingerprint(b"a { color: blue }")
        );
        assert_eq!(fingerprint(b""), 0xcbf2_9ce4_8422_2325);
        assert!(css().starts_with("/static/mds-") && css().ends_with(".css"));
        assert!(js().starts_with("/static/mds-") && js().ends_with(".js"));
        assert_ne!(css(), "/static/mds-1.css");
    }
}
