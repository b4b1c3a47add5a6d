//! The one place where errors become FHIR answers: an `OperationOutcome` with an issue code,
//! the MDS error code as the issue's detail, and a French `diagnostics`. Internal details go
//! to the log (by the middleware), never to the client.

use crate::model::bundle::{Issue, OperationOutcome};
use crate::model::common::{CodeableConcept, Coding};
use crate::model::Resource;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use mds_app::AppError;

/// The code system of MDS's error codes, as an issue's `details`.
pub const ERROR_SYSTEM: &str = "https://mondrivesante.nc/fhir/CodeSystem/erreur";

#[derive(Debug)]
pub enum FhirError {
    App(AppError),
    /// A refusal of the FHIR surface itself (syntax, negotiation, what is not supported).
    Http {
        status: StatusCode,
        /// FHIR IssueType (`invalid`, `not-supported`, `structure`…).
        issue: &'static str,
        /// MDS error code (`malformed_json`…).
        code: &'static str,
        message: String,
    },
    /// The failure of one entry of a transaction Bundle: nothing of the Bundle was done.
    Entry {
        index: usize,
        full_url: Option<String>,
        error: Box<FhirError>,
    },
}

impl From<AppError> for FhirError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl FhirError {
    pub fn http(
        status: StatusCode,
        issue: &'static str,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self::Http {
            status,
            issue,
            code,
            message: message.into(),
        }
    }

    /// 400 `invalid`: the request does not say what it means.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::http(StatusCode::BAD_REQUEST, "invalid", code, message)
    }

    /// 400 `not-supported`: a FHIR feature MDS does not offer.
    pub fn not_supported(message: impl Into<String>) -> Self {
        Self::http(
            StatusCode::BAD_REQUEST,
            "not-supported",
            "not_supported",
            message,
        )
    }

    /// This error, as the failure of entry `index` of a transaction.
    pub fn at_entry(self, index: usize, full_url: Option<&str>) -> Self {
        match self {
            e @ Self::Entry { .. } => e,
            e => Self::Entry {
                index,
                full_url: full_url.map(str::to_owned),
                error: Box::new(e),
            },
        }
    }

    /// Status, IssueType, MDS code, message, FHIRPath expressions.
    fn parts(&self) -> (StatusCode, &'static str, &'static str, String, Vec<String>) {
        match self {
            Self::App(e) => (
                status_of(e),
                issue_of(e),
                e.code(),
                e.public_message(),
                Vec::new(),
            ),
            Self::Http {
                status,
                issue,
                code,
                message,
            } => (*status, issue, code, message.clone(), Vec::new()),
            Self::Entry {
                index,
                full_url,
                error,
            } => {
                let (status, issue, code, message, _) = error.parts();
                let named = match full_url {
                    Some(u) => format!("Entrée n° {} ({u})", index + 1),
                    None => format!("Entrée n° {}", index + 1),
                };
                let message =
                    format!("{named} : {message} Rien n'a été enregistré de cette transaction.");
                (
                    status,
                    issue,
                    code,
                    message,
                    vec![format!("Bundle.entry[{index}]")],
                )
            }
        }
    }

    /// The internal cause, for the log, when the client only sees a generic message.
    fn internal_cause(&self) -> Option<String> {
        match self {
            Self::App(e) if status_of(e).is_server_error() => Some(e.to_string()),
            Self::Entry { error, .. } => error.internal_cause(),
            _ => None,
        }
    }
}

fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::InvalidCredentials | AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Forbidden | AppError::Denied { .. } => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Store(_) | AppError::Vault(_) | AppError::Audit(_) | AppError::Internal(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// The FHIR IssueType of a use case's error.
fn issue_of(e: &AppError) -> &'static str {
    match e {
        AppError::InvalidCredentials | AppError::Unauthenticated => "login",
        AppError::Throttled { .. } => "throttled",
        AppError::Forbidden | AppError::Denied { .. } => "forbidden",
        AppError::NotFound => "not-found",
        AppError::TooLarge { .. } => "too-long",
        AppError::Invalid { code, .. } => match *code {
            "information_duty_required" | "minor" | "attestation_missing" => "business-rule",
            "unknown_document_type" => "code-invalid",
            _ => "invalid",
        },
        AppError::Conflict { code, .. } => match *code {
            "duplicate_document" | "duplicate_cafat" | "duplicate_identity" => "duplicate",
            "record_not_open" | "identity_not_validated" | "patient_deceased" => "business-rule",
            _ => "conflict",
        },
        AppError::Unavailable(_) => "transient",
        AppError::Store(_) | AppError::Vault(_) | AppError::Audit(_) | AppError::Internal(_) => {
            "exception"
        }
    }
}

/// An `OperationOutcome` of one issue.
pub fn outcome(
    severity: &str,
    issue: &str,
    code: &str,
    message: String,
    expression: Vec<String>,
) -> OperationOutcome {
    OperationOutcome {
        issue: vec![Issue {
            severity: severity.to_owned(),
            code: issue.to_owned(),
            details: Some(CodeableConcept::of(Coding::new(ERROR_SYSTEM, code, None))),
            diagnostics: message,
            expression,
        }],
    }
}

impl IntoResponse for FhirError {
    fn into_response(self) -> Response {
        let (status, issue, code, message, expression) = self.parts();
        let body = Resource::OperationOutcome(outcome("error", issue, code, message, expression));
        let mut response = crate::wire::fhir_json(status, &body);
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"mds-fhir\""),
            );
        }
        if let Some(seconds) = match &self {
            Self::App(e) => e.retry_after_seconds(),
            _ => None,
        } {
            if let Ok(v) = HeaderValue::from_str(&seconds.max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        if let Some(cause) = self.internal_cause() {
            response.extensions_mut().insert(InternalCause(cause));
        }
        response
    }
}

/// Carried from an error answer to the logging layer.
pub use mds_http::layers::InternalCause;

/// Anything under `/fhir` that is not served.
pub async fn not_found() -> FhirError {
    FhirError::http(
        StatusCode::NOT_FOUND,
        "not-found",
        "not_found",
        "Ressource ou opération FHIR non prise en charge (voir /fhir/metadata).",
    )
}

pub async fn method_not_allowed() -> FhirError {
    FhirError::http(
        StatusCode::METHOD_NOT_ALLOWED,
        "not-supported",
        "method_not_allowed",
        "Méthode non autorisée pour cette adresse (voir /fhir/metadata).",
    )
}
