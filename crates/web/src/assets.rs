//! The portals' static files, embedded in the binary: one style sheet and one small script
//! for progressive enhancement (every page works without it). Their names carry a version,
//! so they can be cached for a long time.

use crate::error::WebError;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

pub const CSS: &str = "/static/mds-1.css";
pub const JS: &str = "/static/mds-1.js";

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "mds-1.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/mds.css"),
    ),
    (
        "mds-1.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/mds.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../static/favicon.svg"),
    ),
];

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
