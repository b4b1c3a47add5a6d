//! The one place where errors become HTTP responses: a stable code, a French message and its
//! English (issue 15, item 10) as JSON. Internal details go to the log, never to the client.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use mds_app::AppError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `invalid_credentials`.
    pub code: String,
    /// Short message for people, in French.
    pub message: String,
    /// The same message in English (absent for the few transport refusals without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_en: Option<String>,
}

#[derive(Debug)]
pub enum ApiError {
    App(AppError),
    Http {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl ApiError {
    /// What the client reads: the code, the French message and its English.
    fn detail(&self) -> ErrorDetail {
        let (code, message, message_en) = match self {
            Self::App(e) => (
                e.code(),
                e.public_message(),
                Some(e.public_message_in(mds_domain::Language::En)),
            ),
            Self::Http { code, message, .. } => (
                *code,
                message.clone(),
                transport_english(code)
                    .or_else(|| mds_app::error_en::english_message(code))
                    .map(str::to_owned),
            ),
        };
        ErrorDetail {
            code: code.to_owned(),
            message,
            message_en,
        }
    }

    pub fn http(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self::Http {
            status,
            code,
            message: message.into(),
        }
    }
}

fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::InvalidCredentials | AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Denied { .. } => StatusCode::FORBIDDEN,
        AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Store(_) | AppError::Vault(_) | AppError::Audit(_) | AppError::Internal(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, retry) = match &self {
            Self::App(e) => (status_of(e), e.code(), e.retry_after_seconds()),
            Self::Http { status, code, .. } => (*status, *code, None),
        };
        let body = ErrorBody {
            error: self.detail(),
        };
        let mut response = (status, axum::Json(body)).into_response();
        response.extensions_mut().insert(ErrorCode(code));
        if let Self::App(e) = &self {
            // The trace middleware logs every response; internal causes are logged here
            // once, with their detail, because the client only sees a generic message.
            if status.is_server_error() {
                response
                    .extensions_mut()
                    .insert(InternalCause(e.to_string()));
            }
        }
        if let Some(seconds) = retry {
            if let Ok(v) = HeaderValue::from_str(&seconds.max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

/// The English of the refusals the REST surface makes itself, before any use case (a body
/// that cannot be read, a form part missing…), by code; the use cases' own codes are in
/// `mds_app::error_en`. The messages carry no value the French one names (a field, a size).
const TRANSPORT_EN: &[(&str, &str)] = &[
    ("body_too_large", "The request body is too large."),
    (
        "csrf_failed",
        "Request refused: the anti-CSRF token is missing or wrong. Reload the page.",
    ),
    ("document_too_large", "The document is too large."),
    (
        "insufficient_criteria",
        "Search with the CAFAT or AMG number and the birth date, or with the birth name, the \
         first name, the birth date and the sex.",
    ),
    ("invalid_body", "The JSON body does not fit this operation."),
    (
        "invalid_multipart",
        "The form sent cannot be read (multipart/form-data expected).",
    ),
    (
        "invalid_purpose",
        "The purpose or the care date of the request is not valid.",
    ),
    ("invalid_query", "Invalid query parameters."),
    ("invalid_structure", "You do not work in this structure."),
    (
        "invalid_text",
        "A field of the form is not valid UTF-8 text.",
    ),
    ("malformed_json", "The request body is not valid JSON."),
    (
        "malformed_multipart",
        "Send the form as multipart/form-data (with its boundary).",
    ),
    ("method_not_allowed", "Method not allowed for this address."),
    ("missing_part", "A part of the form is missing."),
    ("not_found", "Resource not found."),
    (
        "preload_moved",
        "Preloading is a read, no longer a deposit: feed a record with POST \
         /api/v1/software/records/{patient_id}/documents, and preload with GET on the same \
         address with purpose=preload and care_date.",
    ),
    (
        "unexpected_part",
        "The form has a part this operation does not take, or a part sent twice.",
    ),
    (
        "unsupported_media_type",
        "Send the body as JSON (Content-Type: application/json).",
    ),
];

fn transport_english(code: &str) -> Option<&'static str> {
    TRANSPORT_EN
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, en)| *en)
}

/// The stable code of an error answer, carried to the layers (`refused`).
#[derive(Clone, Copy, Debug)]
pub struct ErrorCode(pub &'static str);

/// Carried from an error response to the logging layer.
pub use mds_http::layers::InternalCause;

pub async fn not_found() -> ApiError {
    ApiError::http(StatusCode::NOT_FOUND, "not_found", "Ressource introuvable.")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::http(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "Méthode non autorisée pour cette adresse.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code this crate answers with by itself (`ApiError::http(StatusCode::…, "code"`),
    /// read from its sources, has its English.
    #[test]
    fn every_transport_refusal_has_its_english() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut codes = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            // Test code names codes that no answer carries.
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for call in flat.split("ApiError::http(").skip(1) {
                let Some((_, rest)) = call.split_once("StatusCode::") else {
                    continue;
                };
                let Some((_, after)) = rest.split_once(", \"") else {
                    continue;
                };
                if let Some((code, _)) = after.split_once('"') {
                    codes.push(code.to_owned());
                }
            }
        }
        assert!(
            codes.len() > 20,
            "the reader found too few codes: {codes:?}"
        );
        let missing: Vec<&String> = codes
            .iter()
            .filter(|c| {
                transport_english(c).is_none() && mds_app::error_en::english_message(c).is_none()
            })
            .collect();
        assert!(missing.is_empty(), "codes without English: {missing:?}");
        for (code, en) in TRANSPORT_EN {
            assert!(
                codes.iter().any(|c| c == code),
                "{code}: no longer answered"
            );
            assert!(
                en.ends_with('.') && !en.contains(['é', 'è', 'à']),
                "{code}: {en}"
            );
        }
    }

    #[test]
    fn an_error_body_carries_both_languages() {
        let cases = [
            (
                ApiError::from(AppError::NotFound),
                "not_found",
                "Resource not found.",
            ),
            (
                ApiError::from(AppError::conflict("representation_exists", "…")),
                "representation_exists",
                "This person is already",
            ),
            (
                ApiError::http(StatusCode::BAD_REQUEST, "invalid_query", "Paramètres."),
                "invalid_query",
                "Invalid query parameters.",
            ),
        ];
        for (error, code, english) in cases {
            let d = error.detail();
            assert_eq!(d.code, code);
            let en = d.message_en.unwrap_or_default();
            assert!(en.starts_with(english), "{code}: {en}");
        }
    }
}
