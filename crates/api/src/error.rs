//! The one place where errors become HTTP responses: a stable code and a French message as
//! JSON. Internal details go to the log, never to the client.

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
        let (status, code, message, retry) = match &self {
            Self::App(e) => (
                status_of(e),
                e.code(),
                e.public_message(),
                e.retry_after_seconds(),
            ),
            Self::Http {
                status,
                code,
                message,
            } => (*status, *code, message.clone(), None),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message,
            },
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
