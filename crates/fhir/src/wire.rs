//! Writing a FHIR JSON answer (`application/fhir+json`): what the successful answers and the
//! errors share, below both.

use crate::model::Resource;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

pub const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";

/// A FHIR JSON answer.
pub fn fhir_json(status: StatusCode, resource: &Resource) -> Response {
    match serde_json::to_vec(resource) {
        Ok(bytes) => {
            let mut r = (status, bytes).into_response();
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
            r
        }
        Err(e) => {
            tracing::error!(error = %e, "a FHIR resource could not be written");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
