//! `multipart/form-data` bodies (self-enrolment scans, consent forms): named parts read into
//! memory under the route's body limit; unknown or repeated parts are refused.

use crate::error::ApiError;
use axum::extract::multipart::MultipartError;
use axum::extract::Multipart;
use axum::http::StatusCode;
use std::collections::BTreeMap;

/// Largest body of a route carrying two 5 MB scans and their form fields.
pub const UPLOAD_BODY_LIMIT: usize = 11 * 1024 * 1024;

/// The parts of a form, by name.
#[derive(Default)]
pub struct Parts(BTreeMap<String, Vec<u8>>);

impl Parts {
    pub fn take(&mut self, name: &str) -> Option<Vec<u8>> {
        self.0.remove(name)
    }
}

pub fn multipart_error(e: &impl std::fmt::Display) -> ApiError {
    let text = e.to_string();
    if text.contains("length limit") || text.contains("too large") {
        return too_large();
    }
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

fn part_error(e: &MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        multipart_error(e)
    }
}

pub fn missing(name: &'static str, label: &str) -> ApiError {
    ApiError::http(
        StatusCode::UNPROCESSABLE_ENTITY,
        "missing_part",
        format!("Élément manquant dans le formulaire : « {name} » ({label})."),
    )
}

/// Reads every part; only `allowed` names, each once.
pub async fn read_parts(mut m: Multipart, allowed: &[&str]) -> Result<Parts, ApiError> {
    let mut parts = Parts::default();
    while let Some(field) = m.next_field().await.map_err(|e| part_error(&e))? {
        let name = field.name().unwrap_or_default().to_owned();
        if !allowed.contains(&name.as_str()) || parts.0.contains_key(&name) {
            return Err(ApiError::http(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unexpected_part",
                format!(
                    "Élément inattendu ou répété dans le formulaire. Éléments acceptés : {}.",
                    allowed.join(", ")
                ),
            ));
        }
        let bytes = field.bytes().await.map_err(|e| part_error(&e))?;
        parts.0.insert(name, bytes.to_vec());
    }
    Ok(parts)
}
