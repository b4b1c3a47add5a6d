//! `multipart/form-data` bodies of the REST API (self-enrolment scans, consent forms,
//! documents): read by `mds_http::multipart` — the declared parts only, each once and within
//! its limit, files bounded by the route's body limit — and its refusals turned into the
//! API's errors here.

use crate::error::ApiError;
use axum::extract::Multipart;
use axum::http::StatusCode;
pub use mds_http::{Form, Part, ReadError};

/// Largest body of a route carrying two 5 MB scans and their form fields.
pub const UPLOAD_BODY_LIMIT: usize = 11 * 1024 * 1024;

/// A part carrying JSON (or a text field): bounded like a JSON body.
pub const fn json(name: &'static str) -> Part {
    Part::text(name, crate::JSON_BODY_LIMIT)
}

pub fn multipart_error(e: &impl std::fmt::Display) -> ApiError {
    let text = e.to_string();
    if text.contains("length limit") || text.contains("too large") {
        return too_large();
    }
    malformed()
}

fn malformed() -> ApiError {
    ApiError::http(
        StatusCode::BAD_REQUEST,
        "malformed_multipart",
        "Le formulaire envoyé est illisible (multipart/form-data attendu).",
    )
}

fn too_large() -> ApiError {
    ApiError::http(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        "Les fichiers envoyés sont trop volumineux (5 Mo au plus par fichier).",
    )
}

/// The answer to a body that could not be read as a form: too large, or unreadable.
pub fn unreadable(e: &ReadError) -> ApiError {
    match e {
        ReadError::TooLarge { .. } => too_large(),
        _ => malformed(),
    }
}

pub fn missing(name: &'static str, label: &str) -> ApiError {
    ApiError::http(
        StatusCode::UNPROCESSABLE_ENTITY,
        "missing_part",
        format!("Élément manquant dans le formulaire : « {name} » ({label})."),
    )
}

/// A text part that is not UTF-8: refused by name, never repaired.
pub fn not_text(part: &str) -> ApiError {
    ApiError::http(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_text",
        format!("Le champ « {part} » n'est pas du texte UTF-8 valide."),
    )
}

/// Reads every part; only the declared ones, each once.
pub async fn read_parts(m: Multipart, parts: &[Part]) -> Result<Form, ApiError> {
    mds_http::read(m, parts).await.map_err(|e| match e {
        ReadError::Unexpected { .. } | ReadError::Repeated { .. } => {
            let names: Vec<&str> = parts.iter().map(|p| p.name).collect();
            ApiError::http(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unexpected_part",
                format!(
                    "Élément inattendu ou répété dans le formulaire. Éléments acceptés : {}.",
                    names.join(", ")
                ),
            )
        }
        ReadError::NotText { part } => not_text(part),
        e => unreadable(&e),
    })
}
