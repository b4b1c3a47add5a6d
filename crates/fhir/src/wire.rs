//! Writing a FHIR JSON answer (`application/fhir+json`): what the successful answers and the
//! errors share, below both.

use crate::model::Resource;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

pub const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";

/// Bytes reserved before writing an answer: a search Bundle of 50 DocumentReferences (78 KB)
/// with room. `serde_json::to_vec` starts at 128 bytes and copied such a Bundle ten times as
/// it grew. The buffer goes to the body without a copy; a small answer is moved to a buffer
/// of its size (`mds_http::answer::json`), so that a slow client does not hold the room.
const FIRST_CAPACITY: usize = 128 * 1024;

/// A FHIR JSON answer.
pub fn fhir_json(status: StatusCode, resource: &Resource) -> Response {
    match mds_http::answer::json(resource, FIRST_CAPACITY) {
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
