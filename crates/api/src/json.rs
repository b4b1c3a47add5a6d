//! JSON responses written straight into one buffer.
//!
//! `axum::Json` serialises through a `BytesMut` writer that starts at 128 bytes: a page of 50
//! documents (36 KB) costs a dozen reallocations and a capacity check per token written
//! (4 % of the list scenario's CPU, docs/PERFORMANCE.md). [`Json`] writes into a `Vec` that
//! starts larger than such a page, and hands it to the body without a copy (a small answer
//! is moved to a buffer of its own size, so that a slow client does not hold the room). Same
//! bytes, same `Content-Type`; a value that cannot be serialised is the API's internal error
//! (500, its generic JSON message, the cause logged).

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Bytes reserved before serialising: a page of 50 documents (36 KB) with room for longer
/// titles, so that it is written without a reallocation; a small answer is then moved to a
/// buffer of its size (`mds_http::answer::json`).
const FIRST_CAPACITY: usize = 64 * 1024;

/// A JSON response (`application/json`).
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        match mds_http::answer::json(&self.0, FIRST_CAPACITY) {
            Ok(body) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response(),
            Err(e) => crate::error::ApiError::App(mds_app::AppError::Internal(format!(
                "response not serialised: {e}"
            )))
            .into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[tokio::test]
    async fn writes_the_same_bytes_as_serde_json() {
        let value =
            serde_json::json!({ "items": [{ "title": "Compte rendu « été »\n" }], "total": 1 });
        let response = Json(&value).into_response();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            HeaderValue::from_static("application/json")
        );
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(bytes, serde_json::to_vec(&value).unwrap());
    }

    #[test]
    fn a_value_that_cannot_be_serialised_is_an_internal_error() {
        let mut map = std::collections::HashMap::new();
        map.insert((1, 2), "a key that is not a string");
        let response = Json(map).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response
            .extensions()
            .get::<crate::error::InternalCause>()
            .is_some());
    }
}
